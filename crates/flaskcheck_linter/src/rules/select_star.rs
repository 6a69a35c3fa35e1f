//! FC103 select-star: rules/FC103.md.
//!
//! Reads every string literal (plain, implicitly concatenated, triple-quoted, f-string; not
//! docstrings) as SQL and finds each `*` or `table.*` in a top-level `SELECT` list. Stars inside
//! parentheses are not top-level: `COUNT(*)`, `EXISTS (SELECT * ...)` and subqueries whose result
//! the outer query projects stay silent.
//!
//! A star outside any function is reported at once (medium). One in a function is ranked in the
//! project pass by where the function's fetched rows go: into the view's response (high), nowhere
//! out of the function (low: a login check, an existence test), or somewhere this rule does not
//! follow (medium). The file pass notes the functions that fetch rows (`fetchall()`, `execute()`,
//! `read_sql()`...).

use flaskcheck_python::ast::{Expr, FStringPart, InterpolatedStringElement};
use flaskcheck_python::{Ranged, TextRange, TextSize};

use super::{literal_scan, RuleChecks};
use crate::analyze::term::{Term, TermId, Terms};
use crate::analyze::{Checker, Node, NodeKinds, Visited};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::STRINGS
        .with(NodeKinds::CALL)
        .with(NodeKinds::YIELD),
    project: Some(project),
};

/// Deferred notes: a star in a function, a function that fetches rows, a generator (what it
/// yields goes to its callers).
const STAR: &str = "star";
const FETCHES: &str = "fetches";
const YIELDS: &str = "yields";

/// Calls whose result is the rows of raw SQL.
const ROW_METHODS: &[&str] = &[
    "execute",
    "exec_driver_sql",
    "fetchall",
    "fetchone",
    "fetchmany",
    "fetch",
    "fetchrow",
    "mappings",
    "read_sql",
    "read_sql_query",
];

const MESSAGE: &str = "`SELECT *` returns every column of the table, including ones added later";

/// The raw text of a string's literal parts, joined, with where each piece came from.
struct StringText {
    text: String,
    /// (offset in `text`, offset in the source) for each piece.
    pieces: Vec<(usize, TextSize)>,
}

impl StringText {
    fn new() -> Self {
        Self {
            text: String::new(),
            pieces: Vec::new(),
        }
    }

    fn push_source(&mut self, source: &str, range: TextRange) {
        self.pieces.push((self.text.len(), range.start()));
        self.text.push_str(&source[range]);
    }

    /// An interpolated value: never part of a keyword or a star.
    fn push_hole(&mut self) {
        self.text.push_str(" ? ");
    }

    fn source_offset(&self, offset: usize) -> TextSize {
        let (start, source) = self
            .pieces
            .iter()
            .rev()
            .find(|(start, _)| *start <= offset)
            .copied()
            .unwrap_or((0, TextSize::default()));
        source + TextSize::try_from(offset - start).unwrap_or_default()
    }
}

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Node::Expr(expr) = node else { return };
    match expr {
        Expr::Call(call) => return note_fetch(checker, call),
        Expr::Yield(_) | Expr::YieldFrom(_) => return note_once(checker, expr.range(), YIELDS),
        _ => {}
    }
    if !matches!(expr, Expr::StringLiteral(_) | Expr::FString(_)) || checker.is_docstring(expr) {
        return;
    }
    // Most strings are not SQL: look for the keyword before building anything.
    if !literal_scan::scan(checker, expr.range()).has_select() {
        return;
    }
    let source = checker.file.text();
    let mut string = StringText::new();
    match expr {
        Expr::StringLiteral(literal) => {
            for part in literal.value.iter() {
                string.push_source(source, part.content_range());
            }
        }
        Expr::FString(fstring) => {
            for part in fstring.value.iter() {
                match part {
                    FStringPart::Literal(literal) => {
                        string.push_source(source, literal.content_range())
                    }
                    FStringPart::FString(f) => {
                        for element in &f.elements {
                            match element {
                                InterpolatedStringElement::Literal(literal) => {
                                    string.push_source(source, literal.range)
                                }
                                InterpolatedStringElement::Interpolation(_) => string.push_hole(),
                            }
                        }
                    }
                }
            }
        }
        _ => return,
    }
    let in_function = checker.current_function().is_some();
    for star in select_stars(&string.text) {
        let start = string.source_offset(star);
        let range = TextRange::at(start, TextSize::from(1));
        if in_function {
            checker.defer(Rule::SelectStar, range, Vec::new(), STAR);
        } else {
            checker.report(Rule::SelectStar, range, MESSAGE).help =
                Some("name the columns the caller needs".to_string());
        }
    }
}

