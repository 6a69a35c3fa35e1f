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

use crate::analyze::facts::{Deferred, LocalId};
use crate::analyze::term::{Term, TermId, Terms};
use crate::analyze::{Checker, Node};
use crate::check::ProjectContext;
use crate::index::{Kind, Value};
use crate::registry::Rule;
use crate::source::FileId;

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

/// A name holding `value` is assigned in the body (`target = "/"` after `parsed = urlparse(target)`
/// was tested): the value is replaced by a default.
fn replaces_term(checker: &mut Checker<'_>, body: &[Stmt], value: TermId) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::Assign(assign) => assign
            .targets
            .iter()
            .any(|target| matches!(target, Expr::Name(_)) && checker.term(target) == value),
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

/// The note of a guard record: `guard START END` (the region where it holds), then the kind of
/// check for a check that is not an allow-list (`url`, `path`). Its terms: the guarded value, then
/// (for an allow-list) the collection it must be in. A guard is recorded once, by the first rule
/// that honours its kind; every rule that honours the kind reads it.
const GUARD: &str = "guard";

/// The kinds of check a rule honours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// Membership in a collection written in the code: `if sort not in ALLOWED: abort(400)`.
    AllowList,
    /// A URL checked for where it leads: a project or library predicate named for it
    /// (`is_safe_url(target)`, `url_has_allowed_host_and_scheme(...)`), a test of its parsed host
    /// or scheme (`urlparse(target).netloc in ALLOWED`), or `target.startswith("/")` with a `"//"`
    /// test.
    Url,
    /// A path made absolute (`os.path.realpath`, `abspath`, `normpath`, `Path.resolve()`) and
    /// tested to be in a folder: `.startswith(folder)`, `.is_relative_to(folder)`,
    /// `os.path.commonpath([...])`.
    ContainedPath,
}

impl Check {
    /// The word a guard's note ends with, for checks that are not allow-lists.
    fn note(self) -> &'static str {
        match self {
            Check::AllowList => "",
            Check::Url => "url",
            Check::ContainedPath => "path",
        }
    }
}

/// The kinds of check a condition may hold, from its shape ([`CONDITION_DEPTH`] deep): most
/// conditions hold none, and this is all that is read of them.
fn checks_in(test: &Expr) -> [Option<Check>; 3] {
    let mut found = [None; 3];
    shapes(test, &mut found, CONDITION_DEPTH);
    found
}

fn shapes(expr: &Expr, found: &mut [Option<Check>; 3], depth: u32) {
    if depth == 0 {
        return;
    }
    match expr {
        Expr::BoolOp(boolop) => {
            for value in &boolop.values {
                shapes(value, found, depth - 1);
            }
        }
        Expr::UnaryOp(unary) => shapes(&unary.operand, found, depth - 1),
        Expr::Compare(compare) => {
            if compare
                .ops
                .iter()
                .any(|op| matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn))
            {
                found[0] = Some(Check::AllowList);
            }
            shapes(&compare.left, found, depth - 1);
            for comparator in &compare.comparators {
                shapes(comparator, found, depth - 1);
            }
        }
        Expr::Attribute(attr) => {
            if matches!(attr.attr.id.as_str(), "netloc" | "scheme" | "hostname") {
                found[1] = Some(Check::Url);
            }
        }
        Expr::Call(call) => {
            let name = match &*call.func {
                Expr::Name(name) => name.id.as_str(),
                Expr::Attribute(attr) => attr.attr.id.as_str(),
                _ => "",
            };
            match name {
                "startswith" => {
                    found[1] = Some(Check::Url);
                    found[2] = Some(Check::ContainedPath);
                }
                "is_relative_to" | "commonpath" => found[2] = Some(Check::ContainedPath),
                _ if is_url_predicate(name) => found[1] = Some(Check::Url),
                _ => {}
            }
            for arg in &call.arguments.args {
                shapes(arg, found, depth - 1);
            }
        }
        _ => {}
    }
}

