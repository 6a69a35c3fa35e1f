//! The machine formats: SARIF (validated against the official 2.1.0 schema) and GitHub Actions
//! workflow commands.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn flaskcheck() -> Command {
    Command::cargo_bin("flaskcheck").unwrap()
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json_of(command: &mut Command) -> Value {
    let output = command.output().unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Every violation of the official SARIF 2.1.0 schema (vendored in `testdata/`).
fn schema_violations(sarif: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(repository().join("testdata/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    validator
        .iter_errors(sarif)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// The checks every SARIF log must pass, beyond the schema.
fn check_sarif(sarif: &Value, json: &Value) {
    let violations = schema_violations(sarif);
    assert!(violations.is_empty(), "{violations:#?}");
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "flaskcheck");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let findings = json.as_array().unwrap();
    // The same findings, in the same order as the JSON format.
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(findings) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at the rule"
        );
        assert_eq!(result["ruleId"], finding["code"]);
        assert_eq!(result["message"]["text"], finding["message"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["region"]["startLine"], finding["location"]["row"]);
        assert_eq!(
            location["region"]["startColumn"],
            finding["location"]["column"]
        );
        assert_eq!(
            location["region"]["endLine"],
            finding["end_location"]["row"]
        );
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert_eq!(percent_decode(uri), finding["filename"].as_str().unwrap());
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let level = match finding["severity"].as_str().unwrap() {
            "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(result["level"], level);
        let print = result["partialFingerprints"]["flaskcheck/v1"]
            .as_str()
            .unwrap();
        assert_eq!(print.len(), 32);
    }
    // Every rule's metadata, from its document.
    for rule in rules {
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why is this bad?"));
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .map(|tags| tags.iter().map(|t| t.as_str().unwrap()).collect())
            .unwrap_or_default();
        if tags.contains(&"security") {
            assert!(tags.iter().any(|t| t.starts_with("external/cwe/cwe-")));
            let score: f64 = rule["properties"]["security-severity"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((0.1..=10.0).contains(&score));
        }
    }
}

fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&uri[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn lint_both(cwd: &Path, args: &[&str]) -> (Value, Value) {
    let sarif = json_of(
        flaskcheck()
            .current_dir(cwd)
            .args(["lint", "--quiet", "--output-format", "sarif"])
            .args(args),
    );
    let json = json_of(
        flaskcheck()
            .current_dir(cwd)
            .args(["lint", "--quiet", "--output-format", "json"])
            .args(args),
    );
    (sarif, json)
}

#[test]
fn sarif_of_the_demo_app_validates_against_the_official_schema() {
    let (sarif, json) = lint_both(&repository(), &["testdata/demo_app"]);
    check_sarif(&sarif, &json);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let output = flaskcheck()
        .args(["rules", "--output-format", "json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["code"].as_str().unwrap())
        .collect();
    assert_eq!(ids, codes, "rules[] holds every rule, in code order");

    // The validator is really checking: a broken log is refused.
    let mut broken = sarif.clone();
    broken["runs"][0]["columnKind"] = Value::from("bytes");
    broken["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] =
        Value::from("fatal");
    assert_eq!(schema_violations(&broken).len(), 2);
}

/// Syntax errors, undecodable and unreadable files and unused suppressions are results too, each
/// with its rule's entry in `rules[]`.
#[test]
fn sarif_with_every_kind_of_meta_finding_validates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("syntax.py"), "def f(:\n    pass\n").unwrap();
    fs::write(root.join("latin1.py"), b"name = 'Gr\xfc\xdf'\n").unwrap();
    fs::write(root.join("stale.py"), "x = 1  # noqa: FC002\n").unwrap();
    fs::write(root.join("unicode é.py"), "s = \"éé\" $\n").unwrap();
    std::os::unix::fs::symlink(root.join("nowhere.py"), root.join("dangling.py")).unwrap();
    let (sarif, json) = lint_both(root, &["--report-unused-suppressions", "."]);
    check_sarif(&sarif, &json);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("FC000", "dangling.py"),
            ("FC000", "latin1.py"),
            ("FC001", "stale.py"),
            ("FC000", "syntax.py"),
            ("FC000", "unicode%20%C3%A9.py"),
        ]
    );
    // Columns count code points: `$` is the 10th character (and the 12th byte).
    assert_eq!(
        results[4]["locations"][0]["physicalLocation"]["region"]["startColumn"],
        10
    );
    let base = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
}

fn fingerprint_and_line(sarif: &Value) -> (String, u64) {
    let result = &sarif["runs"][0]["results"][0];
    (
        result["partialFingerprints"]["flaskcheck/v1"]
            .as_str()
            .unwrap()
            .to_string(),
        result["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap(),
    )
}

#[test]
fn sarif_fingerprints_survive_lines_moving_and_tell_duplicates_apart() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("app.py"), "def f(:\n    pass\n").unwrap();
    let (before, _) = lint_both(root, &["app.py"]);
    fs::write(
        root.join("app.py"),
        "\"\"\"A docstring.\"\"\"\nimport os\n\n\n    def f(:\n    pass\n",
    )
    .unwrap();
    let (after, _) = lint_both(root, &["app.py"]);
    let (print_before, line_before) = fingerprint_and_line(&before);
    let (print_after, line_after) = fingerprint_and_line(&after);
    assert_eq!((line_before, line_after), (1, 5));
    assert_eq!(print_before, print_after, "re-indenting and moving keep it");

    // Identical findings in one file get different fingerprints (their occurrence index).
    fs::write(
        root.join("twice.py"),
        "x = 1  # noqa: FC002\nx = 1  # noqa: FC002\n",
    )
    .unwrap();
    let (sarif, _) = lint_both(root, &["--report-unused-suppressions", "twice.py"]);
    let prints: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["flaskcheck/v1"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), 2);
    assert_ne!(prints[0], prints[1]);
}

#[test]
fn github_format_is_one_workflow_command_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("a,b:c.py"), "def f(:\n    pass\n").unwrap();
    fs::write(root.join("stale.py"), "x = 1  # noqa: FC002\n").unwrap();
    let output = flaskcheck()
        .current_dir(root)
        .args([
            "lint",
            "--output-format",
            "github",
            "--report-unused-suppressions",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "::error file=a%2Cb%3Ac.py,line=1,col=7,endLine=1,endColumn=8,title=FC000 syntax-error::syntax error: Expected a parameter or the end of the parameter list%0Ahelp: the parser recovered and found 1 more error(s) after this one\n\
         ::notice file=stale.py,line=1,col=8,endLine=1,endColumn=21,title=FC001 unused-suppression::unused suppression: no FC002 finding starts on this line%0Ahelp: remove the suppression, or the codes in it that no longer apply\n"
    );
}
