//! FC605 server-side-request-forgery: rules/FC605.md.
//!
//! The file pass records the URL (or host) of outgoing requests (`requests`, `httpx`,
//! `urllib.request`, `urllib3`, `aiohttp`, `http.client`, and the sessions and clients of those
//! libraries), with how the URL starts: a literal with a scheme and a host followed by `/`, `?` or
//! `#` (`f"https://api.example.com/users/{name}"`) fixes the host; a URL that starts with another
//! value (`f"{API_BASE}/users/{name}"`) has that value as its base. The project pass reports URLs
//! the client's data reaches: high when it can choose the host, low when only the path or query
//! after a base it does not choose.

use flaskcheck_python::ast::Expr;
use flaskcheck_python::Ranged;

use super::flow::{self, Check};
use super::taint::{self, argument, Found, Sink, Sinks};
use super::RuleChecks;
use crate::analyze::facts::Deferred;
use crate::analyze::term::Term;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::index::{last_segment, SafeFor};
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CALL.with(NodeKinds::IF).with(NodeKinds::ASSERT),
    project: Some(project),
};

/// What makes a value safe for this rule's sinks.
const SINK: Sink = Sink {
    safe_for: SafeFor::NONE,
    sanitizer: taint::is_value_call,
    checks: &[Check::AllowList, Check::Url],
};

const HELP: &str = "do not let the client choose where the server connects: build the URL from a fixed base (`f\"https://api.example.com/items/{quote(item_id)}\"`) or check the host against an allow-list before the request";

/// The position and name of the URL argument of an outgoing-request function or method.
fn url_argument(name: &str) -> Option<(usize, &'static str)> {
    Some(match name {
        "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "urlopen"
        | "Request" => (0, "url"),
        "request" | "stream" => (1, "url"),
        "HTTPConnection" | "HTTPSConnection" => (0, "host"),
        _ => return None,
    })
}

/// Libraries whose functions (`requests.get`) and objects (`requests.Session().get`) send
/// requests.
fn is_http_library(symbol: &str) -> bool {
    let package = symbol.split('.').next().unwrap_or(symbol);
    matches!(package, "requests" | "httpx" | "urllib3" | "aiohttp")
        || symbol.starts_with("urllib.request.")
        || symbol.starts_with("http.client.")
}

/// Classes whose instances send requests: sessions, clients, pools.
fn is_client_class(symbol: &str) -> bool {
    is_http_library(symbol)
        && matches!(
            last_segment(symbol),
            "Session" | "Client" | "AsyncClient" | "PoolManager" | "ProxyManager" | "ClientSession"
        )
}

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Some(call) = flow::call_or_record_guards(checker, Rule::ServerSideRequestForgery, node)
    else {
        return;
    };
    let name = match &*call.func {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) => attr.attr.id.as_str(),
        _ => return,
    };
    let Some((position, keyword)) = url_argument(name) else {
        return;
    };
    // `requests.get`, `urllib.request.urlopen`: a function of a module; `session.get`: a method
    // of a client held by a name. Anything else (`request.args.get`, `self.cache.get`) is not
    // resolved at all.
    if let Expr::Attribute(attr) = &*call.func {
        let Some(root) = taint::dotted_root(&attr.value) else {
            return;
        };
        let held_by_name = matches!(&*attr.value, Expr::Name(_));
        let library_root = matches!(
            root,
            "requests" | "httpx" | "urllib3" | "aiohttp" | "urllib" | "http"
        );
        if !held_by_name && !library_root {
            return;
        }
    }
    let callee = checker.term(&call.func);
    let sink = match checker.terms().get(callee) {
        Term::Global(symbol) if is_http_library(symbol) => format!("`{symbol}()`"),
        Term::Global(_) => return,
        // A method of a session or client: `session.get(url)`.
        _ => {
            let Expr::Attribute(attr) = &*call.func else {
                return;
            };
            let receiver = checker.term(&attr.value);
            match taint::constructor(checker, receiver) {
                Some(class) if is_client_class(&class) => {
                    format!("`{name}()` of a `{}`", last_segment(&class))
                }
                _ => return,
            }
        }
    };
    let Some(url) = argument(call, position, keyword) else {
        return;
    };
    let term = checker.term(url);
    if !term.is_interesting() {
        return;
    }
    checker.defer(
        Rule::ServerSideRequestForgery,
        call.range(),
        vec![term],
        sink,
    );
    taint::record_url_starts(checker, Rule::ServerSideRequestForgery, call.range(), term);
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let sinks = Sinks::of(ctx, SINK.checks);
    for record in sinks.sites() {
        let reached = match sinks.reached(ctx, record, &SINK, true) {
            Some(found) => Some((found, false)),
            None => sinks
                .reached(ctx, record, &SINK, false)
                .map(|found| (found, true)),
        };
        if let Some((found, path_only)) = reached {
            report(ctx, record, &found, path_only);
        }
    }
}

fn report(ctx: &mut ProjectContext<'_, '_, '_>, record: &Deferred, found: &Found, path_only: bool) {
    let sink = &record.note;
    let source = taint::source_text(&found.taint);
    let message = if path_only {
        format!("{source} is in the path or query of the URL {sink} requests, after a base the client does not choose (low: check what the path may reach)")
    } else {
        format!("{source} is in the URL {sink} requests: the client chooses where the server connects (server-side request forgery)")
    };
    let diagnostic = taint::report_sink(ctx, record, found, message, HELP);
    if path_only {
        diagnostic.severity = Severity::Low;
    }
}