/// How deep a condition is read for checks.
const CONDITION_DEPTH: u32 = 16;

/// The call a guard-honouring rule's `ast` check looks at. Its checks are called on calls and on
/// `if`/`assert` statements (`NodeKinds::CALL | IF | ASSERT`): a statement's guards are recorded
/// for `rule` here, and only a call is handed back.
pub(crate) fn call_or_record_guards<'a>(
    checker: &mut Checker<'_>,
    rule: Rule,
    node: Node<'a>,
) -> Option<&'a ast::ExprCall> {
    if let Node::Expr(Expr::Call(call)) = node {
        return Some(call);
    }
    record_guards(checker, rule, node);
    None
}

/// Records the checks in `node` (an `if` or an `assert`) that guard a value, for the project
/// checks of the rules that honour them (`rule` is the one recording; every kind is recorded, once
/// per statement). A check in an `if` guards its body, and the rest of the function when the body
/// leaves (`abort(400)`, `raise`, `return`) or replaces the value; an `assert`, what follows it.
/// An allow-list is read with its sense (`if sort in ALLOWED:` guards its body, `if sort not in
/// ALLOWED: abort(400)` what follows), and the project check decides whether its collection is
/// written in the code.
pub(crate) fn record_guards(checker: &mut Checker<'_>, rule: Rule, node: Node<'_>) {
    let (test, body) = match node {
        Node::Stmt(Stmt::If(stmt)) => (&*stmt.test, Some(stmt)),
        Node::Stmt(Stmt::Assert(stmt)) => (&*stmt.test, None),
        _ => return,
    };
    // The rules that honour checks call this on each `if`, one after the other: the first
    // records every kind for all of them.
    if checker.shared.guarded.replace(node.range()) == Some(node.range()) {
        return;
    }
    let checks = checks_in(test);
    if checks.iter().all(Option::is_none) {
        return;
    }
    if checks.contains(&Some(Check::AllowList)) {
        match body {
            Some(stmt) => membership_guard_if(checker, rule, stmt),
            None => {
                if let Some((value, collection, true)) = membership(test) {
                    let region = TextRange::new(node.range().end(), TextSize::from(u32::MAX));
                    record_guard(checker, rule, value, collection, region);
                }
            }
        }
    }
    if checker.current_function().is_none() {
        return;
    }
    let validated: Vec<(Check, TermId, Option<&Expr>)> = checks
        .iter()
        .flatten()
        .flat_map(|&check| {
            validated_values(checker, test, check)
                .into_iter()
                .map(move |(term, expr)| (check, term, expr))
        })
        .collect();
    let after = TextRange::new(node.range().end(), TextSize::from(u32::MAX));
    for (check, value, expr) in validated {
        let mut regions = Vec::new();
        match body {
            Some(stmt) => {
                if let (Some(first), Some(last)) = (stmt.body.first(), stmt.body.last()) {
                    regions.push(TextRange::new(first.range().start(), last.range().end()));
                }
                if ends_block(&stmt.body, false)
                    || expr.is_some_and(|expr| replaces(&stmt.body, expr))
                    || replaces_term(checker, &stmt.body, value)
                {
                    regions.push(after);
                }
            }
            None => regions.push(after),
        }
        for region in regions {
            let note = format!("{GUARD} {} {}", range_note(region), check.note());
            defer_once(checker, rule, node.range(), vec![value], note);
        }
    }
}

