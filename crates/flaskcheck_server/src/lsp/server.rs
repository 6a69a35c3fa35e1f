//! The main loop: the protocol's life cycle (initialize, shutdown, exit), the open documents,
//! requests answered from the diagnostics last published, and the analysis handed to the worker.

use std::collections::HashMap;
use std::path::PathBuf;
use std::thread;

use crossbeam_channel::{never, select, unbounded, Receiver, Sender};
use flaskcheck_linter::Overrides;
use flaskcheck_python::PositionEncoding;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidChangeWorkspaceFolders, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, LogMessage, Notification as _, PublishDiagnostics,
    ShowMessage,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, InitializeParams, InitializeResult, LogMessageParams, MessageType,
    PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::convert::Published;
use super::document::Document;
use super::options::InitializationOptions;
use super::transport::{Incoming, Outgoing};
use super::worker::{Job, Report, Worker};
use super::{caught, code_action, hover, position};

/// Where the life cycle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before `initialize`: requests are refused, notifications dropped.
    Uninitialized,
    Running,
    /// After `shutdown`: only `exit` is expected.
    ShutDown,
}

/// How the loop ended: the process's exit code, as the specification asks (0 after `shutdown`
/// then `exit`, 1 otherwise).
pub(crate) type ExitCode = i32;

pub(crate) struct Server {
    out: Sender<Outgoing>,
    phase: Phase,
    encoding: PositionEncoding,
    documents: HashMap<Url, Document>,
    published: HashMap<Url, Vec<Published>>,
    jobs: Option<Sender<Job>>,
    reports: Receiver<Report>,
    worker: Option<thread::JoinHandle<()>>,
    threads: usize,
    watch_dynamically: bool,
    next_request: i32,
}

impl Server {
    pub(crate) fn new(out: Sender<Outgoing>, threads: usize) -> Self {
        Server {
            out,
            phase: Phase::Uninitialized,
            encoding: PositionEncoding::Utf16,
            documents: HashMap::new(),
            published: HashMap::new(),
            jobs: None,
            reports: never(),
            worker: None,
            threads,
            watch_dynamically: false,
            next_request: 0,
        }
    }

    pub(crate) fn run(mut self, incoming: &Receiver<Incoming>) -> ExitCode {
        let code = loop {
            let reports = self.reports.clone();
            select! {
                recv(incoming) -> item => match item {
                    Ok(item) => {
                        if let Some(code) = self.handle(item) {
                            break code;
                        }
                    }
                    // The client went away without `exit`.
                    Err(_) => break 1,
                },
                recv(reports) -> report => match report {
                    Ok(report) => self.on_report(report),
                    Err(_) => self.reports = never(),
                },
            }
        };
        // Hanging up ends the worker once its current analysis is done; a process about to exit
        // does not wait for it.
        self.jobs = None;
        drop(self.worker.take());
        code
    }

