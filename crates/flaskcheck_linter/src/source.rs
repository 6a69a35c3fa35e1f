//! A file as the linter holds it: where it is, its decoded text, and how offsets map to lines.
//!
//! The text is held while the file pass runs and then released: a project's facts are small, its
//! source is not, and holding every file's text would make memory grow with the project. A file
//! whose text is needed later (a finding's line and column, the snippet the text format shows) is
//! read again; the content hash taken at the first read makes sure it is the same text.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use flaskcheck_python::{decode_source, DecodeError, Locator, Position, TextRange, TextSize};
use xxhash_rust::xxh3::xxh3_128;

use crate::diagnostic::Span;
use crate::file_io::{read_regular_file, ReadError};

/// A file's place in the run's file list. Diagnostics name files by id; the report maps ids back
/// to paths.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct FileId(pub u32);

impl FileId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One linted file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub id: FileId,
    pub path: PathBuf,
    /// The decoded text: set while the file pass runs, read again on demand after
    /// [`SourceFile::release_text`]. `None` inside when the file has no (matching) text.
    text: OnceLock<Option<Arc<str>>>,
    /// Whether the file was read and decoded.
    has_text: bool,
    /// Hash of the bytes first read, to check a second read against (`None` for a text given
    /// rather than read, which is never released).
    content_hash: Option<ContentHash>,
    /// Built on first use: most files never need a line number.
    locator: OnceLock<Locator>,
}

/// Why a file has no text.
#[derive(Debug)]
pub enum LoadError {
    Read(ReadError),
    Decode(DecodeError),
}

/// The hash of a file's bytes as read (before decoding): what tells a file's second read, and the
/// cache, that the content is the same.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ContentHash(u128);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash(xxh3_128(bytes))
    }
}

/// Reads a source file's bytes: a regular file only, at most [`crate::file_io::MAX_FILE_SIZE`]
/// (see [`read_regular_file`]).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_regular_file(path)
}

impl SourceFile {
    /// Reads and decodes `path`.
    pub fn load(id: FileId, path: &Path) -> (SourceFile, Option<LoadError>) {
        match read_bytes(path) {
            Ok(bytes) => SourceFile::from_bytes(id, path, &bytes),
            Err(err) => (
                SourceFile::without_text(id, path),
                Some(LoadError::Read(err)),
            ),
        }
    }

    /// Decodes the bytes read from `path`.
    pub fn from_bytes(id: FileId, path: &Path, bytes: &[u8]) -> (SourceFile, Option<LoadError>) {
        match decode_source(bytes) {
            Ok(text) => {
                let mut file = SourceFile::from_text(id, path, Arc::from(text.as_ref()));
                file.content_hash = Some(ContentHash::of(bytes));
                (file, None)
            }
            Err(err) => (
                SourceFile::without_text(id, path),
                Some(LoadError::Decode(err)),
            ),
        }
    }

    /// A file whose bytes hash to `content` and whose text is read when first needed: a file
    /// whose file pass came from the cache.
    pub fn on_disk(id: FileId, path: &Path, content: ContentHash) -> SourceFile {
        SourceFile {
            id,
            path: path.to_path_buf(),
            text: OnceLock::new(),
            has_text: true,
            content_hash: Some(content),
            locator: OnceLock::new(),
        }
    }

    /// The hash of the bytes read, for a file read from disk.
    pub fn content_hash(&self) -> Option<ContentHash> {
        self.content_hash
    }

    /// A file whose text is given (tests, examples): it is never released.
    pub fn from_text(id: FileId, path: &Path, text: Arc<str>) -> SourceFile {
        SourceFile {
            id,
            path: path.to_path_buf(),
            text: OnceLock::from(Some(text)),
            has_text: true,
            content_hash: None,
            locator: OnceLock::new(),
        }
    }

    pub fn without_text(id: FileId, path: &Path) -> SourceFile {
        SourceFile {
            id,
            path: path.to_path_buf(),
            text: OnceLock::from(None),
            has_text: false,
            content_hash: None,
            locator: OnceLock::new(),
        }
    }

    /// Whether the file was read and decoded.
    pub fn has_text(&self) -> bool {
        self.has_text
    }

    /// The decoded text, read again if it was released; `None` for a file that could not be read
    /// or decoded, or that changed on disk since it was linted.
    pub fn text_if_any(&self) -> Option<&Arc<str>> {
        self.text.get_or_init(|| self.read_again()).as_ref()
    }

    pub fn text(&self) -> &str {
        self.text_if_any().map_or("", |text| text)
    }

    /// Drops the text (and the line index built from it) until it is needed again.
    pub fn release_text(&mut self) {
        if self.has_text && self.content_hash.is_some() {
            self.text.take();
            self.locator.take();
        }
    }

    fn read_again(&self) -> Option<Arc<str>> {
        if !self.has_text {
            return None;
        }
        let bytes = read_bytes(&self.path).ok()?;
        if Some(ContentHash::of(&bytes)) != self.content_hash {
            return None;
        }
        decode_source(&bytes)
            .ok()
            .map(|text| Arc::from(text.as_ref()))
    }

    /// The span of a byte range of this file's text.
    pub fn span(&self, range: TextRange) -> Span {
        match (self.text_if_any(), self.locator()) {
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
        match (self.text_if_any(), self.locator()) {
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
        let text = self.text_if_any()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_text_is_read_again_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.py");
        std::fs::write(&path, "x = 'é'\ny = 2\n").unwrap();
        let (mut file, error) = SourceFile::load(FileId(0), &path);
        assert!(error.is_none());
        file.release_text();
        assert_eq!(
            file.span(TextRange::new(9.into(), 10.into())).start,
            Position { line: 2, column: 1 }
        );

        let (mut changed, _) = SourceFile::load(FileId(1), &path);
        changed.release_text();
        std::fs::write(&path, "something else\n").unwrap();
        assert!(
            changed.text_if_any().is_none(),
            "a file changed on disk is not misread"
        );
        assert!(changed.has_text());
    }
}
