//! The analysis thread: it holds the projects (one per workspace folder, and one per open file
//! outside them), applies the editor's changes to them, waits for typing to pause, analyses, and
//! hands the main loop the diagnostics of every open document whose findings changed.
//!
//! Requests (hover, code actions) never wait for it: the main loop answers them from the
//! diagnostics it last published.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use flaskcheck_linter::Overrides;
use flaskcheck_python::PositionEncoding;
use lsp_types::{MessageType, Url};

use super::caught;
use super::convert::{Published, Texts};
use crate::analysis::Project;

/// How long typing must pause before a change is analysed.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(150);

#[derive(Debug)]
pub(crate) enum Job {
    Open {
        uri: Url,
        path: PathBuf,
        version: i32,
        text: Arc<str>,
    },
    /// Analysed once typing pauses.
    Change {
        uri: Url,
        path: PathBuf,
        version: i32,
        text: Arc<str>,
    },
    Save {
        uri: Url,
    },
    Close {
        uri: Url,
    },
    /// A configuration file changed on disk.
    ConfigChanged,
    /// Python files changed on disk (not through an open document).
    FilesChanged(Vec<PathBuf>),
    Folders {
        added: Vec<PathBuf>,
        removed: Vec<PathBuf>,
    },
}

#[derive(Debug)]
pub(crate) enum Report {
    Diagnostics {
        uri: Url,
        version: i32,
        diagnostics: Vec<Published>,
    },
    /// `window/logMessage`.
    Log { kind: MessageType, message: String },
    /// `window/showMessage`: what the user must act on (a broken configuration).
    Show { kind: MessageType, message: String },
}

#[derive(Debug)]
struct OpenDocument {
    path: PathBuf,
    version: i32,
    text: Arc<str>,
    /// Changed since its diagnostics were last published: published even if they are the same,
    /// so the client knows they belong to the new version.
    fresh: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum ProjectKey {
    Folder(PathBuf),
    File(PathBuf),
}

pub(crate) struct Worker {
    encoding: PositionEncoding,
    overrides: Overrides,
    threads: usize,
    debounce: Duration,
    folders: BTreeMap<PathBuf, Project>,
    /// Projects of one file, for open documents outside every folder.
    files: BTreeMap<PathBuf, Project>,
    open: BTreeMap<Url, OpenDocument>,
    published: HashMap<Url, Vec<Published>>,
    dirty: BTreeSet<ProjectKey>,
    reports: Sender<Report>,
}

impl Worker {
    pub(crate) fn new(
        folders: Vec<PathBuf>,
        overrides: Overrides,
        encoding: PositionEncoding,
        threads: usize,
        reports: Sender<Report>,
    ) -> Self {
        let mut worker = Worker {
            encoding,
            overrides,
            threads,
            debounce: DEBOUNCE,
            folders: BTreeMap::new(),
            files: BTreeMap::new(),
            open: BTreeMap::new(),
            published: HashMap::new(),
            dirty: BTreeSet::new(),
            reports,
        };
        for folder in folders {
            worker.add_folder(folder);
        }
        worker
    }

    /// Serves jobs until the main loop hangs up.
    pub(crate) fn run(mut self, jobs: &Receiver<Job>) {
        // When the analysis is due: now for an open or a save, after a pause for typing.
        let mut due: Option<Instant> = None;
        loop {
            let job = match due {
                None => match jobs.recv() {
                    Ok(job) => Some(job),
                    Err(_) => return,
                },
                Some(at) => match jobs.recv_deadline(at) {
                    Ok(job) => Some(job),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                },
            };
            match job {
                Some(job) => {
                    let now = Instant::now();
                    let wanted = if self.apply(job) {
                        now
                    } else {
                        now + self.debounce
                    };
                    due = Some(due.map_or(wanted, |at| if at <= now { at } else { wanted }));
                }
                None => {
                    due = None;
                    self.analyse_dirty();
                }
            }
        }
    }

