//! Renderers: the same [`LintReport`] printed for people (text, concise) or tools (JSON, SARIF,
//! GitHub Actions annotations).

mod concise;
mod github;
mod json;
mod sarif;
mod text;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flaskcheck_linter::LintReport;
use flaskcheck_python::printable;

use crate::args::OutputFormat;

pub use text::TextOptions;

/// What renderers need to know beyond the report.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub text: TextOptions,
    /// The folder flaskcheck runs in: relative paths are relative to it.
    pub cwd: PathBuf,
    /// Whether the findings are those a baseline did not know (SARIF marks them `new`).
    pub baseline: bool,
}

pub fn render(
    format: OutputFormat,
    report: &LintReport,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::render(report, options.text),
        OutputFormat::Concise => concise::render(report, out),
        OutputFormat::Json => json::render(report, out),
        OutputFormat::Sarif => sarif::render(report, options, out),
        OutputFormat::Github => github::render(report, out),
    }
}

/// The path as people read it: forward slashes on every platform (so output is the same
/// everywhere), without a leading `./`, and with what a terminal would act on or cannot show
/// escaped: control characters and bidirectional overrides ([`printable`]), and bytes that are not
/// UTF-8 as `\xNN` (a name that differs from another only there stays distinct).
pub fn display_path(path: &Path) -> String {
    let bytes = slash_path_bytes(path);
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&printable(chunk.valid()));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// The path in JSON: as [`display_path`], but with control characters left to JSON's own
/// escaping, and bytes that are not UTF-8 replaced (JSON strings are Unicode).
pub fn json_path(path: &Path) -> String {
    String::from_utf8_lossy(&slash_path_bytes(path)).into_owned()
}

/// The bytes of the path, with `/` separators and no leading `./` (for URIs, which
/// percent-encode them).
pub fn slash_path_bytes(path: &Path) -> Vec<u8> {
    let bytes = path.as_os_str().as_encoded_bytes();
    let bytes = bytes.strip_prefix(b"./").unwrap_or(bytes);
    bytes
        .iter()
        .map(|&b| if b == b'\\' && cfg!(windows) { b'/' } else { b })
        .collect()
}
