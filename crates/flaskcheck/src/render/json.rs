//! The JSON format, documented in docs/output-formats.md (the model is the engine's, shared with
//! the MCP server).

use std::io::{self, Write};

use flaskcheck_linter::{json_output, LintReport};

use super::json_path;

pub fn render(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = json_output::diagnostics(report, &|path| json_path(path));
    serde_json::to_writer_pretty(&mut *out, &diagnostics).map_err(io::Error::from)?;
    writeln!(out)
}
