//! Finding the Python files to lint: a parallel walk (the `ignore` crate) that honours
//! `.gitignore` and `.ignore`, skips hidden folders and the usual environment and build folders,
//! and applies `exclude` globs. A file named on the command line is always linted.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{Match, WalkBuilder, WalkState};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::glob::{FilePattern, FilePatternSet};
use crate::ignore_files::IgnoreRules;
use crate::paths;

/// Folders that hold installed or generated code, never the project's own.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".venv",
    "venv",
    "__pycache__",
    "build",
    "dist",
    ".tox",
    "node_modules",
    "site-packages",
];

/// Compiled exclusion globs. A command-line pattern matches a file or folder by its name
/// (`migrations`), by its path as walked (`app/legacy/*`), or by its path relative to the linted
/// root. A configuration pattern ([`ExcludeSet::with_anchored`]) matches a name, or, when it holds
/// a `/`, a path relative to the configuration file's folder.
#[derive(Debug, Clone)]
pub struct ExcludeSet {
    globs: GlobSet,
    patterns: Vec<String>,
    anchored: Option<FilePatternSet>,
    cwd: PathBuf,
    /// Apply the patterns to paths named on the command line too (`--force-exclude`).
    force: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("path `{}` does not exist", .0.display())]
    Missing(PathBuf),
    #[error("invalid exclude pattern `{pattern}`: {message}")]
    BadGlob { pattern: String, message: String },
}

impl ExcludeSet {
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, DiscoverError> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let pattern = pattern.as_ref();
            let trimmed = pattern.trim_end_matches('/');
            let glob = Glob::new(trimmed).map_err(|err| DiscoverError::BadGlob {
                pattern: pattern.to_string(),
                message: err.kind().to_string(),
            })?;
            builder.add(glob);
        }
        let globs = builder.build().map_err(|err| DiscoverError::BadGlob {
            pattern: patterns
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            message: err.to_string(),
        })?;
        Ok(Self {
            globs,
            patterns: patterns.iter().map(|p| p.as_ref().to_string()).collect(),
            anchored: None,
            cwd: std::env::current_dir().unwrap_or_default(),
            force: false,
        })
    }

    /// Adds patterns relative to their own base folders (from configuration files).
    pub fn with_anchored(mut self, patterns: &[FilePattern]) -> Result<Self, DiscoverError> {
        let set = FilePatternSet::new(patterns).map_err(|err| DiscoverError::BadGlob {
            pattern: err.pattern,
            message: err.message,
        })?;
        self.patterns
            .extend(patterns.iter().map(|p| p.pattern.clone()));
        self.anchored = (!set.is_empty()).then_some(set);
        Ok(self)
    }

    /// Excludes paths named on the command line too, as pre-commit hooks want: they pass every
    /// changed file, excluded or not.
    #[must_use]
    pub fn with_force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// Whether a path named on the command line is excluded: it, or a folder it is in (below the
    /// current folder), matches. Always `false` unless [`ExcludeSet::with_force`].
    pub fn excludes_named(&self, path: &Path) -> bool {
        if !self.force {
            return false;
        }
        let relative = if path.is_absolute() {
            match path.strip_prefix(&self.cwd) {
                Ok(relative) => relative,
                Err(_) => return self.is_excluded(path, Path::new("")),
            }
        } else {
            path
        };
        relative
            .ancestors()
            .filter(|ancestor| !ancestor.as_os_str().is_empty() && ancestor.file_name().is_some())
            .any(|ancestor| self.is_excluded(ancestor, Path::new("")))
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    pub fn is_excluded(&self, path: &Path, root: &Path) -> bool {
        if let Some(anchored) = &self.anchored {
            if anchored.is_match(&paths::absolute(path, &self.cwd)) {
                return true;
            }
        }
        if self.globs.is_empty() {
            return false;
        }
        if path
            .file_name()
            .is_some_and(|name| self.globs.is_match(name))
        {
            return true;
        }
        if self.globs.is_match(path) {
            return true;
        }
        path.strip_prefix(root)
            .is_ok_and(|relative| !relative.as_os_str().is_empty() && self.globs.is_match(relative))
    }
}