/// Notes (once) that the function fetches rows of raw SQL.
fn note_fetch(checker: &mut Checker<'_>, call: &flaskcheck_python::ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if !ROW_METHODS.contains(&attr.attr.id.as_str()) {
        return;
    }
    note_once(checker, call.range(), FETCHES);
}

fn note_once(checker: &mut Checker<'_>, range: TextRange, note: &str) {
    let Some(function) = checker.current_function() else {
        return;
    };
    let noted = checker.facts.deferred.iter().rev().take(16).any(|record| {
        record.rule == Rule::SelectStar
            && record.function == Some(function)
            && &*record.note == note
    });
    if !noted {
        checker.defer(Rule::SelectStar, range, Vec::new(), note);
    }
}

/// Where the rows of a function go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rows {
    /// Into the response of the view.
    Response,
    /// Nowhere out of the function.
    Kept,
    /// Somewhere not followed: returned to callers, or fetched elsewhere.
    Unknown,
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let file = ctx.file_id();
    let facts = &ctx.analysis.facts;
    let index = ctx.index;
    for record in ctx.deferred() {
        if &*record.note != STAR {
            continue;
        }
        let Some(local) = record.function else {
            continue;
        };
        let function = &facts.functions[local as usize];
        let noted = |note: &str| {
            ctx.deferred()
                .iter()
                .any(|other| other.function == Some(local) && &*other.note == note)
        };
        let fetches = noted(FETCHES) && !noted(YIELDS);
        let view = index.view(index.function_id(file, local));
        let returns_rows = function
            .returns
            .iter()
            .any(|site| carries_rows(&facts.terms, site.value, 8));
        let responds_rows = facts
            .responses
            .iter()
            .any(|sink| sink.function == Some(local) && carries_rows(&facts.terms, sink.value, 8));
        let returns_the_string = function
            .returns
            .iter()
            .any(|site| site.range.contains_range(record.range));
        let rows = if view.is_route && (responds_rows || returns_rows) {
            Rows::Response
        } else if fetches && !returns_rows && !returns_the_string && !responds_rows {
            Rows::Kept
        } else {
            Rows::Unknown
        };
        let (severity, message) = match rows {
            Rows::Response => (
                Severity::High,
                format!(
                    "`SELECT *` returns every column of the table, and `{}` sends the rows in its response: a column added later reaches the client",
                    function.name
                ),
            ),
            Rows::Kept => (
                Severity::Low,
                format!(
                    "`SELECT *` returns every column of the table, including ones added later (the whole rows stay in the server: `{}` neither returns nor sends them)",
                    function.name
                ),
            ),
            Rows::Unknown => (Severity::Medium, MESSAGE.to_string()),
        };
        let diagnostic = ctx.report(record.range, message);
        diagnostic.severity = severity;
        diagnostic.help = Some("name the columns the caller needs".to_string());
    }
}

/// Whether a term holds whole rows fetched by raw SQL (`cur.fetchall()`, `[dict(r) for r in
/// rows]`, `row._mapping`), as opposed to values taken from them (`row["name"]`, `len(rows)`).
fn carries_rows(terms: &Terms, term: TermId, budget: u32) -> bool {
    carries_rows_in(terms, term, budget, &mut Visited::default())
}

