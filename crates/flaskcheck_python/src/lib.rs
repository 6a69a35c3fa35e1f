//! Python source as flaskcheck sees it: bytes decoded to text, text parsed to an AST, offsets
//! turned into lines and columns.
//!
//! Every use of Ruff's parser crates goes through this crate, so that a version bump of
//! `ruff_python_*` (pinned `=0.0.10`) touches one place.

use std::borrow::Cow;

mod decode;
mod parse;
mod prescan;

pub use decode::{decode_source, DecodeError};
pub use parse::{
    comment_ranges, parse_module, CommentLayout, ErrorKind, ParsedModule, SyntaxError,
};
pub use prescan::{too_deep_message, MAX_BRACKET_DEPTH, MAX_FSTRING_DEPTH, MAX_NESTING};

pub use ruff_python_ast as ast;
pub use ruff_python_ast::token::{Token, TokenKind, Tokens};
pub use ruff_source_file::{LineIndex, OneIndexed, PositionEncoding, SourceLocation};
pub use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

/// `text` with the characters that would be invisible, or that a terminal would act on, written
/// as escapes (`\u{1b}`, `\u{202e}`): control characters (C0, C1, DEL), the bidirectional
/// formatting characters of "trojan source" (which make a line read as something else), other
/// invisible format characters, and the line and paragraph separators. For text a person reads:
/// messages, file names, source lines.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, needs_escape)
}

/// [`printable`] for a line of source shown under a finding: tabs stay (the renderer expands
/// them).
pub fn printable_source_line(line: &str) -> Cow<'_, str> {
    escape(line, |c| c != '\t' && needs_escape(c))
}

fn escape(text: &str, needs_escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether [`printable`] escapes `c`.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// A 1-based line and a 1-based column counted in characters (Unicode scalar values).
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Maps byte offsets of one decoded source text to [`Position`]s.
#[derive(Debug, Clone)]
pub struct Locator {
    index: LineIndex,
}

impl Locator {
    pub fn new(text: &str) -> Self {
        Self {
            index: LineIndex::from_source_text(text),
        }
    }

    /// The position of `offset` in `text`, which must be the text this locator was built from.
    /// An offset past the end clamps to the end rather than panicking.
    pub fn position(&self, text: &str, offset: TextSize) -> Position {
        let offset = offset.min(text.text_len());
        let lc = self.index.line_column(offset, text);
        Position {
            line: u32::try_from(lc.line.get()).unwrap_or(u32::MAX),
            column: u32::try_from(lc.column.get()).unwrap_or(u32::MAX),
        }
    }

    /// The byte range of 1-based `line` without its line ending.
    pub fn line_range(&self, text: &str, line: u32) -> TextRange {
        let line = OneIndexed::new(line as usize).unwrap_or(OneIndexed::MIN);
        self.index.line_range(line, text)
    }

    pub fn line_count(&self) -> usize {
        self.index.line_count()
    }

    /// 1-based line number of `offset`.
    pub fn line_of(&self, offset: TextSize) -> u32 {
        u32::try_from(self.index.line_index(offset).get()).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_a_terminal_would_act_on_or_hide() {
        assert!(matches!(printable("plain é 用户"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\x1b[2Jb\tc\u{202e}d\u{2066}e\u{200b}\u{7f}\u{85}"),
            "a\\u{1b}[2Jb\\u{9}c\\u{202e}d\\u{2066}e\\u{200b}\\u{7f}\\u{85}"
        );
        assert_eq!(printable("line\nbreak\r"), "line\\u{a}break\\u{d}");
        assert_eq!(printable_source_line("\tx\x1b"), "\tx\\u{1b}");
    }
}
