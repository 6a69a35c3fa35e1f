//! The project pass: each file's project checks, run in parallel against the finished index.

use std::panic::{catch_unwind, AssertUnwindSafe};

use flaskcheck_python::TextRange;

use crate::analyze::FileAnalysis;
use crate::diagnostic::{Diagnostic, Span};
use crate::index::ProjectIndex;
use crate::panic::panic_message;
use crate::registry::Rule;
use crate::rules::ProjectCheck;
use crate::selection::RuleSelection;
use crate::source::SourceFile;

/// What a rule's project check sees of one file.
pub struct ProjectContext<'a> {
    pub file: &'a SourceFile,
    pub analysis: &'a FileAnalysis,
    pub index: &'a ProjectIndex,
    rule: Rule,
    diagnostics: Vec<Diagnostic>,
}

impl ProjectContext<'_> {
    pub fn rule(&self) -> Rule {
        self.rule
    }

    pub fn span(&self, range: TextRange) -> Span {
        self.file.span(range)
    }

    /// Reports a finding of the running rule in this file.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        let span = self.file.span(range);
        self.diagnostics
            .push(Diagnostic::new(self.rule, message, self.file.id, span));
        self.diagnostics.last_mut().expect("just pushed")
    }
}

/// Runs every enabled project check on one file.
pub fn check_file(
    file: &SourceFile,
    analysis: &FileAnalysis,
    index: &ProjectIndex,
    selection: &RuleSelection,
) -> Vec<Diagnostic> {
    let checks: Vec<(Rule, ProjectCheck)> = selection
        .enabled()
        .filter_map(|rule| rule.checks().project.map(|check| (rule, check)))
        .collect();
    check_with(file, analysis, index, &checks)
}

fn check_with(
    file: &SourceFile,
    analysis: &FileAnalysis,
    index: &ProjectIndex,
    checks: &[(Rule, ProjectCheck)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &(rule, check) in checks {
        let mut context = ProjectContext {
            file,
            analysis,
            index,
            rule,
            diagnostics: Vec::new(),
        };
        match catch_unwind(AssertUnwindSafe(|| check(&mut context))) {
            Ok(()) => out.append(&mut context.diagnostics),
            Err(payload) => out.push(
                Diagnostic::new(
                    Rule::InternalError,
                    format!(
                        "rule {rule} ({}) failed on this file: {}",
                        rule.name(),
                        panic_message(&*payload)
                    ),
                    file.id,
                    file.line_span(1),
                )
                .with_help("this is a bug in flaskcheck; the other rules still checked this file"),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::source::FileId;

    fn panics(_: &mut ProjectContext<'_>) {
        panic!("index lookup failed");
    }

    fn reports(context: &mut ProjectContext<'_>) {
        context.report(TextRange::default(), "still here");
    }

    #[test]
    fn a_panicking_project_check_names_its_rule() {
        let file = SourceFile::from_text(
            FileId(0),
            std::path::Path::new("x.py"),
            Arc::from("x = 1\n"),
        );
        let analysis = FileAnalysis {
            diagnostics: Vec::new(),
            too_deep: false,
        };
        let index = ProjectIndex::default();
        let out = crate::panic::quietly(|| {
            check_with(
                &file,
                &analysis,
                &index,
                &[(Rule::InternalError, panics), (Rule::SyntaxError, reports)],
            )
        });
        assert_eq!(out.len(), 2);
        assert!(out[0]
            .message
            .contains("rule FC002 (internal-error) failed on this file: index lookup failed"));
        assert_eq!(out[1].message, "still here");
    }
}
