//! FC402 sql-built-from-strings: rules/FC402.md.
//!
//! The file pass matches calls that run SQL text (`execute`, `text`, `read_sql`, ...) and follows
//! their statement argument back to where the string was built (an f-string, `%`, `.format`, `+`,
//! possibly assigned to a name first, on any branch). It records each built string with the terms
//! of its parts. The project pass evaluates the parts: constants (module-level names included)
//! and values made safe (`int(...)`, `<int:id>` route parameters, quoting helpers) stay silent;
//! request data and route parameters are high severity, parameters of other functions medium,
//! any other value low.
//!
//! An allow-list guard makes a value safe where it holds: `if sort not in ALLOWED: abort(400)`
//! (or a body that replaces the value) guards the rest of the function, `if sort in ALLOWED:` its
//! own body, `assert sort in ALLOWED` what follows. The file pass records the guarded value, the
//! collection and the region; the project pass checks that the collection is a constant.

use std::cell::RefCell;

use flaskcheck_python::ast::{self as ast, Expr, Operator, Stmt};
use flaskcheck_python::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use super::config_context::is_test_path;
use super::RuleChecks;
use crate::analyze::facts::Deferred;
use crate::analyze::term::{Key, Term, TermId, Terms};
use crate::analyze::{Checker, Node, NodeKinds, Visited};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::index::last_segment;
use crate::index::{FuncId, Kind};
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CALL.with(NodeKinds::IF).with(NodeKinds::ASSERT),
    project: Some(project),
};

/// Methods whose first argument is SQL text that runs (or, for `text` and psycopg's `SQL`,
/// becomes a statement): DB-API cursors and connections (also aiopg, aiomysql), SQLAlchemy,
/// pandas, Django-style `raw`, asyncpg (`fetch`, `fetchrow`, `fetchval`, `cursor`, `prepare`),
/// pg8000's `run`.
const EXECUTE_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "read_sql",
    "read_sql_query",
    "raw",
    "text",
    "fetch",
    "fetchrow",
    "fetchval",
    "cursor",
    "prepare",
    "run",
    "SQL",
];

/// Sink names that other libraries use too (`pdb.run`, `fetch(url)`): their text must name an
/// SQL clause.
const GENERIC_METHODS: &[&str] = &["fetch", "run", "cursor", "prepare"];

/// Functions (by qualified name) whose argument is SQL text whatever it reads like: a fragment
/// given to `text()` (`.filter(text(...))`, `.order_by(text(...))`) is SQL too.
const SQL_TEXT_FUNCTIONS: &[(&str, &str)] = &[
    ("sqlalchemy", "text"),
    ("flask_sqlalchemy", "text"),
    ("psycopg2", "SQL"),
    ("psycopg", "SQL"),
];

/// Functions (by qualified name) that run SQL text.
const SQL_RUN_FUNCTIONS: &[(&str, &str)] = &[("pandas", "read_sql"), ("pandas", "read_sql_query")];

/// Keyword names the statement may be passed as.
const STATEMENT_KEYWORDS: &[&str] = &["sql", "statement", "query", "operation", "stmt", "text"];

/// How deep a term is followed through unions, containers and nested strings.
const DEPTH: u32 = 12;

/// The note of a record for `x.replace("'", "''")` and `x.replace('"', '""')`: the SQL escape of
/// a quoted literal or identifier.
const ESCAPE: &str = "escape";

/// The note of an allow-list guard: `guard START END` (the region it holds in; terms: the
/// guarded value, then the collection).
const GUARD: &str = "guard";

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let call = match node {
        Node::Expr(Expr::Call(call)) => call,
        Node::Stmt(Stmt::If(stmt)) => return membership_guard_if(checker, stmt),
        Node::Stmt(Stmt::Assert(stmt)) => {
            if let Some((value, collection, true)) = membership(&stmt.test) {
                let region = TextRange::new(stmt.range().end(), TextSize::from(u32::MAX));
                record_guard(checker, value, collection, region);
            }
            return;
        }
        _ => return,
    };
    if let Expr::Attribute(attr) = &*call.func {
        if attr.attr.id.as_str() == "replace" {
            if is_quote_escape(call) {
                checker.defer(Rule::SqlBuiltFromStrings, call.range(), Vec::new(), ESCAPE);
            }
            return;
        }
    }
    let Some((sink, certainly_sql)) = sql_sink(checker, call) else {
        return;
    };
    let statement = call.arguments.args.first().or_else(|| {
        call.arguments.keywords.iter().find_map(|keyword| {
            let name = keyword.arg.as_ref()?;
            STATEMENT_KEYWORDS
                .contains(&name.id.as_str())
                .then_some(&keyword.value)
        })
    });
    let Some(statement) = statement else { return };
    if matches!(statement, Expr::Starred(_)) {
        return;
    }
    let term = checker.term(statement);
    let mut built = Vec::new();
    collect_built(checker.terms(), term, statement.range(), &mut built, DEPTH);
    if built.is_empty() {
        // `SQL % values` and `SQL + value` on a name: the text is a string defined elsewhere.
        if let Expr::BinOp(ast::ExprBinOp {
            left, op, right, ..
        }) = statement
        {
            if matches!(op, Operator::Mod | Operator::Add)
                && matches!(&**left, Expr::Name(_) | Expr::Attribute(_))
            {
                let left_term = checker.term(left);
                let right_term = checker.term(right);
                if right_term.is_interesting() && !left_term.is_unknown() {
                    built.push((statement.range(), vec![left_term, right_term]));
                }
            }
        }
    }
    for (range, terms) in built {
        // Read while the text is at hand: whether it is SQL, and how it was built.
        let source = checker.source(range);
        // A method named as generically as `run` or `fetch` must hold a clause only SQL has.
        let reads_as_sql = if GENERIC_METHODS.contains(&sink.as_str()) {
            names_sql_clause(source)
        } else {
            looks_like_sql(source)
        };
        if !(certainly_sql || reads_as_sql) || formats_numbers_only(source) {
            continue;
        }
        let note = format!("{sink} {} {}", range_note(call.range()), build_kind(source));
        checker.defer(Rule::SqlBuiltFromStrings, range, terms, note);
    }
}

