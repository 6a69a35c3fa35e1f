//! FC501 exception-in-response: rules/FC501.md.
//!
//! The file pass records each `except ... as e` clause with its exception type, and each
//! `abort(code, description)`. The project pass looks for exception text (`str(e)`, `e.args`,
//! `f"{e}"`, `traceback.format_exc()`) in what becomes a response: the file's responses, the
//! descriptions given to `abort`, the returns of error handlers (called with the exception they
//! handle), and calls to the project's own response helpers (`json_error(str(e))` where
//! `json_error` puts its argument into `jsonify(...)`). Exceptions whose text is written for
//! clients are left alone: HTTP exceptions, validation errors, and the project's own exception
//! classes.

use flaskcheck_python::ast::{ExceptHandler, Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use super::RuleChecks;
use crate::analyze::term::{Term, TermId};
use crate::analyze::{Checker, Depth, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::last_segment;
use crate::index::{Fact, FuncId, Kind, Origin, Value};
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::TRY.with(NodeKinds::CALL),
    project: Some(project),
};

/// Deferred notes. A call that sends text to the client is noted by the function's name:
/// `abort`, `render_template`, `render_template_string`, `flash`.
const HANDLER: &str = "except";
const ABORT: &str = "abort";

/// Flask functions that put their arguments (after the template's name, for `render_template`)
/// into the page sent to the client, or into the next one (`flash`).
const TEXT_SINKS: &[(&str, usize)] = &[
    ("flask.render_template", 1),
    ("flask.templating.render_template", 1),
    ("flask.render_template_string", 0),
    ("flask.templating.render_template_string", 0),
    ("flask.flash", 0),
    ("flask.helpers.flash", 0),
];

/// `abort` functions whose later arguments become the error response's text.
const ABORT_FUNCTIONS: &[&str] = &[
    "flask.abort",
    "werkzeug.exceptions.abort",
    "werkzeug.abort",
    "flask_restful.abort",
    "flask_restx.abort",
    "flask_restplus.abort",
    "flask_smorest.abort",
];

/// Packages whose exceptions carry text written for clients.
const CLIENT_FACING_PACKAGES: &[&str] = &[
    "werkzeug",
    "flask",
    "flask_wtf",
    "wtforms",
    "marshmallow",
    "webargs",
    "pydantic",
    "jsonschema",
    "flask_smorest",
    "flask_restful",
    "flask_restx",
    "jwt",
    "flask_jwt_extended",
    "itsdangerous",
];

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    match node {
        Node::Stmt(Stmt::Try(stmt)) => {
            for ExceptHandler::ExceptHandler(handler) in &stmt.handlers {
                if handler.name.is_none() {
                    continue;
                }
                let handled = match &handler.type_ {
                    Some(type_) => checker.term(type_),
                    None => TermId::UNKNOWN,
                };
                checker.defer(
                    Rule::ExceptionInResponse,
                    handler.range,
                    vec![handled],
                    HANDLER,
                );
            }
        }
        Node::Expr(Expr::Call(call)) => {
            if let Expr::Name(name) = &*call.func {
                if matches!(
                    name.id.as_str(),
                    "render_template" | "render_template_string" | "flash"
                ) {
                    record_text_sink(checker, call);
                    return;
                }
            }
            let is_abort = match &*call.func {
                Expr::Name(name) => name.id.as_str() == "abort",
                // `api.abort(...)`, `ns.abort(...)` of Flask-RESTX, `flask.abort(...)`.
                Expr::Attribute(attr) => {
                    attr.attr.id.as_str() == "abort" && matches!(&*attr.value, Expr::Name(_))
                }
                _ => false,
            };
            if !is_abort {
                return;
            }
            if let Expr::Name(_) = &*call.func {
                let Some(symbol) = checker.qualified_name(&call.func) else {
                    return;
                };
                if !ABORT_FUNCTIONS.contains(&&*symbol) {
                    return;
                }
            }
            let mut terms: Vec<TermId> = Vec::new();
            for arg in call.arguments.args.iter().skip(1) {
                terms.push(checker.term(arg));
            }
            for keyword in &call.arguments.keywords {
                terms.push(checker.term(&keyword.value));
            }
            terms.retain(|term| term.is_interesting());
            if !terms.is_empty() {
                checker.defer(Rule::ExceptionInResponse, call.range(), terms, ABORT);
            }
        }
        _ => {}
    }
}