    /// Applies one job; `true` when it wants an analysis without waiting for typing to pause.
    fn apply(&mut self, job: Job) -> bool {
        match job {
            Job::Open {
                uri,
                path,
                version,
                text,
            } => {
                self.set_text(uri, path, version, text);
                true
            }
            Job::Change {
                uri,
                path,
                version,
                text,
            } => {
                self.set_text(uri, path, version, text);
                false
            }
            Job::Save { uri } => {
                if let Some(document) = self.open.get_mut(&uri) {
                    document.fresh = true;
                    let path = document.path.clone();
                    let key = self.project_key_for(&path);
                    self.dirty.insert(key);
                }
                true
            }
            Job::Close { uri } => {
                self.published.remove(&uri);
                if let Some(document) = self.open.remove(&uri) {
                    let key = self.project_key_for(&document.path);
                    match &key {
                        ProjectKey::File(path) => {
                            self.files.remove(path);
                        }
                        ProjectKey::Folder(_) => {
                            if let Some(project) = self.project_mut(&key) {
                                project.remove_overlay(&document.path);
                            }
                            // What the buffer said may have mattered to the other open files.
                            self.dirty.insert(key);
                        }
                    }
                }
                true
            }
            Job::ConfigChanged => {
                let mut problems = Vec::new();
                for project in self.folders.values_mut().chain(self.files.values_mut()) {
                    problems.extend(project.reload_settings());
                }
                self.show_problems(problems, "the settings in use stay until it is fixed");
                self.dirty_everything();
                true
            }
            Job::FilesChanged(paths) => {
                for path in paths {
                    if let Some(root) = self.folder_of(&path) {
                        self.dirty.insert(ProjectKey::Folder(root));
                    }
                }
                false
            }
            Job::Folders { added, removed } => {
                for root in removed {
                    self.folders.remove(&root);
                }
                for root in added {
                    self.add_folder(root);
                }
                // Open documents may have moved between projects.
                let open: Vec<(PathBuf, Arc<str>)> = self
                    .open
                    .values()
                    .map(|document| (document.path.clone(), Arc::clone(&document.text)))
                    .collect();
                self.files.clear();
                for (path, text) in open {
                    let key = self.project_key_for(&path);
                    if let Some(project) = self.project_mut(&key) {
                        project.set_overlay(&path, text);
                    }
                }
                self.dirty_everything();
                true
            }
        }
    }

    /// The client's text of an open document, which stands for the file from now on.
    fn set_text(&mut self, uri: Url, path: PathBuf, version: i32, text: Arc<str>) {
        let key = self.project_key_for(&path);
        if let Some(project) = self.project_mut(&key) {
            project.set_overlay(&path, Arc::clone(&text));
        }
        self.dirty.insert(key);
        self.open.insert(
            uri,
            OpenDocument {
                path,
                version,
                text,
                fresh: true,
            },
        );
    }

    fn add_folder(&mut self, root: PathBuf) {
        let (project, problems) = Project::folder(root.clone(), self.overrides.clone());
        self.show_problems(problems, "using the default settings until it is fixed");
        self.folders
            .insert(root, project.with_threads(self.threads));
    }

    fn show_problems(&self, problems: Vec<String>, consequence: &str) {
        for problem in problems {
            let _ = self.reports.send(Report::Show {
                kind: MessageType::ERROR,
                message: format!("flaskcheck: {problem} ({consequence})"),
            });
        }
    }

    fn dirty_everything(&mut self) {
        let paths: Vec<PathBuf> = self.open.values().map(|d| d.path.clone()).collect();
        for path in paths {
            let key = self.project_key_for(&path);
            self.dirty.insert(key);
        }
        for document in self.open.values_mut() {
            document.fresh = true;
        }
    }

    /// The innermost folder holding `path`.
    fn folder_of(&self, path: &Path) -> Option<PathBuf> {
        self.folders
            .iter()
            .filter(|(_, project)| project.contains(path))
            .max_by_key(|(root, _)| root.components().count())
            .map(|(root, _)| root.clone())
    }

