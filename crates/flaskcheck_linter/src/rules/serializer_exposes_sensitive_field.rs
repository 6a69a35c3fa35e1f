//! FC106 serializer-exposes-sensitive-field: rules/FC106.md.
//!
//! Three kinds of serializer are checked:
//!
//! - a model method named like a serializer (`to_dict`, `serialize`, `as_json`...) that dumps
//!   every column (`{c.name: getattr(self, c.name) for c in self.__table__.columns}`, a loop over
//!   the columns, `self.__dict__`, `vars(self)`), on a model with sensitive columns (also through
//!   a mixin or base class the models inherit the method from); the file pass recognises the
//!   shape, the project pass knows the columns;
//! - a model serializer that names a sensitive column (`{"password": self.password}`);
//! - a marshmallow or pydantic schema that dumps a sensitive field: declared without
//!   `load_only=True`, listed in `Meta.fields`, or inferred from the model by an
//!   `SQLAlchemyAutoSchema`/`ModelSchema` without `fields`/`exclude` for it.

use flaskcheck_python::ast::{self as ast, Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange};

use super::sensitive::{self_attribute, sensitivity, words, Sensitivity};
use super::RuleChecks;
use crate::analyze::term::{Term, TermId};
use crate::analyze::{for_each_expr, Checker, Depth, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::last_segment;
use crate::index::{is_serializer_method, ClassId, Kind, ProjectIndex};
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CLASS_DEF
        .with(NodeKinds::RETURN)
        .with(NodeKinds::FOR),
    project: Some(project),
};

/// Deferred notes: a dump of every column (followed by the names excluded from it), and the
/// fields a class keeps out of its output (`load_only`, pydantic `exclude=True`, `SecretStr`).
const DUMP_ALL: &str = "dump-all";
const HIDDEN: &str = "hidden";
/// The schemas a class nests (terms), recorded under its name's range.
const NESTED: &str = "nested";

/// marshmallow-sqlalchemy schemas that infer a field for every column of `Meta.model`.
const AUTO_SCHEMAS: &[&str] = &[
    "SQLAlchemyAutoSchema",
    "ModelSchema",
    "TableSchema",
    "SQLAlchemyModelSchema",
];

/// Words in a schema's name that mark it as input only (never dumped).
const INPUT_WORDS: &[&str] = &[
    "login",
    "signin",
    "register",
    "registration",
    "signup",
    "credentials",
    "input",
    "in",
    "request",
    "args",
    "params",
    "query",
    "form",
    "payload",
    "reset",
    "change",
    "create",
    "update",
    "patch",
    "post",
    "put",
    "set",
    "import",
    "parameters",
    "validate",
    "validation",
];

/// Words in a schema's name that say it exists to issue a credential (a login response with its
/// token): a credential field there is the point.
const ISSUING_WORDS: &[&str] = &[
    "token",
    "tokens",
    "auth",
    "login",
    "session",
    "key",
    "keys",
    "credential",
    "credentials",
    "jwt",
    "oauth",
];

/// Words in a pydantic model's name that mark it as output.
const OUTPUT_WORDS: &[&str] = &[
    "out",
    "response",
    "public",
    "read",
    "view",
    "detail",
    "details",
    "serializer",
    "dto",
];

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    match node {
        Node::Stmt(Stmt::ClassDef(class)) => record_hidden_fields(checker, class),
        Node::Stmt(Stmt::Return(ret)) => {
            let Some(value) = &ret.value else { return };
            if !in_serializer_method(checker) {
                return;
            }
            if let Some(excluded) = dumps_every_attribute(checker, value) {
                checker.defer(
                    Rule::SerializerExposesSensitiveField,
                    value.range(),
                    Vec::new(),
                    format!("{DUMP_ALL}{excluded}"),
                );
            } else if let Expr::Name(_) = &**value {
                // `data = dict(self.__dict__)` ... `return data`: decided on the name's value.
                let term = checker.term(value);
                if term.is_interesting() {
                    checker.defer(
                        Rule::SerializerExposesSensitiveField,
                        value.range(),
                        vec![term],
                        DUMP_ALL,
                    );
                }
            }
        }
        Node::Stmt(Stmt::For(stmt)) => {
            if !is_every_column(checker, &stmt.iter) || !in_serializer_method(checker) {
                return;
            }
            if !body_copies_attributes(&stmt.body, Depth::MAX) {
                return;
            }
            let mut excluded = String::new();
            if !loop_exclusions(checker, &stmt.body, &mut excluded) {
                return;
            }
            checker.defer(
                Rule::SerializerExposesSensitiveField,
                stmt.range,
                Vec::new(),
                format!("{DUMP_ALL}{excluded}"),
            );
        }
        _ => {}
    }
}

