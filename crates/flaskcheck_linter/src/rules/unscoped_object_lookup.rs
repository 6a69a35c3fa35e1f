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

use super::authorization::{
    authenticates, callee_last, checks_permission, has_permission_decorator, is_identity,
    is_identity_term, mentions_identity, tests_role, visit_expr,
};
use super::sensitive::{is_personal, is_sensitive, words};
use super::RuleChecks;
use crate::analyze::term::{Term, TermId};
use crate::analyze::{Checker, Depth, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::last_segment;
use crate::index::{ClassId, FuncId, Kind, Origin, ProjectIndex, QUERY_ONE};
use crate::registry::Rule;
use crate::source::FileId;
use rustc_hash::FxHashMap;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CALL
        .with(NodeKinds::COMPARE)
        .with(NodeKinds::IF)
        .with(NodeKinds::ASSERT)
        .with(NodeKinds::ASSIGN),
    project: Some(project),
};

/// Deferred notes: a lookup (terms: the call, then its keys), and ownership evidence in a
/// function.
const LOOKUP: &str = "lookup";
/// A lookup that changes or deletes what it selects: `query.filter_by(id=...).delete()`.
const LOOKUP_WRITE: &str = "lookup-write";
const CHECKED: &str = "checked";
/// A record of the function is changed or deleted (terms: the record).
const WRITE: &str = "write";
/// `sql-lookup:TABLE:read|write` (terms: the keys bound to the statement's placeholders) and
/// `sql-owned:TABLE:COLUMN` (no terms): raw SQL that picks a row by a key, and raw SQL that
/// filters a table by an ownership column.
const SQL_LOOKUP: &str = "sql-lookup:";
const SQL_OWNED: &str = "sql-owned:";
/// The suffix of a Mongo lookup whose projection includes public fields only.
const PUBLIC_PROJECTION: &str = ":public";
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

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    if checker.current_function().is_none() {
        return;
    }
    match node {
        Node::Expr(expr @ Expr::Call(call)) => {
            match &*call.func {
                Expr::Attribute(attr) => {
                    let method = attr.attr.id.as_str();
                    // `fetchone` is a DB-API cursor's: the rows of raw SQL, not a model.
                    if QUERY_ONE.contains(&method) && method != "fetchone" {
                        lookup(checker, expr, call, Some(&attr.value), method);
                        return;
                    }
                    // `User.query.filter_by(id=user_id).delete()`: a lookup that writes.
                    if method == "delete" && call.arguments.args.len() == 1 {
                        // `db.session.delete(user)`
                        if checker.source(attr.value.range()).ends_with("session") {
                            let term = checker.term(&call.arguments.args[0]);
                            record_write(checker, term);
                        }
                        return;
                    }
                    if matches!(method, "delete" | "update") {
                        lookup(checker, expr, call, Some(&attr.value), method);
                        return;
                    }
                    if MONGO_ONE.contains(&method) || MONGO_FILTERING.contains(&method) {
                        mongo_call(checker, call, &attr.value, method);
                        return;
                    }
                    if matches!(method, "execute" | "fetch" | "fetchrow" | "fetchval") {
                        raw_sql_lookup(checker, call);
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
                // `setattr(user, field, value)` changes the record.
                Expr::Name(name) if name.id.as_str() == "setattr" => {
                    if let Some(object) = call.arguments.args.first() {
                        let term = checker.term(object);
                        record_write(checker, term);
                    }
                }
                _ => {}
            }
            if checks_permission(checker, call) {
                mark_checked(checker);
            }
        }
        Node::Expr(Expr::Compare(compare)) => {
            let operands = || std::iter::once(&*compare.left).chain(compare.comparators.iter());
            let scoping = operands()
                .any(|operand| is_identity(operand) || names_scoping_attribute(operand))
                || operands().any(|operand| {
                    // `if user_id != uid` with `uid = get_jwt_identity()` above.
                    matches!(operand, Expr::Name(_)) && {
                        let term = checker.term(operand);
                        is_identity_term(checker.terms(), term)
                    }
                });
            if scoping {
                mark_checked(checker);
            }
        }
        // A role check (`if not current_user.is_admin`, `if not can_edit(post)`) or a test of the
        // identity. A denial (`abort(403)`, `return ..., 401`) under any other test is a login
        // check, and proves nothing about the record.
        Node::Stmt(
            Stmt::If(ast::StmtIf { test, .. }) | Stmt::Assert(ast::StmtAssert { test, .. }),
        ) if mentions_identity(test) || tests_role(checker, test) => {
            mark_checked(checker);
        }
        // `user.email = ...` changes the record.
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                if let Expr::Attribute(attr) = target {
                    if matches!(&*attr.value, Expr::Name(_)) {
                        let term = checker.term(&attr.value);
                        record_write(checker, term);
                    }
                }
            }
        }
        _ => {}
    }
}