/// What the walk found: files to lint, in sorted order, folders it could not read, and ignore
/// files it skipped.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub unreadable: Vec<(PathBuf, String)>,
    pub warnings: Vec<String>,
}

pub fn discover(
    paths: &[PathBuf],
    exclude: &ExcludeSet,
    threads: usize,
) -> Result<Discovered, DiscoverError> {
    let mut found = Discovered::default();
    // The same file named twice (`app.py` and `/abs/app.py`, or through `..` or a linked folder)
    // is linted once, under the name the first path on the command line gives it.
    let mut seen = (paths.len() > 1).then(FxHashSet::<PathBuf>::default);
    for root in paths {
        // `symlink_metadata` so that a dangling link named on the command line is a file that
        // cannot be read (reported as FC000), not a missing path.
        let Ok(metadata) = std::fs::symlink_metadata(root) else {
            return Err(DiscoverError::Missing(root.clone()));
        };
        let is_dir = metadata.is_dir() || (metadata.is_symlink() && root.is_dir());
        if exclude.excludes_named(root) {
            continue;
        }
        let first = found.files.len();
        if is_dir {
            walk(root, exclude, threads, &mut found);
        } else {
            found.files.push(root.clone());
        }
        let Some(seen) = &mut seen else { continue };
        let mut from_root = found.files.split_off(first);
        from_root.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        for file in from_root {
            let identity = std::fs::canonicalize(&file)
                .unwrap_or_else(|_| paths::absolute(&file, &exclude.cwd));
            if seen.insert(identity) {
                found.files.push(file);
            }
        }
    }
    found
        .files
        .par_iter_mut()
        .for_each(|file| *file = normalize(file));
    // By bytes, not by components: the same order on every run, at a fraction of the cost.
    found
        .files
        .sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    found.files.dedup();
    found.unreadable.sort();
    found.unreadable.dedup();
    found.warnings.sort();
    found.warnings.dedup();
    Ok(found)
}

/// Drops `.` components, so `./app.py` found by walking `.` and `app.py` named on the command
/// line are one file.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let normal: PathBuf = path
        .components()
        .filter(|component| !matches!(component, std::path::Component::CurDir))
        .collect();
    if normal.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        normal
    }
}

