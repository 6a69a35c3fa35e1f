//! FC201 mass-assignment: rules/FC201.md.
//!
//! The `ast` check matches the shapes that apply a mapping to an object in bulk and defers their
//! terms; the `project` check decides whether the object is a model (or a Mongo collection, or a
//! MongoEngine document) and whether the mapping is the *whole* of the request data, rather than
//! fields taken from it one by one or a dict filtered through an allow-list.
//!
//! Shapes (the note of each deferred record names its shape):
//! - `Model(**data)`, `obj.update(**data)`, `Model.create(**data)`;
//! - `obj.__dict__.update(data)`, `query.update(data)`, `obj.update(data)`;
//! - `setattr(obj, key, value)` in a `for` loop over the data's keys or items, unless an
//!   `if key in ALLOWED` guard (or `if key not in ALLOWED: continue`, Depth::MAX) comes first;
//! - `insert_one(data)`, `insert_many(data)`, `replace_one(q, data)`,
//!   `update_one|update_many(q, {"$set": data})` and the `find_one_and_*` forms.

use flaskcheck_python::ast::name::Name;
use flaskcheck_python::ast::{self as ast, CmpOp, Expr, Stmt, UnaryOp};
use flaskcheck_python::Ranged;

use super::flow;
use super::source_text::one_line;
use super::RuleChecks;
use crate::analyze::term::CallTerm;
use crate::analyze::{target_names, Checker, Depth, Node, NodeKinds, Term, TermId};
use crate::check::ProjectContext;
use crate::index::{ClassId, Kind, Value};
use crate::registry::Rule;
use crate::source::FileId;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(record),
    ast_kinds: NodeKinds::CALL
        .with(NodeKinds::FOR)
        .with(NodeKinds::FUNCTION_DEF),
    project: Some(check),
};

/// Separates a deferred record's shape from the source text of its target in the note.
const SEP: char = '\u{1f}';

/// Mongo collection methods that write a document, and the position of the document.
const MONGO_WRITES: &[(&str, usize, &str)] = &[
    ("insert_one", 0, "document"),
    ("insert_many", 0, "documents"),
    ("insert", 0, "doc_or_docs"),
    ("replace_one", 1, "replacement"),
    ("find_one_and_replace", 1, "replacement"),
    ("update_one", 1, "update"),
    ("update_many", 1, "update"),
    ("find_one_and_update", 1, "update"),
];

/// Update operators whose value sets fields from a mapping.
const SETTING_OPERATORS: &[&str] = &["$set", "$setOnInsert"];

/// The note of a record marking an `__init__` that takes named parameters only.
const EXPLICIT_INIT: &str = "explicit __init__";

fn record(checker: &mut Checker<'_>, node: Node<'_>) {
    match node {
        Node::Expr(Expr::Call(call)) => record_call(checker, call),
        Node::Stmt(Stmt::For(stmt)) => record_setattr_loop(checker, stmt),
        // `def __init__(self, name, email)`: `Model(**data)` accepts those names only.
        Node::Stmt(Stmt::FunctionDef(def))
            if def.name.id.as_str() == "__init__" && def.parameters.kwarg.is_none() =>
        {
            checker.defer(Rule::MassAssignment, def.range, Vec::new(), EXPLICIT_INIT);
        }
        _ => {}
    }
}

fn defer(
    checker: &mut Checker<'_>,
    call: &ast::ExprCall,
    shape: &str,
    target: &Expr,
    terms: Vec<TermId>,
) {
    let text = one_line(checker.source(target.range()));
    checker.defer(
        Rule::MassAssignment,
        call.range(),
        terms,
        format!("{shape}{SEP}{text}"),
    );
}

