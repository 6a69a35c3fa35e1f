//! The project index: every file's facts merged, so that rules can answer questions that span
//! files. Which classes are models (by their bases, through imports and aliases, whatever the
//! `SQLAlchemy()` object is called), which are schemas, what relationships point where, which
//! functions are views, and, through the [`Evaluator`], what any recorded term holds.

mod classify;
mod entry;
mod eval;
mod external;
pub mod mongo;
mod propagate;
pub mod serializers;
mod value;

use std::any::Any;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

pub use classify::ClassFlags;
pub(crate) use entry::schema_class;
pub use entry::{
    is_numeric_converter, route_converter, route_variables, ClientParam, ClientSource,
};
pub use eval::{Evaluator, SUMMARY_DEPTH};
pub use external::{is_serializer_method, symbol_in, QUERY_ONE};
pub use propagate::{carries, keeps_text};
pub use serializers::Serialization;
pub use value::{DeclaredFields, Fact, Kind, Origin, SafeFor, Value};

use crate::analyze::facts::{
    ClassFacts, Column, FunctionFacts, GlobalBinding, LocalId, Relationship, RelationshipTarget,
};
use crate::analyze::{FileAnalysis, FileFacts, Term, TermId};
use crate::source::FileId;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassId(pub u32);

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

/// A relationship attribute with its target class resolved.
#[derive(Clone, Debug)]
pub struct ResolvedRelationship {
    pub name: Box<str>,
    pub target: Option<ClassId>,
    pub scalar: bool,
    pub dynamic: bool,
    /// Where it is declared (for a backref: the relationship that declares it).
    pub file: FileId,
    pub range: flaskcheck_python::TextRange,
}

/// What the index knows of a function beyond its facts.
#[derive(Clone, Copy, Debug, Default)]
pub struct ViewInfo {
    /// A view: a decorated route, a registered view function, or an HTTP method of a
    /// `MethodView`/`Resource` class.
    pub is_route: bool,
    /// A method of a Flask-RESTful/RESTX `Resource`, whose return value is serialized as JSON.
    pub is_resource_method: bool,
    /// An `@errorhandler` function: its return is a response too.
    pub is_error_handler: bool,
    /// Its return value goes through a serializer declared by a decorator (`@marshal_with`,
    /// `@blp.response(200, Schema)`, `method_decorators = [marshal_with(...)]`).
    pub serialized_by_decorator: bool,
}

pub struct ProjectIndex<'a> {
    files: Vec<Option<&'a FileFacts>>,
    modules: FxHashMap<&'a str, FileId>,
    class_offsets: Vec<u32>,
    function_offsets: Vec<u32>,
    classes: Vec<(FileId, LocalId)>,
    functions: Vec<(FileId, LocalId)>,
    classes_by_qualname: FxHashMap<&'a str, ClassId>,
    classes_by_name: FxHashMap<&'a str, Vec<ClassId>>,
    functions_by_qualname: FxHashMap<&'a str, FuncId>,
    /// Each file's module-level names, by file id: looked up for every module-level name the
    /// evaluator resolves.
    names: Vec<ModuleNames<'a>>,
    class_flags: Vec<ClassFlags>,
    /// Project ancestors of each class, nearest first.
    ancestors: Vec<Vec<ClassId>>,
    relationships: Vec<Vec<ResolvedRelationship>>,
    views: Vec<ViewInfo>,
    /// The parameters of entry points that the client chooses (see `entry.rs`).
    client_params: entry::ClientParams,
    user_loaders: Vec<FuncId>,
    wrappers: FxHashMap<FuncId, ResponseWrapper>,
    /// What each error handler handles: the `@errorhandler(...)` argument or the first argument
    /// of `register_error_handler`, in the file it is written in (`TermId::UNKNOWN` for a bare
    /// `@api.errorhandler`, which handles everything).
    error_handler_types: FxHashMap<FuncId, Vec<(FileId, TermId)>>,
    /// Project-wide results rules compute once and share between files (see [`Self::memo`]).
    memos: Mutex<FxHashMap<&'static str, Arc<dyn Any + Send + Sync>>>,
}

