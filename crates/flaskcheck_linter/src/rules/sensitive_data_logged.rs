//! FC502 sensitive-data-logged: rules/FC502.md.
//!
//! The file pass finds log calls (`logger.info(...)`, `logging.warning(...)`,
//! `current_app.logger.error(...)`, `print(...)`) and the values they format. A value named like a
//! secret (`password`, `user.api_key`, `request.form["password"]`) is reported there; the others
//! are left for the project pass, which knows whether a value is a whole model, its `__dict__`, a
//! whole request body or a whole MongoDB document.

use flaskcheck_python::ast::{self as ast, Expr, FStringPart, Operator};
use flaskcheck_python::Ranged;

use super::sensitive::{is_ambiguous, is_sensitive, self_attribute};
use super::RuleChecks;
use crate::analyze::term::TermId;
use crate::analyze::{Checker, Depth, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::{ClassId, Fact, Kind, ProjectIndex};
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CALL,
    project: Some(project),
};

/// Methods of a `logging.Logger` (and of the `logging` module) that write a record.
const LOG_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];

/// Keywords of log calls and `print` that are options, not values.
const OPTION_KEYWORDS: &[&str] = &[
    "exc_info",
    "stack_info",
    "stacklevel",
    "sep",
    "end",
    "file",
    "flush",
];

/// Deferred note prefix of a value named like a secret: `named:<sink>:<name>`.
const NAMED: &str = "named:";

/// Request attributes that hold the whole body (or every header or cookie).
const WHOLE_REQUEST: &[&str] = &[
    "request.json",
    "request.get_json()",
    "request.form",
    "request.data",
    "request.get_data()",
    "request.values",
    "request.headers",
    "request.cookies",
];

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Node::Expr(Expr::Call(call)) = node else {
        return;
    };
    let Some(sink) = log_sink(checker, call) else {
        return;
    };
    let mut values = Vec::new();
    for (position, arg) in call.arguments.args.iter().enumerate() {
        // `logger.log(level, msg, ...)`: the level is not logged.
        if position == 0 && sink == "log" {
            continue;
        }
        collect_values(arg, &mut values, Depth::MAX);
    }
    for keyword in &call.arguments.keywords {
        match &keyword.arg {
            Some(name) if OPTION_KEYWORDS.contains(&name.as_str()) => {}
            Some(name) if name.as_str() == "extra" => match &keyword.value {
                Expr::Dict(dict) => dict
                    .items
                    .iter()
                    .for_each(|item| collect_values(&item.value, &mut values, Depth::MAX)),
                other => collect_values(other, &mut values, Depth::MAX),
            },
            _ => collect_values(&keyword.value, &mut values, Depth::MAX),
        }
    }
    if values.is_empty() {
        return;
    }
    // A value named like a secret: decided in the project pass, which knows whether the name
    // holds an object (an `HmacOtp` generator logs as its representation, not as a secret).
    for value in &values {
        if let Some(name) = secret_name(value, Depth::MAX) {
            let note = format!("{NAMED}{sink}:{name}");
            let term = checker.term(value);
            checker.defer(Rule::SensitiveDataLogged, call.range(), vec![term], note);
            return;
        }
    }
    let terms: Vec<TermId> = values
        .iter()
        .map(|value| checker.term(value))
        .filter(|term| term.is_interesting())
        .collect();
    if !terms.is_empty() {
        checker.defer(Rule::SensitiveDataLogged, call.range(), terms, sink);
    }
}

fn describe_sink(sink: &str) -> String {
    match sink {
        "print" => "`print()`".to_string(),
        method => format!("a log call (`{method}()`)"),
    }
}

/// The logging method (or `print`) a call is, if it writes a log record.
fn log_sink(checker: &mut Checker<'_>, call: &ast::ExprCall) -> Option<&'static str> {
    match &*call.func {
        Expr::Name(name) => {
            if name.id.as_str() != "print" {
                return None;
            }
            (checker.qualified_name(&call.func).as_deref() == Some("builtins.print"))
                .then_some("print")
        }
        Expr::Attribute(attr) => {
            let name = attr.attr.id.as_str();
            if !matches!(
                name.as_bytes().first(),
                Some(b'd' | b'i' | b'w' | b'e' | b'c' | b'f' | b'l')
            ) {
                return None;
            }
            let method = LOG_METHODS.iter().copied().find(|m| *m == name)?;
            is_logger(&attr.value).then_some(method)
        }
        _ => None,
    }
}

/// `logger`, `log`, `_LOGGER`, `logging`, `self.logger`, `current_app.logger`,
/// `logging.getLogger(__name__)`.
fn is_logger(expr: &Expr) -> bool {
    let name = match expr {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) => attr.attr.id.as_str(),
        Expr::Call(call) => {
            return matches!(
                &*call.func,
                Expr::Name(ast::ExprName { id, .. }) if matches!(id.as_str(), "getLogger" | "get_logger")
            ) || matches!(
                &*call.func,
                Expr::Attribute(attr) if matches!(attr.attr.id.as_str(), "getLogger" | "get_logger")
            );
        }
        _ => return false,
    };
    let lower = name.to_ascii_lowercase();
    lower == "log" || lower == "logging" || lower.ends_with("logger") || lower.ends_with("_log")
}

