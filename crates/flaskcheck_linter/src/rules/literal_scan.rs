//! What the rules that read string literals ask of a literal's text before they read it, answered
//! by one scan of its source (quotes, prefixes and escapes included): FC103 reads a string only when
//! it has `select` in it, FC505 only when it has a `name=value` setting about `ssl`/`tls` or
//! CockroachDB's `--insecure`. Most literals have none of these, and each rule returns on the
//! answer without scanning the text again. The scan is one byte loop with a table of the bytes that
//! start a word: on literals this short, cheaper than a `memchr` search per word (measured).

use flaskcheck_python::TextRange;

use super::once_per_node;
use crate::analyze::Checker;

/// What one scan of a literal's source found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LiteralScan {
    found: u8,
    /// The length of the source scanned, in bytes.
    len: usize,
}

impl LiteralScan {
    /// `select`, in any case.
    const SELECT: u8 = 1;
    /// `ssl`, in any case.
    const SSL: u8 = 1 << 1;
    /// `tls`, in any case.
    const TLS: u8 = 1 << 2;
    const EQUALS: u8 = 1 << 3;
    const INSECURE_FLAG: u8 = 1 << 4;

    /// The bytes that may start something the scan looks for.
    const STARTS: [bool; 256] = {
        let mut starts = [false; 256];
        let mut bytes: &[u8] = b"sStT=-";
        while let [byte, rest @ ..] = bytes {
            starts[*byte as usize] = true;
            bytes = rest;
        }
        starts
    };

    pub(crate) fn of(source: &[u8]) -> Self {
        let mut found = 0;
        // Too short to hold `select` (the shortest word looked for): most literals are keys and
        // names.
        if source.len() < 6 {
            return Self {
                found,
                len: source.len(),
            };
        }
        for (at, &byte) in source.iter().enumerate() {
            if !Self::STARTS[byte as usize] {
                continue;
            }
            let rest = &source[at + 1..];
            let followed_by = |word: &[u8]| {
                rest.get(..word.len())
                    .is_some_and(|next| next.eq_ignore_ascii_case(word))
            };
            found |= match byte {
                b's' | b'S' => {
                    (if followed_by(b"elect") {
                        Self::SELECT
                    } else {
                        0
                    }) | (if followed_by(b"sl") { Self::SSL } else { 0 })
                }
                b't' | b'T' if followed_by(b"ls") => Self::TLS,
                b'=' => Self::EQUALS,
                b'-' if rest.starts_with(b"-insecure") => Self::INSECURE_FLAG,
                _ => 0,
            };
        }
        Self {
            found,
            len: source.len(),
        }
    }

    fn has(self, flag: u8) -> bool {
        self.found & flag != 0
    }

    /// Whether the text has the keyword `SELECT` in it (FC103 reads it as SQL then).
    pub(crate) fn has_select(self) -> bool {
        self.has(Self::SELECT)
    }

    /// Whether the text may hold a setting about transport security (FC505): every setting that
    /// rule reads is `name=value` with `ssl` or `tls` in it, except CockroachDB's `--insecure`.
    pub(crate) fn mentions_transport(self) -> bool {
        // The shortest setting with its quotes: `"ssl=false"`.
        if self.len < 11 {
            return false;
        }
        self.has(Self::INSECURE_FLAG)
            || (self.has(Self::EQUALS) && (self.has(Self::SSL) || self.has(Self::TLS)))
    }
}

/// The scan of the string literal (or f-string) at `range`, made once for all the rules that ask
/// about the same node: they are called one after the other on it.
pub(crate) fn scan(checker: &mut Checker<'_>, range: TextRange) -> LiteralScan {
    let file = checker.file;
    once_per_node(&mut checker.shared.literal, range, || {
        LiteralScan::of(file.text()[range].as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::LiteralScan;

    #[test]
    fn select_in_any_case() {
        assert!(LiteralScan::of(b"'SELECT * FROM t'").has_select());
        assert!(LiteralScan::of(b"\"select id from t\"").has_select());
        assert!(LiteralScan::of(b"'sElEcT'").has_select());
        assert!(!LiteralScan::of(b"'selec'").has_select());
        // A cheap test, not a tokenizer: the rule reads the words.
        assert!(LiteralScan::of(b"'deselected'").has_select());
        assert!(!LiteralScan::of(b"'elect'").has_select());
    }

    #[test]
    fn transport_settings() {
        assert!(LiteralScan::of(b"'postgresql://h/db?sslmode=disable'").mentions_transport());
        assert!(LiteralScan::of(b"'mongodb://h/?TLS=false'").mentions_transport());
        assert!(LiteralScan::of(b"'cockroach start --insecure'").mentions_transport());
        // A setting needs `=`; `ssl` alone is a word.
        assert!(!LiteralScan::of(b"'uses ssl everywhere'").mentions_transport());
        // Too short to hold `ssl=false` with its quotes.
        assert!(!LiteralScan::of(b"'ssl=off'").mentions_transport());
        assert!(!LiteralScan::of(b"'host=db port=5432'").mentions_transport());
        assert!(!LiteralScan::of(b"'-insecure and -- insecure'").mentions_transport());
    }
}
