//! The JSON format, documented in docs/output-formats.md. Field names follow Ruff's JSON output
//! where they mean the same thing, so tools written for Ruff read most of it.

use std::io::{self, Write};

use flaskcheck_linter::{LintReport, Position};
use serde::Serialize;

use super::json_path;

#[derive(Serialize)]
struct JsonLocation {
    row: u32,
    column: u32,
}

impl From<Position> for JsonLocation {
    fn from(position: Position) -> Self {
        JsonLocation {
            row: position.line,
            column: position.column,
        }
    }
}

#[derive(Serialize)]
struct JsonRelated {
    filename: String,
    location: JsonLocation,
    end_location: JsonLocation,
    message: String,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    message: &'a str,
    severity: &'static str,
    filename: String,
    location: JsonLocation,
    end_location: JsonLocation,
    help: Option<&'a str>,
    related: Vec<JsonRelated>,
}

pub fn render(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics: Vec<JsonDiagnostic<'_>> = report
        .diagnostics
        .iter()
        .map(|diagnostic| JsonDiagnostic {
            code: diagnostic.rule.code(),
            name: diagnostic.rule.name(),
            message: &diagnostic.message,
            severity: diagnostic.severity.as_str(),
            filename: json_path(&report.file(diagnostic.file).path),
            location: diagnostic.span.start.into(),
            end_location: diagnostic.span.end.into(),
            help: diagnostic.help.as_deref(),
            related: diagnostic
                .related
                .iter()
                .map(|related| JsonRelated {
                    filename: json_path(&report.file(related.file).path),
                    location: related.span.start.into(),
                    end_location: related.span.end.into(),
                    message: related.message.clone(),
                })
                .collect(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &diagnostics).map_err(io::Error::from)?;
    writeln!(out)
}