fn walk(root: &Path, exclude: &ExcludeSet, threads: usize, found: &mut Discovered) {
    let files = Mutex::new(Vec::new());
    let unreadable = Mutex::new(Vec::new());
    let warnings: Arc<Mutex<Vec<String>>> = Arc::default();
    // Ignore files are matched against absolute paths under the root's real path, as the
    // `ignore` crate matches those of the folders above the root.
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut root_warnings = Vec::new();
    let root_rules = IgnoreRules::for_root(&real_root, &mut root_warnings);
    // The rules of each folder accepted so far, by its path as walked; a folder's children are
    // filtered after it is.
    let rules: Mutex<FxHashMap<PathBuf, Arc<IgnoreRules>>> =
        Mutex::new(FxHashMap::from_iter([(root.to_path_buf(), root_rules)]));
    let exclude_root = root.to_path_buf();
    let filter_exclude = exclude.clone();
    let filter_warnings = Arc::clone(&warnings);
    let filter = move |entry: &ignore::DirEntry| -> bool {
        if entry.depth() == 0 {
            return true;
        }
        let path = entry.path();
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        let parent_rules = path
            .parent()
            .and_then(|parent| rules.lock().unwrap().get(parent).cloned())
            .unwrap_or_default();
        let matched = if parent_rules.has_rules() {
            let relative = path.strip_prefix(&exclude_root).unwrap_or(path);
            parent_rules.matched(&real_root.join(relative), is_dir)
        } else {
            Match::None
        };
        let hidden = entry.file_name().as_encoded_bytes().first() == Some(&b'.');
        if matched.is_ignore() || (hidden && !matched.is_whitelist()) {
            return false;
        }
        if filter_exclude.is_excluded(path, &exclude_root) {
            return false;
        }
        if is_dir {
            let relative = path.strip_prefix(&exclude_root).unwrap_or(path);
            let mut warnings = Vec::new();
            let own = IgnoreRules::child(&parent_rules, &real_root.join(relative), &mut warnings);
            if !warnings.is_empty() {
                filter_warnings.lock().unwrap().append(&mut warnings);
            }
            rules.lock().unwrap().insert(path.to_path_buf(), own);
        }
        true
    };
    WalkBuilder::new(root)
        // The walk reads no ignore file itself (see `ignore_files`), and hidden entries are
        // skipped by the filter, after a rule may have whitelisted them.
        .standard_filters(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(filter)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let is_python = entry.path().extension().is_some_and(|ext| ext == "py");
                        // Every `.py` entry but a folder: links to files are read through the
                        // link (links to folders are not followed, which keeps the walk free of
                        // cycles), and a FIFO or a device is reported as not a regular file.
                        let is_folder = entry.file_type().is_none_or(|t| t.is_dir());
                        if is_python && !is_folder {
                            files.lock().unwrap().push(entry.into_path());
                        }
                    }
                    Err(err) => {
                        let path = error_path(&err).unwrap_or_else(|| root.to_path_buf());
                        unreadable.lock().unwrap().push((path, error_message(&err)));
                    }
                }
                WalkState::Continue
            })
        });
    found.files.extend(files.into_inner().unwrap());
    found.unreadable.extend(unreadable.into_inner().unwrap());
    found.warnings.append(&mut root_warnings);
    found.warnings.append(&mut warnings.lock().unwrap());
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_message(err),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "x = 1\n").unwrap();
    }

    fn relative(found: &Discovered, root: &Path) -> Vec<String> {
        found
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    #[test]
    fn skips_environments_hidden_and_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "app/__init__.py",
            "app/views.py",
            "app/README.txt",
            ".venv/lib/x.py",
            "venv/y.py",
            "build/z.py",
            ".hidden/h.py",
            "generated/g.py",
            "migrations/versions/m.py",
        ] {
            touch(&root.join(file));
        }
        fs::write(root.join(".gitignore"), "generated/\n").unwrap();
        let mut patterns: Vec<&str> = DEFAULT_EXCLUDES.to_vec();
        patterns.push("migrations");
        let exclude = ExcludeSet::new(&patterns).unwrap();
        let found = discover(&[root.to_path_buf()], &exclude, 2).unwrap();
        assert_eq!(relative(&found, root), ["app/__init__.py", "app/views.py"]);
    }

    #[test]
    fn explicit_files_are_always_linted() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("venv").join("manage");
        touch(&script);
        let exclude = ExcludeSet::new(DEFAULT_EXCLUDES).unwrap();
        let found = discover(std::slice::from_ref(&script), &exclude, 1).unwrap();
        assert_eq!(found.files, [script]);
    }

    #[test]
    fn force_exclude_applies_to_named_paths_and_their_folders() {
        let exclude = ExcludeSet::new(DEFAULT_EXCLUDES).unwrap();
        assert!(!exclude.excludes_named(Path::new("venv/manage.py")));
        let exclude = exclude.with_force(true);
        assert!(exclude.excludes_named(Path::new("venv/manage.py")));
        assert!(exclude.excludes_named(Path::new("src/build")));
        let exclude = ExcludeSet::new(&["tmp*"]).unwrap().with_force(true);
        assert!(!exclude.excludes_named(Path::new("app/views.py")));
        assert!(exclude.excludes_named(Path::new("app/tmp1/views.py")));
    }

    #[test]
    fn missing_paths_are_errors() {
        let exclude = ExcludeSet::new::<&str>(&[]).unwrap();
        let err = discover(&[PathBuf::from("/no/such/place")], &exclude, 1).unwrap_err();
        assert!(matches!(err, DiscoverError::Missing(_)));
    }

    #[test]
    fn bad_globs_are_errors() {
        assert!(matches!(
            ExcludeSet::new(&["a[b"]),
            Err(DiscoverError::BadGlob { .. })
        ));
    }
}
