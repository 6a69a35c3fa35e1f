//! A file as the linter holds it: where it is, its decoded text, and how offsets map to lines.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use flaskcheck_python::{decode_source, DecodeError, Locator, Position, TextRange, TextSize};

use crate::diagnostic::Span;

/// A file's place in the run's file list. Diagnostics name files by id; the report maps ids back
/// to paths.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

impl FileId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One linted file. `text` is `None` when the file could not be read or decoded.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub id: FileId,
    pub path: PathBuf,
    pub text: Option<Arc<str>>,
    /// Built on first use: most files never need a line number.
    locator: OnceLock<Locator>,
}

/// Why a file has no text.
#[derive(Debug)]
pub enum LoadError {
    Io(std::io::Error),
    Decode(DecodeError),
}

impl SourceFile {
    /// Reads and decodes `path`.
    pub fn load(id: FileId, path: &Path) -> (SourceFile, Option<LoadError>) {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => return (SourceFile::without_text(id, path), Some(LoadError::Io(err))),
        };
        match decode_source(&bytes) {
            Ok(text) => (
                SourceFile::from_text(id, path, Arc::from(text.as_ref())),
                None,
            ),
            Err(err) => (
                SourceFile::without_text(id, path),
                Some(LoadError::Decode(err)),
            ),
        }
    }

    pub fn from_text(id: FileId, path: &Path, text: Arc<str>) -> SourceFile {
        SourceFile {
            id,
            path: path.to_path_buf(),
            text: Some(text),
            locator: OnceLock::new(),
        }
    }

    pub fn without_text(id: FileId, path: &Path) -> SourceFile {
        SourceFile {
            id,
            path: path.to_path_buf(),
            text: None,
            locator: OnceLock::new(),
        }
    }

    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or("")
    }

    /// The span of a byte range of this file's text.
    pub fn span(&self, range: TextRange) -> Span {
        match (&self.text, self.locator()) {
            (Some(text), Some(locator)) => Span {
                range,
                start: locator.position(text, range.start()),
                end: locator.position(text, range.end()),
            },
            _ => Span::at(Position { line: 1, column: 1 }),
        }
    }

    /// The span of the whole line `line` (1-based), for findings that have no finer location.
    pub fn line_span(&self, line: u32) -> Span {
        match (&self.text, self.locator()) {
            (Some(text), Some(locator)) if (line as usize) <= locator.line_count() => {
                self.span(locator.line_range(text, line))
            }
            _ => Span::at(Position { line, column: 1 }),
        }
    }

    /// 1-based line of a byte offset (1 for files without text).
    pub fn line_of(&self, offset: TextSize) -> u32 {
        self.locator().map_or(1, |locator| locator.line_of(offset))
    }

    pub fn locator(&self) -> Option<&Locator> {
        let text = self.text.as_ref()?;
        Some(self.locator.get_or_init(|| Locator::new(text)))
    }
}

impl Span {
    /// An empty span at a position, for files without text.
    pub fn at(position: Position) -> Span {
        Span {
            range: TextRange::default(),
            start: position,
            end: position,
        }
    }
}
