//! Globs written by users in configuration (`exclude`, `per-file-ignores`): a pattern without a
//! `/` matches a file or folder name anywhere (`migrations`, `test_*.py`); a pattern with a `/` is
//! anchored at a base folder, the folder of the configuration file that holds it (`app/legacy/*`,
//! `tests/**`), or the current folder for patterns given on the command line.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};

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

/// Compiled [`FilePattern`]s, answering for paths made absolute (and normalized).
#[derive(Debug, Clone)]
pub struct FilePatternSet {
    patterns: Vec<Compiled>,
}

#[derive(Debug, Clone)]
struct Compiled {
    matcher: GlobMatcher,
    anchored: bool,
    base: PathBuf,
}

impl Compiled {
    fn is_match(&self, absolute: &Path) -> bool {
        if self.anchored {
            self.matcher.is_match(absolute)
        } else {
            absolute
                .file_name()
                .is_some_and(|name| self.matcher.is_match(name))
        }
    }
}

impl FilePatternSet {
    pub fn new(patterns: &[FilePattern]) -> Result<Self, GlobError> {
        let patterns = patterns
            .iter()
            .map(|pattern| {
                let (glob, anchored) = pattern.glob()?;
                Ok(Compiled {
                    matcher: glob.compile_matcher(),
                    anchored,
                    base: paths::normalize(&pattern.base),
                })
            })
            .collect::<Result<_, GlobError>>()?;
        Ok(Self { patterns })
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether any pattern matches `absolute` itself (for the walk, which sees every folder).
    pub fn is_match(&self, absolute: &Path) -> bool {
        self.patterns
            .iter()
            .any(|pattern| pattern.is_match(absolute))
    }

    /// The indices of the patterns that match the file `absolute` or a folder it is in, in
    /// pattern order. Only folders below a pattern's base count, so that `tests` does not match
    /// every file of a project checked out under a folder named `tests`; a name pattern matches
    /// the file's own name wherever it is.
    pub fn matches_file(&self, absolute: &Path) -> Vec<usize> {
        self.patterns
            .iter()
            .enumerate()
            .filter(|(_, pattern)| {
                pattern.is_match(absolute)
                    || absolute
                        .ancestors()
                        .skip(1)
                        .take_while(|folder| {
                            folder.starts_with(&pattern.base) && *folder != pattern.base
                        })
                        .any(|folder| pattern.is_match(folder))
            })
            .map(|(index, _)| index)
            .collect()
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
    fn files_match_through_their_folders_below_the_base() {
        let set = set(&["*.py", "app/*", "other", "tests", "lib/legacy"]);
        assert_eq!(set.matches_file(Path::new("/repo/app/x.py")), [0, 1]);
        assert_eq!(
            set.matches_file(Path::new("/repo/src/tests/unit/t.txt")),
            [3]
        );
        assert_eq!(set.matches_file(Path::new("/repo/lib/legacy/a/b.txt")), [4]);
        // Folders at or above the base do not count.
        let patterns = [FilePattern::new("tests", "/home/tests/repo")];
        let set = FilePatternSet::new(&patterns).unwrap();
        assert!(set
            .matches_file(Path::new("/home/tests/repo/app/x.py"))
            .is_empty());
        assert!(set
            .matches_file(Path::new("/elsewhere/tests/x.py"))
            .is_empty());
    }

    #[test]
    fn bad_globs_name_the_pattern() {
        let err = FilePatternSet::new(&[FilePattern::new("a[b", "/")]).unwrap_err();
        assert_eq!(err.pattern, "a[b");
    }
}
