//! A project: every Python file under a root, each with the outcome of its file pass, from which
//! the index is built and the project pass run; and what is reported of it, which follows the
//! paths asked about (the report scope), not the files analyzed.
//!
//! The command line's `lint` is one use of it ([`crate::lint()`]): fill the project from disk and
//! the cache, check it for the requested paths, save the cache. An editor keeps one alive: it
//! overrides a file with the unsaved buffer ([`Project::set_overlay`]), re-analyzes that file alone
//! ([`Project::update_file`]), and checks the project for the file it shows.

pub mod root;

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use flaskcheck_python::{parse_module, ErrorKind, Position, SyntaxError, TextRange};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analyze::{analyze_module, ModuleName};
use crate::cache::{Cache, CacheConfig, CacheStats, EntryKey, FilePass};
use crate::check::{check_file, check_with};
use crate::diagnostic::{Diagnostic, Span};
use crate::discover::{discover, DiscoverError, ExcludeSet};
use crate::file_io::{ReadError, MAX_FILE_SIZE};
use crate::index::ProjectIndex;
use crate::lint::{index_stats, thread_pool, IndexStats, LintError, LintReport, Timings};
use crate::module_name::PackageCache;
use crate::panic::{install_quiet_hook, panic_message, quietly};
use crate::registry::Rule;
use crate::rules::ProjectCheck;
use crate::selection::RuleSelection;
use crate::settings::PerFileIgnores;
use crate::source::{read_bytes, ContentHash, FileId, LoadError, SourceFile};
use crate::suppression::{self, FileSuppressions};

/// What a project is and how it is analyzed.
#[derive(Debug, Clone)]
pub struct ProjectConfig {
    /// Every Python file under the root is analyzed (with the configured exclusions). `None`:
    /// only [`ProjectConfig::paths`] are (`--no-project`).
    pub root: Option<PathBuf>,
    /// Paths always analyzed: with a root, the requested paths its walk does not reach (outside
    /// it, or in a folder the walk skips); without one, these are the whole analysis.
    pub paths: Vec<PathBuf>,
    pub selection: RuleSelection,
    pub exclude: ExcludeSet,
    pub per_file_ignores: PerFileIgnores,
    pub report_unused_suppressions: bool,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// The cache folder; `None` for no cache.
    pub cache_dir: Option<PathBuf>,
}

/// Which findings a check reports.
#[derive(Debug, Clone)]
pub enum ReportScope {
    /// Every finding in the project.
    All,
    /// The findings that belong to these files or folders: the finding is in one of them, or one
    /// of its related locations is (the file takes part in it). Findings of project-wide rules
    /// (FC105) belong to the file they are in only.
    Paths(Vec<PathBuf>),
}

/// Where a file's pass came from this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PassSource {
    Analyzed,
    Cached,
    /// Kept from the project's previous fill: the file did not change.
    Kept,
}

struct ProjectFile {
    source: SourceFile,
    /// Absolute and normalized.
    absolute: PathBuf,
    module: ModuleName,
    /// The hash of the bytes read (or of the overlay's text); `None` for a file that could not be
    /// read.
    content: Option<ContentHash>,
    pass: FilePass,
    from: PassSource,
    /// Whether the text is an overlay (an editor's unsaved buffer) rather than the file on disk.
    overlay: bool,
    /// Which run of the file pass `pass` is: a new number each time the pass is decoded or run,
    /// kept while it is kept.
    revision: u64,
}

/// What the project pass of a check read, file by file: equal stamps, equal findings.
///
/// The project pass is a function of every file's pass and of how its path is spelled (the
/// selection is the project's own). A file pass is a function of the file's bytes, its module
/// name and whether the bytes are an overlay, except for a pass that read another file (the
/// OpenAPI file of a Connexion `add_api` call), which the stamp names by its revision.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    shown: PathBuf,
    module: ModuleName,
    overlay: bool,
    content: Option<ContentHash>,
    revision: Option<u64>,
}

/// The last check's findings before filtering, and what they were computed from.
struct LastPass {
    stamps: Vec<FileStamp>,
    unreadable: Vec<(PathBuf, String)>,
    diagnostics: Vec<Diagnostic>,
    stats: IndexStats,
}

/// What discovery found: each file as printed and absolute, and the folders it could not read.
/// The files found (as shown, absolute), the folders that could not be read, and the ignore files
/// skipped.
type Found = (Vec<(PathBuf, PathBuf)>, Vec<(PathBuf, String)>, Vec<String>);

/// How the last fill went, for `--verbose`.
#[derive(Debug, Clone, Default)]
pub struct FillStats {
    pub analyzed: usize,
    pub cached: usize,
    pub kept: usize,
    pub cache: CacheStats,
}

