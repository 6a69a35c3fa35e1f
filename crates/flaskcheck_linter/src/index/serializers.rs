//! Which models something in the project serializes. Computed once per run, the first time a rule
//! asks (FC105), for every model at once; what serializes a class serializes its subclasses:
//!
//! - a serializer method (an instance method or property, named like one: `to_dict`,
//!   `serialize`, ...; see [`is_serializer_method`]) on the model or a project ancestor, or an
//!   external base that has one (`SerializerMixin`,
//!   Flask-AppBuilder's `Model` and its `to_json()`);
//! - a schema whose `Meta.model` names it (marshmallow-sqlalchemy, Flask-Marshmallow);
//! - a class conventionally named for it: `UserSchema`, `UserOut`, `UserSerializer`,
//!   `UserResponse`, `UserRead`, `UserPublic`, `UserDTO`, `UserDetailSchema`, `PublicUserOut`...;
//! - a Flask-AppBuilder view or API whose `datamodel = SQLAInterface(User)` declares its columns;
//! - a dict, tuple or list built anywhere from two or more attributes of one of its instances
//!   (`{"id": u.id, "name": u.name}` in a `get_vars()` method, a helper or a loop;
//!   `d[opt.key] = opt.value`; `return self.key, self.value`),
//!   recorded by FC105's `ast` check;
//! - a module-level function, a method or a binding named for it: `serialize_user`, `user_to_dict`,
//!   `dump_user`, `user_schema`, `user_fields` (Flask-RESTful `marshal`), `user_model =
//!   api.model(...)` (Flask-RESTX).

use rustc_hash::FxHashMap;

use super::external::{is_serializer_method, is_symbol};
use super::{ClassId, Evaluator, Kind, ProjectIndex};
use crate::analyze::facts::FunctionKind;
use crate::analyze::{Term, TermId, Terms};
use crate::registry::Rule;

/// The note of FC105's deferred records of a dict built from fields of one object, before the
/// names of the fields (comma-separated).
pub const FIELD_DICT: &str = "field dict:";
use crate::source::FileId;

/// Last words of a class name that make it a serializer for the model its other words name.
const SUFFIXES: &[&str] = &[
    "Schema",
    "Serializer",
    "Dto",
    "DTO",
    "Representation",
    "Marshaller",
];

/// Last words that name a serializer only on a schema class (marshmallow, pydantic): elsewhere
/// they are verbs or nouns of their own (`MarkReportRead` is a view).
const SCHEMA_SUFFIXES: &[&str] = &["Out", "Output", "Response", "Read", "Public", "Payload"];

/// Prefixes and suffixes of module-level function names that serialize the model they name.
const FUNCTION_PREFIXES: &[&str] = &["serialize_", "dump_", "marshal_", "jsonify_", "format_"];
const FUNCTION_SUFFIXES: &[&str] = &[
    "_to_dict",
    "_to_json",
    "_as_dict",
    "_to_api",
    "_serializer",
    "_schema",
    "_dict",
    "_json",
];

/// Suffixes of module-level bindings that describe the model's serialized form.
const BINDING_SUFFIXES: &[&str] = &["_fields", "_schema", "_serializer", "_marshaller"];

/// What the project serializes, for every class at once.
#[derive(Debug, Default)]
pub struct Serialization {
    /// Per class: something serializes it.
    serialized: Vec<bool>,
    /// The project serializes models at all: it has a schema, or something serializes a model by
    /// an explicit means (not only by building dicts of its fields, which templates use too). A
    /// project that does not (a server-rendered app, whose templates pick the fields) sends no
    /// model data as such.
    any: bool,
    /// Per file: a database migration (an Alembic revision, or a module in a `migrations` or
    /// `alembic` package), whose model classes are snapshots for data migrations, never served.
    migrations: Vec<bool>,
}

impl Serialization {
    pub fn is_serialized(&self, id: ClassId) -> bool {
        self.serialized.get(id.0 as usize).copied().unwrap_or(false)
    }

    pub fn serializes_models(&self) -> bool {
        self.any
    }

    pub fn is_migration(&self, file: FileId) -> bool {
        self.migrations.get(file.index()).copied().unwrap_or(false)
    }
}

fn is_migration(facts: &crate::analyze::FileFacts) -> bool {
    facts
        .module
        .split('.')
        .any(|segment| matches!(segment, "migrations" | "alembic"))
        || ["revision", "down_revision"]
            .iter()
            .all(|name| facts.globals.iter().any(|b| b.name.as_str() == *name))
}

