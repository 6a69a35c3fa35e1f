//! Authorization as the code states it, shared by the rules about who may read or change what
//! (FC301 unscoped-object-lookup, FC202 privileged-field-from-request):
//!
//! - **the identity**: `current_user`, `g.user`, `get_jwt_identity()`, `session["user_id"]`, and a
//!   local name holding one of them;
//! - **role checks**: a test of a role or permission (`current_user.is_admin`,
//!   `user.has_role("admin")`, a project helper such as `is_admin()` or `can_edit(post)`), a call
//!   that enforces one (`authorize(post)`, `check_permission(...)`), a decorator that does
//!   (`@admin_required`, `@permission_required(...)`, `@roles_required`, or `@admin_only` defined
//!   in the project). Logging in (`@login_required`, `@jwt_required()`, `if not token: return
//!   ..., 401`) proves who the client is, not what it may do, and is none of these;
//! - **whether the app authenticates at all** (a login or JWT library, a user loader).

use flaskcheck_python::ast::{self as ast, Expr};
use flaskcheck_python::Ranged;

use super::once_per_node;
use super::sensitive::words;
use crate::analyze::term::{Key, Term, TermId, Terms};
use crate::analyze::{for_each_expr_within, Checker, Depth, Visited};
use crate::index::{last_segment, FuncId, ProjectIndex};

/// How deep [`visit_expr`] descends: tests and filters are shallow, generated code is not.
const MAX_DEPTH: u32 = 64;

/// Words of a decorator's name that mean it checks more than being logged in.
const PERMISSION_WORDS: &[&str] = &[
    "permission",
    "permissions",
    "perm",
    "perms",
    "role",
    "roles",
    "admin",
    "superuser",
    "moderator",
    "moderators",
    "staff",
    "owner",
    "ownership",
    "access",
    "authorize",
    "authorized",
    "authorization",
    "policy",
    "scope",
    "scopes",
    "group",
    "groups",
    "protect",
    "can",
    "acl",
    "rbac",
];

/// Words of a method of the current user that make its call a permission check.
const CHECK_WORDS: &[&str] = &[
    "can",
    "check",
    "authorize",
    "authorized",
    "allowed",
    "allow",
    "ensure",
    "require",
    "requires",
    "verify",
    "permission",
    "permissions",
    "owns",
    "owner",
    "owned",
    "may",
    "permit",
    "permitted",
    "access",
    "assert",
    "has",
    "is",
];

/// Attributes that hold a role or privilege: testing one is a role check.
const ROLE_ATTRIBUTES: &[&str] = &[
    "is_admin",
    "admin",
    "is_superuser",
    "superuser",
    "is_staff",
    "staff",
    "is_moderator",
    "role",
    "roles",
    "permissions",
    "privileges",
    "scopes",
    "user_type",
    "account_type",
    "access_level",
];

/// An attribute that holds a role or privilege (`is_admin`, `role`, `permissions`...).
pub(crate) fn is_role_attribute(name: &str) -> bool {
    ROLE_ATTRIBUTES.contains(&name)
}

/// Words of a helper's name that make its call, in a test, a role or permission check
/// (`is_admin()`, `can_edit(post)`, `user_has_permission(...)`).
const ROLE_WORDS: &[&str] = &[
    "admin",
    "superuser",
    "staff",
    "moderator",
    "role",
    "roles",
    "permission",
    "permissions",
    "privilege",
    "privileges",
    "authorize",
    "authorized",
    "allowed",
    "owner",
    "owns",
    "owned",
    "access",
    "acl",
    "rbac",
];

/// Words that make a name about logging in, which checks no role.
const LOGIN_WORDS: &[&str] = &[
    "login",
    "logged",
    "authenticated",
    "anonymous",
    "token",
    "jwt",
    "session",
    "auth",
];

/// Packages whose use means the app authenticates its clients.
const AUTH_PACKAGES: &[&str] = &[
    "flask_login",
    "flask_jwt_extended",
    "flask_jwt",
    "flask_httpauth",
    "flask_security",
    "flask_praetorian",
    "flask_user",
    "flask_simplelogin",
];

