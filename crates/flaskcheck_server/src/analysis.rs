//! The one type the protocol code asks for analysis: a [`Project`] (every Python file under a
//! root, or one file alone) with its settings and the texts that stand in for files on disk (an
//! editor's unsaved buffers, code an assistant wrote).
//!
//! It keeps the engine's [`flaskcheck_linter::Project`] alive between checks: the first check
//! fills it (from the cache where it can), and after an edit only the files whose text changed are
//! analysed again before the index is rebuilt and the findings of the files asked about are
//! reported.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flaskcheck_linter::cache::{CACHE_DIR_ENV, DEFAULT_CACHE_DIR};
use flaskcheck_linter::project::root::{find_root, RootSource};
use flaskcheck_linter::{paths, ConfigFile, LintError, LintReport, Overrides, Settings};
use flaskcheck_linter::{ProjectConfig, ReportScope};

/// What is analysed together: the files under a root, or a file on its own (outside every
/// project, as `flaskcheck lint FILE` analyses it there).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Root(PathBuf),
    File(PathBuf),
}

impl Scope {
    /// The project of `paths` (absolute), found as the command line finds it: `explicit` if
    /// given, else `project-root` from the configuration, else the folder of the configuration
    /// file, else the nearest folder above the paths holding `pyproject.toml`, `setup.cfg`,
    /// `setup.py` or `.git`. Where none of these is found, the innermost of `folders` (the
    /// editor's workspace folders) holding the paths, else their common folder; a single file
    /// that shares no folder with anything but the file system's root is analysed alone.
    pub fn of(paths: &[PathBuf], explicit: Option<&Path>, folders: &[PathBuf]) -> Scope {
        let paths: Vec<PathBuf> = paths.iter().map(|path| paths::normalize(path)).collect();
        let Some(first) = paths.first() else {
            return Scope::Root(PathBuf::from("/"));
        };
        let (settings, _) = resolve_settings(first, &Overrides::default());
        let explicit = explicit.map(Path::to_path_buf).or(settings.project_root);
        let (root, source) = find_root(
            explicit.as_deref(),
            settings.config.as_deref(),
            &paths,
            &settings.exclude,
        );
        if matches!(
            source,
            RootSource::CommonAncestor | RootSource::FileSystemRoot
        ) {
            let folder = folders
                .iter()
                .filter(|folder| paths.iter().all(|path| path.starts_with(folder)))
                .max_by_key(|folder| folder.components().count());
            if let Some(folder) = folder {
                return Scope::Root(paths::normalize(folder));
            }
            if source == RootSource::FileSystemRoot && paths.len() == 1 {
                return Scope::File(first.clone());
            }
        }
        Scope::Root(root)
    }

    pub fn contains(&self, path: &Path) -> bool {
        match self {
            Scope::Root(root) => path.starts_with(root),
            Scope::File(file) => path == file,
        }
    }

    /// Where the configuration is looked for: the root, or the file's folder and above.
    fn config_start(&self) -> &Path {
        match self {
            Scope::Root(root) | Scope::File(root) => root,
        }
    }
}

pub struct Project {
    scope: Scope,
    overrides: Overrides,
    threads: usize,
    settings: Settings,
    /// The engine's project, made at the first check and again when the settings change.
    engine: Option<flaskcheck_linter::Project>,
    /// Absolute path → the text that stands for the file.
    overlays: BTreeMap<PathBuf, Arc<str>>,
    /// Files whose text changed since the last check: analysed again, each on its own.
    changed: BTreeSet<PathBuf>,
    /// The project's files may have changed (one appeared or went): found again at the next check.
    stale: bool,
}

impl Project {
    /// The project of `scope`. Problems with its configuration (or with `overrides`) are returned
    /// beside a project that uses the defaults instead, so that an editor still shows findings
    /// while the user fixes their configuration.
    pub fn new(scope: Scope, overrides: Overrides) -> (Project, Vec<String>) {
        let (settings, problems) = resolve_settings(scope.config_start(), &overrides);
        let project = Project {
            scope,
            overrides,
            threads: 0,
            settings,
            engine: None,
            overlays: BTreeMap::new(),
            changed: BTreeSet::new(),
            stale: true,
        };
        (project, problems)
    }

