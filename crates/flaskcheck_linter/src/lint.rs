//! One run, as the command line makes it: a [`Project`] filled from disk and the cache, checked
//! for the requested paths, its cache saved. The pipeline itself is the project's
//! (`project/mod.rs`): discover → the file pass of each file (in parallel; from the cache, or
//! parsed and walked, the AST dropped as soon as the file's facts are taken) → the project index
//! → the project checks per file (in parallel) → filter, sort, and keep the report scope.

use std::path::PathBuf;
use std::time::Duration;

use flaskcheck_python::parse_module;
use rayon::prelude::*;

use crate::analyze::FileAnalysis;
use crate::cache::CacheStats;
use crate::diagnostic::Diagnostic;
use crate::discover::{discover, DiscoverError, ExcludeSet, DEFAULT_EXCLUDES};
use crate::index::ProjectIndex;
use crate::project::{Project, ProjectConfig, ReportScope};
use crate::selection::RuleSelection;
use crate::settings::PerFileIgnores;
use crate::source::{FileId, SourceFile};

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
    /// The project the paths belong to (absolute): every Python file under it is analyzed, and
    /// the findings that belong to the paths are reported. `None`: only the paths are analyzed
    /// (`--no-project`), and everything found in them is reported.
    pub project_root: Option<PathBuf>,
    /// Where the cache of the file pass is kept; `None` for no cache.
    pub cache_dir: Option<PathBuf>,
}

impl Default for LintOptions {
    /// The current folder alone, every rule, the default exclusions, no cache.
    fn default() -> Self {
        Self {
            paths: vec![PathBuf::from(".")],
            selection: RuleSelection::all(),
            exclude: ExcludeSet::new(DEFAULT_EXCLUDES).expect("the default excludes are valid"),
            threads: 0,
            per_file_ignores: PerFileIgnores::default(),
            report_unused_suppressions: false,
            project_root: None,
            cache_dir: None,
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
    /// Reading the cache file (its entries are decoded by the workers, in `read`).
    pub cache_read: Duration,
    /// Writing it (while the index is built).
    pub cache_write: Duration,
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

#[derive(Debug, Default)]
pub struct LintReport {
    /// Every file analyzed, indexed by [`FileId`].
    pub files: Vec<SourceFile>,
    /// Sorted by path, line, column, code.
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
    pub index: IndexStats,
    /// How many of the files are in the report scope (the files checked, as the summary says).
    pub checked: usize,
    /// The project root, when the whole project was analyzed.
    pub root: Option<PathBuf>,
    /// What the cache gave, when there was one.
    pub cache: Option<CacheStats>,
    /// Problems that did not stop the run (a cache that could not be written).
    pub warnings: Vec<String>,
}

impl LintReport {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    pub fn files_with_problems(&self) -> usize {
        let mut ids: Vec<FileId> = self.diagnostics.iter().map(|d| d.file).collect();
        ids.dedup();
        ids.len()
    }
}

/// Lints `options.paths`: with a project root, every file of the project is analyzed and the
/// findings that belong to the paths are reported; without one, the paths alone are analyzed.
pub fn lint(options: &LintOptions) -> Result<LintReport, LintError> {
    let mut project = Project::new(ProjectConfig {
        root: options.project_root.clone(),
        paths: options.paths.clone(),
        selection: options.selection.clone(),
        exclude: options.exclude.clone(),
        per_file_ignores: options.per_file_ignores.clone(),
        report_unused_suppressions: options.report_unused_suppressions,
        threads: options.threads,
        cache_dir: options.cache_dir.clone(),
    })?;
    project.refresh()?;
    let scope = if options.project_root.is_some() {
        ReportScope::Paths(options.paths.clone())
    } else {
        ReportScope::All
    };
    let mut report = project.check_and_save(&scope);
    report.warnings.extend(project.take_warnings());
    // Freeing every file's facts is serial work (1.5% of all instructions on Superset) that
    // nothing waits for: with more than one thread allowed, it overlaps with rendering, or the
    // process exits first. `--threads 1` means one thread of work, so it is done here.
    if options.threads != 1 {
        // If no thread can be started, the closure (and the facts) are dropped here instead.
        let _ = std::thread::Builder::new()
            .name("flaskcheck-free".into())
            .spawn(move || drop(project));
    } else {
        drop(project);
    }
    Ok(report)
}

/// More threads than this per core only cost memory (each has a 16 MiB stack) and start-up time:
/// `--threads 100000` would spend minutes starting threads.
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The pool every run's work goes to: `threads` workers (0: one per core, at most
/// [`MAX_THREADS_PER_CORE`] per core) with big stacks.
pub(crate) fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, LintError> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.min(cores * MAX_THREADS_PER_CORE))
        .stack_size(WORKER_STACK_SIZE)
        .thread_name(|i| format!("flaskcheck-worker-{i}"))
        .build()
        .map_err(|err| LintError::ThreadPool(err.to_string()))
}

pub(crate) fn index_stats(
    index: &ProjectIndex<'_>,
    analyzed: &[Option<&FileAnalysis>],
) -> IndexStats {
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
