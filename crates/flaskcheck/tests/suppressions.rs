//! Suppression comments and baselines, end to end.
//!
//! The findings to suppress here are FC000 "nested too deep" (a file that parses, so its comments
//! are read) and FC001 itself; rule-specific suppression cases live in the fixture folders.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn flaskcheck() -> Command {
    let mut command = Command::cargo_bin("flaskcheck").unwrap();
    command.args(["lint", "--output-format", "concise"]);
    command
}

/// An expression nested past flaskcheck's limit: FC000 on line 1 of the file.
fn too_deep() -> String {
    vec!["1"; 2000].join("+")
}

fn concise(command: &mut Command) -> (String, i32) {
    let output = command.output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap(),
    )
}

fn files_in(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .map(|line| line.split(':').next().unwrap())
        .collect()
}

#[test]
fn each_suppression_form_hides_the_finding_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let deep = too_deep();
    let cases = [
        ("noqa_bare.py", format!("x = {deep}  # noqa\n")),
        ("noqa_code.py", format!("x = {deep}  # noqa: FC000\n")),
        ("noqa_no_space.py", format!("x = {deep}  # noqa:FC000\n")),
        (
            "noqa_list.py",
            format!("x = {deep}  # noqa: FC002, FC000\n"),
        ),
        ("noqa_upper.py", format!("x = {deep}  # NOQA: FC000\n")),
        (
            "noqa_after_other.py",
            format!("x = {deep}  # type: ignore  # noqa: FC000\n"),
        ),
        (
            "ignore_code.py",
            format!("x = {deep}  # flaskcheck: ignore[FC000]\n"),
        ),
        (
            "ignore_list.py",
            format!("x = {deep}  # flaskcheck: ignore[FC002, FC000]\n"),
        ),
        (
            "ignore_bare.py",
            format!("x = {deep}  # flaskcheck: ignore\n"),
        ),
        // Not suppressed:
        ("wrong_code.py", format!("x = {deep}  # noqa: FC002\n")),
        ("other_tool.py", format!("x = {deep}  # noqa: E501\n")),
        ("in_a_string.py", format!("x = ('# noqa', {deep})\n")),
        ("line_below.py", format!("x = {deep}\n# noqa: FC000\n")),
    ];
    for (name, text) in &cases {
        fs::write(root.join(name), text).unwrap();
    }
    let (stdout, code) = concise(flaskcheck().current_dir(root).arg("."));
    assert_eq!(code, 1);
    assert_eq!(
        files_in(&stdout),
        [
            "in_a_string.py",
            "line_below.py",
            "other_tool.py",
            "wrong_code.py"
        ],
        "{stdout}"
    );
}

#[test]
fn a_multi_line_finding_is_suppressed_from_its_first_line_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // `x = (1 +` / `    1 +` ... / `    1)`, with the comment on line `comment_line`.
    let write = |name: &str, comment_line: usize| {
        let mut lines: Vec<String> = (0..2000)
            .map(|i| match i {
                0 => "x = (1 +".to_string(),
                1999 => "    1)".to_string(),
                _ => "    1 +".to_string(),
            })
            .collect();
        lines[comment_line - 1].push_str("  # noqa: FC000");
        fs::write(root.join(name), lines.join("\n") + "\n").unwrap();
    };
    write("first.py", 1);
    write("second.py", 2);
    let (stdout, _) = concise(flaskcheck().current_dir(root).arg("."));
    // The finding starts on line 1 and spans lines; only first.py has the comment there.
    assert_eq!(files_in(&stdout), ["second.py"], "{stdout}");
    assert!(stdout.starts_with("second.py:1:6: FC000"), "{stdout}");
}

