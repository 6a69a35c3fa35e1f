//! FC507 insecure-cookie: rules/FC507.md.
//!
//! Cookie settings of Flask, Flask-Login and Flask-JWT-Extended that weaken the session cookie go
//! through the settings machinery of `config_context`. `response.set_cookie(...)` of a cookie
//! named like a session or a token, without `secure=True` and `httponly=True`, is reported in the
//! file pass: a keyword given a value flaskcheck cannot read (`secure=app.config[...]`) counts
//! as set.

use flaskcheck_python::ast::{self as ast, Expr};
use flaskcheck_python::Ranged;

use super::config_context::{
    check_settings, is_false, is_test_path, report_loaded_settings, string_value, Judge,
};
use super::taint::argument;
use super::RuleChecks;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::ASSIGN
        .with(NodeKinds::ANN_ASSIGN)
        .with(NodeKinds::CALL),
    project: Some(project),
};

const JUDGE: Judge = |name, value| {
    let cookie = match name {
        "SESSION_COOKIE_SECURE" | "SESSION_COOKIE_HTTPONLY" | "SESSION_COOKIE_SAMESITE" => {
            "the session cookie"
        }
        "REMEMBER_COOKIE_SECURE" | "REMEMBER_COOKIE_HTTPONLY" | "REMEMBER_COOKIE_SAMESITE" => {
            "Flask-Login's remember-me cookie"
        }
        "JWT_COOKIE_SECURE" => "the JWT cookies of Flask-JWT-Extended",
        _ => return None,
    };
    let what = if name.ends_with("_SECURE") && is_false(value) {
        format!("sends {cookie} over plain HTTP, where anyone on the network reads it")
    } else if name.ends_with("_HTTPONLY") && is_false(value) {
        format!("lets scripts read {cookie}: one XSS steals the session")
    } else if name.ends_with("_SAMESITE") && is_none(value) {
        format!("sends {cookie} with requests other sites make (cross-site request forgery)")
    } else {
        return None;
    };
    let setting = match value {
        Expr::NoneLiteral(_) => "None",
        Expr::StringLiteral(_) => "\"None\"",
        _ => "False",
    };
    Some((Severity::Medium, format!("`{name} = {setting}` {what}")))
};

/// `None` or `"None"`: SameSite off.
fn is_none(value: &Expr) -> bool {
    matches!(value, Expr::NoneLiteral(_)) || string_value(value) == Some("None")
}

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    check_settings(checker, Rule::InsecureCookie, node, JUDGE);
    if let Node::Expr(Expr::Call(call)) = node {
        set_cookie(checker, call);
    }
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    report_loaded_settings(ctx);
}

/// `response.set_cookie("session_token", value)` without `secure=True` or `httponly=True`.
fn set_cookie(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if attr.attr.id.as_str() != "set_cookie" || is_test_path(&checker.file.path) {
        return;
    }
    let Some(name) = argument(call, 0, "key").and_then(string_value) else {
        return;
    };
    if !is_credential_cookie(name) {
        return;
    }
    // A keyword flaskcheck cannot read counts as set.
    let missing = |keyword: &str| {
        call.arguments
            .find_keyword(keyword)
            .is_none_or(|keyword| is_false(&keyword.value))
    };
    let flags: Vec<&str> = ["secure", "httponly"]
        .into_iter()
        .filter(|flag| missing(flag))
        .collect();
    if flags.is_empty() {
        return;
    }
    let without = flags
        .iter()
        .map(|flag| format!("`{flag}=True`"))
        .collect::<Vec<_>>()
        .join(" and ");
    let risk = match &*flags {
        ["secure"] => "the browser sends it over plain HTTP",
        ["httponly"] => "scripts can read it, so one XSS steals it",
        _ => "the browser sends it over plain HTTP and scripts can read it",
    };
    let diagnostic = checker.report(
        Rule::InsecureCookie,
        call.range(),
        format!("cookie `{name}` holds a session or token and is set without {without}: {risk}"),
    );
    diagnostic.help =
        Some("set credential cookies with `secure=True, httponly=True, samesite=\"Lax\"`".into());
}

/// A cookie name that says it holds a session, a login or a token (not a CSRF token, which
/// scripts must read): by its words (`session_token`, `accessToken`, `sid`).
fn is_credential_cookie(name: &str) -> bool {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && previous_lower) {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        }
    }
    words.push(current);
    if words
        .iter()
        .any(|word| matches!(word.as_str(), "csrf" | "xsrf"))
    {
        return false;
    }
    words.iter().any(|word| {
        matches!(
            word.as_str(),
            "sid" | "sess" | "jwt" | "auth" | "access" | "refresh" | "apikey"
        ) || [
            "session",
            "token",
            "remember",
            "login",
            "authorization",
            "authentication",
        ]
        .iter()
        .any(|prefix| word.starts_with(prefix))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_cookies() {
        assert!(is_credential_cookie("session_token"));
        assert!(is_credential_cookie("access_token_cookie"));
        assert!(is_credential_cookie("SID"));
        assert!(!is_credential_cookie("csrf_token"));
        assert!(!is_credential_cookie("theme"));
        assert!(!is_credential_cookie("sidebar_state"));
        assert!(!is_credential_cookie("accessibility"));
        assert!(is_credential_cookie("remember_token"));
    }
}
