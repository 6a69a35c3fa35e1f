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
use flaskcheck_linter::{paths, LintReport, Overrides};
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
    /// The document of each scope typed in last since the scope was analysed: its diagnostics are
    /// published before the rest of the project is checked.
    typed: BTreeMap<Scope, Url>,
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
            typed: BTreeMap::new(),
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
                self.set_text(uri.clone(), path, version, text);
                let scope = self.open[&uri].scope.clone();
                self.typed.insert(scope, uri);
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
        let typed = self
            .typed
            .remove(scope)
            .and_then(|uri| Some((self.open.get(&uri)?, uri)))
            .filter(|(document, _)| document.scope == *scope)
            .map(|(document, uri)| (uri, document.path.clone(), document.version));
        let report = match typed {
            // The typed document's diagnostics first: the rest of the project takes longer.
            Some((uri, path, version)) => {
                let overlays = project.overlays().clone();
                let reports = self.reports.clone();
                let encoding = self.encoding;
                let mut first: Option<Vec<Published>> = None;
                let mut publish = |report: LintReport| {
                    let open = |path: &Path| overlays.get(&paths::normalize(path)).cloned();
                    let diagnostics = by_document(&report, &open, encoding)
                        .remove(path.as_path())
                        .unwrap_or_default();
                    let _ = reports.send(Report::Diagnostics {
                        uri: uri.clone(),
                        version,
                        diagnostics: diagnostics.clone(),
                    });
                    first = Some(diagnostics);
                };
                let report = project
                    .check_edited(&paths, &path, &mut publish)
                    .map_err(|err| err.to_string())?;
                if let Some(diagnostics) = first {
                    if let Some(document) = self.open.get_mut(&uri) {
                        document.fresh = false;
                    }
                    self.published.insert(uri, diagnostics);
                }
                report
            }
            None => project.check(&paths).map_err(|err| err.to_string())?,
        };
        let warnings = project.take_warnings();

        let project = &*project;
        let open = |path: &Path| project.overlay(path).cloned();
        let mut by_path = by_document(&report, &open, self.encoding);
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

/// A report's findings as published, by the document they are in.
fn by_document(
    report: &LintReport,
    open: &dyn Fn(&Path) -> Option<Arc<str>>,
    encoding: PositionEncoding,
) -> HashMap<PathBuf, Vec<Published>> {
    let mut texts = Texts::new(report, open, encoding);
    let mut by_path: HashMap<PathBuf, Vec<Published>> = HashMap::new();
    for finding in &report.diagnostics {
        let path = &report.file(finding.file).path;
        by_path
            .entry(path.clone())
            .or_default()
            .push(texts.diagnostic(finding));
    }
    by_path
}

