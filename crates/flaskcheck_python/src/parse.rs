use std::fmt;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextRange, TextSize};

/// CPython's tokenizer refuses more than 200 open brackets at once (`MAXLEVEL` in
/// `Parser/tokenizer.h`: "too many nested parentheses"). Ruff's parser accepts any depth, so the
/// limit is applied here: such a file is a syntax error for Python itself.
pub const MAX_BRACKET_DEPTH: usize = 200;

/// A syntax error at the location the parser reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub range: TextRange,
    /// How many further errors the parser recovered from after this one.
    pub further_errors: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A parsed module with its tokens (for comments: suppressions and fixture annotations).
pub struct ParsedModule {
    parsed: Parsed<ModModule>,
}

impl ParsedModule {
    pub fn module(&self) -> &ModModule {
        self.parsed.syntax()
    }

    pub fn tokens(&self) -> &Tokens {
        self.parsed.tokens()
    }

    /// The ranges of every `#` comment, in source order.
    pub fn comment_ranges(&self) -> impl Iterator<Item = TextRange> + '_ {
        self.parsed
            .tokens()
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
            .map(Ranged::range)
    }

    /// Drops a module whose tree may be deeper than the current thread's stack can recurse
    /// through (dropping an AST recurses once per nesting level). `budget` is a generous upper
    /// bound on the nesting, such as the number of tokens.
    pub fn drop_deep(self) {
        let tokens = self.parsed.tokens().len();
        // A few hundred bytes of stack per level in the worst case measured, plus headroom.
        let stack = tokens.saturating_mul(512).saturating_add(1 << 20);
        stacker::grow(stack, move || drop(self));
    }
}

/// The ranges of every `#` comment of `source`, even when it does not parse (the lexer recovers).
pub fn comment_ranges(source: &str) -> Vec<TextRange> {
    let parsed =
        ruff_python_parser::parse_unchecked_source(source, ruff_python_ast::PySourceType::Python);
    let ranges = parsed
        .tokens()
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
        .map(Ranged::range)
        .collect();
    ParsedModule { parsed }.drop_deep();
    ranges
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
    /// Lexes `source`, which need not parse (the lexer recovers).
    pub fn of(source: &str) -> Self {
        let parsed = ruff_python_parser::parse_unchecked_source(
            source,
            ruff_python_ast::PySourceType::Python,
        );
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
        ParsedModule { parsed }.drop_deep();
        layout
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

/// The parser quotes the offending token as it is: a NUL or another control character would be
/// invisible (or garble a terminal) in a message, so those are escaped (`\u{0}`).
fn printable(message: &str) -> String {
    if !message.chars().any(char::is_control) {
        return message.to_string();
    }
    message
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Parses a module. A file that Ruff's parser accepts but CPython would refuse for bracket
/// nesting is reported as a syntax error too.
pub fn parse_module(source: &str) -> Result<ParsedModule, SyntaxError> {
    let parsed =
        ruff_python_parser::parse_unchecked_source(source, ruff_python_ast::PySourceType::Python);
    if let Some(first) = parsed.errors().first() {
        let error = SyntaxError {
            message: printable(&first.error.to_string()),
            range: first.location,
            further_errors: parsed.errors().len() - 1,
        };
        ParsedModule { parsed }.drop_deep();
        return Err(error);
    }
    if let Some(range) = first_bracket_over_limit(parsed.tokens()) {
        ParsedModule { parsed }.drop_deep();
        return Err(SyntaxError {
            message: format!(
                "too many nested parentheses (CPython allows at most {MAX_BRACKET_DEPTH} open brackets)"
            ),
            range,
            further_errors: 0,
        });
    }
    Ok(ParsedModule { parsed })
}

fn first_bracket_over_limit(tokens: &Tokens) -> Option<TextRange> {
    let mut depth = 0usize;
    for token in tokens.iter() {
        match token.kind() {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Some(token.range());
                }
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
    }
    None
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
        let Err(err) = parse_module("x = 1\n\0\n") else {
            panic!("a NUL byte is not Python");
        };
        assert!(!err.message.contains('\0'), "{}", err.message);
        assert!(err.message.contains("\\u{0}"), "{}", err.message);
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
        let layout = CommentLayout::of(source);
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
        assert_eq!(CommentLayout::of("def f(:  # x\n").comments.len(), 1);
    }
}