pub(super) fn serialization(index: &ProjectIndex<'_>) -> Serialization {
    let migrations: Vec<bool> = (0..index.file_count())
        .map(|file| index.facts(FileId(file as u32)).is_some_and(is_migration))
        .collect();
    let (serialized, explicit) = serialized_models(index, &migrations);
    let any = explicit
        || (0..index.class_count() as u32)
            .map(ClassId)
            .any(|id| !migrations[index.class_file(id).index()] && index.flags(id).schema);
    Serialization {
        serialized,
        any,
        migrations,
    }
}

/// Per class whether something serializes it, and whether an explicit means (a schema, a
/// serializer method or function) serializes any model.
fn serialized_models(index: &ProjectIndex<'_>, migrations: &[bool]) -> (Vec<bool>, bool) {
    let count = index.class_count();
    let mut serialized = vec![false; count];
    let mut evaluator = Evaluator::new(index);

    // Models by name and by snake_case name, for the naming conventions.
    let mut by_name: FxHashMap<&str, Vec<ClassId>> = FxHashMap::default();
    let mut by_snake: FxHashMap<String, Vec<ClassId>> = FxHashMap::default();
    let in_migration = |id: ClassId| migrations[index.class_file(id).index()];
    for id in (0..count as u32).map(ClassId) {
        if index.is_model(id) && !in_migration(id) {
            let name = index.class(id).name.as_str();
            by_name.entry(name).or_default().push(id);
            by_snake.entry(snake_case(name)).or_default().push(id);
        }
    }
    if by_name.is_empty() {
        return (serialized, false);
    }

    for id in (0..count as u32).map(ClassId) {
        if in_migration(id) {
            continue;
        }
        let facts = index.class(id);
        let file = index.class_file(id);
        let flags = index.flags(id);
        if flags.model {
            // Its own (or an ancestor's) serializer method.
            if index
                .lineage(id)
                .any(|ancestor| has_serializer_method(index, ancestor))
                || external_serializer_base(index, &mut evaluator, id)
            {
                serialized[id.0 as usize] = true;
            }
            continue;
        }
        // `class Meta: model = User`
        if let Some(model) = facts.meta.model {
            mark_classes(&mut evaluator, file, model, &mut serialized);
        }
        // `datamodel = SQLAInterface(User)`
        for (name, term, _) in &facts.attributes {
            if name.as_str() == "datamodel" {
                if let Some(Term::Call(call)) = index.facts(file).map(|f| f.terms.get(*term)) {
                    if let Some(&first) = call.args.first() {
                        mark_classes(&mut evaluator, file, first, &mut serialized);
                    }
                }
            }
        }
        // `UserSchema`, `UserOut`, `PublicUserResponse`...
        let words = camel_words(facts.name.as_str());
        let names_a_serializer = words.last().is_some_and(|last| {
            (SUFFIXES.contains(last) && !flags.view)
                || (SCHEMA_SUFFIXES.contains(last) && flags.schema)
        });
        if words.len() >= 2 && names_a_serializer {
            let named = &words[..words.len() - 1];
            for start in 0..named.len() {
                let mut candidate = String::new();
                for word in &named[start..] {
                    candidate.push_str(word);
                    if let Some(models) = by_name.get(candidate.as_str()) {
                        for model in models {
                            serialized[model.0 as usize] = true;
                        }
                    }
                }
            }
        }
    }

    // Module-level functions and bindings named for a model.
    for (file_index, &migration) in migrations.iter().enumerate() {
        let Some(facts) = index.facts(FileId(file_index as u32)) else {
            continue;
        };
        if migration {
            continue;
        }
        let mut mark_snake = |snake: &str| {
            if let Some(models) = by_snake.get(snake) {
                for model in models {
                    serialized[model.0 as usize] = true;
                }
            }
        };
        for function in &facts.functions {
            // Module-level functions, and methods of other classes (`TimetableSerializer.
            // serialize_timetable_entry(self, entry)`).
            if function.parent.is_some() {
                continue;
            }
            let name = function.name.as_str();
            for prefix in FUNCTION_PREFIXES {
                if let Some(rest) = name.strip_prefix(prefix) {
                    mark_snake(rest);
                }
            }
            for suffix in FUNCTION_SUFFIXES {
                if let Some(rest) = name.strip_suffix(suffix) {
                    mark_snake(rest);
                }
            }
        }
        for binding in &facts.globals {
            let name = binding.name.as_str();
            for suffix in BINDING_SUFFIXES {
                if let Some(rest) = name.strip_suffix(suffix) {
                    mark_snake(rest);
                }
            }
            // Flask-RESTX `user_model = api.model("User", {...})`.
            if let Some(rest) = name.strip_suffix("_model") {
                if is_restx_model(&facts.terms, binding.value) {
                    mark_snake(rest);
                }
            }
        }
    }
    // The explicit means (everything above) tell whether the project serializes models at all;
    // a dict of fields may be for a template as well as for a client.
    let explicit = serialized.iter().any(|&marked| marked);
    mark_field_dicts(index, &mut evaluator, migrations, &mut serialized);
    // What serializes a class serializes its subclasses.
    let marked = serialized.clone();
    for id in (0..count as u32).map(ClassId) {
        if index
            .lineage(id)
            .any(|ancestor| marked[ancestor.0 as usize])
        {
            serialized[id.0 as usize] = true;
        }
    }
    (serialized, explicit)
}

