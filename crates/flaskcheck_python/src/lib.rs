//! Python source as flaskcheck sees it: bytes decoded to text, text parsed to an AST, offsets
//! turned into lines and columns.
//!
//! Every use of Ruff's parser crates goes through this crate, so that a version bump of
//! `ruff_python_*` (pinned `=0.0.10`) touches one place.

mod decode;
mod parse;

pub use decode::{decode_source, DecodeError};
pub use parse::{
    comment_ranges, parse_module, CommentLayout, ParsedModule, SyntaxError, MAX_BRACKET_DEPTH,
};

pub use ruff_python_ast as ast;
pub use ruff_python_ast::token::{Token, TokenKind, Tokens};
pub use ruff_source_file::{LineIndex, OneIndexed, PositionEncoding, SourceLocation};
pub use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

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