fn record_call(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    // `X(**data)`, `obj.update(**data)`, `Model.create(**data)`.
    if let Some(spread) = call.arguments.keywords.iter().find(|k| k.arg.is_none()) {
        match &*call.func {
            Expr::Attribute(attr) if matches!(attr.attr.id.as_str(), "update" | "create") => {
                let receiver = checker.term(&attr.value);
                let data = checker.term(&spread.value);
                let shape = attr.attr.id.as_str();
                defer(checker, call, shape, &attr.value, vec![receiver, data]);
            }
            Expr::Name(_) | Expr::Attribute(_) => {
                let callee = checker.term(&call.func);
                let data = checker.term(&spread.value);
                defer(checker, call, "construct", &call.func, vec![callee, data]);
            }
            _ => {}
        }
        return;
    }
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    let method = attr.attr.id.as_str();
    if method == "update" {
        let Some(data) = call.arguments.args.first() else {
            return;
        };
        if call.arguments.args.len() != 1 {
            return;
        }
        // `obj.__dict__.update(data)`
        if let Expr::Attribute(inner) = &*attr.value {
            if inner.attr.id.as_str() == "__dict__" {
                let receiver = checker.term(&inner.value);
                let data = checker.term(data);
                defer(
                    checker,
                    call,
                    "__dict__",
                    &inner.value,
                    vec![receiver, data],
                );
                return;
            }
        }
        // `query.update(data)`, `user.update(data)`
        if matches!(
            data,
            Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_) | Expr::Subscript(_)
        ) {
            let receiver = checker.term(&attr.value);
            let data = checker.term(data);
            defer(
                checker,
                call,
                "update-mapping",
                &attr.value,
                vec![receiver, data],
            );
        }
        return;
    }
    let Some(&(_, position, keyword)) = MONGO_WRITES.iter().find(|(name, _, _)| *name == method)
    else {
        return;
    };
    let Some(document) = call
        .arguments
        .args
        .get(position)
        .or_else(|| call.arguments.find_keyword(keyword).map(|k| &k.value))
    else {
        return;
    };
    let mut data = Vec::new();
    let is_update = keyword == "update";
    document_terms(checker, document, is_update, &mut data, Depth::MAX);
    if data.is_empty() {
        return;
    }
    let receiver = checker.term(&attr.value);
    data.insert(0, receiver);
    defer(checker, call, method, &attr.value, data);
}

/// The parts of a Mongo document argument that may hold a whole mapping from the request: a
/// non-literal document itself, the `**` spreads of a dict literal, the items of a list literal
/// (`insert_many`), and for updates the value of `$set`/`$setOnInsert`.
fn document_terms(
    checker: &mut Checker<'_>,
    document: &Expr,
    is_update: bool,
    out: &mut Vec<TermId>,
    depth: Depth,
) {
    let Some(depth) = depth.deeper() else {
        return;
    };
    match document {
        Expr::Dict(dict) => {
            for item in &dict.items {
                match &item.key {
                    None => out.push(checker.term(&item.value)),
                    Some(Expr::StringLiteral(key))
                        if is_update && SETTING_OPERATORS.contains(&key.value.to_str()) =>
                    {
                        document_terms(checker, &item.value, false, out, depth);
                    }
                    _ => {}
                }
            }
        }
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            for elt in elts {
                document_terms(checker, elt, is_update, out, depth);
            }
        }
        Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_) | Expr::Subscript(_) => {
            let term = checker.term(document);
            if term.is_interesting() {
                out.push(term);
            }
        }
        _ => {}
    }
}

/// `for key, value in data.items(): setattr(obj, key, value)` without an allow-list guard.
fn record_setattr_loop(checker: &mut Checker<'_>, stmt: &ast::StmtFor) {
    if is_constant_collection(&stmt.iter) {
        return;
    }
    let targets = target_names(&stmt.target);
    if targets.is_empty() {
        return;
    }
    let iter_root = root_name(&stmt.iter);
    let mut found: Vec<&ast::ExprCall> = Vec::new();
    scan_block(&stmt.body, &targets, iter_root, &mut found, Depth::MAX);
    if found.is_empty() {
        return;
    }
    let iter = checker.term(&stmt.iter);
    for call in found {
        if checker.qualified_name(&call.func).as_deref() != Some("builtins.setattr") {
            continue;
        }
        let object = &call.arguments.args[0];
        let receiver = checker.term(object);
        defer(checker, call, "setattr", object, vec![receiver, iter]);
    }
}

/// The name an expression starts from: `data` in `data.items()`.
fn root_name(mut expr: &Expr) -> Option<&str> {
    loop {
        expr = match expr {
            Expr::Name(name) => return Some(name.id.as_str()),
            Expr::Attribute(attr) => &attr.value,
            Expr::Call(call) => &call.func,
            Expr::Subscript(subscript) => &subscript.value,
            _ => return None,
        };
    }
}