/// `render_template("error.html", error=str(e))`, `flash(str(e))`: the arguments that become the
/// page's text.
fn record_text_sink(checker: &mut Checker<'_>, call: &flaskcheck_python::ast::ExprCall) {
    let Some(symbol) = checker.qualified_name(&call.func) else {
        return;
    };
    let Some(&(_, skip)) = TEXT_SINKS.iter().find(|(name, _)| **name == *symbol) else {
        return;
    };
    let mut terms: Vec<TermId> = Vec::new();
    for arg in call.arguments.args.iter().skip(skip) {
        terms.push(checker.term(arg));
    }
    for keyword in &call.arguments.keywords {
        terms.push(checker.term(&keyword.value));
    }
    terms.retain(|term| term.is_interesting());
    if !terms.is_empty() {
        checker.defer(
            Rule::ExceptionInResponse,
            call.range(),
            terms,
            last_segment(&symbol),
        );
    }
}

/// What the project pass found out about one exception origin.
#[derive(Clone, Copy)]
enum Source {
    /// Caught by an `except` clause whose exception's text is not written for clients.
    Caught(TextRange),
    /// The exception an error handler receives.
    Handled,
    /// A traceback, or text of an exception of unknown type.
    Other,
}

struct Pass<'x, 'c, 'i, 'a> {
    ctx: &'x mut ProjectContext<'c, 'i, 'a>,
    /// Per `except` clause (file, range): whether its exception's text is not for clients.
    clauses: FxHashMap<(crate::source::FileId, TextRange), bool>,
    /// Per project function: the parameters it puts into a response.
    helpers: FxHashMap<FuncId, Vec<u16>>,
    reported: Vec<TextRange>,
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let mut pass = Pass {
        ctx,
        clauses: FxHashMap::default(),
        helpers: FxHashMap::default(),
        reported: Vec::new(),
    };
    pass.run();
}

impl Pass<'_, '_, '_, '_> {
    fn run(&mut self) {
        let file = self.ctx.file_id();
        let analysis = self.ctx.analysis;
        let facts = &analysis.facts;

        // What the file's views, handlers and response calls send.
        let responses = self.ctx.responses().to_vec();
        for response in &responses {
            self.report_value(response.range, &response.via, &response.value, None);
        }
        // Descriptions given to `abort`, and text given to templates and flashed messages.
        for record in &facts.deferred {
            if record.rule != Rule::ExceptionInResponse || &*record.note == HANDLER {
                continue;
            }
            let mut value = Value::empty();
            for &term in &record.terms {
                value.extend(self.ctx.evaluator.eval(file, term));
            }
            let via = format!("`{}()`", record.note);
            self.report_value(record.range, &via, &value, None);
        }
        // Error handlers, given the exception they handle.
        for (local, function) in facts.functions.iter().enumerate() {
            let id = self.ctx.index.function_id(file, local as u32);
            if !self.ctx.index.view(id).is_error_handler || function.params.is_empty() {
                continue;
            }
            let mut args = vec![Value::empty(); function.params.len()];
            args[0] = Value::of(Fact::at(
                Kind::Exception,
                Origin {
                    file,
                    range: function.name_range,
                },
            ));
            let serialized = self.ctx.index.view(id).serialized_by_decorator;
            for site in &function.returns {
                if !serialized {
                    let value = self.ctx.evaluator.eval_with_args(file, site.value, &args);
                    self.report_value(site.range, "the error handler's return value", &value, None);
                }
                self.helper_calls(site.value, Some(&args), 3);
            }
            for sink in &facts.responses {
                if sink.function == Some(local as u32) {
                    let value = self.ctx.evaluator.eval_with_args(file, sink.value, &args);
                    let via = responses
                        .iter()
                        .find(|response| response.range == sink.range)
                        .map_or("a response", |response| &*response.via);
                    self.report_value(sink.range, via, &value, None);
                }
            }
        }
        // Calls to the project's response helpers with exception text (in files that catch or
        // format exceptions at all).
        let handles_exceptions = facts.terms.iter().any(|(_, node)| match node {
            Term::Exception(_) => true,
            Term::Global(symbol) => symbol.starts_with("traceback."),
            _ => false,
        });
        if !handles_exceptions {
            return;
        }
        for (term, node) in facts.terms.iter() {
            let Term::Call(call) = node else {
                continue;
            };
            let mentions_exception = call
                .args
                .iter()
                .chain(call.keywords.iter().map(|(_, arg)| arg))
                .any(|&arg| mentions_exception(&facts.terms, arg, 4));
            if mentions_exception {
                self.helper_call(term, None);
            }
        }
    }

