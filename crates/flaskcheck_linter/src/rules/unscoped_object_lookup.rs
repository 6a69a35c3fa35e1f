//! FC301 unscoped-object-lookup: rules/FC301.md.
//!
//! The file pass records, per function, the lookups that load one object by a key
//! (`Model.query.get(id)`, `get_or_404`, `filter_by(id=...).first()`, `session.get(Model, id)`,
//! `db.one_or_404(select(...).where(Model.id == id))`) unless the query itself is scoped to an
//! owner, and whether the function checks ownership anywhere (a comparison or test involving the
//! current user or an ownership attribute, a permission check call, `abort(403)`). The project
//! pass reports lookups in views whose key comes from the URL or the request, of models that are
//! owned (an ownership column or a foreign key to the user table), in functions without any
//! ownership check or permission decorator.
//!
//! MongoDB: `find_one({"_id": ObjectId(key)})` and the other single-document calls are lookups
//! too. A collection is owned when some query in the project filters it by an ownership field
//! (or a document inserted into it carries one); the file pass leaves that evidence as a note
//! with the collection's name, and the project pass confirms both calls are on collections.

use flaskcheck_python::ast::{self as ast, Expr, Stmt};
use flaskcheck_python::Ranged;

use super::sensitive::words;
use super::RuleChecks;
use crate::analyze::facts::FunctionFacts;
use crate::analyze::term::{Term, TermId};
use crate::analyze::{for_each_expr, Checker, Depth, Node, NodeKinds, Visited};
use crate::check::ProjectContext;
use crate::index::last_segment;
use crate::index::{ClassId, FuncId, Kind, ProjectIndex, QUERY_ONE};
use crate::registry::Rule;
use crate::source::FileId;
use rustc_hash::FxHashMap;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CALL
        .with(NodeKinds::COMPARE)
        .with(NodeKinds::IF)
        .with(NodeKinds::ASSERT)
        .with(NodeKinds::RAISE)
        .with(NodeKinds::RETURN),
    project: Some(project),
};

/// Deferred notes: a lookup (terms: the call, then its keys), and ownership evidence in a
/// function.
const LOOKUP: &str = "lookup";
const CHECKED: &str = "checked";
/// `mongo-lookup:METHOD:COLLECTION` (terms: the receiver, then the keys) and
/// `mongo-owned:COLLECTION:FIELD` (terms: the receiver).
const MONGO_LOOKUP: &str = "mongo-lookup:";
const MONGO_OWNED: &str = "mongo-owned:";

/// Collection methods that read, change or delete one document chosen by their filter.
const MONGO_ONE: &[&str] = &[
    "find_one",
    "find_one_or_404",
    "find_one_and_update",
    "find_one_and_replace",
    "find_one_and_delete",
    "update_one",
    "replace_one",
    "delete_one",
];

/// Collection methods whose filter (or, for inserts, document) shows which fields the
/// collection's documents carry.
const MONGO_FILTERING: &[&str] = &[
    "find",
    "count_documents",
    "update_many",
    "delete_many",
    "insert_one",
];

/// Columns (and relationship names) that say whom a row belongs to.
const OWNER_COLUMNS: &[&str] = &[
    "user_id",
    "owner_id",
    "author_id",
    "tenant_id",
    "account_id",
    "customer_id",
    "org_id",
    "organization_id",
    "organisation_id",
    "created_by",
    "created_by_id",
    "creator_id",
    "member_id",
    "workspace_id",
    "team_id",
];

/// Attribute names whose comparison or filter scopes a lookup: the ownership columns, the
/// relationships they back, and visibility flags (a filter on `published` makes the lookup one of
/// public rows).
const SCOPING_ATTRIBUTES: &[&str] = &[
    "user",
    "owner",
    "author",
    "tenant",
    "account",
    "customer",
    "org",
    "organization",
    "organisation",
    "creator",
    "member",
    "members",
    "workspace",
    "team",
    "published",
    "is_published",
    "public",
    "is_public",
    "private",
    "is_private",
    "visibility",
    "visible",
    "is_visible",
    "draft",
    "is_draft",
];

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

