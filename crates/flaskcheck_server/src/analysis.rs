//! The one type the protocol code asks for analysis: a [`Project`] (a folder, or a file on its
//! own) with its settings and the texts that stand in for files on disk (an editor's unsaved
//! buffers, code an assistant wrote), which [`Project::check`] analyses as a whole before it
//! reports the findings that belong to the files asked about.
//!
//! Today each check runs the whole pipeline over the project. Keeping the file pass of unchanged
//! files and the index between checks is the engine's project API (issue 11); this module is where
//! the servers move onto it, and nothing else in this crate changes when they do.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use flaskcheck_linter::paths;
use flaskcheck_linter::{lint, ConfigFile, FileId, LintError, LintOptions, LintReport, Overlays};
use flaskcheck_linter::{Overrides, Settings};

/// What is analysed together.
#[derive(Debug)]
pub struct Project {
    root: PathBuf,
    /// The folder, or the one file of a project of one file.
    scope: PathBuf,
    overrides: Overrides,
    settings: Settings,
    overlays: Overlays,
    threads: usize,
}

impl Project {
    /// A project rooted at `root` (absolute): every Python file under it is analysed. The
    /// configuration is the one that applies to the folder, with `overrides` on top. Problems
    /// with either are returned beside a project that uses the defaults instead, so that an
    /// editor still shows findings while the user fixes their configuration.
    pub fn folder(root: PathBuf, overrides: Overrides) -> (Project, Vec<String>) {
        let root = paths::normalize(&root);
        Self::new(root.clone(), root, overrides)
    }

    /// A file outside every project the client named (absolute): analysed on its own, as
    /// `flaskcheck lint FILE` does.
    pub fn single_file(path: PathBuf, overrides: Overrides) -> (Project, Vec<String>) {
        let path = paths::normalize(&path);
        let root = path
            .parent()
            .map_or_else(|| path.clone(), Path::to_path_buf);
        Self::new(root, path, overrides)
    }

    fn new(root: PathBuf, scope: PathBuf, overrides: Overrides) -> (Project, Vec<String>) {
        let (settings, problems) = resolve_settings(&scope, &overrides);
        let project = Project {
            root,
            scope,
            overrides,
            settings,
            overlays: Overlays::new(),
            threads: 0,
        };
        (project, problems)
    }

    /// Worker threads for each check (0: one per core).
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `path` (absolute) is analysed with this project.
    pub fn contains(&self, path: &Path) -> bool {
        if self.scope.is_dir() {
            path.starts_with(&self.scope)
        } else {
            path == self.scope
        }
    }

    /// The configuration file in use, if any.
    pub fn config_file(&self) -> Option<&Path> {
        self.settings.config.as_deref()
    }

    /// Reads the configuration again (it changed on disk). On an error the settings in use stay,
    /// and the error is returned.
    pub fn reload_settings(&mut self) -> Vec<String> {
        let (settings, problems) = resolve_settings(&self.scope, &self.overrides);
        if problems.is_empty() {
            self.settings = settings;
        }
        problems
    }

    /// Replaces the client's select/ignore; returns the problems, keeping the settings in use
    /// when there are some.
    pub fn set_overrides(&mut self, overrides: Overrides) -> Vec<String> {
        let (settings, problems) = resolve_settings(&self.scope, &overrides);
        if problems.is_empty() {
            self.overrides = overrides;
            self.settings = settings;
        }
        problems
    }

    /// `text` stands for the file at `path` (absolute) until [`Project::remove_overlay`].
    pub fn set_overlay(&mut self, path: &Path, text: Arc<str>) {
        self.overlays.insert(paths::normalize(path), text);
    }

    pub fn remove_overlay(&mut self, path: &Path) {
        self.overlays.remove(&paths::normalize(path));
    }

    pub fn overlay(&self, path: &Path) -> Option<&Arc<str>> {
        self.overlays.get(&paths::normalize(path))
    }

