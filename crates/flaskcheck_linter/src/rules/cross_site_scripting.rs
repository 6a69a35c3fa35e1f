//! FC602 cross-site-scripting: rules/FC602.md.
//!
//! The file pass records where text becomes HTML without escaping: what views return (Flask sends
//! a `str` as `text/html`), the bodies of `make_response(...)`/`Response(...)` (unless a literal
//! `mimetype`/`content_type` says the body is not HTML, or the function sets one on the response),
//! `Markup(...)`, the values a `render_template_string` template marks `|safe` (or renders under
//! `{% autoescape false %}`), and the values rendered by a Jinja `Template`/`Environment` built
//! without autoescaping in the same file. The project pass reports those the client's text
//! reaches: for a view's return, only when it is a view, and only text (a string built from the
//! data, or one field of it), not a whole JSON body (Flask sends a `dict` as JSON).

use flaskcheck_python::ast::{self as ast, Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange};

use super::config_context::{is_false, string_value};
use super::flow::{self, Check};
use super::taint::{self, argument, Found, Sink, Sinks, Taint};
use super::RuleChecks;
use crate::analyze::facts::Deferred;
use crate::analyze::term::{Term, TermId, Terms};
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::{last_segment, Kind, SafeFor};
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CALL
        .with(NodeKinds::ASSIGN)
        .with(NodeKinds::IF)
        .with(NodeKinds::ASSERT),
    project: Some(project),
};

/// What makes a value safe for this rule's sinks.
const SINK: Sink = Sink {
    safe_for: SafeFor::HTML,
    sanitizer: is_sanitizer,
    checks: &[Check::AllowList],
};

const HELP: &str = "render a template (`render_template(\"page.html\", name=name)` escapes it), escape the text (`markupsafe.escape(name)`), return JSON (`jsonify(...)`), or send it as `text/plain`";

// Notes of the records.
/// A view's `return` (records made in the project pass from the view's facts).
const RETURN: &str = "return";
/// A `make_response(...)`/`Response(...)` body.
const BODY: &str = "body";
/// `Markup(...)`.
const MARKUP: &str = "markup";
/// A value a template renders without escaping (`|safe`, autoescape off).
const UNESCAPED: &str = "unescaped";
/// The function sets a type that is not HTML on its response (`resp.mimetype = "text/plain"`).
const NOT_HTML: &str = "not-html";
/// A Jinja `Template(...)`/`Environment(...)` built without autoescaping (at the record's range).
const NO_AUTOESCAPE: &str = "no-autoescape";

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    match node {
        Node::Stmt(Stmt::Assign(assign)) => {
            // `response.mimetype = "text/plain"`, `response.headers["Content-Type"] = ...`
            let declares = assign.targets.iter().any(|target| match target {
                Expr::Attribute(attr) => {
                    matches!(attr.attr.id.as_str(), "mimetype" | "content_type")
                        && string_value(&assign.value).is_some_and(|t| !is_html_type(t))
                }
                Expr::Subscript(subscript) => {
                    string_value(&subscript.slice)
                        .is_some_and(|key| key.eq_ignore_ascii_case("content-type"))
                        && string_value(&assign.value).is_some_and(|t| !is_html_type(t))
                }
                _ => false,
            });
            if declares && checker.current_function().is_some() {
                checker.defer(Rule::CrossSiteScripting, assign.range, Vec::new(), NOT_HTML);
            }
        }
        Node::Stmt(Stmt::If(_) | Stmt::Assert(_)) => {
            flow::record_guards(checker, Rule::CrossSiteScripting, node);
        }
        Node::Expr(Expr::Call(call)) => self::call(checker, call),
        _ => {}
    }
}

