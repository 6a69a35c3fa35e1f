//! Baselines: today's findings written to a file (`--write-baseline`), so that later runs
//! (`--baseline`) report only what is new. Findings are matched by [fingerprint](crate::fingerprint)
//! and counted: where the baseline holds one finding with a fingerprint and the code now has two,
//! one is new.
//!
//! Paths in the file are relative to the file's own folder, so the baseline keeps matching when
//! flaskcheck runs from another folder or checkout.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::file_io::{read_regular_text, write_atomically, ReadError};
use crate::fingerprint::{fingerprints, FINGERPRINT_VERSION};
use crate::lint::LintReport;
use crate::paths;
use crate::source::SourceFile;

/// The file format's version: it changes with the fingerprint recipe.
pub const BASELINE_VERSION: u32 = FINGERPRINT_VERSION;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// The flaskcheck that wrote the file (for people; not checked).
    pub flaskcheck_version: String,
    pub entries: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub rule: String,
    /// Relative to the baseline file's folder, `/`-separated.
    pub path: String,
    pub fingerprint: String,
    /// For people reading the file; matching uses the fingerprint only.
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    // The I/O error is the `source`: the CLI prints it after the message, once.
    #[error("cannot read the baseline {}", .path.display())]
    Read { path: PathBuf, source: ReadError },
    #[error("the baseline {} is not a flaskcheck baseline: {message}", .path.display())]
    Parse { path: PathBuf, message: String },
    #[error(
        "the baseline {} has version {found}; this flaskcheck reads version {BASELINE_VERSION} (write it again with --write-baseline)",
        .path.display()
    )]
    Version { path: PathBuf, found: u32 },
    #[error("cannot write the baseline {}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where a baseline lives: its path, the folder its paths are relative to, and the current folder
/// the report's paths are relative to.
#[derive(Debug, Clone)]
pub struct BaselineLocation {
    pub path: PathBuf,
    folder: PathBuf,
    cwd: PathBuf,
}

impl BaselineLocation {
    pub fn new(path: &Path, cwd: &Path) -> Self {
        let absolute = paths::absolute(path, cwd);
        let folder = absolute.parent().unwrap_or(Path::new("/"));
        Self {
            path: path.to_path_buf(),
            folder: real_path(folder),
            cwd: cwd.to_path_buf(),
        }
    }

    /// A linted file's path as the baseline records it: its real path (links resolved, as the
    /// folder's is), so that a finding matches whichever link the file or the baseline was
    /// reached through.
    fn path_of(&self, file: &SourceFile) -> String {
        paths::to_slash(&paths::relative_to(
            &real_path(&paths::absolute(&file.path, &self.cwd)),
            &self.folder,
        ))
    }

    fn fingerprints(&self, report: &LintReport) -> Vec<String> {
        fingerprints(report, &|file| self.path_of(file))
    }
}