    /// Analyses the project and returns the findings that belong to `paths` (absolute files or
    /// folders): those in one of them, and those elsewhere that one of them takes part in (a
    /// related location in it, such as the helper that loaded the model a view leaks).
    pub fn check(&self, paths: &[PathBuf]) -> Result<LintReport, LintError> {
        let options = LintOptions {
            paths: vec![self.scope.clone()],
            selection: self.settings.selection.clone(),
            exclude: self.settings.exclude.clone(),
            threads: self.threads,
            per_file_ignores: self.settings.per_file_ignores.clone(),
            report_unused_suppressions: self.settings.report_unused_suppressions,
            overlays: self.overlays.clone(),
        };
        let mut report = lint(&options)?;
        let wanted: Vec<PathBuf> = paths.iter().map(|path| paths::normalize(path)).collect();
        let files = &report.files;
        let belongs = |file: FileId| {
            let path = &files[file.index()].path;
            wanted.iter().any(|asked| path.starts_with(asked))
        };
        report.diagnostics.retain(|diagnostic| {
            belongs(diagnostic.file) || diagnostic.related.iter().any(|r| belongs(r.file))
        });
        Ok(report)
    }
}

/// The project `paths` (absolute) belong to, as issue 11 defines it for the command line: the
/// folder of the configuration file in use, else the nearest folder above the paths holding a
/// `pyproject.toml`, `setup.cfg`, `setup.py` or `.git`, else the folder they have in common.
/// (The engine's own root discovery replaces this when the servers move onto its project API.)
pub fn project_root(paths: &[PathBuf]) -> PathBuf {
    let folders: Vec<PathBuf> = paths
        .iter()
        .map(|path| {
            let path = paths::normalize(path);
            // A file, or one not written yet: its nearest folder on disk.
            path.ancestors()
                .find(|ancestor| ancestor.is_dir())
                .map_or(path.clone(), Path::to_path_buf)
        })
        .collect();
    let Some(first) = folders.first() else {
        return PathBuf::from("/");
    };
    let common = folders
        .iter()
        .skip(1)
        .fold(first.clone(), |common, folder| {
            common
                .ancestors()
                .find(|ancestor| folder.starts_with(ancestor))
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
        });
    if let Ok(Some(config)) = ConfigFile::find(&common, &common) {
        return config.dir().to_path_buf();
    }
    const MARKERS: [&str; 4] = ["pyproject.toml", "setup.cfg", "setup.py", ".git"];
    common
        .ancestors()
        .find(|folder| MARKERS.iter().any(|marker| folder.join(marker).exists()))
        .map_or(common.clone(), Path::to_path_buf)
}