/// A record of the function is changed or deleted (terms: the record).
fn record_write(checker: &mut Checker<'_>, term: TermId) {
    if term.is_interesting() {
        checker.defer(
            Rule::UnscopedObjectLookup,
            flaskcheck_python::TextRange::default(),
            vec![term],
            WRITE,
        );
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

/// `post.owner_id`, `Post.user`, `post.published`: an attribute that scopes by owner or
/// visibility.
fn names_scoping_attribute(expr: &Expr) -> bool {
    let mut found = false;
    visit_expr(expr, &mut |expr| match expr {
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
    // Each expression with whether `is_identity` has already seen it, as part of the chain
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
                                || mentions_identity(&keyword.value)
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
                            if names_scoping_attribute(arg) || mentions_identity(arg) {
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
                if !seen && is_identity(expr) {
                    scoped = true;
                }
                pending.push((&inner.value, true));
            }
            Expr::Name(_) if !seen && is_identity(expr) => scoped = true,
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
        let note = if matches!(method, "delete" | "update") {
            LOOKUP_WRITE
        } else {
            LOOKUP
        };
        checker.defer(Rule::UnscopedObjectLookup, call.range(), terms, note);
    }
}

/// `cursor.execute("SELECT ... FROM orders WHERE id = %s", (order_id,))`: records the lookup
/// (the values bound to the statement) unless an ownership column is in its `WHERE`; a `WHERE`
/// on an ownership column is evidence that the table is owned.
fn raw_sql_lookup(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let Some(Expr::StringLiteral(sql)) = call.arguments.args.first() else {
        return;
    };
    let Some(statement) = SqlLookup::parse(sql.value.to_str()) else {
        return;
    };
    if let Some(owner) = &statement.owner {
        let note = format!("{SQL_OWNED}{}:{owner}", statement.table);
        checker.defer(Rule::UnscopedObjectLookup, call.range(), Vec::new(), note);
        return;
    }
    if !statement.by_key {
        return;
    }
    let mut keys = Vec::new();
    match call.arguments.args.get(1) {
        Some(Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. })) => {
            keys.extend(elts.iter().map(|elt| checker.term(elt)));
        }
        Some(Expr::Dict(dict)) => {
            keys.extend(dict.items.iter().map(|item| checker.term(&item.value)));
        }
        Some(other) => keys.push(checker.term(other)),
        None => {}
    }
    keys.retain(|key| key.is_interesting());
    if keys.is_empty() {
        return;
    }
    let kind = if statement.writes { "write" } else { "read" };
    let note = format!("{SQL_LOOKUP}{}:{kind}", statement.table);
    checker.defer(Rule::UnscopedObjectLookup, call.range(), keys, note);
}

/// What a raw SQL statement picks: its table, whether its `WHERE` compares a key column or an
/// ownership column with a placeholder, and whether it changes rows.
#[derive(Debug, PartialEq, Eq)]
struct SqlLookup {
    table: String,
    by_key: bool,
    owner: Option<String>,
    writes: bool,
}

impl SqlLookup {
    fn parse(sql: &str) -> Option<SqlLookup> {
        let lower = sql.to_ascii_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | ';'))
            .filter(|word| !word.is_empty())
            .collect();
        let first = *words.first()?;
        let writes = matches!(first, "update" | "delete");
        let table_at = match first {
            "select" | "delete" => words.iter().position(|&w| w == "from")? + 1,
            "update" => 1,
            _ => return None,
        };
        let table = words.get(table_at)?.trim_matches(|c| c == '"' || c == '`');
        let where_at = words.iter().position(|&w| w == "where")?;
        let mut by_key = false;
        let mut owner = None;
        // `column = placeholder`, written with or without spaces around `=`.
        let condition = words[where_at + 1..].join(" ").replace(" = ", "=");
        for comparison in condition.split_whitespace() {
            let Some((column, value)) = comparison.split_once('=') else {
                continue;
            };
            let is_placeholder = matches!(value, "%s" | "?")
                || value.starts_with(':')
                || value.starts_with("%(")
                || value.starts_with('$');
            if !is_placeholder {
                continue;
            }
            let column = column.rsplit('.').next().unwrap_or(column);
            if OWNER_COLUMNS.contains(&column) {
                owner = Some(column.to_string());
            } else if is_key_name(column) {
                by_key = true;
            }
        }
        (!table.is_empty()).then(|| SqlLookup {
            table: table.to_string(),
            by_key,
            owner,
            writes,
        })
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
        let public = if projects_public_fields_only(call) {
            PUBLIC_PROJECTION
        } else {
            ""
        };
        let note = format!("{MONGO_LOOKUP}{method}:{collection}{public}");
        checker.defer(Rule::UnscopedObjectLookup, call.range(), terms, note);
    }
}

