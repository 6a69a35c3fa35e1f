//! The project pass: each file's project checks, run in parallel against the finished index.
//! The rules of one file share an [`Evaluator`] (and its cache) and the list of the file's
//! responses, which several rules read.

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};

use flaskcheck_python::TextRange;

use crate::analyze::facts::ResponseKind;
use crate::analyze::FileAnalysis;
use crate::diagnostic::{Diagnostic, RelatedLocation, Span};
use crate::index::{Evaluator, FuncId, Origin, ProjectIndex, Value};
use crate::panic::panic_message;
use crate::registry::Rule;
use crate::rules::ProjectCheck;
use crate::selection::RuleSelection;
use crate::source::{FileId, SourceFile};

/// A place in this file where a value becomes the body of an HTTP response.
#[derive(Debug, Clone)]
pub struct ResponseValue {
    /// The call (`jsonify(...)`) or the returned expression.
    pub range: TextRange,
    /// How the value gets there, for messages: "`jsonify()`", "the view's return value".
    pub via: Cow<'static, str>,
    pub value: Value,
    /// The view (or other function) it is in.
    pub function: Option<FuncId>,
}

/// What a rule's project check sees of one file.
pub struct ProjectContext<'c, 'i, 'a> {
    pub file: &'c SourceFile,
    pub analysis: &'c FileAnalysis,
    pub index: &'i ProjectIndex<'a>,
    pub evaluator: &'c mut Evaluator<'i, 'a>,
    files: &'c [SourceFile],
    responses: &'c mut Option<Vec<ResponseValue>>,
    rule: Rule,
    diagnostics: Vec<Diagnostic>,
}

impl<'c> ProjectContext<'c, '_, '_> {
    pub fn rule(&self) -> Rule {
        self.rule
    }

    pub fn span(&self, range: TextRange) -> Span {
        self.file.span(range)
    }

    /// A related location for a value's origin, in whichever file it is.
    pub fn related(&self, origin: Origin, message: impl Into<String>) -> RelatedLocation {
        RelatedLocation {
            file: origin.file,
            span: self.files[origin.file.index()].span(origin.range),
            message: message.into(),
        }
    }

    /// `path:line` of an origin, for messages.
    pub fn describe(&self, origin: Origin) -> String {
        let file = &self.files[origin.file.index()];
        let line = file.span(origin.range).start.line;
        let path = file.path.to_string_lossy().replace('\\', "/");
        if origin.file == self.file.id {
            format!("line {line}")
        } else {
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            format!("{name}:{line}")
        }
    }

