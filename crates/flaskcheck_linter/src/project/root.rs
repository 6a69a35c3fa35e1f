//! The project root: the folder whose Python files are all analyzed, whichever of them are asked
//! about.

use std::path::{Path, PathBuf};

use ignore::gitignore::Gitignore;

use crate::discover::ExcludeSet;
use crate::paths;

/// Files whose folder is a project's root, nearest first: a Python project's own metadata, then
/// the repository.
pub const ROOT_MARKERS: &[&str] = &["pyproject.toml", "setup.cfg", "setup.py", ".git"];

/// Why the root is where it is, for `--verbose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootSource {
    /// `--project-root` or `project-root` in the configuration.
    Explicit,
    /// The folder of the configuration file in use.
    Config,
    /// The nearest folder above the paths that holds one of [`ROOT_MARKERS`].
    Marker,
    /// No marker above the paths: their common folder.
    CommonAncestor,
    /// No marker above the paths, and their common folder is the file system's root: the paths
    /// are analyzed alone rather than the whole disk.
    FileSystemRoot,
}

impl RootSource {
    pub fn describe(self) -> &'static str {
        match self {
            RootSource::Explicit => "set with --project-root or `project-root`",
            RootSource::Config => "the folder of the configuration file",
            RootSource::Marker => {
                "the nearest folder with pyproject.toml, setup.cfg, setup.py or .git"
            }
            RootSource::CommonAncestor => {
                "the common folder of the paths (no project marker above them)"
            }
            RootSource::FileSystemRoot => {
                "no project: the paths share no folder but the file system's root"
            }
        }
    }

    /// Whether the root is a project to analyze whole.
    pub fn is_project(self) -> bool {
        self != RootSource::FileSystemRoot
    }
}

/// The root for `paths` (absolute and normalized): `explicit` if given, else the folder of the
/// configuration file in use, else the nearest ancestor of the paths' common folder holding a
/// [`ROOT_MARKERS`] file, else that common folder.
///
/// A project does not reach into the folders its own walk skips: the search stops below a
/// hidden or excluded folder, and a marker whose `.gitignore` (or `.ignore`) ignores the paths is
/// not their project. A copy of another project kept in `.venv/`, in a gitignored `vendor/` or
/// in a hidden folder of this one (the benchmark's corpora in `.bench/`) is then its own project,
/// not a part of the one around it.
pub fn find_root(
    explicit: Option<&Path>,
    config: Option<&Path>,
    paths: &[PathBuf],
    exclude: &ExcludeSet,
) -> (PathBuf, RootSource) {
    if let Some(root) = explicit {
        return (root.to_path_buf(), RootSource::Explicit);
    }
    if let Some(dir) = config.and_then(Path::parent) {
        return (dir.to_path_buf(), RootSource::Config);
    }
    let common = common_folder(paths);
    for folder in common.ancestors() {
        if ROOT_MARKERS
            .iter()
            .any(|marker| folder.join(marker).exists())
        {
            if ignored_below(folder, &common) {
                break;
            }
            return (folder.to_path_buf(), RootSource::Marker);
        }
        let skipped = folder.file_name().is_some_and(|name| {
            name.to_string_lossy().starts_with('.') || exclude.is_excluded(folder, Path::new(""))
        });
        if skipped {
            break;
        }
    }
    if common.parent().is_none() {
        return (common, RootSource::FileSystemRoot);
    }
    (common, RootSource::CommonAncestor)
}

/// Whether an ignore file in `root` or in a folder between it and `folder` ignores `folder`.
fn ignored_below(root: &Path, folder: &Path) -> bool {
    let Ok(inside) = folder.strip_prefix(root) else {
        return false;
    };
    let mut dir = root.to_path_buf();
    let mut steps = inside.components();
    loop {
        for name in [".gitignore", ".ignore"] {
            let file = dir.join(name);
            if file.is_file() {
                let (matcher, _) = Gitignore::new(&file);
                if matcher
                    .matched_path_or_any_parents(folder, true)
                    .is_ignore()
                {
                    return true;
                }
            }
        }
        match steps.next() {
            Some(step) => dir.push(step),
            None => return false,
        }
        if dir == folder {
            return false;
        }
    }
}