/// Finds unguarded `setattr(obj, key, ...)` calls in a loop body, `key` being a loop target.
/// Nested loops are matched on their own.
fn scan_block<'e>(
    body: &'e [Stmt],
    targets: &[&Name],
    iter_root: Option<&str>,
    found: &mut Vec<&'e ast::ExprCall>,
    depth: Depth,
) {
    let Some(depth) = depth.deeper() else {
        return;
    };
    for stmt in body {
        match stmt {
            Stmt::Expr(expr) => {
                if let Expr::Call(call) = &*expr.value {
                    if is_setattr_of_target(call, targets) {
                        found.push(call);
                    }
                }
            }
            Stmt::If(stmt_if) => {
                let guard = guard(&stmt_if.test, targets, iter_root, Depth::MAX);
                // `if key in ALLOWED:` guards its body; `if key not in ALLOWED: continue` guards
                // the rest of the block and the `else`.
                if guard != Some(true) {
                    scan_block(&stmt_if.body, targets, iter_root, found, depth);
                }
                // `break` ends the loop over keys: the key is not applied after it.
                let negative_exit = guard == Some(false) && flow::ends_block(&stmt_if.body, true);
                for clause in &stmt_if.elif_else_clauses {
                    if guard == Some(false) && clause.test.is_none() {
                        continue;
                    }
                    let clause_guard = clause
                        .test
                        .as_ref()
                        .and_then(|test| self::guard(test, targets, iter_root, Depth::MAX));
                    if clause_guard != Some(true) {
                        scan_block(&clause.body, targets, iter_root, found, depth);
                    }
                }
                if negative_exit {
                    return;
                }
            }
            Stmt::With(with) => scan_block(&with.body, targets, iter_root, found, depth),
            Stmt::Try(try_stmt) => {
                scan_block(&try_stmt.body, targets, iter_root, found, depth);
                for ast::ExceptHandler::ExceptHandler(handler) in &try_stmt.handlers {
                    scan_block(&handler.body, targets, iter_root, found, depth);
                }
                scan_block(&try_stmt.orelse, targets, iter_root, found, depth);
                scan_block(&try_stmt.finalbody, targets, iter_root, found, depth);
            }
            _ => {}
        }
    }
}

fn is_setattr_of_target(call: &ast::ExprCall, targets: &[&Name]) -> bool {
    matches!(&*call.func, Expr::Name(name) if name.id.as_str() == "setattr")
        && call.arguments.args.len() == 3
        && call.arguments.keywords.is_empty()
        && matches!(&call.arguments.args[1], Expr::Name(key) if targets.contains(&&key.id))
}

/// `Some(true)` for `key in ALLOWED` (possibly within an `and`), `Some(false)` for
/// `key not in ALLOWED`, where `ALLOWED` is not every attribute of the object (`obj.__dict__`,
/// `Model.__table__.columns`, `dir(obj)`) nor the data being iterated.
fn guard(test: &Expr, targets: &[&Name], iter_root: Option<&str>, depth: Depth) -> Option<bool> {
    let depth = depth.deeper()?;
    match test {
        Expr::BoolOp(boolop) if boolop.op == ast::BoolOp::And => boolop
            .values
            .iter()
            .find_map(|value| guard(value, targets, iter_root, depth).filter(|&positive| positive)),
        Expr::BoolOp(boolop) if boolop.op == ast::BoolOp::Or => {
            boolop.values.iter().find_map(|value| {
                guard(value, targets, iter_root, depth).filter(|&positive| !positive)
            })
        }
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
            guard(&unary.operand, targets, iter_root, depth).map(|positive| !positive)
        }
        Expr::Compare(compare) if compare.ops.len() == 1 => {
            let positive = match compare.ops[0] {
                CmpOp::In => true,
                CmpOp::NotIn => false,
                _ => return None,
            };
            let Expr::Name(key) = &*compare.left else {
                return None;
            };
            if !targets.contains(&&key.id) {
                return None;
            }
            let collection = &compare.comparators[0];
            if is_every_attribute(collection)
                || (iter_root.is_some() && root_name(collection) == iter_root)
            {
                return None;
            }
            Some(positive)
        }
        _ => None,
    }
}

