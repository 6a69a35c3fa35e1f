//! Every rule document's examples are real: the code under `## Example` makes the rule fire, and
//! the code under `## Use instead` does not (as Biome checks its documentation).

use flaskcheck_linter::{lint, ExcludeSet, LintOptions, Rule, RuleSelection};

fn findings(rule: Rule, code: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("example.py"), code).unwrap();
    let options = LintOptions {
        paths: vec![dir.path().to_path_buf()],
        selection: RuleSelection::from_selectors(Some(&[rule.code()]), &[]).unwrap(),
        exclude: ExcludeSet::new::<&str>(&[]).unwrap(),
        threads: 1,
        ..LintOptions::default()
    };
    let report = lint(&options).unwrap();
    report
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {} {}",
                d.span.start.line, d.span.start.column, d.rule, d.message
            )
        })
        .collect()
}

#[test]
fn examples_fire_and_fixes_do_not() {
    let mut problems = Vec::new();
    for &rule in Rule::ALL.iter().filter(|rule| !rule.is_meta()) {
        let doc = rule.doc();
        for example in doc.python_examples("Example") {
            let found = findings(rule, example);
            if !found.iter().any(|f| f.contains(rule.code())) {
                problems.push(format!(
                    "{rule}: the `## Example` code does not trigger the rule"
                ));
            }
        }
        for fixed in doc.python_examples("Use instead") {
            let found = findings(rule, fixed);
            if !found.is_empty() {
                problems.push(format!(
                    "{rule}: the `## Use instead` code triggers: {found:?}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