/// One file's module-level names: each assignment (its place in `FileFacts::globals`) and the last
/// import of each name (its place in `FileFacts::imports`). Per file, so that the files' maps are
/// built in parallel.
#[derive(Default)]
struct ModuleNames<'a> {
    globals: FxHashMap<&'a str, u32>,
    imports: FxHashMap<&'a str, u32>,
}

impl<'a> ModuleNames<'a> {
    fn of(facts: &'a FileFacts) -> Self {
        let mut globals =
            FxHashMap::with_capacity_and_hasher(facts.globals.len(), Default::default());
        for (position, binding) in facts.globals.iter().enumerate() {
            globals.insert(binding.name.as_str(), position as u32);
        }
        let mut imports =
            FxHashMap::with_capacity_and_hasher(facts.imports.len(), Default::default());
        for (position, (bound, _)) in facts.imports.iter().enumerate() {
            imports.insert(bound.as_str(), position as u32);
        }
        ModuleNames { globals, imports }
    }
}

/// A function that puts (something made from) one of its parameters into a response:
/// `def send_result(obj): return jsonify(prepare(obj))`. A call to it is a response too.
#[derive(Debug, Default)]
pub struct ResponseWrapper {
    /// Its response calls whose value mentions a parameter.
    pub sinks: Vec<TermId>,
    /// Its calls to other functions of the project that pass a parameter on.
    pub calls: Vec<TermId>,
}

impl<'a> ProjectIndex<'a> {
    pub fn build(files: &[Option<&'a FileAnalysis>]) -> Self {
        let mut index = ProjectIndex {
            files: files.iter().map(|f| f.map(|a| &a.facts)).collect(),
            modules: FxHashMap::default(),
            class_offsets: Vec::with_capacity(files.len()),
            function_offsets: Vec::with_capacity(files.len()),
            classes: Vec::new(),
            functions: Vec::new(),
            classes_by_qualname: FxHashMap::default(),
            classes_by_name: FxHashMap::default(),
            functions_by_qualname: FxHashMap::default(),
            names: Vec::new(),
            class_flags: Vec::new(),
            ancestors: Vec::new(),
            relationships: Vec::new(),
            views: Vec::new(),
            client_params: Default::default(),
            user_loaders: Vec::new(),
            wrappers: FxHashMap::default(),
            error_handler_types: FxHashMap::default(),
            memos: Mutex::new(FxHashMap::default()),
        };
        // The build is serial work between two parallel phases: what does not depend on the rest
        // runs beside it (each file's names beside the project's tables; the response wrappers,
        // which read the facts alone, beside the classification and what follows from it).
        let facts = index.files.clone();
        let (names, ()) = rayon::join(
            || {
                facts
                    .par_iter()
                    .map(|facts| facts.map(ModuleNames::of).unwrap_or_default())
                    .collect()
            },
            || index.register(),
        );
        index.names = names;
        let function_offsets = index.function_offsets.clone();
        let (wrappers, ()) = rayon::join(
            || find_wrappers(&facts, &function_offsets),
            || index.classify(),
        );
        index.wrappers = wrappers;
        index
    }

    /// What each class is, and what follows from it: relationships, views, entry points.
    fn classify(&mut self) {
        // A base can depend on another class's kind through a value (`db = MySQLAlchemy()`, then
        // `class User(db.Model)` needs to know `MySQLAlchemy` is a `SQLAlchemy`), so classify
        // again with what the previous round found until nothing changes (twice in practice).
        for _ in 0..4 {
            let (flags, ancestors) = classify::classify_all(self);
            let settled = flags == self.class_flags;
            self.class_flags = flags;
            self.ancestors = ancestors;
            if settled {
                break;
            }
        }
        self.relationships = self.resolve_relationships();
        let (mut views, error_handler_types) = self.find_views();
        self.client_params = self.find_entry_points(&mut views);
        self.views = views;
        self.error_handler_types = error_handler_types;
    }

    /// Files, modules, classes and functions by name. Files come in path order, so where two
    /// files claim one name the first path wins, the same on every run.
    fn register(&mut self) {
        let (classes, functions) = self.files.iter().flatten().fold((0, 0), |(c, f), facts| {
            (c + facts.classes.len(), f + facts.functions.len())
        });
        // Sized up front: growing these maps (rehashing every key) was half the build.
        self.modules.reserve(self.files.len());
        self.classes.reserve(classes);
        self.functions.reserve(functions);
        self.classes_by_qualname.reserve(classes);
        self.classes_by_name.reserve(classes);
        self.functions_by_qualname.reserve(functions);
        for (file_index, facts) in self.files.clone().into_iter().enumerate() {
            let file = FileId(file_index as u32);
            self.class_offsets.push(self.classes.len() as u32);
            self.function_offsets.push(self.functions.len() as u32);
            let Some(facts) = facts else { continue };
            self.modules.entry(&facts.module).or_insert(file);
            for (local, class) in facts.classes.iter().enumerate() {
                let id = ClassId(self.classes.len() as u32);
                self.classes.push((file, local as LocalId));
                self.classes_by_qualname
                    .entry(&class.qualname)
                    .or_insert(id);
                self.classes_by_name
                    .entry(&class.name)
                    .or_default()
                    .push(id);
            }
            for (local, function) in facts.functions.iter().enumerate() {
                let id = FuncId(self.functions.len() as u32);
                self.functions.push((file, local as LocalId));
                self.functions_by_qualname
                    .entry(&function.qualname)
                    .or_insert(id);
            }
            for &loader in &facts.user_loaders {
                self.user_loaders.push(self.function_id(file, loader));
            }
        }
    }

    /// The module-level assignment of `name` in `file`.
    pub fn global_binding(&self, file: FileId, name: &str) -> Option<&'a GlobalBinding> {
        let position = *self.names.get(file.index())?.globals.get(name)?;
        self.facts(file)?.globals.get(position as usize)
    }

