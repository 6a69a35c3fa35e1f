//! Files, links and flags a hostile pull request or CI script could bring: none may crash, hang or
//! blind the run. A bad file is FC000 (or a warning, for an ignore or configuration file it does
//! not need) and every other file is still analysed; output cannot be made to lie or flood.
//! FIFOs and links are made in temporary folders; every run has a timeout, so a hang fails.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use assert_cmd::Command;

const TIMEOUT: Duration = Duration::from_secs(120);

/// A file every run must still analyse: FC504 on line 1.
const ORDINARY: &str = "SECRET_KEY = \"kq8-hardcoded-4c1\"\n";

fn flaskcheck() -> Command {
    let mut command = Command::cargo_bin("flaskcheck").unwrap();
    command.timeout(TIMEOUT);
    command
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn concise(dir: &Path, args: &[&str]) -> Run {
    run(flaskcheck()
        .current_dir(dir)
        .args(["lint", "--isolated", "--output-format", "concise"])
        .args(args))
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Process::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_links_to_them_are_fc000_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("settings.py"), ORDINARY).unwrap();
    mkfifo(&root.join("named.py"));
    fs::create_dir(root.join("pkg")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    mkfifo(&elsewhere.path().join("pipe"));
    symlink(elsewhere.path().join("pipe"), &root.join("pkg/to_fifo.py"));
    symlink("/dev/zero", &root.join("pkg/zero.py"));
    mkfifo(&root.join("pkg/fifo_in_folder.py"));

    let out = concise(root, &[".", "named.py"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let expected = [
        "named.py:1:1: FC000 cannot read file: not a regular file (a FIFO)",
        "pkg/fifo_in_folder.py:1:1: FC000 cannot read file: not a regular file (a FIFO)",
        "pkg/to_fifo.py:1:1: FC000 cannot read file: not a regular file (a FIFO)",
        "pkg/zero.py:1:1: FC000 cannot read file: not a regular file (a character device)",
        "settings.py:1:14: FC504",
    ];
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{}", out.stdout);
    for (line, expected) in lines.iter().zip(expected) {
        assert!(line.starts_with(expected), "{line}\nexpected {expected}");
    }
    assert!(
        out.stderr.ends_with("(5 files checked)\n"),
        "{}",
        out.stderr
    );
}

/// `/dev/stdin` reached through a link while stdin is a pipe nobody writes to: reading it would
/// wait forever.
#[cfg(unix)]
#[test]
fn a_link_to_stdin_does_not_block() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("settings.py"), ORDINARY).unwrap();
    symlink("/dev/stdin", &dir.path().join("stdin.py"));
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("flaskcheck"))
        .current_dir(dir.path())
        .args(["lint", "--isolated", "--output-format", "concise", "."])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _open_stdin = child.stdin.take();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            child.kill().unwrap();
            panic!("blocked on /dev/stdin");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(
        stdout.contains("stdin.py:1:1: FC000 cannot read file: not a regular file"),
        "{stdout}"
    );
    assert!(stdout.contains("settings.py:1:14: FC504"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn bad_ignore_files_are_skipped_with_a_warning_and_good_ones_still_apply() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for folder in ["fifo", "zero", "good"] {
        fs::create_dir(root.join(folder)).unwrap();
        fs::write(root.join(folder).join("settings.py"), ORDINARY).unwrap();
        fs::write(root.join(folder).join("generated.py"), ORDINARY).unwrap();
    }
    mkfifo(&root.join("fifo/.gitignore"));
    symlink("/dev/zero", &root.join("zero/.gitignore"));
    fs::write(root.join("good/.gitignore"), "generated.py\n").unwrap();
    mkfifo(&root.join(".ignore"));

    let out = concise(root, &["."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let files: Vec<&str> = out
        .stdout
        .lines()
        .map(|line| line.split(':').next().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "fifo/generated.py",
            "fifo/settings.py",
            "good/settings.py",
            "zero/generated.py",
            "zero/settings.py"
        ]
    );
    for skipped in [".ignore", "fifo/.gitignore", "zero/.gitignore"] {
        assert!(
            out.stderr
                .contains(&format!("{}: not a regular file", skipped)),
            "{skipped}: {}",
            out.stderr
        );
    }
    assert!(out
        .stderr
        .contains("flaskcheck: warning: skipped the ignore file"));
}

#[cfg(unix)]
#[test]
fn a_fifo_configuration_file_is_an_error_or_skipped_but_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("settings.py"), ORDINARY).unwrap();
    mkfifo(&root.join("flaskcheck.toml"));
    // Named explicitly: an error (exit 2), at once.
    let out =
        run(flaskcheck()
            .current_dir(root)
            .args(["lint", "--config", "flaskcheck.toml", "."]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("cannot read the configuration file: not a regular file (a FIFO)"),
        "{}",
        out.stderr
    );
    // Found walking up: skipped, with a warning.
    let out = run(flaskcheck()
        .current_dir(root)
        .args(["lint", "--output-format", "concise", "."]));
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("settings.py:1:14: FC504"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("skipped") && out.stderr.contains("not a regular file"),
        "{}",
        out.stderr
    );
}

#[test]
fn absurd_thread_counts_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("settings.py"), ORDINARY).unwrap();
    let out = concise(dir.path(), &["--threads", "100000", "."]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.starts_with("settings.py:1:14: FC504"));
    let help = run(flaskcheck().args(["lint", "--help"]));
    assert!(
        help.stdout.contains("at most 4 per core"),
        "{}",
        help.stdout
    );
}