/// An instance method or property named like a serializer (`to_dict`, `serialize`). Class and
/// static methods do not serialize an instance (`Setting.as_dict()` dumps configuration).
fn has_serializer_method(index: &ProjectIndex<'_>, class: ClassId) -> bool {
    let file = index.class_file(class);
    let Some(facts) = index.facts(file) else {
        return false;
    };
    index.class(class).methods.iter().any(|(name, local)| {
        let function = &facts.functions[*local as usize];
        matches!(function.kind, FunctionKind::Method | FunctionKind::Property)
            && is_serializer_method(name)
    })
}

/// Marks the classes whose instances something builds a dict of chosen fields from (recorded by
/// FC105's `ast` check: `{"id": user.id, "name": user.name}`, `d[opt.key] = opt.value`). When the
/// object's class is not known (a parameter, a wrapper's `self._row`), the attribute names picked
/// tell it: the one model that has all of them as columns, relationships or properties (or the
/// models sharing the base that declares them).
fn mark_field_dicts(
    index: &ProjectIndex<'_>,
    evaluator: &mut Evaluator<'_, '_>,
    migrations: &[bool],
    out: &mut [bool],
) {
    let mut models_by_attribute: FxHashMap<&str, Vec<ClassId>> = FxHashMap::default();
    for id in (0..index.class_count() as u32).map(ClassId) {
        if !index.is_model(id) || migrations[index.class_file(id).index()] {
            continue;
        }
        let mut names: Vec<&str> = index
            .columns(id)
            .map(|(_, column)| column.name.as_str())
            .chain(index.lineage(id).flat_map(|class| {
                index
                    .relationships_of(class)
                    .iter()
                    .map(|relationship| &*relationship.name)
            }))
            .chain(index.lineage(id).flat_map(|class| {
                index
                    .class(class)
                    .methods
                    .iter()
                    .map(|(name, _)| name.as_str())
            }))
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            models_by_attribute.entry(name).or_default().push(id);
        }
    }
    // Relationship attributes by name, with their targets (`session_types` → `SessionType`).
    let mut targets_by_relationship: FxHashMap<&str, Vec<ClassId>> = FxHashMap::default();
    for id in (0..index.class_count() as u32).map(ClassId) {
        for relationship in index.relationships_of(id) {
            if let Some(target) = relationship.target {
                let targets = targets_by_relationship
                    .entry(&relationship.name)
                    .or_default();
                if !targets.contains(&target) {
                    targets.push(target);
                }
            }
        }
    }
    for (file_index, &migration) in migrations.iter().enumerate() {
        let file = FileId(file_index as u32);
        if migration {
            continue;
        }
        let Some(facts) = index.facts(file) else {
            continue;
        };
        for deferred in &facts.deferred {
            if deferred.rule != Rule::RelationshipWithoutSerializer {
                continue;
            }
            let Some(names) = deferred.note.strip_prefix(FIELD_DICT) else {
                continue;
            };
            let mut typed = false;
            for &term in &deferred.terms {
                for fact in evaluator.eval(file, term).iter() {
                    if let Kind::Instance(class) | Kind::Collection(class) = fact.kind {
                        typed |= index.is_model(class);
                        if let Some(slot) = out.get_mut(class.0 as usize) {
                            *slot = true;
                        }
                    }
                }
            }
            if typed {
                continue;
            }
            // An element (or the value) of a relationship attribute whose name only one target
            // answers to: `for t in event.session_types`.
            let related = deferred.terms.iter().find_map(|&term| {
                let relationship = relationship_read(&facts.terms, term)?;
                match targets_by_relationship.get(relationship)?.as_slice() {
                    [target] => Some(*target),
                    _ => None,
                }
            });
            if let Some(target) = related {
                let has_all = names.split(',').all(|name| {
                    models_by_attribute
                        .get(name)
                        .is_some_and(|models| models.contains(&target))
                });
                if has_all {
                    out[target.0 as usize] = true;
                    continue;
                }
            }
            let mut candidates: Option<Vec<ClassId>> = None;
            for name in names.split(',') {
                let having = models_by_attribute.get(name).map_or(&[][..], Vec::as_slice);
                candidates = Some(match candidates {
                    None => having.to_vec(),
                    Some(previous) => previous
                        .into_iter()
                        .filter(|id| having.contains(id))
                        .collect(),
                });
            }
            // One model; or models that share a project base declaring the fields (a model and
            // its subclasses, or the concrete models of one abstract base): each of them.
            let candidates = candidates.unwrap_or_default();
            let Some(&first) = candidates.first() else {
                continue;
            };
            let shared_base = candidates.len() == 1
                || index.lineage(first).any(|base| {
                    candidates
                        .iter()
                        .all(|&other| index.lineage(other).any(|ancestor| ancestor == base))
                });
            if shared_base {
                for candidate in candidates {
                    out[candidate.0 as usize] = true;
                }
            }
        }
    }
}