/// Whether a call runs SQL text (or makes a statement of it), and its name for messages: a
/// method named like a driver's (`cursor.execute`, `conn.fetch`), or a function of SQLAlchemy,
/// psycopg or pandas by its qualified name (also imported under another name:
/// `from sqlalchemy import text as sql_text`). `certainly_sql` when the text is SQL whatever it
/// reads like (`text()`, `sql.SQL()`).
fn sql_sink(checker: &mut Checker<'_>, call: &ast::ExprCall) -> Option<(String, bool)> {
    let known = |symbol: &str, table: &[(&str, &str)]| {
        table.iter().any(|(package, name)| {
            crate::index::symbol_in(symbol, package) && last_segment(symbol) == *name
        })
    };
    match &*call.func {
        Expr::Attribute(attr) => {
            let name = attr.attr.id.as_str();
            if !EXECUTE_METHODS.contains(&name) {
                return None;
            }
            let certainly_sql = matches!(name, "text" | "SQL")
                && checker
                    .qualified_name(&call.func)
                    .is_some_and(|symbol| known(&symbol, SQL_TEXT_FUNCTIONS));
            Some((name.to_string(), certainly_sql))
        }
        Expr::Name(name) => {
            let id = name.id.as_str();
            // A sink imported under another name keeps a trace of it (`sql_text`, `sa_text`,
            // `read_sql_df`): most called names have none, and are not looked up.
            let named_like_sink = ["text", "sql", "SQL"].iter().any(|part| id.contains(part));
            if !named_like_sink {
                return None;
            }
            let symbol = checker.qualified_name(&call.func)?;
            let sink = last_segment(&symbol).to_string();
            if known(&symbol, SQL_TEXT_FUNCTIONS) {
                Some((sink, true))
            } else if known(&symbol, SQL_RUN_FUNCTIONS) {
                Some((sink, false))
            } else {
                None
            }
        }
        _ => None,
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
fn membership_guard_if(checker: &mut Checker<'_>, stmt: &ast::StmtIf) {
    if checker.current_function().is_none() {
        return;
    }
    let Some((pairs, inside)) = memberships(&stmt.test) else {
        return;
    };
    let leaves_body = stmt.body.last().is_some_and(leaves);
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
        record_guard(checker, value, collection, region);
    }
}

fn record_guard(checker: &mut Checker<'_>, value: &Expr, collection: &Expr, region: TextRange) {
    let value_term = checker.term(value);
    if !value_term.is_interesting() {
        return;
    }
    let collection_term = checker.term(collection);
    let note = format!("{GUARD} {}", range_note(region));
    checker.defer(
        Rule::SqlBuiltFromStrings,
        value.range(),
        vec![value_term, collection_term],
        note,
    );
}

/// A statement after which the block does not go on: `return`, `raise`, `abort(...)`, and
/// `continue` (the value is skipped). Not `break`: the loop variable keeps the refused value.
fn leaves(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Return(_) | Stmt::Raise(_) | Stmt::Continue(_) => true,
        Stmt::Expr(expr) => matches!(
            &*expr.value,
            Expr::Call(call) if matches!(&*call.func, Expr::Name(name) if name.id.as_str() == "abort")
                || matches!(&*call.func, Expr::Attribute(attr) if attr.attr.id.as_str() == "abort")
        ),
        _ => false,
    }
}

