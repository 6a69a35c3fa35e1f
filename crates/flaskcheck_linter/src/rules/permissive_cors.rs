//! FC508 permissive-cors: rules/FC508.md.
//!
//! Flask-CORS calls and decorators that allow credentials from any origin are reported in the
//! file pass, from their literal arguments (`origins` defaults to `*`, which Flask-CORS answers
//! with the caller's own origin when credentials are allowed). A hand-written
//! `Access-Control-Allow-Origin` header is recorded with its value, and the functions that also
//! send `Access-Control-Allow-Credentials: true`; the project pass reports the header when the
//! request's data (its `Origin`) is echoed into it.

use flaskcheck_python::ast::{self as ast, Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange};

use super::config_context::{is_test_path, is_true, string_value};
use super::flow::{self, Check};
use super::taint::{self, Sink, Sinks};
use super::RuleChecks;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::{last_segment, SafeFor};
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
    safe_for: SafeFor::NONE,
    sanitizer: taint::is_value_call,
    checks: &[Check::AllowList],
};

const HELP: &str = "list the origins that may send credentials (`CORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)`), or do not allow credentials";

// Notes of the records.
/// An `Access-Control-Allow-Origin` header set to a value (terms: the value).
const ALLOW_ORIGIN: &str = "allow-origin";
/// The function sends `Access-Control-Allow-Credentials: true`.
const CREDENTIALS: &str = "credentials";

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    match node {
        Node::Expr(Expr::Call(call)) => {
            let name = match &*call.func {
                Expr::Name(name) => name.id.as_str(),
                Expr::Attribute(attr) => attr.attr.id.as_str(),
                _ => return,
            };
            match name {
                "CORS" | "cross_origin" => flask_cors(checker, call),
                // `response.headers.add("Access-Control-Allow-Origin", origin)`
                "add" | "set" | "setdefault" => {
                    if let [key, value, ..] = &*call.arguments.args {
                        header(checker, key, value, call.range());
                    }
                }
                _ => {}
            }
        }
        // `response.headers["Access-Control-Allow-Origin"] = origin`
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                if let Expr::Subscript(subscript) = target {
                    let range = target.range().cover(assign.value.range());
                    header(checker, &subscript.slice, &assign.value, range);
                }
            }
        }
        // `if origin in ALLOWED_ORIGINS:`
        Node::Stmt(Stmt::If(_) | Stmt::Assert(_)) => {
            flow::record_guards(checker, Rule::PermissiveCors, node);
        }
        _ => {}
    }
}

/// `CORS(app, supports_credentials=True)` and `@cross_origin(supports_credentials=True)` with
/// any origin: the default, `"*"`, or a pattern that matches everything; also per resource
/// (`resources={r"/api/*": {"origins": "*", "supports_credentials": True}}`).
fn flask_cors(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let Some(symbol) = checker.qualified_name(&call.func) else {
        return;
    };
    if !symbol.starts_with("flask_cors") || is_test_path(&checker.file.path) {
        return;
    }
    let keyword = |name: &str| call.arguments.find_keyword(name).map(|k| &k.value);
    let credentials = keyword("supports_credentials").is_some_and(is_true);
    let origins = keyword("origins");
    let mut permissive = credentials && origins.is_none_or(is_any_origin);
    if let Some(Expr::Dict(resources)) = keyword("resources") {
        for item in &resources.items {
            let Expr::Dict(options) = &item.value else {
                continue;
            };
            let option = |name: &str| {
                options.items.iter().find_map(|item| {
                    (item.key.as_ref().and_then(string_value) == Some(name)).then_some(&item.value)
                })
            };
            let resource_credentials = option("supports_credentials").map_or(credentials, is_true);
            let resource_origins = option("origins").or(origins);
            permissive |= resource_credentials && resource_origins.is_none_or(is_any_origin);
        }
    }
    if !permissive {
        return;
    }
    let what = if last_segment(&symbol) == "cross_origin" {
        "`@cross_origin`"
    } else {
        "Flask-CORS"
    };
    let diagnostic = checker.report(
        Rule::PermissiveCors,
        call.range(),
        format!("{what} allows credentials from any origin (it answers with the caller's own origin): any site can read responses sent with the user's cookies"),
    );
    diagnostic.help = Some(HELP.into());
}

/// `"*"`, `[".*"]`, `r".*"`, `"^.*$"`: every origin.
fn is_any_origin(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(literal) => {
            let pattern = literal
                .value
                .to_str()
                .trim_start_matches('^')
                .trim_end_matches('$');
            matches!(pattern, "*" | ".*" | ".+" | "(.*)")
        }
        Expr::List(list) => list.elts.iter().any(is_any_origin),
        Expr::Tuple(tuple) => tuple.elts.iter().any(is_any_origin),
        _ => false,
    }
}

/// A header set by hand: `Access-Control-Allow-Origin` to a value, or credentials allowed.
fn header(checker: &mut Checker<'_>, key: &Expr, value: &Expr, range: TextRange) {
    let Some(key) = string_value(key) else { return };
    if checker.current_function().is_none() || !key.starts_with(['A', 'a']) {
        return;
    }
    if key.eq_ignore_ascii_case("access-control-allow-origin") {
        let term = checker.term(value);
        if term.is_interesting() {
            checker.defer(Rule::PermissiveCors, range, vec![term], ALLOW_ORIGIN);
        }
    } else if key.eq_ignore_ascii_case("access-control-allow-credentials")
        && (is_true(value) || string_value(value).is_some_and(|v| v.eq_ignore_ascii_case("true")))
    {
        checker.defer(Rule::PermissiveCors, range, Vec::new(), CREDENTIALS);
    }
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let sinks = Sinks::of(ctx, SINK.checks);
    let sites = sinks.sites();
    let credentials: Vec<Option<u32>> = sites
        .iter()
        .filter(|record| &*record.note == CREDENTIALS)
        .map(|record| record.function)
        .collect();
    for record in sites {
        if &*record.note != ALLOW_ORIGIN || !credentials.contains(&record.function) {
            continue;
        }
        let Some(found) = sinks.reached(ctx, record, &SINK, false) else {
            continue;
        };
        let message = format!(
            "{} is echoed into `Access-Control-Allow-Origin` of a response that allows credentials: any site can read responses sent with the user's cookies",
            taint::source_text(&found.taint)
        );
        taint::report_sink(ctx, record, &found, message, HELP);
    }
}
