//! The pipeline, top to bottom: discover → parse and analyze each file (in parallel; the AST is
//! dropped as soon as the file's facts are taken) → merge the facts into the project index →
//! run the project checks per file (in parallel) → sort.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use flaskcheck_python::{parse_module, ErrorKind, Position, SyntaxError, TextRange};
use rayon::prelude::*;

use crate::analyze::{analyze_module, FileAnalysis, ModuleName};
use crate::check::check_file;
use crate::diagnostic::{Diagnostic, Span};
use crate::discover::{discover, DiscoverError, ExcludeSet, DEFAULT_EXCLUDES};
use crate::index::ProjectIndex;
use crate::module_name::PackageCache;
use crate::panic::{install_quiet_hook, panic_message, quietly};
use crate::registry::Rule;
use crate::selection::RuleSelection;
use crate::settings::PerFileIgnores;
use crate::source::{FileId, LoadError, SourceFile};
use crate::suppression::{self, FileSuppressions};

/// Each worker thread gets this much stack: deeply nested (but valid) code recurses deeply, and
/// a stack overflow aborts the process instead of failing one file.
pub const WORKER_STACK_SIZE: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct LintOptions {
    pub paths: Vec<PathBuf>,
    pub selection: RuleSelection,
    pub exclude: ExcludeSet,
    /// Worker threads; 0 means one per core. At most [`MAX_THREADS_PER_CORE`] per core.
    pub threads: usize,
    /// Rules turned off for some files.
    pub per_file_ignores: PerFileIgnores,
    /// Report suppression comments that suppressed nothing (FC001).
    pub report_unused_suppressions: bool,
}

impl Default for LintOptions {
    /// The current folder, every rule, the default exclusions.
    fn default() -> Self {
        Self {
            paths: vec![PathBuf::from(".")],
            selection: RuleSelection::all(),
            exclude: ExcludeSet::new(DEFAULT_EXCLUDES).expect("the default excludes are valid"),
            threads: 0,
            per_file_ignores: PerFileIgnores::default(),
            report_unused_suppressions: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error("cannot start worker threads: {0}")]
    ThreadPool(String),
}

/// Time spent in each phase. Discovery, indexing and checking are wall time; reading, parsing and
/// the file pass run interleaved on the workers, so they are CPU time summed over workers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub discover: Duration,
    pub read: Duration,
    pub parse: Duration,
    pub analyze: Duration,
    pub files_wall: Duration,
    pub index: Duration,
    pub check: Duration,
}

/// What the index found, for `flaskcheck debug index` and for checking that a real codebase is
/// understood (its models recognised, its views found).
#[derive(Debug, Clone, Default)]
pub struct IndexStats {
    pub modules: usize,
    pub classes: usize,
    /// Qualified names of the model classes.
    pub models: Vec<String>,
    pub schemas: usize,
    pub functions: usize,
    pub views: usize,
    pub response_calls: usize,
    pub terms: usize,
}

#[derive(Debug)]
pub struct LintReport {
    /// Every file linted, indexed by [`FileId`], then the folders the walk could not read (which
    /// have a finding each).
    pub files: Vec<SourceFile>,
    /// How many of `files` are unreadable folders (the last ones).
    pub unreadable_folders: usize,
    /// Sorted by path, line, column, code.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems that did not stop the run and concern no file linted (an ignore file skipped).
    pub warnings: Vec<String>,
    pub timings: Timings,
    pub index: IndexStats,
}

impl LintReport {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    /// How many files were linted (unreadable folders are not counted).
    pub fn files_checked(&self) -> usize {
        self.files.len() - self.unreadable_folders
    }

    pub fn files_with_problems(&self) -> usize {
        let mut ids: Vec<FileId> = self.diagnostics.iter().map(|d| d.file).collect();
        ids.dedup();
        ids.len()
    }
}

struct FileOutcome {
    file: SourceFile,
    analysis: Option<FileAnalysis>,
    diagnostics: Vec<Diagnostic>,
    suppressions: FileSuppressions,
    read: Duration,
    parse: Duration,
    analyze: Duration,
}

pub fn lint(options: &LintOptions) -> Result<LintReport, LintError> {
    install_quiet_hook();
    let pool = thread_pool(options.threads)?;
    pool.install(|| lint_in_pool(options, pool.current_num_threads()))
}