/// `sort = "id"` in the body: the value is replaced by a default.
fn replaces(body: &[Stmt], value: &Expr) -> bool {
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

/// `x.replace("'", "''")`, `x.replace('"', '""')`, `` x.replace("`", "``") ``.
fn is_quote_escape(call: &ast::ExprCall) -> bool {
    let [from, to] = &*call.arguments.args else {
        return false;
    };
    let (Expr::StringLiteral(from), Expr::StringLiteral(to)) = (from, to) else {
        return false;
    };
    let (from, to) = (from.value.to_str(), to.value.to_str());
    matches!(from, "'" | "\"" | "`") && to.len() == 2 && to.chars().all(|c| from.starts_with(c))
}

/// The strings `term` may hold that were built from parts: f-strings, `%`, `+` and `.format` on a
/// literal (with where each was built), and `.format` called on a name (`QUERY.format(...)`).
fn collect_built(
    terms: &Terms,
    term: TermId,
    fallback: TextRange,
    out: &mut Vec<(TextRange, Vec<TermId>)>,
    depth: u32,
) {
    collect_built_in(terms, term, fallback, out, depth, &mut Visited::default());
}

fn collect_built_in(
    terms: &Terms,
    term: TermId,
    fallback: TextRange,
    out: &mut Vec<(TextRange, Vec<TermId>)>,
    depth: u32,
    visited: &mut Visited,
) {
    if depth == 0 || !term.is_interesting() || !visited.first_visit(term, depth) {
        return;
    }
    match terms.get(term) {
        Term::Format(_) => {
            let range = terms.format_range(term).unwrap_or(fallback);
            if !out.iter().any(|(r, _)| *r == range) {
                out.push((range, vec![term]));
            }
        }
        Term::Union(items) => {
            for &item in items.iter() {
                collect_built_in(terms, item, fallback, out, depth - 1, visited);
            }
        }
        Term::Call(call)
            if is_format_method(terms, call.callee)
                && !(call.args.is_empty()
                    && call.keywords.is_empty()
                    && call.unpacked.is_empty())
                && !out.iter().any(|(r, _)| *r == call.range) =>
        {
            out.push((call.range, vec![term]));
        }
        _ => {}
    }
}

/// `X.format` (a method of a string held by a name).
fn is_format_method(terms: &Terms, callee: TermId) -> bool {
    match terms.get(callee) {
        Term::Attr(_, name) => matches!(name.as_str(), "format" | "format_map"),
        Term::Global(symbol) => symbol.ends_with(".format") || symbol.ends_with(".format_map"),
        _ => false,
    }
}

/// How dangerous a part of a built statement is, worst last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Taint {
    /// A value flaskcheck could not prove constant: a database value, an attribute, a call result.
    Other(String),
    /// A parameter of a function that is not a view: its callers decide.
    Param(String),
    /// A string parameter of a view, taken from the URL.
    RouteParam(String),
    /// Request data: the query string, the body, headers, cookies.
    Request(String),
}

/// What classifying the parts of one statement needs.
struct Scan<'t> {
    terms: &'t Terms,
    /// The function the statement is built in.
    function: Option<FuncId>,
    /// Calls that escape quotes (`x.replace("'", "''")`).
    escapes: &'t [TextRange],
    /// Values checked against a constant allow-list where the statement is built.
    guarded: &'t [TermId],
    /// What [`classify`] found under each term, with the depth it had left there: terms share
    /// parts, and without this a statement built in a loop takes time exponential in the depth.
    classified: RefCell<FxHashMap<TermId, (u32, Option<Taint>)>>,
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let analysis = ctx.analysis;
    let facts = &analysis.facts;
    let records: Vec<&Deferred> = ctx.deferred();
    if records.is_empty() || is_test_path(&ctx.file.path) {
        return;
    }
    let escapes: Vec<TextRange> = records
        .iter()
        .filter(|record| &*record.note == ESCAPE)
        .map(|record| record.range)
        .collect();
    let guards: Vec<(&Deferred, TextRange)> = records
        .iter()
        .filter_map(|record| Some((*record, guard_region(&record.note)?)))
        .collect();
    let mut seen: Vec<TextRange> = Vec::new();
    for deferred in records {
        if &*deferred.note == ESCAPE
            || guard_region(&deferred.note).is_some()
            || seen.contains(&deferred.range)
        {
            continue;
        }
        seen.push(deferred.range);
        let guarded: Vec<TermId> = guards
            .iter()
            .filter(|(guard, region)| {
                guard.function == deferred.function
                    && deferred.function.is_some()
                    && region.contains_range(deferred.range)
            })
            .filter_map(|(guard, _)| match *guard.terms {
                [value, collection] if is_constant_collection(ctx, collection) => Some(value),
                _ => None,
            })
            .collect();
        let scan = Scan {
            terms: &facts.terms,
            function: deferred
                .function
                .map(|local| ctx.index.function_id(ctx.file_id(), local)),
            escapes: &escapes,
            guarded: &guarded,
            classified: RefCell::default(),
        };
        let mut worst: Option<Taint> = None;
        for &term in &deferred.terms {
            classify(ctx, &scan, term, &mut worst, DEPTH);
        }
        let Some(taint) = worst else { continue };
        report(ctx, deferred, taint);
    }
}

/// The region of a guard's note.
fn guard_region(note: &str) -> Option<TextRange> {
    let mut parts = note.strip_prefix(GUARD)?.split_whitespace();
    read_range(parts.next(), parts.next())
}

/// A range as a note carries it: `START END`, in bytes.
fn range_note(range: TextRange) -> String {
    format!("{} {}", u32::from(range.start()), u32::from(range.end()))
}

