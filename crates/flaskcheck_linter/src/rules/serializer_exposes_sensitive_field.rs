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
use crate::analyze::{Checker, Node};
use crate::check::ProjectContext;
use crate::index::{is_serializer_method, ClassId, Kind, ProjectIndex};
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    project: Some(project),
};

/// Deferred notes: a dump of every column (followed by the names excluded from it), and the
/// fields a class keeps out of its output (`load_only`, pydantic `exclude=True`, `SecretStr`).
const DUMP_ALL: &str = "dump-all";
const HIDDEN: &str = "hidden";

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
    "set",
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
            if !body_copies_attributes(&stmt.body) {
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
fn is_attribute_dict(expr: &Expr) -> bool {
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
                    is_attribute_dict(arg)
                        || (name.id.as_str() == "vars"
                            && matches!(arg, Expr::Name(n) if n.id.as_str() == "self"))
                })
            }
            Expr::Attribute(attr) => match attr.attr.id.as_str() {
                "copy" if call.arguments.args.is_empty() => is_attribute_dict(&attr.value),
                "copy" | "deepcopy" => call.arguments.args.first().is_some_and(is_attribute_dict),
                _ => false,
            },
            _ => false,
        },
        // `{**self.__dict__}`
        Expr::Dict(dict) => dict
            .items
            .iter()
            .any(|item| item.key.is_none() && is_attribute_dict(&item.value)),
        _ => false,
    }
}

/// When `value` dumps every column or attribute of `self`: the names its filter excludes
/// (`:name` each). `None` when it does not, or when it filters through a list it names but the
/// analysis cannot read (`if c.name not in self.__private__`), which is trusted.
fn dumps_every_attribute(checker: &Checker<'_>, value: &Expr) -> Option<String> {
    if is_attribute_dict(value) {
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
    visit_expr(condition, &mut |expr| match expr {
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

/// Calls `f` on `expr` and every expression inside it.
fn visit_expr(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    use flaskcheck_python::ast::visitor::{walk_expr, Visitor};
    struct Walk<'f>(&'f mut dyn FnMut(&Expr));
    impl<'a> Visitor<'a> for Walk<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            (self.0)(expr);
            walk_expr(self, expr);
        }
    }
    Walk(f).visit_expr(expr);
}

/// A loop body that copies each attribute into a dict: `data[c.name] = getattr(self, c.name)`.
fn body_copies_attributes(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::Assign(assign) => {
            assign
                .targets
                .iter()
                .any(|target| matches!(target, Expr::Subscript(_)))
                && reads_self_attribute(&assign.value)
        }
        Stmt::If(stmt) => {
            body_copies_attributes(&stmt.body)
                || stmt
                    .elif_else_clauses
                    .iter()
                    .any(|clause| body_copies_attributes(&clause.body))
        }
        _ => false,
    })
}

/// `getattr(self, ...)`, possibly wrapped (`str(getattr(self, name))`), or a value from
/// `self.__dict__`.
fn reads_self_attribute(expr: &Expr) -> bool {
    let mut found = false;
    visit_expr(expr, &mut |expr| {
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
                            visit_expr(&assign.value, &mut |expr| {
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
            visit_expr(annotation, &mut |expr| {
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
        if secret_annotation || kept_out {
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
        if !flags.schema {
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
    index.lineage(class).any(|id| {
        let Some(facts) = index.facts(index.class_file(id)) else {
            return false;
        };
        index.class(id).bases.iter().any(|&base| {
            let name = match facts.terms.get(base) {
                Term::Global(symbol) => symbol.rsplit('.').next().unwrap_or(symbol),
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
    if words.iter().any(|w| INPUT_WORDS.contains(&w.as_str())) {
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
        if index.class_file(index_of_column(index, class, column.range)) != ctx.file_id() {
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
    let message = match &model_name {
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
    ctx.report(name_range, message).help = Some(format!(
        "add {} to `Meta.exclude` or `Meta.load_only`, or list only the fields the client needs",
        list(&inferred)
    ));
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