fn describe(scope: &Scope) -> String {
    match scope {
        Scope::Root(root) => format!("the project at {}", root.display()),
        Scope::File(path) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crossbeam_channel::unbounded;

    use super::*;

    const REPOSITORY: &str = "from pymongo import MongoClient\n\ncontacts = MongoClient().crm.contacts\n\n\ndef find_contacts(owner):\n    return contacts.find({\"owner\": owner})\n\n\ndef load_user(user_id):\n    from crm.models import User\n\n    return User.query.get_or_404(user_id)\n";

    const MODELS: &str = "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n";

    const ACCOUNTS: &str = "from flask import Flask, jsonify\n\nfrom crm.repository import load_user\n\napp = Flask(__name__)\n\n\n@app.get(\"/users/<int:user_id>\")\ndef show(user_id):\n    return jsonify(load_user(user_id))\n";

    fn view(name: &str) -> String {
        format!("from flask import Flask, jsonify\n\nfrom crm.repository import find_contacts\n\napp = Flask(__name__)\n\n\n@app.get(\"/{name}/<owner>\")\ndef {name}(owner):\n    return jsonify(list(find_contacts(owner)))\n")
    }

    /// Mongo finds in `crm/repository.py` whose documents two views return: FC104 is reported
    /// in the repository by the views' passes. The repository also loads a `User` that a third
    /// view, `accounts.py`, returns whole (FC101, in the view).
    fn write_project(root: &Path) -> [PathBuf; 3] {
        fs::create_dir(root.join("crm")).unwrap();
        fs::write(root.join("crm/__init__.py"), "").unwrap();
        fs::write(root.join("crm/models.py"), MODELS).unwrap();
        fs::write(root.join("crm/repository.py"), REPOSITORY).unwrap();
        fs::write(root.join("crm/accounts.py"), ACCOUNTS).unwrap();
        for name in ["contacts", "export"] {
            fs::write(root.join(format!("crm/{name}.py")), view(name)).unwrap();
        }
        ["repository", "contacts", "accounts"].map(|name| root.join(format!("crm/{name}.py")))
    }

    fn worker(root: &Path) -> (Worker, Receiver<Report>) {
        let (reports, received) = unbounded();
        let worker = Worker::new(
            vec![root.to_path_buf()],
            Overrides::default(),
            PositionEncoding::Utf16,
            2,
            reports,
        );
        (worker, received)
    }

    /// The diagnostics published since the last call, in order: document, version, and each
    /// diagnostic's code, line and related locations' lines.
    fn published(received: &Receiver<Report>) -> Vec<(Url, i32, Vec<String>)> {
        received
            .try_iter()
            .filter_map(|report| match report {
                Report::Diagnostics {
                    uri,
                    version,
                    diagnostics,
                } => Some((uri, version, diagnostics.iter().map(shown).collect())),
                _ => None,
            })
            .collect()
    }

    fn shown(published: &Published) -> String {
        let diagnostic = &published.diagnostic;
        let related: Vec<String> = diagnostic
            .related_information
            .iter()
            .flatten()
            .map(|related| {
                let path = related.location.uri.path();
                let name = path.rsplit('/').next().unwrap_or(path);
                format!("{name}:{}", related.location.range.start.line)
            })
            .collect();
        format!(
            "{:?}:{} {} {related:?}",
            diagnostic.code, diagnostic.range.start.line, diagnostic.message
        )
    }

    fn set(worker: &mut Worker, path: &Path, version: i32, text: &str, open: bool) {
        let uri = Url::from_file_path(path).unwrap();
        let (path, text) = (path.to_path_buf(), Arc::from(text));
        worker.apply(if open {
            Job::Open {
                uri,
                path,
                version,
                text,
            }
        } else {
            Job::Change {
                uri,
                path,
                version,
                text,
            }
        });
    }

    /// What a worker shows for each open document: the last diagnostics published for it.
    fn shown_now(history: &[(Url, i32, Vec<String>)]) -> BTreeMap<Url, (i32, Vec<String>)> {
        history
            .iter()
            .map(|(uri, version, shown)| (uri.clone(), (*version, shown.clone())))
            .collect()
    }

    #[test]
    fn the_typed_document_is_published_first_and_the_end_state_is_a_cold_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let [repository, contacts, accounts] = write_project(&root);
        let [repository_uri, contacts_uri, accounts_uri] =
            [&repository, &contacts, &accounts].map(|path| Url::from_file_path(path).unwrap());
        let (mut worker, received) = worker(&root);
        set(&mut worker, &repository, 1, REPOSITORY, true);
        set(&mut worker, &contacts, 1, &view("contacts"), true);
        set(&mut worker, &accounts, 1, ACCOUNTS, true);
        worker.analyse_dirty();
        let mut history = published(&received);
        assert!(history[0].0 == accounts_uri && history[0].2[0].contains("FC101"));

        // Typing in the repository: its own pass finds nothing; its FC104 comes from the
        // views' passes, and is published first, before the rest of the project is checked.
        let typed = format!("{REPOSITORY}\nLIMIT = 10\n");
        set(&mut worker, &repository, 2, &typed, false);
        worker.analyse_dirty();
        let after = published(&received);
        assert_eq!(after[0].0, repository_uri);
        assert_eq!(after[0].1, 2);
        assert_eq!(after[0].2.len(), 1, "{after:?}");
        assert!(
            after[0].2[0].contains("FC104")
                && after[0].2[0].contains("contacts.py:9")
                && after[0].2[0].contains("export.py:9"),
            "{after:?}"
        );
        assert_eq!(after.len(), 1, "nothing else changed: {after:?}");
        history.extend(after);

        // Typing in the repository so that it loads chosen fields: the repository first, then
        // the view it no longer leaks a model to (which the documents' order would put first).
        let typed = typed.replace(
            "    return User.query.get_or_404(user_id)\n",
            "    user = User.query.get_or_404(user_id)\n    return {\"id\": user.id}\n",
        );
        set(&mut worker, &repository, 3, &typed, false);
        worker.analyse_dirty();
        let after = published(&received);
        assert_eq!(
            after
                .iter()
                .map(|(uri, version, shown)| (uri, *version, shown.len()))
                .collect::<Vec<_>>(),
            [(&repository_uri, 3, 1), (&accounts_uri, 1, 0)]
        );
        history.extend(after);

        // Typing in a view that stops returning the documents: the view first, then the
        // repository, whose finding keeps the other view only.
        let chosen = view("contacts").replace("jsonify(list(find_contacts(owner)))", "jsonify([])");
        set(&mut worker, &contacts, 2, &chosen, false);
        worker.analyse_dirty();
        let after = published(&received);
        assert_eq!(
            after.iter().map(|(uri, _, _)| uri).collect::<Vec<_>>(),
            [&contacts_uri, &repository_uri]
        );
        assert!(after[0].2.is_empty(), "{after:?}");
        assert!(
            after[1].2.len() == 1 && !after[1].2[0].contains("contacts.py"),
            "{after:?}"
        );
        history.extend(after);

        let (mut cold, cold_received) = self::worker(&root);
        set(&mut cold, &repository, 3, &typed, true);
        set(&mut cold, &contacts, 2, &chosen, true);
        set(&mut cold, &accounts, 1, ACCOUNTS, true);
        cold.analyse_dirty();
        assert_eq!(shown_now(&history), shown_now(&published(&cold_received)));
    }
}
