//! FC202 privileged-field-from-request: rules/FC202.md.
//!
//! The file pass records where a privilege-bearing attribute (`is_admin`, `role`, `balance`,
//! `owner_id`...) is given a value: a keyword of a call (`User(is_admin=...)`,
//! `user.update(role=...)`), an attribute assignment or `setattr` with a literal name, a Mongo
//! `$set` or inserted document; where a whole mapping whose keys the code declares is applied
//! (`User(**parser.parse_args())`, `form.populate_obj(user)`, `User(**args)` with `args` from
//! `@use_args(Schema)`); the `add_argument` calls of reqparse parsers; and the role checks of each
//! function. The project pass reports a value from the request (or a declared key of that name)
//! set on a model, a Mongo collection or the current user, in a function without a role check.

use flaskcheck_python::ast::{self as ast, Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use super::authorization::{
    callee_last, checks_permission, has_permission_decorator, is_role_attribute, tests_role,
};
use super::RuleChecks;
use crate::analyze::term::TermId;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::{DeclaredFields, FuncId, Kind, Origin, ProjectIndex, Value};
use crate::registry::Rule;
use crate::source::FileId;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CALL
        .with(NodeKinds::ASSIGN)
        .with(NodeKinds::EXPR_STMT)
        .with(NodeKinds::IF)
        .with(NodeKinds::ASSERT),
    project: Some(project),
};

/// Deferred notes. `set:FIELD` (terms: the object, the value), `keyword:FIELD` (the callee, the
/// value), `mongo:FIELD` (the collection, the value), `spread` (the callee, the mapping),
/// `populate` (the form, the object), `declare:FIELD` (a reqparse parser), `checked`.
const SET: &str = "set:";
const KEYWORD: &str = "keyword:";
const MONGO: &str = "mongo:";
const SPREAD: &str = "spread";
const POPULATE: &str = "populate";
const DECLARE: &str = "declare:";
const CHECKED: &str = "checked";

/// Attributes whose value grants money, trust or ownership (besides the roles and permissions of
/// [`is_role_attribute`]).
const PRIVILEGED: &[&str] = &[
    "role_id",
    "permission",
    "groups",
    "balance",
    "credit",
    "credits",
    "verified",
    "is_verified",
    "email_verified",
    "is_email_verified",
    "phone_verified",
    "is_active",
    "is_approved",
    "approved",
    "confirmed",
    "is_confirmed",
    "plan",
    "tier",
    "is_premium",
    "user_id",
    "owner_id",
    "author_id",
    "tenant_id",
    "account_id",
    "org_id",
    "organization_id",
    "created_by",
    "created_by_id",
];

fn is_privileged(name: &str) -> bool {
    is_role_attribute(name) || PRIVILEGED.contains(&name)
}

/// Mongo writes, and where their document or update is.
const MONGO_WRITES: &[(&str, usize)] = &[
    ("insert_one", 0),
    ("update_one", 1),
    ("update_many", 1),
    ("find_one_and_update", 1),
    ("replace_one", 1),
];

/// Query methods whose keywords filter rather than set.
const FILTERING_METHODS: &[&str] = &[
    "filter_by",
    "filter",
    "where",
    "get",
    "get_or_404",
    "first_or_404",
    "find",
    "find_one",
    "count",
    "exists",
    "order_by",
    "query",
    "select",
    "jsonify",
    "render_template",
];

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    if checker.current_function().is_none() {
        // Parsers are often declared at module level.
        if let Node::Expr(Expr::Call(call)) = node {
            record_declaration(checker, call);
        }
        return;
    }
    match node {
        Node::Expr(Expr::Call(call)) => {
            record_declaration(checker, call);
            record_call(checker, call);
        }
        // `authorize(post)`, `current_user.check_permission("x")`: a check whose result is not
        // used raises when it fails. (One used as a value is read in the test it stands in.)
        Node::Stmt(Stmt::Expr(stmt)) => {
            if let Expr::Call(call) = &*stmt.value {
                if checks_permission(checker, call) {
                    mark_checked(checker);
                }
            }
        }
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                if let Expr::Attribute(attr) = target {
                    let field = attr.attr.id.as_str();
                    if is_privileged(field) {
                        let object = checker.term(&attr.value);
                        let value = checker.term(&assign.value);
                        defer(
                            checker,
                            attr.range(),
                            format!("{SET}{field}"),
                            object,
                            value,
                        );
                    }
                }
            }
        }
        Node::Stmt(
            Stmt::If(ast::StmtIf { test, .. }) | Stmt::Assert(ast::StmtAssert { test, .. }),
        ) if tests_role(checker, test) => mark_checked(checker),
        _ => {}
    }
}