    /// Whether an error handler is registered for exceptions whose text is not for clients.
    fn handles_raw_exceptions(&mut self, function: FuncId) -> bool {
        let types = self.ctx.index.error_handler_types(function).to_vec();
        types.iter().any(|&(file, term)| {
            !clause_is_client_facing(self.ctx.evaluator, file, term, Depth::MAX)
        })
    }

    /// Calls to response helpers inside `term` (through containers and unions).
    fn helper_calls(&mut self, term: TermId, args: Option<&[Value]>, budget: u32) {
        if budget == 0 {
            return;
        }
        let analysis = self.ctx.analysis;
        match analysis.facts.terms.get(term) {
            Term::Call(_) => self.helper_call(term, args),
            Term::Container(items) | Term::Sequence(items) | Term::Union(items) => {
                for &item in items.iter() {
                    self.helper_calls(item, args, budget - 1);
                }
            }
            Term::Keyed(_, inner) | Term::WithoutKey(inner, _) => {
                self.helper_calls(*inner, args, budget - 1)
            }
            _ => {}
        }
    }

    /// A call to a project function that puts some of its parameters into a response.
    fn helper_call(&mut self, term: TermId, args: Option<&[Value]>) {
        let file = self.ctx.file_id();
        let analysis = self.ctx.analysis;
        let Term::Call(call) = analysis.facts.terms.get(term) else {
            return;
        };
        if self.reported.contains(&call.range) {
            return;
        }
        let callee = self.ctx.evaluator.eval(file, call.callee);
        for fact in callee.iter() {
            let (Kind::Function(function) | Kind::BoundMethod(function)) = fact.kind else {
                continue;
            };
            let forwarded = self.forwarded(function, 2);
            if forwarded.is_empty() {
                continue;
            }
            let params = &self.ctx.index.function(function).params;
            let mut value = Value::empty();
            for &position in &forwarded {
                let arg = call.args.get(position as usize).copied().or_else(|| {
                    let name = params.get(position as usize)?;
                    call.keyword(name.as_str())
                });
                if let Some(arg) = arg {
                    value.extend(match args {
                        Some(args) => self.ctx.evaluator.eval_with_args(file, arg, args),
                        None => self.ctx.evaluator.eval(file, arg),
                    });
                }
            }
            let name = self.ctx.index.function(function).name.to_string();
            self.report_value(call.range, "", &value, Some(&name));
            return;
        }
    }