/// A collection of every attribute or column of an object: not an allow-list.
fn is_every_attribute(mut expr: &Expr) -> bool {
    // Down the chain: `Model.__table__.columns.keys()` is every column at any link.
    loop {
        expr = match expr {
            Expr::Attribute(attr) => {
                if matches!(
                    attr.attr.id.as_str(),
                    "__dict__"
                        | "__table__"
                        | "__mapper__"
                        | "__annotations__"
                        | "columns"
                        | "c"
                        | "attrs"
                        | "column_attrs"
                        | "__fields__"
                        | "model_fields"
                ) {
                    return true;
                }
                &attr.value
            }
            Expr::Call(call) => {
                if matches!(
                    callee_name(&call.func),
                    Some("dir" | "vars" | "inspect" | "class_mapper" | "object_mapper")
                ) {
                    return true;
                }
                &call.func
            }
            _ => return false,
        };
    }
}

fn check(ctx: &mut ProjectContext<'_, '_, '_>) {
    let file = ctx.file_id();
    for record in ctx.deferred() {
        let Some((shape, target_text)) = record.note.split_once(SEP) else {
            continue;
        };
        let Some((&target, data)) = record.terms.split_first() else {
            continue;
        };
        let target_value = ctx.evaluator.eval(file, target);
        let Some(target) = describe_target(ctx, shape, &target_value, target_text) else {
            continue;
        };
        let view = record
            .function
            .map(|local| ctx.index.function_id(file, local));
        let Some(source) = data.iter().find_map(|&term| {
            whole_client_param(ctx, view, term)
                .or_else(|| whole_request(ctx, file, term, true, None, BUDGET))
        }) else {
            continue;
        };
        let (message, help) = match target {
            Target::Model(name) => (
                match shape {
                    "construct" => format!("`{name}` is built from the whole of `{source}` (`{name}(**...)`): the client chooses which attributes are set"),
                    "create" => format!("`{name}.create(**...)` is given the whole of `{source}`: the client chooses which attributes are set"),
                    "update" => format!("`.update(**...)` applies the whole of `{source}` to `{name}`: the client chooses which attributes are set"),
                    "setattr" => format!("every key of `{source}` is set on `{name}` with `setattr` in a loop: the client chooses which attributes are set"),
                    "__dict__" => format!("`{source}` is written into the `__dict__` of `{name}`: the client chooses which attributes are set"),
                    _ => format!("`.update(...)` applies the whole of `{source}` to `{name}`: the client chooses which attributes are set"),
                },
                "take the fields the endpoint allows one by one, or load the data through a schema (marshmallow `load`, a pydantic model) or a dict filtered by an allow-list",
            ),
            Target::Collection(name) => (
                format!("the whole of `{source}` is written into Mongo collection `{name}` with `{shape}()`: the client chooses every field of the stored document"),
                "build the document from the fields the endpoint allows, or validate the data through a schema first",
            ),
        };
        ctx.report(record.range, message).help = Some(help.into());
    }
}

enum Target {
    Model(String),
    Collection(String),
}