fn defer(checker: &mut Checker<'_>, range: TextRange, note: String, a: TermId, b: TermId) {
    if a.is_interesting() && b.is_interesting() {
        checker.defer(Rule::PrivilegedFieldFromRequest, range, vec![a, b], note);
    }
}

fn mark_checked(checker: &mut Checker<'_>) {
    let function = checker.current_function();
    let already = checker.facts.deferred.iter().rev().take(8).any(|record| {
        record.rule == Rule::PrivilegedFieldFromRequest
            && record.function == function
            && &*record.note == CHECKED
    });
    if !already {
        checker.defer(
            Rule::PrivilegedFieldFromRequest,
            TextRange::default(),
            Vec::new(),
            CHECKED,
        );
    }
}

/// `parser.add_argument("role", ...)` (or `dest="role"`): a key the parser declares.
fn record_declaration(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if attr.attr.id.as_str() != "add_argument" {
        return;
    }
    let name = call
        .arguments
        .find_keyword("dest")
        .map(|k| &k.value)
        .or_else(|| call.arguments.args.first());
    let Some(Expr::StringLiteral(name)) = name else {
        return;
    };
    let name = name
        .value
        .to_str()
        .trim_start_matches('-')
        .replace('-', "_");
    if !is_privileged(&name) {
        return;
    }
    let parser = checker.term(&attr.value);
    if parser.is_interesting() {
        checker.defer(
            Rule::PrivilegedFieldFromRequest,
            call.range(),
            vec![parser],
            format!("{DECLARE}{name}"),
        );
    }
}

fn record_call(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let method = callee_last(&call.func).unwrap_or_default();
    // `setattr(user, "role", value)`
    if method == "setattr" && matches!(&*call.func, Expr::Name(_)) {
        if let [object, Expr::StringLiteral(field), value] = &*call.arguments.args {
            let field = field.value.to_str();
            if is_privileged(field) {
                let object = checker.term(object);
                let value = checker.term(value);
                defer(
                    checker,
                    call.range(),
                    format!("{SET}{field}"),
                    object,
                    value,
                );
            }
        }
        return;
    }
    // `form.populate_obj(user)`
    if method == "populate_obj" {
        if let (Expr::Attribute(attr), Some(object)) = (&*call.func, call.arguments.args.first()) {
            let form = checker.term(&attr.value);
            let object = checker.term(object);
            defer(checker, call.range(), POPULATE.to_string(), form, object);
        }
        return;
    }
    if let Some(&(_, position)) = MONGO_WRITES.iter().find(|(name, _)| *name == method) {
        if let (Expr::Attribute(attr), Some(document)) =
            (&*call.func, call.arguments.args.get(position))
        {
            record_mongo_document(checker, &attr.value, document, position == 1);
        }
        return;
    }
    // Only a model's constructor (a class: capitalised) or its `update`/`create` can set a
    // field from its keywords.
    let sets_fields = method.starts_with(|c: char| c.is_ascii_uppercase())
        || matches!(method, "update" | "create" | "create_user" | "set");
    if !sets_fields || FILTERING_METHODS.contains(&method) {
        return;
    }
    for keyword in &call.arguments.keywords {
        match &keyword.arg {
            Some(name) if is_privileged(name.as_str()) => {
                let callee = checker.term(&call.func);
                let value = checker.term(&keyword.value);
                defer(
                    checker,
                    keyword.range(),
                    format!("{KEYWORD}{}", name.as_str()),
                    callee,
                    value,
                );
            }
            // `User(**args)`: judged by the keys the mapping declares.
            None => {
                let callee = checker.term(&call.func);
                let data = checker.term(&keyword.value);
                defer(checker, call.range(), SPREAD.to_string(), callee, data);
            }
            _ => {}
        }
    }
}