    /// Worker threads for the analysis (0: one per core).
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The configuration file in use, if any.
    pub fn config_file(&self) -> Option<&Path> {
        self.settings.config.as_deref()
    }

    /// How many files the last check analysed (the whole project).
    pub fn file_count(&self) -> usize {
        self.engine
            .as_ref()
            .map_or(0, flaskcheck_linter::Project::file_count)
    }

    /// Reads the configuration again (it changed on disk). On an error the settings in use stay,
    /// and the problems are returned.
    pub fn reload_settings(&mut self) -> Vec<String> {
        let overrides = self.overrides.clone();
        self.set_overrides(overrides)
    }

    /// Replaces the client's part of the settings; returns the problems, keeping the settings in
    /// use when there are some.
    pub fn set_overrides(&mut self, overrides: Overrides) -> Vec<String> {
        let (settings, problems) = resolve_settings(self.scope.config_start(), &overrides);
        if problems.is_empty() {
            self.overrides = overrides;
            self.settings = settings;
            self.engine = None;
            self.stale = true;
        }
        problems
    }

    /// `text` stands for the file at `path` (absolute) until [`Project::remove_overlay`].
    pub fn set_overlay(&mut self, path: &Path, text: Arc<str>) {
        let path = paths::normalize(path);
        if let Some(engine) = &mut self.engine {
            engine.set_overlay(&path, Arc::clone(&text));
        }
        self.overlays.insert(path.clone(), text);
        self.changed.insert(path);
    }

    pub fn remove_overlay(&mut self, path: &Path) {
        let path = paths::normalize(path);
        if let Some(engine) = &mut self.engine {
            engine.remove_overlay(&path);
        }
        if self.overlays.remove(&path).is_some() {
            self.changed.insert(path);
        }
    }

    pub fn overlay(&self, path: &Path) -> Option<&Arc<str>> {
        self.overlays.get(&paths::normalize(path))
    }

    /// Every text that stands for a file, by normalized absolute path.
    pub fn overlays(&self) -> &BTreeMap<PathBuf, Arc<str>> {
        &self.overlays
    }

    /// A file changed on disk (not through an overlay, which goes on standing for it).
    pub fn file_changed(&mut self, path: &Path) {
        let path = paths::normalize(path);
        if !self.overlays.contains_key(&path) {
            self.changed.insert(path);
        }
    }

    /// A file appeared on disk or went: the project's files are found again at the next check.
    pub fn files_changed(&mut self) {
        self.stale = true;
    }

    /// Brings the project up to date and returns the findings that belong to `paths` (absolute
    /// files or folders): those in one of them, and those elsewhere that one of them takes part
    /// in (a related location in it, such as the helper that loaded the model a view leaks).
    pub fn check(&mut self, paths: &[PathBuf]) -> Result<LintReport, LintError> {
        self.check_with_first(paths, None)
    }

    /// [`Project::check`] after an edit to `edited`: `first` gets the findings located in
    /// `edited` (exactly those of the whole check) before the rest of the project is checked, when
    /// the project's files are known (not at the first check, or after files appeared or went)
    /// and something changed since the last check.
    pub fn check_edited(
        &mut self,
        paths: &[PathBuf],
        edited: &Path,
        first: &mut (dyn FnMut(LintReport) + Send),
    ) -> Result<LintReport, LintError> {
        self.check_with_first(paths, Some((edited, first)))
    }

    fn check_with_first(
        &mut self,
        paths: &[PathBuf],
        first: Option<(&Path, &mut (dyn FnMut(LintReport) + Send))>,
    ) -> Result<LintReport, LintError> {
        let engine = match &mut self.engine {
            Some(engine) => engine,
            None => {
                let mut engine = flaskcheck_linter::Project::new(self.engine_config())?;
                for (path, text) in &self.overlays {
                    engine.set_overlay(path, Arc::clone(text));
                }
                self.stale = true;
                self.engine.insert(engine)
            }
        };
        if !self.stale {
            for path in std::mem::take(&mut self.changed) {
                // A file the project does not have yet (a new one): find the files again.
                if !engine.update_file(&path) {
                    self.stale = true;
                    break;
                }
            }
        }
        let scope = ReportScope::Paths(paths.iter().map(|path| paths::normalize(path)).collect());
        if self.stale {
            engine.refresh()?;
            self.stale = false;
            self.changed.clear();
            // Filled from disk: what the cache lacked is written for the next start (overlays
            // never are).
            return Ok(engine.check_and_save(&scope));
        }
        Ok(match first {
            Some((edited, first)) => engine.check_edited(&scope, &paths::normalize(edited), first),
            None => engine.check(&scope),
        })
    }

