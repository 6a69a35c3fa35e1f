//! Findings as JSON: the `json` output format (documented in docs/output-formats.md) and what the
//! MCP server's `lint` tool returns. Field names follow Ruff's JSON output where they mean the same
//! thing, so tools written for Ruff read most of it. With the `schemars` feature the model has a JSON
//! Schema (the MCP tool's output schema).

use std::path::Path;

use flaskcheck_python::Position;
use serde::Serialize;

use crate::lint::LintReport;

#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct JsonLocation {
    /// 1-based line.
    pub row: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl From<Position> for JsonLocation {
    fn from(position: Position) -> Self {
        JsonLocation {
            row: position.line,
            column: position.column,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct JsonRelated<'a> {
    /// Another place that explains the finding, such as the query that loaded a leaked model.
    pub filename: String,
    pub location: JsonLocation,
    pub end_location: JsonLocation,
    pub message: &'a str,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct JsonDiagnostic<'a> {
    /// The rule's code, such as `FC101`.
    pub code: &'static str,
    /// The rule's name, such as `model-in-response`.
    pub name: &'static str,
    pub message: &'a str,
    /// `low`, `medium` or `high`.
    pub severity: &'static str,
    pub filename: String,
    pub location: JsonLocation,
    pub end_location: JsonLocation,
    /// How to fix it.
    pub help: Option<&'a str>,
    pub related: Vec<JsonRelated<'a>>,
}

/// The report's findings, in its order, with paths written by `path`.
pub fn diagnostics<'a>(
    report: &'a LintReport,
    path: &dyn Fn(&Path) -> String,
) -> Vec<JsonDiagnostic<'a>> {
    report
        .diagnostics
        .iter()
        .map(|diagnostic| JsonDiagnostic {
            code: diagnostic.rule.code(),
            name: diagnostic.rule.name(),
            message: &diagnostic.message,
            severity: diagnostic.severity.as_str(),
            filename: path(&report.file(diagnostic.file).path),
            location: diagnostic.span.start.into(),
            end_location: diagnostic.span.end.into(),
            help: diagnostic.help.as_deref(),
            related: diagnostic
                .related
                .iter()
                .map(|related| JsonRelated {
                    filename: path(&report.file(related.file).path),
                    location: related.span.start.into(),
                    end_location: related.span.end.into(),
                    message: &related.message,
                })
                .collect(),
        })
        .collect()
}