/// The range [`range_note`] wrote, from its two words.
fn read_range(start: Option<&str>, end: Option<&str>) -> Option<TextRange> {
    let start = start?.parse::<u32>().ok()?;
    let end = end?.parse::<u32>().ok()?;
    (start <= end).then(|| TextRange::new(TextSize::from(start), TextSize::from(end)))
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
fn all_constant(value: &crate::index::Value) -> bool {
    !value.is_empty() && value.iter().all(|fact| fact.kind == Kind::Const)
}

fn report(ctx: &mut ProjectContext<'_, '_, '_>, deferred: &Deferred, taint: Taint) {
    let (sink, executed_at, how) = parse_note(&deferred.note);
    let (severity, source_text) = match &taint {
        Taint::Request(what) => (Severity::High, format!("request data ({what})")),
        Taint::RouteParam(what) => (Severity::High, what.clone()),
        Taint::Param(what) => (
            Severity::Medium,
            format!("{what}, so its callers decide what SQL runs"),
        ),
        Taint::Other(what) => (Severity::Low, format!("the non-constant value {what}")),
    };
    let message = format!(
        "SQL statement built with {how} from {source_text}, then run by `{sink}()`: SQL injection"
    );
    let related = executed_at
        .filter(|range| !deferred.range.contains_range(*range))
        .map(|range| {
            ctx.related(
                crate::index::Origin {
                    file: ctx.file_id(),
                    range,
                },
                format!("run here by `{sink}()`"),
            )
        });
    let diagnostic = ctx.report(deferred.range, message);
    diagnostic.severity = severity;
    diagnostic.help = Some(
        "pass values as bound parameters (`text(\"... WHERE id = :id\")` with `{\"id\": id}`, `cursor.execute(\"... WHERE id = %s\", (id,))`); check table or column names against a fixed allow-list".into(),
    );
    diagnostic.related.extend(related);
}

/// The note of a built statement: `sink start end how` (the call that runs it, and how the string
/// was built).
fn parse_note(note: &str) -> (&str, Option<TextRange>, &str) {
    let mut parts = note.splitn(4, ' ');
    let sink = parts.next().unwrap_or("execute");
    let range = read_range(parts.next(), parts.next());
    let how = parts.next().unwrap_or("string formatting");
    (sink, range, how)
}

fn build_kind(source: &str) -> &'static str {
    let trimmed = source.trim_start_matches('(').trim_start();
    let prefix: String = trimmed
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    if prefix.contains('f') && trimmed[prefix.len()..].starts_with(['"', '\'']) {
        "an f-string"
    } else if source.contains(".format") {
        "`.format()`"
    } else if source.contains('%') {
        "`%` formatting"
    } else if source.contains(".join") {
        "`str.join()`"
    } else {
        "string concatenation"
    }
}

/// `"... LIMIT %d OFFSET %d" % (limit, offset)`: every conversion of a `%` format is numeric, so
/// no text reaches the statement (a non-number raises `TypeError`).
fn formats_numbers_only(source: &str) -> bool {
    let trimmed = source.trim_start_matches('(').trim_start();
    let starts_with_literal = trimmed
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .starts_with(['"', '\'']);
    if !starts_with_literal || build_kind(source) != "`%` formatting" {
        return false;
    }
    let Some(format) = string_literals(trimmed).into_iter().next() else {
        return false;
    };
    let bytes = format.as_bytes();
    let mut conversions = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'%') {
            i += 1;
            continue;
        }
        if bytes.get(i) == Some(&b'(') {
            while i < bytes.len() && bytes[i] != b')' {
                i += 1;
            }
            i += 1;
        }
        while i < bytes.len() && b"#0- +*.0123456789hlL".contains(&bytes[i]) {
            i += 1;
        }
        match bytes.get(i) {
            Some(
                b'd' | b'i' | b'o' | b'u' | b'x' | b'X' | b'e' | b'E' | b'f' | b'F' | b'g' | b'G',
            ) => {
                conversions += 1;
                i += 1;
            }
            _ => return false,
        }
    }
    conversions > 0
}

/// Calls whose result cannot carry SQL: numbers, and the quoting helpers of drivers and
/// SQLAlchemy.
fn is_sanitizer(name: &str) -> bool {
    matches!(
        name,
        "int"
            | "float"
            | "bool"
            | "len"
            | "abs"
            | "round"
            | "Decimal"
            | "UUID"
            | "uuid4"
            | "quote"
            | "quote_ident"
            | "quote_identifier"
            | "quote_name"
            | "quote_schema"
            | "quote_table"
            | "quote_literal"
            | "format_table"
            | "format_column"
            | "escape"
            | "escape_string"
            | "escape_literal"
            | "escape_identifier"
            | "literal"
            | "Identifier"
            | "Literal"
            | "Placeholder"
            | "isoformat"
            | "strftime"
            | "count"
            | "hexdigest"
    )
}

fn callee_name(terms: &Terms, callee: TermId) -> Option<&str> {
    match terms.get(callee) {
        Term::Attr(_, name) => Some(name.as_str()),
        Term::Global(symbol) => Some(last_segment(symbol)),
        _ => None,
    }
}