pub struct Project {
    config: ProjectConfig,
    cwd: PathBuf,
    pool: rayon::ThreadPool,
    files: Vec<ProjectFile>,
    /// Folders a walk could not read, reported like unreadable files.
    unreadable: Vec<(PathBuf, String)>,
    /// Ignore files the walk skipped (unreadable, not regular files), reported with every check.
    discover_warnings: Vec<String>,
    /// Absolute path → text that overrides the file on disk.
    overlays: FxHashMap<PathBuf, Arc<str>>,
    /// The cache, opened by the first [`Project::refresh`] while the files are discovered.
    unopened_cache: Option<CacheConfig>,
    cache: Option<Cache>,
    timings: Timings,
    stats: FillStats,
    /// The next [`ProjectFile::revision`].
    next_revision: u64,
    /// Reused by a check that finds no file changed since (a save, another document of the
    /// project asked about), which then neither builds the index nor runs the project pass.
    last_pass: Mutex<Option<LastPass>>,
    /// How many checks ran the project pass (the others reused the last one's).
    project_passes: AtomicUsize,
}

impl Project {
    pub fn new(config: ProjectConfig) -> Result<Project, LintError> {
        install_quiet_hook();
        let cwd = std::env::current_dir().unwrap_or_default();
        let pool = thread_pool(config.threads)?;
        let unopened_cache = config.cache_dir.as_ref().map(|dir| CacheConfig {
            dir: dir.clone(),
            scope: scope_key(&config, &cwd),
            settings: settings_key(&config.selection),
        });
        Ok(Project {
            config,
            cwd,
            pool,
            files: Vec::new(),
            unreadable: Vec::new(),
            discover_warnings: Vec::new(),
            overlays: FxHashMap::default(),
            unopened_cache,
            cache: None,
            timings: Timings::default(),
            stats: FillStats::default(),
            next_revision: 0,
            last_pass: Mutex::new(None),
            project_passes: AtomicUsize::new(0),
        })
    }

    pub fn root(&self) -> Option<&Path> {
        self.config.root.as_deref()
    }

    pub fn config(&self) -> &ProjectConfig {
        &self.config
    }

