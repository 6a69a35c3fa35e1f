//! `.gitignore`, `.ignore` and `.git/info/exclude`, read through [`crate::file_io`].
//!
//! The `ignore` crate reads these files itself, with a plain `File::open`: a FIFO named
//! `.gitignore` blocks its walk forever, and a link to `/dev/zero` makes it allocate until the
//! process aborts. So the walk runs with the crate's own ignore files turned off, and this module
//! reads them (regular files only, with a size cap; a bad one is a warning and is skipped),
//! compiles them with the crate's [`Gitignore`] matcher, and applies them as the crate does with
//! `require_git(false)` and `parents(true)`: for a path, the nearest `.ignore` rule that matches
//! wins, else the nearest `.gitignore` rule, else the nearest `info/exclude` rule, looking through
//! every folder from the path's own up to the file system's root.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use crate::file_io::read_regular_file;

/// The rules of one folder, and those of the folders above it.
#[derive(Debug, Default)]
pub(crate) struct IgnoreRules {
    ignore: Option<Gitignore>,
    gitignore: Option<Gitignore>,
    exclude: Option<Gitignore>,
    parent: Option<Arc<IgnoreRules>>,
    /// Whether this folder or one above it has any rule.
    any: bool,
}

impl IgnoreRules {
    /// The rules for the folders above `dir` (absolute, canonical) and `dir` itself.
    pub(crate) fn for_root(dir: &Path, warnings: &mut Vec<String>) -> Arc<IgnoreRules> {
        let mut rules = Arc::new(IgnoreRules::default());
        let mut ancestors: Vec<&Path> = dir.ancestors().collect();
        ancestors.reverse();
        for folder in ancestors {
            rules = IgnoreRules::child(&rules, folder, warnings);
        }
        rules
    }

    /// The rules for `dir`, inside the folder whose rules are `parent`. A folder without ignore
    /// files shares its parent's.
    pub(crate) fn child(
        parent: &Arc<IgnoreRules>,
        dir: &Path,
        warnings: &mut Vec<String>,
    ) -> Arc<IgnoreRules> {
        let ignore = compile(dir, &dir.join(".ignore"), warnings);
        let gitignore = compile(dir, &dir.join(".gitignore"), warnings);
        let exclude = git_dir(dir, warnings)
            .and_then(|git_dir| compile(dir, &git_dir.join("info").join("exclude"), warnings));
        if ignore.is_none() && gitignore.is_none() && exclude.is_none() {
            return Arc::clone(parent);
        }
        Arc::new(IgnoreRules {
            ignore,
            gitignore,
            exclude,
            parent: Some(Arc::clone(parent)),
            any: true,
        })
    }

    /// Whether a path has a rule that ignores it (or one that whitelists it) in this folder or
    /// above. `path` is absolute, in the same terms as the folders the rules were read for.
    pub(crate) fn matched(&self, path: &Path, is_dir: bool) -> Match<()> {
        if !self.any {
            return Match::None;
        }
        let mut found = [Match::None, Match::None, Match::None];
        let mut level = Some(self);
        while let Some(rules) = level {
            for (slot, matcher) in
                found
                    .iter_mut()
                    .zip([&rules.ignore, &rules.gitignore, &rules.exclude])
            {
                if slot.is_none() {
                    if let Some(matcher) = matcher {
                        *slot = matcher.matched(path, is_dir).map(|_| ());
                    }
                }
            }
            level = rules.parent.as_deref();
        }
        let [ignore, gitignore, exclude] = found;
        ignore.or(gitignore).or(exclude)
    }

    pub(crate) fn has_rules(&self) -> bool {
        self.any
    }
}

/// Reads and compiles one ignore file of `dir`; `None` when there is none, or when it cannot be
/// read (a warning says so).
fn compile(dir: &Path, file: &Path, warnings: &mut Vec<String>) -> Option<Gitignore> {
    // Most folders have no ignore file: one `stat` says so, as in the `ignore` crate.
    std::fs::symlink_metadata(file).ok()?;
    let bytes = match read_regular_file(file) {
        Ok(bytes) => bytes,
        Err(err) => {
            warnings.push(format!("skipped the ignore file {}: {err}", file.display()));
            return None;
        }
    };
    let mut builder = GitignoreBuilder::new(dir);
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = if index == 0 {
            line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line)
        } else {
            line
        };
        let added = match std::str::from_utf8(line) {
            Ok(line) => builder
                .add_line(Some(file.to_path_buf()), line)
                .map(|_| ())
                .map_err(|err| err.to_string()),
            Err(_) => Err("not valid UTF-8".to_string()),
        };
        if let Err(err) = added {
            warnings.push(format!(
                "skipped line {} of the ignore file {}: {err}",
                index + 1,
                file.display()
            ));
        }
    }
    match builder.build() {
        Ok(matcher) if !matcher.is_empty() => Some(matcher),
        Ok(_) => None,
        Err(err) => {
            warnings.push(format!("skipped the ignore file {}: {err}", file.display()));
            None
        }
    }
}

/// The git folder whose `info/exclude` applies to `dir`: its `.git` folder, or for a worktree
/// (`.git` is a file naming the worktree's folder) the repository's common folder.
fn git_dir(dir: &Path, warnings: &mut Vec<String>) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    let metadata = std::fs::metadata(&dot_git).ok()?;
    if metadata.is_dir() {
        return Some(dot_git);
    }
    if !metadata.is_file() {
        return None;
    }
    let first_line = |path: &Path, warnings: &mut Vec<String>| -> Option<String> {
        let bytes = match read_regular_file(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                warnings.push(format!("skipped {}: {err}", path.display()));
                return None;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        Some(text.lines().next()?.trim_end().to_string())
    };
    let worktree = PathBuf::from(first_line(&dot_git, warnings)?.strip_prefix("gitdir: ")?);
    let worktree = if worktree.is_relative() {
        dir.join(worktree)
    } else {
        worktree
    };
    let common = worktree.join("commondir");
    if std::fs::symlink_metadata(&common).is_err() {
        return None;
    }
    let common = first_line(&common, warnings)?;
    Some(if Path::new(&common).is_relative() {
        worktree.join(common)
    } else {
        PathBuf::from(common)
    })
}