/// `find_one(filter, {"name": 1, "avatar": 1})`: a projection that includes named fields, none of
/// them private. (An exclusion such as `{"password": 0}` sends every other field.)
fn projects_public_fields_only(call: &ast::ExprCall) -> bool {
    let projection = call
        .arguments
        .args
        .get(1)
        .or_else(|| call.arguments.find_keyword("projection").map(|k| &k.value));
    let Some(Expr::Dict(dict)) = projection else {
        return false;
    };
    !dict.items.is_empty()
        && dict.items.iter().all(|item| {
            let included = match &item.value {
                Expr::BooleanLiteral(b) => b.value,
                Expr::NumberLiteral(n) => {
                    !matches!(&n.value, ast::Number::Int(i) if i.as_u8() == Some(0))
                }
                _ => false,
            };
            match &item.key {
                Some(Expr::StringLiteral(key)) => {
                    let key = key.value.to_str();
                    key == "_id" && !included || included && !is_private_field(key)
                }
                _ => false,
            }
        })
}

/// A field a user record's owner alone should see: a secret (the vocabulary FC106 uses) or
/// contact data.
fn is_private_field(name: &str) -> bool {
    is_sensitive(name) || is_personal(name)
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
                    mentions_identity(&item.value),
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
        let sql = record.note.strip_prefix(SQL_LOOKUP);
        let writes = &*record.note == LOOKUP_WRITE;
        if mongo.is_none() && sql.is_none() && &*record.note != LOOKUP && !writes {
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
        if let Some(sql) = sql {
            report_sql_lookup(ctx, record, function, sql, &user_tables);
            continue;
        }
        let Some((&call, keys)) = record.terms.split_first() else {
            continue;
        };
        if let Some(mongo) = mongo {
            report_mongo_lookup(ctx, record, function, mongo, call, keys);
            continue;
        }
        // A lookup that writes (`query.filter_by(id=...).delete()`) is judged by its query.
        let selected = match (writes, facts.terms.get(call)) {
            (true, Term::Call(term)) => match facts.terms.get(term.callee) {
                Term::Attr(query, _) => *query,
                _ => call,
            },
            _ => call,
        };
        let loaded = ctx.evaluator.eval(file, selected);
        let Some(model) = loaded.iter().find_map(|fact| match fact.kind {
            Kind::Instance(class) | Kind::Query(class) if index.is_model(class) => Some(class),
            _ => None,
        }) else {
            continue;
        };
        let function_facts = index.function(function);
        let user_record = is_user_model(index, model, &user_tables);
        let owner = if user_record {
            None
        } else {
            match ownership(index, model, &user_tables) {
                Some(owner) => Some(owner),
                None => continue,
            }
        };
        let Some(source) = keys
            .iter()
            .find_map(|&key| key_source(ctx, function, key, 4))
        else {
            continue;
        };
        let model_name = &index.class(model).name;
        let verb = if writes { "changed" } else { "loaded" };
        match owner {
            Some(owner) => {
                ctx.report(
                    record.range,
                    format!(
                        "`{model_name}` (owned through `{owner}`) is {verb} by {source}, and nothing in `{}` checks that it belongs to the current user",
                        function_facts.name
                    ),
                )
                .help = Some(format!(
                    "scope the query to the owner (`filter_by(id=..., {owner}=current_user.id)`) or compare `{}.{owner}` with the current user and `abort(403)`",
                    model_name.to_lowercase()
                ));
            }
            None => {
                if !authenticates(index) {
                    continue;
                }
                let origin = Origin {
                    file,
                    range: record.range,
                };
                let exposure = if writes {
                    Some("changes or deletes it".to_string())
                } else {
                    user_record_exposure(ctx, local, function, origin, Some(model))
                };
                let Some(exposure) = exposure else { continue };
                ctx.report(
                    record.range,
                    format!(
                        "the user record `{model_name}` is {verb} by {source} and `{}` {exposure}, without comparing it with the current user or checking a role: any logged-in client can pick another user's record",
                        function_facts.name
                    ),
                )
                .help = Some(
                    "load the record by the identity (`current_user`, `get_jwt_identity()`), or compare the key with it (or check an admin role) and `abort(403)`".into(),
                );
            }
        }
    }
}

