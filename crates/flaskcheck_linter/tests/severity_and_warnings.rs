//! What the fixture harness does not see: the severity a rule gives each finding (FC103 ranks
//! `SELECT *` by where the rows go) and the run's warnings (an OpenAPI file that cannot be read
//! is a warning, never a failed run).

use std::path::{Path, PathBuf};

use flaskcheck_linter::{lint, LintOptions, RuleSelection, Severity};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

fn run(path: PathBuf, code: &str) -> flaskcheck_linter::LintReport {
    let options = LintOptions {
        paths: vec![path],
        selection: RuleSelection::from_selectors(Some(&[code]), &[]).unwrap(),
        threads: 1,
        ..LintOptions::default()
    };
    lint(&options).unwrap()
}

#[test]
fn select_star_is_ranked_by_where_the_rows_go() {
    let report = run(
        testdata().join("rules/FC103_select_star/ranked_by_rows"),
        "FC103",
    );
    let by_line: Vec<(u32, Severity)> = report
        .diagnostics
        .iter()
        .map(|d| (d.span.start.line, d.severity))
        .collect();
    assert_eq!(
        by_line,
        vec![
            (7, Severity::Medium),
            (17, Severity::High),
            (24, Severity::Low),
            (32, Severity::Medium),
        ]
    );
}

#[test]
fn an_unreadable_openapi_file_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "import connexion\n\napp = connexion.App(__name__)\napp.add_api(\"missing.yaml\")\napp.add_api(\"broken.yaml\")\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.yaml"), "paths: [unclosed\n").unwrap();
    let report = run(dir.path().to_path_buf(), "FC301");
    assert!(report.diagnostics.is_empty());
    assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("missing.yaml"));
    assert!(report.warnings[1].contains("broken.yaml"));
}