    fn handle(&mut self, item: Incoming) -> Option<ExitCode> {
        match item {
            Incoming::Malformed { id, code, message } => {
                self.send(Outgoing::Error { id, code, message });
                None
            }
            Incoming::Message(Message::Request(request)) => {
                self.on_request(request);
                None
            }
            Incoming::Message(Message::Notification(notification)) => {
                if notification.method == "exit" {
                    return Some(if self.phase == Phase::ShutDown { 0 } else { 1 });
                }
                if self.phase == Phase::Running {
                    self.guarded(&notification.method.clone(), |server| {
                        server.on_notification(notification);
                    });
                }
                None
            }
            // The only requests this server sends are registrations; a refusal is logged.
            Incoming::Message(Message::Response(response)) => {
                if let Err(error) = response.response_result {
                    self.log(
                        MessageType::WARNING,
                        format!(
                            "the client refused request {}: {}",
                            response.id, error.message
                        ),
                    );
                }
                None
            }
        }
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        let refusal = match (self.phase, request.method.as_str()) {
            (Phase::Uninitialized, "initialize") => None,
            (Phase::Uninitialized, _) => Some((
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet".to_string(),
            )),
            (Phase::ShutDown, _) => Some((
                ErrorCode::InvalidRequest,
                "the server is shutting down".to_string(),
            )),
            (Phase::Running, "initialize") => Some((
                ErrorCode::InvalidRequest,
                "the server is already initialized".to_string(),
            )),
            (Phase::Running, _) => None,
        };
        if let Some((code, message)) = refusal {
            self.send(Response::new_err(id, code as i32, message));
            return;
        }
        let method = request.method.clone();
        let answered = self.guarded(&method, |server| server.dispatch(request));
        let response = match answered {
            Some(Ok(result)) => Response::new_ok(id, result),
            Some(Err((code, message))) => Response::new_err(id, code as i32, message),
            None => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("flaskcheck failed while answering `{method}` (see its log)"),
            ),
        };
        self.send(response);
    }

    fn dispatch(&mut self, request: Request) -> Result<Value, (ErrorCode, String)> {
        match request.method.as_str() {
            "initialize" => {
                let params: InitializeParams = params(request.params)?;
                let result = self.initialize(params);
                Ok(serde_json::to_value(result).expect("the result serializes"))
            }
            "shutdown" => {
                self.phase = Phase::ShutDown;
                Ok(Value::Null)
            }
            HoverRequest::METHOD => {
                let params = params(request.params)?;
                let hover = hover::hover(&self.published, &params);
                Ok(serde_json::to_value(hover).expect("the hover serializes"))
            }
            CodeActionRequest::METHOD => {
                let params = params(request.params)?;
                let actions =
                    code_action::actions(&self.documents, &self.published, &params, self.encoding);
                Ok(serde_json::to_value(actions).expect("the actions serialize"))
            }
            method => Err((
                ErrorCode::MethodNotFound,
                format!("flaskcheck does not handle `{method}`"),
            )),
        }
    }

    fn initialize(&mut self, params: InitializeParams) -> InitializeResult {
        self.encoding = position::negotiate(&params.capabilities);
        self.watch_dynamically = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|workspace| workspace.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);

        let (options, problems) = InitializationOptions::parse(params.initialization_options);
        for problem in problems {
            self.show(MessageType::WARNING, format!("flaskcheck: {problem}"));
        }
        #[allow(deprecated)] // `rootUri` and `rootPath` are how older clients name one folder.
        let folders: Vec<PathBuf> = match params.workspace_folders {
            Some(folders) if !folders.is_empty() => folders
                .iter()
                .filter_map(|f| f.uri.to_file_path().ok())
                .collect(),
            _ => params
                .root_uri
                .and_then(|uri| uri.to_file_path().ok())
                .or_else(|| params.root_path.map(PathBuf::from))
                .into_iter()
                .collect(),
        };
        self.start_worker(folders, options.overrides());
        self.phase = Phase::Running;

        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(position::kind(self.encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        will_save: None,
                        will_save_wait_until: None,
                        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                            include_text: Some(false),
                        })),
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        work_done_progress_options: Default::default(),
                        resolve_provider: Some(false),
                    },
                )),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(lsp_types::OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "flaskcheck".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        }
    }

    fn start_worker(&mut self, folders: Vec<PathBuf>, overrides: Overrides) {
        let (jobs, job_receiver) = unbounded();
        let (report_sender, reports) = unbounded();
        let encoding = self.encoding;
        let threads = self.threads;
        let spawned = thread::Builder::new()
            .name("flaskcheck-analysis".into())
            // The analysis recurses over deeply nested code, as the linter's workers do.
            .stack_size(flaskcheck_linter::lint::WORKER_STACK_SIZE)
            .spawn(move || {
                Worker::new(folders, overrides, encoding, threads, report_sender)
                    .run(&job_receiver);
            });
        match spawned {
            Ok(handle) => {
                self.jobs = Some(jobs);
                self.reports = reports;
                self.worker = Some(handle);
            }
            Err(err) => self.show(
                MessageType::ERROR,
                format!("flaskcheck cannot start its analysis thread: {err}"),
            ),
        }
    }

    fn on_notification(&mut self, notification: Notification) {
        let method = notification.method.as_str();
        match method {
            "initialized" => self.register_watchers(),
            DidOpenTextDocument::METHOD => {
                let Some(params) =
                    self.notification_params::<lsp_types::DidOpenTextDocumentParams>(notification)
                else {
                    return;
                };
                let document = params.text_document;
                let Some(path) = python_path(&document.uri, &document.language_id) else {
                    return;
                };
                let opened = Document::new(path.clone(), document.version, document.text);
                self.submit(Job::Open {
                    uri: document.uri.clone(),
                    path,
                    version: opened.version,
                    text: opened.text().clone(),
                });
                self.documents.insert(document.uri, opened);
            }
            DidChangeTextDocument::METHOD => {
                let Some(params) = self
                    .notification_params::<lsp_types::DidChangeTextDocumentParams>(notification)
                else {
                    return;
                };
                let uri = params.text_document.uri;
                let Some(document) = self.documents.get_mut(&uri) else {
                    return;
                };
                document.apply(
                    params.content_changes,
                    params.text_document.version,
                    self.encoding,
                );
                let job = Job::Change {
                    uri,
                    path: document.path.clone(),
                    version: document.version,
                    text: document.text().clone(),
                };
                self.submit(job);
            }
            DidSaveTextDocument::METHOD => {
                let Some(params) =
                    self.notification_params::<lsp_types::DidSaveTextDocumentParams>(notification)
                else {
                    return;
                };
                if self.documents.contains_key(&params.text_document.uri) {
                    self.submit(Job::Save {
                        uri: params.text_document.uri,
                    });
                }
            }
            DidCloseTextDocument::METHOD => {
                let Some(params) =
                    self.notification_params::<lsp_types::DidCloseTextDocumentParams>(notification)
                else {
                    return;
                };
                let uri = params.text_document.uri;
                if self.documents.remove(&uri).is_some() {
                    self.published.remove(&uri);
                    self.publish(uri.clone(), None, Vec::new());
                    self.submit(Job::Close { uri });
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let Some(params) =
                    self.notification_params::<DidChangeWatchedFilesParams>(notification)
                else {
                    return;
                };
                let mut config_changed = false;
                let mut python = Vec::new();
                for change in params.changes {
                    let Ok(path) = change.uri.to_file_path() else {
                        continue;
                    };
                    match path.file_name().and_then(|name| name.to_str()) {
                        Some("pyproject.toml" | "flaskcheck.toml") => config_changed = true,
                        Some(name) if name.ends_with(".py") => python.push((path, change.typ)),
                        _ => {}
                    }
                }
                if config_changed {
                    self.submit(Job::ConfigChanged);
                }
                if !python.is_empty() {
                    self.submit(Job::FilesChanged(python));
                }
            }
            DidChangeWorkspaceFolders::METHOD => {
                let Some(params) = self
                    .notification_params::<lsp_types::DidChangeWorkspaceFoldersParams>(
                        notification,
                    )
                else {
                    return;
                };
                let paths = |folders: Vec<lsp_types::WorkspaceFolder>| {
                    folders
                        .into_iter()
                        .filter_map(|folder| folder.uri.to_file_path().ok())
                        .collect()
                };
                self.submit(Job::Folders {
                    added: paths(params.event.added),
                    removed: paths(params.event.removed),
                });
            }
            // Requests are answered as they come, so there is nothing to cancel; the rest is
            // optional for a server.
            _ => {}
        }
    }

    /// Asks the client to report changes to configuration and Python files (the latter change
    /// the project under the open documents: a `git checkout`, a file written by a tool).
    fn register_watchers(&mut self) {
        if !self.watch_dynamically {
            return;
        }
        let watchers = ["**/pyproject.toml", "**/flaskcheck.toml", "**/*.py"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "flaskcheck-watched-files".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: Some(serde_json::to_value(options).expect("options serialize")),
            }],
        };
        self.next_request += 1;
        let id = RequestId::from(format!("flaskcheck-{}", self.next_request));
        self.send(Request::new(
            id,
            RegisterCapability::METHOD.to_string(),
            params,
        ));
    }

    fn on_report(&mut self, report: Report) {
        match report {
            Report::Diagnostics {
                uri,
                version,
                diagnostics,
            } => {
                // The document may have been closed while it was analysed.
                if !self.documents.contains_key(&uri) {
                    return;
                }
                let lsp = diagnostics.iter().map(|p| p.diagnostic.clone()).collect();
                self.published.insert(uri.clone(), diagnostics);
                self.publish(uri, Some(version), lsp);
            }
            Report::Log { kind, message } => self.log(kind, message),
            Report::Show { kind, message } => self.show(kind, message),
        }
    }

    fn publish(&self, uri: Url, version: Option<i32>, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        ));
    }

    fn submit(&mut self, job: Job) {
        if let Some(jobs) = &self.jobs {
            if jobs.send(job).is_err() {
                self.jobs = None;
                self.show(
                    MessageType::ERROR,
                    "flaskcheck's analysis thread stopped; restart the server".to_string(),
                );
            }
        }
    }

    /// Runs a handler, catching a panic: it is logged and the server goes on.
    fn guarded<T>(&mut self, what: &str, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        match caught(|| f(self)) {
            Ok(value) => Some(value),
            Err(panic) => {
                self.log(
                    MessageType::ERROR,
                    format!(
                        "handling `{what}` failed: panic: {panic} (this is a bug in flaskcheck; the server goes on)"
                    ),
                );
                None
            }
        }
    }

    fn notification_params<P: DeserializeOwned>(&self, notification: Notification) -> Option<P> {
        match serde_json::from_value(notification.params) {
            Ok(params) => Some(params),
            Err(err) => {
                self.log(
                    MessageType::ERROR,
                    format!("invalid parameters for `{}`: {err}", notification.method),
                );
                None
            }
        }
    }

    fn log(&self, kind: MessageType, message: String) {
        let params = LogMessageParams { typ: kind, message };
        self.send(Notification::new(LogMessage::METHOD.to_string(), params));
    }

    fn show(&self, kind: MessageType, message: String) {
        let params = ShowMessageParams { typ: kind, message };
        self.send(Notification::new(ShowMessage::METHOD.to_string(), params));
    }

    fn send(&self, message: impl Into<Outgoing>) {
        // A closed output means the client is gone; the input ends next and the loop with it.
        let _ = self.out.send(message.into());
    }
}