/// What a view does with a user record it loaded at `origin` that only its owner (or an admin)
/// should: sends a private field (a secret, contact data) or the whole record, changes it, or
/// deletes it. `model` is the record's model (`None` for a Mongo document).
fn user_record_exposure(
    ctx: &mut ProjectContext<'_, '_, '_>,
    local: crate::analyze::LocalId,
    function: FuncId,
    origin: Origin,
    model: Option<ClassId>,
) -> Option<String> {
    let file = ctx.file_id();
    let loaded_here = |fact: &crate::index::Fact, model: Option<ClassId>| match fact.kind {
        Kind::Instance(class) | Kind::AttrDict(class) => {
            model == Some(class) && fact.origin.is_none_or(|o| o == origin)
        }
        Kind::MongoDocument { .. } => model.is_none() && fact.origin == Some(origin),
        _ => false,
    };
    // Changed or deleted: `user.email = ...`, `setattr(user, ...)`, `db.session.delete(user)`.
    let writes: Vec<TermId> = ctx
        .analysis
        .facts
        .deferred
        .iter()
        .filter(|record| {
            record.rule == Rule::UnscopedObjectLookup
                && record.function == Some(local)
                && &*record.note == WRITE
        })
        .filter_map(|record| record.terms.first().copied())
        .collect();
    for term in writes {
        let value = ctx.evaluator.eval(file, term);
        if value
            .iter()
            .any(|fact| loaded_here(fact, model) && fact.origin == Some(origin))
        {
            return Some("changes or deletes it".into());
        }
    }
    // Sent: the whole record, or a private field of it.
    let responses = ctx.responses().to_vec();
    for response in responses.iter().filter(|r| r.function == Some(function)) {
        for fact in response.value.iter() {
            if loaded_here(fact, model) && fact.origin.is_some() {
                return Some(format!("sends it whole through {}", response.via));
            }
            if let Kind::Method(receiver, field) = &fact.kind {
                if loaded_here(receiver, model) && is_private_field(field) {
                    return Some(format!("sends its `{field}` through {}", response.via));
                }
            }
        }
    }
    None
}

/// The user model: what the project's user loaders return, a model on a user table, or one
/// named for a user (`User`, `Account`, `Customer`, `Member`, `AppUser`).
fn is_user_model(index: &ProjectIndex<'_>, model: ClassId, user_tables: &[String]) -> bool {
    let name = &index.class(model).name;
    let table = table_name(index, model);
    if user_tables
        .iter()
        .any(|t| t.eq_ignore_ascii_case(&table) || t.eq_ignore_ascii_case(name))
    {
        return true;
    }
    let words = words(name);
    words.len() <= 2
        && matches!(
            words.last().map(String::as_str),
            Some("user" | "account" | "customer" | "member")
        )
}

/// Collections that hold user records.
fn is_user_collection(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "user" | "users" | "account" | "accounts" | "customer" | "customers" | "member" | "members"
    )
}