    /// The project `path` belongs to, made for it if it is outside every folder.
    fn project_key_for(&mut self, path: &Path) -> ProjectKey {
        if let Some(root) = self.folder_of(path) {
            return ProjectKey::Folder(root);
        }
        if !self.files.contains_key(path) {
            let (project, problems) =
                Project::single_file(path.to_path_buf(), self.overrides.clone());
            self.show_problems(problems, "using the default settings until it is fixed");
            self.files
                .insert(path.to_path_buf(), project.with_threads(self.threads));
        }
        ProjectKey::File(path.to_path_buf())
    }

    fn project_mut(&mut self, key: &ProjectKey) -> Option<&mut Project> {
        match key {
            ProjectKey::Folder(root) => self.folders.get_mut(root),
            ProjectKey::File(path) => self.files.get_mut(path),
        }
    }

    fn project(&self, key: &ProjectKey) -> Option<&Project> {
        match key {
            ProjectKey::Folder(root) => self.folders.get(root),
            ProjectKey::File(path) => self.files.get(path),
        }
    }

    fn analyse_dirty(&mut self) {
        for key in std::mem::take(&mut self.dirty) {
            let started = Instant::now();
            let outcome = caught(|| self.analyse(&key));
            match outcome {
                Ok(Ok(documents)) => {
                    self.log(
                        MessageType::LOG,
                        format!(
                            "analysed {} in {:.1} ms ({documents} open documents)",
                            describe(&key),
                            started.elapsed().as_secs_f64() * 1000.0
                        ),
                    );
                }
                Ok(Err(message)) => self.log(
                    MessageType::ERROR,
                    format!("analysing {} failed: {message}", describe(&key)),
                ),
                Err(panic) => self.log(
                    MessageType::ERROR,
                    format!(
                        "analysing {} failed: panic: {panic} (this is a bug in flaskcheck; the server goes on)",
                        describe(&key),
                    ),
                ),
            }
        }
    }

    /// Analyses one project and reports the diagnostics of its open documents that changed;
    /// returns how many open documents it has.
    fn analyse(&mut self, key: &ProjectKey) -> Result<usize, String> {
        let Some(project) = self.project(key) else {
            return Ok(0);
        };
        let documents: Vec<(Url, PathBuf)> = self
            .open
            .iter()
            .filter(|(_, document)| project.contains(&document.path))
            .map(|(uri, document)| (uri.clone(), document.path.clone()))
            .collect();
        if documents.is_empty() {
            return Ok(0);
        }
        let paths: Vec<PathBuf> = documents.iter().map(|(_, path)| path.clone()).collect();
        let report = project.check(&paths).map_err(|err| err.to_string())?;

        let open = |path: &Path| project.overlay(path).cloned();
        let mut texts = Texts::new(&report, &open, self.encoding);
        let mut by_path: HashMap<&Path, Vec<Published>> = HashMap::new();
        for finding in &report.diagnostics {
            let path = report.file(finding.file).path.as_path();
            by_path
                .entry(path)
                .or_default()
                .push(texts.diagnostic(finding));
        }
        let count = documents.len();
        for (uri, path) in documents {
            let diagnostics = by_path.remove(path.as_path()).unwrap_or_default();
            let Some(document) = self.open.get_mut(&uri) else {
                continue;
            };
            let unchanged = self.published.get(&uri) == Some(&diagnostics);
            if unchanged && !document.fresh {
                continue;
            }
            document.fresh = false;
            self.published.insert(uri.clone(), diagnostics.clone());
            let _ = self.reports.send(Report::Diagnostics {
                uri,
                version: document.version,
                diagnostics,
            });
        }
        Ok(count)
    }

    fn log(&self, kind: MessageType, message: String) {
        let _ = self.reports.send(Report::Log { kind, message });
    }
}

fn describe(key: &ProjectKey) -> String {
    match key {
        ProjectKey::Folder(root) => format!("the project at {}", root.display()),
        ProjectKey::File(path) => path.display().to_string(),
    }
}