    /// The number of files analyzed.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    pub fn stats(&self) -> &FillStats {
        &self.stats
    }

    /// How many checks so far built the index and ran the project pass; a check that finds no
    /// file changed since the last one reuses that one's findings.
    pub fn project_passes(&self) -> usize {
        self.project_passes.load(Ordering::Relaxed)
    }

    /// The cache file this project reads and writes, if it has a cache.
    pub fn cache_file(&self) -> Option<&Path> {
        self.cache.as_ref().map(Cache::file)
    }

    /// Warnings met so far (a cache that could not be read or written), each once.
    pub fn take_warnings(&mut self) -> Vec<String> {
        self.cache
            .as_mut()
            .map(|cache| std::mem::take(&mut cache.warnings))
            .unwrap_or_default()
    }

    /// Overrides the file at `path` with `text` (an editor's unsaved buffer) until
    /// [`Project::remove_overlay`]. Takes effect at the next [`Project::update_file`] or
    /// [`Project::refresh`].
    pub fn set_overlay(&mut self, path: &Path, text: impl Into<Arc<str>>) {
        self.overlays
            .insert(root::absolute(path, &self.cwd), text.into());
    }

    pub fn remove_overlay(&mut self, path: &Path) {
        self.overlays.remove(&root::absolute(path, &self.cwd));
    }

    /// Finds the project's files and runs the file pass on each: from the project's previous fill
    /// when the file did not change, else from the cache, else from disk (or the overlay). Files
    /// that appeared are added and files that went are dropped.
    pub fn refresh(&mut self) -> Result<(), LintError> {
        let unopened = self.unopened_cache.take();
        let this = &*self;
        let (discovered, opened) = self.pool.install(|| {
            rayon::join(
                || {
                    let started = Instant::now();
                    (this.discover(), started.elapsed())
                },
                || {
                    unopened.map(|config| {
                        let started = Instant::now();
                        (Cache::open(config), started.elapsed())
                    })
                },
            )
        });
        if let Some((cache, elapsed)) = opened {
            self.cache = Some(cache);
            self.timings.cache_read = elapsed;
        }
        let (discovered, elapsed) = discovered;
        let (paths, unreadable, discover_warnings) = discovered?;
        self.timings.discover = elapsed;

        // In a project run the module is named from the absolute path, so that a file has one
        // name however it was reached.
        let by_absolute = self.config.root.is_some();
        let mut packages = PackageCache::default();
        let to_name: Vec<&Path> = paths
            .iter()
            .map(|(shown, absolute)| if by_absolute { absolute } else { shown }.as_path())
            .collect();
        self.pool.install(|| packages.look_at_folders_of(&to_name));
        drop(to_name);
        let packages = &packages;
        let named: Vec<(PathBuf, PathBuf, ModuleName)> = self.pool.install(|| {
            paths
                .into_par_iter()
                .map(|(shown, absolute)| {
                    let module = if by_absolute {
                        packages.module_name(&absolute)
                    } else {
                        packages.module_name(&shown)
                    };
                    (shown, absolute, module)
                })
                .collect()
        });

        let mut previous: FxHashMap<PathBuf, ProjectFile> = std::mem::take(&mut self.files)
            .into_iter()
            .map(|file| (file.absolute.clone(), file))
            .collect();
        let started = Instant::now();
        let cache = self.cache.as_ref();
        let overlays = &self.overlays;
        let selection = &self.config.selection;
        let previous_ref = &mut previous;
        let reusable: Vec<Option<ProjectFile>> = named
            .iter()
            .map(|(_, absolute, _)| previous_ref.remove(absolute))
            .collect();
        let outcomes: Vec<(ProjectFile, PassTimes, bool)> = self.pool.install(|| {
            named
                .into_par_iter()
                .zip(reusable)
                .enumerate()
                .map(|(index, ((shown, absolute, module), kept))| {
                    let id = file_id(index);
                    let overlay = overlays.get(&absolute).cloned();
                    fill_file(id, shown, absolute, module, overlay, kept, cache, selection)
                })
                .collect()
        });
        self.timings.files_wall = started.elapsed();

        let mut stats = FillStats::default();
        self.timings.read = Duration::ZERO;
        self.timings.parse = Duration::ZERO;
        self.timings.analyze = Duration::ZERO;
        let mut corrupt = 0;
        self.files = Vec::with_capacity(outcomes.len());
        for (mut file, times, was_corrupt) in outcomes {
            if file.from != PassSource::Kept {
                file.revision = self.new_revision();
            }
            self.timings.read += times.read;
            self.timings.parse += times.parse;
            self.timings.analyze += times.analyze;
            match file.from {
                PassSource::Analyzed => stats.analyzed += 1,
                PassSource::Cached => stats.cached += 1,
                PassSource::Kept => stats.kept += 1,
            }
            corrupt += usize::from(was_corrupt);
            self.files.push(file);
        }
        self.unreadable = unreadable;
        self.discover_warnings = discover_warnings;
        if let Some(cache) = &mut self.cache {
            cache.stats.hits = stats.cached;
            cache.stats.misses = self
                .files
                .iter()
                .filter(|file| file.from != PassSource::Cached)
                .count();
            cache.stats.corrupt = corrupt;
            stats.cache = cache.stats.clone();
        }
        self.stats = stats;
        Ok(())
    }

    /// Runs the file pass again on one file of the project (after an edit, or a change of its
    /// overlay). A path that is not one of the project's files needs [`Project::refresh`].
    /// Returns whether the file is in the project.
    pub fn update_file(&mut self, path: &Path) -> bool {
        let absolute = root::absolute(path, &self.cwd);
        let Some(index) = self.files.iter().position(|file| file.absolute == absolute) else {
            return false;
        };
        let old = self.files.remove(index);
        let overlay = self.overlays.get(&absolute).cloned();
        let (mut file, _, _) = self.pool.install(|| {
            fill_file(
                old.source.id,
                old.source.path.clone(),
                absolute,
                old.module.clone(),
                overlay,
                None,
                self.cache.as_ref(),
                &self.config.selection,
            )
        });
        file.revision = self.new_revision();
        self.files.insert(index, file);
        true
    }

    fn new_revision(&mut self) -> u64 {
        self.next_revision += 1;
        self.next_revision
    }

    fn stamps(&self) -> Vec<FileStamp> {
        self.files
            .iter()
            .map(|file| FileStamp {
                shown: file.source.path.clone(),
                module: file.module.clone(),
                overlay: file.overlay,
                content: file.content,
                revision: file.pass.read_other_files().then_some(file.revision),
            })
            .collect()
    }

    fn discover(&self) -> Result<Found, LintError> {
        let threads = self.pool.current_num_threads();
        let exclude = &self.config.exclude;
        let unsaved = self.unsaved_overlays();
        let on_disk: Vec<PathBuf> = self
            .config
            .paths
            .iter()
            .filter(|path| !unsaved.contains(&root::absolute(path, &self.cwd)))
            .cloned()
            .collect();
        let Some(project_root) = &self.config.root else {
            // Only the named paths, spelled as walked: today's output, path for path.
            let found = discover(&on_disk, exclude, threads)?;
            let mut files: Vec<(PathBuf, PathBuf)> = found
                .files
                .into_iter()
                .map(|path| {
                    let absolute = root::absolute(&path, &self.cwd);
                    (path, absolute)
                })
                .collect();
            for path in &self.config.paths {
                let absolute = root::absolute(path, &self.cwd);
                if unsaved.contains(&absolute) {
                    files.push((path.clone(), absolute));
                }
            }
            files.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
            files.dedup_by(|a, b| a.0 == b.0);
            return Ok((files, found.unreadable, found.warnings));
        };
        if !project_root.is_dir() {
            return Err(DiscoverError::Missing(project_root.clone()).into());
        }
        // The root's walk applies every exclusion, even to the root's own name; the requested
        // paths are walked as named (a named file is linted unless `--force-exclude`). A
        // requested folder that is the root itself is not walked twice.
        let mut found = discover(
            std::slice::from_ref(project_root),
            &exclude.clone().with_force(false),
            threads,
        )?;
        let named: Vec<PathBuf> = on_disk
            .into_iter()
            .filter(|path| root::absolute(path, &self.cwd) != *project_root)
            .collect();
        if !named.is_empty() {
            let more = discover(&named, exclude, threads)?;
            found.files.extend(more.files);
            found.unreadable.extend(more.unreadable);
            found.warnings.extend(more.warnings);
        }
        let spelling = Spelling::new(&self.config.paths, &self.cwd);
        // Per file, on the pool: pure path arithmetic, but thousands of allocations.
        let mut files: Vec<(PathBuf, PathBuf)> = found
            .files
            .into_par_iter()
            .map(|path| {
                let absolute = root::absolute(&path, &self.cwd);
                (spelling.of(&absolute), absolute)
            })
            .collect();
        files.extend(
            unsaved
                .into_iter()
                .filter(|absolute| absolute.starts_with(project_root))
                .map(|absolute| (spelling.of(&absolute), absolute)),
        );
        files.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
        files.dedup_by(|a, b| a.0 == b.0);
        let mut unreadable: Vec<(PathBuf, String)> = found
            .unreadable
            .into_iter()
            .map(|(path, message)| (spelling.of(&root::absolute(&path, &self.cwd)), message))
            .collect();
        unreadable.sort();
        unreadable.dedup();
        let mut warnings = found.warnings;
        warnings.sort();
        warnings.dedup();
        Ok((files, unreadable, warnings))
    }

    /// The overlays of files that are not on disk (a buffer not saved yet, code an assistant
    /// proposes): part of the project when they are named, or lie under the root.
    fn unsaved_overlays(&self) -> Vec<PathBuf> {
        let mut unsaved: Vec<PathBuf> = self
            .overlays
            .keys()
            .filter(|path| !path.exists())
            .cloned()
            .collect();
        unsaved.sort();
        unsaved
    }

    /// Builds the index, runs the project pass on every file, and returns the findings that
    /// belong to `scope`, filtered by the selection, `per-file-ignores` and suppression comments,
    /// sorted. (The project pass runs on every file: a finding in an unrequested file may have a
    /// related location in a requested one.) When no file's pass changed since the last check
    /// (the same bytes, module and spelling; a saved buffer, another document asked about), that
    /// check's findings are filtered again instead: the project pass is a function of those.
    pub fn check(&self, scope: &ReportScope) -> LintReport {
        self.pool.install(|| self.check_in_pool(scope, None))
    }

    /// [`Project::check`] after an edit to `edited`, which hands `first` the edited file's
    /// findings before the project pass runs on the other files: exactly the findings located in
    /// it that the whole check reports (whatever their related locations), so that an editor can
    /// show them first. They are the file's own passes, on the rebuilt index, and the passes of
    /// the rules that may report in another file ([`Rule::reports_in_other_files`]) over every
    /// other file. `first` is not called when the last check's findings are reused (nothing
    /// changed: the whole check is as quick) or when `edited` is not one of the project's files
    /// or was not analysed (unreadable).
    pub fn check_edited(
        &self,
        scope: &ReportScope,
        edited: &Path,
        first: &mut (dyn FnMut(LintReport) + Send),
    ) -> LintReport {
        let absolute = root::absolute(edited, &self.cwd);
        let edited = self
            .files
            .iter()
            .position(|file| file.absolute == absolute)
            .map(file_id);
        let first = edited.map(|file| First {
            file,
            publish: first,
        });
        self.pool.install(|| self.check_in_pool(scope, first))
    }

    /// [`Project::check`], with the cache written at the same time (on another worker while the
    /// index is built, which is serial).
    pub fn check_and_save(&mut self, scope: &ReportScope) -> LintReport {
        let mut cache = self.cache.take();
        let (mut report, write_time) = {
            let this = &*self;
            this.pool.install(|| {
                rayon::join(
                    || this.check_in_pool(scope, None),
                    || {
                        let started = Instant::now();
                        if let Some(cache) = &mut cache {
                            save(cache, &this.files);
                        }
                        started.elapsed()
                    },
                )
            })
        };
        self.cache = cache;
        report.timings.cache_write = write_time;
        if let Some(cache) = &self.cache {
            self.stats.cache = cache.stats.clone();
            report.cache = Some(cache.stats.clone());
        }
        report
    }

    /// Writes the cache, if the project has one and anything changed since it was read.
    pub fn save_cache(&mut self) {
        if let Some(cache) = &mut self.cache {
            save(cache, &self.files);
            self.stats.cache = cache.stats.clone();
        }
    }

    fn check_in_pool(&self, scope: &ReportScope, first: Option<First<'_>>) -> LintReport {
        let mut timings = self.timings;
        let mut files: Vec<SourceFile> =
            self.files.iter().map(|file| file.source.clone()).collect();
        let mut analyses: Vec<Option<&crate::analyze::FileAnalysis>> = self
            .files
            .iter()
            .map(|file| file.pass.analysis.as_ref())
            .collect();
        let mut suppressions: Vec<&FileSuppressions> = self
            .files
            .iter()
            .map(|file| &file.pass.suppressions)
            .collect();
        let mut diagnostics: Vec<Diagnostic> = self
            .files
            .iter()
            .flat_map(|file| file.pass.diagnostics.iter().cloned())
            .collect();
        let empty = FileSuppressions::default();
        // Folders the walk could not read have a finding each, at the folder.
        for (path, message) in &self.unreadable {
            let id = file_id(files.len());
            diagnostics.push(at_start(id, format!("cannot read folder: {message}")));
            files.push(SourceFile::without_text(id, path));
            analyses.push(None);
            suppressions.push(&empty);
        }

        let stamps = self.stamps();
        let mut last_pass = self
            .last_pass
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let reusable = last_pass
            .as_ref()
            .filter(|last| last.stamps == stamps && last.unreadable == self.unreadable);
        let stats = if let Some(last) = reusable {
            timings.index = Duration::ZERO;
            timings.check = Duration::ZERO;
            diagnostics = last.diagnostics.clone();
            last.stats.clone()
        } else {
            let started = Instant::now();
            let index = ProjectIndex::build(&analyses);
            let stats = index_stats(&index, &analyses);
            timings.index = started.elapsed();

            let started = Instant::now();
            let selection = &self.config.selection;
            // The edited file's pass, run first for its findings, is not run again.
            let mut edited_pass: Option<(FileId, Vec<Diagnostic>)> = None;
            if let Some(first) = first {
                if let Some(analysis) = analyses[first.file.index()] {
                    let (own, mut report) = self.first_report(
                        first.file,
                        analysis,
                        &files,
                        &analyses,
                        &suppressions,
                        &index,
                    );
                    report.timings = Timings {
                        check: started.elapsed(),
                        ..timings
                    };
                    report.index = stats.clone();
                    (first.publish)(report);
                    edited_pass = Some((first.file, own));
                }
            }
            let project: Vec<Vec<Diagnostic>> = files
                .par_iter()
                .zip(analyses.par_iter())
                .map(|(file, analysis)| {
                    let Some(analysis) = analysis else {
                        return Vec::new();
                    };
                    let found = match &edited_pass {
                        Some((edited, own)) if *edited == file.id => own.clone(),
                        _ => quietly(|| check_file(file, &files, analysis, &index, selection)),
                    };
                    debug_assert!(
                        found.iter().all(|diagnostic| diagnostic.file == file.id
                            || diagnostic.rule.reports_in_other_files()),
                        "a rule reported in another file than {} without \
                         `Rule::reports_in_other_files`: {:?}",
                        file.path.display(),
                        found
                            .iter()
                            .filter(|diagnostic| diagnostic.file != file.id)
                            .map(|diagnostic| diagnostic.rule)
                            .collect::<Vec<_>>()
                    );
                    found
                })
                .collect();
            diagnostics.extend(project.into_iter().flatten());
            timings.check = started.elapsed();
            self.project_passes.fetch_add(1, Ordering::Relaxed);
            *last_pass = Some(LastPass {
                stamps,
                unreadable: self.unreadable.clone(),
                diagnostics: diagnostics.clone(),
                stats: stats.clone(),
            });
            stats
        };
        drop(last_pass);

        let in_scope = self.in_scope(scope, &files);
        self.report(
            diagnostics,
            files,
            &analyses,
            &suppressions,
            &in_scope,
            timings,
            stats,
        )
    }

    /// The edited file's findings, as the whole check would report those located in it, and the
    /// edited file's project pass (all of it, for the whole check to reuse).
    #[allow(clippy::too_many_arguments)]
    fn first_report(
        &self,
        edited: FileId,
        analysis: &crate::analyze::FileAnalysis,
        files: &[SourceFile],
        analyses: &[Option<&crate::analyze::FileAnalysis>],
        suppressions: &[&FileSuppressions],
        index: &ProjectIndex<'_>,
    ) -> (Vec<Diagnostic>, LintReport) {
        let selection = &self.config.selection;
        let file = &files[edited.index()];
        let elsewhere: Vec<(Rule, ProjectCheck)> = selection
            .enabled()
            .filter(|rule| rule.reports_in_other_files())
            .filter_map(|rule| rule.checks().project.map(|check| (rule, check)))
            .collect();
        let own = quietly(|| check_file(file, files, analysis, index, selection));
        // In the whole check's order (the file passes, then the project passes file by file),
        // so that copies of one finding merge with their related locations in the same order.
        let mut project: Vec<Diagnostic> = files
            .par_iter()
            .zip(analyses.par_iter())
            .map(|(other, other_analysis)| {
                let mut found = match other_analysis {
                    _ if other.id == edited => own.clone(),
                    Some(analysis) if !elsewhere.is_empty() => {
                        quietly(|| check_with(other, files, analysis, index, &elsewhere))
                    }
                    _ => Vec::new(),
                };
                found.retain(|diagnostic| diagnostic.file == edited);
                found
            })
            .flatten()
            .collect();
        let mut diagnostics = self.files[edited.index()].pass.diagnostics.clone();
        diagnostics.append(&mut project);
        // Only the findings located in the edited file: those elsewhere that it takes part in
        // come with the whole check.
        let mut in_scope = vec![false; files.len()];
        in_scope[edited.index()] = true;
        let report = self.report(
            diagnostics,
            files.to_vec(),
            analyses,
            suppressions,
            &in_scope,
            self.timings,
            IndexStats::default(),
        );
        (own, report)
    }

    /// Filters, sorts and merges a check's findings, and keeps those that belong to the files in
    /// scope (by file id).
    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        diagnostics: Vec<Diagnostic>,
        files: Vec<SourceFile>,
        analyses: &[Option<&crate::analyze::FileAnalysis>],
        suppressions: &[&FileSuppressions],
        in_scope: &[bool],
        timings: Timings,
        stats: IndexStats,
    ) -> LintReport {
        let mut diagnostics = self.filter_diagnostics(diagnostics, &files, suppressions);
        sort_diagnostics(&mut diagnostics, &files);
        merge_duplicates(&mut diagnostics);
        diagnostics.retain(|diagnostic| {
            in_scope[diagnostic.file.index()]
                || (!diagnostic.rule.is_project_wide()
                    && diagnostic
                        .related
                        .iter()
                        .any(|related| in_scope[related.file.index()]))
        });
        // Unreadable folders (after the files) are not files checked.
        let checked = in_scope[..self.files.len()]
            .iter()
            .filter(|&&inside| inside)
            .count();
        // What the file pass could not use (an OpenAPI file that did not parse), for the files
        // the report is about.
        let warnings = self
            .discover_warnings
            .iter()
            .cloned()
            .chain(
                analyses
                    .iter()
                    .zip(in_scope)
                    .filter(|(_, &inside)| inside)
                    .filter_map(|(analysis, _)| *analysis)
                    .flat_map(|analysis| analysis.facts.warnings.iter().map(|w| w.to_string())),
            )
            .collect();
        LintReport {
            files,
            diagnostics,
            timings,
            index: stats,
            checked,
            root: self.config.root.clone(),
            cache: self.cache.as_ref().map(|cache| cache.stats.clone()),
            warnings,
        }
    }

    /// Which files are in the report scope, by file id.
    fn in_scope(&self, scope: &ReportScope, files: &[SourceFile]) -> Vec<bool> {
        match scope {
            ReportScope::All => vec![true; files.len()],
            ReportScope::Paths(paths) => {
                let requested: Vec<PathBuf> = paths
                    .iter()
                    .map(|path| root::absolute(path, &self.cwd))
                    .collect();
                // The project's files know their absolute paths (making them again was 9% of the
                // project pass's instructions, on one thread); the unreadable folders after them
                // do not. On the pool: `Path::starts_with` compares component by component.
                files
                    .par_iter()
                    .map(|file| {
                        let absolute = match self.files.get(file.id.index()) {
                            Some(known) => {
                                debug_assert_eq!(
                                    known.absolute,
                                    root::absolute(&file.path, &self.cwd)
                                );
                                Cow::Borrowed(known.absolute.as_path())
                            }
                            None => Cow::Owned(root::absolute(&file.path, &self.cwd)),
                        };
                        requested.iter().any(|path| absolute.starts_with(path))
                    })
                    .collect()
            }
        }
    }

    /// Keeps the findings of the rules enabled for each file (the selection, less the file's
    /// `per-file-ignores`), then applies the file's suppression comments, which may add FC001.
    fn filter_diagnostics(
        &self,
        diagnostics: Vec<Diagnostic>,
        files: &[SourceFile],
        suppressions: &[&FileSuppressions],
    ) -> Vec<Diagnostic> {
        let config = &self.config;
        let mut by_file: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
        for diagnostic in diagnostics {
            by_file[diagnostic.file.index()].push(diagnostic);
        }
        let mut out = Vec::new();
        for (file, mut diagnostics) in files.iter().zip(by_file) {
            let suppressions = suppressions[file.id.index()];
            if diagnostics.is_empty() && suppressions.is_empty() {
                continue;
            }
            let ignored = config.per_file_ignores.ignored(&file.path);
            let enabled =
                |rule: Rule| config.selection.is_enabled(rule) && !ignored.contains(&rule);
            diagnostics.retain(|diagnostic| enabled(diagnostic.rule));
            let report_unused =
                config.report_unused_suppressions && enabled(Rule::UnusedSuppression);
            let unused = suppression::apply(
                file,
                suppressions,
                &mut diagnostics,
                &enabled,
                report_unused,
            );
            diagnostics.extend(unused);
            out.append(&mut diagnostics);
        }
        out
    }
}