/// The values a condition validates with a check of this kind (with their expression, when the
/// check names one).
fn validated_values<'e>(
    checker: &mut Checker<'_>,
    test: &'e Expr,
    check: Check,
) -> Vec<(TermId, Option<&'e Expr>)> {
    let mut out = Vec::new();
    match check {
        Check::AllowList => {}
        Check::Url => {
            url_checks(checker, test, &mut out);
            // `target.startswith("/") and not target.startswith("//")`: both tests, in one
            // condition, on one value.
            let (rooted, double_slash) = slash_tests(test);
            if double_slash {
                for value in rooted {
                    let term = checker.term(value);
                    out.push((term, Some(value)));
                }
            }
        }
        Check::ContainedPath => contained_path_checks(checker, test, &mut out),
    }
    out.retain(|(term, _)| term.is_interesting());
    out
}

/// The operands of a condition: through `and`, `or`, `not`, comparisons and call arguments.
fn operands(expr: &Expr) -> Vec<&Expr> {
    match expr {
        Expr::BoolOp(boolop) => boolop.values.iter().collect(),
        Expr::UnaryOp(unary) => vec![&unary.operand],
        Expr::Compare(compare) => std::iter::once(&*compare.left)
            .chain(compare.comparators.iter())
            .collect(),
        Expr::Call(call) => call.arguments.args.iter().collect(),
        Expr::List(list) => list.elts.iter().collect(),
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        _ => Vec::new(),
    }
}

/// Calls `f` on a condition and its operands, [`CONDITION_DEPTH`] deep; where `f` returns
/// `false`, the operands of that node are not visited.
fn visit_condition<'e>(expr: &'e Expr, f: &mut dyn FnMut(&'e Expr) -> bool) {
    let mut stack = vec![(expr, CONDITION_DEPTH)];
    while let Some((expr, depth)) = stack.pop() {
        if depth == 0 || !f(expr) {
            continue;
        }
        // Reversed, so that operands are visited in their written order.
        stack.extend(
            operands(expr)
                .into_iter()
                .rev()
                .map(|operand| (operand, depth - 1)),
        );
    }
}

/// A predicate named for a safe URL: `is_safe_url`, `is_safe_redirect_url`,
/// `url_has_allowed_host_and_scheme`, `is_local_url`, `validate_next`, `is_allowed_url`.
fn is_url_predicate(name: &str) -> bool {
    let contains = |word: &str| {
        name.as_bytes()
            .windows(word.len())
            .any(|window| window.eq_ignore_ascii_case(word.as_bytes()))
    };
    let safe = [
        "safe",
        "valid",
        "allowed",
        "local",
        "internal",
        "trusted",
        "same_origin",
    ];
    let url = [
        "url", "redirect", "next", "target", "host", "location", "origin",
    ];
    safe.iter().any(|word| contains(word)) && url.iter().any(|word| contains(word))
}

/// The values a condition checks as URLs: the argument of a predicate named for it, and what a
/// parsed URL whose host or scheme is tested was parsed from.
fn url_checks<'e>(
    checker: &mut Checker<'_>,
    test: &'e Expr,
    out: &mut Vec<(TermId, Option<&'e Expr>)>,
) {
    visit_condition(test, &mut |expr| match expr {
        Expr::Call(call) => {
            let name = match &*call.func {
                Expr::Name(name) => Some(name.id.as_str()),
                Expr::Attribute(attr) => Some(attr.attr.id.as_str()),
                _ => None,
            };
            if !name.is_some_and(is_url_predicate) {
                return true;
            }
            if let Some(value) = call.arguments.args.first() {
                let term = checker.term(value);
                out.push((term, Some(value)));
            }
            false
        }
        // `urlparse(target).netloc`, `parsed.scheme` with `parsed = urlsplit(target)`.
        Expr::Attribute(attr)
            if matches!(attr.attr.id.as_str(), "netloc" | "scheme" | "hostname") =>
        {
            out.extend(parsed_url(checker, &attr.value));
            false
        }
        _ => true,
    });
}