fn carries_rows_in(terms: &Terms, term: TermId, budget: u32, visited: &mut Visited) -> bool {
    if budget == 0 || !visited.first_visit(term, budget) {
        return false;
    }
    let budget = budget - 1;
    match terms.get(term) {
        Term::Container(items)
        | Term::Sequence(items)
        | Term::Union(items)
        | Term::Format(items) => items
            .iter()
            .any(|&item| carries_rows_in(terms, item, budget, visited)),
        Term::Keyed(_, inner)
        | Term::WithoutKey(inner, _)
        | Term::Element(inner)
        | Term::Collect(inner) => carries_rows_in(terms, *inner, budget, visited),
        Term::Attr(inner, name) => {
            matches!(name.as_str(), "_mapping" | "__dict__")
                && carries_rows_in(terms, *inner, budget, visited)
        }
        Term::Call(call) => match terms.get(call.callee) {
            Term::Attr(receiver, name) => {
                ROW_METHODS.contains(&name.as_str())
                    || matches!(
                        name.as_str(),
                        "all" | "first" | "one" | "_asdict" | "to_dict"
                    ) && carries_rows_in(terms, *receiver, budget, visited)
            }
            Term::Global(symbol) => {
                matches!(
                    &**symbol,
                    "builtins.dict" | "builtins.list" | "builtins.tuple" | "builtins.sorted"
                ) && call
                    .args
                    .first()
                    .is_some_and(|&arg| carries_rows_in(terms, arg, budget, visited))
            }
            _ => false,
        },
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'s> {
    Word(&'s str),
    Star,
    Dot,
    Comma,
    Open,
    Close,
    Other,
}

/// A rough SQL lexer: enough to find keywords, stars and brackets outside quotes and comments.
/// Backslash escapes of the Python source (`\n`) count as spaces.
fn tokens(text: &str) -> Vec<(usize, Token<'_>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            // A backslash escape of the Python source: skip it and the character it escapes.
            b'\\' => {
                i += 1;
                i += text[i..].chars().next().map_or(0, char::len_utf8);
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            // A string: never a keyword or a star.
            b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
                i += 1;
                out.push((i, Token::Other));
            }
            // A quoted identifier (`"users"`, `` `users` ``): a name, as in `"u".*`.
            b'"' | b'`' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b {
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                out.push((start, Token::Word(&text[start..i])));
            }
            b'*' => {
                out.push((i, Token::Star));
                i += 1;
            }
            b'.' => {
                out.push((i, Token::Dot));
                i += 1;
            }
            b',' => {
                out.push((i, Token::Comma));
                i += 1;
            }
            b'(' => {
                out.push((i, Token::Open));
                i += 1;
            }
            b')' => {
                out.push((i, Token::Close));
                i += 1;
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'$')
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                out.push((start, Token::Word(&text[start..i])));
            }
            _ if b.is_ascii_whitespace() => i += 1,
            _ => {
                out.push((i, Token::Other));
                i += 1;
            }
        }
    }
    out
}

fn is_keyword(token: Token<'_>, keyword: &str) -> bool {
    matches!(token, Token::Word(word) if word.eq_ignore_ascii_case(keyword))
}