fn record(worst: &mut Option<Taint>, taint: Taint) {
    if worst.as_ref().is_none_or(|current| taint > *current) {
        *worst = Some(taint);
    }
}

/// Finds the most dangerous part of a built string.
///
/// Each part is evaluated against the index first: request data, parameters and constants are
/// known there. A part the evaluation does not prove constant is then taken apart: a value derived
/// only from constants (an attribute or item of a constant, a method of a constant called with
/// constants, `json.dumps(CONST)`, an enum member's `.value`) is constant too; what remains at the
/// leaves (a database row, `self.x`, a connection) is reported as a value that is not constant.
fn classify(
    ctx: &mut ProjectContext<'_, '_, '_>,
    scan: &Scan<'_>,
    term: TermId,
    worst: &mut Option<Taint>,
    depth: u32,
) {
    if depth == 0 || !term.is_interesting() {
        return;
    }
    let known = match scan.classified.borrow().get(&term) {
        Some((seen, found)) if *seen >= depth => Some(found.clone()),
        _ => None,
    };
    let found = known.unwrap_or_else(|| {
        let mut found = None;
        classify_parts(ctx, scan, term, &mut found, depth);
        scan.classified
            .borrow_mut()
            .insert(term, (depth, found.clone()));
        found
    });
    if let Some(taint) = found {
        record(worst, taint);
    }
}

/// [`classify`] for a term not classified yet (with as much depth).
fn classify_parts(
    ctx: &mut ProjectContext<'_, '_, '_>,
    scan: &Scan<'_>,
    term: TermId,
    worst: &mut Option<Taint>,
    depth: u32,
) {
    let depth = depth - 1;
    let terms = scan.terms;
    if scan
        .guarded
        .iter()
        .any(|&guarded| guarded == term || terms.get(guarded) == terms.get(term))
    {
        return;
    }
    match terms.get(term) {
        Term::Format(parts)
        | Term::Union(parts)
        | Term::Container(parts)
        | Term::Sequence(parts) => {
            for &part in parts.iter() {
                classify(ctx, scan, part, worst, depth);
            }
            return;
        }
        Term::Keyed(_, value) | Term::WithoutKey(value, _) => {
            classify(ctx, scan, *value, worst, depth);
            return;
        }
        // Filtered through a fixed collection.
        Term::AllowListed(_) => return,
        Term::Call(call) => {
            if scan.escapes.contains(&call.range)
                || callee_name(terms, call.callee).is_some_and(is_sanitizer)
            {
                return;
            }
            // `request.args.get("n", type=int)`
            if let Some(kind) = call.keyword("type") {
                if matches!(terms.get(kind), Term::Global(symbol) if matches!(&**symbol, "builtins.int" | "builtins.float" | "builtins.bool"))
                {
                    return;
                }
            }
            // `COLUMNS.get(key, default)`: a value picked from a constant mapping.
            if is_constant_lookup(ctx, terms, call.callee) {
                return;
            }
            // `str(x)` is as dangerous as `x` (the evaluator keeps only what text matters to
            // responses).
            if matches!(terms.get(call.callee), Term::Global(symbol) if matches!(&**symbol, "builtins.str" | "builtins.repr" | "builtins.format"))
            {
                for &arg in call.args.iter() {
                    classify(ctx, scan, arg, worst, depth);
                }
                return;
            }
        }
        _ => {}
    }
    let value = ctx.evaluator.eval(ctx.file_id(), term);
    let mut unresolved = value.is_empty();
    for fact in value.iter() {
        match &fact.kind {
            // Data written in the code, and code objects (a class, a module, a function).
            Kind::Const
            | Kind::Class(_)
            | Kind::Module(_)
            | Kind::Function(_)
            | Kind::BoundMethod(_)
            | Kind::External(_) => {}
            Kind::Method(receiver, _) if receiver.kind == Kind::Const => {}
            Kind::RequestData(what) => record(worst, Taint::Request(format!("`{what}`"))),
            Kind::Request => record(worst, Taint::Request("the request".into())),
            Kind::Param(index) => {
                if let Some(taint) = param_taint(ctx, scan.function, *index) {
                    record(worst, taint);
                }
            }
            _ => unresolved = true,
        }
    }
    if !unresolved {
        return;
    }
    // (input, whether the value is fetched through it rather than derived from its text)
    let inputs: Vec<(TermId, bool)> = match terms.get(term) {
        Term::Attr(inner, _)
        | Term::Subscript(inner, _)
        | Term::Element(inner)
        | Term::Collect(inner) => vec![(*inner, false)],
        Term::Call(call) => {
            let mut inputs = Vec::new();
            match terms.get(call.callee) {
                Term::Attr(receiver, method) => {
                    inputs.push((*receiver, !is_text_method(method)));
                }
                // `conn.cursor()` with `conn` a module-level connection: a method of data.
                Term::Global(symbol) if !derives_from_code(ctx, symbol) => {
                    record(worst, Taint::Other(describe(ctx, scan, term)));
                }
                _ => {}
            }
            inputs.extend(call.args.iter().map(|&arg| (arg, false)));
            inputs.extend(call.keywords.iter().map(|(_, arg)| (*arg, false)));
            inputs.extend(call.unpacked.iter().map(|&arg| (arg, false)));
            inputs
        }
        // `Mode.disabled.value`, `settings.TABLE.upper`: an attribute chain off a constant, a class
        // or a module is written in the code.
        Term::Global(symbol) if derives_from_code(ctx, symbol) => return,
        // A leaf that holds data from outside the code: `self`, a connection, a row.
        _ => {
            record(worst, Taint::Other(describe(ctx, scan, term)));
            return;
        }
    };
    for (input, fetched) in inputs {
        let mut inner = None;
        classify(ctx, scan, input, &mut inner, depth);
        match inner {
            // Rows fetched through a connection passed in, a value derived from a database value:
            // reported as the value the string uses.
            Some(Taint::Other(_)) => record(worst, Taint::Other(describe(ctx, scan, term))),
            Some(Taint::Param(_) | Taint::RouteParam(_)) if fetched => {
                record(worst, Taint::Other(describe(ctx, scan, term)))
            }
            Some(taint) => record(worst, taint),
            None => {}
        }
    }
}

