//! The analysis thread: it holds a project for each root the open documents belong to (found as
//! the command line finds it, with the workspace folders as the fallback), applies the editor's
//! changes to them, waits for typing to pause, analyses, and hands the main loop the diagnostics
//! of every open document whose findings changed.
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
use lsp_types::{FileChangeType, MessageType, Url};

use super::caught;
use super::convert::{Published, Texts};
use crate::analysis::{Project, Scope};

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
    FilesChanged(Vec<(PathBuf, FileChangeType)>),
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
    scope: Scope,
    version: i32,
    /// Changed since its diagnostics were last published: published even if they are the same,
    /// so the client knows they belong to the new version.
    fresh: bool,
}

pub(crate) struct Worker {
    encoding: PositionEncoding,
    overrides: Overrides,
    threads: usize,
    debounce: Duration,
    /// The client's workspace folders: the root of a file no project marker claims.
    folders: Vec<PathBuf>,
    /// A project for each scope that has open documents.
    projects: BTreeMap<Scope, Project>,
    open: BTreeMap<Url, OpenDocument>,
    published: HashMap<Url, Vec<Published>>,
    dirty: BTreeSet<Scope>,
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
        Worker {
            encoding,
            overrides,
            threads,
            debounce: DEBOUNCE,
            folders,
            projects: BTreeMap::new(),
            open: BTreeMap::new(),
            published: HashMap::new(),
            dirty: BTreeSet::new(),
            reports,
        }
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
                    self.dirty.insert(document.scope.clone());
                }
                true
            }
            Job::Close { uri } => {
                self.published.remove(&uri);
                if let Some(document) = self.open.remove(&uri) {
                    let scope = document.scope;
                    if self.open.values().any(|other| other.scope == scope) {
                        if let Some(project) = self.projects.get_mut(&scope) {
                            project.remove_overlay(&document.path);
                        }
                        // What the buffer said may have mattered to the other open files.
                        self.dirty.insert(scope);
                    } else {
                        self.projects.remove(&scope);
                    }
                }
                true
            }
            Job::ConfigChanged => {
                // A new or changed configuration may move roots as well as change settings.
                self.rebuild("the settings in use stay until it is fixed");
                true
            }
            Job::FilesChanged(changes) => {
                for (path, change) in changes {
                    for (scope, project) in &mut self.projects {
                        if !scope.contains(&path) {
                            continue;
                        }
                        if change == FileChangeType::CHANGED {
                            project.file_changed(&path);
                        } else {
                            project.files_changed();
                        }
                        self.dirty.insert(scope.clone());
                    }
                }
                false
            }
            Job::Folders { added, removed } => {
                self.folders.retain(|folder| !removed.contains(folder));
                self.folders.extend(added);
                self.rebuild("using the default settings until it is fixed");
                true
            }
        }
    }

    /// The client's text of an open document, which stands for the file from now on.
    fn set_text(&mut self, uri: Url, path: PathBuf, version: i32, text: Arc<str>) {
        let scope = match self.open.get(&uri) {
            Some(document) => document.scope.clone(),
            None => Scope::of(std::slice::from_ref(&path), None, &self.folders),
        };
        self.project_for(&scope).set_overlay(&path, text);
        self.dirty.insert(scope.clone());
        self.open.insert(
            uri,
            OpenDocument {
                path,
                scope,
                version,
                fresh: true,
            },
        );
    }

    /// Finds every open document's project again (with its settings), as at the start.
    fn rebuild(&mut self, consequence: &str) {
        let old = std::mem::take(&mut self.projects);
        let uris: Vec<Url> = self.open.keys().cloned().collect();
        for uri in uris {
            let path = self.open[&uri].path.clone();
            let scope = Scope::of(std::slice::from_ref(&path), None, &self.folders);
            let text = old
                .get(&self.open[&uri].scope)
                .and_then(|project| project.overlay(&path).cloned());
            let project = self.project_for_with(&scope, consequence);
            if let Some(text) = text {
                project.set_overlay(&path, text);
            }
            let document = self.open.get_mut(&uri).expect("listed above");
            document.scope = scope.clone();
            document.fresh = true;
            self.dirty.insert(scope);
        }
    }

    fn project_for(&mut self, scope: &Scope) -> &mut Project {
        self.project_for_with(scope, "using the default settings until it is fixed")
    }

    fn project_for_with(&mut self, scope: &Scope, consequence: &str) -> &mut Project {
        if !self.projects.contains_key(scope) {
            let (project, problems) = Project::new(scope.clone(), self.overrides.clone());
            self.show_problems(problems, consequence);
            self.projects
                .insert(scope.clone(), project.with_threads(self.threads));
        }
        self.projects.get_mut(scope).expect("inserted above")
    }

    fn show_problems(&self, problems: Vec<String>, consequence: &str) {
        for problem in problems {
            let _ = self.reports.send(Report::Show {
                kind: MessageType::ERROR,
                message: format!("flaskcheck: {problem} ({consequence})"),
            });
        }
    }

    fn analyse_dirty(&mut self) {
        for scope in std::mem::take(&mut self.dirty) {
            let started = Instant::now();
            match caught(|| self.analyse(&scope)) {
                Ok(Ok(documents)) => {
                    self.log(
                        MessageType::LOG,
                        format!(
                            "analysed {} in {:.1} ms ({documents} open documents)",
                            describe(&scope),
                            started.elapsed().as_secs_f64() * 1000.0
                        ),
                    );
                }
                Ok(Err(message)) => self.log(
                    MessageType::ERROR,
                    format!("analysing {} failed: {message}", describe(&scope)),
                ),
                Err(panic) => self.log(
                    MessageType::ERROR,
                    format!(
                        "analysing {} failed: panic: {panic} (this is a bug in flaskcheck; the server goes on)",
                        describe(&scope),
                    ),
                ),
            }
        }
    }

    /// Analyses one project and reports the diagnostics of its open documents that changed;
    /// returns how many open documents it has.
    fn analyse(&mut self, scope: &Scope) -> Result<usize, String> {
        let documents: Vec<(Url, PathBuf)> = self
            .open
            .iter()
            .filter(|(_, document)| document.scope == *scope)
            .map(|(uri, document)| (uri.clone(), document.path.clone()))
            .collect();
        let Some(project) = self.projects.get_mut(scope) else {
            return Ok(0);
        };
        if documents.is_empty() {
            return Ok(0);
        }
        let paths: Vec<PathBuf> = documents.iter().map(|(_, path)| path.clone()).collect();
        let report = project.check(&paths).map_err(|err| err.to_string())?;
        let warnings = project.take_warnings();

        let project = &*project;
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
        for warning in warnings {
            self.log(MessageType::WARNING, warning);
        }
        Ok(count)
    }

    fn log(&self, kind: MessageType, message: String) {
        let _ = self.reports.send(Report::Log { kind, message });
    }
}

fn describe(scope: &Scope) -> String {
    match scope {
        Scope::Root(root) => format!("the project at {}", root.display()),
        Scope::File(path) => path.display().to_string(),
    }
}
