//! Control flow as the rules read it: where a block ends (`return`, `raise`, `abort(...)`), and
//! the checks that make a value safe in the code they guard (`if sort not in ALLOWED: abort(400)`).
//!
//! The walker follows values, not conditions, so a check does not change a value's term. A rule
//! that honours a check records it in its `ast` check ([`record_guards`]: the checked value, and
//! the region of the function where the check holds) and, in its `project` check, drops the parts
//! of a sink's value that a check holding at the sink covers ([`Guards::guarded_at`]). One module
//! for all of them, so that `abort`, "the block ends here" and what counts as a check mean the same
//! in every rule.

use flaskcheck_python::ast::{self as ast, Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange, TextSize};

use crate::analyze::facts::Deferred;
use crate::analyze::term::TermId;
use crate::analyze::{Checker, Node};
use crate::check::ProjectContext;
use crate::index::{Kind, Value};
use crate::registry::Rule;

/// `abort(...)`, `flask.abort(...)`, `api.abort(...)`: raises an HTTP error, so the block ends.
pub(crate) fn is_abort(call: &ast::ExprCall) -> bool {
    match &*call.func {
        Expr::Name(name) => name.id.as_str() == "abort",
        Expr::Attribute(attr) => attr.attr.id.as_str() == "abort",
        _ => false,
    }
}

/// A statement after which the block does not go on: `return`, `raise`, `abort(...)`, and
/// `continue` (the value is skipped); `break` too when `break_ends_it` (a loop over keys, where
/// the key is not used after the loop), but not otherwise: after `break`, the loop variable keeps
/// the value the check refused, and the code after the loop may use it.
pub(crate) fn leaves(stmt: &Stmt, break_ends_it: bool) -> bool {
    match stmt {
        Stmt::Return(_) | Stmt::Raise(_) | Stmt::Continue(_) => true,
        Stmt::Break(_) => break_ends_it,
        Stmt::Expr(expr) => matches!(&*expr.value, Expr::Call(call) if is_abort(call)),
        _ => false,
    }
}

/// A block whose last statement [`leaves`].
pub(crate) fn ends_block(body: &[Stmt], break_ends_it: bool) -> bool {
    body.last().is_some_and(|last| leaves(last, break_ends_it))
}

/// `sort = "id"` in the body: the value is replaced by a default.
pub(crate) fn replaces(body: &[Stmt], value: &Expr) -> bool {
    let Expr::Name(name) = value else {
        return false;
    };
    body.iter().any(|stmt| match stmt {
        Stmt::Assign(assign) => assign
            .targets
            .iter()
            .any(|target| matches!(target, Expr::Name(t) if t.id == name.id)),
        _ => false,
    })
}

/// A range as a note carries it: `START END`, in bytes.
pub(crate) fn range_note(range: TextRange) -> String {
    format!("{} {}", u32::from(range.start()), u32::from(range.end()))
}

/// The range [`range_note`] wrote, from its two words.
pub(crate) fn read_range(start: Option<&str>, end: Option<&str>) -> Option<TextRange> {
    let start = start?.parse::<u32>().ok()?;
    let end = end?.parse::<u32>().ok()?;
    (start <= end).then(|| TextRange::new(TextSize::from(start), TextSize::from(end)))
}

/// The note of a guard record: `guard START END` (the region where it holds). Its terms: the
/// guarded value, then the collection it must be in.
const GUARD: &str = "guard";

/// Records the checks in `node` (an `if` or an `assert`) that guard a value, for `rule`'s project
/// check: a value tested for membership in a collection (`if sort not in ALLOWED: abort(400)`, the
/// rest of the function; `if sort in ALLOWED:`, its body; `assert sort in ALLOWED`, what follows).
/// The project check decides whether the collection is written in the code.
pub(crate) fn record_guards(checker: &mut Checker<'_>, rule: Rule, node: Node<'_>) {
    match node {
        Node::Stmt(Stmt::If(stmt)) => membership_guard_if(checker, rule, stmt),
        Node::Stmt(Stmt::Assert(stmt)) => {
            if let Some((value, collection, true)) = membership(&stmt.test) {
                let region = TextRange::new(stmt.range().end(), TextSize::from(u32::MAX));
                record_guard(checker, rule, value, collection, region);
            }
        }
        _ => {}
    }
}

/// `value in collection` (`true`) or `value not in collection` (`false`).
fn membership(test: &Expr) -> Option<(&Expr, &Expr, bool)> {
    let Expr::Compare(compare) = test else {
        return None;
    };
    let ([op], [collection]) = (&*compare.ops, &*compare.comparators) else {
        return None;
    };
    match op {
        ast::CmpOp::In => Some((&compare.left, collection, true)),
        ast::CmpOp::NotIn => Some((&compare.left, collection, false)),
        _ => None,
    }
}

