//! FC104 mongo-unprojected-find: rules/FC104.md.
//!
//! The Mongo semantics (which values are collections, what `find` returns and whether it had a
//! projection) live in `index/mongo.rs`; this rule looks for unprojected documents among the
//! file's responses.
//!
//! Where a finding goes: at the `find` call, where the projection belongs, even when the call is
//! in another module than the response. Each file's pass reports the finds whose documents reach
//! *its* responses, at the find, with those responses as related locations; a find reaching
//! responses in several files is reported by each of their passes at the same place with the same
//! message, and the pipeline merges the copies into one finding (`lint::merge_duplicates`).
//!
//! A projection that only drops `_id` (`{"_id": 0}`, usually there so that `jsonify` accepts the
//! documents) still returns every other field: the `ast` check marks such calls so that they count
//! as unprojected.

use flaskcheck_python::ast::{Expr, Number};
use flaskcheck_python::Ranged;

use super::source_text::callee_text;
use super::RuleChecks;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::mongo::projection_position;
use crate::index::{Kind, Origin};
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(mark_id_only_projections),
    ast_kinds: NodeKinds::CALL,
    project: Some(check),
};

const ID_ONLY: &str = "id-only projection";

/// Marks find calls whose projection is a literal that only excludes `_id`.
fn mark_id_only_projections(checker: &mut Checker<'_>, node: Node<'_>) {
    let Node::Expr(Expr::Call(call)) = node else {
        return;
    };
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    let Some(position) = projection_position(attr.attr.id.as_str()) else {
        return;
    };
    let projection = call
        .arguments
        .args
        .get(position)
        .or_else(|| call.arguments.find_keyword("projection").map(|k| &k.value));
    if projection.is_some_and(excludes_only_id) {
        checker.defer(
            Rule::MongoUnprojectedFind,
            call.range(),
            Vec::new(),
            ID_ONLY,
        );
    }
}

/// `{"_id": 0}` / `{"_id": False}`.
fn excludes_only_id(projection: &Expr) -> bool {
    let Expr::Dict(dict) = projection else {
        return false;
    };
    !dict.items.is_empty()
        && dict.items.iter().all(|item| {
            matches!(&item.key, Some(Expr::StringLiteral(key)) if key.value.to_str() == "_id")
                && match &item.value {
                    Expr::BooleanLiteral(value) => !value.value,
                    Expr::NumberLiteral(number) => {
                        matches!(&number.value, Number::Int(int) if int.as_u64() == Some(0))
                    }
                    _ => false,
                }
        })
}

/// A find whose documents reach this file's responses, and the responses they reach.
struct Leak {
    origin: Origin,
    id_only: bool,
    responses: Vec<(flaskcheck_python::TextRange, String)>,
}

fn check(ctx: &mut ProjectContext<'_, '_, '_>) {
    let responses = ctx.responses().to_vec();
    let mut leaks: Vec<Leak> = Vec::new();
    for response in &responses {
        for fact in response.value.iter() {
            let projected = match fact.kind {
                Kind::MongoCursor { projected }
                | Kind::MongoDocument { projected }
                | Kind::MongoDocuments { projected } => projected,
                _ => continue,
            };
            let Some(origin) = fact.origin else { continue };
            let id_only = projected && is_id_only(ctx, origin);
            if projected && !id_only {
                continue;
            }
            match leaks.iter_mut().find(|leak| leak.origin == origin) {
                Some(leak) => {
                    let entry = (response.range, response.via.to_string());
                    if !leak.responses.contains(&entry) {
                        leak.responses.push(entry);
                    }
                }
                None => leaks.push(Leak {
                    origin,
                    id_only,
                    responses: vec![(response.range, response.via.to_string())],
                }),
            }
        }
    }
    for leak in leaks {
        let method = callee_text(ctx.source_of(leak.origin));
        let message = if leak.id_only {
            format!("`{method}()` only excludes `_id`: every other field of the documents reaches an HTTP response")
        } else {
            format!("`{method}()` has no projection: every field of the documents reaches an HTTP response")
        };
        let file = ctx.file_id();
        let related: Vec<_> = leak
            .responses
            .iter()
            .map(|(range, via)| {
                ctx.related(
                    Origin {
                        file,
                        range: *range,
                    },
                    format!("the documents reach the response here, through {via}"),
                )
            })
            .collect();
        let diagnostic = ctx.report_at(leak.origin, message);
        diagnostic.help = Some(
            "pass a projection that names the fields the client needs, e.g. `find(query, {\"_id\": 0, \"name\": 1, \"email\": 1})`"
                .into(),
        );
        diagnostic.related.extend(related);
    }
}

/// Whether the find at `origin` was marked by the `ast` check as excluding only `_id`.
fn is_id_only(ctx: &ProjectContext<'_, '_, '_>, origin: Origin) -> bool {
    ctx.index.facts(origin.file).is_some_and(|facts| {
        facts.deferred.iter().any(|deferred| {
            deferred.rule == Rule::MongoUnprojectedFind
                && deferred.range == origin.range
                && &*deferred.note == ID_ONLY
        })
    })
}