/// The privileged fields of an inserted document or of an update's `$set`.
fn record_mongo_document(
    checker: &mut Checker<'_>,
    receiver: &Expr,
    document: &Expr,
    is_update: bool,
) {
    let Expr::Dict(dict) = document else { return };
    for item in &dict.items {
        let Some(Expr::StringLiteral(key)) = &item.key else {
            continue;
        };
        let key = key.value.to_str();
        if is_update {
            if matches!(key, "$set" | "$setOnInsert") {
                record_mongo_document(checker, receiver, &item.value, false);
            }
            continue;
        }
        if is_privileged(key) {
            let collection = checker.term(receiver);
            let value = checker.term(&item.value);
            defer(
                checker,
                item.value.range(),
                format!("{MONGO}{key}"),
                collection,
                value,
            );
        }
    }
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let file = ctx.file_id();
    let index = ctx.index;
    let records = ctx.deferred();
    let mut checked: FxHashMap<crate::analyze::LocalId, bool> = FxHashMap::default();
    for record in records {
        let Some(local) = record.function else {
            continue;
        };
        let note = &*record.note;
        if note == CHECKED || note.starts_with(DECLARE) {
            continue;
        }
        let function = index.function_id(file, local);
        // A view (or another entry point the client calls); a helper it calls is not followed.
        if !index.view(function).is_route {
            continue;
        }
        let is_checked = *checked.entry(local).or_insert_with(|| {
            has_permission_decorator(index, function)
                || ctx
                    .deferred()
                    .iter()
                    .any(|other| other.function == Some(local) && &*other.note == CHECKED)
        });
        if is_checked {
            continue;
        }
        let [target, data] = *record.terms else {
            continue;
        };
        let function_name = &index.function(function).name;
        if let Some(field) = note
            .strip_prefix(SET)
            .or_else(|| note.strip_prefix(KEYWORD))
            .or_else(|| note.strip_prefix(MONGO))
        {
            let Some(object) = privileged_target(ctx, target, note.starts_with(MONGO)) else {
                continue;
            };
            let Some(source) = request_source(ctx, function, data) else {
                continue;
            };
            ctx.report(
                record.range,
                format!(
                    "`{field}` of {object} is set from {source} in `{function_name}`, which checks no role: the client grants itself `{field}`"
                ),
            )
            .help = Some(help(field));
            continue;
        }
        let (object, mapping) = match note {
            SPREAD => (privileged_target(ctx, target, false), data),
            POPULATE => (privileged_target(ctx, data, false), target),
            _ => continue,
        };
        let Some(object) = object else { continue };
        let Some((source, fields)) = declared_mapping(ctx, function, mapping) else {
            continue;
        };
        let Some(field) = fields.into_iter().next() else {
            continue;
        };
        let how = if note == POPULATE {
            "`populate_obj()` copies every field of"
        } else {
            "`**` applies every key of"
        };
        ctx.report(
            record.range,
            format!(
                "{how} {source} to {object}, and `{field}` is one of its declared keys: the client chooses `{field}` in `{function_name}`, which checks no role"
            ),
        )
        .help = Some(help(&field));
    }
}

fn help(field: &str) -> String {
    format!(
        "do not take `{field}` from the client: drop it from the parser, form or schema (or mark it `dump_only`), or set it only after a role check (`if not current_user.is_admin: abort(403)`)"
    )
}