    /// Problems met by the engine (a cache that could not be read or written), each once.
    pub fn take_warnings(&mut self) -> Vec<String> {
        self.engine
            .as_mut()
            .map(flaskcheck_linter::Project::take_warnings)
            .unwrap_or_default()
    }

    fn engine_config(&self) -> ProjectConfig {
        let settings = &self.settings;
        let (root, paths, cache_dir) = match &self.scope {
            // Named by its absolute path, every file is spelled absolute in the report.
            Scope::Root(root) => (
                Some(root.clone()),
                vec![root.clone()],
                Some(
                    settings
                        .cache_dir
                        .clone()
                        .unwrap_or_else(|| root.join(DEFAULT_CACHE_DIR)),
                ),
            ),
            Scope::File(file) => (None, vec![file.clone()], None),
        };
        ProjectConfig {
            root,
            paths,
            selection: settings.selection.clone(),
            exclude: settings.exclude.clone(),
            per_file_ignores: settings.per_file_ignores.clone(),
            report_unused_suppressions: settings.report_unused_suppressions,
            threads: self.threads,
            cache_dir,
        }
    }
}

/// The settings for files at `start` (a folder or a file) with `overrides` on top, as the command
/// line resolves them; on a problem, the defaults (with the overrides, if they are valid by
/// themselves) and the problems.
fn resolve_settings(start: &Path, overrides: &Overrides) -> (Settings, Vec<String>) {
    let cwd = if start.is_dir() {
        start
    } else {
        start.parent().unwrap_or(start)
    };
    let mut overrides = overrides.clone();
    if overrides.cache_dir.is_none() {
        overrides.cache_dir = std::env::var_os(CACHE_DIR_ENV)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from);
    }
    let mut problems = Vec::new();
    let config = match ConfigFile::find(start, cwd, &mut problems) {
        Ok(config) => config,
        Err(err) => {
            problems.push(err.to_string());
            None
        }
    };
    match Settings::resolve(config.as_ref(), &overrides, cwd) {
        Ok(settings) => return (settings, problems),
        Err(err) => problems.push(err.to_string()),
    }
    // Without the file; if the overrides were the problem, it was reported above.
    if config.is_some() {
        if let Ok(settings) = Settings::resolve(None, &overrides, cwd) {
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

    fn folder(root: &Path) -> (Project, Vec<String>) {
        Project::new(Scope::Root(root.to_path_buf()), Overrides::default())
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
        let (mut project, problems) = folder(&root);
        assert!(problems.is_empty(), "{problems:?}");
        let report = project.check(std::slice::from_ref(&views)).unwrap();
        assert_eq!(codes(&report), [("views.py".to_string(), "FC101")]);
        assert!(
            report.file(report.diagnostics[0].file).path.is_absolute(),
            "files are named absolute"
        );

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
        assert_eq!(project.file_count(), 3);
    }

    /// An editor's buffer is not read from disk, so the reader's checks do not see it: the same
    /// limits hold for it (NUL bytes, nesting, the size cap), each an FC000 in that file alone.
    #[test]
    fn a_hostile_buffer_is_fc000_and_the_project_goes_on() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let views = root.join("app/views.py");
        let models = root.join("app/models.py");
        let (mut project, _) = folder(&root);
        let too_large = "#".repeat(flaskcheck_linter::file_io::MAX_FILE_SIZE as usize + 1);
        let buffers = [
            ("x = 1\0\n".to_string(), "null bytes"),
            (
                format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000)),
                "nested",
            ),
            (format!("x = {}1\n", "-".repeat(300_000)), "nested"),
            (too_large, "larger than"),
        ];
        for (text, expected) in buffers {
            project.set_overlay(&models, Arc::from(text));
            let report = project.check(&[models.clone(), views.clone()]).unwrap();
            let found: Vec<_> = report
                .diagnostics
                .iter()
                .map(|d| (d.rule.code(), d.message.clone()))
                .collect();
            assert_eq!(found.len(), 1, "{expected}: {found:?}");
            assert_eq!(found[0].0, "FC000", "{expected}: {found:?}");
            assert!(found[0].1.contains(expected), "{expected}: {found:?}");
            assert_eq!(
                report.file(report.diagnostics[0].file).path,
                models,
                "{found:?}"
            );
        }
        // The buffer closed, the file on disk is analysed again.
        project.remove_overlay(&models);
        let report = project.check(std::slice::from_ref(&views)).unwrap();
        assert_eq!(codes(&report), [("views.py".to_string(), "FC101")]);
    }

    /// What an editor shows of a report: place, code, message, related locations.
    fn described(report: &LintReport) -> Vec<String> {
        report
            .diagnostics
            .iter()
            .map(|d| {
                let name = |id| report.file(id).path.display().to_string();
                let related: Vec<String> = d
                    .related
                    .iter()
                    .map(|r| format!("{}:{} {}", name(r.file), r.span.start.line, r.message))
                    .collect();
                format!(
                    "{}:{} {} {} {related:?}",
                    name(d.file),
                    d.span.start.line,
                    d.rule.code(),
                    d.message
                )
            })
            .collect()
    }

    #[test]
    fn after_each_edit_the_findings_are_those_of_a_project_made_afresh() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let views = root.join("app/views.py");
        let models = root.join("app/models.py");
        let chosen = VIEW.replace("jsonify(user)", "jsonify({\"id\": user.id})");
        // Buffers set (`Some`) or closed (`None`), in turn: the model goes and comes back, the view
        // stops leaking, then is saved twice with the same text.
        let edits: [(&PathBuf, Option<&str>); 6] = [
            (&models, Some("class User:\n    pass\n")),
            (&views, Some(&chosen)),
            (&models, None),
            (&views, Some(VIEW)),
            (&views, Some(VIEW)),
            (&views, None),
        ];
        let (mut project, _) = folder(&root);
        let scopes = [
            vec![views.clone()],
            vec![models.clone()],
            vec![root.clone()],
        ];
        for scope in &scopes {
            project.check(scope).unwrap();
        }
        let mut overlays: BTreeMap<PathBuf, Arc<str>> = BTreeMap::new();
        let mut in_view = Vec::new();
        for (path, text) in edits {
            match text {
                Some(text) => {
                    project.set_overlay(path, Arc::from(text));
                    overlays.insert(path.clone(), Arc::from(text));
                }
                None => {
                    project.remove_overlay(path);
                    overlays.remove(path);
                }
            }
            let (mut fresh, _) = folder(&root);
            for (path, text) in &overlays {
                fresh.set_overlay(path, Arc::clone(text));
            }
            for scope in &scopes {
                let kept = described(&project.check(scope).unwrap());
                assert_eq!(kept, described(&fresh.check(scope).unwrap()), "{scope:?}");
            }
            in_view.push(project.check(&scopes[0]).unwrap().diagnostics.len());
        }
        // The leak goes with the model, stays gone while the view returns chosen fields, and
        // comes back with the view's first text.
        assert_eq!(in_view, [0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn files_changed_on_disk_are_read_again() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let views = root.join("app/views.py");
        let (mut project, _) = folder(&root);
        assert_eq!(
            codes(&project.check(std::slice::from_ref(&views)).unwrap()).len(),
            1
        );
        fs::write(&views, VIEW.replace("jsonify(user)", "jsonify(user.id)")).unwrap();
        // Until it is told, the project keeps what it read.
        assert_eq!(
            codes(&project.check(std::slice::from_ref(&views)).unwrap()).len(),
            1
        );
        project.file_changed(&views);
        assert_eq!(
            codes(&project.check(std::slice::from_ref(&views)).unwrap()),
            []
        );
        // A new file appears.
        let admin = root.join("app/admin.py");
        fs::write(&admin, VIEW.replace("def show", "def admin")).unwrap();
        project.files_changed();
        assert_eq!(
            codes(&project.check(std::slice::from_ref(&admin)).unwrap()),
            [("admin.py".to_string(), "FC101")]
        );
        assert_eq!(project.file_count(), 4);
    }

    #[test]
    fn an_unsaved_new_file_is_analysed_with_its_project() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let draft = root.join("app/draft.py");
        let (mut project, _) = folder(&root);
        project.check(&[]).unwrap();
        project.set_overlay(&draft, Arc::from(VIEW.replace("def show", "def draft")));
        let report = project.check(std::slice::from_ref(&draft)).unwrap();
        assert_eq!(codes(&report), [("draft.py".to_string(), "FC101")]);
        assert!(!draft.exists());
    }

    #[test]
    fn findings_of_other_files_are_reported_where_the_file_takes_part() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let (mut project, _) = folder(&root);
        // The leak is in views.py; models.py holds no related location of it.
        let report = project.check(&[root.join("app/models.py")]).unwrap();
        assert_eq!(codes(&report), []);
        let report = project.check(&[root.join("app")]).unwrap();
        assert_eq!(codes(&report), [("views.py".to_string(), "FC101")]);
    }

    #[test]
    fn settings_problems_fall_back_to_the_defaults_and_reloading_keeps_good_ones() {
        let dir = app();
        let root = dir.path().to_path_buf();
        fs::write(root.join("flaskcheck.toml"), "ignore = [\"FC101\"]\n").unwrap();
        let views = root.join("app/views.py");
        let (mut project, problems) = folder(&root);
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

        let (mut project, problems) = folder(&root);
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
    fn the_scope_is_found_as_the_command_line_finds_the_root() {
        let dir = app();
        let root = dir.path().to_path_buf();
        let views = root.join("app/views.py");
        // No marker in the temporary folder or above it: the workspace folder holding the
        // file, else the paths' common folder.
        assert_eq!(
            Scope::of(
                std::slice::from_ref(&views),
                None,
                std::slice::from_ref(&root)
            ),
            Scope::Root(root.clone())
        );
        assert_eq!(
            Scope::of(&[views.clone(), root.join("app/models.py")], None, &[]),
            Scope::Root(root.join("app"))
        );
        fs::create_dir(root.join(".git")).unwrap();
        assert_eq!(
            Scope::of(std::slice::from_ref(&views), None, &[]),
            Scope::Root(root.clone())
        );
        assert_eq!(
            Scope::of(&[root.join("app/new/draft.py")], None, &[]),
            Scope::Root(root.clone())
        );
        // The configuration's folder wins over a marker, and over the workspace folder.
        fs::write(root.join("app/flaskcheck.toml"), "").unwrap();
        assert_eq!(
            Scope::of(
                std::slice::from_ref(&views),
                None,
                std::slice::from_ref(&root)
            ),
            Scope::Root(root.join("app"))
        );
        assert_eq!(
            Scope::of(std::slice::from_ref(&views), Some(&root), &[]),
            Scope::Root(root.clone())
        );
    }

    #[test]
    fn a_file_alone_sees_only_itself_even_before_it_is_saved() {
        let dir = app();
        let views = dir.path().join("app/views.py");
        let scope = Scope::File(views.clone());
        assert!(scope.contains(&views));
        assert!(!scope.contains(&dir.path().join("app/models.py")));
        let (mut project, _) = Project::new(scope, Overrides::default());
        // Without models.py, `User` is not known to be a model.
        assert_eq!(
            codes(&project.check(std::slice::from_ref(&views)).unwrap()),
            []
        );

        let scratch = dir.path().join("scratch.py");
        let (mut project, _) = Project::new(Scope::File(scratch.clone()), Overrides::default());
        project.set_overlay(
            &scratch,
            Arc::from("from flask import Flask\n\napp = Flask(__name__)\napp.run(debug=True)\n"),
        );
        let report = project.check(std::slice::from_ref(&scratch)).unwrap();
        assert_eq!(codes(&report), [("scratch.py".to_string(), "FC503")]);
    }
}