/// Whether the walk is in a method whose name says it serializes (`to_dict`, `serialize`,
/// `as_json`, `__json__`...).
fn in_serializer_method(checker: &Checker<'_>) -> bool {
    let Some(function) = checker.current_function() else {
        return false;
    };
    let function = &checker.facts.functions[function as usize];
    if function.class.is_none() {
        return false;
    }
    let name = function.name.as_str();
    if name.starts_with("__") && name != "__json__" {
        return false;
    }
    is_serializer_method(name) || name.contains("dict") || name.contains("json")
}

/// The source of an expression iterated or copied, when it is every column or attribute of
/// `self`: `self.__table__.columns`, `self.__mapper__.column_attrs`, `inspect(self).attrs`,
/// `self.__dict__.items()`, `vars(self)`.
fn is_every_column(checker: &Checker<'_>, expr: &Expr) -> bool {
    if !matches!(expr, Expr::Attribute(_) | Expr::Call(_)) {
        return false;
    }
    let text = checker.source(expr.range());
    text.contains("self")
        && [
            "__table__",
            "__mapper__",
            "column_attrs",
            "iterate_properties",
            "__dict__",
            "vars(self)",
            "inspect(self)",
        ]
        .iter()
        .any(|marker| text.contains(marker))
}

/// `self.__dict__`, `vars(self)` and their copies.
fn is_attribute_dict(expr: &Expr, depth: Depth) -> bool {
    let Some(depth) = depth.deeper() else {
        return false;
    };
    match expr {
        Expr::Attribute(attr) => {
            attr.attr.id.as_str() == "__dict__"
                && matches!(&*attr.value, Expr::Name(name) if name.id.as_str() == "self")
        }
        Expr::Call(call) => match &*call.func {
            // `vars(self)`, `dict(self.__dict__)`, `copy.copy(self.__dict__)`
            Expr::Name(name)
                if matches!(name.id.as_str(), "vars" | "dict" | "copy" | "deepcopy") =>
            {
                call.arguments.args.first().is_some_and(|arg| {
                    is_attribute_dict(arg, depth)
                        || (name.id.as_str() == "vars"
                            && matches!(arg, Expr::Name(n) if n.id.as_str() == "self"))
                })
            }
            Expr::Attribute(attr) => match attr.attr.id.as_str() {
                "copy" if call.arguments.args.is_empty() => is_attribute_dict(&attr.value, depth),
                "copy" | "deepcopy" => call
                    .arguments
                    .args
                    .first()
                    .is_some_and(|arg| is_attribute_dict(arg, depth)),
                _ => false,
            },
            _ => false,
        },
        // `{**self.__dict__}`
        Expr::Dict(dict) => dict
            .items
            .iter()
            .any(|item| item.key.is_none() && is_attribute_dict(&item.value, depth)),
        _ => false,
    }
}

/// When `value` dumps every column or attribute of `self`: the names its filter excludes
/// (`:name` each). `None` when it does not, or when it filters through a list it names but the
/// analysis cannot read (`if c.name not in self.__private__`), which is trusted.
fn dumps_every_attribute(checker: &Checker<'_>, value: &Expr) -> Option<String> {
    if is_attribute_dict(value, Depth::MAX) {
        return Some(String::new());
    }
    let Expr::DictComp(comp) = value else {
        return None;
    };
    let generator = comp.generators.first()?;
    if !is_every_column(checker, &generator.iter) {
        return None;
    }
    let mut excluded = String::new();
    for condition in comp.generators.iter().flat_map(|g| &g.ifs) {
        if !exclusions(checker, condition, &mut excluded) {
            return None;
        }
    }
    Some(excluded)
}