/// The reader of the output goes away before it is written (`flaskcheck lint . | head -1`): the
/// exit code is what it would have been, and nothing is said about it.
#[test]
fn a_broken_pipe_exits_as_if_the_output_were_written() {
    let dir = tempfile::tempdir().unwrap();
    for index in 0..200 {
        fs::write(dir.path().join(format!("settings{index}.py")), ORDINARY).unwrap();
    }
    for format in ["text", "concise", "json", "sarif", "github"] {
        let mut child = Process::new(assert_cmd::cargo::cargo_bin("flaskcheck"))
            .current_dir(dir.path())
            .args(["lint", "--isolated", "--output-format", format, "."])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(1), "{format}: {stderr}");
        assert!(!stderr.contains("error"), "{format}: {stderr}");
        assert!(
            stderr.starts_with("Found 200 problems"),
            "{format}: {stderr}"
        );
    }
}

#[test]
fn the_same_file_named_twice_is_linted_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("app")).unwrap();
    fs::write(root.join("app/settings.py"), ORDINARY).unwrap();
    let absolute = root.join("app/settings.py");
    let out = concise(
        root,
        &[
            "app/settings.py",
            "./app/../app/settings.py",
            absolute.to_str().unwrap(),
            "app",
        ],
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        ["app/settings.py:1:14: FC504 `SECRET_KEY` is hardcoded: anyone who reads the code can sign session cookies and log in as any user"]
    );
    assert!(out.stderr.contains("(1 file checked)"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn a_file_reached_through_a_linked_folder_is_linted_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("app")).unwrap();
    fs::write(root.join("app/settings.py"), ORDINARY).unwrap();
    symlink(root.join("app"), &root.join("link"));
    let out = concise(root, &["app", "link"]);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with("app/settings.py:"), "{}", out.stdout);
}

