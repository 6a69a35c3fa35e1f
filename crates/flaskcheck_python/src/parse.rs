use std::fmt;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::prescan::prescan;
use crate::printable;

/// Why a source was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Python itself refuses it: the parser's errors, NUL bytes, brackets nested past CPython's
    /// limit.
    Syntax,
    /// Valid Python, nested past flaskcheck's limit ([`crate::MAX_NESTING`]).
    Limit,
}

/// A syntax error at the location the parser reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub range: TextRange,
    /// How many further errors the parser recovered from after this one.
    pub further_errors: usize,
    pub kind: ErrorKind,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A parsed module with its tokens (for comments: suppressions and fixture annotations).
///
/// Dropping an AST recurses once per nesting level, and valid trees can be far deeper than a
/// thread's stack allows (`a+a+…+a` parses to one level per `+`), so the tree is dropped on a
/// stack grown to fit the deepest it could be when the current one may be too small.
pub struct ParsedModule {
    parsed: Option<Parsed<ModModule>>,
}

/// Stack per level when an AST is dropped: a few hundred bytes in the worst case measured (in
/// unoptimized builds too), with headroom.
const DROP_STACK_PER_TOKEN: usize = 512;
const DROP_STACK_RED_ZONE: usize = 256 * 1024;

impl Drop for ParsedModule {
    fn drop(&mut self) {
        if let Some(parsed) = self.parsed.take() {
            // Each level of nesting takes at least one token, so the token count bounds the depth.
            let stack = parsed
                .tokens()
                .len()
                .saturating_mul(DROP_STACK_PER_TOKEN)
                .saturating_add(DROP_STACK_RED_ZONE);
            stacker::maybe_grow(stack, stack, move || drop(parsed));
        }
    }
}

impl ParsedModule {
    fn new(parsed: Parsed<ModModule>) -> Self {
        Self {
            parsed: Some(parsed),
        }
    }

    fn parsed(&self) -> &Parsed<ModModule> {
        self.parsed.as_ref().expect("taken only when dropped")
    }

    pub fn module(&self) -> &ModModule {
        self.parsed().syntax()
    }

    pub fn tokens(&self) -> &Tokens {
        self.parsed().tokens()
    }

    /// The ranges of every `#` comment, in source order.
    pub fn comment_ranges(&self) -> impl Iterator<Item = TextRange> + '_ {
        self.tokens()
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
            .map(Ranged::range)
    }
}

/// The ranges of every `#` comment of `source`, even when it does not parse (the lexer recovers).
pub fn comment_ranges(source: &str) -> Vec<TextRange> {
    let parsed = ParsedModule::new(ruff_python_parser::parse_unchecked_source(
        source,
        ruff_python_ast::PySourceType::Python,
    ));
    parsed.comment_ranges().collect()
}

/// Where comments are and where they cannot go: what an editor needs to add a `# noqa` at the end
/// of a line without changing what the code means.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentLayout {
    /// Every `#` comment, in source order.
    pub comments: Vec<TextRange>,
    /// Tokens that span lines (triple-quoted strings and their f-string parts), in source order:
    /// a line that ends inside one cannot take a comment.
    pub multiline_tokens: Vec<TextRange>,
}

impl CommentLayout {
    /// Lexes `source`, which need not parse (the lexer recovers); `None` for a source the scan
    /// before parsing refuses (NUL bytes, nesting past the limits), which is not lexed at all: an
    /// editor asks for this on every keystroke, and such a file has no finding to suppress.
    pub fn of(source: &str) -> Option<Self> {
        prescan(source).ok()?;
        let parsed = ParsedModule::new(ruff_python_parser::parse_unchecked_source(
            source,
            ruff_python_ast::PySourceType::Python,
        ));
        let mut layout = CommentLayout::default();
        for token in parsed.tokens() {
            match token.kind() {
                TokenKind::Comment => layout.comments.push(token.range()),
                TokenKind::Newline | TokenKind::NonLogicalNewline => {}
                _ if source[token.range()].contains(['\n', '\r']) => {
                    layout.multiline_tokens.push(token.range());
                }
                _ => {}
            }
        }
        Some(layout)
    }

