//! An open document: the client's text (which stands for the file on disk while it is open), its
//! version, and its line index.

use std::path::PathBuf;
use std::sync::Arc;

use flaskcheck_python::{LineIndex, PositionEncoding};
use lsp_types::TextDocumentContentChangeEvent;

use super::position;

#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) path: PathBuf,
    pub(crate) version: i32,
    text: Arc<str>,
    index: LineIndex,
}

impl Document {
    pub(crate) fn new(path: PathBuf, version: i32, text: String) -> Self {
        let index = LineIndex::from_source_text(&text);
        Document {
            path,
            version,
            text: Arc::from(text),
            index,
        }
    }

    pub(crate) fn text(&self) -> &Arc<str> {
        &self.text
    }

    pub(crate) fn index(&self) -> &LineIndex {
        &self.index
    }

    /// Applies a `didChange`'s edits in order: each is a range replaced (positions in
    /// `encoding`, against the text as the previous edits left it) or the whole text.
    pub(crate) fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: PositionEncoding,
    ) {
        let mut text = self.text.to_string();
        let mut index_is_current = true;
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    if !index_is_current {
                        self.index = LineIndex::from_source_text(&text);
                    }
                    let start = position::offset(&self.index, &text, range.start, encoding);
                    let end = position::offset(&self.index, &text, range.end, encoding);
                    let (start, end) = (start.min(end), start.max(end));
                    text.replace_range(start..end, &change.text);
                }
            }
            index_is_current = false;
        }
        self.index = LineIndex::from_source_text(&text);
        self.text = Arc::from(text);
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use lsp_types::{Position, Range};

    use super::*;

    fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(start.0, start.1),
                Position::new(end.0, end.1),
            )),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn edits_apply_in_order_against_the_text_they_see() {
        let mut document = Document::new("x.py".into(), 1, "é = 1\nb = 2\n".into());
        document.apply(
            vec![
                edit((0, 4), (0, 5), "10"),
                edit((1, 0), (1, 1), "bb"),
                edit((2, 0), (2, 0), "c = 3\n"),
            ],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(&**document.text(), "é = 10\nbb = 2\nc = 3\n");
        assert_eq!(document.version, 2);

        // In UTF-8, `é` is two units wide.
        document.apply(vec![edit((0, 5), (0, 7), "2")], 3, PositionEncoding::Utf8);
        assert_eq!(&**document.text(), "é = 2\nbb = 2\nc = 3\n");

        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new\n".into(),
        };
        document.apply(
            vec![whole, edit((0, 3), (0, 3), "er")],
            4,
            PositionEncoding::Utf16,
        );
        assert_eq!(&**document.text(), "newer\n");
    }
}