#[test]
fn unused_suppressions_are_reported_only_when_asked_and_only_for_rules_that_ran() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let deep = too_deep();
    fs::write(root.join("used.py"), format!("x = {deep}  # noqa: FC000\n")).unwrap();
    fs::write(
        root.join("stale.py"),
        "x = 1  # noqa: FC002\ny = 2  # flaskcheck: ignore\nz = 3  # noqa\n",
    )
    .unwrap();
    fs::write(root.join("foreign.py"), "import os  # noqa: F401\n").unwrap();
    let (stdout, code) = concise(flaskcheck().current_dir(root).arg("."));
    assert_eq!((stdout.as_str(), code), ("", 0));

    let (stdout, code) = concise(
        flaskcheck()
            .current_dir(root)
            .args(["--report-unused-suppressions", "."]),
    );
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "stale.py:1:8: FC001 unused suppression: no FC002 finding starts on this line\n\
         stale.py:2:8: FC001 unused suppression: no finding starts on this line\n"
    );
    // A bare `# noqa` (line 3) may be another tool's: never reported. FC002 did not run: its
    // suppression cannot be called unused, nor can a bare `# flaskcheck: ignore`.
    let (stdout, _) = concise(flaskcheck().current_dir(root).args([
        "--report-unused-suppressions",
        "--select",
        "FC000,FC001",
        ".",
    ]));
    assert_eq!(stdout, "");
    // Asked for, but FC001 itself is ignored.
    let (stdout, _) = concise(flaskcheck().current_dir(root).args([
        "--report-unused-suppressions",
        "--ignore",
        "FC001",
        ".",
    ]));
    assert_eq!(stdout, "");
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The round trip: write a baseline, run again (nothing new), move lines (nothing new), add a
/// duplicate of a known finding (exactly one new).
#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("app")).unwrap();
    fs::write(root.join("app/broken.py"), "def f(:\n    pass\n").unwrap();
    fs::write(root.join("app/stale.py"), "x = 1  # noqa: FC002\n").unwrap();
    let lint = |extra: &[&str]| {
        let mut command = flaskcheck();
        command
            .current_dir(root)
            .args(["--report-unused-suppressions"])
            .args(extra)
            .arg("app");
        command
    };

    lint(&["--write-baseline", ".flaskcheck-baseline.json"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("Wrote 2 findings to .flaskcheck-baseline.json (2 files checked)\n");
    let baseline = read_json(&root.join(".flaskcheck-baseline.json"));
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["flaskcheck_version"], env!("CARGO_PKG_VERSION"));
    let entries = baseline["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["rule"], "FC000");
    assert_eq!(entries[0]["path"], "app/broken.py");
    assert_eq!(entries[1]["rule"], "FC001");
    assert_eq!(entries[1]["path"], "app/stale.py");
    assert_eq!(entries[1]["fingerprint"].as_str().unwrap().len(), 32);
    assert!(entries[1]["message"].as_str().unwrap().contains("FC002"));

    // Nothing new.
    lint(&["--baseline", ".flaskcheck-baseline.json"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("Found 0 problems in 0 files (2 files checked, 2 known problems in the baseline not shown)\n");

    // Lines inserted above both findings: still known.
    fs::write(
        root.join("app/broken.py"),
        "\"\"\"Views.\"\"\"\nimport os\n\n\ndef f(:\n    pass\n",
    )
    .unwrap();
    fs::write(
        root.join("app/stale.py"),
        "\"\"\"Config.\"\"\"\n\nDEBUG = False\nx = 1  # noqa: FC002\n",
    )
    .unwrap();
    lint(&["--baseline", ".flaskcheck-baseline.json"])
        .assert()
        .code(0)
        .stdout("");

    // A second identical finding in the same file: exactly one is new.
    fs::write(
        root.join("app/stale.py"),
        "\"\"\"Config.\"\"\"\n\nDEBUG = False\nx = 1  # noqa: FC002\nx = 1  # noqa: FC002\n",
    )
    .unwrap();
    lint(&["--baseline", ".flaskcheck-baseline.json"])
        .assert()
        .code(1)
        .stdout("app/stale.py:5:8: FC001 unused suppression: no FC002 finding starts on this line\n")
        .stderr("Found 1 problem in 1 file (2 files checked, 2 known problems in the baseline not shown)\n");

    // From another folder, the baseline still matches (its paths are relative to itself).
    let output = Command::cargo_bin("flaskcheck")
        .unwrap()
        .current_dir(root.join("app"))
        .args([
            "lint",
            "--output-format",
            "sarif",
            "--report-unused-suppressions",
            "--baseline",
            "../.flaskcheck-baseline.json",
            ".",
        ])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["baselineState"], "new");
}

#[test]
fn a_missing_or_corrupt_baseline_is_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("app.py"), "x = 1\n").unwrap();
    flaskcheck()
        .current_dir(root)
        .args(["--baseline", "missing.json", "."])
        .assert()
        .code(2)
        .stderr(
            predicate::str::starts_with(
                "flaskcheck: error: cannot read the baseline missing.json:",
            )
            // The I/O error is printed once.
            .and(predicate::function(|stderr: &str| {
                stderr.matches("os error").count() == 1
            })),
        );
    fs::write(root.join("corrupt.json"), "{\"version\": 1, \"entries\": [").unwrap();
    flaskcheck()
        .current_dir(root)
        .args(["--baseline", "corrupt.json", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "flaskcheck: error: the baseline corrupt.json is not a flaskcheck baseline:",
        ));
    fs::write(root.join("other.json"), "[1, 2, 3]").unwrap();
    flaskcheck()
        .current_dir(root)
        .args(["--baseline", "other.json", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a flaskcheck baseline"));
    flaskcheck()
        .current_dir(root)
        .args(["--baseline", "a.json", "--write-baseline", "b.json", "."])
        .assert()
        .code(2);
}
