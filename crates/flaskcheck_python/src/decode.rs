//! Bytes to text the way CPython's tokenizer does it (PEP 263, PEP 3120): UTF-8 by default, a
//! leading UTF-8 BOM skipped, or the encoding a coding comment on line one or two declares.

use std::borrow::Cow;
use std::fmt;

use encoding_rs::Encoding;

/// Why a file's bytes are not Python source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not valid UTF-8 and no coding line says otherwise.
    InvalidUtf8 { line: u32, column: u32, byte: u8 },
    /// A coding line names an encoding Python does not know.
    UnknownEncoding { line: u32, name: String },
    /// The bytes are not valid in the encoding the coding line declares.
    InvalidInDeclaredEncoding { line: u32, name: String },
    /// A UTF-8 byte order mark together with a coding line for another encoding.
    BomConflict { line: u32, name: String },
}

impl DecodeError {
    /// The 1-based line the problem is reported on.
    pub fn line(&self) -> u32 {
        match self {
            DecodeError::InvalidUtf8 { line, .. }
            | DecodeError::UnknownEncoding { line, .. }
            | DecodeError::InvalidInDeclaredEncoding { line, .. }
            | DecodeError::BomConflict { line, .. } => *line,
        }
    }

    /// The 1-based column (in bytes of the undecodable line) the problem is reported at.
    pub fn column(&self) -> u32 {
        match self {
            DecodeError::InvalidUtf8 { column, .. } => *column,
            _ => 1,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::InvalidUtf8 { byte, .. } => write!(
                f,
                "file is not valid UTF-8 (byte 0x{byte:02X}) and has no coding line (PEP 263) declaring another encoding"
            ),
            DecodeError::UnknownEncoding { name, .. } => {
                write!(f, "coding line declares unknown encoding `{name}`")
            }
            DecodeError::InvalidInDeclaredEncoding { name, .. } => write!(
                f,
                "file is not valid in the encoding `{name}` its coding line declares"
            ),
            DecodeError::BomConflict { name, .. } => write!(
                f,
                "file starts with a UTF-8 byte order mark but its coding line declares `{name}`"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes the bytes of a Python file. The result never starts with a BOM, so byte offsets in it
/// map to columns without an adjustment.
pub fn decode_source(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    let (has_bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let declared = find_coding_declaration(body);

    match declared {
        None => decode_utf8(body),
        Some((line, name)) => {
            let codec = PythonCodec::from_name(&name);
            if has_bom && !matches!(codec, Some(PythonCodec::Utf8)) {
                return Err(DecodeError::BomConflict { line, name });
            }
            match codec {
                None => Err(DecodeError::UnknownEncoding { line, name }),
                Some(PythonCodec::Utf8) => decode_utf8(body),
                Some(PythonCodec::Latin1) => {
                    Ok(Cow::Owned(body.iter().map(|&b| b as char).collect()))
                }
                Some(PythonCodec::Ascii) => {
                    if body.is_ascii() {
                        // ASCII is valid UTF-8.
                        decode_utf8(body)
                    } else {
                        Err(DecodeError::InvalidInDeclaredEncoding { line, name })
                    }
                }
                Some(PythonCodec::Other(encoding)) => encoding
                    .decode_without_bom_handling_and_without_replacement(body)
                    .ok_or(DecodeError::InvalidInDeclaredEncoding { line, name }),
            }
        }
    }
}

fn decode_utf8(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(error) => {
            let at = error.valid_up_to();
            let before = &bytes[..at];
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            // Count the characters before the bad byte on its line; `before` is valid UTF-8.
            let column = 1 + String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count();
            Err(DecodeError::InvalidUtf8 {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
                byte: bytes[at],
            })
        }
    }
}

/// The codecs CPython can name in a coding line, resolved to what decodes them here.
enum PythonCodec {
    Utf8,
    /// ISO-8859-1 proper: every byte is the code point of the same value. (The WHATWG label
    /// `latin1` means windows-1252, which differs in 0x80..=0x9F, so it is not used for this.)
    Latin1,
    Ascii,
    Other(&'static Encoding),
}

impl PythonCodec {
    fn from_name(name: &str) -> Option<Self> {
        let normal = normalize_encoding(name);
        let base = normal.as_str();
        // CPython's tokenizer first maps `utf-8-*`, `latin-1-*`, `iso-8859-1-*` and
        // `iso-latin-1-*` to their base codec (`get_normal_name`), then looks the name up in the
        // codec registry, whose aliases are those of `encodings/aliases.py`.
        if base.starts_with("utf_8_") && base != "utf_8_sig" {
            return Some(PythonCodec::Utf8);
        }
        if ["latin_1_", "iso_8859_1_", "iso_latin_1_"]
            .iter()
            .any(|p| base.starts_with(p))
        {
            return Some(PythonCodec::Latin1);
        }
        if matches!(
            base,
            "utf_8" | "utf8" | "u8" | "utf" | "utf8_ucs2" | "utf8_ucs4" | "cp65001" | "utf_8_sig"
        ) {
            return Some(PythonCodec::Utf8);
        }
        if matches!(
            base,
            "latin_1"
                | "latin1"
                | "latin"
                | "l1"
                | "8859"
                | "cp819"
                | "csisolatin1"
                | "ibm819"
                | "iso8859"
                | "iso8859_1"
                | "iso_8859_1"
                | "iso_8859_1_1987"
                | "iso_ir_100"
                | "iso_latin_1"
        ) {
            return Some(PythonCodec::Latin1);
        }
        if matches!(
            base,
            "ascii"
                | "646"
                | "ansi_x3.4_1968"
                | "ansi_x3_4_1968"
                | "ansi_x3.4_1986"
                | "cp367"
                | "csascii"
                | "ibm367"
                | "iso646_us"
                | "iso_646.irv_1991"
                | "iso_ir_6"
                | "us"
                | "us_ascii"
        ) {
            return Some(PythonCodec::Ascii);
        }
        // Other codecs by their WHATWG label: Python spells them with `_` (`iso8859_15`,
        // `shift_jis`, `cp1252`), WHATWG with `-` (`iso-8859-15`, `shift_jis`, `windows-1252`).
        let hyphenated = base.replace('_', "-");
        let candidates = [
            base.to_string(),
            hyphenated.clone(),
            hyphenated.replace("iso8859-", "iso-8859-"),
            hyphenated.replace("cp125", "windows-125"),
        ];
        candidates
            .iter()
            .find_map(|label| Encoding::for_label_no_replacement(label.as_bytes()))
            .map(|encoding| {
                if encoding == encoding_rs::UTF_8 {
                    PythonCodec::Utf8
                } else {
                    PythonCodec::Other(encoding)
                }
            })
    }
}

/// Python's `encodings.normalize_encoding` (lower-cased, as the registry's search does): every
/// run of characters other than letters, digits and `.` becomes one `_`, trimmed at the ends.
fn normalize_encoding(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_underscore = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            if pending_underscore && !out.is_empty() {
                out.push('_');
            }
            pending_underscore = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_underscore = true;
        }
    }
    out
}

/// Finds a PEP 263 coding declaration on line one or two: a comment matching
/// `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`. Line two counts only when line one is blank or a
/// comment, as in CPython.
fn find_coding_declaration(bytes: &[u8]) -> Option<(u32, String)> {
    let mut lines = bytes.splitn(3, |&b| b == b'\n');
    let first = lines.next()?;
    if let Some(name) = coding_in_line(first) {
        return Some((1, name));
    }
    let first_trimmed = trim_start(first);
    let first_is_blank_or_comment =
        first_trimmed.is_empty() || first_trimmed == b"\r" || first_trimmed.first() == Some(&b'#');
    if !first_is_blank_or_comment {
        return None;
    }
    let second = lines.next()?;
    coding_in_line(second).map(|name| (2, name))
}

fn trim_start(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\x0c'))
        .unwrap_or(line.len());
    &line[start..]
}

fn coding_in_line(line: &[u8]) -> Option<String> {
    let comment = trim_start(line).strip_prefix(b"#")?;
    let mut search = comment;
    while let Some(at) = find(search, b"coding") {
        let after = &search[at + b"coding".len()..];
        if let Some((&sep, rest)) = after.split_first() {
            if sep == b':' || sep == b'=' {
                let rest = &rest[rest
                    .iter()
                    .position(|&b| b != b' ' && b != b'\t')
                    .unwrap_or(rest.len())..];
                let len = rest
                    .iter()
                    .position(|&b| {
                        !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
                    })
                    .unwrap_or(rest.len());
                if len > 0 {
                    return Some(String::from_utf8_lossy(&rest[..len]).into_owned());
                }
            }
        }
        search = &search[at + 1..];
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_bom() {
        assert_eq!(decode_source(b"x = 1\n").unwrap(), "x = 1\n");
        assert_eq!(
            decode_source(b"\xEF\xBB\xBFx = '\xC3\xA9'\n").unwrap(),
            "x = 'é'\n"
        );
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode_source(b"a = 1\nb = '\xE9t\xE9'\n").unwrap_err();
        assert_eq!(
            err,
            DecodeError::InvalidUtf8 {
                line: 2,
                column: 6,
                byte: 0xE9
            }
        );
    }

    #[test]
    fn latin1_coding_line() {
        let text = decode_source(b"# -*- coding: latin-1 -*-\nname = '\xE9\x80'\n").unwrap();
        // Latin-1 maps 0x80 to U+0080, not to the euro sign of windows-1252.
        assert_eq!(text, "# -*- coding: latin-1 -*-\nname = '\u{e9}\u{80}'\n");
    }

    #[test]
    fn coding_on_second_line_after_shebang() {
        let text = decode_source(
            b"#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-15 :\nx = '\xA4'\n",
        )
        .unwrap();
        assert!(text.ends_with("x = '€'\n"));
    }

    #[test]
    fn coding_on_second_line_after_code_is_ignored() {
        let err = decode_source(b"x = 1\n# coding: latin-1\ny = '\xE9'\n").unwrap_err();
        assert!(matches!(err, DecodeError::InvalidUtf8 { line: 3, .. }));
    }

    #[test]
    fn cp1252_and_unknown() {
        let text = decode_source(b"# coding: cp1252\nx = '\x80'\n").unwrap();
        assert!(text.ends_with("x = '€'\n"));
        let err = decode_source(b"# coding: uft-8\n").unwrap_err();
        assert!(matches!(err, DecodeError::UnknownEncoding { line: 1, .. }));
    }

    #[test]
    fn python_aliases() {
        // flaskbb ships `# -*- coding: utf -*-`, which CPython accepts.
        assert_eq!(
            decode_source(b"# -*- coding: utf -*-\nx = '\xC3\xA9'\n").unwrap(),
            "# -*- coding: utf -*-\nx = '\u{e9}'\n"
        );
        assert!(decode_source(b"# coding: Latin_1\nx = '\xE9'\n").is_ok());
        assert!(decode_source(b"# coding: iso-latin-1-unix\nx = '\xE9'\n").is_ok());
        assert!(decode_source(b"# coding: US-ASCII\nx = 1\n").is_ok());
        assert!(decode_source(b"# coding: euc_jp\nx = 1\n").is_ok());
        assert!(decode_source(b"# vim: set fileencoding=utf-8-sig :\nx = 1\n").is_ok());
    }

    #[test]
    fn bom_conflict() {
        let err = decode_source(b"\xEF\xBB\xBF# coding: latin-1\nx = 1\n").unwrap_err();
        assert!(matches!(err, DecodeError::BomConflict { .. }));
        assert!(decode_source(b"\xEF\xBB\xBF# coding: utf-8\nx = 1\n").is_ok());
    }

    #[test]
    fn ascii_declared_but_not_ascii() {
        let err = decode_source(b"# coding: ascii\nx = '\xC3\xA9'\n").unwrap_err();
        assert!(matches!(err, DecodeError::InvalidInDeclaredEncoding { .. }));
    }
}