/// A terminal escape or a bidirectional override in the source, a message or a file name is
/// shown escaped in every format people read.
#[test]
fn control_characters_are_escaped_where_people_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("esc.py"),
        "SECRET_KEY = \"\x1b[2J\x1b]0;pwned\x07 \u{202e}gnirts\"\n",
    )
    .unwrap();
    fs::write(root.join("line\nbreak \u{202e}.py"), ORDINARY).unwrap();
    for format in ["text", "concise", "github"] {
        let out = run(flaskcheck().current_dir(root).args([
            "lint",
            "--isolated",
            "--output-format",
            format,
            ".",
        ]));
        assert_eq!(out.code, 1, "{format}");
        for raw in ['\x1b', '\x07', '\u{202e}'] {
            assert!(
                !out.stdout.contains(raw),
                "{format} shows {raw:?} raw:\n{}",
                out.stdout
            );
        }
        assert!(
            out.stdout.contains("line\\u{a}break \\u{202e}.py"),
            "{format}: {}",
            out.stdout
        );
    }
    let out = concise(root, &["."]);
    assert_eq!(
        out.stdout.lines().count(),
        2,
        "one line per finding:\n{}",
        out.stdout
    );
    let text = run(flaskcheck()
        .current_dir(root)
        .args(["lint", "--isolated", "esc.py"]));
    assert!(
        text.stdout
            .contains(r#"SECRET_KEY = "\u{1b}[2J\u{1b}]0;pwned\u{7} \u{202e}gnirts""#),
        "{}",
        text.stdout
    );
}

/// 4,000 findings on one 120 KB line: each shows a window of the line, not the line.
#[test]
fn long_lines_are_cut_around_the_finding() {
    let dir = tempfile::tempdir().unwrap();
    let line = "cur.execute(\"SELECT * FROM t\"); ".repeat(4_000);
    fs::write(
        dir.path().join("amp.py"),
        format!("import sqlite3\ncur = sqlite3.connect('x').cursor()\n{line}\n"),
    )
    .unwrap();
    let out = run(flaskcheck()
        .current_dir(dir.path())
        .args(["lint", "--isolated", "amp.py"]));
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout.matches("warning[FC103]").count(), 4_000);
    let longest = out.stdout.lines().map(str::len).max().unwrap();
    assert!(longest < 400, "a line of {longest} bytes");
    // The finding in the middle of the line, at its own column.
    assert!(
        out.stdout.contains("amp.py:3:64021"),
        "window around the finding"
    );
    assert!(
        out.stdout.len() < 4_000 * 1_000,
        "{} bytes",
        out.stdout.len()
    );
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_stay_distinct_and_their_uris_name_them() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"caf\xe9.py");
    fs::write(dir.path().join(name), ORDINARY).unwrap();
    let out = concise(dir.path(), &["."]);
    assert!(
        out.stdout.starts_with("caf\\xe9.py:1:14: FC504"),
        "{}",
        out.stdout
    );
    let sarif = run(flaskcheck().current_dir(dir.path()).args([
        "lint",
        "--isolated",
        "--output-format",
        "sarif",
        ".",
    ]));
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"];
    assert_eq!(uri, "caf%E9.py");
}

