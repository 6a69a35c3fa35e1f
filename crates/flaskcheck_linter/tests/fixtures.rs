//! The fixture harness. Every folder `testdata/rules/<CODE>_<rule_name>/<case>/` is linted as a
//! project with only that rule selected, and `testdata/demo_app` with every rule. A finding must
//! start on a line carrying `# expect: CODE` (several codes: `# expect: FC101, FC102`; a finding on
//! a line that cannot hold a comment, such as inside a triple-quoted string, is expected from a
//! nearby line with `# expect[+N]: CODE` or `# expect[-N]: CODE`). A missing finding and an
//! unexpected one both fail, and the failure lists every difference.
//!
//! FC001 (unused-suppression) reports on other rules' suppressions, so its folder is linted with
//! every rule and `--report-unused-suppressions`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use flaskcheck_linter::{lint, LintOptions, LintReport, Rule, RuleSelection};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// (file relative to the case, line, code) → how many findings.
type Findings = BTreeMap<(String, u32, String), usize>;

struct Case {
    dir: PathBuf,
    selection: RuleSelection,
    report_unused_suppressions: bool,
}

fn rule_folders() -> Vec<(Rule, PathBuf)> {
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(testdata().join("rules")).expect("testdata/rules") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (code, rule_name) = name
            .split_once('_')
            .unwrap_or_else(|| panic!("fixture folder `{name}` is not named <CODE>_<rule_name>"));
        let rule = Rule::from_code(code)
            .unwrap_or_else(|| panic!("fixture folder `{name}`: unknown code"));
        assert_eq!(
            rule_name,
            rule.name().replace('-', "_"),
            "fixture folder `{name}` is named after its rule"
        );
        folders.push((rule, path));
    }
    folders.sort();
    folders
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (rule, folder) in rule_folders() {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_dir())
            .collect();
        dirs.sort();
        assert!(!dirs.is_empty(), "{}: no case folders", folder.display());
        for dir in dirs {
            let unused = rule == Rule::UnusedSuppression;
            cases.push(Case {
                dir,
                selection: if unused {
                    RuleSelection::all()
                } else {
                    RuleSelection::from_selectors(Some(&[rule.code()]), &[]).unwrap()
                },
                report_unused_suppressions: unused,
            });
        }
    }
    cases.push(Case {
        dir: testdata().join("demo_app"),
        selection: RuleSelection::all(),
        report_unused_suppressions: false,
    });
    cases
}

fn run(case: &Case) -> LintReport {
    let options = LintOptions {
        paths: vec![case.dir.clone()],
        selection: case.selection.clone(),
        threads: 2,
        report_unused_suppressions: case.report_unused_suppressions,
        ..LintOptions::default()
    };
    lint(&options).unwrap_or_else(|err| panic!("{}: {err}", case.dir.display()))
}

