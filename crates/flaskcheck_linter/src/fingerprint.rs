//! Fingerprints: a name for a finding that survives unrelated edits, for baselines and for SARIF's
//! `partialFingerprints` (which GitHub code scanning uses to track an alert as lines move).
//!
//! A fingerprint hashes the rule code, the file's path, the text of the line where the finding
//! starts (trimmed, so re-indenting does not change it) and the finding's occurrence index among
//! the findings of the same rule on identical lines of the same file. The line number is left out
//! on purpose: inserting lines above a finding keeps its fingerprint. The hash is SHA-256, stable
//! across platforms, Rust versions and runs.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::lint::LintReport;
use crate::registry::Rule;
use crate::source::{FileId, SourceFile};

/// Changes when the recipe changes; part of the hashed text and of SARIF's fingerprint key.
pub const FINGERPRINT_VERSION: u32 = 1;

/// The fingerprint of one finding, as 32 hex digits (the first 128 bits of the SHA-256).
pub fn fingerprint(code: &str, path: &str, line_text: &str, occurrence: u32) -> String {
    let mut hasher = Sha256::new();
    for part in [
        "flaskcheck",
        &FINGERPRINT_VERSION.to_string(),
        code,
        path,
        line_text,
        &occurrence.to_string(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    digest[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The trimmed text of 1-based `line` of `file` (empty for a file without text).
pub fn line_text(file: &SourceFile, line: u32) -> &str {
    match (file.text_if_any(), file.locator()) {
        (Some(text), Some(locator)) if (line as usize) <= locator.line_count() => {
            text[locator.line_range(text, line)].trim()
        }
        _ => "",
    }
}

/// One fingerprint per finding of `report`, in its order. `path_of` gives the path a file is
/// fingerprinted under (relative to the place the fingerprints are kept, `/`-separated).
pub fn fingerprints(report: &LintReport, path_of: &dyn Fn(&SourceFile) -> String) -> Vec<String> {
    let mut paths: HashMap<FileId, String> = HashMap::new();
    let mut seen: HashMap<(FileId, Rule, &str), u32> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let file = report.file(diagnostic.file);
            let text = line_text(file, diagnostic.span.start.line);
            let occurrence = seen
                .entry((diagnostic.file, diagnostic.rule, text))
                .or_insert(0);
            let path = paths
                .entry(diagnostic.file)
                .or_insert_with(|| path_of(file));
            let print = fingerprint(diagnostic.rule.code(), path, text, *occurrence);
            *occurrence += 1;
            print
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_values() {
        // A fixed value, computed independently (Python's hashlib): baselines written by one
        // version must match in the next, so a change of recipe must bump FINGERPRINT_VERSION.
        assert_eq!(fingerprint("FC101", "a.py", "x", 0).len(), 32);
        assert_eq!(
            fingerprint("FC000", "bad.py", "def f(:", 0),
            "db9c435e15d35ac4dc870515c2139db8"
        );
    }

    #[test]
    fn every_part_counts() {
        let base = fingerprint("FC101", "a.py", "x", 0);
        assert_ne!(base, fingerprint("FC102", "a.py", "x", 0));
        assert_ne!(base, fingerprint("FC101", "b.py", "x", 0));
        assert_ne!(base, fingerprint("FC101", "a.py", "y", 0));
        assert_ne!(base, fingerprint("FC101", "a.py", "x", 1));
        // Field boundaries are unambiguous.
        assert_ne!(
            fingerprint("FC101", "a.py", "xy", 0),
            fingerprint("FC101", "a.pyx", "y", 0)
        );
    }
}