/// The identity of the client: `current_user` (Flask-Login, Flask-JWT-Extended), `g.user`,
/// `get_jwt_identity()`, `session["user_id"]`, and attributes of these (`current_user.id`).
pub(crate) fn is_identity(expr: &Expr) -> bool {
    // Down the chain of attributes and subscripts: `current_user.orders[0].id`.
    let mut expr = expr;
    loop {
        match expr {
            Expr::Name(name) => {
                return matches!(
                    name.id.as_str(),
                    "current_user" | "current_identity" | "current_account" | "current_member"
                )
            }
            Expr::Attribute(attr) => {
                if attr.attr.id.as_str() == "current_user" {
                    return true;
                }
                if let Expr::Name(receiver) = &*attr.value {
                    if receiver.id.as_str() == "g" && is_identity_attribute(attr.attr.id.as_str()) {
                        return true;
                    }
                }
                expr = &attr.value;
            }
            Expr::Call(call) => {
                if let Some(name) = callee_last(&call.func) {
                    if is_identity_function(name) {
                        return true;
                    }
                    // `session.get("user_id")`
                    if name == "get" {
                        if let Expr::Attribute(attr) = &*call.func {
                            return is_session(&attr.value)
                                && matches!(call.arguments.args.first(), Some(Expr::StringLiteral(key)) if key.value.to_str().contains("user"));
                        }
                    }
                }
                return false;
            }
            Expr::Subscript(subscript) => {
                if is_session(&subscript.value)
                    && matches!(&*subscript.slice, Expr::StringLiteral(key) if key.value.to_str().contains("user"))
                {
                    return true;
                }
                expr = &subscript.value;
            }
            _ => return false,
        }
    }
}

fn is_identity_attribute(name: &str) -> bool {
    matches!(
        name,
        "user"
            | "identity"
            | "account"
            | "member"
            | "tenant"
            | "org"
            | "organization"
            | "user_id"
            | "current_user_id"
    )
}

fn is_identity_function(name: &str) -> bool {
    matches!(
        name,
        "get_jwt_identity" | "get_current_user" | "current_user_id" | "get_jwt"
    )
}

fn is_session(expr: &Expr) -> bool {
    matches!(expr, Expr::Name(name) if name.id.as_str() == "session")
}

/// Whether the identity appears anywhere in `expr`.
pub(crate) fn mentions_identity(expr: &Expr) -> bool {
    let mut found = false;
    // `is_identity` follows a chain of attributes and subscripts down from its head, so the rest
    // of the chain needs no check of its own (which would make a long chain quadratic). The walk
    // visits an attribute's or subscript's value right after it.
    let mut checked_by_head: *const Expr = std::ptr::null();
    visit_expr(expr, &mut |expr| {
        if !std::ptr::eq(expr, checked_by_head) {
            found |= is_identity(expr);
        }
        checked_by_head = match expr {
            Expr::Attribute(attr) => &*attr.value,
            Expr::Subscript(subscript) => &*subscript.value,
            _ => std::ptr::null(),
        };
    });
    found
}

/// Whether a term holds the identity: a local name bound to `get_jwt_identity()`,
/// `current_user`, `g.user` or `session["user_id"]` (or an attribute of one).
pub(crate) fn is_identity_term(terms: &Terms, term: TermId) -> bool {
    let mut term = term;
    for _ in 0..8 {
        match terms.get(term) {
            Term::Global(symbol) => {
                let last = last_segment(symbol);
                return matches!(last, "current_user" | "current_identity")
                    || symbol
                        .strip_prefix("flask.g.")
                        .is_some_and(|rest| is_identity_attribute(last_segment(rest)));
            }
            Term::Call(call) => match terms.get(call.callee) {
                Term::Global(symbol) if is_identity_function(last_segment(symbol)) => return true,
                Term::Global(symbol) if &**symbol == "flask.session.get" => return true,
                Term::Global(symbol)
                    if matches!(&**symbol, "builtins.int" | "builtins.str")
                        && !call.args.is_empty() =>
                {
                    term = call.args[0];
                }
                _ => return false,
            },
            Term::Subscript(inner, Key::Str(key)) => {
                if matches!(terms.get(*inner), Term::Global(symbol) if &**symbol == "flask.session")
                {
                    return key.contains("user");
                }
                term = *inner;
            }
            Term::Attr(inner, _) => term = *inner,
            _ => return false,
        }
    }
    false
}