/// Reads a filter condition: string literals in it are names excluded (appended as `:name`).
/// Returns `false` when the condition tests membership in a collection the analysis cannot read
/// (`c.name not in HIDDEN`, `k not in self.__private__`): the author chose what to exclude. A
/// parameter of the serializer does not count: called without it, everything is dumped.
fn exclusions(checker: &Checker<'_>, condition: &Expr, out: &mut String) -> bool {
    let params: &[ast::name::Name] = checker
        .current_function()
        .map(|f| checker.facts.functions[f as usize].params.as_slice())
        .unwrap_or_default();
    let mut trusted_list = false;
    for_each_expr(condition, &mut |expr| match expr {
        Expr::StringLiteral(literal) => {
            out.push(':');
            out.push_str(literal.value.to_str());
        }
        Expr::Compare(compare) => {
            for (op, right) in compare.ops.iter().zip(&compare.comparators) {
                if !matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn) {
                    continue;
                }
                let opaque = match right {
                    Expr::Name(name) => !params.iter().any(|p| p.as_str() == name.id.as_str()),
                    Expr::Attribute(_) | Expr::Call(_) | Expr::Subscript(_) => true,
                    _ => false,
                };
                trusted_list |= opaque;
            }
        }
        _ => {}
    });
    !trusted_list
}

/// A loop body that copies each attribute into a dict: `data[c.name] = getattr(self, c.name)`.
fn body_copies_attributes(body: &[Stmt], depth: Depth) -> bool {
    let Some(depth) = depth.deeper() else {
        return false;
    };
    body.iter().any(|stmt| match stmt {
        Stmt::Assign(assign) => {
            assign
                .targets
                .iter()
                .any(|target| matches!(target, Expr::Subscript(_)))
                && reads_self_attribute(&assign.value)
        }
        Stmt::If(stmt) => {
            body_copies_attributes(&stmt.body, depth)
                || stmt
                    .elif_else_clauses
                    .iter()
                    .any(|clause| body_copies_attributes(&clause.body, depth))
        }
        _ => false,
    })
}

/// `getattr(self, ...)`, possibly wrapped (`str(getattr(self, name))`), or a value from
/// `self.__dict__`.
fn reads_self_attribute(expr: &Expr) -> bool {
    let mut found = false;
    for_each_expr(expr, &mut |expr| {
        if let Expr::Call(call) = expr {
            if matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "getattr")
                && matches!(call.arguments.args.first(), Some(Expr::Name(n)) if n.id.as_str() == "self")
            {
                found = true;
            }
        }
    });
    found || matches!(expr, Expr::Name(_))
}

/// The exclusions of a loop over the columns: string literals in the tests of its `if`s.
fn loop_exclusions(checker: &Checker<'_>, body: &[Stmt], out: &mut String) -> bool {
    for stmt in body {
        if let Stmt::If(stmt) = stmt {
            if !exclusions(checker, &stmt.test, out) {
                return false;
            }
            for clause in &stmt.elif_else_clauses {
                if let Some(test) = &clause.test {
                    if !exclusions(checker, test, out) {
                        return false;
                    }
                }
            }
        }
    }
    true
}

