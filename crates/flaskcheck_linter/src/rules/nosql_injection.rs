//! FC401 nosql-injection: rules/FC401.md.
//!
//! The file pass reads the filter of each MongoDB query call (`find`, `find_one`, `update_one`,
//! `delete_many`, `count_documents`, `aggregate`...) and records what it is made of: the whole
//! filter, the value of each field, and the body of `$where`; and the values a function type-checks
//! (`isinstance(x, str)`). The project pass decides with the index: the receiver must be a Mongo
//! collection, and a value reported must be request data that can carry operators. JSON bodies
//! can hold objects (`{"$ne": null}`); query-string and form values are always strings, which
//! only matter in `$where` or as a whole filter (whose keys the client then chooses).

use flaskcheck_python::ast::{self as ast, Expr};
use flaskcheck_python::Ranged;

use super::RuleChecks;
use crate::analyze::term::{Term, TermId};
use crate::analyze::{Checker, Depth, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::last_segment;
use crate::index::Kind;
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CALL,
    project: Some(project),
};

/// Collection methods and the position (and keyword) of their filter.
const QUERY_METHODS: &[(&str, usize, &str)] = &[
    ("find", 0, "filter"),
    ("find_one", 0, "filter"),
    ("find_one_or_404", 0, "filter"),
    ("find_one_and_update", 0, "filter"),
    ("find_one_and_replace", 0, "filter"),
    ("find_one_and_delete", 0, "filter"),
    ("find_raw_batches", 0, "filter"),
    ("update_one", 0, "filter"),
    ("update_many", 0, "filter"),
    ("replace_one", 0, "filter"),
    ("delete_one", 0, "filter"),
    ("delete_many", 0, "filter"),
    ("count_documents", 0, "filter"),
    ("count", 0, "filter"),
    ("remove", 0, "spec_or_id"),
    ("update", 0, "spec"),
    ("find_and_modify", 0, "query"),
    ("distinct", 1, "filter"),
    ("aggregate", 0, "pipeline"),
];

/// Deferred notes: a query (`query:<method>:<mongo-like receiver 0/1>:<part kinds>`, terms: the
/// receiver, then one per part), and a type check (terms: the value checked).
const QUERY: &str = "query";
const TYPE_CHECK: &str = "type-check";

/// What a part of a filter is.
const WHOLE: char = 'W';
const FIELD: char = 'F';
const WHERE: char = 'X';

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Node::Expr(Expr::Call(call)) = node else {
        return;
    };
    match &*call.func {
        Expr::Attribute(attr) => {
            let method = attr.attr.id.as_str();
            // Most calls are not queries: rule them out on the first letter before the table.
            if !matches!(
                method.as_bytes().first(),
                Some(b'f' | b'u' | b'r' | b'd' | b'c' | b'a')
            ) {
                return;
            }
            let Some(&(_, position, keyword)) =
                QUERY_METHODS.iter().find(|(name, _, _)| *name == method)
            else {
                return;
            };
            let Some(filter) = call.arguments.find_argument_value(keyword, position) else {
                return;
            };
            if filter.is_literal_expr() {
                return;
            }
            let mongo_like = looks_like_collection(checker.source(attr.value.range()));
            // `dict.update(other)`, `list.remove(x)`, `str.count(x)` are far more common than the
            // deprecated PyMongo methods of these names: only a literal filter or a receiver
            // written like a collection makes them queries.
            if matches!(method, "update" | "remove" | "count")
                && !mongo_like
                && !matches!(filter, Expr::Dict(_))
            {
                return;
            }
            let mut parts: Vec<(char, &Expr)> = Vec::new();
            filter_parts(filter, true, &mut parts, Depth::MAX);
            if parts.is_empty() {
                return;
            }
            let mut kinds = String::new();
            let mut terms = vec![checker.term(&attr.value)];
            for (kind, expr) in parts {
                let term = checker.term(expr);
                if term.is_interesting() {
                    kinds.push(kind);
                    terms.push(term);
                }
            }
            if kinds.is_empty() {
                return;
            }
            let note = format!("{QUERY}:{method}:{}:{kinds}", u8::from(mongo_like));
            checker.defer(Rule::NosqlInjection, call.range(), terms, note);
        }
        Expr::Name(name) if name.id.as_str() == "isinstance" => {
            if checker.current_function().is_none() {
                return;
            }
            let Some(value) = call.arguments.args.first() else {
                return;
            };
            if !matches!(
                value,
                Expr::Name(_) | Expr::Subscript(_) | Expr::Attribute(_)
            ) {
                return;
            }
            let term = checker.term(value);
            if term.is_interesting() {
                checker.defer(Rule::NosqlInjection, call.range(), vec![term], TYPE_CHECK);
            }
        }
        _ => {}
    }
}