/// How a project run spells the paths it prints: a file under a requested path as walked from it
/// (as a run without a project spells it, so the output does not change), any other file
/// relative to the current folder (or absolute, when the paths were given absolute).
struct Spelling {
    /// Each requested path, absolute, with its spelling; the longest first, then in command-line
    /// order.
    requested: Vec<(PathBuf, PathBuf)>,
    cwd: PathBuf,
    relative_outside: bool,
}

impl Spelling {
    fn new(paths: &[PathBuf], cwd: &Path) -> Spelling {
        let mut requested: Vec<(PathBuf, PathBuf)> = paths
            .iter()
            .map(|path| (root::absolute(path, cwd), path.clone()))
            .collect();
        // Stable: of paths that name the same place (`app.py`, `./app.py`, `/abs/app.py`), the
        // first on the command line gives the spelling, as without a project.
        requested.sort_by_key(|(absolute, _)| std::cmp::Reverse(absolute.as_os_str().len()));
        Spelling {
            requested,
            cwd: cwd.to_path_buf(),
            relative_outside: paths.iter().any(|path| path.is_relative()),
        }
    }

    fn of(&self, absolute: &Path) -> PathBuf {
        for (path, spelled) in &self.requested {
            if let Ok(rest) = absolute.strip_prefix(path) {
                let joined = if rest.as_os_str().is_empty() {
                    spelled.clone()
                } else {
                    spelled.join(rest)
                };
                return crate::discover::normalize(&joined);
            }
        }
        root::display_form(absolute, &self.cwd, self.relative_outside)
    }
}