/// The deepest folder that holds every path (a folder counts as holding itself; a file, or a path
/// that does not exist, is held by its parent).
fn common_folder(paths: &[PathBuf]) -> PathBuf {
    let folders = paths.iter().map(|path| {
        if path.is_dir() {
            path.clone()
        } else {
            path.parent()
                .map_or_else(|| path.clone(), Path::to_path_buf)
        }
    });
    let mut common: Option<PathBuf> = None;
    for folder in folders {
        common = Some(match common {
            None => folder,
            Some(so_far) => so_far
                .components()
                .zip(folder.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.unwrap_or_else(|| PathBuf::from("/"))
}

/// `absolute` as flaskcheck prints it in a project run: relative to `cwd` when inside it; outside
/// it, relative (`../lib/x.py`) when the paths were given relative, absolute when they were given
/// absolute. The same file reached by the root's walk and named on the command line is then one
/// path, spelled as the paths were.
pub fn display_form(absolute: &Path, cwd: &Path, relative_outside: bool) -> PathBuf {
    match absolute.strip_prefix(cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.to_path_buf(),
        _ if relative_outside => paths::relative_to(absolute, cwd),
        _ => absolute.to_path_buf(),
    }
}

/// `path` made absolute against `cwd` and normalized.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    paths::absolute(path, cwd)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn the_nearest_marker_above_a_nested_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        fs::create_dir_all(root.join("app/api")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join("app/api/views.py"), "x = 1\n").unwrap();
        let none = ExcludeSet::new::<&str>(&[]).unwrap();
        let (found, source) = find_root(None, None, &[root.join("app/api/views.py")], &none);
        assert_eq!((found, source), (root.clone(), RootSource::Marker));

        // A pyproject.toml nearer than the repository wins.
        fs::write(
            root.join("app/pyproject.toml"),
            "[project]\nname = \"app\"\n",
        )
        .unwrap();
        let (found, _) = find_root(None, None, &[root.join("app/api/views.py")], &none);
        assert_eq!(found, root.join("app"));
        // The common folder of several paths is where the search starts.
        let (found, _) = find_root(
            None,
            None,
            &[root.join("app/api/views.py"), root.join("README.md")],
            &none,
        );
        assert_eq!(found, root);
    }

    #[test]
    fn a_project_kept_in_a_skipped_folder_is_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        for folder in [".bench/corpus/app", "vendor/lib/pkg", "venv/lib/site"] {
            fs::create_dir_all(repo.join(folder)).unwrap();
        }
        fs::create_dir_all(repo.join(".git")).unwrap();
        fs::write(repo.join(".gitignore"), "/vendor/\n").unwrap();
        let exclude = ExcludeSet::new(crate::discover::DEFAULT_EXCLUDES).unwrap();
        for (folder, expected) in [
            (".bench/corpus/app", ".bench/corpus/app"),
            ("vendor/lib/pkg", "vendor/lib/pkg"),
            ("venv/lib/site", "venv/lib/site"),
        ] {
            let (found, source) = find_root(None, None, &[repo.join(folder)], &exclude);
            assert_eq!(found, repo.join(expected), "{folder}");
            assert_eq!(source, RootSource::CommonAncestor, "{folder}");
        }
    }

    #[test]
    fn explicit_then_configuration_then_markers() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a/b")).unwrap();
        let file = root.join("a/b/x.py");
        fs::write(&file, "").unwrap();
        let config = root.join("a/flaskcheck.toml");
        let none = ExcludeSet::new::<&str>(&[]).unwrap();
        assert_eq!(
            find_root(
                Some(root),
                Some(&config),
                std::slice::from_ref(&file),
                &none
            ),
            (root.to_path_buf(), RootSource::Explicit)
        );
        assert_eq!(
            find_root(None, Some(&config), std::slice::from_ref(&file), &none),
            (root.join("a"), RootSource::Config)
        );
    }

    #[test]
    fn without_a_marker_the_common_folder() {
        let dir = tempfile::tempdir().unwrap();
        // Temporary folders may sit under a folder with a marker on some machines; the search
        // starts at the common folder either way, so ask for two siblings and check the prefix.
        let root = dir.path();
        fs::create_dir_all(root.join("one")).unwrap();
        fs::create_dir_all(root.join("two")).unwrap();
        let none = ExcludeSet::new::<&str>(&[]).unwrap();
        let (found, source) = find_root(None, None, &[root.join("one"), root.join("two")], &none);
        if source == RootSource::CommonAncestor {
            assert_eq!(found, root);
        } else {
            assert!(root.starts_with(&found));
        }
    }

    #[test]
    fn printed_paths_are_relative_inside_the_current_folder() {
        let cwd = Path::new("/work/app");
        assert_eq!(
            display_form(Path::new("/work/app/blog/x.py"), cwd, false),
            Path::new("blog/x.py")
        );
        assert_eq!(
            display_form(Path::new("/work/lib/y.py"), cwd, false),
            Path::new("/work/lib/y.py")
        );
        assert_eq!(
            display_form(Path::new("/work/lib/y.py"), cwd, true),
            Path::new("../lib/y.py")
        );
    }
}