/// The settings for `scope` with `overrides` on top, or, with the problems, the defaults (and the
/// overrides, if they are valid by themselves).
fn resolve_settings(scope: &Path, overrides: &Overrides) -> (Settings, Vec<String>) {
    let cwd = if scope.is_dir() {
        scope
    } else {
        scope.parent().unwrap_or(scope)
    };
    let mut problems = Vec::new();
    let config = match ConfigFile::find(scope, cwd) {
        Ok(config) => config,
        Err(err) => {
            problems.push(err.to_string());
            None
        }
    };
    match Settings::resolve(config.as_ref(), overrides, cwd) {
        Ok(settings) => return (settings, problems),
        Err(err) => problems.push(err.to_string()),
    }
    // Without the file; if the overrides were the problem, it was reported above.
    if config.is_some() {
        if let Ok(settings) = Settings::resolve(None, overrides, cwd) {
            return (settings, problems);
        }
    }
    let settings = Settings::resolve(None, &Overrides::default(), cwd)
        .expect("the default settings are valid");
    (settings, problems)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use flaskcheck_linter::Rule;

    use super::*;
    use crate::test_project::{self, VIEW};

    fn app() -> tempfile::TempDir {
        test_project::write(true)
    }

    fn codes(report: &LintReport) -> Vec<(String, &'static str)> {
        report
            .diagnostics
            .iter()
            .map(|d| {
                let path = &report.file(d.file).path;
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    d.rule.code(),
                )
            })
            .collect()
    }

    #[test]
    fn an_overlay_stands_for_the_file_and_reaches_other_files() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let views = root.join("app/views.py");
        let (mut project, problems) = Project::folder(root.clone(), Overrides::default());
        assert!(problems.is_empty(), "{problems:?}");
        let report = project.check(std::slice::from_ref(&views)).unwrap();
        assert_eq!(codes(&report), [("views.py".to_string(), "FC101")]);

        // The unsaved models.py no longer makes `User` a model: the view's finding goes.
        project.set_overlay(
            &root.join("app/models.py"),
            Arc::from("class User:\n    pass\n"),
        );
        let report = project.check(std::slice::from_ref(&views)).unwrap();
        assert_eq!(codes(&report), []);
        // The file on disk was not touched, and closing the buffer brings its meaning back.
        project.remove_overlay(&root.join("app/models.py"));
        let report = project.check(std::slice::from_ref(&views)).unwrap();
        assert_eq!(codes(&report), [("views.py".to_string(), "FC101")]);
    }

    #[test]
    fn an_unsaved_new_file_is_analysed_with_its_project() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let draft = root.join("app/draft.py");
        let (mut project, _) = Project::folder(root, Overrides::default());
        project.set_overlay(&draft, Arc::from(VIEW.replace("def show", "def draft")));
        let report = project.check(std::slice::from_ref(&draft)).unwrap();
        assert_eq!(codes(&report), [("draft.py".to_string(), "FC101")]);
    }

    #[test]
    fn findings_of_other_files_are_reported_where_the_file_takes_part() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let (project, _) = Project::folder(root.clone(), Overrides::default());
        // The leak is in views.py; models.py holds no related location of it.
        let report = project.check(&[root.join("app/models.py")]).unwrap();
        assert_eq!(codes(&report), []);
    }

    #[test]
    fn settings_problems_fall_back_to_the_defaults_and_reloading_keeps_good_ones() {
        let dir = app();
        let root = dir.path().to_path_buf();
        fs::write(root.join("flaskcheck.toml"), "ignore = [\"FC101\"]\n").unwrap();
        let views = root.join("app/views.py");
        let (mut project, problems) = Project::folder(root.clone(), Overrides::default());
        assert!(problems.is_empty());
        assert_eq!(
            project.config_file(),
            Some(root.join("flaskcheck.toml").as_path())
        );
        assert_eq!(
            codes(&project.check(std::slice::from_ref(&views)).unwrap()),
            []
        );

        fs::write(root.join("flaskcheck.toml"), "ignore = [\"FC9\"]\n").unwrap();
        let problems = project.reload_settings();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("unknown rule code or prefix `FC9`"),
            "{problems:?}"
        );
        assert_eq!(
            codes(&project.check(std::slice::from_ref(&views)).unwrap()),
            []
        );

        let (project, problems) = Project::folder(root.clone(), Overrides::default());
        assert_eq!(problems.len(), 1);
        assert_eq!(
            codes(&project.check(std::slice::from_ref(&views)).unwrap()),
            [("views.py".to_string(), "FC101")]
        );

        fs::remove_file(root.join("flaskcheck.toml")).unwrap();
        let overrides = Overrides {
            select: Some(vec![Rule::ModelInResponse.code().to_string()]),
            ..Overrides::default()
        };
        let mut project = project;
        assert!(project.set_overrides(overrides).is_empty());
        assert!(project.reload_settings().is_empty());
        assert_eq!(
            codes(&project.check(std::slice::from_ref(&views)).unwrap()),
            [("views.py".to_string(), "FC101")]
        );
        let bad = Overrides {
            ignore: vec!["nonsense".to_string()],
            ..Overrides::default()
        };
        assert_eq!(project.set_overrides(bad).len(), 1);
    }

    #[test]
    fn the_project_root_is_found_from_the_paths() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let views = root.join("app/views.py");
        // No marker in the temporary folder or above it: the paths' common folder.
        let common = project_root(&[views.clone(), root.join("app/models.py")]);
        assert_eq!(common, root.join("app"));
        fs::create_dir(root.join(".git")).unwrap();
        assert_eq!(project_root(std::slice::from_ref(&views)), root);
        assert_eq!(project_root(&[root.join("app/new/draft.py")]), root);
        fs::write(root.join("app/flaskcheck.toml"), "").unwrap();
        assert_eq!(project_root(&[views]), root.join("app"));
    }

    #[test]
    fn a_single_file_that_is_not_on_disk_is_analysed_from_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scratch.py");
        let (mut project, problems) = Project::single_file(path.clone(), Overrides::default());
        assert!(problems.is_empty());
        project.set_overlay(
            &path,
            Arc::from("from flask import Flask\n\napp = Flask(__name__)\napp.run(debug=True)\n"),
        );
        let report = project.check(std::slice::from_ref(&path)).unwrap();
        assert_eq!(codes(&report), [("scratch.py".to_string(), "FC503")]);
    }

    #[test]
    fn a_single_file_project_sees_only_its_file() {
        let dir = app();
        let views = dir.path().join("app/views.py");
        let (project, _) = Project::single_file(views.clone(), Overrides::default());
        assert!(project.contains(&views));
        assert!(!project.contains(&dir.path().join("app/models.py")));
        // Without models.py, `User` is not known to be a model.
        assert_eq!(codes(&project.check(&[views]).unwrap()), []);
    }
}
