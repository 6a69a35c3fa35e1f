//! Module names from paths, the way Python's import system would name the files: walk up through
//! folders that hold an `__init__.py`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analyze::ModuleName;

/// Remembers which folders are packages, so each folder is looked at once per run.
#[derive(Default)]
pub struct PackageCache {
    is_package: FxHashMap<PathBuf, bool>,
}

impl PackageCache {
    /// Looks at every folder that naming `files` walks through (each file's folder, and the folder
    /// above each package), level by level on the current rayon pool, so that the files can then
    /// be named in parallel with lookups alone: one `stat` per folder, as when naming them one by
    /// one.
    pub fn look_at_folders_of(&mut self, files: &[&Path]) {
        let mut level: Vec<&Path> = files.iter().filter_map(|file| file.parent()).collect();
        while !level.is_empty() {
            level.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
            level.dedup();
            level.retain(|folder| !self.is_package.contains_key(*folder));
            let known: Vec<(&Path, bool)> = level
                .par_iter()
                .map(|folder| (*folder, holds_init(folder)))
                .collect();
            level = known
                .iter()
                .filter(|(_, is_package)| *is_package)
                .filter_map(|(folder, _)| folder.parent())
                .collect();
            self.is_package.extend(
                known
                    .into_iter()
                    .map(|(folder, is_package)| (folder.to_path_buf(), is_package)),
            );
        }
    }

    /// Whether `dir` is a package: known from [`PackageCache::look_at_folders_of`], else looked
    /// at now.
    fn is_package(&self, dir: &Path) -> bool {
        self.is_package
            .get(dir)
            .copied()
            .unwrap_or_else(|| holds_init(dir))
    }

    /// `pkg/sub/mod.py` → `pkg.sub.mod` when `pkg/` and `pkg/sub/` are packages;
    /// `pkg/__init__.py` → `pkg` (a package); a file outside any package → its stem.
    pub fn module_name(&self, path: &Path) -> ModuleName {
        let stem = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_package = stem == "__init__";
        let mut parts: Vec<String> = Vec::new();
        if !is_package {
            parts.push(stem);
        }
        let mut dir = path.parent();
        while let Some(current) = dir {
            if !self.is_package(current) {
                break;
            }
            match current.file_name() {
                Some(name) => parts.push(name.to_string_lossy().into_owned()),
                None => break,
            }
            dir = current.parent();
        }
        parts.reverse();
        if parts.is_empty() {
            // An `__init__.py` in a folder that is not a package (no parent name): name it by
            // its folder.
            parts.push(path.parent().and_then(Path::file_name).map_or_else(
                || "__init__".to_string(),
                |n| n.to_string_lossy().into_owned(),
            ));
        }
        ModuleName {
            name: parts.join(".").into(),
            is_package,
        }
    }
}

/// Whether the folder holds an `__init__.py` (a regular file, or a link to one).
fn holds_init(dir: &Path) -> bool {
    let dir_for_fs = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    dir_for_fs.join("__init__.py").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn names_follow_packages() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "app/__init__.py",
            "app/api/__init__.py",
            "app/api/users.py",
            "scripts/manage.py",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "").unwrap();
        }
        let cache = PackageCache::default();
        let name = cache.module_name(&root.join("app/api/users.py"));
        assert_eq!(&*name.name, "app.api.users");
        assert!(!name.is_package);
        let name = cache.module_name(&root.join("app/api/__init__.py"));
        assert_eq!(&*name.name, "app.api");
        assert!(name.is_package);
        assert_eq!(
            &*cache.module_name(&root.join("scripts/manage.py")).name,
            "manage"
        );
    }
}