/// Words of a function's name that make a call a permission check.
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

/// Exceptions whose raising is an authorization decision.
const DENIALS: &[&str] = &[
    "Forbidden",
    "Unauthorized",
    "PermissionDenied",
    "AccessDenied",
    "NotAuthorized",
    "HTTPForbidden",
    "AuthorizationError",
];

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    match node {
        Node::Expr(expr @ Expr::Call(call)) => {
            if checker.current_function().is_none() {
                return;
            }
            match &*call.func {
                Expr::Attribute(attr) => {
                    let method = attr.attr.id.as_str();
                    // `fetchone` is a DB-API cursor's: the rows of raw SQL, not a model.
                    if QUERY_ONE.contains(&method) && method != "fetchone" {
                        lookup(checker, expr, call, Some(&attr.value), method);
                        return;
                    }
                    if MONGO_ONE.contains(&method) || MONGO_FILTERING.contains(&method) {
                        mongo_call(checker, call, &attr.value, method);
                        return;
                    }
                }
                // A project helper: `first_or_404(db.select(Post).where(Post.id == post_id))`.
                Expr::Name(name)
                    if QUERY_ONE.contains(&name.id.as_str())
                        && !matches!(name.id.as_str(), "get" | "get_or_404" | "fetchone") =>
                {
                    lookup(checker, expr, call, None, name.id.as_str());
                    return;
                }
                _ => {}
            }
            if is_permission_check(call) {
                mark_checked(checker);
            }
        }
        Node::Expr(Expr::Compare(compare)) => {
            if checker.current_function().is_none() {
                return;
            }
            let scoping = std::iter::once(&*compare.left)
                .chain(compare.comparators.iter())
                .any(|operand| is_current_user(operand) || names_scoping_attribute(operand));
            if scoping {
                mark_checked(checker);
            }
        }
        Node::Stmt(
            Stmt::If(ast::StmtIf { test, .. }) | Stmt::Assert(ast::StmtAssert { test, .. }),
        ) if checker.current_function().is_some() && mentions_current_user(test) => {
            mark_checked(checker);
        }
        Node::Stmt(Stmt::Raise(raise)) => {
            let Some(exc) = &raise.exc else { return };
            let name = match &**exc {
                Expr::Call(call) => callee_last(&call.func),
                other => callee_last(other),
            };
            if name.is_some_and(|name| DENIALS.contains(&name)) {
                mark_checked(checker);
            }
        }
        Node::Stmt(Stmt::Return(ret)) => {
            // `return jsonify(error="forbidden"), 403`
            if let Some(Expr::Tuple(tuple)) = ret.value.as_deref() {
                if tuple.elts.iter().skip(1).any(is_denial_status) {
                    mark_checked(checker);
                }
            }
        }
        _ => {}
    }
}

fn mark_checked(checker: &mut Checker<'_>) {
    let function = checker.current_function();
    let already = checker.facts.deferred.iter().rev().take(8).any(|record| {
        record.rule == Rule::UnscopedObjectLookup
            && record.function == function
            && &*record.note == CHECKED
    });
    if !already {
        checker.defer(
            Rule::UnscopedObjectLookup,
            flaskcheck_python::TextRange::default(),
            Vec::new(),
            CHECKED,
        );
    }
}

fn callee_last(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.id.as_str()),
        _ => None,
    }
}

/// `401` or `403`.
fn is_denial_status(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::NumberLiteral(ast::ExprNumberLiteral { value: ast::Number::Int(int), .. })
            if matches!(int.as_u16(), Some(401 | 403))
    )
}