/// The settings that change what the file pass produces: the enabled rules (their `ast` checks
/// run, and leave records for their project checks).
fn settings_key(selection: &RuleSelection) -> String {
    selection
        .enabled()
        .map(Rule::code)
        .collect::<Vec<_>>()
        .join(",")
}

/// What the project analyzes: its root, or the paths named without one.
fn scope_key(config: &ProjectConfig, cwd: &Path) -> String {
    match &config.root {
        Some(root) => format!("root:{}", root.display()),
        None => {
            let mut paths: Vec<String> = config
                .paths
                .iter()
                .map(|path| root::absolute(path, cwd).display().to_string())
                .collect();
            paths.sort();
            format!("paths:{}", paths.join("\0"))
        }
    }
}

fn save(cache: &mut Cache, files: &[ProjectFile]) {
    let entries: Vec<(EntryKey, &FilePass, bool)> = files
        .iter()
        .filter(|file| !file.overlay && !file.pass.read_other_files())
        .filter_map(|file| {
            let content = file.content?;
            Some((
                entry_key(file, content),
                &file.pass,
                file.from == PassSource::Cached,
            ))
        })
        .collect();
    // Every entry came from the cache file: it holds them all already.
    if !entries.iter().all(|(_, _, from_cache)| *from_cache) {
        cache.save(&entries);
    }
}