    /// What the last module-level import of `name` in `file` names (`blog.models.User` for
    /// `from .models import User`).
    pub fn imported(&self, file: FileId, name: &str) -> Option<&'a str> {
        let position = *self.names.get(file.index())?.imports.get(name)?;
        Some(&self.facts(file)?.imports.get(position as usize)?.1)
    }

    /// Whether a project module binds `name` itself (a definition, an assignment, an import, a
    /// submodule).
    pub fn module_defines(&self, file: FileId, name: &str) -> bool {
        let Some(facts) = self.facts(file) else {
            return false;
        };
        if self.global_binding(file, name).is_some() || self.imported(file, name).is_some() {
            return true;
        }
        let qualified = dotted(&facts.module, name);
        self.class_by_qualname(&qualified).is_some()
            || self.function_by_qualname(&qualified).is_some()
            || self.module(&qualified).is_some()
    }

    pub fn facts(&self, file: FileId) -> Option<&'a FileFacts> {
        self.files.get(file.index()).copied().flatten()
    }

    /// How many files the run has (ids `0..file_count()`; a file that failed to parse has no
    /// facts).
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    pub fn module(&self, name: &str) -> Option<FileId> {
        self.modules.get(name).copied()
    }

    pub fn class_id(&self, file: FileId, local: LocalId) -> ClassId {
        ClassId(self.class_offsets[file.index()] + local)
    }

    pub fn function_id(&self, file: FileId, local: LocalId) -> FuncId {
        FuncId(self.function_offsets[file.index()] + local)
    }

    pub fn class_by_qualname(&self, qualname: &str) -> Option<ClassId> {
        self.classes_by_qualname.get(qualname).copied()
    }

    pub fn function_by_qualname(&self, qualname: &str) -> Option<FuncId> {
        self.functions_by_qualname.get(qualname).copied()
    }

    /// What the project serializes: whether a serializer method, a schema for it, or a class or
    /// function named for it serializes each model (see `serializers.rs`). Computed by the first
    /// file that asks (see [`Self::memo`]).
    pub fn serialization(&self) -> Arc<Serialization> {
        self.memo("index.serialization", serializers::serialization)
    }

    /// The relationship attributes of the class itself (not inherited): those it declares and the
    /// backrefs other models declare on it.
    pub fn relationships_of(&self, id: ClassId) -> &[ResolvedRelationship] {
        self.relationships
            .get(id.0 as usize)
            .map_or(&[], Vec::as_slice)
    }

    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    pub fn class_file(&self, id: ClassId) -> FileId {
        self.classes[id.0 as usize].0
    }

    pub fn class(&self, id: ClassId) -> &'a ClassFacts {
        let (file, local) = self.classes[id.0 as usize];
        &self
            .facts(file)
            .expect("classes come from analyzed files")
            .classes[local as usize]
    }

    pub fn function_file(&self, id: FuncId) -> FileId {
        self.functions[id.0 as usize].0
    }

    pub fn function(&self, id: FuncId) -> &'a FunctionFacts {
        let (file, local) = self.functions[id.0 as usize];
        &self
            .facts(file)
            .expect("functions come from analyzed files")
            .functions[local as usize]
    }

    pub fn flags(&self, id: ClassId) -> ClassFlags {
        self.class_flags
            .get(id.0 as usize)
            .copied()
            .unwrap_or_default()
    }

    pub fn is_model(&self, id: ClassId) -> bool {
        self.flags(id).model
    }

    /// The class and its project ancestors, nearest first.
    pub fn lineage(&self, id: ClassId) -> impl Iterator<Item = ClassId> + '_ {
        std::iter::once(id).chain(
            self.ancestors
                .get(id.0 as usize)
                .into_iter()
                .flatten()
                .copied(),
        )
    }

    /// A project-wide result a rule needs in every file's check (which schemas are ever dumped,
    /// say), computed by the first file that asks and shared with the others. `key` names the
    /// result (`"FC106.schema-usage"`); `compute` must depend only on the index, so that the
    /// result is the same whichever file computes it.
    pub fn memo<T: Any + Send + Sync>(
        &self,
        key: &'static str,
        compute: impl FnOnce(&Self) -> T,
    ) -> Arc<T> {
        let mut memos = self.memos.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = memos.get(key) {
            if let Ok(value) = Arc::clone(found).downcast::<T>() {
                return value;
            }
        }
        let value = Arc::new(compute(self));
        memos.insert(key, value.clone());
        value
    }

    pub fn user_loaders(&self) -> &[FuncId] {
        &self.user_loaders
    }

    pub fn view(&self, id: FuncId) -> ViewInfo {
        self.views.get(id.0 as usize).copied().unwrap_or_default()
    }

    /// What an error handler is registered for: each `@errorhandler(...)` argument or
    /// `register_error_handler` first argument, as a term of the file it is written in.
    pub fn error_handler_types(&self, id: FuncId) -> &[(FileId, TermId)] {
        self.error_handler_types.get(&id).map_or(&[], Vec::as_slice)
    }

    /// A method of the class or of its nearest ancestor that defines it.
    pub fn method(&self, class: ClassId, name: &str) -> Option<FuncId> {
        self.lineage(class).find_map(|id| {
            let facts = self.class(id);
            facts
                .methods
                .iter()
                .find(|(method, _)| method.as_str() == name)
                .map(|&(_, local)| self.function_id(self.class_file(id), local))
        })
    }

    /// A relationship attribute of the class, its ancestors, or a backref declared elsewhere.
    pub fn relationship(&self, class: ClassId, name: &str) -> Option<&ResolvedRelationship> {
        self.lineage(class).find_map(|id| {
            self.relationships
                .get(id.0 as usize)?
                .iter()
                .find(|relationship| &*relationship.name == name)
        })
    }

    /// The relationships declared on the class itself (not inherited, without backrefs).
    pub fn declared_relationships(&self, class: ClassId) -> &'a [Relationship] {
        &self.class(class).relationships
    }

    /// Every column of the class and its ancestors.
    pub fn columns(&self, class: ClassId) -> impl Iterator<Item = (ClassId, &'a Column)> + '_ {
        self.lineage(class).flat_map(move |id| {
            self.class(id)
                .columns
                .iter()
                .map(move |column| (id, column))
        })
    }

    pub fn classes_named(&self, name: &str) -> &[ClassId] {
        self.classes_by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// Finds the class a relationship's string names: `"Post"` or `"blog.models.Post"`, the one in
    /// the same file first.
    pub fn class_named_from(&self, name: &str, from: FileId) -> Option<ClassId> {
        if let Some(id) = self.class_by_qualname(name) {
            return Some(id);
        }
        let simple = last_segment(name);
        let candidates = self.classes_named(simple);
        candidates
            .iter()
            .copied()
            .find(|&id| self.class_file(id) == from && self.is_model(id))
            .or_else(|| candidates.iter().copied().find(|&id| self.is_model(id)))
            .or_else(|| candidates.first().copied())
    }

    fn resolve_relationships(&self) -> Vec<Vec<ResolvedRelationship>> {
        let mut resolved: Vec<Vec<ResolvedRelationship>> = vec![Vec::new(); self.classes.len()];
        let mut evaluator = Evaluator::new(self);
        for class_index in 0..self.classes.len() {
            let id = ClassId(class_index as u32);
            let file = self.class_file(id);
            for relationship in &self.class(id).relationships {
                let target = match &relationship.target {
                    Some(RelationshipTarget::Name(name)) => self.class_named_from(name, file),
                    Some(RelationshipTarget::Term(term)) => evaluator
                        .eval(file, *term)
                        .iter()
                        .find_map(|fact| match fact.kind {
                            Kind::Class(target) => Some(target),
                            _ => None,
                        }),
                    None => None,
                };
                resolved[class_index].push(ResolvedRelationship {
                    name: relationship.name.as_str().into(),
                    target,
                    scalar: relationship.scalar,
                    dynamic: relationship.dynamic,
                    file,
                    range: relationship.range,
                });
                if let (Some(backref), Some(target)) = (&relationship.backref, target) {
                    resolved[target.0 as usize].push(ResolvedRelationship {
                        name: backref.clone(),
                        target: Some(id),
                        scalar: !relationship.scalar,
                        dynamic: false,
                        file,
                        range: relationship.range,
                    });
                }
            }
        }
        resolved
    }

    pub fn wrapper(&self, function: FuncId) -> Option<&ResponseWrapper> {
        self.wrappers.get(&function)
    }

    #[allow(clippy::type_complexity)]
    fn find_views(&self) -> (Vec<ViewInfo>, FxHashMap<FuncId, Vec<(FileId, TermId)>>) {
        let mut views = vec![ViewInfo::default(); self.functions.len()];
        let mut error_handler_types: FxHashMap<FuncId, Vec<(FileId, TermId)>> =
            FxHashMap::default();
        let mut view_classes: Vec<ClassId> = (0..self.classes.len() as u32)
            .map(ClassId)
            .filter(|&id| self.flags(id).view)
            .collect();
        let mut evaluator = Evaluator::new(self);
        for (file_index, facts) in self.files.iter().enumerate() {
            let Some(facts) = facts else { continue };
            let file = FileId(file_index as u32);
            for &(handled, handler) in &facts.error_handlers {
                for fact in evaluator.eval(file, handler).iter() {
                    if let Kind::Function(function) | Kind::BoundMethod(function) = fact.kind {
                        views[function.0 as usize].is_error_handler = true;
                        error_handler_types
                            .entry(function)
                            .or_default()
                            .push((file, handled));
                    }
                }
            }
            for &rule in &facts.url_rules {
                for fact in evaluator.eval(file, rule).iter() {
                    match &fact.kind {
                        Kind::Function(function) | Kind::BoundMethod(function) => {
                            views[function.0 as usize].is_route = true;
                        }
                        Kind::Class(class) => view_classes.push(*class),
                        _ => {}
                    }
                }
                // `UserAPI.as_view("users")`: the class whose methods are the views.
                if let Term::Call(call) = facts.terms.get(rule) {
                    for fact in evaluator.eval(file, call.callee).iter() {
                        if let Kind::Method(receiver, name) = &fact.kind {
                            if let (Kind::Class(class), "as_view") = (&receiver.kind, &**name) {
                                view_classes.push(*class);
                            }
                        }
                    }
                }
            }
        }
        view_classes.sort_unstable();
        view_classes.dedup();
        for class in view_classes {
            let facts = self.class(class);
            let file = self.class_file(class);
            let resource = self.flags(class).resource;
            let serialized = self.class_declares_serializer(class);
            for (name, local) in &facts.methods {
                if HTTP_METHODS.contains(&name.as_str()) {
                    let view = &mut views[self.function_id(file, *local).0 as usize];
                    view.is_route = true;
                    view.is_resource_method |= resource;
                    view.serialized_by_decorator |= serialized;
                }
            }
        }
        for (index, view) in views.iter_mut().enumerate() {
            let function = self.function(FuncId(index as u32));
            for decorator in &function.decorators {
                if is_route_decorator(decorator) {
                    view.is_route = true;
                }
                if matches!(decorator.name.as_str(), "errorhandler" | "app_errorhandler") {
                    view.is_error_handler = true;
                    let handled = decorator.args.first().copied().unwrap_or(TermId::UNKNOWN);
                    error_handler_types
                        .entry(FuncId(index as u32))
                        .or_default()
                        .push((self.function_file(FuncId(index as u32)), handled));
                }
                if is_serializing_decorator(decorator) {
                    view.serialized_by_decorator = true;
                }
            }
        }
        (views, error_handler_types)
    }

    /// `method_decorators = [marshal_with(fields)]` (or `decorators = [...]`) on a view class or
    /// one of its ancestors.
    fn class_declares_serializer(&self, class: ClassId) -> bool {
        self.lineage(class).any(|id| {
            self.class(id).attributes.iter().any(|(name, term, _)| {
                matches!(name.as_str(), "method_decorators" | "decorators")
                    && self.term_mentions(self.class_file(id), *term, SERIALIZING_DECORATORS)
            })
        })
    }

    /// Whether a term mentions, anywhere in it, a global whose last name is one of `names`.
    pub fn term_mentions(&self, file: FileId, term: TermId, names: &[&str]) -> bool {
        let Some(facts) = self.facts(file) else {
            return false;
        };
        mentions(&facts.terms, term, names, 8)
    }
}

/// The functions that put (something made from) a parameter into a response, and those that pass
/// a parameter on to another function: candidates for [`ResponseWrapper`]. Reads the facts alone.
fn find_wrappers(
    files: &[Option<&FileFacts>],
    function_offsets: &[u32],
) -> FxHashMap<FuncId, ResponseWrapper> {
    let function_id = |file: FileId, local: LocalId| FuncId(function_offsets[file.index()] + local);
    let mut wrappers: FxHashMap<FuncId, ResponseWrapper> = FxHashMap::default();
    for (file_index, facts) in files.iter().enumerate() {
        let Some(facts) = facts else { continue };
        let file = FileId(file_index as u32);
        for sink in &facts.responses {
            if let Some(local) = sink.function {
                if facts.terms.mentions_param(sink.value, 8) {
                    wrappers
                        .entry(function_id(file, local))
                        .or_default()
                        .sinks
                        .push(sink.value);
                }
            }
        }
    }
    // Calls that pass a parameter on matter only inside functions that may wrap a response;
    // which those are is known after the sinks, so a second look collects them.
    for (file_index, facts) in files.iter().enumerate() {
        let Some(facts) = facts else { continue };
        let file = FileId(file_index as u32);
        for call in &facts.calls {
            if let Some(local) = call.function {
                if facts.terms.mentions_param(call.call, 8) {
                    wrappers
                        .entry(function_id(file, local))
                        .or_default()
                        .calls
                        .push(call.call);
                }
            }
        }
    }
    wrappers.retain(|_, wrapper| !wrapper.sinks.is_empty() || !wrapper.calls.is_empty());
    wrappers
}

pub(crate) const HTTP_METHODS: &[&str] =
    &["get", "post", "put", "patch", "delete", "head", "options"];

/// `@app.route("/x")`, `@bp.get("/x")`, `@expose("/x")` (Flask-AppBuilder).
fn is_route_decorator(decorator: &crate::analyze::facts::Decorator) -> bool {
    if !decorator.is_call {
        return false;
    }
    let first_is_path = decorator
        .str_args
        .first()
        .and_then(Option::as_deref)
        .is_some_and(|path| path.starts_with('/') || path.is_empty());
    match decorator.name.as_str() {
        "route" => decorator.path.contains('.') || first_is_path,
        "get" | "post" | "put" | "patch" | "delete" => {
            decorator.path.contains('.') && first_is_path
        }
        "expose" | "expose_api" => first_is_path,
        _ => false,
    }
}

/// Decorators that serialize what the view returns through a declared schema or field set.
const SERIALIZING_DECORATORS: &[&str] = &[
    "marshal_with",
    "marshal_list_with",
    "marshal_with_field",
    "output",
    "responds",
    "dump_with",
    "serialize_with",
];

fn is_serializing_decorator(decorator: &crate::analyze::facts::Decorator) -> bool {
    match decorator.name.as_str() {
        name if SERIALIZING_DECORATORS.contains(&name) => true,
        // flask-smorest `@blp.response(200, UserSchema)`; flask-restx `@ns.response(200, "OK")` is
        // documentation only, and its second argument is a string.
        "response" => {
            decorator.args.len() >= 2 && decorator.str_args.get(1).is_some_and(Option::is_none)
                || decorator.keywords.iter().any(|k| k.as_str() == "schema")
        }
        _ => false,
    }
}

fn mentions(terms: &crate::analyze::Terms, term: TermId, names: &[&str], budget: u32) -> bool {
    if budget == 0 {
        return false;
    }
    let budget = budget - 1;
    match terms.get(term) {
        Term::Global(symbol) => names.contains(&last_segment(symbol)),
        Term::Attr(inner, name) => {
            names.contains(&name.as_str()) || mentions(terms, *inner, names, budget)
        }
        Term::Call(call) => {
            mentions(terms, call.callee, names, budget)
                || call
                    .args
                    .iter()
                    .any(|&arg| mentions(terms, arg, names, budget))
        }
        Term::Container(items) | Term::Sequence(items) | Term::Union(items) => items
            .iter()
            .any(|&item| mentions(terms, item, names, budget)),
        Term::Keyed(_, inner) | Term::WithoutKey(inner, _) => {
            mentions(terms, *inner, names, budget)
        }
        _ => false,
    }
}

/// The symbol's last name: `jsonify` for `flask.jsonify`.
pub(crate) fn last_segment(symbol: &str) -> &str {
    symbol.rsplit('.').next().unwrap_or(symbol)
}

/// `prefix.name`: built for every module member and external attribute the evaluator looks up,
/// where `format!` cost several times more.
pub(crate) fn dotted(prefix: &str, name: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1 + name.len());
    out.push_str(prefix);
    out.push('.');
    out.push_str(name);
    out
}