#[test]
fn write_baseline_replaces_the_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("settings.py"), ORDINARY).unwrap();
    let baseline = root.join("baseline.json");
    fs::write(&baseline, "x".repeat(100_000)).unwrap();
    let out = run(flaskcheck().current_dir(root).args([
        "lint",
        "--isolated",
        "--no-cache",
        "--write-baseline",
        "baseline.json",
        "settings.py",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written: serde_json::Value = serde_json::from_slice(&fs::read(&baseline).unwrap()).unwrap();
    assert_eq!(written["entries"].as_array().unwrap().len(), 1);
    let names: Vec<PathBuf> = fs::read_dir(root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file left: {names:?}");

    // A write that cannot complete leaves what was there.
    fs::create_dir(root.join("taken")).unwrap();
    fs::write(root.join("taken/keep"), "").unwrap();
    let out = run(flaskcheck().current_dir(root).args([
        "lint",
        "--isolated",
        "--no-cache",
        "--write-baseline",
        "taken",
        "settings.py",
    ]));
    assert_eq!(out.code, 2);
    assert!(root.join("taken/keep").exists());
    assert_eq!(fs::read_dir(root).unwrap().count(), 3);
}

#[test]
fn an_unparsable_pyproject_of_another_project_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("flaskcheck.toml"), "ignore = [\"FC504\"]\n").unwrap();
    fs::create_dir(root.join("template")).unwrap();
    fs::write(
        root.join("template/pyproject.toml"),
        "[project]\nname = \"{{ cookiecutter.name }}\"\nversion = {{ version }}\n",
    )
    .unwrap();
    fs::write(root.join("template/settings.py"), ORDINARY).unwrap();
    let out = run(flaskcheck().current_dir(root).args([
        "lint",
        "--output-format",
        "concise",
        "template",
    ]));
    assert_eq!(
        out.code, 0,
        "the flaskcheck.toml above applies: {}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("flaskcheck: warning: skipped template/pyproject.toml"),
        "{}",
        out.stderr
    );
    // One that means to configure flaskcheck is still an error.
    fs::write(
        root.join("template/pyproject.toml"),
        "[tool.flaskcheck]\nselect = [\n",
    )
    .unwrap();
    let out = run(flaskcheck().current_dir(root).args(["lint", "template"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn configuration_mistakes_are_located_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("settings.py"), ORDINARY).unwrap();
    fs::write(root.join("flaskcheck.toml"), "fail-on = 3\n").unwrap();
    let out = run(flaskcheck().current_dir(root).args(["lint", "."]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("flaskcheck.toml:1:11: `fail-on`: invalid type: integer `3`, expected one of `low`, `medium`, `high`"),
        "{}",
        out.stderr
    );
    fs::write(
        root.join("flaskcheck.toml"),
        "select = [\"FC5\"]\n\n[per-file-ignores]\n\"tests/[.py\" = [\"FC504\"]\n",
    )
    .unwrap();
    let out = run(flaskcheck().current_dir(root).args(["lint", "."]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("flaskcheck.toml:4:1: `per-file-ignores.\"tests/[.py\"`: invalid glob"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_io_error_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        run(flaskcheck()
            .current_dir(dir.path())
            .args(["lint", "--baseline", "missing.json", "."]));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.matches("No such file or directory").count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn the_nesting_limit_is_flaskchecks() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("deep.py"),
        format!("x = {}\n", vec!["1"; 2000].join("+")),
    )
    .unwrap();
    fs::write(dir.path().join("nul.py"), "x = 'a\0b'\n").unwrap();
    let out = concise(dir.path(), &["."]);
    assert_eq!(
        out.stdout,
        "deep.py:1:5: FC000 code nested more than 1500 levels deep is not analyzed (flaskcheck's limit)\n\
         nul.py:1:7: FC000 syntax error: source code cannot contain null bytes\n"
    );
}

/// The FC104 message names the call as written, spaces in its strings included.
#[test]
fn the_fc104_message_shows_the_call_as_written() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("app.py"),
        "from flask import Flask, jsonify\nfrom pymongo import MongoClient\n\napp = Flask(__name__)\n\
         db = MongoClient().shop\n\n\n@app.route(\"/accounts\")\ndef accounts():\n    \
         return jsonify(list(db[\"user accounts\"]\n        .find({})))\n",
    )
    .unwrap();
    let out = concise(dir.path(), &["--select", "FC104", "."]);
    assert!(
        out.stdout
            .contains(r#"FC104 `db["user accounts"].find()` has no projection"#),
        "{}",
        out.stdout
    );
}

/// A folder the walk cannot read is one finding, and not a file checked. Made unreadable by the
/// length of its path (past `PATH_MAX`, which `mkdir -p` can still create), which holds for root
/// too.
#[cfg(unix)]
#[test]
fn unreadable_folders_are_reported_and_not_counted_as_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("settings.py"), ORDINARY).unwrap();
    let segment = "d".repeat(200);
    let deep = vec![segment.as_str(); 25].join("/");
    let status = Process::new("mkdir")
        .args(["-p", &deep])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(status.success());
    let out = concise(root, &["."]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[0].contains(":1:1: FC000 cannot read folder: File name too long"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("settings.py:1:14: FC504"));
    assert!(out.stderr.ends_with("(1 file checked)\n"), "{}", out.stderr);
}