/// More threads than this per core only cost memory (each has a 16 MiB stack) and start-up time:
/// `--threads 100000` would spend minutes starting threads.
pub const MAX_THREADS_PER_CORE: usize = 4;

fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, LintError> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.min(cores * MAX_THREADS_PER_CORE))
        .stack_size(WORKER_STACK_SIZE)
        .thread_name(|i| format!("flaskcheck-worker-{i}"))
        .build()
        .map_err(|err| LintError::ThreadPool(err.to_string()))
}

fn lint_in_pool(options: &LintOptions, threads: usize) -> Result<LintReport, LintError> {
    let mut timings = Timings::default();

    let started = Instant::now();
    let discovered = discover(&options.paths, &options.exclude, threads)?;
    timings.discover = started.elapsed();

    let mut packages = PackageCache::default();
    let module_names: Vec<ModuleName> = discovered
        .files
        .iter()
        .map(|path| packages.module_name(path))
        .collect();

    let started = Instant::now();
    let outcomes: Vec<FileOutcome> = discovered
        .files
        .par_iter()
        .zip(module_names)
        .enumerate()
        .map(|(index, (path, module_name))| {
            let id = FileId(u32::try_from(index).expect("fewer than 4 billion files"));
            lint_file(id, path, module_name, &options.selection)
        })
        .collect();
    timings.files_wall = started.elapsed();

    let mut files = Vec::with_capacity(outcomes.len() + discovered.unreadable.len());
    let mut analyses = Vec::with_capacity(outcomes.len());
    let mut suppressions = Vec::with_capacity(outcomes.len());
    let mut diagnostics = Vec::new();
    for outcome in outcomes {
        timings.read += outcome.read;
        timings.parse += outcome.parse;
        timings.analyze += outcome.analyze;
        files.push(outcome.file);
        analyses.push(outcome.analysis);
        suppressions.push(outcome.suppressions);
        diagnostics.extend(outcome.diagnostics);
    }
    // Folders the walk could not read have a finding each, at the folder.
    let unreadable_folders = discovered.unreadable.len();
    for (path, message) in discovered.unreadable {
        let id = FileId(u32::try_from(files.len()).expect("fewer than 4 billion files"));
        diagnostics.push(at_start(id, format!("cannot read folder: {message}")));
        files.push(SourceFile::without_text(id, &path));
        analyses.push(None);
    }

    let started = Instant::now();
    let analyzed: Vec<Option<&FileAnalysis>> = analyses.iter().map(Option::as_ref).collect();
    let index = ProjectIndex::build(&analyzed);
    let stats = index_stats(&index, &analyzed);
    timings.index = started.elapsed();

    let started = Instant::now();
    let project: Vec<Vec<Diagnostic>> = files
        .par_iter()
        .zip(analyses.par_iter())
        .map(|(file, analysis)| match analysis {
            Some(analysis) => {
                quietly(|| check_file(file, &files, analysis, &index, &options.selection))
            }
            None => Vec::new(),
        })
        .collect();
    diagnostics.extend(project.into_iter().flatten());
    timings.check = started.elapsed();

    let mut diagnostics = filter_diagnostics(diagnostics, &files, &suppressions, options);
    sort_diagnostics(&mut diagnostics, &files);
    merge_duplicates(&mut diagnostics);
    // Freeing every file's facts is serial work (1.5% of all instructions on Superset) that
    // nothing waits for: with more than one thread allowed, it overlaps with rendering, or the
    // process exits first. `--threads 1` means one thread of work, so it is done here.
    drop(index);
    drop(analyzed);
    if threads > 1 {
        // If no thread can be started, the closure (and the facts) are dropped here instead.
        let _ = std::thread::Builder::new()
            .name("flaskcheck-free".into())
            .spawn(move || drop(analyses));
    } else {
        drop(analyses);
    }
    Ok(LintReport {
        files,
        unreadable_folders,
        diagnostics,
        warnings: discovered.warnings,
        timings,
        index: stats,
    })
}

