//! Gives terms their meaning against the index.
//!
//! Calls to project functions are followed through the callee's *summary*: the union of what its
//! `return` statements hold, evaluated with the call's arguments in place of the parameters.
//! Summaries may call other summaries; the depth is bounded by a budget that every summary and
//! every module-level binding followed spends one unit of ([`SUMMARY_DEPTH`] at the start), so
//! recursion and long chains end. A result depends only on the term, the arguments and the budget
//! left, so results are cached by those and the same on every run and thread count.

use rustc_hash::FxHashMap;

use super::external::{
    is_serializer_method, is_symbol, symbol_in, QUERY_ALL, QUERY_CHAIN, QUERY_ONE,
};
use super::mongo;
use super::propagate::{self, Effect};
use super::value::{DeclaredFields, Fact, Kind, Origin, Value};
use super::{dotted, last_segment, ClassId, FuncId, ProjectIndex};
use crate::analyze::term::{CallTerm, Key, Term, TermId};
use crate::analyze::FileFacts;
use crate::source::FileId;

/// How many summaries (and module-level bindings) deep a term is followed.
pub const SUMMARY_DEPTH: u32 = 6;

/// Terms nested deeper than this (within one file) are not followed: only generated code nests
/// that deep, and it bounds the evaluator's recursion.
const MAX_TERM_DEPTH: u32 = 200;

/// The context a term is evaluated in: its file, the arguments its function was called with (when
/// evaluating a summary for a call), and the budget left.
#[derive(Clone, Copy)]
struct Ctx<'v> {
    file: FileId,
    args: Option<&'v [Value]>,
    budget: u32,
}

pub struct Evaluator<'i, 'a> {
    index: &'i ProjectIndex<'a>,
    summaries: FxHashMap<(FuncId, u32), Value>,
    /// Resolved symbols, one map per budget left (so a lookup needs no key allocation).
    symbols: Vec<FxHashMap<Box<str>, Value>>,
    /// Terms already evaluated, per context: the first map for contexts without arguments, one
    /// more for each summary being evaluated with a call's arguments. Terms share subterms (a
    /// loop rebinding `x = f(x)` doubles them each time round), so without this a term could take
    /// time exponential in its size.
    terms: Vec<FxHashMap<(FileId, TermId, u32), Value>>,
    /// Package bindings being resolved (see `package_binding`).
    package_bindings: Vec<Box<str>>,
}

impl<'i, 'a> Evaluator<'i, 'a> {
    pub fn new(index: &'i ProjectIndex<'a>) -> Self {
        Self {
            index,
            summaries: FxHashMap::default(),
            symbols: vec![FxHashMap::default(); SUMMARY_DEPTH as usize + 1],
            terms: vec![FxHashMap::default()],
            package_bindings: Vec::new(),
        }
    }

    pub fn index(&self) -> &'i ProjectIndex<'a> {
        self.index
    }

    /// What `term` of `file` holds, at the top level (parameters stay parameters).
    pub fn eval(&mut self, file: FileId, term: TermId) -> Value {
        let ctx = Ctx {
            file,
            args: None,
            budget: SUMMARY_DEPTH,
        };
        self.eval_in(ctx, term, 0)
    }

    /// What `term` of `file` holds when the parameters of its function hold `args` (an error
    /// handler's exception, say).
    pub fn eval_with_args(&mut self, file: FileId, term: TermId, args: &[Value]) -> Value {
        let ctx = Ctx {
            file,
            args: Some(args),
            budget: SUMMARY_DEPTH,
        };
        self.terms.push(FxHashMap::default());
        let value = self.eval_in(ctx, term, 0);
        self.terms.pop();
        value
    }

    /// What a call to `function` with no known arguments returns.
    pub fn summary_of(&mut self, function: FuncId) -> Value {
        self.summary(function, None, SUMMARY_DEPTH)
    }

    /// What a qualified name refers to (`blog.models.User`, `app.config.TABLE`, `flask.request`).
    pub fn resolve(&mut self, symbol: &str) -> Value {
        self.resolve_symbol(symbol, SUMMARY_DEPTH)
    }

