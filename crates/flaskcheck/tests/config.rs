//! Configuration files as users write them: where they are found, what each key does, how the
//! command line overrides them, and what a mistake in one looks like.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn flaskcheck() -> Command {
    let mut command = Command::cargo_bin("flaskcheck").unwrap();
    command.args(["lint", "--output-format", "concise"]);
    command
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const BROKEN: &str = "def f(:\n    pass\n";
const STALE: &str = "x = 1  # noqa: FC002\n";

/// The concise output as a list of `path:line:col: CODE` prefixes.
fn findings(command: &mut Command) -> (Vec<String>, i32) {
    let output = command.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let found = stdout
        .lines()
        .map(|line| {
            let mut parts = line.splitn(4, ' ');
            let location = parts.next().unwrap();
            let code = parts.next().unwrap();
            format!("{location} {code}")
        })
        .collect();
    (found, output.status.code().unwrap())
}

#[test]
fn pyproject_is_found_walking_up_from_the_linted_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"blog\"\n\n[tool.flaskcheck]\nignore = [\"FC000\"]\n",
    );
    write(root, "app/api/broken.py", BROKEN);
    // From the project's root, from a subfolder, and from outside the project entirely.
    for (cwd, path) in [
        (root.to_path_buf(), "app"),
        (root.join("app/api"), "."),
        (root.join("app/api"), "broken.py"),
        (std::env::temp_dir(), root.join("app").to_str().unwrap()),
    ] {
        let (found, code) = findings(flaskcheck().current_dir(&cwd).arg(path));
        assert_eq!((found, code), (vec![], 0), "from {}", cwd.display());
    }
    // --isolated ignores it.
    let (found, code) = findings(flaskcheck().current_dir(root).args(["--isolated", "app"]));
    assert_eq!(found, ["app/api/broken.py:1:7: FC000"]);
    assert_eq!(code, 1);
}

#[test]
fn flaskcheck_toml_wins_over_pyproject_and_a_pyproject_without_our_table_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "flaskcheck.toml", "ignore = [\"FC000\"]\n");
    write(
        root,
        "pyproject.toml",
        "[tool.flaskcheck]\nselect = [\"FC002\"]\n",
    );
    write(
        root,
        "pkg/pyproject.toml",
        "[project]\nname = \"pkg\"\n[tool.black]\nline-length = 100\n",
    );
    write(root, "pkg/broken.py", BROKEN);
    let (found, code) = findings(flaskcheck().current_dir(root).arg("pkg"));
    assert_eq!((found, code), (vec![], 0));
}

#[test]
fn config_names_a_file_explicitly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "ci/strict.toml",
        "report-unused-suppressions = true\n",
    );
    write(root, "app/stale.py", STALE);
    let (found, _) = findings(flaskcheck().current_dir(root).arg("app"));
    assert_eq!(found, Vec::<String>::new());
    let (found, code) =
        findings(
            flaskcheck()
                .current_dir(root)
                .args(["--config", "ci/strict.toml", "app"]),
        );
    assert_eq!(found, ["app/stale.py:1:8: FC001"]);
    assert_eq!(code, 1);
    flaskcheck()
        .current_dir(root)
        .args(["--config", "ci/missing.toml", "app"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "ci/missing.toml: cannot read the configuration file",
        ));
    flaskcheck()
        .current_dir(root)
        .args(["--config", "ci/strict.toml", "--isolated", "app"])
        .assert()
        .code(2);
}

#[test]
fn select_and_ignore_from_the_file_and_the_command_line_on_top() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "flaskcheck.toml",
        "select = [\"FC0\"]\nignore = [\"FC001\"]\nreport-unused-suppressions = true\n",
    );
    write(root, "broken.py", BROKEN);
    write(root, "stale.py", STALE);
    // The file: FC001 is ignored.
    let (found, _) = findings(flaskcheck().current_dir(root).arg("."));
    assert_eq!(found, ["broken.py:1:7: FC000"]);
    // --ignore adds to the file's ignore.
    let (found, code) = findings(
        flaskcheck()
            .current_dir(root)
            .args(["--ignore", "FC000", "."]),
    );
    assert_eq!((found, code), (vec![], 0));
    // --select replaces the file's choice, its ignores with it.
    let (found, _) = findings(
        flaskcheck()
            .current_dir(root)
            .args(["--select", "FC0", "."]),
    );
    assert_eq!(found, ["broken.py:1:7: FC000", "stale.py:1:8: FC001"]);
}