fn entry_key(file: &ProjectFile, content: ContentHash) -> EntryKey {
    EntryKey {
        path: file.absolute.clone(),
        module: file.module.name.clone(),
        is_package: file.module.is_package,
        content,
    }
}

fn file_id(index: usize) -> FileId {
    FileId(u32::try_from(index).expect("fewer than 4 billion files"))
}

#[derive(Default)]
struct PassTimes {
    read: Duration,
    parse: Duration,
    analyze: Duration,
}

/// The file pass of one file: kept from the previous fill if its content is the same, else from
/// the cache, else run. Returns whether a cache entry for it was corrupt.
#[allow(clippy::too_many_arguments)]
fn fill_file(
    id: FileId,
    shown: PathBuf,
    absolute: PathBuf,
    module: ModuleName,
    overlay: Option<Arc<str>>,
    kept: Option<ProjectFile>,
    cache: Option<&Cache>,
    selection: &RuleSelection,
) -> (ProjectFile, PassTimes, bool) {
    let mut times = PassTimes::default();
    let started = Instant::now();
    let is_overlay = overlay.is_some();
    let bytes = match &overlay {
        // An editor's buffer is held to the cap a file on disk is.
        Some(text) if text.len() as u64 > MAX_FILE_SIZE => Err(ReadError::TooLarge),
        Some(text) => Ok(text.as_bytes().to_vec()),
        None => read_bytes(&absolute),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(err) => {
            times.read = started.elapsed();
            let source = SourceFile::without_text(id, &shown);
            let pass = FilePass {
                diagnostics: vec![unreadable(id, &err.to_string())],
                ..FilePass::default()
            };
            let file = ProjectFile {
                source,
                absolute,
                module,
                content: None,
                pass,
                from: PassSource::Analyzed,
                overlay: false,
                revision: 0,
            };
            return (file, times, false);
        }
    };
    let content = ContentHash::of(&bytes);
    times.read = started.elapsed();

    if let Some(mut kept) = kept {
        if kept.overlay == is_overlay
            && kept.module == module
            && kept.content == Some(content)
            && !kept.pass.read_other_files()
        {
            kept.from = PassSource::Kept;
            kept.source.path = shown;
            renumber(&mut kept, id);
            return (kept, times, false);
        }
    }

    let mut corrupt = false;
    if !is_overlay {
        if let Some(cache) = cache {
            let key = EntryKey {
                path: absolute.clone(),
                module: module.name.clone(),
                is_package: module.is_package,
                content,
            };
            match cache.get(&key) {
                Some(Ok(pass)) => {
                    let mut file = ProjectFile {
                        source: SourceFile::on_disk(id, &shown, content),
                        absolute,
                        module,
                        content: Some(content),
                        pass,
                        from: PassSource::Cached,
                        overlay: false,
                        revision: 0,
                    };
                    renumber(&mut file, id);
                    // Decoding the entry is this file's read.
                    times.read = started.elapsed();
                    return (file, times, false);
                }
                Some(Err(_)) => corrupt = true,
                None => {}
            }
        }
    }

    let (mut source, load_error) = match &overlay {
        Some(text) => (SourceFile::from_text(id, &shown, Arc::clone(text)), None),
        None => SourceFile::from_bytes(id, &shown, &bytes),
    };
    drop(bytes);
    let pass = run_file_pass(
        &mut source,
        load_error,
        module.clone(),
        selection,
        &mut times,
    );
    let file = ProjectFile {
        source,
        absolute,
        module,
        content: Some(content),
        pass,
        from: PassSource::Analyzed,
        overlay: is_overlay,
        revision: 0,
    };
    (file, times, corrupt)
}

