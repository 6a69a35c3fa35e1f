//! FC506 csrf-protection-disabled: rules/FC506.md.
//!
//! Flask-WTF settings that turn CSRF checks off go through the settings machinery of
//! `config_context` (the application config, and config classes or modules `from_object` loads).
//! `csrf.exempt(blueprint)` and `@csrf.exempt` on a view are recorded in the file pass; the
//! project pass reports them when the `CSRFProtect` object is Flask-WTF's and the blueprint or
//! view is behind a session login (`@login_required` and the like), whose cookie a forged request
//! from another site carries.

use flaskcheck_python::ast::Expr;
use flaskcheck_python::Ranged;

use super::config_context::{check_settings, is_false, report_loaded_settings, Judge};
use super::RuleChecks;
use crate::analyze::facts::Decorator;
use crate::analyze::term::{Term, TermId};
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::index::{last_segment, FuncId, Kind, Origin, HTTP_METHODS};
use crate::registry::Rule;
use crate::source::FileId;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::ASSIGN
        .with(NodeKinds::ANN_ASSIGN)
        .with(NodeKinds::CALL),
    project: Some(project),
};

/// The note of a `csrf.exempt(blueprint)` record (terms: the receiver, the blueprint).
const EXEMPT: &str = "exempt";

const JUDGE: Judge = |name, value| {
    match name {
    "WTF_CSRF_ENABLED" if is_false(value) => Some((
        Severity::High,
        "`WTF_CSRF_ENABLED = False` turns off Flask-WTF's CSRF protection for every form and view"
            .into(),
    )),
    "WTF_CSRF_CHECK_DEFAULT" if is_false(value) => Some((
        Severity::Medium,
        "`WTF_CSRF_CHECK_DEFAULT = False` stops `CSRFProtect` from checking views (only those that call `csrf.protect()` are checked)".into(),
    )),
    _ => None,
}
};

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    check_settings(checker, Rule::CsrfProtectionDisabled, node, JUDGE);
    let Node::Expr(Expr::Call(call)) = node else {
        return;
    };
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if attr.attr.id.as_str() != "exempt" {
        return;
    }
    let [blueprint] = &*call.arguments.args else {
        return;
    };
    let receiver = checker.term(&attr.value);
    let blueprint = checker.term(blueprint);
    if blueprint.is_interesting() {
        checker.defer(
            Rule::CsrfProtectionDisabled,
            call.range(),
            vec![receiver, blueprint],
            EXEMPT,
        );
    }
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    report_loaded_settings(ctx);
    exempt_blueprints(ctx);
    exempt_views(ctx);
}

/// `csrf.exempt(bp)` where some view of `bp` needs a session login.
fn exempt_blueprints(ctx: &mut ProjectContext<'_, '_, '_>) {
    for record in ctx.deferred() {
        let [receiver, blueprint] = *record.terms else {
            continue;
        };
        if &*record.note != EXEMPT || !is_csrf_protect(ctx, receiver) {
            continue;
        }
        let Term::Global(symbol) = ctx.analysis.facts.terms.get(blueprint) else {
            continue;
        };
        let Some((view, login)) = blueprint_login_view(ctx, symbol) else {
            continue;
        };
        let facts = ctx.index.function(view);
        let call = ctx.source_of(Origin {
            file: ctx.file_id(),
            range: record.range,
        });
        let message = format!(
            "`{call}` exempts blueprint `{}` from CSRF checks, and its views use a session login (`@{login}` on `{}()`): a page on another site can send requests as the logged-in user",
            last_segment(symbol),
            facts.name
        );
        let related = ctx.related(
            Origin {
                file: ctx.index.function_file(view),
                range: facts.name_range,
            },
            "a view behind a session login",
        );
        let diagnostic = ctx.report(record.range, message);
        diagnostic.help = Some(HELP.into());
        diagnostic.related.push(related);
    }
}

const HELP: &str = "keep CSRF protection on views a browser session reaches; exempt only views that authenticate each request with a token the browser does not send on its own (an `Authorization` header)";