fn relative(path: &Path, dir: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Reads the `# expect` annotations of one file.
fn expectations(path: &Path, dir: &Path, into: &mut Findings, problems: &mut Vec<String>) {
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    let line_of = |offset: usize| 1 + text[..offset].bytes().filter(|&b| b == b'\n').count() as i64;
    for range in flaskcheck_python::comment_ranges(&text) {
        let comment = &text[range.start().to_usize()..range.end().to_usize()];
        // The annotation may follow other comment text on the line (`# noqa: X  # expect: X`).
        let Some(at) = comment
            .match_indices("expect")
            .map(|(at, _)| at)
            .find(|&at| comment[..at].trim_end().ends_with('#'))
        else {
            continue;
        };
        let rest = &comment[at + "expect".len()..];
        let (offset, codes) = if let Some(rest) = rest.strip_prefix(':') {
            (0, rest)
        } else if let Some(rest) = rest.strip_prefix('[') {
            let Some((offset, codes)) = rest.split_once("]:") else {
                problems.push(format!("{}: malformed `{comment}`", relative(path, dir)));
                continue;
            };
            match offset.trim().parse::<i64>() {
                Ok(offset) => (offset, codes),
                Err(_) => {
                    problems.push(format!("{}: malformed `{comment}`", relative(path, dir)));
                    continue;
                }
            }
        } else {
            continue;
        };
        let line = line_of(range.start().to_usize()) + offset;
        for code in codes
            .split(',')
            .map(str::trim)
            .filter(|code| !code.is_empty())
        {
            let code = code.split_whitespace().next().unwrap_or(code);
            if Rule::from_code(code).is_none() {
                problems.push(format!(
                    "{}:{line}: `# expect` names unknown code `{code}`",
                    relative(path, dir)
                ));
                continue;
            }
            *into
                .entry((
                    relative(path, dir),
                    u32::try_from(line).unwrap_or(0),
                    code.to_string(),
                ))
                .or_default() += 1;
        }
    }
}

fn check_case(case: &Case) -> Option<String> {
    let report = run(case);
    let mut expected = Findings::new();
    let mut problems = Vec::new();
    for file in &report.files {
        expectations(&file.path, &case.dir, &mut expected, &mut problems);
    }
    let mut actual = Findings::new();
    let mut messages: BTreeMap<(String, u32, String), Vec<String>> = BTreeMap::new();
    for diagnostic in &report.diagnostics {
        let key = (
            relative(&report.file(diagnostic.file).path, &case.dir),
            diagnostic.span.start.line,
            diagnostic.rule.code().to_string(),
        );
        messages.entry(key.clone()).or_default().push(format!(
            "{}:{}",
            diagnostic.span.start.column, diagnostic.message
        ));
        *actual.entry(key).or_default() += 1;
    }
    for (key, &want) in &expected {
        let got = actual.get(key).copied().unwrap_or(0);
        if got < want {
            problems.push(format!(
                "missing     {}:{} {} (expected {want}, found {got})",
                key.0, key.1, key.2
            ));
        }
    }
    for (key, &got) in &actual {
        let want = expected.get(key).copied().unwrap_or(0);
        if got > want {
            for message in &messages[key] {
                problems.push(format!(
                    "unexpected  {}:{}:{message} [{}]",
                    key.0, key.1, key.2
                ));
            }
        }
    }
    if problems.is_empty() {
        return None;
    }
    let mut out = format!(
        "{}:\n",
        case.dir
            .strip_prefix(testdata())
            .unwrap_or(&case.dir)
            .display()
    );
    for problem in problems {
        let _ = writeln!(out, "    {problem}");
    }
    Some(out)
}

#[test]
fn fixtures_match_their_annotations() {
    let failures: Vec<String> = cases().iter().filter_map(check_case).collect();
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ from their `# expect` annotations:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_fixture_folder_with_findings() {
    let folders = rule_folders();
    for &rule in Rule::ALL {
        // FC002 reports flaskcheck's own failures; there is no Python code that should trigger it.
        if rule == Rule::InternalError {
            continue;
        }
        let Some((_, folder)) = folders.iter().find(|(r, _)| *r == rule) else {
            panic!(
                "{rule} ({}) has no folder under testdata/rules",
                rule.name()
            );
        };
        let mut expected = Findings::new();
        let mut problems = Vec::new();
        for entry in walk(folder) {
            expectations(&entry, folder, &mut expected, &mut problems);
        }
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            expected.keys().any(|(_, _, code)| code == rule.code()),
            "{}: no `# expect: {rule}` anywhere",
            folder.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|ext| ext == "py") {
            out.push(path);
        }
    }
    out
}

/// The harness itself: a finding without its annotation and an annotation without its finding
/// must both be reported.
#[test]
fn harness_reports_both_directions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.py"), "def f(:\n    pass\n").unwrap();
    std::fs::write(dir.path().join("fine.py"), "x = 1  # expect: FC000\n").unwrap();
    let case = Case {
        dir: dir.path().to_path_buf(),
        selection: RuleSelection::all(),
        report_unused_suppressions: false,
    };
    let failure = check_case(&case).expect("differences are reported");
    assert!(failure.contains("missing     fine.py:1 FC000"), "{failure}");
    assert!(failure.contains("unexpected  broken.py:1:7:"), "{failure}");
}
