//! The command line as users run it: exit codes, formats, selection, paths and the FC000 cases.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn flaskcheck() -> Command {
    Command::cargo_bin("flaskcheck").unwrap()
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// A folder with one syntax error and one clean file.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.py"), "def f(:\n    pass\n").unwrap();
    fs::write(dir.path().join("good.py"), "x = 1\n").unwrap();
    dir
}

#[test]
fn exit_zero_when_clean() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.py"), "x = 1\n").unwrap();
    flaskcheck()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("")
        .stderr("Found 0 problems in 0 files (1 file checked)\n");
}

#[test]
fn exit_one_with_findings_and_zero_with_exit_zero() {
    let dir = project();
    flaskcheck().arg("lint").arg(dir.path()).assert().code(1);
    flaskcheck()
        .args(["lint", "--exit-zero"])
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn missing_path_is_a_usage_error() {
    flaskcheck()
        .args(["lint", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "path `no/such/dir` does not exist",
        ));
}

#[test]
fn bad_arguments_are_usage_errors() {
    flaskcheck()
        .args(["lint", "--select", "FC9", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown rule code or prefix `FC9`",
        ));
    flaskcheck()
        .args(["lint", "--ignore", "XYZ", "."])
        .assert()
        .code(2);
    flaskcheck()
        .args(["lint", "--output-format", "yaml", "."])
        .assert()
        .code(2);
    flaskcheck()
        .args(["lint", "--threads", "0", "."])
        .assert()
        .code(2);
    flaskcheck()
        .args(["lint", "--exclude", "a[b", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid exclude pattern `a[b`"));
    flaskcheck().args(["frobnicate"]).assert().code(2);
    flaskcheck().args(["rule", "FC999"]).assert().code(2);
}

#[test]
fn concise_format_is_one_line_per_finding() {
    let dir = project();
    flaskcheck()
        .current_dir(dir.path())
        .args(["lint", "--output-format", "concise", "."])
        .assert()
        .code(1)
        .stdout("bad.py:1:7: FC000 syntax error: Expected a parameter or the end of the parameter list\n")
        .stderr("Found 1 problem in 1 file (2 files checked)\n");
}

#[test]
fn quiet_drops_the_summary() {
    let dir = project();
    flaskcheck()
        .args(["lint", "--quiet", "--output-format", "concise"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr("");
}

#[test]
fn json_format_has_the_documented_fields() {
    let dir = project();
    let output = flaskcheck()
        .current_dir(dir.path())
        .args(["lint", "--output-format", "json", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = value.as_array().unwrap();
    assert_eq!(findings.len(), 1);
    let finding = &findings[0];
    assert_eq!(finding["code"], "FC000");
    assert_eq!(finding["name"], "syntax-error");
    assert_eq!(finding["severity"], "high");
    assert_eq!(finding["filename"], "bad.py");
    assert_eq!(
        finding["location"],
        serde_json::json!({"row": 1, "column": 7})
    );
    assert_eq!(
        finding["end_location"],
        serde_json::json!({"row": 1, "column": 8})
    );
    assert!(finding["message"]
        .as_str()
        .unwrap()
        .starts_with("syntax error:"));
    assert!(finding.get("help").is_some());
}

#[test]
fn text_format_shows_the_snippet_and_colours_only_when_asked() {
    let dir = project();
    let plain = flaskcheck()
        .current_dir(dir.path())
        .args(["lint", "."])
        .output()
        .unwrap();
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(plain.contains("error[FC000]: syntax error"), "{plain}");
    assert!(plain.contains("bad.py:1:7"), "{plain}");
    assert!(plain.contains("1 │ def f(:"), "{plain}");
    assert!(!plain.contains('\x1b'), "no colour when not on a terminal");

    let coloured = flaskcheck()
        .current_dir(dir.path())
        .args(["lint", "--color", "always", "."])
        .output()
        .unwrap();
    assert!(String::from_utf8(coloured.stdout).unwrap().contains('\x1b'));
}

#[test]
fn columns_count_characters_not_bytes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("accents.py"), "x = \"éé\" $\n").unwrap();
    flaskcheck()
        .current_dir(dir.path())
        .args(["lint", "--output-format", "concise", "accents.py"])
        .assert()
        .stdout(predicate::str::starts_with("accents.py:1:10: FC000"));
}

/// The scenario: a syntax error, Latin-1 without and with a coding line, a good file, and
/// an unreadable file named on the command line.
#[test]
fn unreadable_and_undecodable_files_are_fc000_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("syntax.py"), "def f(:\n    pass\n").unwrap();
    fs::write(root.join("latin1_plain.py"), b"name = 'Gr\xfc\xdf'\n").unwrap();
    fs::write(
        root.join("latin1_declared.py"),
        b"# -*- coding: latin-1 -*-\nname = 'Gr\xfc\xdf'\n",
    )
    .unwrap();
    fs::write(root.join("good.py"), "x = 1\n").unwrap();
    let outside = tempfile::tempdir().unwrap();
    let dangling = outside.path().join("dangling.py");
    std::os::unix::fs::symlink(outside.path().join("nowhere.py"), &dangling).unwrap();

    // `--no-project`: the dangling link is in another temporary folder, and the common folder of
    // the two (the system's temporary folder) is no project to analyze.
    let output = flaskcheck()
        .current_dir(root)
        .args(["lint", "--no-project", "--output-format", "concise", "."])
        .arg(&dangling)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines.iter().all(|line| line.contains(": FC000 ")),
        "{stdout}"
    );
    assert!(
        stdout.contains("dangling.py:1:1: FC000 cannot read file:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("latin1_plain.py:1:11: FC000 file is not valid UTF-8 (byte 0xFC)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("syntax.py:1:7: FC000 syntax error:"),
        "{stdout}"
    );
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "Found 3 problems in 3 files (5 files checked)\n"
    );
}

#[test]
fn absurd_nesting_does_not_abort() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 100_000;
    fs::write(
        root.join("parens.py"),
        format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
    )
    .unwrap();
    fs::write(
        root.join("chain.py"),
        format!("x = {}\n", vec!["1"; n].join("+")),
    )
    .unwrap();
    fs::write(root.join("unary.py"), format!("x = {}1\n", "-".repeat(n))).unwrap();
    fs::write(root.join("ok.py"), "x = 1\n").unwrap();
    let output = flaskcheck()
        .current_dir(root)
        .args(["lint", "--output-format", "concise", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("parens.py:1:205: FC000 syntax error: too many nested parentheses"),
        "{stdout}"
    );
    assert!(
        stdout.contains("chain.py:1:5: FC000 code nested more than 1500 levels deep"),
        "{stdout}"
    );
    assert!(stdout.contains("unary.py:1:"), "{stdout}");
    assert_eq!(stdout.lines().count(), 3);
}

#[test]
fn exclude_and_default_skips() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for folder in ["app", "migrations", ".venv", "node_modules"] {
        fs::create_dir_all(root.join(folder)).unwrap();
        fs::write(root.join(folder).join("broken.py"), "def f(:\n").unwrap();
    }
    flaskcheck()
        .current_dir(root)
        .args([
            "lint",
            "--output-format",
            "concise",
            "--extend-exclude",
            "migrations",
            ".",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("app/broken.py:1:7: FC000"))
        .stderr("Found 1 problem in 1 file (1 file checked)\n");
    // --exclude replaces the default list, as in Ruff: node_modules is linted again (hidden
    // folders stay skipped).
    flaskcheck()
        .current_dir(root)
        .args([
            "lint",
            "--output-format",
            "concise",
            "--exclude",
            "migrations",
            ".",
        ])
        .assert()
        .code(1)
        .stdout("app/broken.py:1:7: FC000 syntax error: Expected a parameter or the end of the parameter list\nnode_modules/broken.py:1:7: FC000 syntax error: Expected a parameter or the end of the parameter list\n");
    // A file named explicitly is linted even inside an excluded folder.
    flaskcheck()
        .current_dir(root)
        .args(["lint", "--output-format", "concise", ".venv/broken.py"])
        .assert()
        .code(1);
}

#[test]
fn select_and_ignore() {
    let dir = project();
    // FC000 survives --select of other rules: an unparsable file is never dropped silently.
    flaskcheck()
        .args(["lint", "--select", "FC002"])
        .arg(dir.path())
        .assert()
        .code(1);
    flaskcheck()
        .args(["lint", "--ignore", "FC000"])
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let mut outputs = Vec::new();
    for threads in [None, Some("1")] {
        for _ in 0..5 {
            let mut command = flaskcheck();
            command
                .current_dir(testdata())
                .args(["lint", "--output-format", "json", "."]);
            if let Some(threads) = threads {
                command.args(["--threads", threads]);
            }
            outputs.push(command.output().unwrap().stdout);
        }
    }
    assert!(!outputs[0].is_empty());
    assert!(outputs.iter().all(|output| output == &outputs[0]));
}

#[test]
fn rules_lists_every_rule_and_rule_prints_its_document() {
    flaskcheck()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("FC000  syntax-error"));
    flaskcheck()
        .args(["rule", "fc000"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::starts_with("# FC000 syntax-error\n")
                .and(predicate::str::contains("## Why is this bad?")),
        );
    let output = flaskcheck()
        .args(["rules", "--output-format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rules.as_array().unwrap().len(), flaskcheck_rule_count());
}

fn flaskcheck_rule_count() -> usize {
    let output = flaskcheck().arg("rules").output().unwrap();
    String::from_utf8(output.stdout).unwrap().lines().count()
}