fn call(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let name = match &*call.func {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) => attr.attr.id.as_str(),
        _ => return,
    };
    match name {
        "render" => {
            if let Expr::Attribute(attr) = &*call.func {
                render_without_escaping(checker, call, &attr.value);
            }
            return;
        }
        "Markup"
        | "make_response"
        | "Response"
        | "render_template_string"
        | "Template"
        | "Environment" => {}
        _ => return,
    }
    let Some(symbol) = checker.qualified_name(&call.func) else {
        return;
    };
    match (
        last_segment(&symbol),
        symbol.split('.').next().unwrap_or_default(),
    ) {
        ("Markup", "markupsafe" | "flask" | "jinja2") => {
            if let Some(text) = argument(call, 0, "base") {
                record(checker, text, call.range(), MARKUP);
            }
        }
        ("make_response" | "Response", "flask" | "werkzeug") => {
            let declares = call.arguments.keywords.iter().any(|keyword| {
                keyword
                    .arg
                    .as_ref()
                    .is_some_and(|arg| matches!(arg.as_str(), "mimetype" | "content_type"))
                    && string_value(&keyword.value).is_some_and(|t| !is_html_type(t))
            });
            let headers = call.arguments.args.iter().skip(1).any(declares_other_type);
            if declares || headers {
                return;
            }
            let body = argument(call, 0, "response");
            if let Some(body) = body {
                record(checker, body, call.range(), BODY);
            }
        }
        ("render_template_string", "flask") => unescaped_template_values(checker, call),
        ("Template" | "Environment", "jinja2") => {
            // `autoescape=True`, `autoescape=select_autoescape(...)`; off by default.
            let escapes = call
                .arguments
                .find_keyword("autoescape")
                .is_some_and(|keyword| !is_false(&keyword.value));
            if !escapes {
                checker.defer(
                    Rule::CrossSiteScripting,
                    call.range(),
                    Vec::new(),
                    NO_AUTOESCAPE,
                );
            }
        }
        _ => {}
    }
}

/// `{"Content-Type": "text/plain"}` (a headers dict whose type is not HTML).
fn declares_other_type(expr: &Expr) -> bool {
    let Expr::Dict(dict) = expr else {
        return false;
    };
    dict.items.iter().any(|item| {
        item.key
            .as_ref()
            .and_then(string_value)
            .is_some_and(|key| key.eq_ignore_ascii_case("content-type"))
            && string_value(&item.value).is_some_and(|t| !is_html_type(t))
    })
}

fn is_html_type(content_type: &str) -> bool {
    let lower = content_type.to_ascii_lowercase();
    lower.contains("html") || lower.contains("xml") || lower.contains("svg")
}

fn record(checker: &mut Checker<'_>, value: &Expr, range: TextRange, note: &str) {
    let term = checker.term(value);
    if term.is_interesting() {
        checker.defer(Rule::CrossSiteScripting, range, vec![term], note);
    }
}

/// `render_template_string("... {{ name|safe }} ...", name=...)`: the values the template marks
/// safe, or all of them under `{% autoescape false %}`.
fn unescaped_template_values(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let Some(template) = argument(call, 0, "source").and_then(string_value) else {
        return;
    };
    let all = template.contains("autoescape false");
    let safe = names_marked_safe(template);
    for keyword in &call.arguments.keywords {
        let Some(name) = &keyword.arg else { continue };
        if all || safe.iter().any(|safe| *safe == name.as_str()) {
            record(checker, &keyword.value, call.range(), UNESCAPED);
        }
    }
}

/// The names a Jinja template shows with the `safe` filter: `name` of `{{ name|safe }}` and
/// `{{ name | e | safe }}`.
fn names_marked_safe(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let inside = &after[..close];
        let mut parts = inside.split('|');
        let value = parts.next().unwrap_or_default().trim();
        if parts.any(|filter| filter.trim().trim_end_matches("()") == "safe") {
            let name = value
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default();
            if !name.is_empty() {
                out.push(name);
            }
        }
        rest = &after[close + 2..];
    }
    out
}

/// `template.render(name=...)` where the template comes from a Jinja `Template(...)` or an
/// `Environment(...)` of this file built without autoescaping: every value rendered.
fn render_without_escaping(checker: &mut Checker<'_>, call: &ast::ExprCall, receiver: &Expr) {
    if call.arguments.is_empty() {
        return;
    }
    let receiver = checker.term(receiver);
    let Some(built) = jinja_construction(checker.terms(), checker, receiver) else {
        return;
    };
    let escaping = checker.facts.deferred.iter().any(|record| {
        record.rule == Rule::CrossSiteScripting
            && &*record.note == NO_AUTOESCAPE
            && record.range == built
    });
    if !escaping {
        return;
    }
    let mut values: Vec<&Expr> = call.arguments.args.iter().collect();
    values.extend(call.arguments.keywords.iter().map(|keyword| &keyword.value));
    for value in values {
        record(checker, value, call.range(), UNESCAPED);
    }
}