#[test]
fn exclude_replaces_the_defaults_and_extend_exclude_adds_relative_to_the_config_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for path in [
        "app/views.py",
        "app/legacy/old.py",
        "lib/app/legacy/kept.py",
        "build/generated.py",
        "migrations/0001.py",
    ] {
        write(root, path, BROKEN);
    }
    write(
        root,
        "pyproject.toml",
        "[tool.flaskcheck]\nextend-exclude = [\"app/legacy\", \"migrations\"]\n",
    );
    // Run from a subfolder: the globs stay relative to the configuration's folder.
    let (found, _) = findings(flaskcheck().current_dir(root.join("lib")).arg(".."));
    assert_eq!(
        found,
        [
            "../app/views.py:1:7: FC000",
            "../lib/app/legacy/kept.py:1:7: FC000"
        ]
    );
    // `exclude` replaces the default list: build/ is linted now.
    write(
        root,
        "pyproject.toml",
        "[tool.flaskcheck]\nexclude = [\"app/legacy\"]\n",
    );
    let (found, _) = findings(flaskcheck().current_dir(root).arg("."));
    assert_eq!(
        found,
        [
            "app/views.py:1:7: FC000",
            "build/generated.py:1:7: FC000",
            "lib/app/legacy/kept.py:1:7: FC000",
            "migrations/0001.py:1:7: FC000",
        ]
    );
    // --exclude replaces the file's `exclude`; --extend-exclude adds to it.
    let (found, _) = findings(
        flaskcheck()
            .current_dir(root)
            .args(["--exclude", "lib", "."]),
    );
    assert_eq!(
        found,
        [
            "app/legacy/old.py:1:7: FC000",
            "app/views.py:1:7: FC000",
            "build/generated.py:1:7: FC000",
            "migrations/0001.py:1:7: FC000",
        ]
    );
    let (found, _) = findings(flaskcheck().current_dir(root).args([
        "--extend-exclude",
        "build",
        "--extend-exclude",
        "migrations",
        ".",
    ]));
    assert_eq!(
        found,
        [
            "app/views.py:1:7: FC000",
            "lib/app/legacy/kept.py:1:7: FC000"
        ]
    );
}

#[test]
fn force_exclude_applies_exclusions_to_files_named_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.flaskcheck]\nextend-exclude = [\"migrations\"]\n",
    );
    write(root, "migrations/versions/0001.py", BROKEN);
    write(root, "app/views.py", BROKEN);
    let named = ["migrations/versions/0001.py", "app/views.py"];
    // Named files are linted whatever the exclusions...
    let (found, _) = findings(flaskcheck().current_dir(root).args(named));
    assert_eq!(found.len(), 2);
    // ...unless --force-exclude (or `force-exclude = true`) says otherwise.
    let (found, _) = findings(
        flaskcheck()
            .current_dir(root)
            .arg("--force-exclude")
            .args(named),
    );
    assert_eq!(found, ["app/views.py:1:7: FC000"]);
    write(
        root,
        "pyproject.toml",
        "[tool.flaskcheck]\nextend-exclude = [\"migrations\"]\nforce-exclude = true\n",
    );
    let (found, _) = findings(flaskcheck().current_dir(root).args(named));
    assert_eq!(found, ["app/views.py:1:7: FC000"]);
}

