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

use flaskcheck_python::ast::{self as ast, Expr, Operator};
use flaskcheck_python::{Ranged, TextRange};

use super::config_context::is_test_path;
use super::flow::{self, range_note, read_range, Check, Guards};
use super::taint::{self, Scan, Taint};
use super::RuleChecks;
use crate::analyze::facts::Deferred;
use crate::analyze::term::{Term, TermId, Terms};
use crate::analyze::{Checker, Node, NodeKinds, Visited};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::index::{last_segment, SafeFor};
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

/// The note of a record for `x.replace("'", "''")` and `x.replace('"', '""')`: the SQL escape of
/// a quoted literal or identifier.
const ESCAPE: &str = "escape";

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Some(call) = flow::call_or_record_guards(checker, Rule::SqlBuiltFromStrings, node) else {
        return;
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
    collect_built(
        checker.terms(),
        term,
        statement.range(),
        &mut built,
        taint::DEPTH,
    );
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
            // `read_sql_df`): most called names have none, and are not looked up. Each trace has a
            // letter most names lack (`x`, `q`, `Q`): the searches run only on names with one.
            let named_like_sink = id.bytes().any(|b| matches!(b, b'x' | b'q' | b'Q'))
                && ["text", "sql", "SQL"].iter().any(|part| id.contains(part));
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
    let guards = Guards::in_file(ctx, ctx.file_id(), &[Check::AllowList]);
    let mut seen: Vec<TextRange> = Vec::new();
    for deferred in records {
        if &*deferred.note == ESCAPE || flow::is_guard(deferred) || seen.contains(&deferred.range) {
            continue;
        }
        seen.push(deferred.range);
        let guarded = guards.guarded_at(ctx, deferred);
        let scan = Scan {
            file: ctx.file_id(),
            terms: &facts.terms,
            function: deferred
                .function
                .map(|local| ctx.index.function_id(ctx.file_id(), local)),
            sink: SafeFor::SQL,
            sanitizer: is_sanitizer,
            safe_calls: &escapes,
            guarded: &guarded,
            checks: &[Check::AllowList],
            reads_helpers: false,
            classified: RefCell::default(),
        };
        let mut worst = None;
        for &term in &deferred.terms {
            taint::classify(ctx, &scan, term, &mut worst, taint::DEPTH);
        }
        let Some(found) = worst else { continue };
        report(ctx, deferred, found.taint);
    }
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
    taint::is_value_call(name)
        || matches!(
            name,
            "quote"
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
        )
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