    /// The records the running rule's `ast` check left in this file.
    pub fn deferred(&self) -> Vec<&'c crate::analyze::Deferred> {
        let rule = self.rule;
        self.analysis
            .facts
            .deferred
            .iter()
            .filter(|record| record.rule == rule)
            .collect()
    }

    pub fn file_id(&self) -> FileId {
        self.file.id
    }

    /// How many files the project has (file ids are `0..file_count()`).
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Reports a finding of the running rule in this file.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        let span = self.file.span(range);
        self.diagnostics
            .push(Diagnostic::new(self.rule, message, self.file.id, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Reports a finding of the running rule at an origin in any file (where the fix belongs,
    /// such as the query a value came from). Findings reported at one place from several files'
    /// passes are merged into one by the pipeline, their related locations combined.
    pub fn report_at(&mut self, origin: Origin, message: impl Into<String>) -> &mut Diagnostic {
        let span = self.files[origin.file.index()].span(origin.range);
        self.diagnostics
            .push(Diagnostic::new(self.rule, message, origin.file, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// The source text at an origin, in whichever file it is.
    pub fn source_of(&self, origin: Origin) -> &str {
        self.files[origin.file.index()]
            .text()
            .get(origin.range.start().to_usize()..origin.range.end().to_usize())
            .unwrap_or_default()
    }

    /// Every place in this file where a value becomes a response body: `jsonify(...)`,
    /// `make_response(...)`, `Response(...)`, Flask-AppBuilder's `self.response(...)`, and what a
    /// view or error handler returns (unless a decorator such as `@marshal_with` serializes it).
    pub fn responses(&mut self) -> &[ResponseValue] {
        if self.responses.is_none() {
            let computed =
                compute_responses(self.file.id, self.analysis, self.index, self.evaluator);
            *self.responses = Some(computed);
        }
        self.responses.as_deref().unwrap_or_default()
    }
}

fn compute_responses(
    file: FileId,
    analysis: &FileAnalysis,
    index: &ProjectIndex<'_>,
    evaluator: &mut Evaluator<'_, '_>,
) -> Vec<ResponseValue> {
    let facts = &analysis.facts;
    let mut out = Vec::new();
    for sink in &facts.responses {
        let via = match sink.kind {
            ResponseKind::Jsonify => "`jsonify()`",
            ResponseKind::MakeResponse => "`make_response()`",
            ResponseKind::ResponseObject => "a `Response` body",
            ResponseKind::AppBuilderResponse { class } => {
                let class = index.class_id(file, class);
                if !index.lineage(class).any(|id| index.flags(id).appbuilder) {
                    continue;
                }
                "`self.response()`"
            }
        };
        out.push(ResponseValue {
            range: sink.range,
            via: Cow::Borrowed(via),
            value: evaluator.eval(file, sink.value),
            function: sink.function.map(|local| index.function_id(file, local)),
        });
    }
    for (local, function) in facts.functions.iter().enumerate() {
        let id = index.function_id(file, local as u32);
        let view = index.view(id);
        if !(view.is_route || view.is_error_handler) || view.serialized_by_decorator {
            continue;
        }
        let via = if view.is_resource_method {
            "the resource's return value"
        } else if view.is_error_handler {
            "the error handler's return value"
        } else {
            "the view's return value"
        };
        for site in &function.returns {
            out.push(ResponseValue {
                range: site.range,
                via: Cow::Borrowed(via),
                value: evaluator.eval(file, site.value),
                function: Some(id),
            });
        }
    }
    for call in &facts.calls {
        let value = evaluator.wrapped_responses(file, call.call);
        if value.is_empty() {
            continue;
        }
        let name = match facts.terms.get(call.call) {
            crate::analyze::Term::Call(term) => match facts.terms.get(term.callee) {
                crate::analyze::Term::Global(symbol) => {
                    crate::index::last_segment(symbol).to_string()
                }
                _ => "the wrapper".to_string(),
            },
            _ => "the wrapper".to_string(),
        };
        out.push(ResponseValue {
            range: call.range,
            via: Cow::Owned(format!("`{name}()`, which builds a response from it")),
            value,
            function: call.function.map(|local| index.function_id(file, local)),
        });
    }
    out.sort_by_key(|response| response.range.start());
    out
}

/// Runs every enabled project check on one file.
pub fn check_file(
    file: &SourceFile,
    files: &[SourceFile],
    analysis: &FileAnalysis,
    index: &ProjectIndex<'_>,
    selection: &RuleSelection,
) -> Vec<Diagnostic> {
    let checks: Vec<(Rule, ProjectCheck)> = selection
        .enabled()
        .filter_map(|rule| rule.checks().project.map(|check| (rule, check)))
        .collect();
    check_with(file, files, analysis, index, &checks)
}

pub(crate) fn check_with(
    file: &SourceFile,
    files: &[SourceFile],
    analysis: &FileAnalysis,
    index: &ProjectIndex<'_>,
    checks: &[(Rule, ProjectCheck)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut evaluator = Evaluator::new(index);
    let mut responses = None;
    for &(rule, check) in checks {
        let mut context = ProjectContext {
            file,
            analysis,
            index,
            evaluator: &mut evaluator,
            files,
            responses: &mut responses,
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
    use crate::analyze::FileFacts;

    fn panics(_: &mut ProjectContext<'_, '_, '_>) {
        panic!("index lookup failed");
    }

    fn reports(context: &mut ProjectContext<'_, '_, '_>) {
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
            facts: FileFacts::default(),
        };
        let index = ProjectIndex::build(&[Some(&analysis)]);
        let files = [file.clone()];
        let out = crate::panic::quietly(|| {
            check_with(
                &file,
                &files,
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