/// Where the Jinja `Template(...)` or `Environment(...)` a template comes from was built (the
/// call's range): `Template(...)`, `env.from_string(...)`, `env.get_template(...)`, through
/// local names and module-level names of this file.
fn jinja_construction(terms: &Terms, checker: &Checker<'_>, term: TermId) -> Option<TextRange> {
    let mut term = term;
    for _ in 0..6 {
        let global = match terms.get(term) {
            Term::Call(call) => match terms.get(call.callee) {
                Term::Attr(env, method)
                    if matches!(method.as_str(), "from_string" | "get_template") =>
                {
                    term = *env;
                    continue;
                }
                Term::Global(symbol) if is_jinja_class(symbol) => return Some(call.range),
                // `env.from_string` with `env` a module-level name: one dotted symbol.
                Term::Global(symbol) => symbol
                    .strip_suffix(".from_string")
                    .or_else(|| symbol.strip_suffix(".get_template"))?,
                _ => return None,
            },
            Term::Global(symbol) => symbol,
            _ => return None,
        };
        term = checker.module_binding(global)?;
    }
    None
}

fn is_jinja_class(symbol: &str) -> bool {
    symbol.starts_with("jinja2.") && matches!(last_segment(symbol), "Template" | "Environment")
}

fn is_sanitizer(name: &str) -> bool {
    taint::is_value_call(name) || matches!(name, "escape" | "clean" | "jsonify")
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let sinks = Sinks::of(ctx, SINK.checks);
    let records = ctx.deferred();
    // Functions that set a type that is not HTML on their response, and such `return`s.
    let not_html: Vec<Option<u32>> = records
        .iter()
        .filter(|record| &*record.note == NOT_HTML)
        .map(|record| record.function)
        .collect();
    let returns = view_returns(ctx);
    let mut sites: Vec<&Deferred> = sinks.sites();
    sites.extend(returns.iter());
    for record in sites {
        let note = &*record.note;
        if matches!(note, NOT_HTML | NO_AUTOESCAPE) {
            continue;
        }
        let typed = not_html.contains(&record.function)
            || (note == RETURN && returns_other_type(ctx.file.text(), record.range));
        if matches!(note, RETURN | BODY) && typed {
            continue;
        }
        let view = record
            .function
            .map(|local| ctx.index.function_id(ctx.file_id(), local));
        let Some(found) = sinks.reached(ctx, record, &SINK, false) else {
            continue;
        };
        if matches!(note, RETURN | BODY) && !is_text(ctx, record, &found) {
            continue;
        }
        let source = taint::source_text(&found.taint);
        let message = match note {
            RETURN => {
                let name = view.map_or("?", |id| ctx.index.function(id).name.as_str());
                format!("{source} is in the HTML `{name}()` returns (Flask sends a `str` as `text/html`) without escaping: cross-site scripting")
            }
            BODY => format!("{source} is in an HTML response body without escaping: cross-site scripting"),
            MARKUP => format!("{source} is marked safe HTML by `Markup()`, so templates do not escape it: cross-site scripting"),
            _ => format!("{source} is rendered into HTML by a template that does not escape it (`|safe` or autoescaping off): cross-site scripting"),
        };
        taint::report_sink(ctx, record, &found, message, HELP);
    }
}

/// `return text, 200, {"Content-Type": "text/plain"}`: a returned tuple whose headers give a type
/// that is not HTML (read from the return's text: its values are in the facts, not its literals).
fn returns_other_type(source: &str, range: TextRange) -> bool {
    let Some(text) = source.get(range.start().to_usize()..range.end().to_usize()) else {
        return false;
    };
    let lower = text.to_ascii_lowercase();
    let Some(at) = lower.find("content-type") else {
        return false;
    };
    let value = lower[at + "content-type".len()..]
        .trim_start_matches(['"', '\'', ' ', ':'])
        .split(['"', '\''])
        .next()
        .unwrap_or_default();
    !value.is_empty() && !is_html_type(value)
}