    /// Whether `offset` (the end of a line) lies inside a token that goes on to the next line.
    pub fn inside_multiline_token(&self, offset: TextSize) -> bool {
        let after = self
            .multiline_tokens
            .partition_point(|range| range.end() <= offset);
        self.multiline_tokens
            .get(after)
            .is_some_and(|range| range.start() < offset)
    }
}

/// Parses a module. A file that Ruff's parser accepts but CPython would refuse (NUL bytes, bracket
/// nesting) is reported as a syntax error too, and one nested past flaskcheck's limit in a way the
/// scan before parsing sees is refused (see [`crate::prescan`]).
pub fn parse_module(source: &str) -> Result<ParsedModule, SyntaxError> {
    prescan(source)?;
    let parsed = ParsedModule::new(ruff_python_parser::parse_unchecked_source(
        source,
        ruff_python_ast::PySourceType::Python,
    ));
    if let Some(first) = parsed.parsed().errors().first() {
        let error = SyntaxError {
            // The parser quotes the offending token as it is: a NUL or an escape character would
            // be invisible (or garble a terminal) in a message.
            message: printable(&first.error.to_string()).into_owned(),
            range: first.location,
            further_errors: parsed.parsed().errors().len() - 1,
            kind: ErrorKind::Syntax,
        };
        return Err(error);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pep701_fstrings() {
        let source = "names = ['a']\nprint(f\"{', '.join(f'{n!r}' for n in names)}\")\nx = f\"{\"nested\"}\"\n";
        assert!(parse_module(source).is_ok());
    }

    #[test]
    fn reports_first_error_with_location() {
        let err = parse_module("def f(:\n    pass\n").err().unwrap();
        assert_eq!(u32::from(err.range.start()), 6);
        assert!(!err.message.is_empty());
    }

    #[test]
    fn refuses_brackets_nested_past_cpython_limit() {
        let ok = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
        assert!(parse_module(&ok).is_ok());
        let deep = format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
        let err = parse_module(&deep).err().unwrap();
        assert!(err.message.contains("too many nested parentheses"));
        assert_eq!(u32::from(err.range.start()), 4 + 200);
    }

    #[test]
    fn control_characters_in_messages_are_escaped() {
        let Err(err) = parse_module("x = 1\n\x1b[31m\n") else {
            panic!("an escape character is not Python");
        };
        assert!(!err.message.contains('\x1b'), "{}", err.message);
        assert!(err.message.contains("\\u{1b}"), "{}", err.message);
    }

    #[test]
    fn comments_come_from_tokens() {
        let parsed = parse_module("x = '# not a comment'  # a comment\n").unwrap();
        let ranges: Vec<_> = parsed.comment_ranges().collect();
        assert_eq!(ranges.len(), 1);
        assert_eq!(u32::from(ranges[0].start()), 23);
    }

    #[test]
    fn comment_layout_knows_lines_that_end_inside_strings() {
        let source = "q = \"\"\"SELECT *\nFROM t\"\"\"  # sql\nx = f(a,\n      b)  # noqa: E501\n";
        let layout = CommentLayout::of(source).unwrap();
        let comments: Vec<&str> = layout.comments.iter().map(|r| &source[*r]).collect();
        assert_eq!(comments, ["# sql", "# noqa: E501"]);
        let line_ends: Vec<TextSize> = source
            .match_indices('\n')
            .map(|(at, _)| TextSize::try_from(at).unwrap())
            .collect();
        let inside: Vec<bool> = line_ends
            .iter()
            .map(|&end| layout.inside_multiline_token(end))
            .collect();
        // Line 1 ends inside the string; line 3 ends inside brackets, which may hold a comment.
        assert_eq!(inside, [true, false, false, false]);
        // Lexed even where the file does not parse.
        assert_eq!(
            CommentLayout::of("def f(:  # x\n").unwrap().comments.len(),
            1
        );
        // Not lexed where the scan before parsing refuses the source (a bracket bomb, a NUL).
        assert_eq!(CommentLayout::of(&"(".repeat(1_000_000)), None);
        assert_eq!(CommentLayout::of("x = 1  # \0\n"), None);
    }
}