/// What the data is applied to, when it is something this rule is about.
fn describe_target(
    ctx: &mut ProjectContext<'_, '_, '_>,
    shape: &str,
    value: &Value,
    text: &str,
) -> Option<Target> {
    for fact in value.iter() {
        let found = match (&fact.kind, shape) {
            (Kind::Class(class), "construct" | "create")
                if is_document_class(ctx, *class) && !has_explicit_init(ctx, *class) =>
            {
                Some(Target::Model(ctx.index.class(*class).name.to_string()))
            }
            (Kind::Instance(class), "update" | "update-mapping" | "__dict__" | "setattr")
            | (Kind::Query(class), "update-mapping")
                if is_document_class(ctx, *class) =>
            {
                Some(Target::Model(ctx.index.class(*class).name.to_string()))
            }
            (Kind::MongoCollection, _)
                if !matches!(
                    shape,
                    "construct" | "update" | "create" | "__dict__" | "setattr" | "update-mapping"
                ) =>
            {
                let name = text.rsplit(['.', '[']).next().unwrap_or(text);
                let name = name.trim_matches(|c| matches!(c, '"' | '\'' | ']'));
                Some(Target::Collection(name.to_string()))
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The class (or a project ancestor) defines `__init__` with named parameters and no
/// `**kwargs`: its signature is the allow-list.
fn has_explicit_init(ctx: &ProjectContext<'_, '_, '_>, class: ClassId) -> bool {
    let Some(init) = ctx.index.method(class, "__init__") else {
        return false;
    };
    let function = ctx.index.function(init);
    ctx.index
        .facts(ctx.index.function_file(init))
        .is_some_and(|facts| {
            facts.deferred.iter().any(|deferred| {
                deferred.rule == Rule::MassAssignment
                    && deferred.range == function.range
                    && &*deferred.note == EXPLICIT_INIT
            })
        })
}

/// A SQLAlchemy model, or a MongoEngine document.
fn is_document_class(ctx: &mut ProjectContext<'_, '_, '_>, class: ClassId) -> bool {
    if ctx.index.is_model(class) {
        return true;
    }
    let lineage: Vec<ClassId> = ctx.index.lineage(class).collect();
    for id in lineage {
        let file = ctx.index.class_file(id);
        for &base in &ctx.index.class(id).bases {
            for fact in ctx.evaluator.eval(file, base).iter() {
                let symbol = match &fact.kind {
                    Kind::External(symbol) => &**symbol,
                    Kind::Method(receiver, name) if name.ends_with("Document") => {
                        match &receiver.kind {
                            Kind::ExternalInstance(symbol) => &**symbol,
                            _ => continue,
                        }
                    }
                    _ => continue,
                };
                let from_mongoengine =
                    symbol.starts_with("mongoengine") || symbol.starts_with("flask_mongoengine");
                if from_mongoengine {
                    return true;
                }
            }
        }
    }
    false
}

/// A parameter that holds the whole of what the client sent, undeclared: a GraphQL resolver's
/// `**kwargs`, a Connexion operation's `body`.
fn whole_client_param(
    ctx: &ProjectContext<'_, '_, '_>,
    function: Option<crate::index::FuncId>,
    term: TermId,
) -> Option<String> {
    let function = function?;
    let Term::Param(index) = ctx.analysis.facts.terms.get(term) else {
        return None;
    };
    let client = ctx.index.client_param(function, *index)?;
    if !client.whole {
        return None;
    }
    let name = ctx.index.function(function).params.get(*index as usize)?;
    Some(name.to_string())
}

/// How many function summaries deep the data is followed.
const BUDGET: u32 = 6;

/// The call a summary is being read for: its parameters' arguments.
struct Frame<'f> {
    file: FileId,
    call: &'f CallTerm,
    params: &'f [Name],
    parent: Option<&'f Frame<'f>>,
}

/// Methods of request data that return all of it.
const WHOLE_METHODS: &[&str] = &[
    "to_dict", "copy", "dict", "items", "keys", "get_json", "json",
];

/// Methods that take one entry of request data.
const ENTRY_METHODS: &[&str] = &["get", "getlist", "pop", "setdefault"];

/// Whether `term` holds the whole of the request data (rather than fields taken from it, or a
/// filtered copy), and from where. `mapping` says the context needs a mapping (`**x`, a document
/// argument): there a field of the request data that is itself a mapping
/// (`request.json["user"]`) is whole too.
fn whole_request(
    ctx: &mut ProjectContext<'_, '_, '_>,
    file: FileId,
    term: TermId,
    mapping: bool,
    frame: Option<&Frame<'_>>,
    budget: u32,
) -> Option<String> {
    if budget == 0 || !term.is_interesting() {
        return None;
    }
    let facts = ctx.index.facts(file)?;
    match facts.terms.get(term) {
        Term::Union(items) => items
            .iter()
            .find_map(|&item| whole_request(ctx, file, item, mapping, frame, budget - 1)),
        // A literal: only its items that are whole request data themselves (`{**data, ...}`).
        Term::Container(items) => items
            .iter()
            .find_map(|&item| whole_request(ctx, file, item, false, frame, budget - 1)),
        Term::Sequence(items) => items
            .iter()
            .find_map(|&item| whole_request(ctx, file, item, false, frame, budget - 1)),
        // A value under a literal key of a dict, and a dict with one key replaced or removed
        // (`data["owner_id"] = current_user.id` keeps every other key the client sent).
        Term::Keyed(_, inner) | Term::WithoutKey(inner, _) => {
            whole_request(ctx, file, *inner, mapping, frame, budget - 1)
        }
        Term::AllowListed(_) => None,
        Term::Subscript(inner, _) | Term::Element(inner) => {
            if mapping {
                whole_request(ctx, file, *inner, true, frame, budget - 1)
            } else {
                None
            }
        }
        Term::Collect(inner) => {
            // `{k: v for k, v in data.items()}`: keys taken from iterating the whole data.
            if let Term::Container(items) = facts.terms.get(*inner) {
                if items.len() == 2 {
                    let key = items[0];
                    let iterated = match facts.terms.get(key) {
                        Term::Element(iterable) => Some(*iterable),
                        Term::Subscript(element, _) => match facts.terms.get(*element) {
                            Term::Element(iterable) => Some(*iterable),
                            _ => None,
                        },
                        _ => None,
                    };
                    return iterated.and_then(|iterable| {
                        whole_request(ctx, file, iterable, true, frame, budget - 1)
                    });
                }
            }
            whole_request(ctx, file, *inner, mapping, frame, budget - 1)
        }
        Term::Param(index) => {
            let frame = frame?;
            let argument = frame.call.args.get(*index as usize).copied().or_else(|| {
                let name = frame.params.get(*index as usize)?;
                frame.call.keyword(name)
            })?;
            whole_request(ctx, frame.file, argument, mapping, frame.parent, budget - 1)
        }
        Term::Call(call) => whole_request_call(ctx, file, term, call, mapping, frame, budget),
        Term::Global(_) | Term::Attr(..) => leaf(ctx, file, term, frame),
        _ => None,
    }
}

fn whole_request_call(
    ctx: &mut ProjectContext<'_, '_, '_>,
    file: FileId,
    term: TermId,
    call: &CallTerm,
    mapping: bool,
    frame: Option<&Frame<'_>>,
    budget: u32,
) -> Option<String> {
    let facts = ctx.index.facts(file)?;
    let (receiver, name) = match facts.terms.get(call.callee) {
        Term::Attr(receiver, name) => (Some(*receiver), name.as_str()),
        Term::Global(symbol) if !symbol.starts_with("builtins.") => {
            (None, crate::index::last_segment(symbol))
        }
        _ => (None, ""),
    };
    if ENTRY_METHODS.contains(&name) || WHOLE_METHODS.contains(&name) {
        if !mapping && ENTRY_METHODS.contains(&name) {
            return None;
        }
        return match receiver {
            Some(receiver) => whole_request(ctx, file, receiver, true, frame, budget - 1)
                .or_else(|| leaf(ctx, file, term, frame)),
            None => leaf(ctx, file, term, frame),
        };
    }
    let callee = ctx.evaluator.eval(file, call.callee);
    for fact in callee.iter() {
        match &fact.kind {
            Kind::External(symbol) => {
                let last = crate::index::last_segment(symbol);
                let passes_through = matches!(
                    (symbol.split('.').next().unwrap_or_default(), last),
                    ("builtins", "dict" | "list")
                        | ("copy", "copy" | "deepcopy")
                        | (
                            "json" | "simplejson" | "orjson" | "ujson" | "flask",
                            "loads"
                        )
                );
                if passes_through {
                    let &first = call.args.first()?;
                    return whole_request(ctx, file, first, true, frame, budget - 1);
                }
            }
            Kind::Function(function) | Kind::BoundMethod(function) => {
                let function = *function;
                let facts = ctx.index.function(function);
                let callee_file = ctx.index.function_file(function);
                let inner = Frame {
                    file,
                    call,
                    params: &facts.params,
                    parent: frame,
                };
                for site in &facts.returns {
                    if let Some(found) = whole_request(
                        ctx,
                        callee_file,
                        site.value,
                        mapping,
                        Some(&inner),
                        budget - 1,
                    ) {
                        return Some(found);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// A name or attribute: request data by the evaluator (`request.json`, a module-level binding).
fn leaf(
    ctx: &mut ProjectContext<'_, '_, '_>,
    file: FileId,
    term: TermId,
    frame: Option<&Frame<'_>>,
) -> Option<String> {
    let facts = ctx.index.facts(file)?;
    if frame.is_some() && facts.terms.mentions_param(term, 16) {
        return None;
    }
    ctx.evaluator
        .eval(file, term)
        .iter()
        .find_map(|fact| match &fact.kind {
            Kind::RequestData(source) => Some(source.to_string()),
            _ => None,
        })
}

/// A literal list, tuple or set of constants: `("name", "email")`.
fn is_constant_collection(expr: &Expr) -> bool {
    match expr {
        Expr::List(ast::ExprList { elts, .. })
        | Expr::Tuple(ast::ExprTuple { elts, .. })
        | Expr::Set(ast::ExprSet { elts, .. }) => elts.iter().all(Expr::is_literal_expr),
        _ => false,
    }
}

/// The name of a callee as written: `abort` for `abort(...)` and `flask.abort(...)`.
fn callee_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.id.as_str()),
        _ => None,
    }
}