/// `MAPPING.get` (or `[...]`-like lookups) on a mapping written in the code.
fn is_constant_lookup(ctx: &mut ProjectContext<'_, '_, '_>, terms: &Terms, callee: TermId) -> bool {
    let value = match terms.get(callee) {
        Term::Attr(receiver, method) if matches!(method.as_str(), "get" | "__getitem__") => {
            ctx.evaluator.eval(ctx.file_id(), *receiver)
        }
        Term::Global(symbol) => match symbol.rsplit_once('.') {
            Some((receiver, "get" | "__getitem__")) => ctx.evaluator.resolve(receiver),
            _ => return false,
        },
        _ => return false,
    };
    all_constant(&value)
}

/// String methods whose result is the receiver's text, transformed.
fn is_text_method(name: &str) -> bool {
    matches!(
        name,
        "strip"
            | "lstrip"
            | "rstrip"
            | "lower"
            | "upper"
            | "title"
            | "capitalize"
            | "casefold"
            | "replace"
            | "format"
            | "format_map"
            | "join"
            | "split"
            | "rsplit"
            | "encode"
            | "decode"
            | "removeprefix"
            | "removesuffix"
            | "zfill"
            | "ljust"
            | "rjust"
            | "center"
            | "__str__"
            | "get"
            | "pop"
            | "getlist"
    )
}

/// Whether `symbol` (a name held by a `Global` term, such as the callee `conn.cursor` or the
/// value `Mode.disabled.value`) hangs off code: the nearest prefix that means something is a
/// constant, a class or a module. A module-level variable that flaskcheck cannot evaluate
/// (`conn = psycopg2.connect(...)`) is data, not code.
fn derives_from_code(ctx: &mut ProjectContext<'_, '_, '_>, symbol: &str) -> bool {
    let mut prefix = symbol;
    while let Some((head, name)) = prefix.rsplit_once('.') {
        prefix = head;
        // `mod.name` where the project module `mod` defines no `name` (nor can through a star
        // import): a value nothing in the code gives, not a constant.
        if let Some(file) = ctx.index.module(head) {
            if !module_may_define(ctx, file, name) {
                return false;
            }
        }
        let value = ctx.evaluator.resolve(prefix);
        if value.is_empty() {
            if is_module_variable(ctx, prefix) {
                return false;
            }
            continue;
        }
        return value.iter().all(|fact| {
            matches!(
                fact.kind,
                Kind::Const
                    | Kind::Class(_)
                    | Kind::Module(_)
                    | Kind::External(_)
                    | Kind::Function(_)
            )
        });
    }
    false
}

/// Whether a project module defines `name` (an assignment, a definition, an import, a submodule),
/// may define it (a star import), or Python does (a builtin).
fn module_may_define(
    ctx: &ProjectContext<'_, '_, '_>,
    file: crate::source::FileId,
    name: &str,
) -> bool {
    let Some(facts) = ctx.index.facts(file) else {
        return true;
    };
    let qualified = format!("{}.{name}", facts.module);
    !facts.star_imports.is_empty()
        || is_python_builtin(name)
        || facts
            .globals
            .iter()
            .any(|binding| binding.name.as_str() == name)
        || facts
            .imports
            .iter()
            .any(|(bound, _)| bound.as_str() == name)
        || ctx.index.class_by_qualname(&qualified).is_some()
        || ctx.index.function_by_qualname(&qualified).is_some()
        || ctx.index.module(&qualified).is_some()
        || facts
            .functions
            .iter()
            .any(|function| function.name.as_str() == name)
        || facts
            .classes
            .iter()
            .any(|class| class.name.as_str() == name)
}