/// Fields a class declares but keeps out of its output: marshmallow `load_only=True` (on the
/// field or in `Meta.load_only`), pydantic `Field(exclude=True)` and `SecretStr`/`SecretBytes`
/// annotations (dumped masked). Recorded under the class name's range.
fn record_hidden_fields(checker: &mut Checker<'_>, class: &ast::StmtClassDef) {
    let mut hidden = String::new();
    let mut nested_targets: Vec<TermId> = Vec::new();
    for stmt in &class.body {
        let (target, annotation, value) = match stmt {
            Stmt::Assign(assign) if assign.targets.len() == 1 => {
                (&assign.targets[0], None, Some(&*assign.value))
            }
            Stmt::AnnAssign(assign) => (
                &*assign.target,
                Some(&*assign.annotation),
                assign.value.as_deref(),
            ),
            Stmt::ClassDef(meta) if meta.name.id.as_str() == "Meta" => {
                for stmt in &meta.body {
                    if let Stmt::Assign(assign) = stmt {
                        let is_load_only = assign
                            .targets
                            .iter()
                            .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "load_only"));
                        if is_load_only {
                            for_each_expr(&assign.value, &mut |expr| {
                                if let Expr::StringLiteral(s) = expr {
                                    hidden.push(':');
                                    hidden.push_str(s.value.to_str());
                                }
                            });
                        }
                    }
                }
                continue;
            }
            _ => continue,
        };
        let Expr::Name(name) = target else { continue };
        let secret_annotation = annotation.is_some_and(|annotation| {
            let mut secret = false;
            for_each_expr(annotation, &mut |expr| {
                let id = match expr {
                    Expr::Name(n) => n.id.as_str(),
                    Expr::Attribute(a) => a.attr.id.as_str(),
                    _ => return,
                };
                secret |= matches!(id, "SecretStr" | "SecretBytes");
            });
            secret
        });
        let kept_out = value.is_some_and(|value| {
            let Expr::Call(call) = value else {
                return false;
            };
            call.arguments.keywords.iter().any(|keyword| {
                keyword
                    .arg
                    .as_ref()
                    .is_some_and(|arg| matches!(arg.as_str(), "load_only" | "exclude"))
                    && matches!(
                        keyword.value,
                        Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: true, .. })
                    )
            })
        });
        // `fields.Nested(KeySchema)`, `fields.List(fields.Nested(...))`: the nested schema decides
        // what is dumped, whatever the field is called.
        let nested = value.and_then(|value| nested_schema(value, Depth::MAX));
        if let Some(target) = nested {
            let term = checker.term(target);
            if term.is_interesting() {
                nested_targets.push(term);
            }
        }
        if secret_annotation || kept_out || nested.is_some() {
            hidden.push(':');
            hidden.push_str(name.id.as_str());
        }
    }
    if !hidden.is_empty() {
        checker.defer(
            Rule::SerializerExposesSensitiveField,
            class.name.range,
            Vec::new(),
            format!("{HIDDEN}{hidden}"),
        );
    }
    if !nested_targets.is_empty() {
        checker.defer(
            Rule::SerializerExposesSensitiveField,
            class.name.range,
            nested_targets,
            NESTED,
        );
    }
}

/// The schema a `Nested`/`Pluck` field (possibly inside `List`) dumps.
fn nested_schema(value: &Expr, depth: Depth) -> Option<&Expr> {
    let depth = depth.deeper()?;
    let Expr::Call(call) = value else { return None };
    let name = match &*call.func {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) => attr.attr.id.as_str(),
        _ => return None,
    };
    let first = call.arguments.args.first()?;
    match name {
        "Nested" | "Pluck" => Some(first),
        "List" | "Tuple" => nested_schema(first, depth),
        _ => None,
    }
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let file = ctx.file_id();
    let index = ctx.index;
    let facts = &ctx.analysis.facts;

    // Serializers that dump every column.
    for record in &facts.deferred {
        if record.rule != Rule::SerializerExposesSensitiveField {
            continue;
        }
        let Some(excluded) = record.note.strip_prefix(DUMP_ALL) else {
            continue;
        };
        let Some(function) = record.function else {
            continue;
        };
        if let Some(&term) = record.terms.first() {
            let value = ctx.evaluator.eval(file, term);
            if !value.contains(|kind| matches!(kind, Kind::AttrDict(_))) {
                continue;
            }
        }
        let function_facts = &facts.functions[function as usize];
        let Some(class) = function_facts.class else {
            continue;
        };
        let class = index.class_id(file, class);
        let excluded: Vec<&str> = excluded.split(':').filter(|s| !s.is_empty()).collect();
        let Some((model, columns)) = models_using(index, class).into_iter().find_map(|model| {
            let columns = sensitive_columns(index, model, |name| !excluded.contains(&name));
            (!columns.is_empty()).then_some((model, columns))
        }) else {
            continue;
        };
        // At the return (after the loop, when a loop builds what is returned).
        let range = function_facts
            .returns
            .iter()
            .find(|site| site.range.start() >= record.range.start())
            .map_or(record.range, |site| site.range);
        let model_name = &index.class(model).name;
        let through = if model == class {
            String::new()
        } else {
            format!(" (`{model_name}` inherits it)")
        };
        ctx.report(
            range,
            format!(
                "`{}.{}()` dumps every column of `{model_name}`{through}, including {}",
                index.class(class).name,
                function_facts.name,
                list(&columns)
            ),
        )
        .help = Some(format!(
            "name the fields the client needs, or exclude {} from the dump",
            list(&columns)
        ));
    }

    // Model serializers that name a sensitive column.
    for function in &facts.functions {
        let Some(class) = function.class else {
            continue;
        };
        let name = function.name.as_str();
        if (name.starts_with("__") && name != "__json__") || !is_serializer_method(name) {
            continue;
        }
        let class = index.class_id(file, class);
        if !index.lineage(class).any(|id| index.is_model(id)) {
            continue;
        }
        for site in &function.returns {
            let found = self_attribute(&facts.terms, site.value, 8, &|name| {
                sensitivity(name).is_some()
                    && index
                        .columns(class)
                        .any(|(_, column)| column.name.as_str() == name)
            });
            if let Some(column) = found {
                ctx.report(
                    site.range,
                    format!(
                        "`{}.{}()` puts the sensitive column `{column}` into its output",
                        index.class(class).name,
                        function.name
                    ),
                )
                .help = Some(format!("leave `{column}` out of the serialized form"));
                break;
            }
        }
    }

    // Schemas.
    for (local, class_facts) in facts.classes.iter().enumerate() {
        let class = index.class_id(file, local as u32);
        let flags = index.flags(class);
        if !flags.schema && !flags.sqlalchemy_object_type {
            continue;
        }
        check_schema(ctx, class, class_facts.name_range);
    }
}