    /// The parameters of `function` that reach a response it builds: an argument of `jsonify`,
    /// `Response`... in its body, or of another response helper it calls.
    fn forwarded(&mut self, function: FuncId, budget: u32) -> Vec<u16> {
        if let Some(params) = self.helpers.get(&function) {
            return params.clone();
        }
        // Settles recursion: a helper calling itself forwards nothing more.
        self.helpers.insert(function, Vec::new());
        let index = self.ctx.index;
        let file = index.function_file(function);
        let Some(facts) = index.facts(file) else {
            return Vec::new();
        };
        let local = index.function(function);
        let mut params: Vec<u16> = Vec::new();
        let add = |value: &Value, params: &mut Vec<u16>| {
            for fact in value.iter() {
                if let Kind::Param(position) = fact.kind {
                    if !params.contains(&position) {
                        params.push(position);
                    }
                }
            }
        };
        for sink in &facts.responses {
            let in_function = sink
                .function
                .is_some_and(|f| index.function_id(file, f) == function);
            if in_function {
                let value = self.ctx.evaluator.eval(file, sink.value);
                add(&value, &mut params);
            }
        }
        if budget > 0 {
            for site in &local.returns {
                let Term::Call(call) = facts.terms.get(site.value) else {
                    continue;
                };
                let callee = self.ctx.evaluator.eval(file, call.callee);
                for fact in callee.iter() {
                    let (Kind::Function(inner) | Kind::BoundMethod(inner)) = fact.kind else {
                        continue;
                    };
                    for position in self.forwarded(inner, budget - 1) {
                        if let Some(&arg) = call.args.get(position as usize) {
                            let value = self.ctx.evaluator.eval(file, arg);
                            add(&value, &mut params);
                        }
                    }
                }
            }
        }
        params.sort_unstable();
        self.helpers.insert(function, params.clone());
        params
    }

    /// Reports exception text in `value`, which enters a response at `range`.
    fn report_value(&mut self, range: TextRange, via: &str, value: &Value, helper: Option<&str>) {
        if self.reported.contains(&range) {
            return;
        }
        let Some((fact, source)) = value
            .iter()
            .filter(|fact| matches!(fact.kind, Kind::ExceptionText))
            .find_map(|fact| self.source(fact).map(|source| (fact, source)))
        else {
            return;
        };
        let what = match source {
            Source::Caught(clause) => {
                let origin = Origin {
                    file: fact.origin.map_or(self.ctx.file_id(), |o| o.file),
                    range: clause,
                };
                format!(
                    "text of the exception caught at {}",
                    self.ctx.describe(origin)
                )
            }
            Source::Handled => "text of the exception this error handler receives".to_string(),
            Source::Other => match fact.origin {
                Some(origin) => format!(
                    "exception text or a traceback (from {})",
                    self.ctx.describe(origin)
                ),
                None => "exception text".to_string(),
            },
        };
        let via = match helper {
            Some(name) => format!("`{name}()`, which puts it into a response"),
            None => via.to_string(),
        };
        let related = fact
            .origin
            .map(|origin| self.ctx.related(origin, "the exception comes from here"));
        self.reported.push(range);
        let diagnostic = self
            .ctx
            .report(range, format!("{what} is sent to the client through {via}"));
        diagnostic.help = Some(
            "log the exception and send a generic message (or one written for the client)".into(),
        );
        diagnostic.related.extend(related);
    }

    /// Where exception text comes from, or `None` when its exception's text is meant for
    /// clients.
    fn source(&mut self, fact: &Fact) -> Option<Source> {
        let Some(origin) = fact.origin else {
            return Some(Source::Other);
        };
        let index = self.ctx.index;
        let Some(facts) = index.facts(origin.file) else {
            return Some(Source::Other);
        };
        let clause = facts.deferred.iter().find(|record| {
            record.rule == Rule::ExceptionInResponse
                && &*record.note == HANDLER
                && record.range == origin.range
        });
        if let Some(clause) = clause {
            let key = (origin.file, origin.range);
            let raw = match self.clauses.get(&key) {
                Some(&raw) => raw,
                None => {
                    let handled = clause.terms.first().copied().unwrap_or(TermId::UNKNOWN);
                    let raw = !clause_is_client_facing(
                        self.ctx.evaluator,
                        origin.file,
                        handled,
                        Depth::MAX,
                    );
                    self.clauses.insert(key, raw);
                    raw
                }
            };
            return raw.then_some(Source::Caught(origin.range));
        }
        let handler = facts
            .functions
            .iter()
            .position(|function| function.name_range == origin.range);
        if let Some(local) = handler {
            let function = index.function_id(origin.file, local as u32);
            return self
                .handles_raw_exceptions(function)
                .then_some(Source::Handled);
        }
        Some(Source::Other)
    }
}

