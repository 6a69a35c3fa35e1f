//! FC603 open-redirect: rules/FC603.md.
//!
//! The file pass records the target of `redirect(...)` and of a `Location` header set by hand,
//! and the checks each function makes of a redirect target (an allow-list, a predicate named for
//! a safe URL, a test of its parsed host, `startswith("/")` with a `"//"` test); the project pass
//! reports targets the client's data reaches unchecked. A URL the request carries about itself
//! (its own URL, host, path, or the `Referer` header) is reported with low severity: a client
//! cannot make another user's browser send it with an address of its choosing.

use flaskcheck_python::ast::{Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange};

use super::config_context::string_value;
use super::flow::{self, Check};
use super::taint::{self, argument, Sink, Taint};
use super::RuleChecks;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::index::SafeFor;
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
    safe_for: SafeFor::URL,
    sanitizer: is_sanitizer,
    checks: &[Check::AllowList, Check::Url],
};

const HELP: &str = "redirect to `url_for(...)`, or check the target first: accept only a relative path (`target.startswith(\"/\") and not target.startswith(\"//\")`) or a host of your own (`urlparse(target).netloc in ALLOWED_HOSTS`)";

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    match node {
        Node::Expr(Expr::Call(call)) => {
            let Some(symbol) = taint::called(
                checker,
                call,
                |name| name == "redirect",
                &["flask", "werkzeug", "quart"],
            ) else {
                return;
            };
            if !matches!(
                &*symbol,
                "flask.redirect"
                    | "flask.helpers.redirect"
                    | "werkzeug.redirect"
                    | "werkzeug.utils.redirect"
                    | "quart.redirect"
            ) {
                return;
            }
            if let Some(target) = argument(call, 0, "location") {
                record(checker, target, call.range(), "`redirect()`");
            }
        }
        // `response.headers["Location"] = target`
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                if let Expr::Subscript(subscript) = target {
                    let is_headers = matches!(&*subscript.value, Expr::Attribute(attr) if attr.attr.id.as_str() == "headers");
                    let is_location = string_value(&subscript.slice)
                        .is_some_and(|key| key.eq_ignore_ascii_case("location"));
                    if is_headers && is_location {
                        let range = target.range().cover(assign.value.range());
                        record(checker, &assign.value, range, "the `Location` header");
                    }
                }
            }
        }
        Node::Stmt(Stmt::If(_) | Stmt::Assert(_)) => {
            flow::record_guards(checker, Rule::OpenRedirect, node)
        }
        _ => {}
    }
}

fn record(checker: &mut Checker<'_>, target: &Expr, range: TextRange, sink: &str) {
    let term = checker.term(target);
    if term.is_interesting() {
        checker.defer(Rule::OpenRedirect, range, vec![term], sink);
        // `f"/app/{page}?{query}"`: a path of the site, whatever the client adds.
        taint::record_url_starts(checker, Rule::OpenRedirect, range, term);
    }
}

fn is_sanitizer(name: &str) -> bool {
    taint::is_value_call(name) || name == "url_for"
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    for (record, found) in taint::sinks_reached(ctx, &SINK) {
        let own_url = matches!(&found.taint, Taint::Request(what) if is_own_url(what));
        let mut message = format!(
            "{} is the target of {}: an open redirect",
            taint::source_text(&found.taint),
            record.note
        );
        if own_url {
            message.push_str(" (low: the request's own URL or `Referer`, which a client cannot set in another user's browser)");
        }
        let diagnostic = taint::report_sink(ctx, record, &found, message, HELP);
        if own_url {
            diagnostic.severity = Severity::Low;
        }
    }
}

/// What the request says about its own address, or where the browser came from: `request.url`,
/// `request.host`, `request.path`, `request.referrer`.
fn is_own_url(what: &str) -> bool {
    let attribute = what.trim_matches('`').strip_prefix("request.").map(|rest| {
        rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or(rest)
    });
    matches!(
        attribute,
        Some(
            "url"
                | "base_url"
                | "url_root"
                | "host"
                | "host_url"
                | "path"
                | "full_path"
                | "referrer"
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_urls() {
        assert!(is_own_url("`request.referrer`"));
        assert!(is_own_url("`request.url`"));
        assert!(is_own_url("`request.url_root`"));
        assert!(is_own_url("`request.host_url`"));
        assert!(is_own_url("`request.full_path`"));
        assert!(!is_own_url("`request.args.get(…)`"));
        assert!(!is_own_url("`request.values[\"next\"]`"));
    }
}