/// The values a log argument formats: an f-string's interpolations, the operands of `%`, the
/// arguments of `.format()`, or the argument itself.
fn collect_values<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>, depth: Depth) {
    let Some(depth) = depth.deeper() else {
        return;
    };
    match expr {
        _ if expr.is_literal_expr() => {}
        Expr::FString(fstring) => {
            for part in fstring.value.iter() {
                if let FStringPart::FString(f) = part {
                    for element in f.elements.interpolations() {
                        collect_values(&element.expression, out, depth);
                    }
                }
            }
        }
        Expr::BinOp(binop)
            if matches!(binop.op, Operator::Mod)
                && matches!(&*binop.left, Expr::StringLiteral(_)) =>
        {
            match &*binop.right {
                Expr::Tuple(tuple) => tuple
                    .elts
                    .iter()
                    .for_each(|e| collect_values(e, out, depth)),
                Expr::Dict(dict) => dict
                    .items
                    .iter()
                    .for_each(|item| collect_values(&item.value, out, depth)),
                other => collect_values(other, out, depth),
            }
        }
        Expr::BinOp(binop) if matches!(binop.op, Operator::Add) => {
            collect_values(&binop.left, out, depth);
            collect_values(&binop.right, out, depth);
        }
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attr)
                if attr.attr.id.as_str() == "format"
                    && matches!(&*attr.value, Expr::StringLiteral(_)) =>
            {
                call.arguments
                    .args
                    .iter()
                    .for_each(|arg| collect_values(arg, out, depth));
                call.arguments
                    .keywords
                    .iter()
                    .for_each(|k| collect_values(&k.value, out, depth));
            }
            _ => out.push(expr),
        },
        _ => out.push(expr),
    }
}

/// The name under which a logged value is known, when it is named like a secret: `password`,
/// `user.api_key`, `form.password.data`, `request.form["password"]`, `data.get("token")`,
/// `str(token)`.
fn secret_name(expr: &Expr, depth: Depth) -> Option<&str> {
    let depth = depth.deeper()?;
    let name = match expr {
        // A variable or attribute called just `token` is as often a lexer's token or a model row
        // (whose representation is harmless) as a credential; a request field of that name is not.
        Expr::Name(name) if is_ambiguous(&name.id) => return None,
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) => match (&*attr.value, attr.attr.id.as_str()) {
            // WTForms: `form.password.data`.
            (Expr::Attribute(field), "data") => field.attr.id.as_str(),
            (_, name) if is_ambiguous(name) => return None,
            (_, name) => name,
        },
        Expr::Subscript(subscript) => match &*subscript.slice {
            Expr::StringLiteral(key) => key.value.to_str(),
            _ => return None,
        },
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attr) if matches!(attr.attr.id.as_str(), "get" | "getlist" | "pop") => {
                match call.arguments.args.first() {
                    Some(Expr::StringLiteral(key)) => key.value.to_str(),
                    _ => return None,
                }
            }
            Expr::Name(name) if matches!(name.id.as_str(), "str" | "repr") => {
                return secret_name(call.arguments.args.first()?, depth);
            }
            _ => return None,
        },
        _ => return None,
    };
    is_sensitive(name).then_some(name)
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let analysis = ctx.analysis;
    for record in &analysis.facts.deferred {
        if record.rule != Rule::SensitiveDataLogged {
            continue;
        }
        if let Some(named) = record.note.strip_prefix(NAMED) {
            let Some((sink, name)) = named.split_once(':') else {
                continue;
            };
            if let Some(&term) = record.terms.first() {
                if holds_harmless_object(ctx, term) {
                    continue;
                }
            }
            ctx.report(
                record.range,
                format!("`{name}` is written to the log by {}", describe_sink(sink)),
            )
            .help = Some(
                "log that the event happened, not the secret: drop the value or mask it".into(),
            );
            continue;
        }
        let mut found: Option<(String, Option<&Fact>)> = None;
        let mut values = Vec::new();
        for &term in &record.terms {
            values.push(ctx.evaluator.eval(ctx.file_id(), term));
        }
        'values: for value in &values {
            for fact in value.iter() {
                if let Some(what) = describe(ctx.index, ctx.evaluator, fact) {
                    found = Some((what, Some(fact)));
                    break 'values;
                }
            }
        }
        let Some((what, fact)) = found else { continue };
        let related = fact.and_then(|fact| fact.origin).map(|origin| {
            let message = "the value comes from here";
            ctx.related(origin, message)
        });
        let message = format!(
            "{what} is written to the log by {}",
            describe_sink(&record.note)
        );
        let diagnostic = ctx.report(record.range, message);
        diagnostic.help = Some(
            "log identifiers (`user.id`, the request path), not whole objects or bodies".into(),
        );
        diagnostic.related.extend(related);
    }
}