/// Python's builtin names (those the file pass does not already resolve to `builtins.`).
fn is_python_builtin(name: &str) -> bool {
    matches!(
        name,
        "abs"
            | "all"
            | "any"
            | "ascii"
            | "bin"
            | "bool"
            | "bytearray"
            | "bytes"
            | "callable"
            | "chr"
            | "classmethod"
            | "compile"
            | "complex"
            | "delattr"
            | "dict"
            | "dir"
            | "divmod"
            | "enumerate"
            | "eval"
            | "exec"
            | "filter"
            | "float"
            | "format"
            | "frozenset"
            | "getattr"
            | "globals"
            | "hasattr"
            | "hash"
            | "help"
            | "hex"
            | "id"
            | "int"
            | "isinstance"
            | "issubclass"
            | "iter"
            | "len"
            | "list"
            | "locals"
            | "map"
            | "max"
            | "memoryview"
            | "min"
            | "next"
            | "object"
            | "oct"
            | "open"
            | "ord"
            | "pow"
            | "print"
            | "property"
            | "range"
            | "repr"
            | "reversed"
            | "round"
            | "set"
            | "setattr"
            | "slice"
            | "sorted"
            | "staticmethod"
            | "str"
            | "sum"
            | "super"
            | "tuple"
            | "type"
            | "vars"
            | "zip"
            | "__name__"
            | "__file__"
            | "__doc__"
            | "__package__"
            | "__spec__"
            | "True"
            | "False"
            | "None"
            | "NotImplemented"
            | "Ellipsis"
            | "__debug__"
    )
}

/// `pkg.module.name` where `name` is assigned at the module level of a project module.
fn is_module_variable(ctx: &ProjectContext<'_, '_, '_>, symbol: &str) -> bool {
    let Some((module, name)) = symbol.rsplit_once('.') else {
        return false;
    };
    ctx.index
        .module(module)
        .is_some_and(|file| ctx.index.global_binding(file, name).is_some())
}

/// What a parameter of the function holding the statement may carry; `None` for a route
/// parameter whose converter only lets numbers through (`<int:id>`).
fn param_taint(
    ctx: &ProjectContext<'_, '_, '_>,
    function: Option<FuncId>,
    index: u16,
) -> Option<Taint> {
    let Some(function) = function else {
        return Some(Taint::Other("a parameter".into()));
    };
    let facts = ctx.index.function(function);
    let name = facts
        .params
        .get(index as usize)
        .map_or("?", |name| name.as_str());
    let Some(client) = ctx.index.client_param(function, index) else {
        return Some(Taint::Param(format!(
            "parameter `{name}` of `{}()`",
            facts.name
        )));
    };
    // `<int:id>`: the converter (or the declared type) only lets numbers through.
    if client.typed {
        return None;
    }
    Some(Taint::RouteParam(format!(
        "{} of view `{}()`",
        client.source.describe(name),
        facts.name
    )))
}

/// A short name for what a term holds, for messages.
fn describe(ctx: &ProjectContext<'_, '_, '_>, scan: &Scan<'_>, term: TermId) -> String {
    let mut out = String::new();
    write_term(scan.terms, term, scan.function, ctx, &mut out, 4);
    if out.is_empty() || out.len() > 60 {
        "computed at run time".into()
    } else {
        format!("`{out}`")
    }
}

fn write_term(
    terms: &Terms,
    term: TermId,
    function: Option<FuncId>,
    ctx: &ProjectContext<'_, '_, '_>,
    out: &mut String,
    depth: u32,
) {
    if depth == 0 {
        out.push_str("...");
        return;
    }
    match terms.get(term) {
        Term::Global(symbol) => out.push_str(last_segment(symbol)),
        Term::Param(index) => {
            let name = function
                .and_then(|f| ctx.index.function(f).params.get(*index as usize))
                .map_or("?", |name| name.as_str());
            out.push_str(name);
        }
        Term::SelfOf(_) => out.push_str("self"),
        Term::ClsOf(_) => out.push_str("cls"),
        Term::Attr(inner, name) => {
            write_term(terms, *inner, function, ctx, out, depth - 1);
            out.push('.');
            out.push_str(name);
        }
        Term::Call(call) => {
            write_term(terms, call.callee, function, ctx, out, depth - 1);
            out.push_str("(...)");
        }
        Term::Subscript(inner, key) => {
            write_term(terms, *inner, function, ctx, out, depth - 1);
            match key {
                Key::Str(key) => out.push_str(&format!("[{key:?}]")),
                Key::Int(index) => out.push_str(&format!("[{index}]")),
                _ => out.push_str("[...]"),
            }
        }
        Term::Element(inner) => {
            out.push_str("item of ");
            write_term(terms, *inner, function, ctx, out, depth - 1);
        }
        _ => {}
    }
}

/// Whether the text that builds a string reads as SQL: its first literal word starts a statement,
/// or a literal holds a clause keyword. An expression without a literal (`QUERY % args`) was
/// matched because it runs, and counts as SQL.
fn looks_like_sql(source: &str) -> bool {
    let literals = string_literals(source);
    if literals.is_empty() {
        return true;
    }
    let mut first = true;
    for literal in literals {
        for word in literal
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .filter(|word| !word.is_empty())
        {
            let lower = word.to_ascii_lowercase();
            if first
                && (STATEMENT_STARTS.contains(&lower.as_str())
                    || FRAGMENT_STARTS.contains(&lower.as_str()))
            {
                return true;
            }
            first = false;
            if CLAUSE_WORDS.contains(&lower.as_str()) {
                return true;
            }
        }
    }
    false
}

