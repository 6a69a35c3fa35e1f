//! Linting some files of a project with the whole project behind them, and the cache of the file
//! pass: what is reported for a file named alone, `--no-project`, the root, and a cache that must
//! never change a result (edits, settings, corrupt files, concurrent runs, unwritable folders).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn flaskcheck() -> Command {
    Command::cargo_bin("flaskcheck").unwrap()
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A model in one module, loaded by a helper in a second, returned whole by a view in a third:
/// FC101 at the view, with the helper's query as its related location.
fn leaky_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pyproject.toml", "[project]\nname = \"shop\"\n");
    write(root, "shop/__init__.py", "");
    write(
        root,
        "shop/models.py",
        "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    password_hash = db.Column(db.String(128))\n",
    );
    write(
        root,
        "shop/repository.py",
        "from shop.models import User\n\n\ndef find_user(user_id):\n    return User.query.get_or_404(user_id)\n",
    );
    write(
        root,
        "shop/views.py",
        "from flask import Blueprint, jsonify\n\nfrom shop.repository import find_user\n\nbp = Blueprint(\"users\", __name__)\n\n\n@bp.route(\"/users/<int:user_id>\")\ndef show(user_id):\n    user = find_user(user_id)\n    return jsonify(user)\n",
    );
    dir
}