/// The membership tests of a condition that all hold in its body (`a in A and b in B`) or, when
/// it is false, after it (`a not in A or b not in B`): `(value, collection)` pairs and which of
/// the two it is.
fn memberships(test: &Expr) -> Option<(Vec<(&Expr, &Expr)>, bool)> {
    if let Some((value, collection, inside)) = membership(test) {
        return Some((vec![(value, collection)], inside));
    }
    let Expr::BoolOp(boolop) = test else {
        return None;
    };
    let inside = boolop.op == ast::BoolOp::And;
    let mut pairs = Vec::new();
    for operand in &boolop.values {
        match membership(operand) {
            Some((value, collection, operand_inside)) if operand_inside == inside => {
                pairs.push((value, collection));
            }
            // Another condition beside the tests: `a in A and other` still guards `a`, while
            // `a not in A or other` lets `a` through when `other` is false.
            _ if inside => {}
            _ => return None,
        }
    }
    (!pairs.is_empty()).then_some((pairs, inside))
}

/// `if sort in ALLOWED:` guards its body; `if sort not in ALLOWED:` guards the rest of the
/// function when its body leaves (`abort(400)`, `raise`, `return`) or replaces the value.
fn membership_guard_if(checker: &mut Checker<'_>, rule: Rule, stmt: &ast::StmtIf) {
    if checker.current_function().is_none() {
        return;
    }
    let Some((pairs, inside)) = memberships(&stmt.test) else {
        return;
    };
    let leaves_body = stmt.body.last().is_some_and(|last| leaves(last, false));
    for (value, collection) in pairs {
        let region = if inside {
            let (Some(first), Some(last)) = (stmt.body.first(), stmt.body.last()) else {
                return;
            };
            TextRange::new(first.range().start(), last.range().end())
        } else if leaves_body || replaces(&stmt.body, value) {
            TextRange::new(stmt.range().end(), TextSize::from(u32::MAX))
        } else {
            continue;
        };
        record_guard(checker, rule, value, collection, region);
    }
}

fn record_guard(
    checker: &mut Checker<'_>,
    rule: Rule,
    value: &Expr,
    collection: &Expr,
    region: TextRange,
) {
    let value_term = checker.term(value);
    if !value_term.is_interesting() {
        return;
    }
    let collection_term = checker.term(collection);
    let note = format!("{GUARD} {}", range_note(region));
    checker.defer(rule, value.range(), vec![value_term, collection_term], note);
}

/// Whether a record of the running rule is a guard (not a sink).
pub(crate) fn is_guard(record: &Deferred) -> bool {
    guard_region(&record.note).is_some()
}

/// The region of a guard's note.
fn guard_region(note: &str) -> Option<TextRange> {
    let mut parts = note.strip_prefix(GUARD)?.split_whitespace();
    read_range(parts.next(), parts.next())
}

/// The guards a rule recorded in one file.
pub(crate) struct Guards<'c> {
    guards: Vec<(&'c Deferred, TextRange)>,
}

impl<'c> Guards<'c> {
    pub(crate) fn of(records: &[&'c Deferred]) -> Self {
        Self {
            guards: records
                .iter()
                .filter_map(|record| Some((*record, guard_region(&record.note)?)))
                .collect(),
        }
    }

    /// The values checked against a constant allow-list where `site` is, in its function.
    pub(crate) fn guarded_at(
        &self,
        ctx: &mut ProjectContext<'_, '_, '_>,
        site: &Deferred,
    ) -> Vec<TermId> {
        self.guards
            .iter()
            .filter(|(guard, region)| {
                guard.function == site.function
                    && site.function.is_some()
                    && region.contains_range(site.range)
            })
            .filter_map(|(guard, _)| match *guard.terms {
                [value, collection] if is_constant_collection(ctx, collection) => Some(value),
                _ => None,
            })
            .collect()
    }
}

/// A collection written in the code: a literal of constants, or a name bound to one.
fn is_constant_collection(ctx: &mut ProjectContext<'_, '_, '_>, term: TermId) -> bool {
    if term == TermId::CONST {
        return true;
    }
    if !term.is_interesting() {
        return false;
    }
    let value = ctx.evaluator.eval(ctx.file_id(), term);
    all_constant(&value)
}

/// A value known, and made only of data written in the code.
pub(crate) fn all_constant(value: &Value) -> bool {
    !value.is_empty() && value.iter().all(|fact| fact.kind == Kind::Const)
}