#[test]
fn per_file_ignores_from_the_file_and_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "flaskcheck.toml",
        "report-unused-suppressions = true\n\n[per-file-ignores]\n\"tests/*.py\" = [\"FC000\"]\n\"conftest.py\" = [\"FC001\"]\n\"app/legacy\" = [\"FC000\"]\n",
    );
    // A folder's pattern covers what is inside it.
    write(root, "app/legacy/sub/old.py", BROKEN);
    write(root, "tests/test_broken.py", BROKEN);
    write(root, "app/tests/test_broken.py", BROKEN);
    write(root, "tests/conftest.py", STALE);
    write(root, "app/stale.py", STALE);
    let (found, _) = findings(flaskcheck().current_dir(root).arg("."));
    assert_eq!(
        found,
        [
            "app/stale.py:1:8: FC001",
            "app/tests/test_broken.py:1:7: FC000"
        ]
    );
    // --per-file-ignores replaces the file's (its globs are relative to the current folder).
    let (found, _) = findings(flaskcheck().current_dir(root.join("app")).args([
        "--per-file-ignores",
        "tests/*.py:FC000",
        "--per-file-ignores",
        "*.py:FC001",
        "..",
    ]));
    assert_eq!(
        found,
        [
            "../app/legacy/sub/old.py:1:7: FC000",
            "../tests/test_broken.py:1:7: FC000"
        ]
    );
    flaskcheck()
        .current_dir(root)
        .args(["--per-file-ignores", "tests/*.py", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not GLOB:CODES"));
}

#[test]
fn fail_on_sets_the_severity_that_fails_and_lower_findings_are_still_printed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "flaskcheck.toml",
        "fail-on = \"medium\"\nreport-unused-suppressions = true\n",
    );
    write(root, "stale.py", STALE);
    // FC001 is low severity: printed, exit 0.
    let (found, code) = findings(flaskcheck().current_dir(root).arg("."));
    assert_eq!((found, code), (vec!["stale.py:1:8: FC001".to_string()], 0));
    // The command line overrides the file.
    let (_, code) = findings(
        flaskcheck()
            .current_dir(root)
            .args(["--fail-on", "low", "."]),
    );
    assert_eq!(code, 1);
    // A high finding fails at any level.
    write(root, "broken.py", BROKEN);
    let (_, code) = findings(
        flaskcheck()
            .current_dir(root)
            .args(["--fail-on", "high", "."]),
    );
    assert_eq!(code, 1);
    flaskcheck()
        .current_dir(root)
        .args(["--fail-on", "critical", "."])
        .assert()
        .code(2);
}

#[test]
fn report_unused_suppressions_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "stale.py", STALE);
    let (found, _) = findings(flaskcheck().current_dir(root).arg("."));
    assert!(found.is_empty());
    write(
        root,
        "flaskcheck.toml",
        "report-unused-suppressions = true\n",
    );
    let (found, _) = findings(flaskcheck().current_dir(root).arg("."));
    assert_eq!(found, ["stale.py:1:8: FC001"]);
}

/// A mistake in the configuration is exit 2, and the message names the file, the line and the key.
#[test]
fn bad_configuration_is_exit_two_naming_the_key() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.flaskcheck]\nselct = [\"FC1\"]\n",
            "pyproject.toml:5:1: `tool.flaskcheck.selct`: unknown field `selct`, expected one of",
        ),
        (
            "pyproject.toml",
            "[tool.flaskcheck]\nignore = [\"FC000\", \"FC9\"]\n",
            "pyproject.toml:2:20: `tool.flaskcheck.ignore[1]`: unknown rule code or prefix `FC9`",
        ),
        (
            "flaskcheck.toml",
            "select = \"FC1\"\n",
            "flaskcheck.toml:1:10: `select`: invalid type: string \"FC1\", expected a sequence",
        ),
        (
            "flaskcheck.toml",
            "fail-on = \"critical\"\n",
            "flaskcheck.toml:1:11: `fail-on`: unknown variant `critical`, expected one of `low`, `medium`, `high`",
        ),
        (
            "flaskcheck.toml",
            "report-unused-suppressions = \"yes\"\n",
            "flaskcheck.toml:1:30: `report-unused-suppressions`: invalid type: string \"yes\", expected a boolean",
        ),
        (
            "flaskcheck.toml",
            "[per-file-ignores]\n\"tests/*.py\" = [\"FC000\", \"E501\"]\n",
            "flaskcheck.toml:2:26: `per-file-ignores.\"tests/*.py\"[1]`: unknown rule code or prefix `E501`",
        ),
        (
            "flaskcheck.toml",
            "extend-exclude = [\"a[b\"]\n",
            "flaskcheck.toml:1:19: `extend-exclude[0]`: invalid glob `a[b`",
        ),
        (
            "flaskcheck.toml",
            "select = [\n",
            "flaskcheck.toml:2:1: invalid array",
        ),
    ];
    for (name, text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, name, text);
        write(root, "app.py", "x = 1\n");
        let output = flaskcheck().current_dir(root).arg(".").output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{text}: {stderr}");
        assert!(
            stderr.starts_with(&format!("flaskcheck: error: {expected}")),
            "{text}\n{stderr}"
        );
        assert!(output.stdout.is_empty());
    }
}