/// The parts of a filter: nested literal dicts and lists (`{"$and": [...]}`, pipelines) are read
/// through; `**spread` and non-literal filters are whole; `$where` bodies are code; other values
/// are field values.
fn filter_parts<'e>(expr: &'e Expr, top: bool, out: &mut Vec<(char, &'e Expr)>, depth: Depth) {
    let Some(depth) = depth.deeper() else {
        return;
    };
    match expr {
        Expr::Dict(dict) => {
            for item in &dict.items {
                match &item.key {
                    None => out.push((WHOLE, &item.value)),
                    Some(Expr::StringLiteral(key)) if key.value.to_str() == "$where" => {
                        if !item.value.is_literal_expr() {
                            out.push((WHERE, &item.value));
                        }
                    }
                    Some(Expr::StringLiteral(key)) if key.value.to_str().starts_with('$') => {
                        // An operator the code chose. The operands of `$match`, `$and`, `$or` and
                        // `$nor` are filters themselves; those of `$in`, `$gt`... are values.
                        let filters =
                            matches!(key.value.to_str(), "$match" | "$and" | "$or" | "$nor");
                        filter_parts(&item.value, filters, out, depth);
                    }
                    Some(_) => match &item.value {
                        Expr::Dict(_) | Expr::List(_) | Expr::Tuple(_) => {
                            filter_parts(&item.value, false, out, depth);
                        }
                        value if value.is_literal_expr() => {}
                        value => out.push((FIELD, value)),
                    },
                }
            }
        }
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            // A pipeline's stages, the filters of `$and`/`$or`, or the values of `$in`.
            for elt in elts {
                filter_parts(elt, top, out, depth);
            }
        }
        _ if expr.is_literal_expr() => {}
        // A non-literal filter, or a non-literal operand of an operator.
        other => out.push((if top { WHOLE } else { FIELD }, other)),
    }
}

/// A receiver written like a collection, for when the evaluator cannot tell:
/// `mongo.db.users`, `db["users"]`, `self.collection`, `users_coll`.
fn looks_like_collection(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let last = last_segment(&lower);
    let parent = lower.rsplit('.').nth(1);
    last.contains("collection")
        || last.ends_with("_coll")
        || last == "coll"
        || matches!(parent, Some("db" | "database" | "mongo_db" | "mongodb"))
        || (lower.contains("db[") && lower.ends_with(']'))
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let file = ctx.file_id();
    let facts = &ctx.analysis.facts;
    for record in &facts.deferred {
        if record.rule != Rule::NosqlInjection {
            continue;
        }
        let Some(rest) = record.note.strip_prefix(QUERY) else {
            continue;
        };
        let mut fields = rest.trim_start_matches(':').splitn(3, ':');
        let (Some(method), Some(mongo_like), Some(kinds)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Some((&receiver, parts)) = record.terms.split_first() else {
            continue;
        };
        let receiver_value = ctx.evaluator.eval(file, receiver);
        let is_collection = receiver_value.contains(|kind| matches!(kind, Kind::MongoCollection))
            || (receiver_value.is_empty() && mongo_like == "1");
        if !is_collection {
            continue;
        }
        for (kind, &part) in kinds.chars().zip(parts) {
            // A filter built as a literal in a variable holds values, like a literal in place.
            let kind = match facts.terms.get(part) {
                Term::Container(_) if kind == WHOLE => FIELD,
                _ => kind,
            };
            if kind == FIELD && is_type_checked(ctx, record.function, part) {
                continue;
            }
            let value = ctx.evaluator.eval(file, part);
            let source = value.iter().find_map(|fact| match &fact.kind {
                Kind::RequestData(source) if kind != FIELD || may_be_object(source) => {
                    Some(source.clone())
                }
                _ => None,
            });
            let Some(source) = source else { continue };
            let message = match kind {
                WHOLE => format!(
                    "request data (`{source}`) is the filter of `{method}()`: the client chooses the fields and operators"
                ),
                WHERE => format!(
                    "request data (`{source}`) is in the `$where` JavaScript of `{method}()`"
                ),
                _ => {
                    if is_string_term(&facts.terms, part) {
                        continue;
                    }
                    format!(
                        "request JSON (`{source}`) is a value in the filter of `{method}()`: an object such as `{{\"$ne\": null}}` becomes an operator"
                    )
                }
            };
            let help = match kind {
                WHERE => "do not build `$where` from input: use query operators with the value as data",
                _ => "check the type (`isinstance(value, str)`), convert it (`str(...)`, `ObjectId(...)`), or validate the body with a schema",
            };
            ctx.report(record.range, message).help = Some(help.into());
            break;
        }
    }
}

/// JSON request data that can hold an object: the JSON body (or parsed text), not query-string,
/// form, header or cookie values, and not once converted with `str()`.
fn may_be_object(source: &str) -> bool {
    let json = source.starts_with("request.json")
        || source.starts_with("request.get_json()")
        || source.starts_with("json.loads(")
        // Flask-RESTX's `api.payload`/`ns.payload`: the JSON body.
        || source.starts_with("api.payload")
        || source.starts_with("ns.payload");
    json && !source.starts_with("str(")
}

/// An f-string or `str(...)` written in place: a string, whatever it holds.
fn is_string_term(terms: &crate::analyze::Terms, term: TermId) -> bool {
    match terms.get(term) {
        Term::Format(_) => true,
        Term::Call(call) => matches!(
            terms.get(call.callee),
            Term::Global(symbol) if matches!(&**symbol, "builtins.str" | "builtins.int" | "builtins.float" | "builtins.bool")
        ),
        _ => false,
    }
}

/// Whether the function checks the type of this value (`isinstance(value, str)`) anywhere.
fn is_type_checked(
    ctx: &ProjectContext<'_, '_, '_>,
    function: Option<crate::analyze::LocalId>,
    term: TermId,
) -> bool {
    let terms = &ctx.analysis.facts.terms;
    ctx.analysis.facts.deferred.iter().any(|record| {
        record.rule == Rule::NosqlInjection
            && &*record.note == TYPE_CHECK
            && record.function == function
            && record
                .terms
                .first()
                .is_some_and(|&checked| checked == term || terms.get(checked) == terms.get(term))
    })
}