/// The path with every link resolved, or as it is when it cannot be (a file gone since).
fn real_path(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl Baseline {
    /// Every finding of `report`.
    pub fn from_report(report: &LintReport, location: &BaselineLocation) -> Baseline {
        let prints = location.fingerprints(report);
        let entries = report
            .diagnostics
            .iter()
            .zip(prints)
            .map(|(diagnostic, fingerprint)| BaselineEntry {
                rule: diagnostic.rule.code().to_string(),
                path: location.path_of(report.file(diagnostic.file)),
                fingerprint,
                message: diagnostic.message.clone(),
            })
            .collect();
        Baseline {
            version: BASELINE_VERSION,
            flaskcheck_version: env!("CARGO_PKG_VERSION").to_string(),
            entries,
        }
    }

    pub fn read(location: &BaselineLocation) -> Result<Baseline, BaselineError> {
        let path = &location.path;
        let text = read_regular_text(path).map_err(|source| BaselineError::Read {
            path: path.clone(),
            source,
        })?;
        // The version first, so that a future format is reported as such rather than as garbage.
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        let versioned: Versioned =
            serde_json::from_str(&text).map_err(|err| BaselineError::Parse {
                path: path.clone(),
                message: err.to_string(),
            })?;
        if versioned.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: path.clone(),
                found: versioned.version,
            });
        }
        serde_json::from_str(&text).map_err(|err| BaselineError::Parse {
            path: path.clone(),
            message: err.to_string(),
        })
    }

    pub fn write(&self, location: &BaselineLocation) -> Result<(), BaselineError> {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline serializes");
        text.push('\n');
        write_atomically(&location.path, text.as_bytes()).map_err(|source| BaselineError::Write {
            path: location.path.clone(),
            source,
        })
    }

    /// Removes from `report` the findings the baseline knows, each baseline entry matching at most
    /// one finding. Returns how many were removed.
    pub fn filter(&self, report: &mut LintReport, location: &BaselineLocation) -> usize {
        let mut known: HashMap<&str, usize> = HashMap::new();
        for entry in &self.entries {
            *known.entry(entry.fingerprint.as_str()).or_default() += 1;
        }
        let prints = location.fingerprints(report);
        let mut keep = prints
            .iter()
            .map(|print| match known.get_mut(print.as_str()) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            });
        let before = report.diagnostics.len();
        report
            .diagnostics
            .retain(|_| keep.next().expect("one fingerprint per finding"));
        before - report.diagnostics.len()
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::lint::{lint, LintOptions};
    use crate::selection::RuleSelection;

    fn report(dir: &Path) -> LintReport {
        lint(&LintOptions {
            paths: vec![dir.to_path_buf()],
            selection: RuleSelection::all(),
            threads: 1,
            ..LintOptions::default()
        })
        .unwrap()
    }

    #[test]
    fn round_trip_lines_moving_and_counted_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("bad.py"), "def f(:\n    pass\n").unwrap();
        let location = BaselineLocation::new(&root.join("baseline.json"), root);
        Baseline::from_report(&report(root), &location)
            .write(&location)
            .unwrap();
        let baseline = Baseline::read(&location).unwrap();
        assert_eq!(baseline.entries.len(), 1);
        assert_eq!(baseline.entries[0].path, "bad.py");
        assert_eq!(baseline.entries[0].rule, "FC000");

        // Nothing new.
        let mut again = report(root);
        assert_eq!(baseline.filter(&mut again, &location), 1);
        assert!(again.diagnostics.is_empty());

        // Lines inserted above: still known.
        fs::write(root.join("bad.py"), "import os\n\n\ndef f(:\n    pass\n").unwrap();
        let mut moved = report(root);
        assert_eq!(moved.diagnostics[0].span.start.line, 4);
        baseline.filter(&mut moved, &location);
        assert!(moved.diagnostics.is_empty());

        // The same finding in a second file is new.
        fs::write(root.join("copy.py"), "def f(:\n    pass\n").unwrap();
        let mut copied = report(root);
        assert_eq!(baseline.filter(&mut copied, &location), 1);
        assert_eq!(copied.diagnostics.len(), 1);
        assert!(copied.files[copied.diagnostics[0].file.index()]
            .path
            .ends_with("copy.py"));
    }

    /// A baseline written through the real folder matches findings reached through a link to
    /// it, and the other way round.
    #[cfg(unix)]
    #[test]
    fn paths_match_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("project");
        fs::create_dir(&real).unwrap();
        fs::write(real.join("bad.py"), "def f(:\n    pass\n").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();

        let written = BaselineLocation::new(&real.join("baseline.json"), dir.path());
        Baseline::from_report(&report(&real), &written)
            .write(&written)
            .unwrap();
        for (baseline, linted) in [(&link, &link), (&real, &link), (&link, &real)] {
            let location = BaselineLocation::new(&baseline.join("baseline.json"), dir.path());
            let baseline = Baseline::read(&location).unwrap();
            let mut again = report(linted);
            assert_eq!(
                baseline.filter(&mut again, &location),
                1,
                "{}",
                linted.display()
            );
            assert!(again.diagnostics.is_empty());
        }
    }

    /// Bandit #1467: one finding in the baseline and two identical ones now means one is new.
    #[test]
    fn identical_findings_are_counted() {
        use std::sync::Arc;

        use crate::diagnostic::Diagnostic;
        use crate::registry::Rule;
        use crate::source::FileId;

        let file = SourceFile::from_text(
            FileId(0),
            Path::new("views.py"),
            Arc::from("x = leak()\nx = leak()\nx = leak()\n"),
        );
        let finding = |line: u32| {
            Diagnostic::new(
                Rule::InternalError,
                "m",
                FileId(0),
                file.span(file.line_span(line).range),
            )
        };
        let make = |lines: &[u32]| LintReport {
            files: vec![file.clone()],
            diagnostics: lines.iter().map(|&line| finding(line)).collect(),
            ..LintReport::default()
        };
        let location = BaselineLocation::new(Path::new("baseline.json"), Path::new("/repo"));
        let baseline = Baseline::from_report(&make(&[1]), &location);
        let mut now = make(&[1, 2]);
        assert_eq!(baseline.filter(&mut now, &location), 1);
        assert_eq!(now.diagnostics.len(), 1);

        let baseline = Baseline::from_report(&make(&[1, 2]), &location);
        let mut now = make(&[1, 2, 3]);
        assert_eq!(baseline.filter(&mut now, &location), 2);
        assert_eq!(now.diagnostics.len(), 1);

        // Occurrences are part of the fingerprint: an entry repeated in a hand-edited baseline
        // still stands for the first of the identical findings only.
        let mut doubled = Baseline::from_report(&make(&[1]), &location);
        doubled.entries.push(doubled.entries[0].clone());
        let mut now = make(&[1, 2, 3]);
        assert_eq!(doubled.filter(&mut now, &location), 1);
    }

    #[test]
    fn paths_are_relative_to_the_baseline_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("app")).unwrap();
        fs::create_dir_all(root.join("ci")).unwrap();
        fs::write(root.join("app/bad.py"), "def f(:\n").unwrap();
        let location = BaselineLocation::new(Path::new("ci/baseline.json"), root);
        let baseline = Baseline::from_report(&report(&root.join("app")), &location);
        assert_eq!(baseline.entries[0].path, "../app/bad.py");
    }

    #[test]
    fn bad_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let location = BaselineLocation::new(&root.join("missing.json"), root);
        assert!(matches!(
            Baseline::read(&location),
            Err(BaselineError::Read { .. })
        ));
        fs::write(root.join("corrupt.json"), "{\"version\": 1, \"entries\": [").unwrap();
        let location = BaselineLocation::new(&root.join("corrupt.json"), root);
        assert!(matches!(
            Baseline::read(&location),
            Err(BaselineError::Parse { .. })
        ));
        fs::write(root.join("future.json"), "{\"version\": 99}").unwrap();
        let location = BaselineLocation::new(&root.join("future.json"), root);
        let err = Baseline::read(&location).unwrap_err();
        assert!(err.to_string().contains("has version 99"), "{err}");
    }
}
