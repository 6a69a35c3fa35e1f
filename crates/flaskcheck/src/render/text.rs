//! The default format: each finding with its source snippet, rendered by codespan-reporting.

use std::collections::HashMap;
use std::io;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream, WriteColor};
use codespan_reporting::term::{self, Config};
use flaskcheck_linter::{Diagnostic, FileId, LintReport, Severity};

use super::display_path;

#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub color: bool,
}

pub fn render(report: &LintReport, options: TextOptions) -> io::Result<()> {
    let choice = if options.color {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    let stream = StandardStream::stdout(choice);
    let mut out = stream.lock();
    render_to(report, &mut out)
}

pub fn render_to(report: &LintReport, out: &mut dyn WriteColor) -> io::Result<()> {
    let mut files = SimpleFiles::new();
    let mut ids: HashMap<FileId, usize> = HashMap::new();
    let mut file_id = |id: FileId, files: &mut SimpleFiles<String, std::sync::Arc<str>>| {
        *ids.entry(id).or_insert_with(|| {
            let file = report.file(id);
            files.add(
                display_path(&file.path),
                file.text_if_any()
                    .cloned()
                    .unwrap_or_else(|| std::sync::Arc::from("")),
            )
        })
    };
    let config = Config::default();
    for diagnostic in &report.diagnostics {
        let primary = file_id(diagnostic.file, &mut files);
        let has_text = report.file(diagnostic.file).text_if_any().is_some();
        let mut rendered = Report::new(level(diagnostic.severity))
            .with_code(diagnostic.rule.code())
            .with_message(&diagnostic.message);
        let mut notes = Vec::new();
        if has_text {
            let mut labels = vec![Label::primary(
                primary,
                diagnostic.span.range.start().to_usize()..diagnostic.span.range.end().to_usize(),
            )];
            for related in &diagnostic.related {
                if report.file(related.file).text_if_any().is_none() {
                    continue;
                }
                let id = file_id(related.file, &mut files);
                labels.push(
                    Label::secondary(
                        id,
                        related.span.range.start().to_usize()..related.span.range.end().to_usize(),
                    )
                    .with_message(&related.message),
                );
            }
            rendered = rendered.with_labels(labels);
        } else {
            notes.push(location_note(report, diagnostic));
        }
        if let Some(help) = &diagnostic.help {
            notes.push(format!("help: {help}"));
        }
        notes.push(format!(
            "rule: {} ({} severity)",
            diagnostic.rule.name(),
            diagnostic.severity
        ));
        rendered = rendered.with_notes(notes);
        term::emit(out, &config, &files, &rendered).map_err(io::Error::other)?;
    }
    Ok(())
}

fn location_note(report: &LintReport, diagnostic: &Diagnostic) -> String {
    format!(
        "at {}:{}:{}",
        display_path(&report.file(diagnostic.file).path),
        diagnostic.span.start.line,
        diagnostic.span.start.column
    )
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::High => Level::Error,
        Severity::Medium => Level::Warning,
        Severity::Low => Level::Note,
    }
}
