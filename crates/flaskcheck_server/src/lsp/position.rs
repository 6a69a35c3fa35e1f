//! Byte offsets into a text and the protocol's positions (0-based line, and a character offset
//! counted in the negotiated encoding: UTF-16 code units unless the client offered UTF-8).

use flaskcheck_python::{
    LineIndex, OneIndexed, PositionEncoding, SourceLocation, TextLen, TextRange, TextSize,
};
use lsp_types::{ClientCapabilities, PositionEncodingKind};

/// The encoding to use with a client: UTF-8 when it offers it (offsets are bytes, as flaskcheck
/// keeps them), else UTF-16, which every client supports.
pub(crate) fn negotiate(capabilities: &ClientCapabilities) -> PositionEncoding {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    if offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8)) {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    }
}

pub(crate) fn kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// The position of byte `offset` of `text` (clamped to the text, and to a character boundary).
pub(crate) fn position(
    index: &LineIndex,
    text: &str,
    offset: TextSize,
    encoding: PositionEncoding,
) -> lsp_types::Position {
    let offset = char_boundary(text, offset.to_usize());
    let location = index.source_location(
        TextSize::try_from(offset).unwrap_or_default(),
        text,
        encoding,
    );
    lsp_types::Position {
        line: saturating_u32(location.line.to_zero_indexed()),
        character: saturating_u32(location.character_offset.to_zero_indexed()),
    }
}

pub(crate) fn range(
    index: &LineIndex,
    text: &str,
    range: TextRange,
    encoding: PositionEncoding,
) -> lsp_types::Range {
    lsp_types::Range {
        start: position(index, text, range.start(), encoding),
        end: position(index, text, range.end(), encoding),
    }
}

/// The byte offset of a position. As the specification asks, a character past the end of its
/// line means the end of the line, and a line past the end of the text the end of the text; a
/// byte inside a UTF-8 sequence moves back to its character's start (half of a UTF-16 surrogate
/// pair counts the whole character).
pub(crate) fn offset(
    index: &LineIndex,
    text: &str,
    position: lsp_types::Position,
    encoding: PositionEncoding,
) -> usize {
    let line = position.line as usize;
    if line >= index.line_count() {
        return text.len();
    }
    let location = SourceLocation {
        line: OneIndexed::from_zero_indexed(line),
        character_offset: OneIndexed::from_zero_indexed(position.character as usize),
    };
    // The index clamps to the line with its line ending; the protocol, to the line without it.
    let offset = index.offset(location, text, encoding).to_usize();
    char_boundary(
        text,
        offset.min(line_content(index, text, position.line).end().to_usize()),
    )
}

/// 0-based `line`'s text without its line ending (empty at the end of the text).
pub(crate) fn line_content(index: &LineIndex, text: &str, line: u32) -> TextRange {
    let line = line as usize;
    if line >= index.line_count() {
        return TextRange::empty(text.text_len());
    }
    let range = index.line_range(OneIndexed::from_zero_indexed(line), text);
    let content = text[range].trim_end_matches(['\n', '\r']);
    TextRange::at(range.start(), content.text_len())
}

fn char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn saturating_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use lsp_types::Position;

    use super::*;

    #[test]
    fn offsets_and_positions_in_each_encoding() {
        // `é` is 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 UTF-16 units.
        let text = "a = 'é𝄞'\r\nb = 1\rc\n";
        let index = LineIndex::from_source_text(text);
        let b = text.find('b').unwrap();
        let quote = text.rfind('\'').unwrap();
        for (encoding, quote_column) in [(PositionEncoding::Utf16, 8), (PositionEncoding::Utf8, 11)]
        {
            let at = position(&index, text, TextSize::try_from(quote).unwrap(), encoding);
            assert_eq!(at, Position::new(0, quote_column));
            assert_eq!(offset(&index, text, at, encoding), quote);
            let at = position(&index, text, TextSize::try_from(b).unwrap(), encoding);
            assert_eq!(at, Position::new(1, 0), "a CR LF ends one line");
            assert_eq!(
                offset(&index, text, Position::new(2, 0), encoding),
                text.find('c').unwrap()
            );
        }
        // Past the end of a line, past the end of the text, inside a surrogate pair.
        assert_eq!(
            offset(&index, text, Position::new(1, 99), PositionEncoding::Utf16),
            b + "b = 1".len()
        );
        assert_eq!(
            offset(&index, text, Position::new(9, 0), PositionEncoding::Utf16),
            text.len()
        );
        let clef = text.find('𝄞').unwrap();
        assert_eq!(
            offset(&index, text, Position::new(0, 7), PositionEncoding::Utf16),
            clef + '𝄞'.len_utf8(),
            "inside a surrogate pair: after the character, as Ruff's index does"
        );
        assert_eq!(
            offset(&index, text, Position::new(0, 8), PositionEncoding::Utf8),
            clef,
            "a byte inside a character moves back to its start"
        );
    }
}