/// Whether a value named like a secret is in fact an instance of a project class whose
/// representation shows no secret (a token model row, an OTP generator).
fn holds_harmless_object(ctx: &mut ProjectContext<'_, '_, '_>, term: TermId) -> bool {
    let value = ctx.evaluator.eval(ctx.file_id(), term);
    let mut objects = value.iter().filter_map(|fact| match fact.kind {
        Kind::Instance(class) => Some(class),
        _ => None,
    });
    let Some(class) = objects.next() else {
        return false;
    };
    leaky_repr(ctx.index, ctx.evaluator, class).is_none()
}

/// What a logged value is, when it is sensitive.
fn describe(
    index: &ProjectIndex<'_>,
    evaluator: &mut crate::index::Evaluator<'_, '_>,
    fact: &Fact,
) -> Option<String> {
    match &fact.kind {
        Kind::RequestData(source) => {
            let source = source.as_ref();
            if is_whole_request(source) {
                return Some(format!("the whole request body (`{source}`)"));
            }
            let key = last_key(source)?;
            is_sensitive(key).then(|| format!("`{source}`"))
        }
        Kind::AttrDict(class) | Kind::AttrDicts(class) if index.is_model(*class) => Some(format!(
            "every attribute of a `{}` instance (`vars()`/`__dict__`)",
            index.class(*class).name
        )),
        Kind::Instance(class) | Kind::Collection(class) if index.is_model(*class) => {
            let column = leaky_repr(index, evaluator, *class)?;
            Some(format!(
                "a whole `{}` instance, whose `__repr__`/`__str__` shows `{column}`,",
                index.class(*class).name
            ))
        }
        Kind::MongoDocument { projected: false } | Kind::MongoDocuments { projected: false } => {
            Some("a whole MongoDB document".to_string())
        }
        _ => None,
    }
}

/// `request.json`, also inside `str(...)` or `json.loads(...)`.
fn is_whole_request(source: &str) -> bool {
    let mut source = source;
    while let Some(inner) = ["str(", "repr(", "json.loads("]
        .iter()
        .find_map(|prefix| source.strip_prefix(prefix))
        .and_then(|rest| rest.strip_suffix(')'))
    {
        source = inner;
    }
    WHOLE_REQUEST.contains(&source)
}

/// The last literal key of a request-data source: `password` in `request.form["password"]`.
fn last_key(source: &str) -> Option<&str> {
    let start = source.rfind("[\"")? + 2;
    let end = source[start..].find("\"]")? + start;
    Some(&source[start..end])
}

/// The sensitive column a model's own `__repr__` or `__str__` shows, or `*` when it shows every
/// attribute (`self.__dict__`). A model without one logs as `<User 1>`, which is harmless.
fn leaky_repr(
    index: &ProjectIndex<'_>,
    evaluator: &mut crate::index::Evaluator<'_, '_>,
    class: ClassId,
) -> Option<String> {
    for method in ["__repr__", "__str__"] {
        let Some(function) = index.method(class, method) else {
            continue;
        };
        let file = index.function_file(function);
        let facts = index.facts(file)?;
        for site in &index.function(function).returns {
            let model = index.is_model(class);
            if let Some(name) = self_attribute(&facts.terms, site.value, 6, &|name| {
                is_sensitive(name)
                    && (!model
                        || index
                            .columns(class)
                            .any(|(_, column)| column.name.as_str() == name))
            }) {
                return Some(name);
            }
            let value = evaluator.eval(file, site.value);
            if value.contains(|kind| matches!(kind, Kind::AttrDict(_))) {
                return Some("every attribute".to_string());
            }
        }
    }
    None
}