/// Whether every exception type in `value` carries text written for clients: an HTTP status
/// code, an HTTP exception, a validation error, a built-in input error, or one of the project's
/// own exception classes.
fn is_client_facing(value: &Value) -> bool {
    !value.is_empty()
        && value.iter().all(|fact| match &fact.kind {
            Kind::Const | Kind::Class(_) => true,
            Kind::External(symbol) => is_client_facing_symbol(symbol),
            _ => false,
        })
}

fn is_client_facing_symbol(symbol: &str) -> bool {
    CLIENT_FACING_PACKAGES.iter().any(|package| {
        symbol
            .strip_prefix(package)
            .is_some_and(|rest| rest.starts_with('.'))
    }) || symbol
        .strip_prefix("builtins.")
        .is_some_and(|name| INPUT_ERRORS.contains(&name))
}

/// Built-in exceptions whose text describes a value (`invalid literal for int()`, `'name'`), and
/// which projects commonly raise with messages for their users.
const INPUT_ERRORS: &[&str] = &[
    "ValueError",
    "TypeError",
    "KeyError",
    "IndexError",
    "LookupError",
    "NotImplementedError",
    "UnicodeError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
];

/// Whether the exception types an `except` clause or error handler names all carry text for
/// clients. Each type of a tuple is judged alone; a built-in name the index does not know
/// (`NotImplementedError`) is judged by its name.
fn clause_is_client_facing(
    evaluator: &mut crate::index::Evaluator<'_, '_>,
    file: crate::source::FileId,
    term: TermId,
    depth: Depth,
) -> bool {
    let Some(depth) = depth.deeper() else {
        return true;
    };
    let Some(facts) = evaluator.index().facts(file) else {
        return false;
    };
    match facts.terms.get(term) {
        Term::Container(items) | Term::Sequence(items) | Term::Union(items) => items
            .iter()
            .all(|&item| clause_is_client_facing(evaluator, file, item, depth)),
        Term::Global(symbol) => {
            let value = evaluator.eval(file, term);
            if value.is_empty() {
                let name = last_segment(symbol);
                INPUT_ERRORS.contains(&name)
            } else {
                is_client_facing(&value)
            }
        }
        _ => is_client_facing(&evaluator.eval(file, term)),
    }
}

/// Whether a term holds an exception (`e`, `str(e)`, `e.args`) or a traceback call, looking a few
/// levels into it.
fn mentions_exception(terms: &crate::analyze::Terms, term: TermId, budget: u32) -> bool {
    if budget == 0 {
        return false;
    }
    match terms.get(term) {
        Term::Exception(_) => true,
        Term::Global(symbol) => symbol.starts_with("traceback."),
        Term::Attr(inner, _) | Term::Subscript(inner, _) => {
            mentions_exception(terms, *inner, budget - 1)
        }
        Term::Call(call) => {
            mentions_exception(terms, call.callee, budget - 1)
                || call
                    .args
                    .iter()
                    .chain(call.keywords.iter().map(|(_, arg)| arg))
                    .any(|&arg| mentions_exception(terms, arg, budget - 1))
        }
        Term::Container(items)
        | Term::Sequence(items)
        | Term::Union(items)
        | Term::Format(items) => items
            .iter()
            .any(|&item| mentions_exception(terms, item, budget - 1)),
        Term::Keyed(_, inner) | Term::WithoutKey(inner, _) => {
            mentions_exception(terms, *inner, budget - 1)
        }
        _ => false,
    }
}