/// What the views of this file return, as records of their bodies (the first item of a returned
/// tuple): a view sends a `str` as HTML. Not Flask-RESTful resources (their return is JSON) nor
/// views whose return a decorator serializes.
fn view_returns(ctx: &ProjectContext<'_, '_, '_>) -> Vec<Deferred> {
    let facts = &ctx.analysis.facts;
    let mut out = Vec::new();
    for (local, function) in facts.functions.iter().enumerate() {
        let view = ctx
            .index
            .view(ctx.index.function_id(ctx.file_id(), local as u32));
        if !(view.is_route || view.is_error_handler)
            || view.is_resource_method
            || view.serialized_by_decorator
        {
            continue;
        }
        for site in &function.returns {
            let body = match facts.terms.get(site.value) {
                Term::Sequence(items) => items.first().copied().unwrap_or(TermId::UNKNOWN),
                _ => site.value,
            };
            if body.is_interesting() {
                out.push(Deferred {
                    rule: Rule::CrossSiteScripting,
                    range: site.range,
                    terms: vec![body],
                    note: RETURN.into(),
                    function: Some(local as u32),
                });
            }
        }
    }
    out
}

/// Whether what reaches a response body is text (a `str` Flask sends as HTML) rather than a whole
/// JSON body or form (a `dict` Flask sends as JSON): a string built from it, one field of it, or
/// text computed from it.
fn is_text(ctx: &mut ProjectContext<'_, '_, '_>, record: &Deferred, found: &Found) -> bool {
    let Some(&body) = record.terms.first() else {
        return false;
    };
    let terms = &ctx.analysis.facts.terms;
    // A dict or list literal is sent as JSON.
    if matches!(
        terms.get(body),
        Term::Container(_) | Term::Keyed(..) | Term::Collect(_)
    ) {
        return false;
    }
    if is_built_string(terms, body, 6) {
        return true;
    }
    match &found.taint {
        Taint::RouteParam(_) => true,
        Taint::Request(what) => {
            let what = what.trim_matches('`');
            let value = ctx.evaluator.eval(ctx.file_id(), body);
            value
                .iter()
                .any(|fact| matches!(fact.kind, Kind::FromRequest(..)))
                || what.ends_with(']')
                || what.ends_with("(…)")
                || matches!(
                    what,
                    "request.data"
                        | "request.get_data()"
                        | "request.path"
                        | "request.full_path"
                        | "request.url"
                        | "request.base_url"
                        | "request.host"
                        | "request.referrer"
                        | "request.query_string"
                )
        }
        _ => false,
    }
}

/// A string built from parts (an f-string, `%`, `.format()`, `+`), possibly one of several.
fn is_built_string(terms: &Terms, term: TermId, depth: u32) -> bool {
    if depth == 0 {
        return false;
    }
    match terms.get(term) {
        Term::Format(_) => true,
        Term::Union(items) => items
            .iter()
            .any(|&item| is_built_string(terms, item, depth - 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_filters() {
        assert_eq!(
            names_marked_safe("<p>{{ name|safe }}</p><p>{{ bio | e | safe }}</p>{{ other }}"),
            vec!["name", "bio"]
        );
        assert_eq!(names_marked_safe("{{ user.name|safe() }}"), vec!["user"]);
        assert!(names_marked_safe("{{ name|safeguard }}").is_empty());
    }
}

#[cfg(test)]
mod return_type_tests {
    use super::*;

    #[test]
    fn content_types_of_returned_tuples() {
        let source = r#"f"card: {title}", 200, {"Content-Type": "text/plain; charset=utf-8"}"#;
        let range = TextRange::up_to(flaskcheck_python::TextSize::of(source));
        assert!(returns_other_type(source, range));
        let html = r#"body, 200, {"content-type": "text/html"}"#;
        assert!(!returns_other_type(
            html,
            TextRange::up_to(flaskcheck_python::TextSize::of(html))
        ));
        let plain = r#"f"<b>{x}</b>""#;
        assert!(!returns_other_type(
            plain,
            TextRange::up_to(flaskcheck_python::TextSize::of(plain))
        ));
    }
}