/// Every model that has `class`'s methods: the class itself if it is a model, or the models that
/// inherit from it (a serializer mixin or an abstract base).
fn models_using(index: &ProjectIndex<'_>, class: ClassId) -> Vec<ClassId> {
    if index.is_model(class) {
        return vec![class];
    }
    (0..index.class_count() as u32)
        .map(ClassId)
        .filter(|&id| id != class && index.is_model(id) && index.lineage(id).any(|a| a == class))
        .collect()
}

/// The sensitive columns of a model (and its ancestors) that `keep` accepts, declared order.
fn sensitive_columns<'a>(
    index: &ProjectIndex<'a>,
    model: ClassId,
    keep: impl Fn(&str) -> bool,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for (_, column) in index.columns(model) {
        let name = column.name.as_str();
        if sensitivity(name).is_some() && keep(name) && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        _ => format!(
            "{} and {}",
            quoted[..quoted.len() - 1].join(", "),
            quoted[quoted.len() - 1]
        ),
    }
}

/// The names a schema keeps out of its output, from every class of its lineage.
fn hidden_fields<'a>(index: &ProjectIndex<'a>, class: ClassId) -> Vec<&'a str> {
    let mut hidden = Vec::new();
    for id in index.lineage(class) {
        let Some(facts) = index.facts(index.class_file(id)) else {
            continue;
        };
        let name_range = index.class(id).name_range;
        for record in &facts.deferred {
            if record.rule == Rule::SerializerExposesSensitiveField && record.range == name_range {
                if let Some(names) = record.note.strip_prefix(HIDDEN) {
                    hidden.extend(names.split(':').filter(|s| !s.is_empty()));
                }
            }
        }
    }
    hidden
}

/// Whether a class (or an ancestor) derives from an auto schema, by the base's name.
fn is_auto_schema(index: &ProjectIndex<'_>, class: ClassId) -> bool {
    // A graphene-sqlalchemy `SQLAlchemyObjectType` exposes every column of `Meta.model` too.
    index.flags(class).sqlalchemy_object_type
        || index.lineage(class).any(|id| {
            let Some(facts) = index.facts(index.class_file(id)) else {
                return false;
            };
            index.class(id).bases.iter().any(|&base| {
                let name = match facts.terms.get(base) {
                    Term::Global(symbol) => last_segment(symbol),
                    Term::Attr(_, name) => name.as_str(),
                    _ => return false,
                };
                AUTO_SCHEMAS.contains(&name)
            })
        })
}