fn concise(dir: &Path, args: &[&str]) -> Output {
    flaskcheck()
        .current_dir(dir)
        .args(["lint", "--output-format", "concise", "--exit-zero"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_view_linted_alone_reports_the_leak_its_project_explains() {
    let dir = leaky_project();
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let output = concise(dir.path(), &["--cache-dir", cache_dir, "shop/views.py"]);
    assert!(
        stdout(&output).starts_with(
            "shop/views.py:11:12: FC101 `User` model instance (loaded at repository.py:5)"
        ),
        "{}",
        stdout(&output)
    );
    // Without the project, the helper is unknown and so is the model.
    let output = concise(dir.path(), &["--no-project", "shop/views.py"]);
    assert_eq!(stdout(&output), "");
}

#[test]
fn a_finding_elsewhere_is_reported_for_the_file_that_takes_part_in_it() {
    let dir = leaky_project();
    // Only the helper changed: the leak it feeds, in views.py, is reported with it.
    let output = concise(dir.path(), &["--no-cache", "shop/repository.py"]);
    let out = stdout(&output);
    assert!(out.starts_with("shop/views.py:11:12: FC101 "), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        stderr(&output).contains("(1 file checked)"),
        "{}",
        stderr(&output)
    );
    // The model's module takes no part in the finding: nothing is reported for it.
    let output = concise(dir.path(), &["--no-cache", "shop/models.py"]);
    assert_eq!(stdout(&output), "");
    let output = concise(
        dir.path(),
        &["--no-project", "--no-cache", "shop/repository.py"],
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn the_root_is_found_from_a_nested_file_and_said_in_verbose_output() {
    let dir = leaky_project();
    let nested = dir.path().join("shop");
    let output = flaskcheck()
        .current_dir(&nested)
        .args(["lint", "--no-cache", "--verbose", "--exit-zero", "views.py"])
        .output()
        .unwrap();
    let err = stderr(&output);
    let root = dir.path().canonicalize().unwrap();
    assert!(
        err.contains(&format!(
            "project: root {} (the nearest folder with pyproject.toml",
            root.display()
        )) || err.contains(&format!(
            "project: root {} (the nearest folder with pyproject.toml",
            dir.path().display()
        )),
        "{err}"
    );
    assert!(
        err.contains("4 files analyzed, 1 in the report scope"),
        "{err}"
    );
    // --project-root sets it; a root without the helper misses the leak.
    let output = flaskcheck()
        .current_dir(&nested)
        .args([
            "lint",
            "--no-cache",
            "--verbose",
            "--exit-zero",
            "--project-root",
            ".",
        ])
        .arg("views.py")
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains("(set with --project-root"),
        "{}",
        stderr(&output)
    );
}

/// The command: each file of the demo app, linted alone, reports what linting the whole
/// app reports in it (its own findings, and those elsewhere it takes part in).
#[test]
fn each_demo_app_file_alone_reports_what_the_whole_app_reports_for_it() {
    let repo = repository();
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let json = |path: &str| -> serde_json::Value {
        let output = flaskcheck()
            .current_dir(&repo)
            .args([
                "lint",
                "--output-format",
                "json",
                "--exit-zero",
                "--cache-dir",
                cache_dir,
            ])
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let whole = json("testdata/demo_app");
    let whole = whole.as_array().unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    collect_python(&repo.join("testdata/demo_app"), &mut files);
    files.sort();
    assert!(files.len() > 10);
    let mut with_findings = 0;
    for file in files {
        let relative = file
            .strip_prefix(&repo)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let belongs = |finding: &&serde_json::Value| {
            finding["filename"] == relative.as_str()
                || finding["related"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|related| related["filename"] == relative.as_str())
                    && finding["code"] != "FC105"
        };
        let expected: Vec<&serde_json::Value> = whole.iter().filter(belongs).collect();
        let alone = json(&relative);
        let alone: Vec<&serde_json::Value> = alone.as_array().unwrap().iter().collect();
        assert_eq!(alone, expected, "{relative}");
        with_findings += usize::from(!expected.is_empty());
    }
    assert!(
        with_findings >= 8,
        "the demo app has findings in most files"
    );

    // The example: users.py alone has its FC101 (the User loaded in repository.py) and
    // its FC201.
    let alone = json("testdata/demo_app/blog/api/users.py");
    let codes: Vec<&str> = alone
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"FC101") && codes.contains(&"FC201"),
        "{codes:?}"
    );
}

fn collect_python(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_python(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "py") {
            out.push(path);
        }
    }
}

/// `--verbose`'s cache line: entries read, used, files analyzed, corrupt, and whether written.
fn cache_line(output: &Output) -> String {
    stderr(output)
        .lines()
        .find(|line| line.starts_with("cache:"))
        .unwrap_or_default()
        .to_string()
}

fn lint_cached(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    flaskcheck()
        .current_dir(dir)
        .args([
            "lint",
            "--output-format",
            "concise",
            "--exit-zero",
            "--verbose",
            "--cache-dir",
        ])
        .arg(cache)
        .args(args)
        .arg(".")
        .output()
        .unwrap()
}

#[test]
fn an_edit_a_settings_change_and_a_version_change_invalidate_the_cache() {
    let dir = leaky_project();
    let cache = tempfile::tempdir().unwrap();
    let first = lint_cached(dir.path(), cache.path(), &[]);
    assert_eq!(
        cache_line(&first),
        "cache: 0 entries read, 0 used, 4 files analyzed, 0 corrupt, written"
    );
    let again = lint_cached(dir.path(), cache.path(), &[]);
    assert_eq!(
        cache_line(&again),
        "cache: 4 entries read, 4 used, 0 files analyzed, 0 corrupt"
    );
    assert_eq!(stdout(&first), stdout(&again));
    assert!(cache.path().join("CACHEDIR.TAG").is_file());
    assert_eq!(
        fs::read_to_string(cache.path().join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );

    // An edit: the view now returns a dict, and only it is analyzed again.
    let views = dir.path().join("shop/views.py");
    let text = fs::read_to_string(&views).unwrap();
    fs::write(
        &views,
        text.replace("return jsonify(user)", "return jsonify({\"id\": user.id})"),
    )
    .unwrap();
    let edited = lint_cached(dir.path(), cache.path(), &[]);
    assert_eq!(stdout(&edited), "");
    assert_eq!(
        cache_line(&edited),
        "cache: 4 entries read, 3 used, 1 files analyzed, 0 corrupt, written"
    );
    fs::write(&views, &text).unwrap();
    assert_eq!(
        stdout(&lint_cached(dir.path(), cache.path(), &[])),
        stdout(&first)
    );

    // Other rules selected: the file pass differs, so the entries are not shared.
    let selected = lint_cached(dir.path(), cache.path(), &["--select", "FC103"]);
    assert_eq!(
        cache_line(&selected),
        "cache: 0 entries read, 0 used, 4 files analyzed, 0 corrupt, written"
    );

    // Another version: the cache lives in a folder named after the version, and a file of
    // another version put in its place is not read either (its header names its version).
    let version_dir = fs::read_dir(cache.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.is_dir())
        .unwrap();
    assert_eq!(version_dir.file_name().unwrap(), env!("CARGO_PKG_VERSION"));
    for entry in fs::read_dir(&version_dir).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = fs::read(&path).unwrap();
        // The header follows the 16-byte magic: format (1 byte), then the version's length and
        // text. Change the version's text, keeping its length.
        let at = 16 + 1 + 1;
        assert_eq!(&bytes[at..at + 5], env!("CARGO_PKG_VERSION").as_bytes());
        bytes[at] = b'9';
        fs::write(&path, bytes).unwrap();
    }
    let foreign = lint_cached(dir.path(), cache.path(), &[]);
    assert_eq!(
        cache_line(&foreign),
        "cache: 0 entries read, 0 used, 4 files analyzed, 0 corrupt, written"
    );
    assert_eq!(stdout(&foreign), stdout(&first));
}

fn cache_files(cache: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(cache).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(
                fs::read_dir(&path)
                    .unwrap()
                    .map(|entry| entry.unwrap().path())
                    .filter(|path| path.extension().is_some_and(|ext| ext == "bin")),
            );
        }
    }
    out
}