/// A view registered on the blueprint `symbol` (by a `@bp.route`-like decorator) that needs a
/// session login, and the login decorator's name.
fn blueprint_login_view(
    ctx: &ProjectContext<'_, '_, '_>,
    symbol: &str,
) -> Option<(FuncId, String)> {
    for index in 0..ctx.index.file_count() {
        let file = FileId(index as u32);
        let Some(facts) = ctx.index.facts(file) else {
            continue;
        };
        for (local, function) in facts.functions.iter().enumerate() {
            let on_blueprint = function
                .decorators
                .iter()
                .any(|decorator| is_route_of(facts, decorator, symbol));
            if !on_blueprint {
                continue;
            }
            if let Some(login) = login_decorator(&function.decorators) {
                return Some((ctx.index.function_id(file, local as u32), login));
            }
        }
    }
    None
}

/// `@bp.route(...)`, `@bp.post(...)` where `bp` is the blueprint `symbol`.
fn is_route_of(facts: &crate::analyze::FileFacts, decorator: &Decorator, symbol: &str) -> bool {
    let Term::Global(callee) = facts.terms.get(decorator.callee) else {
        return false;
    };
    callee
        .strip_suffix(decorator.name.as_str())
        .and_then(|rest| rest.strip_suffix('.'))
        == Some(symbol)
        && (decorator.name.as_str() == "route" || HTTP_METHODS.contains(&decorator.name.as_str()))
}

/// The decorator that puts a view behind a session login, if any.
fn login_decorator(decorators: &[Decorator]) -> Option<String> {
    decorators
        .iter()
        .find(|decorator| {
            matches!(
                decorator.name.as_str(),
                "login_required"
                    | "fresh_login_required"
                    | "roles_required"
                    | "roles_accepted"
                    | "auth_required"
                    | "permission_required"
                    | "permissions_required"
            )
        })
        .map(|decorator| decorator.name.to_string())
}

/// Whether a term of this file is Flask-WTF's `CSRFProtect` object.
fn is_csrf_protect(ctx: &mut ProjectContext<'_, '_, '_>, term: TermId) -> bool {
    let value = match ctx.analysis.facts.terms.get(term) {
        // `@csrf.exempt` with `csrf` a module-level name: one dotted symbol.
        Term::Global(symbol) if symbol.ends_with(".exempt") => {
            ctx.evaluator.resolve(symbol.trim_end_matches(".exempt"))
        }
        _ => ctx.evaluator.eval(ctx.file_id(), term),
    };
    let found = value.iter().any(|fact| {
        matches!(&fact.kind, Kind::ExternalInstance(symbol) if last_segment(symbol) == "CSRFProtect")
    });
    found
}

/// `@csrf.exempt` on a view of this file that needs a session login and takes a method that
/// changes state.
fn exempt_views(ctx: &mut ProjectContext<'_, '_, '_>) {
    let facts = &ctx.analysis.facts;
    for (local, function) in facts.functions.iter().enumerate() {
        let Some(exempt) = function
            .decorators
            .iter()
            .find(|decorator| decorator.name.as_str() == "exempt" && !decorator.is_call)
        else {
            continue;
        };
        let Some(login) = login_decorator(&function.decorators) else {
            continue;
        };
        let view = ctx
            .index
            .view(ctx.index.function_id(ctx.file_id(), local as u32));
        let changes_state = function.decorators.iter().any(|decorator| {
            matches!(decorator.name.as_str(), "post" | "put" | "patch" | "delete")
                || decorator
                    .keywords
                    .iter()
                    .any(|keyword| keyword.as_str() == "methods")
        });
        let receiver = match facts.terms.get(exempt.callee) {
            Term::Attr(receiver, _) => *receiver,
            _ => exempt.callee,
        };
        if !view.is_route || !changes_state || !is_csrf_protect(ctx, receiver) {
            continue;
        }
        let message = format!(
            "`@{}` exempts view `{}()` from CSRF checks, and it uses a session login (`@{login}`): a page on another site can send requests as the logged-in user",
            exempt.path, function.name
        );
        ctx.report(exempt.range, message).help = Some(HELP.into());
    }
}