fn check_schema(ctx: &mut ProjectContext<'_, '_, '_>, class: ClassId, name_range: TextRange) {
    let index = ctx.index;
    let facts = index.class(class);
    let words = words(&facts.name);
    let file_count = ctx.file_count();
    let usage = index.memo("FC106.schema-usage", |index| {
        schema_usage(index, file_count)
    });
    let usage = usage.get(class.0 as usize).copied().unwrap_or_default();
    // What the project does with the schema decides; without a use, its name does.
    let input_only = if usage.dumped {
        false
    } else if usage.loaded {
        true
    } else {
        words.iter().any(|w| INPUT_WORDS.contains(&w.as_str())) || only_nested_in_inputs(ctx, class)
    };
    if input_only {
        return;
    }
    let issues_credentials = words.iter().any(|w| ISSUING_WORDS.contains(&w.as_str()));
    let flags = index.flags(class);
    if flags.pydantic {
        let from_attributes = index
            .lineage(class)
            .any(|id| index.class(id).meta.from_attributes);
        let named_output = words.iter().any(|w| OUTPUT_WORDS.contains(&w.as_str()));
        if !from_attributes && !named_output {
            return;
        }
    }
    let hidden = hidden_fields(index, class);
    let reportable = |name: &str| match sensitivity(name) {
        Some(Sensitivity::Secret) => !hidden.contains(&name),
        Some(Sensitivity::Credential) => !issues_credentials && !hidden.contains(&name),
        None => false,
    };
    let meta_fields: Option<&Vec<Box<str>>> = index
        .lineage(class)
        .find_map(|id| index.class(id).meta.fields.as_ref());
    let meta_exclude: Vec<&str> = index
        .lineage(class)
        .filter_map(|id| index.class(id).meta.exclude.as_ref())
        .flatten()
        .map(|name| &**name)
        .collect();

    // Declared fields.
    let mut reported_fields: Vec<&str> = Vec::new();
    for (_, column) in index.columns(class) {
        let name = column.name.as_str();
        if !reportable(name) || meta_exclude.contains(&name) || reported_fields.contains(&name) {
            continue;
        }
        if meta_fields.is_some_and(|fields| !fields.iter().any(|f| &**f == name)) {
            continue;
        }
        reported_fields.push(name);
        // An inherited field is reported where it is declared.
        if index_of_column(index, class, column.range) != class {
            continue;
        }
        ctx.report(
            column.range,
            format!("schema `{}` dumps the sensitive field `{name}`", facts.name),
        )
        .help = Some(
            "mark an input-only field `load_only=True` (marshmallow) or leave it out of the output schema"
                .into(),
        );
    }

    // `Meta.fields` naming sensitive fields, and auto schemas inferring them from the model.
    let mut inferred: Vec<&str> = Vec::new();
    if let Some(fields) = meta_fields {
        for field in fields {
            let name = &**field;
            if reportable(name) && !reported_fields.contains(&name) && !inferred.contains(&name) {
                inferred.push(name);
            }
        }
    }
    let mut model_name = None;
    if meta_fields.is_none() && is_auto_schema(index, class) {
        if let Some(model) = schema_model(ctx, class) {
            model_name = Some(index.class(model).name.to_string());
            for name in sensitive_columns(index, model, |name| {
                reportable(name) && !meta_exclude.contains(&name)
            }) {
                if !reported_fields.contains(&name) && !inferred.contains(&name) {
                    inferred.push(name);
                }
            }
        }
    }
    if inferred.is_empty() {
        return;
    }
    let graphql = flags.sqlalchemy_object_type;
    let message = match &model_name {
        Some(model) if graphql => format!(
            "GraphQL type `{}` exposes every column of `{model}` (no `Meta.only_fields`), including {}",
            facts.name,
            list(&inferred)
        ),
        Some(model) => format!(
            "schema `{}` dumps every column of `{model}` (no `Meta.fields`), including {}",
            facts.name,
            list(&inferred)
        ),
        None => format!(
            "schema `{}` lists {} in `Meta.fields`",
            facts.name,
            list(&inferred)
        ),
    };
    ctx.report(name_range, message).help = Some(if graphql {
        format!(
            "list the fields clients may query in `Meta.only_fields`, or add {} to `Meta.exclude_fields`",
            list(&inferred)
        )
    } else {
        format!(
            "add {} to `Meta.exclude` or `Meta.load_only`, or list only the fields the client needs",
            list(&inferred)
        )
    });
}

/// Whether the schema is nested only in input schemas of its own file (`ssh_tunnel =
/// fields.Nested(SSHTunnelSchema)` in `DatabasePostSchema` and `DatabasePutSchema`): then it is
/// loaded, never dumped.
fn only_nested_in_inputs(ctx: &mut ProjectContext<'_, '_, '_>, class: ClassId) -> bool {
    let file = ctx.file_id();
    let facts = &ctx.analysis.facts;
    let mut nested_in = 0;
    for record in &facts.deferred {
        if record.rule != Rule::SerializerExposesSensitiveField || &*record.note != NESTED {
            continue;
        }
        let nests_class = record.terms.iter().any(|&term| {
            ctx.evaluator
                .eval(file, term)
                .contains(|kind| *kind == Kind::Class(class))
        });
        if !nests_class {
            continue;
        }
        let Some(parent) = facts
            .classes
            .iter()
            .find(|parent| parent.name_range == record.range)
        else {
            return false;
        };
        if !words(&parent.name)
            .iter()
            .any(|w| INPUT_WORDS.contains(&w.as_str()))
        {
            return false;
        }
        nested_in += 1;
    }
    nested_in > 0
}

