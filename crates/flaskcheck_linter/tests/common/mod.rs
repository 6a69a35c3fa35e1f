//! What the tests that lint generated projects share.

use std::path::Path;

use flaskcheck_linter::{lint, LintOptions, LintReport, RuleSelection};

/// A file every run must still analyse: FC504 on line 1.
pub const ORDINARY: &str = "SECRET_KEY = \"kq8-hardcoded-4c1\"\n";

/// Lints `dir` with every rule, through [`lint`] (whose workers have the stacks the command line
/// gives them).
pub fn lint_dir(dir: &Path) -> LintReport {
    lint(&LintOptions {
        paths: vec![dir.to_path_buf()],
        selection: RuleSelection::all(),
        threads: 2,
        ..LintOptions::default()
    })
    .expect("the run completes")
}

/// The codes reported in the file named `name`.
pub fn codes_in(report: &LintReport, name: &str) -> Vec<&'static str> {
    report
        .diagnostics
        .iter()
        .filter(|d| {
            report
                .file(d.file)
                .path
                .file_name()
                .is_some_and(|n| n == name)
        })
        .map(|d| d.rule.code())
        .collect()
}