/// Whether a literal of the text holds a word only SQL puts in a string (`FROM`, `WHERE`...).
fn names_sql_clause(source: &str) -> bool {
    string_literals(source).into_iter().any(|literal| {
        literal
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|word| CLAUSE_WORDS.contains(&word.to_ascii_lowercase().as_str()))
    })
}

/// Words that start an SQL statement.
const STATEMENT_STARTS: &[&str] = &[
    "select",
    "insert",
    "update",
    "delete",
    "with",
    "create",
    "drop",
    "alter",
    "truncate",
    "grant",
    "revoke",
    "set",
    "show",
    "use",
    "call",
    "exec",
    "execute",
    "begin",
    "commit",
    "rollback",
    "lock",
    "copy",
    "comment",
    "refresh",
    "reindex",
    "cluster",
    "declare",
    "explain",
    "analyze",
    "analyse",
    "vacuum",
    "pragma",
    "attach",
    "detach",
    "kill",
    "cancel",
    "merge",
    "upsert",
    "replace",
    "describe",
    "desc",
    "savepoint",
    "release",
    "listen",
    "notify",
    "values",
    "optimize",
    "load",
    "reset",
    "discard",
];

/// Words that start a fragment appended to an SQL statement (`sql + " AND name = '" + x`).
const FRAGMENT_STARTS: &[&str] = &[
    "and", "or", "where", "order", "group", "having", "limit", "offset", "join", "left", "inner",
    "union", "on",
];

/// Words that only SQL puts in a string.
const CLAUSE_WORDS: &[&str] = &[
    "select", "insert", "update", "delete", "where", "from", "values", "truncate", "pragma",
];

/// The contents of the string literals in a stretch of Python source (roughly: prefixes, triple
/// quotes and escaped quotes are handled; f-string replacement fields are kept as text).
fn string_literals(source: &str) -> Vec<&str> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let quote = bytes[i];
        if quote == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if quote != b'"' && quote != b'\'' {
            i += 1;
            continue;
        }
        let triple = bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote);
        let open = if triple { 3 } else { 1 };
        let start = i + open;
        let mut j = start;
        let end = loop {
            if j >= bytes.len() {
                break bytes.len();
            }
            if bytes[j] == b'\\' {
                j += 2;
                continue;
            }
            if bytes[j] == quote
                && (!triple
                    || (bytes.get(j + 1) == Some(&quote) && bytes.get(j + 2) == Some(&quote)))
            {
                break j;
            }
            j += 1;
        };
        out.push(&source[start..end.min(source.len())]);
        i = end + open;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_sql_text() {
        assert!(looks_like_sql(r#"f"SELECT * FROM users WHERE id = {x}""#));
        assert!(looks_like_sql(r#""DELETE FROM t WHERE id = '%s'" % x"#));
        assert!(looks_like_sql(r#""  update t set a = " + x"#));
        assert!(looks_like_sql(r#"base + " WHERE name = '" + name + "'""#));
        assert!(looks_like_sql(r#"f"KILL CONNECTION {cid}""#));
        assert!(looks_like_sql(r#"sql + " AND brand = '" + brand + "'""#));
        assert!(looks_like_sql("QUERY % args"));
        assert!(!looks_like_sql(r#"f"Hello {name}, welcome""#));
        assert!(!looks_like_sql(r#""run task %s" % name"#));
    }

    #[test]
    fn reads_string_literals() {
        assert_eq!(string_literals(r#"f"a{b}c" + 'd' "#), vec!["a{b}c", "d"]);
        assert_eq!(
            string_literals(r#""""x "y" z""" + "q""#),
            vec![r#"x "y" z"#, "q"]
        );
        assert_eq!(string_literals(r#""it\"s""#), vec![r#"it\"s"#]);
    }

    #[test]
    fn numeric_formats() {
        assert!(formats_numbers_only(
            r#""SELECT id FROM t LIMIT %d OFFSET %d" % (a, b)"#
        ));
        assert!(formats_numbers_only(
            r#""SELECT id FROM t WHERE score > %(min).2f" % args"#
        ));
        assert!(!formats_numbers_only(
            r#""SELECT id FROM t WHERE name = '%s'" % name"#
        ));
        assert!(!formats_numbers_only(
            r#""SELECT id FROM t WHERE a = %d AND b = '%s'" % (a, b)"#
        ));
        assert!(!formats_numbers_only(r#"f"SELECT id FROM t LIMIT {n}""#));
        assert!(!formats_numbers_only(r#"QUERY % n"#));
    }

    #[test]
    fn describes_the_build() {
        assert_eq!(build_kind(r#"f"SELECT {x}""#), "an f-string");
        assert_eq!(build_kind(r#""SELECT {}".format(x)"#), "`.format()`");
        assert_eq!(build_kind(r#""SELECT %s" % x"#), "`%` formatting");
        assert_eq!(build_kind(r#""SELECT " + x"#), "string concatenation");
    }
}