/// The value a parsed URL was parsed from: `target` of `urlparse(target)`, directly or through a
/// name bound to the parse.
fn parsed_url<'e>(
    checker: &mut Checker<'_>,
    parsed: &'e Expr,
) -> Option<(TermId, Option<&'e Expr>)> {
    if let Expr::Call(call) = parsed {
        let name = match &*call.func {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attr) => attr.attr.id.as_str(),
            _ => return None,
        };
        if !is_url_parser(name) {
            return None;
        }
        let value = call.arguments.args.first()?;
        return Some((checker.term(value), Some(value)));
    }
    let term = checker.term(parsed);
    let terms = checker.terms();
    let Term::Call(call) = terms.get(term) else {
        return None;
    };
    let callee = match terms.get(call.callee) {
        Term::Global(symbol) => crate::index::last_segment(symbol),
        Term::Attr(_, name) => name.as_str(),
        _ => return None,
    };
    if !is_url_parser(callee) {
        return None;
    }
    Some((*call.args.first()?, None))
}

fn is_url_parser(name: &str) -> bool {
    matches!(name, "urlparse" | "urlsplit" | "url_parse")
}

/// `value.startswith("/")` tests, with whether the condition also tests for `"//"` or `"/\\"`
/// (a URL that starts with them leaves the site).
fn slash_tests(test: &Expr) -> (Vec<&Expr>, bool) {
    let mut rooted = Vec::new();
    let mut double_slash = false;
    visit_condition(test, &mut |expr| {
        match expr {
            Expr::StringLiteral(literal) => {
                let text = literal.value.to_str();
                double_slash |= text.starts_with("//") || text.starts_with("/\\");
            }
            Expr::Call(call) => {
                if let Expr::Attribute(attr) = &*call.func {
                    if attr.attr.id.as_str() == "startswith"
                        && matches!(call.arguments.args.first(), Some(Expr::StringLiteral(prefix)) if prefix.value.to_str() == "/")
                    {
                        rooted.push(&*attr.value);
                    }
                }
            }
            _ => {}
        }
        true
    });
    (rooted, double_slash)
}

/// `full.startswith(folder)`, `full.is_relative_to(folder)`, `os.path.commonpath([full, folder])`
/// where `full` holds a path made absolute.
fn contained_path_checks<'e>(
    checker: &mut Checker<'_>,
    test: &'e Expr,
    out: &mut Vec<(TermId, Option<&'e Expr>)>,
) {
    visit_condition(test, &mut |expr| {
        let Expr::Call(call) = expr else {
            return true;
        };
        let candidates: Vec<&Expr> = match &*call.func {
            Expr::Attribute(attr)
                if matches!(attr.attr.id.as_str(), "startswith" | "is_relative_to") =>
            {
                vec![&*attr.value]
            }
            Expr::Attribute(attr) if attr.attr.id.as_str() == "commonpath" => {
                call.arguments.args.iter().flat_map(operands).collect()
            }
            Expr::Name(name) if name.id.as_str() == "commonpath" => {
                call.arguments.args.iter().flat_map(operands).collect()
            }
            _ => Vec::new(),
        };
        for candidate in candidates {
            let term = checker.term(candidate);
            if is_resolved_path(checker.terms(), term, 4) {
                out.push((term, Some(candidate)));
            }
        }
        true
    });
}

