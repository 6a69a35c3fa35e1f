//! Globs written by users in configuration (`exclude`, `per-file-ignores`): a pattern without a
//! `/` matches a file or folder name anywhere (`migrations`, `test_*.py`); a pattern with a `/` is
//! anchored at a base folder, the folder of the configuration file that holds it (`app/legacy/*`,
//! `tests/**`), or the current folder for patterns given on the command line.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::paths;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid glob `{pattern}`: {message}")]
pub struct GlobError {
    pub pattern: String,
    pub message: String,
}

/// One user pattern and the folder it is relative to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePattern {
    pub pattern: String,
    pub base: PathBuf,
}

impl FilePattern {
    pub fn new(pattern: impl Into<String>, base: impl Into<PathBuf>) -> Self {
        Self {
            pattern: pattern.into(),
            base: base.into(),
        }
    }

    /// The glob to match: the name pattern, or the pattern joined to its (escaped) base.
    fn glob(&self) -> Result<(Glob, bool), GlobError> {
        let trimmed = self.pattern.trim_end_matches('/');
        let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
        let anchored = trimmed.contains('/');
        let text = if !anchored || Path::new(trimmed).is_absolute() {
            trimmed.to_string()
        } else {
            let base = paths::to_slash(&paths::normalize(&self.base));
            let base = globset::escape(base.trim_end_matches('/'));
            format!("{base}/{trimmed}")
        };
        let glob = Glob::new(&text).map_err(|err| GlobError {
            pattern: self.pattern.clone(),
            message: err.kind().to_string(),
        })?;
        Ok((glob, anchored))
    }
}

/// Compiled [`FilePattern`]s. `matches` answers for a path made absolute (and normalized).
#[derive(Debug, Clone)]
pub struct FilePatternSet {
    names: GlobSet,
    anchored: GlobSet,
    /// For each compiled glob, the index of the pattern it came from.
    name_index: Vec<usize>,
    anchored_index: Vec<usize>,
}

impl FilePatternSet {
    pub fn new(patterns: &[FilePattern]) -> Result<Self, GlobError> {
        let mut names = GlobSetBuilder::new();
        let mut anchored = GlobSetBuilder::new();
        let mut name_index = Vec::new();
        let mut anchored_index = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let (glob, is_anchored) = pattern.glob()?;
            if is_anchored {
                anchored.add(glob);
                anchored_index.push(index);
            } else {
                names.add(glob);
                name_index.push(index);
            }
        }
        let build = |builder: GlobSetBuilder| {
            builder.build().map_err(|err| GlobError {
                pattern: patterns
                    .iter()
                    .map(|p| p.pattern.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                message: err.to_string(),
            })
        };
        Ok(Self {
            names: build(names)?,
            anchored: build(anchored)?,
            name_index,
            anchored_index,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.anchored.is_empty()
    }

    /// Whether any pattern matches `absolute`, an absolute normalized path.
    pub fn is_match(&self, absolute: &Path) -> bool {
        absolute
            .file_name()
            .is_some_and(|name| self.names.is_match(name))
            || self.anchored.is_match(absolute)
    }

    /// The indices of the patterns that match `absolute`, in pattern order.
    pub fn matches(&self, absolute: &Path) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        if let Some(name) = absolute.file_name() {
            out.extend(
                self.names
                    .matches(name)
                    .into_iter()
                    .map(|i| self.name_index[i]),
            );
        }
        out.extend(
            self.anchored
                .matches(absolute)
                .into_iter()
                .map(|i| self.anchored_index[i]),
        );
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(patterns: &[&str]) -> FilePatternSet {
        let patterns: Vec<FilePattern> = patterns
            .iter()
            .map(|p| FilePattern::new(*p, "/repo"))
            .collect();
        FilePatternSet::new(&patterns).unwrap()
    }

    #[test]
    fn names_match_anywhere_and_paths_are_anchored() {
        let set = set(&["migrations", "app/legacy/*", "./tests/**", "conf/"]);
        assert!(set.is_match(Path::new("/repo/a/b/migrations")));
        assert!(set.is_match(Path::new("/repo/app/legacy/x.py")));
        assert!(!set.is_match(Path::new("/repo/lib/app/legacy/x.py")));
        assert!(set.is_match(Path::new("/repo/tests/unit/test_x.py")));
        assert!(!set.is_match(Path::new("/elsewhere/tests/test_x.py")));
        assert!(set.is_match(Path::new("/repo/conf")));
        assert!(!set.is_match(Path::new("/repo/app/views.py")));
    }

    #[test]
    fn base_folders_with_glob_characters_are_escaped() {
        let patterns = [FilePattern::new("app/*.py", "/work/[draft] repo")];
        let set = FilePatternSet::new(&patterns).unwrap();
        assert!(set.is_match(Path::new("/work/[draft] repo/app/x.py")));
        assert!(!set.is_match(Path::new("/work/d repo/app/x.py")));
    }

    #[test]
    fn matches_reports_pattern_indices() {
        let set = set(&["*.py", "app/*", "other"]);
        assert_eq!(set.matches(Path::new("/repo/app/x.py")), [0, 1]);
    }

    #[test]
    fn bad_globs_name_the_pattern() {
        let err = FilePatternSet::new(&[FilePattern::new("a[b", "/")]).unwrap_err();
        assert_eq!(err.pattern, "a[b");
    }
}
