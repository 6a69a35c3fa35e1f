//! Renderers: the same [`LintReport`] printed for people (text, concise) or tools (JSON).

mod concise;
mod json;
mod text;

use std::io::{self, Write};

use flaskcheck_linter::LintReport;

use crate::args::OutputFormat;

pub use text::TextOptions;

pub fn render(
    format: OutputFormat,
    report: &LintReport,
    text: TextOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::render(report, text),
        OutputFormat::Concise => concise::render(report, out),
        OutputFormat::Json => json::render(report, out),
    }
}

/// The path as printed: forward slashes on every platform, so output is the same everywhere.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let text = text.strip_prefix("./").unwrap_or(&text);
    text.replace('\\', "/")
}