fn index_stats(index: &ProjectIndex<'_>, analyzed: &[Option<&FileAnalysis>]) -> IndexStats {
    let mut stats = IndexStats::default();
    for analysis in analyzed.iter().flatten() {
        let facts = &analysis.facts;
        stats.modules += 1;
        stats.classes += facts.classes.len();
        stats.functions += facts.functions.len();
        stats.response_calls += facts.responses.len();
        stats.terms += facts.terms.len();
    }
    for class in 0..index.class_count() {
        let id = crate::index::ClassId(class as u32);
        let flags = index.flags(id);
        if flags.model {
            stats.models.push(index.class(id).qualname.to_string());
        }
        if flags.schema {
            stats.schemas += 1;
        }
    }
    stats.models.sort();
    stats.views = (0..stats.functions)
        .filter(|&f| {
            let view = index.view(crate::index::FuncId(f as u32));
            view.is_route || view.is_error_handler
        })
        .count();
    stats
}

/// Keeps the findings of the rules enabled for each file (the selection, less the file's
/// `per-file-ignores`), then applies the file's suppression comments, which may add FC001.
fn filter_diagnostics(
    diagnostics: Vec<Diagnostic>,
    files: &[SourceFile],
    suppressions: &[FileSuppressions],
    options: &LintOptions,
) -> Vec<Diagnostic> {
    let mut by_file: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
    for diagnostic in diagnostics {
        by_file[diagnostic.file.index()].push(diagnostic);
    }
    let mut out = Vec::new();
    for (file, mut diagnostics) in files.iter().zip(by_file) {
        let suppressions = suppressions.get(file.id.index());
        if diagnostics.is_empty() && suppressions.is_none_or(FileSuppressions::is_empty) {
            continue;
        }
        let ignored = options.per_file_ignores.ignored(&file.path);
        let enabled = |rule: Rule| options.selection.is_enabled(rule) && !ignored.contains(&rule);
        diagnostics.retain(|diagnostic| enabled(diagnostic.rule));
        if let Some(suppressions) = suppressions {
            let report_unused =
                options.report_unused_suppressions && enabled(Rule::UnusedSuppression);
            let unused = suppression::apply(
                file,
                suppressions,
                &mut diagnostics,
                &enabled,
                report_unused,
            );
            diagnostics.extend(unused);
        }
        out.append(&mut diagnostics);
    }
    out
}

/// Path, then line, column and code: the same order on every run and thread count.
fn sort_diagnostics(diagnostics: &mut [Diagnostic], files: &[SourceFile]) {
    diagnostics.sort_by(|a, b| {
        files[a.file.index()]
            .path
            .cmp(&files[b.file.index()].path)
            .then(a.span.start.cmp(&b.span.start))
            .then(a.rule.cmp(&b.rule))
            .then(a.span.end.cmp(&b.span.end))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// A finding reported at one place by several files' project passes (a query in one module whose
/// result reaches responses in several others) is one finding: the copies are merged and their
/// related locations combined. Expects sorted diagnostics.
fn merge_duplicates(diagnostics: &mut Vec<Diagnostic>) {
    let mut merged: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics.drain(..) {
        if let Some(last) = merged.last_mut() {
            if last.rule == diagnostic.rule
                && last.file == diagnostic.file
                && last.span == diagnostic.span
                && last.message == diagnostic.message
            {
                for related in diagnostic.related {
                    if !last.related.contains(&related) {
                        last.related.push(related);
                    }
                }
                continue;
            }
        }
        merged.push(diagnostic);
    }
    *diagnostics = merged;
}

fn lint_file(
    id: FileId,
    path: &Path,
    module_name: ModuleName,
    selection: &RuleSelection,
) -> FileOutcome {
    let started = Instant::now();
    let (file, load_error) = SourceFile::load(id, path);
    let read = started.elapsed();
    let mut outcome = FileOutcome {
        file,
        analysis: None,
        diagnostics: Vec::new(),
        suppressions: FileSuppressions::default(),
        read,
        parse: Duration::ZERO,
        analyze: Duration::ZERO,
    };
    if let Some(error) = load_error {
        outcome.diagnostics.push(load_error_diagnostic(id, &error));
        return outcome;
    }
    let text = Arc::clone(outcome.file.text_if_any().expect("loaded"));

    let started = Instant::now();
    // A panic in the parser is caught like one in the analysis: that file is FC002.
    let parsed = quietly(|| catch_unwind(|| parse_module(&text)));
    outcome.parse = started.elapsed();
    let parsed = match parsed {
        Ok(Ok(parsed)) => parsed,
        Ok(Err(error)) => {
            outcome
                .diagnostics
                .push(syntax_error_diagnostic(&outcome.file, &error));
            return outcome;
        }
        Err(payload) => {
            outcome
                .diagnostics
                .push(internal_error(&outcome.file, "parsing", &*payload));
            return outcome;
        }
    };
    outcome.suppressions = FileSuppressions::from_comments(&outcome.file, parsed.comment_ranges());

    let started = Instant::now();
    let file = &outcome.file;
    let result = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            analyze_module(file, module_name, parsed.module(), selection)
        }))
    });
    drop(parsed);
    match result {
        Ok(mut analysis) => {
            outcome.diagnostics.append(&mut analysis.diagnostics);
            outcome.analysis = Some(analysis);
        }
        Err(payload) => {
            outcome
                .diagnostics
                .push(internal_error(&outcome.file, "analyzing", &*payload));
        }
    }
    outcome.analyze = started.elapsed();
    // The facts are what the rest of the run needs; the text is read again if a finding needs it.
    outcome.file.release_text();
    outcome
}