/// What a privileged field is set on, when it is a record: a model instance or class, a query, a
/// MongoEngine document, a Mongo collection. Described for the message.
fn privileged_target(
    ctx: &mut ProjectContext<'_, '_, '_>,
    term: TermId,
    mongo: bool,
) -> Option<String> {
    let value = ctx.evaluator.eval(ctx.file_id(), term);
    let index = ctx.index;
    let found = value.iter().find_map(|fact| {
        let described = |class| format!("`{}`", index.class(class).name);
        match &fact.kind {
            Kind::MongoCollection if mongo => Some("a document of a Mongo collection".into()),
            Kind::Class(class) | Kind::Instance(class) if index.is_model(*class) => {
                Some(described(*class))
            }
            Kind::Method(receiver, name)
                if matches!(&**name, "update" | "create" | "create_user" | "set") =>
            {
                match receiver.kind {
                    Kind::Class(class) | Kind::Instance(class) | Kind::Query(class)
                        if index.is_model(class) =>
                    {
                        Some(described(class))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    });
    found
}

/// Where a value comes from, when the client chose it: request data, or a parameter the client
/// fills.
fn request_source(
    ctx: &mut ProjectContext<'_, '_, '_>,
    function: FuncId,
    term: TermId,
) -> Option<String> {
    let value = ctx.evaluator.eval(ctx.file_id(), term);
    let found = value.iter().find_map(|fact| match &fact.kind {
        Kind::RequestData(source) | Kind::DeclaredRequest { source, .. } => {
            Some(format!("request data (`{source}`)"))
        }
        Kind::Param(position) => {
            let client = ctx.index.client_param(function, *position)?;
            if client.typed {
                return None;
            }
            let name = ctx
                .index
                .function(function)
                .params
                .get(*position as usize)?;
            Some(client.source.describe(name))
        }
        _ => None,
    });
    found
}

/// A mapping whose keys the code declares, applied whole: its source and its privileged keys.
fn declared_mapping(
    ctx: &mut ProjectContext<'_, '_, '_>,
    function: FuncId,
    term: TermId,
) -> Option<(String, Vec<String>)> {
    let file = ctx.file_id();
    let value = ctx.evaluator.eval(file, term);
    for fact in value.iter() {
        match &fact.kind {
            Kind::DeclaredRequest { source, fields } => {
                let declared = declared_fields(ctx, *fields);
                let privileged: Vec<String> = declared
                    .into_iter()
                    .filter(|name| is_privileged(name))
                    .collect();
                if !privileged.is_empty() {
                    return Some((format!("`{source}`"), privileged));
                }
            }
            Kind::Instance(class) if ctx.index.flags(*class).form => {
                let privileged = privileged_fields_of(ctx.index, *class);
                if !privileged.is_empty() {
                    return Some(("the form".into(), privileged));
                }
            }
            // `@use_args(UserSchema)`, `@blp.arguments(UserSchema)`.
            Kind::Param(position) => {
                let client = ctx.index.client_param(function, *position)?;
                let schema = client.schema?;
                let class = crate::index::schema_class(
                    ctx.evaluator,
                    ctx.index.function_file(function),
                    schema,
                )?;
                let privileged = privileged_fields_of(ctx.index, class);
                if !privileged.is_empty() {
                    let name = ctx
                        .index
                        .function(function)
                        .params
                        .get(*position as usize)?;
                    return Some((client.source.describe(name), privileged));
                }
            }
            _ => {}
        }
    }
    None
}

fn privileged_fields_of(index: &ProjectIndex<'_>, class: crate::index::ClassId) -> Vec<String> {
    index
        .declared_fields(class)
        .into_iter()
        .filter(|name| is_privileged(name))
        .map(str::to_string)
        .collect()
}

fn declared_fields(ctx: &mut ProjectContext<'_, '_, '_>, fields: DeclaredFields) -> Vec<String> {
    match fields {
        DeclaredFields::Class(class) => ctx
            .index
            .declared_fields(class)
            .into_iter()
            .map(str::to_string)
            .collect(),
        DeclaredFields::Parser(origin) => {
            let file_count = ctx.file_count();
            let parsers = ctx.index.memo("FC202.parser-arguments", |index| {
                parser_arguments(index, file_count)
            });
            parsers.get(&origin).cloned().unwrap_or_default()
        }
    }
}

/// The privileged keys each reqparse parser declares, by where the parser was made.
fn parser_arguments(index: &ProjectIndex<'_>, file_count: usize) -> FxHashMap<Origin, Vec<String>> {
    let mut evaluator = crate::index::Evaluator::new(index);
    let mut out: FxHashMap<Origin, Vec<String>> = FxHashMap::default();
    for file in 0..file_count {
        let file = FileId(u32::try_from(file).unwrap_or(u32::MAX));
        let Some(facts) = index.facts(file) else {
            continue;
        };
        for record in &facts.deferred {
            let (Rule::PrivilegedFieldFromRequest, Some(name), Some(&parser)) = (
                record.rule,
                record.note.strip_prefix(DECLARE),
                record.terms.first(),
            ) else {
                continue;
            };
            let parsers: Value = evaluator.eval(file, parser);
            for fact in parsers.iter() {
                if let (Kind::ExternalInstance(_), Some(origin)) = (&fact.kind, fact.origin) {
                    let names = out.entry(origin).or_default();
                    if !names.iter().any(|n| n == name) {
                        names.push(name.to_string());
                    }
                }
            }
        }
    }
    out
}