/// The class (the schema or an ancestor) that declares the column at `range`.
fn index_of_column(index: &ProjectIndex<'_>, class: ClassId, range: TextRange) -> ClassId {
    index
        .lineage(class)
        .find(|&id| index.class(id).columns.iter().any(|c| c.range == range))
        .unwrap_or(class)
}

/// The model of a schema's `Meta.model` (nearest in its lineage).
fn schema_model(ctx: &mut ProjectContext<'_, '_, '_>, class: ClassId) -> Option<ClassId> {
    let index = ctx.index;
    let (owner, term): (ClassId, TermId) = index
        .lineage(class)
        .find_map(|id| index.class(id).meta.model.map(|term| (id, term)))?;
    let value = ctx.evaluator.eval(index.class_file(owner), term);
    let model = value.iter().find_map(|fact| match fact.kind {
        Kind::Class(model) if index.is_model(model) => Some(model),
        _ => None,
    });
    model
}

/// What the project does with a schema class (or a subclass of it).
#[derive(Clone, Copy, Default)]
struct Usage {
    /// `.dump()`/`.dumps()` on an instance, a serializing decorator (`@marshal_with`,
    /// `@blp.response`), or nested in a dumped schema.
    dumped: bool,
    /// `.load()`/`.loads()`/`.validate()`, an input decorator (`@blp.arguments`, `@use_args`), or
    /// nested in a loaded schema.
    loaded: bool,
}

const DUMP_METHODS: &[&str] = &["dump", "dumps"];
const LOAD_METHODS: &[&str] = &["load", "loads", "validate"];
const DUMP_DECORATORS: &[&str] = &[
    "marshal_with",
    "marshal_list_with",
    "response",
    "responds",
    "dump_with",
    "serialize_with",
    "output",
];
const LOAD_DECORATORS: &[&str] = &[
    "arguments",
    "use_args",
    "use_kwargs",
    "expect",
    "input",
    "body",
    "validate_with",
];