/// The relationship attribute a term reads: `x.rel` or an element of it.
fn relationship_read(terms: &Terms, term: TermId) -> Option<&str> {
    match terms.get(term) {
        Term::Element(inner) => match terms.get(*inner) {
            Term::Attr(_, name) => Some(name.as_str()),
            // `g.realm.tags`: attributes of a global fold into its symbol
            Term::Global(symbol) => symbol.rsplit_once('.').map(|(_, name)| name),
            Term::Call(call) => match terms.get(call.callee) {
                // `event.session_types.all()`, `.filter(...)`
                Term::Attr(receiver, _) => match terms.get(*receiver) {
                    Term::Attr(_, name) => Some(name.as_str()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        },
        Term::Attr(_, name) => Some(name.as_str()),
        _ => None,
    }
}

/// Marks the model classes a term evaluates to.
fn mark_classes(evaluator: &mut Evaluator<'_, '_>, file: FileId, term: TermId, out: &mut [bool]) {
    for fact in evaluator.eval(file, term).iter() {
        if let Kind::Class(class) = fact.kind {
            if let Some(slot) = out.get_mut(class.0 as usize) {
                *slot = true;
            }
        }
    }
}

/// An external base of the model or an ancestor named like a serializer mixin
/// (`sqlalchemy_serializer.SerializerMixin`, `SerializableMixin`).
fn external_serializer_base(
    index: &ProjectIndex<'_>,
    evaluator: &mut Evaluator<'_, '_>,
    id: ClassId,
) -> bool {
    let lineage: Vec<ClassId> = index.lineage(id).collect();
    lineage.into_iter().any(|class| {
        let file = index.class_file(class);
        index.class(class).bases.iter().any(|&base| {
            evaluator
                .eval(file, base)
                .iter()
                .any(|fact| match &fact.kind {
                    Kind::External(symbol) => {
                        super::last_segment(symbol).contains("Serializ")
                            // Flask-AppBuilder's `Model` has `to_json()`.
                            || is_symbol(symbol, "flask_appbuilder", "Model")
                    }
                    _ => false,
                })
        })
    })
}

/// `api.model("User", {...})` / `ns.model(...)`.
fn is_restx_model(terms: &Terms, term: TermId) -> bool {
    let Term::Call(call) = terms.get(term) else {
        return false;
    };
    match terms.get(call.callee) {
        Term::Attr(_, name) => name.as_str() == "model",
        Term::Global(symbol) => symbol.ends_with(".model"),
        _ => false,
    }
}

/// `UserProfileSchema` → `["User", "Profile", "Schema"]`; an acronym stays one word (`DTO`).
fn camel_words(name: &str) -> Vec<&str> {
    let name = name.trim_start_matches('_');
    let bytes = name.as_bytes();
    let mut words = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let (prev, cur) = (bytes[i - 1], bytes[i]);
        let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = (cur.is_ascii_uppercase() && prev.is_ascii_lowercase())
            || (cur.is_ascii_uppercase() && prev.is_ascii_uppercase() && next_lower)
            || cur == b'_';
        if boundary {
            if start < i {
                words.push(&name[start..i]);
            }
            start = if cur == b'_' { i + 1 } else { i };
        }
    }
    if start < name.len() {
        words.push(&name[start..]);
    }
    words
}

/// `UserProfile` → `user_profile`.
pub(super) fn snake_case(name: &str) -> String {
    camel_words(name)
        .iter()
        .map(|word| word.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_class_names() {
        assert_eq!(
            camel_words("UserProfileSchema"),
            ["User", "Profile", "Schema"]
        );
        assert_eq!(camel_words("UserDTO"), ["User", "DTO"]);
        assert_eq!(camel_words("HTTPLog"), ["HTTP", "Log"]);
        assert_eq!(camel_words("User"), ["User"]);
        assert_eq!(snake_case("UserProfile"), "user_profile");
        assert_eq!(snake_case("APIKey"), "api_key");
    }
}
