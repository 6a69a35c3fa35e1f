//! Renderers: the same [`LintReport`] printed for people (text, concise) or tools (JSON, SARIF,
//! GitHub Actions annotations).

mod concise;
mod github;
mod json;
mod sarif;
mod text;

use std::path::PathBuf;

use std::io::{self, Write};

use flaskcheck_linter::LintReport;

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

/// The path as printed: forward slashes on every platform, so output is the same everywhere.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let text = text.strip_prefix("./").unwrap_or(&text);
    text.replace('\\', "/")
}