/// Every schema's usage, from every file: method calls on its instances, decorators naming it,
/// and nesting (a schema nested in a dumped schema is dumped). Usage of a subclass counts for its
/// ancestors, whose fields it dumps or loads.
fn schema_usage(index: &ProjectIndex<'_>, file_count: usize) -> Vec<Usage> {
    let mut usage = vec![Usage::default(); index.class_count()];
    let mut evaluator = crate::index::Evaluator::new(index);
    let mut nesting: Vec<(ClassId, ClassId)> = Vec::new();
    for file in (0..file_count).map(|i| crate::source::FileId(i as u32)) {
        let Some(facts) = index.facts(file) else {
            continue;
        };
        for (_, term) in facts.terms.iter() {
            let Term::Call(call) = term else { continue };
            // `schema.dump(x)`; `user_schema.dump(x)` on a module-level name is one dotted symbol.
            let (receiver, method) = match facts.terms.get(call.callee) {
                Term::Attr(receiver, method) => (Some(*receiver), method.as_str()),
                Term::Global(symbol) => match symbol.rsplit_once('.') {
                    Some((_, method)) => (None, method),
                    None => continue,
                },
                _ => continue,
            };
            let dumped = DUMP_METHODS.contains(&method);
            if !dumped && !LOAD_METHODS.contains(&method) {
                continue;
            }
            let schema = match (receiver, facts.terms.get(call.callee)) {
                (Some(receiver), _) => schema_of(&mut evaluator, index, file, receiver, 4),
                (None, Term::Global(symbol)) => symbol
                    .rsplit_once('.')
                    .and_then(|(prefix, _)| schema_of_symbol(&mut evaluator, index, prefix, 4)),
                _ => None,
            };
            if let Some(schema) = schema {
                mark(&mut usage, schema, dumped);
            }
        }
        for function in &facts.functions {
            for decorator in &function.decorators {
                let name = decorator.name.as_str();
                let dumped = DUMP_DECORATORS.contains(&name);
                if !dumped && !LOAD_DECORATORS.contains(&name) {
                    continue;
                }
                for &arg in &decorator.args {
                    if let Some(schema) = schema_of(&mut evaluator, index, file, arg, 4) {
                        mark(&mut usage, schema, dumped);
                    }
                }
            }
        }
        for record in &facts.deferred {
            if record.rule != Rule::SerializerExposesSensitiveField || &*record.note != NESTED {
                continue;
            }
            let Some(local) = facts
                .classes
                .iter()
                .position(|class| class.name_range == record.range)
            else {
                continue;
            };
            let parent = index.class_id(file, local as u32);
            for &term in &record.terms {
                if let Some(child) = schema_of(&mut evaluator, index, file, term, 2) {
                    nesting.push((parent, child));
                }
            }
        }
    }
    // Nesting passes usage down, a few levels deep.
    for _ in 0..4 {
        let mut changed = false;
        for &(parent, child) in &nesting {
            let from = usage[parent.0 as usize];
            let to = &mut usage[child.0 as usize];
            if (from.dumped && !to.dumped) || (from.loaded && !to.loaded) {
                to.dumped |= from.dumped;
                to.loaded |= from.loaded;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // A subclass's usage is its ancestors' too.
    for id in (0..index.class_count() as u32).map(ClassId) {
        let own = usage[id.0 as usize];
        if !own.dumped && !own.loaded {
            continue;
        }
        for ancestor in index.lineage(id).skip(1).collect::<Vec<_>>() {
            let slot = &mut usage[ancestor.0 as usize];
            slot.dumped |= own.dumped;
            slot.loaded |= own.loaded;
        }
    }
    usage
}

fn mark(usage: &mut [Usage], schema: ClassId, dumped: bool) {
    let slot = &mut usage[schema.0 as usize];
    if dumped {
        slot.dumped = true;
    } else {
        slot.loaded = true;
    }
}

/// The schema class a term is, or is an instance of: `UserSchema`, `UserSchema(many=True)`, a
/// local or module-level variable holding one, or a class attribute (`self.add_schema`).
fn schema_of(
    evaluator: &mut crate::index::Evaluator<'_, '_>,
    index: &ProjectIndex<'_>,
    file: crate::source::FileId,
    term: TermId,
    budget: u32,
) -> Option<ClassId> {
    if budget == 0 {
        return None;
    }
    let facts = index.facts(file)?;
    let is_schema = |value: &crate::index::Value| {
        value.iter().find_map(|fact| match fact.kind {
            Kind::Class(class) if index.flags(class).schema => Some(class),
            _ => None,
        })
    };
    match facts.terms.get(term) {
        Term::Call(call) => is_schema(&evaluator.eval(file, call.callee)),
        Term::Attr(inner, name) => {
            let value = evaluator.eval(file, term);
            if let Some(class) = is_schema(&value) {
                return Some(class);
            }
            // A class attribute holding a schema instance: `add_model_schema = UserSchema()`.
            let owner = evaluator.eval(file, *inner);
            let class = owner.iter().find_map(|fact| match fact.kind {
                Kind::Instance(class) | Kind::Class(class) => Some(class),
                _ => None,
            })?;
            index.lineage(class).find_map(|id| {
                let (_, value, _) = index
                    .class(id)
                    .attributes
                    .iter()
                    .find(|(attribute, _, _)| attribute.as_str() == name.as_str())?;
                schema_of(evaluator, index, index.class_file(id), *value, budget - 1)
            })
        }
        Term::Global(symbol) => {
            let value = evaluator.eval(file, term);
            if let Some(class) = is_schema(&value) {
                return Some(class);
            }
            schema_of_symbol(evaluator, index, symbol, budget)
        }
        _ => None,
    }
}

/// A module-level variable holding a schema instance: `user_schema = UserSchema()`.
fn schema_of_symbol(
    evaluator: &mut crate::index::Evaluator<'_, '_>,
    index: &ProjectIndex<'_>,
    symbol: &str,
    budget: u32,
) -> Option<ClassId> {
    if budget == 0 {
        return None;
    }
    if let Some(class) = index.class_by_qualname(symbol) {
        return index.flags(class).schema.then_some(class);
    }
    let (module, name) = symbol.rsplit_once('.')?;
    let module_file = index.module(module)?;
    let binding = index.global_binding(module_file, name)?;
    schema_of(evaluator, index, module_file, binding.value, budget - 1)
}