/// A path made absolute, with `..` resolved: `os.path.realpath(...)`, `abspath`, `normpath`,
/// `Path(...).resolve()`, `.absolute()` (also through `str(...)`).
fn is_resolved_path(terms: &Terms, term: TermId, depth: u32) -> bool {
    if depth == 0 {
        return false;
    }
    match terms.get(term) {
        Term::Call(call) => match terms.get(call.callee) {
            Term::Global(symbol) => {
                let name = crate::index::last_segment(symbol);
                matches!(name, "realpath" | "abspath" | "normpath")
                    || (matches!(name, "str" | "fspath")
                        && call
                            .args
                            .first()
                            .is_some_and(|&arg| is_resolved_path(terms, arg, depth - 1)))
            }
            Term::Attr(_, name) => matches!(name.as_str(), "resolve" | "absolute"),
            _ => false,
        },
        Term::Union(items) => items
            .iter()
            .all(|&item| is_resolved_path(terms, item, depth - 1)),
        _ => false,
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
    defer_once(
        checker,
        rule,
        value.range(),
        vec![value_term, collection_term],
        note,
    );
}

/// Records a guard unless it was recorded already (a value tested twice in one condition).
fn defer_once(
    checker: &mut Checker<'_>,
    rule: Rule,
    range: TextRange,
    terms: Vec<TermId>,
    note: String,
) {
    let recorded = checker
        .facts
        .deferred
        .iter()
        .rev()
        .take(8)
        .any(|record| record.range == range && *record.note == *note && record.terms == terms);
    if !recorded {
        checker.defer(rule, range, terms, note);
    }
}

/// Whether a record is a guard (not a sink).
pub(crate) fn is_guard(record: &Deferred) -> bool {
    guard_region(&record.note).is_some()
}

/// The region of a guard's note, and the kind of check.
fn guard_region(note: &str) -> Option<(TextRange, Check)> {
    let mut parts = note.strip_prefix(GUARD)?.split_whitespace();
    let region = read_range(parts.next(), parts.next())?;
    let check = match parts.next() {
        None => Check::AllowList,
        Some("url") => Check::Url,
        Some("path") => Check::ContainedPath,
        Some(_) => return None,
    };
    Some((region, check))
}

/// The guards a rule recorded in one file.
pub(crate) struct Guards<'c> {
    guards: Vec<(&'c Deferred, TextRange)>,
}

impl<'c> Guards<'c> {
    /// The guards of the kinds `checks` recorded in a file, by any rule.
    pub(crate) fn in_file(
        ctx: &ProjectContext<'_, '_, 'c>,
        file: FileId,
        checks: &[Check],
    ) -> Self {
        if checks.is_empty() {
            return Self { guards: Vec::new() };
        }
        let guards = ctx
            .index
            .facts(file)
            .map(|facts| {
                facts
                    .deferred
                    .iter()
                    .filter_map(|record| {
                        let (region, check) = guard_region(&record.note)?;
                        checks.contains(&check).then_some((record, region))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self { guards }
    }

    /// The values checked where `site` is, in its function: against a constant allow-list, or by a
    /// check of another kind the rule recorded.
    pub(crate) fn guarded_at(
        &self,
        ctx: &mut ProjectContext<'_, '_, '_>,
        site: &Deferred,
    ) -> Vec<TermId> {
        self.guarded_in(ctx, ctx.file_id(), site.function, site.range)
    }

    /// The values checked at `range` of the function `function` of `file` (the file the guards
    /// were recorded in).
    pub(crate) fn guarded_in(
        &self,
        ctx: &mut ProjectContext<'_, '_, '_>,
        file: FileId,
        function: Option<LocalId>,
        range: TextRange,
    ) -> Vec<TermId> {
        self.guards
            .iter()
            .filter(|(guard, region)| {
                guard.function == function && function.is_some() && region.contains_range(range)
            })
            .filter_map(|(guard, _)| match *guard.terms {
                [value, collection] if is_constant_collection(ctx, file, collection) => Some(value),
                [value] => Some(value),
                _ => None,
            })
            .collect()
    }
}

/// A collection written in the code: a literal of constants, or a name bound to one.
fn is_constant_collection(
    ctx: &mut ProjectContext<'_, '_, '_>,
    file: FileId,
    term: TermId,
) -> bool {
    if term == TermId::CONST {
        return true;
    }
    if !term.is_interesting() {
        return false;
    }
    let value = ctx.evaluator.eval(file, term);
    all_constant(&value)
}

/// A value known, and made only of data written in the code.
pub(crate) fn all_constant(value: &Value) -> bool {
    !value.is_empty() && value.iter().all(|fact| fact.kind == Kind::Const)
}