#[test]
fn corrupt_and_truncated_cache_files_are_ignored_and_rewritten() {
    let repo = repository();
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        flaskcheck()
            .current_dir(&repo)
            .args([
                "lint",
                "--output-format",
                "json",
                "--exit-zero",
                "--verbose",
                "--cache-dir",
            ])
            .arg(cache.path())
            .arg("testdata/demo_app")
            .output()
            .unwrap()
    };
    let reference = run();
    let files = cache_files(cache.path());
    assert_eq!(files.len(), 1);
    let file = &files[0];
    let bytes = fs::read(file).unwrap();

    // Flipped bytes in the payloads: those entries fail their checksum.
    let mut flipped = bytes.clone();
    for at in (bytes.len() / 2..bytes.len()).step_by(997) {
        flipped[at] ^= 0x5a;
    }
    fs::write(file, &flipped).unwrap();
    let output = run();
    assert_eq!(stdout(&output), stdout(&reference));
    let line = cache_line(&output);
    assert!(
        line.ends_with(", written") && !line.contains(" 0 corrupt"),
        "{line}"
    );
    assert!(cache_line(&run()).contains(" 0 files analyzed"));

    // Cut in half: the entries before the cut are used, the rest analyzed again.
    fs::write(file, &bytes[..bytes.len() / 2]).unwrap();
    let output = run();
    assert_eq!(stdout(&output), stdout(&reference));
    assert!(
        cache_line(&output).ends_with(", written"),
        "{}",
        cache_line(&output)
    );
    assert!(cache_line(&run()).contains(" 0 files analyzed"));

    // Not a cache file at all, and an empty one.
    for garbage in [b"garbage".as_slice(), b"".as_slice()] {
        fs::write(file, garbage).unwrap();
        let output = run();
        assert_eq!(stdout(&output), stdout(&reference));
        assert!(
            cache_line(&output).starts_with("cache: 0 entries read"),
            "{}",
            cache_line(&output)
        );
    }
}

