//! flaskcheck's findings as the protocol's diagnostics.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use flaskcheck_linter::{Diagnostic, FileId, LintReport, Rule, Severity, Span};
use flaskcheck_python::{LineIndex, PositionEncoding};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Url,
};

use super::position;

pub(crate) const SOURCE: &str = "flaskcheck";

/// A published diagnostic and what the hover shows beside the rule's document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Published {
    pub(crate) diagnostic: lsp_types::Diagnostic,
    pub(crate) rule: Rule,
    pub(crate) help: Option<String>,
}

/// The texts positions are computed in: an open document's (the text that was analysed), else
/// the file's as the report read it.
pub(crate) struct Texts<'a> {
    report: &'a LintReport,
    open: &'a dyn Fn(&Path) -> Option<Arc<str>>,
    encoding: PositionEncoding,
    indexed: HashMap<FileId, Option<(Arc<str>, LineIndex)>>,
}

impl<'a> Texts<'a> {
    pub(crate) fn new(
        report: &'a LintReport,
        open: &'a dyn Fn(&Path) -> Option<Arc<str>>,
        encoding: PositionEncoding,
    ) -> Self {
        Texts {
            report,
            open,
            encoding,
            indexed: HashMap::new(),
        }
    }

    fn range(&mut self, file: FileId, span: &Span) -> lsp_types::Range {
        let report = self.report;
        let open = self.open;
        let entry = self.indexed.entry(file).or_insert_with(|| {
            let source = report.file(file);
            let text = open(&source.path).or_else(|| source.text_if_any().cloned())?;
            let index = LineIndex::from_source_text(&text);
            Some((text, index))
        });
        match entry {
            // A file without text (it could not be read or decoded) has only a start position.
            Some((text, index)) if !(span.range.is_empty() && span.range.start() == 0.into()) => {
                position::range(index, text, span.range, self.encoding)
            }
            _ => {
                let start = lsp_types::Position::new(
                    span.start.line.saturating_sub(1),
                    span.start.column.saturating_sub(1),
                );
                lsp_types::Range::new(start, start)
            }
        }
    }

    fn uri(&self, file: FileId) -> Option<Url> {
        Url::from_file_path(&self.report.file(file).path).ok()
    }

    pub(crate) fn diagnostic(&mut self, finding: &Diagnostic) -> Published {
        let related: Vec<DiagnosticRelatedInformation> = finding
            .related
            .iter()
            .filter_map(|related| {
                Some(DiagnosticRelatedInformation {
                    location: Location::new(
                        self.uri(related.file)?,
                        self.range(related.file, &related.span),
                    ),
                    message: related.message.clone(),
                })
            })
            .collect();
        let diagnostic = lsp_types::Diagnostic {
            range: self.range(finding.file, &finding.span),
            severity: Some(severity(finding.severity)),
            code: Some(NumberOrString::String(finding.rule.code().to_string())),
            code_description: Url::parse(&finding.rule.doc_url())
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some(SOURCE.to_string()),
            message: finding.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        };
        Published {
            diagnostic,
            rule: finding.rule,
            help: finding.help.clone(),
        }
    }
}

/// The rule's severity as the editor shows it: high an error, medium a warning, low a piece of
/// information (as the text output's `error`, `warning` and `note`).
fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::High => DiagnosticSeverity::ERROR,
        Severity::Medium => DiagnosticSeverity::WARNING,
        Severity::Low => DiagnosticSeverity::INFORMATION,
    }
}

/// The rule a diagnostic of ours names.
pub(crate) fn rule_of(diagnostic: &lsp_types::Diagnostic) -> Option<Rule> {
    if diagnostic.source.as_deref() != Some(SOURCE) {
        return None;
    }
    match &diagnostic.code {
        Some(NumberOrString::String(code)) => Rule::from_code(code),
        _ => None,
    }
}