/// Offsets of the stars in top-level `SELECT` lists that are followed by `FROM`.
fn select_stars(text: &str) -> Vec<usize> {
    let tokens = tokens(text);
    let mut stars = Vec::new();
    let mut depth = 0i32;
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].1 {
            Token::Open => depth += 1,
            Token::Close => depth -= 1,
            token if depth == 0 && is_keyword(token, "SELECT") => {
                let (found, from_seen, next) = select_list(&tokens, i + 1);
                if from_seen {
                    stars.extend(found);
                }
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    stars
}

/// Reads a select list starting at `start`: the stars it holds as whole items, whether a `FROM`
/// ends it, and where to go on.
fn select_list(tokens: &[(usize, Token<'_>)], start: usize) -> (Vec<usize>, bool, usize) {
    let mut stars = Vec::new();
    let mut depth = 0i32;
    let mut item_start = start;
    let mut i = start;
    // Modifiers that may precede the list.
    while i < tokens.len()
        && [
            "DISTINCT",
            "ALL",
            "TOP",
            "STRAIGHT_JOIN",
            "SQL_CALC_FOUND_ROWS",
        ]
        .iter()
        .any(|k| is_keyword(tokens[i].1, k))
    {
        i += 1;
        if is_keyword(tokens[i - 1].1, "TOP") {
            i += 1;
        }
        item_start = i;
    }
    let check_item = |from: usize, to: usize, stars: &mut Vec<usize>| {
        let item: Vec<Token<'_>> = tokens[from..to].iter().map(|(_, t)| *t).collect();
        let is_star = match item.as_slice() {
            [Token::Star] => true,
            [.., Token::Word(_), Token::Dot, Token::Star] => item[..item.len() - 1]
                .iter()
                .all(|t| matches!(t, Token::Word(_) | Token::Dot)),
            _ => false,
        };
        if is_star {
            stars.push(tokens[to - 1].0);
        }
    };
    while i < tokens.len() {
        match tokens[i].1 {
            Token::Open => depth += 1,
            Token::Close => {
                if depth == 0 {
                    return (stars, false, i);
                }
                depth -= 1;
            }
            Token::Comma if depth == 0 => {
                check_item(item_start, i, &mut stars);
                item_start = i + 1;
            }
            token if depth == 0 && is_keyword(token, "FROM") => {
                check_item(item_start, i, &mut stars);
                return (stars, true, i + 1);
            }
            token if depth == 0 && (is_keyword(token, "SELECT") || is_keyword(token, "UNION")) => {
                return (Vec::new(), false, i);
            }
            _ => {}
        }
        i += 1;
    }
    (stars, false, i)
}

#[cfg(test)]
mod tests {
    use super::select_stars;

    fn stars(sql: &str) -> Vec<&str> {
        select_stars(sql).into_iter().map(|at| &sql[at..]).collect()
    }

    #[test]
    fn finds_stars_in_select_lists() {
        assert_eq!(stars("SELECT * FROM users").len(), 1);
        assert_eq!(stars("select u.* from users u").len(), 1);
        assert_eq!(stars("SELECT DISTINCT * FROM users").len(), 1);
        assert_eq!(
            stars("SELECT id, p.* FROM users JOIN posts p ON 1=1").len(),
            1
        );
        assert_eq!(stars("SELECT * FROM a UNION SELECT * FROM b").len(), 2);
        assert_eq!(stars("SELECT * FROM (SELECT id FROM t) sub").len(), 1);
    }

    #[test]
    fn ignores_counts_exists_and_prose() {
        assert!(stars("SELECT COUNT(*) FROM users").is_empty());
        assert!(stars(
            "SELECT id FROM users WHERE EXISTS (SELECT * FROM bans WHERE bans.uid = users.id)"
        )
        .is_empty());
        assert!(stars("SELECT id FROM (SELECT * FROM t) sub").is_empty());
        assert!(stars("please select * items").is_empty());
        assert!(stars("SELECT a * b FROM t").is_empty());
        assert!(stars("SELECT '*' FROM t").is_empty());
        assert!(stars("-- SELECT * FROM t\nSELECT id FROM t").is_empty());
    }

    #[test]
    fn escapes_before_non_ascii_text() {
        // From the stdlib's test_utf8source.py: a backslash before a two-byte character.
        assert!(stars("\\Пример SELECT id FROM t").is_empty());
        assert_eq!(stars("\\П SELECT * FROM t").len(), 1);
    }
}