    fn facts(&self, file: FileId) -> Option<&'a FileFacts> {
        self.index.facts(file)
    }

    fn eval_in(&mut self, ctx: Ctx<'_>, term: TermId, depth: u32) -> Value {
        if !term.is_interesting() {
            return if term == TermId::CONST {
                Value::kind(Kind::Const)
            } else {
                Value::empty()
            };
        }
        if depth > MAX_TERM_DEPTH {
            return Value::empty();
        }
        let key = (ctx.file, term, ctx.budget);
        if let Some(value) = self.terms.last().and_then(|memo| memo.get(&key)) {
            return value.clone();
        }
        let value = self.eval_uncached(ctx, term, depth + 1);
        if let Some(memo) = self.terms.last_mut() {
            memo.insert(key, value.clone());
        }
        value
    }

    fn eval_uncached(&mut self, ctx: Ctx<'_>, term: TermId, depth: u32) -> Value {
        let Some(facts) = self.facts(ctx.file) else {
            return Value::empty();
        };
        match facts.terms.get(term) {
            Term::Unknown => Value::empty(),
            Term::Const => Value::kind(Kind::Const),
            Term::Global(symbol) => self.resolve_symbol(symbol, ctx.budget),
            Term::Param(index) => match ctx.args {
                Some(args) => args.get(*index as usize).cloned().unwrap_or_default(),
                None => Value::kind(Kind::Param(*index)),
            },
            Term::SelfOf(local) => {
                Value::kind(Kind::Instance(self.index.class_id(ctx.file, *local)))
            }
            Term::ClsOf(local) => Value::kind(Kind::Class(self.index.class_id(ctx.file, *local))),
            Term::Attr(inner, name) => {
                let value = self.eval_in(ctx, *inner, depth);
                let mut out = Value::empty();
                for fact in value.iter() {
                    out.extend(self.attr(fact, name, ctx.budget));
                }
                out
            }
            Term::Call(call) => {
                let callee = self.eval_in(ctx, call.callee, depth);
                let mut out = Value::empty();
                for fact in callee.iter() {
                    out.extend(self.call(ctx, fact, call, depth));
                }
                out
            }
            Term::Subscript(inner, key) => {
                if let Key::Int(index) = key {
                    if let Some(value) = self.eval_item(ctx, *inner, *index, depth) {
                        return value;
                    }
                }
                let value = self.eval_in(ctx, *inner, depth);
                // `d["room"]` is what `d` holds under that key, now held by no dict.
                if let Key::Str(name) = key {
                    let under_key: Value = value
                        .iter()
                        .filter(|fact| fact.key.as_deref() == Some(&**name))
                        .map(Fact::unkeyed)
                        .collect();
                    if !under_key.is_empty() {
                        return under_key;
                    }
                }
                value
                    .iter()
                    .filter_map(|fact| subscript(fact, key))
                    .collect()
            }
            Term::Element(inner) => {
                let value = self.eval_in(ctx, *inner, depth);
                value.iter().filter_map(element).collect()
            }
            Term::Collect(inner) => {
                let value = self.eval_in(ctx, *inner, depth);
                value.iter().map(collect).collect()
            }
            Term::Container(items) | Term::Sequence(items) | Term::Union(items) => {
                let mut out = Value::empty();
                for &item in items.iter() {
                    out.extend(self.eval_in(ctx, item, depth));
                }
                out
            }
            Term::Keyed(key, inner) => {
                let value = self.eval_in(ctx, *inner, depth);
                value
                    .iter()
                    .map(|fact| {
                        let mut fact = fact.clone();
                        fact.key.get_or_insert_with(|| key.clone());
                        fact
                    })
                    .collect()
            }
            Term::WithoutKey(inner, key) => {
                let value = self.eval_in(ctx, *inner, depth);
                value
                    .iter()
                    .filter(|fact| fact.key.as_deref() != Some(&**key))
                    .cloned()
                    .collect()
            }
            Term::AllowListed(inner) => {
                let value = self.eval_in(ctx, *inner, depth);
                // Request data filtered through an allow-list is no longer the client's choice.
                value
                    .iter()
                    .map(|fact| match fact.kind {
                        Kind::RequestData(_)
                        | Kind::FromRequest(..)
                        | Kind::DeclaredRequest { .. } => fact.becomes(Kind::Const),
                        _ => fact.clone(),
                    })
                    .collect()
            }
            Term::Exception(range) => Value::of(Fact::at(
                Kind::Exception,
                Origin {
                    file: ctx.file,
                    range: *range,
                },
            )),
            Term::Format(parts) => {
                // A string keeps what text can carry: exception text, request data, parameters.
                let mut out = Value::kind(Kind::Const);
                for &part in parts.iter() {
                    for fact in self.eval_in(ctx, part, depth).iter() {
                        match &fact.kind {
                            Kind::Exception | Kind::ExceptionText => {
                                out.push(fact.becomes(Kind::ExceptionText))
                            }
                            Kind::RequestData(_) | Kind::FromRequest(..) | Kind::Param(_) => {
                                out.push(fact.clone())
                            }
                            Kind::DeclaredRequest { source, .. } => {
                                out.push(fact.becomes(Kind::RequestData(source.clone())))
                            }
                            _ => {}
                        }
                    }
                }
                out
            }
        }
    }

    /// Item `index` of what `term` holds, followed through its structure: a literal tuple, a
    /// union of them, or a call whose function returns tuples (`user, status = load(id)`).
    /// `None` when the structure is lost, and the caller falls back to the whole value.
    fn eval_item(&mut self, ctx: Ctx<'_>, term: TermId, index: i64, depth: u32) -> Option<Value> {
        if depth > MAX_TERM_DEPTH {
            return None;
        }
        let facts = self.facts(ctx.file)?;
        match facts.terms.get(term) {
            Term::Sequence(items) => {
                let item = *items.get(crate::analyze::term::position(items.len(), index)?)?;
                Some(self.eval_in(ctx, item, depth + 1))
            }
            Term::Union(items) => {
                let mut out = Value::empty();
                for &item in items.iter() {
                    out.extend(self.eval_item(ctx, item, index, depth + 1)?);
                }
                Some(out)
            }
            Term::Call(call) => {
                let callee = self.eval_in(ctx, call.callee, depth + 1);
                let mut out = Value::empty();
                for fact in callee.iter() {
                    let (Kind::Function(function) | Kind::BoundMethod(function)) = fact.kind else {
                        return None;
                    };
                    if ctx.budget == 0 {
                        continue;
                    }
                    let args = self.call_args(ctx, function, call, depth + 1);
                    let callee_ctx = Ctx {
                        file: self.index.function_file(function),
                        args: args.as_deref(),
                        budget: ctx.budget - 1,
                    };
                    if args.is_some() {
                        self.terms.push(FxHashMap::default());
                    }
                    for site in &self.index.function(function).returns {
                        let item = self
                            .eval_item(callee_ctx, site.value, index, 0)
                            .unwrap_or_else(|| {
                                let whole = self.eval_in(callee_ctx, site.value, 0);
                                whole
                                    .iter()
                                    .filter_map(|fact| subscript(fact, &Key::Int(index)))
                                    .collect()
                            });
                        out.extend(item);
                    }
                    if args.is_some() {
                        self.terms.pop();
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// What the call `call` (a term of `file`) puts into responses through the response calls of
    /// the function it calls: `send_result(data)` where `send_result` returns
    /// `jsonify(prepare(obj))` puts `data` in. Wrappers of wrappers are followed, three deep.
    pub fn wrapped_responses(&mut self, file: FileId, call: TermId) -> Value {
        let Some(facts) = self.facts(file) else {
            return Value::empty();
        };
        let Term::Call(call) = facts.terms.get(call) else {
            return Value::empty();
        };
        let ctx = Ctx {
            file,
            args: None,
            budget: SUMMARY_DEPTH,
        };
        self.wrapped(ctx, call, 0)
    }

    fn wrapped(&mut self, ctx: Ctx<'_>, call: &CallTerm, nesting: u32) -> Value {
        if ctx.budget == 0 || nesting > 3 {
            return Value::empty();
        }
        let callee = self.eval_in(ctx, call.callee, 0);
        let mut out = Value::empty();
        for fact in callee.iter() {
            let (Kind::Function(function) | Kind::BoundMethod(function)) = fact.kind else {
                continue;
            };
            let Some(wrapper) = self.index.wrapper(function) else {
                continue;
            };
            let Some(args) = self.call_args(ctx, function, call, 0) else {
                continue;
            };
            let file = self.index.function_file(function);
            let inner = Ctx {
                file,
                args: Some(&args),
                budget: ctx.budget - 1,
            };
            self.terms.push(FxHashMap::default());
            for &sink in &wrapper.sinks {
                out.extend(self.eval_in(inner, sink, 0));
            }
            let facts = self.facts(file);
            for &nested in &wrapper.calls {
                if let Some(Term::Call(nested)) = facts.map(|facts| facts.terms.get(nested)) {
                    out.extend(self.wrapped(inner, nested, nesting + 1));
                }
            }
            self.terms.pop();
        }
        out
    }

    /// A qualified name: a project class, function or module, a module-level binding (followed
    /// through re-exports and star imports), or something outside the project.
    fn resolve_symbol(&mut self, symbol: &str, budget: u32) -> Value {
        if let Some(id) = self.index.class_by_qualname(symbol) {
            return Value::kind(Kind::Class(id));
        }
        if let Some(id) = self.index.function_by_qualname(symbol) {
            return Value::kind(Kind::Function(id));
        }
        if let Some(file) = self.index.module(symbol) {
            if let Some(value) = self.package_binding(symbol, budget) {
                return value;
            }
            return Value::kind(Kind::Module(file));
        }
        let slot = (budget as usize).min(SUMMARY_DEPTH as usize);
        if let Some(value) = self.symbols[slot].get(symbol) {
            return value.clone();
        }
        let value = match symbol.rsplit_once('.') {
            None => self.external_value(symbol),
            Some((prefix, name)) => {
                // `pkg.db.name`, where `pkg/__init__.py` rebinds `db`: an import path
                // (`from pkg.db import name`) when the submodule defines `name`, else an
                // attribute of the package's `db` (`from pkg import db`, then `db.Model`).
                let parent = match self.index.module(prefix) {
                    Some(file) if self.index.module_defines(file, name) => {
                        Value::kind(Kind::Module(file))
                    }
                    _ => self.resolve_symbol(prefix, budget),
                };
                let mut out = Value::empty();
                for fact in parent.iter() {
                    out.extend(self.attr(fact, name, budget));
                }
                out
            }
        };
        self.symbols[slot].insert(symbol.into(), value.clone());
        value
    }

    /// `pkg.db` where `pkg/__init__.py` rebinds `db` (`from .db import db`): as in Python, the
    /// package's binding, not the submodule it shadows.
    fn package_binding(&mut self, symbol: &str, budget: u32) -> Option<Value> {
        let (package, name) = symbol.rsplit_once('.')?;
        let file = self.index.module(package)?;
        let rebinds = self.index.global_binding(file, name).is_some()
            || self
                .index
                .imported(file, name)
                .is_some_and(|target| target != symbol);
        // While the binding itself is resolved (`from .db import db` names the submodule), the
        // name is the submodule.
        if !rebinds || budget == 0 || self.package_bindings.iter().any(|s| &**s == symbol) {
            return None;
        }
        self.package_bindings.push(symbol.into());
        let value = self.module_member(file, name, budget);
        self.package_bindings.pop();
        (!value.is_empty()).then_some(value)
    }

    /// A name outside the project. `flask.request` is the request; Flask-Login's `current_user` is
    /// whatever the project's `@login_manager.user_loader` returns.
    fn external_value(&mut self, symbol: &str) -> Value {
        if is_symbol(symbol, "flask", "request") {
            return Value::kind(Kind::Request);
        }
        if is_symbol(symbol, "flask_login", "current_user") {
            let mut out = Value::empty();
            for &loader in self.index.user_loaders() {
                for fact in self.summary(loader, None, SUMMARY_DEPTH - 1).iter() {
                    if matches!(fact.kind, Kind::Instance(_)) {
                        out.push(fact.clone());
                    }
                }
            }
            return out;
        }
        Value::kind(Kind::External(symbol.into()))
    }

    /// A name looked up in a project module.
    fn module_member(&mut self, file: FileId, name: &str, budget: u32) -> Value {
        let Some(facts) = self.facts(file) else {
            return Value::empty();
        };
        let qualified = dotted(&facts.module, name);
        if let Some(id) = self.index.class_by_qualname(&qualified) {
            return Value::kind(Kind::Class(id));
        }
        if let Some(id) = self.index.function_by_qualname(&qualified) {
            return Value::kind(Kind::Function(id));
        }
        if let Some(binding) = self.index.global_binding(file, name) {
            if budget == 0 {
                return Value::empty();
            }
            let ctx = Ctx {
                file,
                args: None,
                budget: budget - 1,
            };
            return self.eval_in(ctx, binding.value, 0);
        }
        if let Some(target) = self.index.imported(file, name) {
            if budget == 0 {
                return Value::empty();
            }
            return self.resolve_symbol(target, budget - 1);
        }
        if let Some(submodule) = self.index.module(&qualified) {
            return Value::kind(Kind::Module(submodule));
        }
        if budget > 0 {
            for star in &facts.star_imports {
                let found = self.resolve_symbol(&dotted(star, name), budget - 1);
                if !found.is_empty() {
                    return found;
                }
            }
        }
        Value::empty()
    }

    /// `value.name`.
    fn attr(&mut self, fact: &Fact, name: &str, budget: u32) -> Value {
        let method = || Value::of(Fact::new(Kind::Method(Box::new(fact.clone()), name.into())));
        if let Some(value) = mongo::attr(fact, name) {
            return value;
        }
        if let Some(value) = propagate::attr(fact, name) {
            return value;
        }
        match &fact.kind {
            Kind::Module(file) => self.module_member(*file, name, budget),
            Kind::External(symbol) => self.external_value(&dotted(symbol, name)),
            Kind::Class(class) => {
                let class = *class;
                if self.index.is_model(class) && name == "query" {
                    return Value::of(fact.becomes(Kind::Query(class)));
                }
                if let Some(function) = self.index.method(class, name) {
                    return Value::kind(Kind::BoundMethod(function));
                }
                if let Some(value) = self.class_attribute(class, name, budget) {
                    return value;
                }
                method()
            }
            Kind::Instance(class) => {
                let class = *class;
                if name == "__dict__" {
                    return Value::of(fact.becomes(Kind::AttrDict(class)));
                }
                if let Some(relationship) = self.index.relationship(class, name) {
                    let Some(target) = relationship.target else {
                        return Value::empty();
                    };
                    let kind = if relationship.dynamic {
                        Kind::Query(target)
                    } else if relationship.scalar {
                        Kind::Instance(target)
                    } else {
                        Kind::Collection(target)
                    };
                    return Value::of(fact.becomes(kind));
                }
                if let Some(function) = self.index.method(class, name) {
                    return Value::of(fact.becomes(Kind::BoundMethod(function)));
                }
                let flags = self.index.flags(class);
                if flags.form {
                    // A Flask-WTF form is filled from the request: its `data`, and each field.
                    if name == "data" {
                        return Value::of(fact.becomes(Kind::DeclaredRequest {
                            source: "form.data".into(),
                            fields: DeclaredFields::Class(class),
                        }));
                    }
                    if self.index.declares_attribute(class, name) {
                        return Value::of(
                            fact.becomes(Kind::RequestData(format!("form.{name}").into())),
                        );
                    }
                }
                // `self.api.payload` in a Flask-RESTX resource.
                if flags.resource && name == "api" {
                    return Value::of(
                        fact.becomes(Kind::ExternalInstance("flask_restx.Api".into())),
                    );
                }
                if !self.index.is_model(class) {
                    if let Some(value) = self.class_attribute(class, name, budget) {
                        return value;
                    }
                }
                method()
            }
            Kind::Pagination(class) => match name {
                "items" => Value::of(fact.becomes(Kind::Collection(*class))),
                _ => method(),
            },
            Kind::ExternalInstance(symbol) => {
                if is_symbol(symbol, "flask_sqlalchemy", "SQLAlchemy") {
                    return match name {
                        "Model" => Value::kind(Kind::ModelBase),
                        "session" => Value::kind(Kind::Session),
                        "select" => Value::kind(Kind::External("sqlalchemy.select".into())),
                        "text" => Value::kind(Kind::External("sqlalchemy.text".into())),
                        _ => method(),
                    };
                }
                if is_symbol(symbol, "flask_marshmallow", "Marshmallow") {
                    return match name {
                        n if n.ends_with("Schema") => Value::kind(Kind::SchemaBase),
                        _ => method(),
                    };
                }
                // Flask-RESTX's (and RESTPlus's) `api.payload`/`ns.payload`: the JSON body.
                if name == "payload"
                    && (symbol_in(symbol, "flask_restx") || symbol_in(symbol, "flask_restplus"))
                {
                    let source = match last_segment(symbol) {
                        "Namespace" => "ns.payload",
                        _ => "api.payload",
                    };
                    return Value::of(fact.becomes(Kind::RequestData(source.into())));
                }
                method()
            }
            Kind::Request => match name {
                "json" | "form" | "args" | "values" | "data" | "files" | "view_args"
                | "cookies" | "headers" | "stream" | "path" | "full_path" | "url" | "base_url"
                | "url_root" | "host" | "host_url" | "referrer" | "user_agent" | "query_string"
                | "authorization" | "origin" | "access_route" | "mimetype" | "content_type" => {
                    Value::of(fact.becomes(Kind::RequestData(format!("request.{name}").into())))
                }
                _ => method(),
            },
            // `args.name` of a reqparse result, `form.name.data`: still the client's.
            Kind::RequestData(source) | Kind::DeclaredRequest { source, .. } => {
                if is_data_method(name) {
                    method()
                } else {
                    Value::of(fact.becomes(Kind::RequestData(format!("{source}.{name}").into())))
                }
            }
            Kind::Exception => match name {
                "args" | "message" | "msg" | "strerror" | "description" | "orig" | "detail"
                | "messages" => Value::of(fact.becomes(Kind::ExceptionText)),
                // Another exception, of a type not known here.
                "original_exception" | "__cause__" | "__context__" => Value::kind(Kind::Exception),
                _ => method(),
            },
            Kind::Const | Kind::Param(_) | Kind::Response | Kind::Projection | Kind::Method(..) => {
                Value::empty()
            }
            _ => method(),
        }
    }

    /// A class-level attribute of a project class (not a column): `Model = db.Model` aliases and
    /// the like.
    fn class_attribute(&mut self, class: ClassId, name: &str, budget: u32) -> Option<Value> {
        if budget == 0 {
            return None;
        }
        for id in self.index.lineage(class).collect::<Vec<_>>() {
            let facts = self.index.class(id);
            if let Some((_, term, _)) = facts
                .attributes
                .iter()
                .find(|(attr, _, _)| attr.as_str() == name)
            {
                let ctx = Ctx {
                    file: self.index.class_file(id),
                    args: None,
                    budget: budget - 1,
                };
                return Some(self.eval_in(ctx, *term, 0));
            }
        }
        None
    }

    /// Arguments evaluated for a call.
    fn args(&mut self, ctx: Ctx<'_>, call: &CallTerm, depth: u32) -> Vec<Value> {
        call.args
            .iter()
            .map(|&arg| self.eval_in(ctx, arg, depth))
            .collect()
    }

    /// Every argument of a call evaluated: positional, keyword and unpacked.
    fn all_args(&mut self, ctx: Ctx<'_>, call: &CallTerm, depth: u32) -> Vec<Value> {
        let terms = call
            .args
            .iter()
            .chain(call.keywords.iter().map(|(_, arg)| arg))
            .chain(call.unpacked.iter());
        terms.map(|&arg| self.eval_in(ctx, arg, depth)).collect()
    }

    fn arg(
        &mut self,
        ctx: Ctx<'_>,
        call: &CallTerm,
        position: usize,
        name: &str,
        depth: u32,
    ) -> Value {
        match call.arg(position, name) {
            Some(term) => self.eval_in(ctx, term, depth),
            None => Value::empty(),
        }
    }

    /// `callee(args)`, for one fact of the callee.
    fn call(&mut self, ctx: Ctx<'_>, callee: &Fact, call: &CallTerm, depth: u32) -> Value {
        let origin = Origin {
            file: ctx.file,
            range: call.range,
        };
        match &callee.kind {
            Kind::Class(class) => {
                let class = *class;
                let flags = self.index.flags(class);
                if flags.sqlalchemy_extension {
                    // A project subclass of `SQLAlchemy`: its instance is the `db` object.
                    Value::kind(Kind::ExternalInstance("flask_sqlalchemy.SQLAlchemy".into()))
                } else if flags.pydantic {
                    self.request_model(ctx, class, call, origin, depth)
                } else if flags.schema || flags.model_base {
                    Value::empty()
                } else {
                    Value::of(Fact::at(Kind::Instance(class), origin))
                }
            }
            Kind::Function(function) | Kind::BoundMethod(function) => {
                let function = *function;
                if ctx.budget == 0 {
                    return Value::empty();
                }
                let args = self.call_args(ctx, function, call, depth);
                self.summary(function, args.as_deref(), ctx.budget - 1)
            }
            Kind::External(symbol) => self.external_call(ctx, symbol, call, origin, depth),
            Kind::ExternalInstance(symbol) => {
                if symbol_in(symbol, "sqlalchemy")
                    && matches!(last_segment(symbol), "sessionmaker" | "scoped_session")
                {
                    Value::kind(Kind::Session)
                } else {
                    Value::empty()
                }
            }
            Kind::Session => Value::kind(Kind::Session),
            Kind::Method(receiver, name) => {
                self.method_call(ctx, receiver, name, call, origin, depth)
            }
            _ => Value::empty(),
        }
    }

    /// The values of a call's arguments in the order of the callee's parameters, or `None` when
    /// none of them holds anything a rule follows (so the cached summary serves).
    fn call_args(
        &mut self,
        ctx: Ctx<'_>,
        function: FuncId,
        call: &CallTerm,
        depth: u32,
    ) -> Option<Vec<Value>> {
        let params = &self.index.function(function).params;
        if params.is_empty() {
            return None;
        }
        // Client data passed in was read here, as far as the callee is concerned.
        let origin = Origin {
            file: ctx.file,
            range: call.range,
        };
        let mut values = vec![Value::empty(); params.len()];
        for (position, &arg) in call.args.iter().enumerate() {
            if let Some(slot) = values.get_mut(position) {
                *slot = propagate::located(self.eval_in(ctx, arg, depth), origin);
            }
        }
        for (name, arg) in call.keywords.iter() {
            if let Some(position) = params.iter().position(|param| param == name) {
                values[position] = propagate::located(self.eval_in(ctx, *arg, depth), origin);
            }
        }
        values
            .iter()
            .any(|value| !value.is_empty())
            .then_some(values)
    }

    /// What a function returns, given its arguments (or none known).
    fn summary(&mut self, function: FuncId, args: Option<&[Value]>, budget: u32) -> Value {
        if args.is_none() {
            if let Some(value) = self.summaries.get(&(function, budget)) {
                return value.clone();
            }
        }
        let facts = self.index.function(function);
        let ctx = Ctx {
            file: self.index.function_file(function),
            args,
            budget,
        };
        if args.is_some() {
            self.terms.push(FxHashMap::default());
        }
        let mut out = Value::empty();
        for site in &facts.returns {
            let origin = Origin {
                file: ctx.file,
                range: site.range,
            };
            out.extend(propagate::located(self.eval_in(ctx, site.value, 0), origin));
        }
        if args.is_some() {
            self.terms.pop();
        }
        if args.is_none() {
            // A summary seen from outside: its parameters mean nothing to the caller.
            out = out
                .iter()
                .filter(|fact| !matches!(fact.kind, Kind::Param(_)))
                .cloned()
                .collect();
            self.summaries.insert((function, budget), out.clone());
        }
        out
    }

    fn external_call(
        &mut self,
        ctx: Ctx<'_>,
        symbol: &str,
        call: &CallTerm,
        origin: Origin,
        depth: u32,
    ) -> Value {
        let name = last_segment(symbol);
        if symbol_in(symbol, "builtins") {
            let first = self.arg(ctx, call, 0, "", depth);
            return match name {
                "vars" => first
                    .iter()
                    .filter_map(|fact| match fact.kind {
                        Kind::Instance(class) => Some(fact.becomes(Kind::AttrDict(class))),
                        Kind::Collection(class) => Some(fact.becomes(Kind::AttrDicts(class))),
                        _ => None,
                    })
                    .collect(),
                "str" | "repr" | "format" | "ascii" | "bytes" | "bytearray" => first
                    .iter()
                    .map(|fact| match &fact.kind {
                        Kind::Exception | Kind::ExceptionText => fact.becomes(Kind::ExceptionText),
                        // Still the client's text, but now certainly a string.
                        Kind::RequestData(source) | Kind::DeclaredRequest { source, .. } => {
                            fact.becomes(Kind::RequestData(format!("{name}({source})").into()))
                        }
                        // Text of whatever the caller passes.
                        Kind::Param(_) | Kind::FromRequest(..) => fact.clone(),
                        _ => fact.becomes(Kind::Const),
                    })
                    .collect(),
                "list" | "tuple" | "set" | "frozenset" | "sorted" | "reversed" | "iter"
                | "dict" => first.iter().map(list_of).collect(),
                "next" => first.iter().filter_map(element).collect(),
                _ => Value::kind(Kind::Const),
            };
        }
        if let Some(effect) = propagate::library_call(symbol) {
            let args = self.all_args(ctx, call, depth);
            let value = propagate::apply(effect, &args);
            // A library call that carries nothing the client sent is what it was before.
            if effect != Effect::Carries || !value.is_empty() {
                return value;
            }
        }
        if let Some(value) = mongo::construct(symbol, origin) {
            return value;
        }
        if symbol_in(symbol, "copy") && matches!(name, "copy" | "deepcopy") {
            return self.arg(ctx, call, 0, "x", depth);
        }
        if matches!(name, "dumps" | "jsonable_encoder")
            && (symbol_in(symbol, "json")
                || symbol_in(symbol, "simplejson")
                || symbol_in(symbol, "bson")
                || symbol_in(symbol, "flask")
                || symbol_in(symbol, "orjson")
                || symbol_in(symbol, "ujson"))
        {
            // Serialized text still carries whatever was serialized.
            return self.arg(ctx, call, 0, "obj", depth);
        }
        if name == "loads"
            && (symbol_in(symbol, "json")
                || symbol_in(symbol, "simplejson")
                || symbol_in(symbol, "orjson")
                || symbol_in(symbol, "ujson"))
        {
            // Parsed request data is still the client's, and now any JSON value.
            return self
                .arg(ctx, call, 0, "s", depth)
                .iter()
                .filter_map(|fact| match &fact.kind {
                    Kind::RequestData(source) | Kind::FromRequest(source, _) => Some(
                        fact.becomes(Kind::RequestData(format!("json.loads({source})").into())),
                    ),
                    _ => None,
                })
                .collect();
        }
        if symbol_in(symbol, "traceback") && name.starts_with("format") {
            return Value::of(Fact::at(Kind::ExceptionText, origin));
        }
        if symbol_in(symbol, "sqlalchemy") || is_symbol(symbol, "flask_sqlalchemy", "select") {
            match name {
                "select" => return self.select(ctx, call, origin, depth),
                "declarative_base" | "as_declarative" => return Value::kind(Kind::ModelBase),
                "Session" | "scoped_session" => return Value::kind(Kind::Session),
                "sessionmaker" => return Value::kind(Kind::ExternalInstance(symbol.into())),
                _ => {}
            }
        }
        if symbol_in(symbol, "flask") {
            match name {
                "jsonify"
                | "make_response"
                | "Response"
                | "send_file"
                | "send_from_directory"
                | "redirect"
                | "render_template"
                | "render_template_string"
                | "abort" => return Value::kind(Kind::Response),
                _ => {}
            }
        }
        if is_symbol(symbol, "flask_sqlalchemy", "SQLAlchemy")
            || is_symbol(symbol, "flask_marshmallow", "Marshmallow")
        {
            return Value::kind(Kind::ExternalInstance(symbol.into()));
        }
        if name.chars().next().is_some_and(char::is_uppercase) {
            Value::of(Fact::at(Kind::ExternalInstance(symbol.into()), origin))
        } else {
            Value::empty()
        }
    }

    /// `select(User)` is a statement over `User` entities; `select(User.id)` a projection.
    fn select(&mut self, ctx: Ctx<'_>, call: &CallTerm, origin: Origin, depth: u32) -> Value {
        let args = self.args(ctx, call, depth);
        self.entities(&args, origin)
    }

    /// Model classes among query arguments become a query over them; anything else (columns)
    /// makes a projection.
    fn entities(&self, args: &[Value], origin: Origin) -> Value {
        let mut out = Value::empty();
        for arg in args {
            for fact in arg.iter() {
                if let Kind::Class(class) = fact.kind {
                    if self.index.is_model(class) {
                        out.push(Fact::at(Kind::Query(class), origin));
                    }
                }
            }
        }
        if out.is_empty() && !args.is_empty() {
            out.push(Fact::at(Kind::Projection, origin));
        }
        out
    }

    fn method_call(
        &mut self,
        ctx: Ctx<'_>,
        receiver: &Fact,
        name: &str,
        call: &CallTerm,
        origin: Origin,
        depth: u32,
    ) -> Value {
        if let Some(value) = mongo::method_call(receiver, name, call, origin) {
            return value;
        }
        if let Some(value) = propagate::method_call(receiver, name) {
            return value;
        }
        match &receiver.kind {
            // `SEPARATOR.join(parts)`, `TEMPLATE.format(name=name)`: text of its arguments.
            Kind::Const if matches!(name, "join" | "format" | "format_map") => {
                let args = self.all_args(ctx, call, depth);
                propagate::apply(Effect::Carries, &args)
            }
            Kind::Query(class) => {
                let class = *class;
                if QUERY_ONE.contains(&name) {
                    Value::of(Fact::at(Kind::Instance(class), origin))
                } else if QUERY_ALL.contains(&name) {
                    Value::of(Fact::at(Kind::Collection(class), origin))
                } else if name == "paginate" {
                    Value::of(Fact::at(Kind::Pagination(class), origin))
                } else if name == "options" {
                    // `options(load_only(...))` loads chosen columns only.
                    let loads_chosen_columns = call
                        .args
                        .iter()
                        .any(|&arg| self.index.term_mentions(ctx.file, arg, &["load_only"]));
                    if loads_chosen_columns {
                        Value::of(Fact::at(Kind::Projection, origin))
                    } else {
                        Value::of(receiver.clone())
                    }
                } else if matches!(name, "with_entities" | "values") {
                    let args = self.args(ctx, call, depth);
                    self.entities(&args, origin)
                } else if QUERY_CHAIN.contains(&name) {
                    Value::of(receiver.clone())
                } else {
                    Value::kind(Kind::Const)
                }
            }
            Kind::Pagination(class) => match name {
                "next" | "prev" => Value::of(Fact::at(Kind::Pagination(*class), origin)),
                _ => Value::empty(),
            },
            Kind::Session => match name {
                "query" => {
                    let args = self.args(ctx, call, depth);
                    self.entities(&args, origin)
                }
                "get" | "get_one" | "merge" => self.first_entity_instance(ctx, call, origin, depth),
                "execute" | "scalars" => {
                    let statement = self.arg(ctx, call, 0, "statement", depth);
                    statement
                        .iter()
                        .filter(|fact| matches!(fact.kind, Kind::Query(_)))
                        .cloned()
                        .collect()
                }
                "scalar" => {
                    let statement = self.arg(ctx, call, 0, "statement", depth);
                    selected(&statement, origin, Kind::Instance)
                }
                _ => Value::empty(),
            },
            Kind::ExternalInstance(symbol)
                if is_symbol(symbol, "flask_sqlalchemy", "SQLAlchemy") =>
            {
                match name {
                    "get_or_404" => self.first_entity_instance(ctx, call, origin, depth),
                    "first_or_404" | "one_or_404" => {
                        let statement = self.arg(ctx, call, 0, "statement", depth);
                        selected(&statement, origin, Kind::Instance)
                    }
                    "paginate" => {
                        let statement = self.arg(ctx, call, 0, "select", depth);
                        selected(&statement, origin, Kind::Pagination)
                    }
                    _ => Value::empty(),
                }
            }
            Kind::Class(class)
                if self.index.flags(*class).pydantic
                    && matches!(
                        name,
                        "parse_obj"
                            | "parse_raw"
                            | "model_validate"
                            | "model_validate_json"
                            | "validate"
                            | "construct"
                            | "model_construct"
                    ) =>
            {
                self.request_model(ctx, *class, call, origin, depth)
            }
            Kind::ExternalInstance(symbol)
                if name == "parse_args" && last_segment(symbol) == "RequestParser" =>
            {
                let source: Box<str> = "parser.parse_args()".into();
                Value::of(match receiver.origin {
                    Some(parser) => Fact::at(
                        Kind::DeclaredRequest {
                            source,
                            fields: DeclaredFields::Parser(parser),
                        },
                        origin,
                    ),
                    None => Fact::at(Kind::RequestData(source), origin),
                })
            }
            Kind::DeclaredRequest { source, .. } => match name {
                "to_dict" | "copy" | "dict" | "model_dump" | "items" | "values" => {
                    Value::of(receiver.clone())
                }
                "get" | "getlist" | "pop" => Value::of(
                    receiver.becomes(Kind::RequestData(format!("{source}.{name}(…)").into())),
                ),
                "keys" => Value::kind(Kind::Const),
                _ => Value::empty(),
            },
            Kind::Instance(_) | Kind::Class(_) => {
                if is_serializer_method(name) {
                    Value::kind(Kind::Const)
                } else {
                    Value::empty()
                }
            }
            Kind::AttrDict(_)
            | Kind::AttrDicts(_)
            | Kind::MongoDocument { .. }
            | Kind::MongoDocuments { .. } => match name {
                "copy" => Value::of(receiver.clone()),
                _ => Value::empty(),
            },
            Kind::Collection(class) => match name {
                "copy" => Value::of(receiver.clone()),
                "pop" => Value::of(receiver.becomes(Kind::Instance(*class))),
                _ => Value::empty(),
            },
            Kind::Request => match name {
                "get_json" | "get_data" => Value::of(
                    receiver.becomes(Kind::RequestData(format!("request.{name}()").into())),
                ),
                _ => Value::empty(),
            },
            Kind::RequestData(source) => match name {
                "to_dict" | "copy" | "items" | "keys" | "values" | "dict" => {
                    Value::of(receiver.becomes(Kind::RequestData(source.clone())))
                }
                // One field, not the whole: `request.json.get(...)`.
                "get" | "getlist" | "pop" => Value::of(
                    receiver.becomes(Kind::RequestData(format!("{source}.{name}(…)").into())),
                ),
                _ => Value::empty(),
            },
            Kind::Exception => match name {
                "__str__" | "__repr__" => Value::of(receiver.becomes(Kind::ExceptionText)),
                _ => Value::empty(),
            },
            Kind::ExceptionText => Value::of(receiver.clone()),
            _ => Value::empty(),
        }
    }

    /// A pydantic model built (or validated) from its arguments: when one of them is request data,
    /// a mapping of the client's values under the model's declared fields; otherwise an instance.
    fn request_model(
        &mut self,
        ctx: Ctx<'_>,
        class: ClassId,
        call: &CallTerm,
        origin: Origin,
        depth: u32,
    ) -> Value {
        let from_request = call
            .args
            .iter()
            .chain(call.keywords.iter().map(|(_, arg)| arg))
            .chain(call.unpacked.iter())
            .any(|&arg| {
                self.eval_in(ctx, arg, depth).contains(|kind| {
                    matches!(kind, Kind::RequestData(_) | Kind::DeclaredRequest { .. })
                })
            });
        let kind = if from_request {
            Kind::DeclaredRequest {
                source: format!("{}(…)", self.index.class(class).name).into(),
                fields: DeclaredFields::Class(class),
            }
        } else {
            Kind::Instance(class)
        };
        Value::of(Fact::at(kind, origin))
    }

    /// `session.get(User, id)`, `db.get_or_404(User, id)`: an instance of the first argument.
    fn first_entity_instance(
        &mut self,
        ctx: Ctx<'_>,
        call: &CallTerm,
        origin: Origin,
        depth: u32,
    ) -> Value {
        let entity = self.arg(ctx, call, 0, "entity", depth);
        entity
            .iter()
            .filter_map(|fact| match fact.kind {
                Kind::Class(class) if self.index.is_model(class) => {
                    Some(Fact::at(Kind::Instance(class), origin))
                }
                _ => None,
            })
            .collect()
    }
}

/// Methods of the mappings and strings request data arrives as: an attribute of that name is the
/// method, any other attribute (`args.name`, `field.data`) a value.
fn is_data_method(name: &str) -> bool {
    matches!(
        name,
        "get"
            | "getlist"
            | "pop"
            | "setdefault"
            | "to_dict"
            | "copy"
            | "items"
            | "keys"
            | "values"
            | "dict"
            | "model_dump"
            | "update"
            | "strip"
            | "lstrip"
            | "rstrip"
            | "lower"
            | "upper"
            | "split"
            | "rsplit"
            | "replace"
            | "encode"
            | "decode"
            | "startswith"
            | "endswith"
            | "format"
            | "join"
            | "read"
            | "save"
            | "title"
    )
}

/// `list(x)`, `sorted(x)`: the same elements, as a list.
fn list_of(fact: &Fact) -> Fact {
    match &fact.kind {
        Kind::Query(class) | Kind::Pagination(class) => fact.becomes(Kind::Collection(*class)),
        Kind::MongoCursor { projected } => fact.becomes(Kind::MongoDocuments {
            projected: *projected,
        }),
        _ => fact.clone(),
    }
}

/// Iterating: an element of a collection.
fn element(fact: &Fact) -> Option<Fact> {
    Some(match &fact.kind {
        Kind::Collection(class) | Kind::Query(class) | Kind::Pagination(class) => {
            fact.becomes(Kind::Instance(*class))
        }
        Kind::AttrDicts(class) => fact.becomes(Kind::AttrDict(*class)),
        Kind::MongoCursor { projected } | Kind::MongoDocuments { projected } => {
            fact.becomes(Kind::MongoDocument {
                projected: *projected,
            })
        }
        // The keys of a declared mapping, or (after `.items()`) its values: data, now the client's.
        Kind::DeclaredRequest { source, .. } => {
            fact.becomes(Kind::RequestData(format!("{source}[…]").into()))
        }
        Kind::Instance(_) | Kind::AttrDict(_) | Kind::MongoDocument { .. } | Kind::Class(_) => {
            return None
        }
        _ => fact.clone(),
    })
}

/// Building a list of elements like this one.
fn collect(fact: &Fact) -> Fact {
    match &fact.kind {
        Kind::Instance(class) => fact.becomes(Kind::Collection(*class)),
        Kind::AttrDict(class) => fact.becomes(Kind::AttrDicts(*class)),
        Kind::MongoDocument { projected } => fact.becomes(Kind::MongoDocuments {
            projected: *projected,
        }),
        _ => fact.clone(),
    }
}

fn subscript(fact: &Fact, key: &Key) -> Option<Fact> {
    if let Some(kind) = mongo::subscript(&fact.kind, key) {
        return Some(fact.becomes(kind));
    }
    Some(match (&fact.kind, key) {
        (Kind::Collection(class) | Kind::Query(class), Key::Int(_) | Key::Dynamic(_)) => {
            fact.becomes(Kind::Instance(*class))
        }
        (Kind::Collection(_) | Kind::Query(_), Key::Slice) => fact.becomes(match &fact.kind {
            Kind::Query(class) => Kind::Collection(*class),
            other => other.clone(),
        }),
        (Kind::AttrDicts(class), Key::Int(_)) => fact.becomes(Kind::AttrDict(*class)),
        (Kind::MongoDocuments { projected }, Key::Int(_)) => fact.becomes(Kind::MongoDocument {
            projected: *projected,
        }),
        (Kind::RequestData(source) | Kind::DeclaredRequest { source, .. }, Key::Str(name)) => {
            fact.becomes(Kind::RequestData(format!("{source}[{name:?}]").into()))
        }
        (
            Kind::RequestData(source) | Kind::DeclaredRequest { source, .. },
            Key::Int(_) | Key::Dynamic(_),
        ) => fact.becomes(Kind::RequestData(format!("{source}[…]").into())),
        (Kind::RequestData(_) | Kind::FromRequest(..) | Kind::ExceptionText | Kind::Const, _) => {
            fact.clone()
        }
        _ => return None,
    })
}

/// What running a statement (`select(Model)...`) makes of each model it selects: `make(model)`,
/// made at `origin` (an instance from `scalar`, a pagination from `paginate`).
fn selected(statement: &Value, origin: Origin, make: fn(ClassId) -> Kind) -> Value {
    statement
        .iter()
        .filter_map(|fact| match fact.kind {
            Kind::Query(class) => Some(Fact::at(make(class), origin)),
            _ => None,
        })
        .collect()
}