#[test]
fn output_is_byte_identical_with_and_without_the_cache() {
    let repo = repository();
    let cache = tempfile::tempdir().unwrap();
    for format in ["json", "text", "sarif"] {
        let run = |cache_args: &[&str]| {
            flaskcheck()
                .current_dir(&repo)
                .args([
                    "lint",
                    "--exit-zero",
                    "--color",
                    "never",
                    "--output-format",
                    format,
                ])
                .args(cache_args)
                .arg("testdata")
                .output()
                .unwrap()
        };
        let without = run(&["--no-cache"]);
        let cold = run(&["--cache-dir", cache.path().to_str().unwrap()]);
        let warm = run(&["--cache-dir", cache.path().to_str().unwrap()]);
        assert!(!without.stdout.is_empty());
        assert!(
            without.stdout == cold.stdout,
            "{format}: cold cache differs"
        );
        assert!(
            without.stdout == warm.stdout,
            "{format}: warm cache differs"
        );
        assert_eq!(stderr(&without), stderr(&warm));
    }
}

#[test]
fn concurrent_runs_share_one_cache_without_corrupting_it() {
    let repo = repository();
    let cache = tempfile::tempdir().unwrap();
    let reference = flaskcheck()
        .current_dir(&repo)
        .args([
            "lint",
            "--output-format",
            "json",
            "--exit-zero",
            "--no-cache",
            "testdata",
        ])
        .output()
        .unwrap();
    let binary = assert_cmd::cargo::cargo_bin("flaskcheck");
    for round in 0..2 {
        let children: Vec<std::process::Child> = (0..4)
            .map(|_| {
                std::process::Command::new(&binary)
                    .current_dir(&repo)
                    .args([
                        "lint",
                        "--output-format",
                        "json",
                        "--exit-zero",
                        "--threads",
                        "1",
                    ])
                    .arg("--cache-dir")
                    .arg(cache.path())
                    .arg("testdata")
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.stdout == reference.stdout,
                "round {round}: a concurrent run's output differs"
            );
            assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
        }
    }
    // What they left is one whole cache file, which a later run reads entirely.
    let output = flaskcheck()
        .current_dir(&repo)
        .args([
            "lint",
            "--output-format",
            "json",
            "--exit-zero",
            "--verbose",
            "--cache-dir",
        ])
        .arg(cache.path())
        .arg("testdata")
        .output()
        .unwrap();
    assert!(output.stdout == reference.stdout);
    // Every file's pass comes from the cache, but for the Connexion apps': their pass reads an
    // OpenAPI file, so it is never cached (see `an_edit_to_an_openapi_file_reaches_a_warm_run`).
    let mut sources = Vec::new();
    collect_python(&repo.join("testdata"), &mut sources);
    let reading_specs = sources
        .iter()
        .filter(|path| fs::read_to_string(path).is_ok_and(|text| text.contains(".add_api(")))
        .count();
    assert!(reading_specs > 0);
    assert!(
        cache_line(&output).contains(&format!(" {reading_specs} files analyzed, 0 corrupt")),
        "{}",
        cache_line(&output)
    );
    let leftovers: Vec<_> = fs::read_dir(cache_files(cache.path())[0].parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name.to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_unwritable_cache_folder_is_a_warning() {
    let dir = leaky_project();
    // A folder inside a regular file cannot be made, whoever runs the test (root included).
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, "").unwrap();
    let output = flaskcheck()
        .current_dir(dir.path())
        .args(["lint", "--output-format", "concise", "--cache-dir"])
        .arg(blocker.join("cache"))
        .arg("shop/views.py")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the findings still decide the exit code"
    );
    assert!(stdout(&output).starts_with("shop/views.py:11:12: FC101 "));
    assert!(
        stderr(&output).contains("flaskcheck: warning: cannot write the cache in"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_cache_goes_under_the_root_or_where_configured_and_clean_removes_it() {
    let dir = leaky_project();
    let root = dir.path();
    flaskcheck()
        .current_dir(root.join("shop"))
        .args(["lint", "--exit-zero", "views.py"])
        .assert()
        .success();
    assert!(root.join(".flaskcheck_cache/CACHEDIR.TAG").is_file());
    flaskcheck()
        .current_dir(root.join("shop"))
        .arg("clean")
        .assert()
        .success();
    assert!(!root.join(".flaskcheck_cache").exists());

    // `cache-dir` in the configuration is relative to its folder; FLASKCHECK_CACHE_DIR wins over it.
    write(root, "flaskcheck.toml", "cache-dir = \"build/fc-cache\"\n");
    flaskcheck()
        .current_dir(root)
        .args(["lint", "--exit-zero", "."])
        .assert()
        .success();
    assert!(root.join("build/fc-cache/CACHEDIR.TAG").is_file());
    let elsewhere = tempfile::tempdir().unwrap();
    flaskcheck()
        .current_dir(root)
        .env("FLASKCHECK_CACHE_DIR", elsewhere.path())
        .args(["lint", "--exit-zero", "."])
        .assert()
        .success();
    assert!(elsewhere.path().join("CACHEDIR.TAG").is_file());
    // `--no-cache` writes nothing.
    let unused = root.join("never");
    flaskcheck()
        .current_dir(root)
        .args(["lint", "--exit-zero", "--no-cache", "--cache-dir"])
        .arg(&unused)
        .arg(".")
        .assert()
        .success();
    assert!(!unused.exists());
    // clean refuses a folder that is not a flaskcheck cache.
    fs::create_dir_all(root.join("precious")).unwrap();
    flaskcheck()
        .current_dir(root)
        .args(["clean", "--cache-dir", "precious"])
        .assert()
        .code(2);
    assert!(root.join("precious").exists());
}

/// A Connexion app's operations come from its OpenAPI file, which the file pass of the module
/// calling `add_api` reads: an edit to that file alone must reach a warm run, though no Python
/// file changed.
#[test]
fn an_edit_to_an_openapi_file_reaches_a_warm_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pyproject.toml", "[project]\nname = \"svc\"\n");
    write(root, "svc/__init__.py", "");
    write(
        root,
        "svc/models.py",
        "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\nclass Invoice(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    user_id = db.Column(db.Integer, db.ForeignKey(\"user.id\"))\n",
    );
    write(
        root,
        "svc/api.py",
        "from .models import Invoice\n\n\ndef get_invoice(invoice_id):\n    invoice = Invoice.query.get_or_404(invoice_id)\n    return {\"id\": invoice.id}\n",
    );
    write(
        root,
        "svc/app.py",
        "import connexion\n\napp = connexion.App(__name__, specification_dir=\"spec/\")\napp.add_api(\"openapi.yaml\")\n",
    );
    let spec = |operation: &str| {
        format!(
            "openapi: 3.0.0\ninfo: {{title: invoices, version: \"1\"}}\npaths:\n  /invoices/{{invoice_id}}:\n    get:\n      operationId: {operation}\n      parameters:\n        - {{name: invoice_id, in: path, required: true, schema: {{type: integer}}}}\n      responses:\n        \"200\": {{description: an invoice}}\n"
        )
    };
    write(root, "svc/spec/openapi.yaml", &spec("svc.api.get_invoice"));
    let cache = tempfile::tempdir().unwrap();
    let routed = lint_cached(root, cache.path(), &["--select", "FC301"]);
    assert!(
        stdout(&routed).contains("svc/api.py:5:15: FC301"),
        "{}",
        stdout(&routed)
    );

    // The operation now names another function: `get_invoice` is no longer a view.
    write(root, "svc/spec/openapi.yaml", &spec("svc.api.other"));
    let warm = lint_cached(root, cache.path(), &["--select", "FC301"]);
    assert_eq!(stdout(&warm), "");
    let uncached = concise(root, &["--no-cache", "--select", "FC301", "."]);
    assert_eq!(stdout(&warm), stdout(&uncached));
}