fn params<P: DeserializeOwned>(params: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|err| (ErrorCode::InvalidParams, err.to_string()))
}

/// The path of a document flaskcheck analyses: a Python file on disk (or to be saved there).
fn python_path(uri: &Url, language_id: &str) -> Option<PathBuf> {
    let path = uri.to_file_path().ok()?;
    let is_python =
        language_id == "python" || path.extension().is_some_and(|extension| extension == "py");
    is_python.then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_handler_is_logged_and_the_server_goes_on() {
        let (out, sent) = unbounded();
        let mut server = Server::new(out, 1);
        let panicked: Option<i32> = server.guarded("test/method", |_| panic!("boom"));
        assert_eq!(panicked, None);
        assert_eq!(server.guarded("test/other", |_| 7), Some(7));
        let Ok(Outgoing::Message(Message::Notification(log))) = sent.try_recv() else {
            panic!("a log message")
        };
        assert_eq!(log.method, LogMessage::METHOD);
        let params: LogMessageParams = serde_json::from_value(log.params).unwrap();
        assert_eq!(params.typ, MessageType::ERROR);
        assert!(
            params
                .message
                .starts_with("handling `test/method` failed: panic: boom"),
            "{}",
            params.message
        );
        assert!(sent.try_recv().is_err(), "nothing else was sent");
    }
}