/// A call that enforces a permission wherever it stands: `current_user.can(...)`,
/// `check_owner(post)`, `authorize(current_user, post)`, `post.is_owned_by(current_user)`.
pub(crate) fn is_permission_check(call: &ast::ExprCall) -> bool {
    let Some(name) = callee_last(&call.func) else {
        return false;
    };
    // A method of the current user (`current_user.can(...)`, `current_user.owns(post)`).
    if let Expr::Attribute(attr) = &*call.func {
        if is_identity(&attr.value) {
            return words(name)
                .iter()
                .any(|w| CHECK_WORDS.contains(&w.as_str()));
        }
    }
    // A function whose name says it authorizes (`authorize(post)`, `check_permission(...)`).
    // Every such word has a `z`, `m` or `w`; most names have none, and skip the search.
    if name.bytes().any(|b| matches!(b, b'z' | b'm' | b'w'))
        && contains_any(
            name,
            &["authoriz", "ermission", "permit", "owns", "owner", "owned"],
        )
    {
        return true;
    }
    // A check given the current user (`can_edit(current_user, post)`).
    call.arguments
        .args
        .iter()
        .chain(call.arguments.keywords.iter().map(|k| &k.value))
        .any(is_identity)
        && words(name)
            .iter()
            .any(|w| CHECK_WORDS.contains(&w.as_str()))
}

/// Whether one of `words` is in `name`: each position is tested against the words' first bytes
/// before comparing more (names are short, and a substring search per word costs more to set up
/// than this costs to run).
fn contains_any(name: &str, words: &[&str]) -> bool {
    let name = name.as_bytes();
    (0..name.len()).any(|at| {
        words.iter().any(|word| {
            word.as_bytes().first() == Some(&name[at]) && name[at..].starts_with(word.as_bytes())
        })
    })
}

/// [`is_permission_check`], read once for a call that several rules ask about (FC202 on the
/// statement the call stands in, FC301 on the call, one after the other).
pub(crate) fn checks_permission(checker: &mut Checker<'_>, call: &ast::ExprCall) -> bool {
    once_per_node(&mut checker.shared.permission_check, call.range(), || {
        is_permission_check(call)
    })
}

/// [`is_role_test`], read once for the test of an `if` or `assert` that several rules ask about.
pub(crate) fn tests_role(checker: &mut Checker<'_>, test: &Expr) -> bool {
    once_per_node(&mut checker.shared.role_test, test.range(), || {
        is_role_test(test)
    })
}

/// Whether one of `wanted` may be a word of `name`, without allocating: a part of a snake_case
/// name is one, and a name with capitals (camelCase) is left to [`words`].
fn may_have_word(name: &str, wanted: &[&str]) -> bool {
    name.bytes().any(|b| b.is_ascii_uppercase())
        || name.split('_').any(|part| wanted.contains(&part))
}

/// Whether a test (of an `if`, an `assert`, a conditional) checks a role or permission:
/// `current_user.is_admin`, `"admin" in g.user.roles`, `user.has_role("admin")`, `is_admin()`,
/// `can_edit(post)`, `check_permission(...)`. A test of login alone (`current_user.is_authenticated`,
/// `if not token`) is none.
pub(crate) fn is_role_test(test: &Expr) -> bool {
    let mut found = false;
    visit_expr(test, &mut |expr| {
        found |= match expr {
            Expr::Attribute(attr) => is_role_attribute(attr.attr.id.as_str()),
            Expr::Call(call) => is_permission_check(call) || is_role_helper(call),
            _ => false,
        }
    });
    found
}

/// `is_admin()`, `can_edit(post)`, `user.has_role("admin")`, `has_permission(...)`: a helper whose
/// name says it decides a role or permission, not a login.
fn is_role_helper(call: &ast::ExprCall) -> bool {
    let Some(name) = callee_last(&call.func) else {
        return false;
    };
    // Most calls in tests are none of these: look at the parts before splitting the name.
    if !may_have_word(name, ROLE_WORDS) && !may_have_word(name, &["can", "may"]) {
        return false;
    }
    let words = words(name);
    if words.iter().any(|w| LOGIN_WORDS.contains(&w.as_str())) {
        return false;
    }
    matches!(words.first().map(String::as_str), Some("can" | "may"))
        || words.iter().any(|w| ROLE_WORDS.contains(&w.as_str()))
}