/// Gives a file, and the findings its file pass made, the id of its place in this fill.
fn renumber(file: &mut ProjectFile, id: FileId) {
    file.source.id = id;
    for diagnostic in &mut file.pass.diagnostics {
        diagnostic.file = id;
        for related in &mut diagnostic.related {
            related.file = id;
        }
    }
}

/// Parses and walks one decoded file (FC000 for a file that could not be decoded or parsed,
/// FC002 if the walk failed).
fn run_file_pass(
    file: &mut SourceFile,
    load_error: Option<LoadError>,
    module_name: ModuleName,
    selection: &RuleSelection,
    times: &mut PassTimes,
) -> FilePass {
    let id = file.id;
    let mut pass = FilePass::default();
    if let Some(error) = load_error {
        pass.diagnostics.push(load_error_diagnostic(id, &error));
        return pass;
    }
    let text = Arc::clone(file.text_if_any().expect("decoded"));

    let started = Instant::now();
    // A panic in the parser is caught like one in the analysis: that file is FC002.
    let parsed = quietly(|| catch_unwind(|| parse_module(&text)));
    times.parse = started.elapsed();
    let parsed = match parsed {
        Ok(Ok(parsed)) => parsed,
        Ok(Err(error)) => {
            pass.diagnostics.push(syntax_error_diagnostic(file, &error));
            file.release_text();
            return pass;
        }
        Err(payload) => {
            pass.diagnostics
                .push(internal_error(file, "parsing", &*payload));
            file.release_text();
            return pass;
        }
    };
    pass.suppressions = FileSuppressions::from_comments(file, parsed.comment_ranges());

    let started = Instant::now();
    let source: &SourceFile = file;
    let result = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            analyze_module(source, module_name, parsed.module(), selection)
        }))
    });
    // However deep the tree, it is dropped on a stack grown to fit (`ParsedModule`'s `Drop`).
    drop(parsed);
    match result {
        Ok(mut analysis) => {
            pass.diagnostics.append(&mut analysis.diagnostics);
            pass.analysis = Some(analysis);
        }
        Err(payload) => {
            pass.diagnostics
                .push(internal_error(file, "analyzing", &*payload));
        }
    }
    times.analyze = started.elapsed();
    // The facts are what the rest of the run needs; the text is read again if a finding needs it.
    file.release_text();
    pass
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

/// Where [`Project::check_edited`] hands the edited file's findings.
struct First<'f> {
    file: FileId,
    publish: &'f mut (dyn FnMut(LintReport) + Send),
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