fn syntax_error_diagnostic(file: &SourceFile, error: &SyntaxError) -> Diagnostic {
    let message = match error.kind {
        ErrorKind::Syntax => format!("syntax error: {}", error.message),
        ErrorKind::Limit => error.message.clone(),
    };
    let mut diagnostic =
        Diagnostic::new(Rule::SyntaxError, message, file.id, file.span(error.range));
    if error.further_errors > 0 {
        diagnostic.help = Some(format!(
            "the parser recovered and found {} more error(s) after this one",
            error.further_errors
        ));
    }
    diagnostic
}

fn internal_error(
    file: &SourceFile,
    phase: &str,
    payload: &(dyn std::any::Any + Send),
) -> Diagnostic {
    Diagnostic::new(
        Rule::InternalError,
        format!("{phase} this file failed: {}", panic_message(payload)),
        file.id,
        file.line_span(1),
    )
    .with_help("this is a bug in flaskcheck; the other files were still checked")
}

fn load_error_diagnostic(id: FileId, error: &LoadError) -> Diagnostic {
    match error {
        LoadError::Read(err) => unreadable(id, &err.to_string()),
        LoadError::Decode(err) => Diagnostic::new(
            Rule::SyntaxError,
            err.to_string(),
            id,
            Span::at(Position {
                line: err.line(),
                column: err.column(),
            }),
        ),
    }
}

fn unreadable(id: FileId, message: &str) -> Diagnostic {
    at_start(id, format!("cannot read file: {message}"))
}

/// FC000 at the start of a file (or folder) that has no text.
fn at_start(id: FileId, message: String) -> Diagnostic {
    Diagnostic::new(
        Rule::SyntaxError,
        message,
        id,
        Span {
            range: TextRange::default(),
            start: Position { line: 1, column: 1 },
            end: Position { line: 1, column: 1 },
        },
    )
}

/// What `flaskcheck debug parse` measures: the floor under a full run.
#[derive(Debug, Default, Clone, Copy)]
pub struct ParseOnlyReport {
    pub files: usize,
    pub bytes: u64,
    pub syntax_errors: usize,
    pub unreadable: usize,
}

/// Discovers, reads, decodes and parses every file, and nothing else.
pub fn parse_only(
    paths: &[PathBuf],
    exclude: &ExcludeSet,
    threads: usize,
) -> Result<ParseOnlyReport, LintError> {
    let pool = thread_pool(threads)?;
    pool.install(|| {
        let discovered = discover(paths, exclude, pool.current_num_threads())?;
        let report = discovered
            .files
            .par_iter()
            .map(|path| {
                let (file, error) = SourceFile::load(FileId(0), path);
                let mut report = ParseOnlyReport {
                    files: 1,
                    ..ParseOnlyReport::default()
                };
                match (error, file.text_if_any()) {
                    (None, Some(text)) => {
                        report.bytes = text.len() as u64;
                        match parse_module(text) {
                            Ok(parsed) => drop(parsed),
                            Err(_) => report.syntax_errors = 1,
                        }
                    }
                    _ => report.unreadable = 1,
                }
                report
            })
            .reduce(ParseOnlyReport::default, |a, b| ParseOnlyReport {
                files: a.files + b.files,
                bytes: a.bytes + b.bytes,
                syntax_errors: a.syntax_errors + b.syntax_errors,
                unreadable: a.unreadable + b.unreadable,
            });
        Ok(report)
    })
}