/// A decorator on the view (or on its class through `decorators`/`method_decorators`) that checks
/// permissions, roles or ownership, not just login.
pub(crate) fn has_permission_decorator(index: &ProjectIndex<'_>, function: FuncId) -> bool {
    let facts = index.function(function);
    let named = |name: &str| {
        words(name)
            .iter()
            .any(|w| PERMISSION_WORDS.contains(&w.as_str()))
    };
    let file = index.function_file(function);
    let function_terms = index.facts(file).map(|f| &f.terms);
    let decorated = facts.decorators.iter().any(|decorator| {
        named(&decorator.name)
            || function_terms.is_some_and(|terms| {
                decorator
                    .args
                    .iter()
                    .any(|&arg| mentions_named(terms, arg, &named, 4))
            })
    });
    if decorated {
        return true;
    }
    let Some(class) = facts.class else {
        return false;
    };
    let class = index.class_id(file, class);
    index.lineage(class).any(|id| {
        let class_file = index.class_file(id);
        let Some(class_facts) = index.facts(class_file) else {
            return false;
        };
        index.class(id).attributes.iter().any(|(name, term, _)| {
            matches!(name.as_str(), "decorators" | "method_decorators")
                && mentions_named(&class_facts.terms, *term, &named, 6)
        })
    })
}

fn mentions_named(terms: &Terms, term: TermId, named: &dyn Fn(&str) -> bool, budget: u32) -> bool {
    mentions_named_in(terms, term, named, budget, &mut Visited::default())
}

fn mentions_named_in(
    terms: &Terms,
    term: TermId,
    named: &dyn Fn(&str) -> bool,
    budget: u32,
    visited: &mut Visited,
) -> bool {
    if budget == 0 || !visited.first_visit(term, budget) {
        return false;
    }
    match terms.get(term) {
        Term::Global(symbol) => named(last_segment(symbol)),
        Term::Attr(inner, name) => {
            named(name) || mentions_named_in(terms, *inner, named, budget - 1, visited)
        }
        // `permission_required("x")`, and `requires(CanEditPost)` whose argument names the check.
        Term::Call(call) => {
            mentions_named_in(terms, call.callee, named, budget - 1, visited)
                || call
                    .args
                    .iter()
                    .any(|&arg| mentions_named_in(terms, arg, named, budget - 1, visited))
        }
        Term::Container(items) | Term::Sequence(items) | Term::Union(items) => items
            .iter()
            .any(|&item| mentions_named_in(terms, item, named, budget - 1, visited)),
        Term::Keyed(_, inner) | Term::WithoutKey(inner, _) => {
            mentions_named_in(terms, *inner, named, budget - 1, visited)
        }
        _ => false,
    }
}

/// Whether the project authenticates its clients: it imports a login or JWT library, or defines
/// a user loader. Computed once per run.
pub(crate) fn authenticates(index: &ProjectIndex<'_>) -> bool {
    *index.memo("authorization.authenticates", |index| {
        !index.user_loaders().is_empty()
            || (0..index.file_count()).any(|file| {
                index
                    .facts(crate::source::FileId(file as u32))
                    .is_some_and(|facts| {
                        facts.imports.iter().any(|(_, target)| {
                            AUTH_PACKAGES
                                .iter()
                                .any(|package| crate::index::symbol_in(target, package))
                        })
                    })
            })
    })
}

pub(crate) fn callee_last(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.id.as_str()),
        _ => None,
    }
}

/// Calls `f` on `expr` and every expression inside it, [`MAX_DEPTH`] levels below it.
pub(crate) fn visit_expr(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    for_each_expr_within(expr, Depth::levels(MAX_DEPTH + 1), f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use flaskcheck_python::parse_module;

    fn test_of(source: &str) -> bool {
        let parsed = parse_module(source).unwrap();
        let ast::Stmt::If(stmt) = &parsed.module().body[0] else {
            panic!("an if statement");
        };
        is_role_test(&stmt.test)
    }

    #[test]
    fn contains_any_finds_a_word_anywhere() {
        assert!(contains_any("check_permission", &["ermission", "owns"]));
        assert!(contains_any("owns", &["ermission", "owns"]));
        assert!(contains_any("is_owned_by", &["owned"]));
        assert!(!contains_any("own", &["owns"]));
        assert!(!contains_any("", &["owns"]));
        assert!(!contains_any("format", &["authoriz", "permit"]));
    }

    #[test]
    fn role_tests_and_login_tests() {
        for source in [
            "if not current_user.is_admin: pass",
            "if not is_admin(): pass",
            "if not current_user.has_role('admin'): pass",
            "if 'admin' not in g.user.roles: pass",
            "if not can_edit(post): pass",
            "if not user_has_permission(user, 'x'): pass",
        ] {
            assert!(test_of(source), "{source}");
        }
        for source in [
            "if not token: pass",
            "if not current_user.is_authenticated: pass",
            "if not check_token(token): pass",
            "if not verify_jwt_in_request(): pass",
            "if post is None: pass",
        ] {
            assert!(!test_of(source), "{source}");
        }
    }
}