/// A single-document Mongo call in an unguarded view: reported when the receiver is a
/// collection, some query in the project filters that collection by an owner (or it holds user
/// records), and a key came from the client.
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
    let (collection, public_projection) = match collection.strip_suffix(PUBLIC_PROJECTION) {
        Some(collection) => (collection, true),
        None => (collection, false),
    };
    let file = ctx.file_id();
    if !is_collection(ctx, file, receiver) {
        return;
    }
    let owner = collection_owner(ctx, collection);
    if owner.is_none() && !(is_user_collection(collection) && authenticates(ctx.index)) {
        return;
    }
    let function_facts = ctx.index.function(function);
    let Some(source) = keys
        .iter()
        .find_map(|&key| key_source(ctx, function, key, 4))
    else {
        return;
    };
    let Some(owner) = owner else {
        let Some(local) = record.function else { return };
        let origin = Origin {
            file,
            range: record.range,
        };
        let exposure = if !matches!(method, "find_one" | "find_one_or_404") {
            Some("changes or deletes it".to_string())
        } else if public_projection {
            None
        } else {
            user_record_exposure(ctx, local, function, origin, None)
        };
        let Some(exposure) = exposure else { return };
        ctx.report(
            record.range,
            format!(
                "`{method}()` picks a user record of the `{collection}` collection by {source} and `{}` {exposure}, without comparing it with the current user or checking a role: any client can pick another user's record",
                function_facts.name
            ),
        )
        .help = Some(
            "load the record by the identity, or compare the key with it (or check an admin role) and `abort(403)`; project public fields only (`{\"name\": 1}`)".into(),
        );
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

/// Raw SQL that picks a row of an owned table (or changes a user's row) by a key the client
/// chose, in an unguarded view.
fn report_sql_lookup(
    ctx: &mut ProjectContext<'_, '_, '_>,
    record: &crate::analyze::Deferred,
    function: FuncId,
    note: &str,
    user_tables: &[String],
) {
    let Some((table, kind)) = note.rsplit_once(':') else {
        return;
    };
    let Some(source) = record
        .terms
        .iter()
        .find_map(|&key| key_source(ctx, function, key, 4))
    else {
        return;
    };
    let name = &ctx.index.function(function).name;
    if let Some(owner) = table_owner(ctx, table) {
        ctx.report(
            record.range,
            format!(
                "raw SQL picks a row of the `{table}` table (owned through `{owner}`) by {source}, and nothing in `{name}` checks that it belongs to the current user"
            ),
        )
        .help = Some(format!(
            "add `AND {owner} = %s` with the current user's id to the statement, or compare the row's `{owner}` with the current user and `abort(403)`"
        ));
        return;
    }
    let user_table = user_tables.iter().any(|t| t.eq_ignore_ascii_case(table));
    if user_table && kind == "write" && authenticates(ctx.index) {
        ctx.report(
            record.range,
            format!(
                "raw SQL changes or deletes a user record of the `{table}` table chosen by {source}, and `{name}` neither compares it with the current user nor checks a role"
            ),
        )
        .help = Some(
            "use the identity (`current_user.id`, `get_jwt_identity()`) as the key, or compare the key with it (or check an admin role) and `abort(403)`".into(),
        );
    }
}

/// The ownership column of a table: from a model mapped to it, or from raw SQL anywhere in the
/// project that filters it by one.
fn table_owner(ctx: &mut ProjectContext<'_, '_, '_>, table: &str) -> Option<String> {
    let index = ctx.index;
    let file_count = ctx.file_count();
    let owners = index.memo("FC301.table-owners", |index| {
        let mut owners: FxHashMap<String, String> = FxHashMap::default();
        for file in 0..file_count {
            let Some(facts) = index.facts(FileId(u32::try_from(file).unwrap_or(u32::MAX))) else {
                continue;
            };
            for record in &facts.deferred {
                if record.rule != Rule::UnscopedObjectLookup {
                    continue;
                }
                if let Some((table, column)) = record
                    .note
                    .strip_prefix(SQL_OWNED)
                    .and_then(|rest| rest.split_once(':'))
                {
                    owners
                        .entry(table.to_string())
                        .or_insert_with(|| column.to_string());
                }
            }
        }
        owners
    });
    if let Some(owner) = owners.get(table) {
        return Some(owner.clone());
    }
    let user_tables = user_tables(ctx);
    (0..index.class_count())
        .map(|id| ClassId(id as u32))
        .filter(|&class| index.is_model(class) && table_name(index, class) == table)
        .find_map(|class| ownership(index, class, &user_tables))
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

/// Where a key comes from, when the client chose it: a parameter the client fills (a route
/// variable, a GraphQL argument...) or request data. Looks through conversions (`int(post_id)`,
/// `UUID(key)`).
fn key_source(
    ctx: &mut ProjectContext<'_, '_, '_>,
    function: FuncId,
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
                let params = &ctx.index.function(function).params;
                if let (Some(name), Some(client)) = (
                    params.get(*position as usize),
                    ctx.index.client_param(function, *position),
                ) {
                    return Some(client.source.describe(name));
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
                last_segment(symbol),
                "int" | "str" | "UUID" | "ObjectId" | "uuid" | "escape" | "strip"
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_raw_sql_lookups() {
        let lookup = SqlLookup::parse("SELECT id, total FROM orders WHERE id = %s").unwrap();
        assert_eq!(
            lookup,
            SqlLookup {
                table: "orders".into(),
                by_key: true,
                owner: None,
                writes: false
            }
        );
        let scoped = SqlLookup::parse("select * from orders o where o.id=? and o.user_id = ?");
        assert_eq!(scoped.unwrap().owner.as_deref(), Some("user_id"));
        let delete = SqlLookup::parse("DELETE FROM users WHERE id = :id").unwrap();
        assert!(delete.writes && delete.by_key && delete.table == "users");
        assert!(
            !SqlLookup::parse("SELECT id FROM orders WHERE status = 'open'")
                .unwrap()
                .by_key
        );
        assert_eq!(SqlLookup::parse("CREATE TABLE orders (id int)"), None);
    }
}