/// The current user: `current_user` (Flask-Login), `g.user`, `get_jwt_identity()`,
/// `session["user_id"]`, and attributes of these (`current_user.id`).
fn is_current_user(expr: &Expr) -> bool {
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
                    if receiver.id.as_str() == "g"
                        && matches!(
                            attr.attr.id.as_str(),
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
                    {
                        return true;
                    }
                }
                expr = &attr.value;
            }
            Expr::Call(call) => {
                if let Some(name) = callee_last(&call.func) {
                    if matches!(
                        name,
                        "get_jwt_identity" | "get_current_user" | "current_user_id" | "get_jwt"
                    ) {
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

fn is_session(expr: &Expr) -> bool {
    matches!(expr, Expr::Name(name) if name.id.as_str() == "session")
}

/// Whether the current user appears anywhere in `expr`.
fn mentions_current_user(expr: &Expr) -> bool {
    let mut found = false;
    // `is_current_user` follows a chain of attributes and subscripts down from its head, so the
    // rest of the chain needs no check of its own (which would make a long chain quadratic).
    // The walk visits an attribute's or subscript's value right after it.
    let mut checked_by_head: *const Expr = std::ptr::null();
    for_each_expr(expr, &mut |expr| {
        if !std::ptr::eq(expr, checked_by_head) {
            found |= is_current_user(expr);
        }
        checked_by_head = match expr {
            Expr::Attribute(attr) => &*attr.value,
            Expr::Subscript(subscript) => &*subscript.value,
            _ => std::ptr::null(),
        };
    });
    found
}

/// `post.owner_id`, `Post.user`, `post.published`: an attribute that scopes by owner or
/// visibility.
fn names_scoping_attribute(expr: &Expr) -> bool {
    let mut found = false;
    for_each_expr(expr, &mut |expr| match expr {
        Expr::Attribute(attr) => {
            let name = attr.attr.id.as_str();
            found |= OWNER_COLUMNS.contains(&name) || SCOPING_ATTRIBUTES.contains(&name);
        }
        // A document's field: `doc["user_id"]`, `doc.get("owner_id")`.
        Expr::Subscript(subscript) => {
            if let Expr::StringLiteral(key) = &*subscript.slice {
                found |= is_scoping_field(key.value.to_str());
            }
        }
        Expr::Call(call) => {
            if let (Expr::Attribute(attr), Some(Expr::StringLiteral(key))) =
                (&*call.func, call.arguments.args.first())
            {
                found |= attr.attr.id.as_str() == "get" && is_scoping_field(key.value.to_str());
            }
        }
        _ => {}
    });
    found
}

/// A document field that scopes a lookup: an owner field or a visibility flag.
fn is_scoping_field(name: &str) -> bool {
    is_owner_field(name) || SCOPING_ATTRIBUTES.contains(&name)
}

/// A document field that names its owner: the ownership columns, their camelCase spellings
/// (`userId`, `ownerId`) and the bare relation names (`owner`, `user`).
fn is_owner_field(name: &str) -> bool {
    if OWNER_COLUMNS.contains(&name) {
        return true;
    }
    let folded: String = name
        .chars()
        .filter(|&c| c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    OWNER_COLUMNS
        .iter()
        .any(|column| column.bytes().filter(|&b| b != b'_').eq(folded.bytes()))
        || matches!(
            folded.as_str(),
            "owner"
                | "user"
                | "author"
                | "tenant"
                | "account"
                | "customer"
                | "creator"
                | "createdby"
        )
}

/// `abort(403)`, `current_user.can(...)`, `check_owner(post)`, `ensure_can_edit(post, user)`,
/// `authorize(current_user, post)`, `post.is_owned_by(current_user)`.
fn is_permission_check(call: &ast::ExprCall) -> bool {
    let Some(name) = callee_last(&call.func) else {
        return false;
    };
    if name == "abort" {
        return call.arguments.args.first().is_some_and(is_denial_status);
    }
    // A method of the current user (`current_user.can(...)`, `current_user.owns(post)`).
    if let Expr::Attribute(attr) = &*call.func {
        if is_current_user(&attr.value) {
            return words(name)
                .iter()
                .any(|w| CHECK_WORDS.contains(&w.as_str()));
        }
    }
    // A function whose name says it authorizes (`authorize(post)`, `check_permission(...)`).
    // Every such word has a `z`, `m` or `w`; most names have none, and skip the searches.
    if name.bytes().any(|b| matches!(b, b'z' | b'm' | b'w'))
        && ["authoriz", "ermission", "permit", "owns", "owner", "owned"]
            .iter()
            .any(|word| name.contains(word))
    {
        return true;
    }
    // A check given the current user (`can_edit(current_user, post)`).
    call.arguments
        .args
        .iter()
        .chain(call.arguments.keywords.iter().map(|k| &k.value))
        .any(is_current_user)
        && words(name)
            .iter()
            .any(|w| CHECK_WORDS.contains(&w.as_str()))
}

/// How many links of the chain below a lookup are read (real query chains have a dozen at most:
/// `db.session.query(A).join(B).filter(...).order_by(...).first()`).
const MAX_CHAIN_LINKS: usize = 64;

/// A lookup call: records its keys unless the query is scoped.
fn lookup(
    checker: &mut Checker<'_>,
    expr: &Expr,
    call: &ast::ExprCall,
    receiver: Option<&Expr>,
    method: &str,
) {
    let mut keys: Vec<&Expr> = Vec::new();
    let mut scoped = false;
    let mut queryish = false;
    if let (Some(receiver), "get" | "get_or_404") = (receiver, method) {
        // `Model.query.get(id)`, `db.session.get(Model, id)`, `db.get_or_404(Model, id)`: the last
        // positional argument is the key. `dict.get` is ruled out by the project pass, which
        // requires a model instance to come out.
        let text = checker.source(receiver.range());
        queryish = text.ends_with("query")
            || text.ends_with("session")
            || text.ends_with("db")
            || method == "get_or_404";
        if !queryish {
            return;
        }
        match call.arguments.args.last() {
            Some(key) if call.arguments.args.len() <= 2 => keys.push(key),
            _ => return,
        }
    }
    // The chain this call ends: `X.filter_by(id=...).filter(...).first()`, and statements passed
    // to `db.one_or_404(select(...).where(...))` or `session.execute(...).scalar_one()`.
    // Each expression with whether `is_current_user` has already seen it, as part of the chain
    // of attributes below one it was asked about.
    let mut pending: Vec<(&Expr, bool)> = receiver
        .into_iter()
        .chain(call.arguments.args.iter())
        .map(|expr| (expr, false))
        .collect();
    // Every call of a chain is a lookup of its own, each reading the chain below it: read that
    // far only, or a long chain takes time quadratic in its length.
    let mut links = 0;
    while let Some((expr, seen)) = pending.pop() {
        links += 1;
        if links > MAX_CHAIN_LINKS {
            break;
        }
        match expr {
            Expr::Call(inner) => {
                let Expr::Attribute(inner_attr) = &*inner.func else {
                    pending.extend(inner.arguments.args.iter().map(|arg| (arg, false)));
                    continue;
                };
                match inner_attr.attr.id.as_str() {
                    "filter_by" => {
                        queryish = true;
                        for keyword in &inner.arguments.keywords {
                            let Some(name) = &keyword.arg else { continue };
                            let name = name.as_str();
                            if OWNER_COLUMNS.contains(&name)
                                || SCOPING_ATTRIBUTES.contains(&name)
                                || mentions_current_user(&keyword.value)
                            {
                                scoped = true;
                            } else if is_key_name(name) {
                                keys.push(&keyword.value);
                            }
                        }
                    }
                    "filter" | "where" => {
                        queryish = true;
                        for arg in &inner.arguments.args {
                            if names_scoping_attribute(arg) || mentions_current_user(arg) {
                                scoped = true;
                            }
                            key_comparisons(arg, &mut keys, Depth::MAX);
                        }
                    }
                    "with_parent" => scoped = true,
                    "execute" | "scalars" | "scalar" => {
                        pending.extend(inner.arguments.args.iter().map(|arg| (arg, false)));
                    }
                    _ => {}
                }
                pending.push((&inner_attr.value, false));
            }
            Expr::Attribute(inner) => {
                // `current_user.orders.filter_by(id=...)`: through the owner's relationship.
                if !seen && is_current_user(expr) {
                    scoped = true;
                }
                pending.push((&inner.value, true));
            }
            Expr::Name(_) if !seen && is_current_user(expr) => scoped = true,
            _ => {}
        }
    }
    if scoped || !queryish || keys.is_empty() {
        return;
    }
    let mut terms = vec![checker.term(expr)];
    for key in keys {
        let term = checker.term(key);
        if term.is_interesting() {
            terms.push(term);
        }
    }
    if terms.len() > 1 && terms[0].is_interesting() {
        checker.defer(Rule::UnscopedObjectLookup, call.range(), terms, LOOKUP);
    }
}

/// `id`, `uuid`, `slug`, `post_id`, `public_id`: the name of a key column.
fn is_key_name(name: &str) -> bool {
    matches!(
        name,
        "id" | "pk" | "uuid" | "guid" | "slug" | "key" | "code" | "number"
    ) || name.ends_with("_id")
        || name.ends_with("_uuid")
}

/// The values compared with key columns in a `filter`/`where` condition:
/// `Post.id == post_id`, `and_(Post.id == post_id, ...)`.
fn key_comparisons<'e>(condition: &'e Expr, keys: &mut Vec<&'e Expr>, depth: Depth) {
    let Some(depth) = depth.deeper() else {
        return;
    };
    match condition {
        Expr::Compare(compare)
            if compare.ops.len() == 1 && matches!(compare.ops[0], ast::CmpOp::Eq) =>
        {
            let right = &compare.comparators[0];
            match (&*compare.left, right) {
                (Expr::Attribute(column), value) | (value, Expr::Attribute(column))
                    if is_key_name(column.attr.id.as_str())
                        && !matches!(value, Expr::Attribute(a) if is_key_name(a.attr.id.as_str())) =>
                {
                    keys.push(value);
                }
                _ => {}
            }
        }
        Expr::Call(call) if matches!(callee_last(&call.func), Some("and_")) => {
            for arg in &call.arguments.args {
                key_comparisons(arg, keys, depth);
            }
        }
        Expr::BoolOp(boolop) if boolop.op == ast::BoolOp::And => {
            for value in &boolop.values {
                key_comparisons(value, keys, depth);
            }
        }
        _ => {}
    }
}

/// A call on what may be a Mongo collection: records the ownership fields its filter (or
/// inserted document) names, and, for a single-document call in a function, the lookup with its
/// keys unless the filter is scoped to an owner.
fn mongo_call(checker: &mut Checker<'_>, call: &ast::ExprCall, receiver: &Expr, method: &str) {
    let filter = call
        .arguments
        .args
        .first()
        .or_else(|| call.arguments.find_keyword("filter").map(|k| &k.value))
        .or_else(|| call.arguments.find_keyword("document").map(|k| &k.value));
    let Some(filter) = filter else { return };
    let receiver_term = checker.term(receiver);
    if !receiver_term.is_interesting() {
        return;
    }
    let Some(collection) = collection_name(checker, receiver, receiver_term) else {
        return;
    };
    let fields = filter_fields(checker, filter);
    if let Some((owner, _, _)) = fields.iter().find(|(name, _, _)| is_owner_field(name)) {
        let note = format!("{MONGO_OWNED}{collection}:{owner}");
        checker.defer(
            Rule::UnscopedObjectLookup,
            call.range(),
            vec![receiver_term],
            note,
        );
    }
    if !MONGO_ONE.contains(&method) || checker.current_function().is_none() {
        return;
    }
    let scoped = fields
        .iter()
        .any(|(name, _, mentions_user)| *mentions_user || is_scoping_field(name));
    if scoped {
        return;
    }
    let mut terms = vec![receiver_term];
    terms.extend(
        fields
            .iter()
            .filter(|(name, term, _)| is_key_name(name) && term.is_interesting())
            .map(|(_, term, _)| *term),
    );
    if terms.len() > 1 {
        let note = format!("{MONGO_LOOKUP}{method}:{collection}");
        checker.defer(Rule::UnscopedObjectLookup, call.range(), terms, note);
    }
}

/// The fields a Mongo filter names at its top level, with their values' terms and whether the
/// value mentions the current user: a literal dict, or a local name holding one.
fn filter_fields(checker: &mut Checker<'_>, filter: &Expr) -> Vec<(String, TermId, bool)> {
    let mut fields = Vec::new();
    if let Expr::Dict(dict) = filter {
        for item in &dict.items {
            if let Some(Expr::StringLiteral(key)) = &item.key {
                let term = checker.term(&item.value);
                fields.push((
                    key.value.to_str().to_string(),
                    term,
                    mentions_current_user(&item.value),
                ));
            }
        }
        return fields;
    }
    let term = checker.term(filter);
    let terms = checker.terms();
    let mut pending = vec![(term, 4u32)];
    while let Some((term, budget)) = pending.pop() {
        match terms.get(term) {
            Term::Container(items) | Term::Union(items) if budget > 0 => {
                pending.extend(items.iter().map(|&item| (item, budget - 1)));
            }
            Term::Keyed(name, value) => fields.push((name.to_string(), *value, false)),
            _ => {}
        }
    }
    fields
}

/// What names a collection, the same wherever it is used: `db.orders`, `db["orders"]`,
/// `db.get_collection("orders")`, and a variable holding one of these (`orders = db.orders`),
/// the last part of the path it was read from. A variable's own name is the fallback, without a
/// `_collection`/`_coll` suffix.
fn collection_name(checker: &Checker<'_>, receiver: &Expr, term: TermId) -> Option<String> {
    if let Expr::Call(call) = receiver {
        if callee_last(&call.func) == Some("get_collection") {
            if let Some(Expr::StringLiteral(name)) = call.arguments.args.first() {
                return Some(name.value.to_str().to_string());
            }
        }
    }
    let name = match checker.terms().get(term) {
        Term::Global(symbol) => last_segment(symbol).to_string(),
        Term::Attr(_, name) => name.to_string(),
        Term::Subscript(_, crate::analyze::term::Key::Str(name)) => name.to_string(),
        _ => match receiver {
            Expr::Name(name) => name.id.to_string(),
            Expr::Attribute(attr) => attr.attr.id.to_string(),
            Expr::Subscript(subscript) => match &*subscript.slice {
                Expr::StringLiteral(name) => name.value.to_str().to_string(),
                _ => return None,
            },
            _ => return None,
        },
    };
    let name = ["_collection", "_coll", "_col"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(&name)
        .to_string();
    (!name.is_empty()).then_some(name)
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let file = ctx.file_id();
    let index = ctx.index;
    let facts = &ctx.analysis.facts;
    let user_tables = user_tables(ctx);
    for record in &facts.deferred {
        if record.rule != Rule::UnscopedObjectLookup {
            continue;
        }
        let mongo = record.note.strip_prefix(MONGO_LOOKUP);
        if mongo.is_none() && &*record.note != LOOKUP {
            continue;
        }
        let Some(local) = record.function else {
            continue;
        };
        let function = index.function_id(file, local);
        let view = index.view(function);
        if !view.is_route {
            continue;
        }
        let checked = facts.deferred.iter().any(|other| {
            other.rule == Rule::UnscopedObjectLookup
                && other.function == Some(local)
                && &*other.note == CHECKED
        });
        if checked || has_permission_decorator(index, function) {
            continue;
        }
        let Some((&call, keys)) = record.terms.split_first() else {
            continue;
        };
        if let Some(mongo) = mongo {
            report_mongo_lookup(ctx, record, function, mongo, call, keys);
            continue;
        }
        let loaded = ctx.evaluator.eval(file, call);
        let Some(model) = loaded.iter().find_map(|fact| match fact.kind {
            Kind::Instance(class) if index.is_model(class) => Some(class),
            _ => None,
        }) else {
            continue;
        };
        let Some(owner) = ownership(index, model, &user_tables) else {
            continue;
        };
        let function_facts = index.function(function);
        let Some(source) = keys
            .iter()
            .find_map(|&key| key_source(ctx, function_facts, key, 4))
        else {
            continue;
        };
        let model_name = &index.class(model).name;
        ctx.report(
            record.range,
            format!(
                "`{model_name}` (owned through `{owner}`) is loaded by {source}, and nothing in `{}` checks that it belongs to the current user",
                function_facts.name
            ),
        )
        .help = Some(format!(
            "scope the query to the owner (`filter_by(id=..., {owner}=current_user.id)`) or compare `{}.{owner}` with the current user and `abort(403)`",
            model_name.to_lowercase()
        ));
    }
}

/// A single-document Mongo call in an unguarded view: reported when the receiver is a
/// collection, some query in the project filters that collection by an owner, and a key came
/// from the client.
fn report_mongo_lookup(
    ctx: &mut ProjectContext<'_, '_, '_>,
    record: &crate::analyze::Deferred,
    function: FuncId,
    note: &str,
    receiver: TermId,
    keys: &[TermId],
) {
    let Some((method, collection)) = note.split_once(':') else {
        return;
    };
    let file = ctx.file_id();
    if !is_collection(ctx, file, receiver) {
        return;
    }
    let Some(owner) = collection_owner(ctx, collection) else {
        return;
    };
    let function_facts = ctx.index.function(function);
    let Some(source) = keys
        .iter()
        .find_map(|&key| key_source(ctx, function_facts, key, 4))
    else {
        return;
    };
    ctx.report(
        record.range,
        format!(
            "`{method}()` on the `{collection}` collection (owned through `{owner}`) picks a document by {source}, and nothing in `{}` checks that it belongs to the current user",
            function_facts.name
        ),
    )
    .help = Some(format!(
        "add the owner to the filter (`{{\"_id\": ..., \"{owner}\": current_user.id}}`) or compare `doc[\"{owner}\"]` with the current user and `abort(403)`"
    ));
}

fn is_collection(ctx: &mut ProjectContext<'_, '_, '_>, file: FileId, term: TermId) -> bool {
    ctx.evaluator
        .eval(file, term)
        .contains(|kind| matches!(kind, Kind::MongoCollection))
}

/// Evidence that a collection's documents have an owner: `(file, receiver, field)` for each
/// filter or inserted document naming an ownership field, by collection name, in file order.
type OwnerEvidence = FxHashMap<Box<str>, Vec<(FileId, TermId, Box<str>)>>;

fn owner_evidence(index: &ProjectIndex<'_>, file_count: usize) -> OwnerEvidence {
    let mut evidence = OwnerEvidence::default();
    for file in 0..file_count {
        let file = FileId(u32::try_from(file).unwrap_or(u32::MAX));
        let Some(facts) = index.facts(file) else {
            continue;
        };
        for record in &facts.deferred {
            if record.rule != Rule::UnscopedObjectLookup {
                continue;
            }
            let Some(rest) = record.note.strip_prefix(MONGO_OWNED) else {
                continue;
            };
            let (Some((collection, field)), Some(&receiver)) =
                (rest.split_once(':'), record.terms.first())
            else {
                continue;
            };
            evidence
                .entry(collection.into())
                .or_default()
                .push((file, receiver, field.into()));
        }
    }
    evidence
}

/// The field through which a collection's documents are owned: from the first evidence whose
/// receiver really is a collection.
fn collection_owner(ctx: &mut ProjectContext<'_, '_, '_>, collection: &str) -> Option<Box<str>> {
    let file_count = ctx.file_count();
    let evidence = ctx.index.memo("FC301.mongo-owner-evidence", |index| {
        owner_evidence(index, file_count)
    });
    let candidates = evidence.get(collection)?;
    candidates
        .iter()
        .find(|(file, receiver, _)| is_collection(ctx, *file, *receiver))
        .map(|(_, _, field)| field.clone())
}

/// Where a key comes from, when the client chose it: a route parameter or request data. Looks
/// through conversions (`int(post_id)`, `UUID(key)`).
fn key_source(
    ctx: &mut ProjectContext<'_, '_, '_>,
    function: &FunctionFacts,
    key: TermId,
    budget: u32,
) -> Option<String> {
    if budget == 0 {
        return None;
    }
    let file = ctx.file_id();
    let value = ctx.evaluator.eval(file, key);
    for fact in value.iter() {
        match &fact.kind {
            Kind::Param(position) => {
                if let Some(name) = function.params.get(*position as usize) {
                    return Some(format!("the URL parameter `{name}`"));
                }
            }
            Kind::RequestData(source) => return Some(format!("`{source}`")),
            _ => {}
        }
    }
    let terms = &ctx.analysis.facts.terms;
    if let Term::Call(call) = terms.get(key) {
        let converts = match terms.get(call.callee) {
            Term::Global(symbol) => matches!(
                symbol.rsplit('.').next(),
                Some("int" | "str" | "UUID" | "ObjectId" | "uuid" | "escape" | "strip")
            ),
            Term::Attr(_, name) => matches!(name.as_str(), "strip" | "lower" | "upper"),
            _ => false,
        };
        if converts {
            let first = call.args.first().copied();
            let inner = match (first, terms.get(call.callee)) {
                (_, Term::Attr(receiver, _)) => Some(*receiver),
                (Some(first), _) => Some(first),
                _ => None,
            };
            if let Some(inner) = inner {
                return key_source(ctx, function, inner, budget - 1);
            }
        }
    }
    None
}

/// Tables of the user model: what the project's user loaders return, and the usual names.
fn user_tables(ctx: &mut ProjectContext<'_, '_, '_>) -> Vec<String> {
    let mut tables: Vec<String> = [
        "user",
        "users",
        "ab_user",
        "auth_user",
        "account",
        "accounts",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let index = ctx.index;
    for &loader in index.user_loaders() {
        for fact in ctx.evaluator.summary_of(loader).iter() {
            if let Kind::Instance(class) = fact.kind {
                tables.push(table_name(index, class));
                tables.push(index.class(class).name.to_string());
            }
        }
    }
    tables
}

/// A model's table: `__tablename__`, or Flask-SQLAlchemy's default (the class name in
/// snake_case).
fn table_name(index: &ProjectIndex<'_>, class: ClassId) -> String {
    if let Some(name) = index
        .lineage(class)
        .find_map(|id| index.class(id).tablename.as_deref())
    {
        return name.to_string();
    }
    let mut out = String::new();
    for (i, c) in index.class(class).name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The column that says whom a model's rows belong to, if any: an ownership column, or a foreign
/// key to the user table. The user model itself is not "owned".
fn ownership(index: &ProjectIndex<'_>, model: ClassId, user_tables: &[String]) -> Option<String> {
    let own_table = table_name(index, model);
    if user_tables
        .iter()
        .any(|t| *t == own_table || *t == *index.class(model).name)
    {
        return None;
    }
    for (_, column) in index.columns(model) {
        let name = column.name.as_str();
        if OWNER_COLUMNS.contains(&name) {
            return Some(name.to_string());
        }
        if let Some(target) = &column.foreign_key {
            let table = target.split('.').next().unwrap_or(target);
            if user_tables.iter().any(|t| t.eq_ignore_ascii_case(table)) {
                return Some(name.to_string());
            }
        }
    }
    None
}

/// A decorator on the view (or on its class through `decorators`/`method_decorators`) that checks
/// permissions, roles or ownership, not just login.
fn has_permission_decorator(index: &ProjectIndex<'_>, function: FuncId) -> bool {
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

fn mentions_named(
    terms: &crate::analyze::Terms,
    term: TermId,
    named: &dyn Fn(&str) -> bool,
    budget: u32,
) -> bool {
    mentions_named_in(terms, term, named, budget, &mut Visited::default())
}

fn mentions_named_in(
    terms: &crate::analyze::Terms,
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
