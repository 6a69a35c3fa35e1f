//! FC509 jwt-verification-disabled: rules/FC509.md.
//!
//! `decode` of PyJWT and python-jose, and authlib's `JsonWebToken`/`JsonWebSignature`, are read
//! in the file pass from their literal arguments: signature checks turned off, `"none"` among the
//! algorithms, no `algorithms` at all, expiry not checked. Flask-JWT-Extended settings that turn
//! checks off go through the settings machinery of `config_context`.

use flaskcheck_python::ast::{self as ast, Expr};
use flaskcheck_python::Ranged;

use super::config_context::{
    check_settings, is_false, is_test_path, mapping_entries, report_loaded_settings, string_value,
    Judge,
};
use super::taint::{self, argument};
use super::RuleChecks;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::index::last_segment;
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::ASSIGN
        .with(NodeKinds::ANN_ASSIGN)
        .with(NodeKinds::CALL),
    project: Some(project),
};

const HELP: &str = "verify the signature with the key and a fixed list of algorithms: `jwt.decode(token, key, algorithms=[\"HS256\"])`; read unverified headers with `jwt.get_unverified_header`";

const JUDGE: Judge = |name, value| {
    match name {
    "JWT_ALGORITHM" if string_value(value).is_some_and(is_none_algorithm) => Some((
        Severity::High,
        "`JWT_ALGORITHM = \"none\"` makes Flask-JWT-Extended issue and accept unsigned tokens".into(),
    )),
    "JWT_DECODE_ALGORITHMS" if names_none_algorithm(value) => Some((
        Severity::High,
        "`JWT_DECODE_ALGORITHMS` includes `\"none\"`: Flask-JWT-Extended accepts unsigned tokens"
            .into(),
    )),
    "JWT_ACCESS_TOKEN_EXPIRES" if is_false(value) => Some((
        Severity::Medium,
        "`JWT_ACCESS_TOKEN_EXPIRES = False` makes access tokens never expire: a leaked token works forever".into(),
    )),
    "JWT_COOKIE_CSRF_PROTECT" if is_false(value) => Some((
        Severity::Medium,
        "`JWT_COOKIE_CSRF_PROTECT = False` turns off the CSRF check of tokens sent in cookies".into(),
    )),
    _ => None,
}
};

fn is_none_algorithm(algorithm: &str) -> bool {
    algorithm.eq_ignore_ascii_case("none")
}

/// A literal list (or tuple) of algorithms with `"none"` in it.
fn names_none_algorithm(expr: &Expr) -> bool {
    let elts = match expr {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        Expr::Set(set) => &set.elts,
        _ => return false,
    };
    elts.iter()
        .any(|elt| string_value(elt).is_some_and(is_none_algorithm))
}

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    check_settings(checker, Rule::JwtVerificationDisabled, node, JUDGE);
    if let Node::Expr(Expr::Call(call)) = node {
        decode(checker, call);
    }
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    report_loaded_settings(ctx);
}

fn decode(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let Some(symbol) = taint::called(
        checker,
        call,
        |name| matches!(name, "decode" | "JsonWebToken" | "JsonWebSignature"),
        &["jwt", "jose", "authlib"],
    ) else {
        return;
    };
    let package = symbol.split('.').next().unwrap_or_default();
    let name = last_segment(&symbol);
    let (severity, message) = match (package, name) {
        ("jwt" | "jose", "decode") => {
            let Some(problem) = decode_problem(call, package) else {
                return;
            };
            problem
        }
        // authlib: `JsonWebToken(["HS256", "none"])`
        ("authlib", "JsonWebToken" | "JsonWebSignature") => {
            let algorithms = argument(call, 0, "algorithms");
            if !algorithms.is_some_and(names_none_algorithm) {
                return;
            }
            (
                Severity::High,
                format!(
                    "`{name}` accepts the `\"none\"` algorithm: a token without a signature passes"
                ),
            )
        }
        _ => return,
    };
    if is_test_path(&checker.file.path) {
        return;
    }
    let diagnostic = checker.report(
        Rule::JwtVerificationDisabled,
        call.range(),
        format!("`{symbol}()`: {message}"),
    );
    diagnostic.severity = severity;
    diagnostic.help = Some(HELP.into());
}

/// What a PyJWT or python-jose `decode(...)` call turns off, worst first.
fn decode_problem(call: &ast::ExprCall, package: &str) -> Option<(Severity, String)> {
    let options: Vec<(&str, &Expr)> = match call.arguments.find_keyword("options").map(|k| &k.value)
    {
        Some(Expr::Dict(dict)) => dict
            .items
            .iter()
            .filter_map(|item| Some((string_value(item.key.as_ref()?)?, &item.value)))
            .collect(),
        Some(Expr::Call(dict)) => mapping_entries(dict)
            .into_iter()
            .map(|(name, value, _)| (name, value))
            .collect(),
        _ => Vec::new(),
    };
    let option_off = |name: &str| {
        options
            .iter()
            .any(|&(key, value)| key == name && is_false(value))
    };
    if option_off("verify_signature") {
        return Some((
            Severity::High,
            "`options={\"verify_signature\": False}`: the token's signature is not checked, so anyone can write its claims".into(),
        ));
    }
    if call
        .arguments
        .find_keyword("verify")
        .is_some_and(|keyword| is_false(&keyword.value))
    {
        return Some((
            Severity::High,
            "`verify=False`: the token's signature is not checked, so anyone can write its claims"
                .into(),
        ));
    }
    let algorithms = argument(call, 2, "algorithms");
    if algorithms.is_some_and(names_none_algorithm) {
        return Some((
            Severity::High,
            "`algorithms` includes `\"none\"`: a token without a signature passes".into(),
        ));
    }
    if algorithms.is_none() {
        let library = if package == "jose" {
            "python-jose"
        } else {
            "PyJWT before 2.0"
        };
        return Some((
            Severity::Medium,
            format!("no `algorithms`: {library} accepts whichever algorithm the token names (`none`, or HS256 signed with the public key)"),
        ));
    }
    if option_off("verify_exp") {
        return Some((
            Severity::Medium,
            "`options={\"verify_exp\": False}`: expired tokens are accepted".into(),
        ));
    }
    None
}
