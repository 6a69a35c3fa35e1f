//! `flaskcheck`: the command line over `flaskcheck_linter`.
//!
//! Exit codes: 0 no findings (at or above `--fail-on`), 1 findings, 2 a usage, configuration or
//! I/O error.

mod args;
mod render;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use flaskcheck_linter::baseline::{Baseline, BaselineLocation};
use flaskcheck_linter::cache::{remove_cache_dir, CACHE_DIR_ENV, DEFAULT_CACHE_DIR};
use flaskcheck_linter::project::root::{find_root, RootSource};
use flaskcheck_linter::{
    lint, parse_only, paths, ConfigFile, ExcludeSet, LintOptions, Overrides, Rule, Settings,
    DEFAULT_EXCLUDES,
};

use crate::args::{
    CleanArgs, Cli, ColorChoice, Command, DebugCommand, LintArgs, RulesArgs, RulesFormat,
};
use crate::render::{RenderOptions, TextOptions};

// Measured on the benchmark's Flask corpus: jemalloc spends a quarter less CPU than glibc's
// allocator on the many small allocations of the analysis, with a slightly lower peak RSS;
// mimalloc was as fast but held 75% more memory. Ruff makes the same choice.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const EXIT_CLEAN: u8 = 0;
const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout with success, usage errors to stderr.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        // Output cut short by its reader (`flaskcheck rules | head -1`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::from(EXIT_CLEAN),
        Err(err) => {
            note(format_args!("flaskcheck: error: {err:#}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

/// A line on stderr. Unlike `eprintln!`, it does not panic when stderr is gone (`2>&1 | head`).
fn note(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr(), "{line}");
}

fn warn(message: &str) {
    note(format_args!("flaskcheck: warning: {message}"));
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Lint(args) => run_lint(*args),
        Command::Rules(args) => run_rules(&args),
        Command::Rule { code } => run_rule(&code),
        Command::Server => {
            let code = flaskcheck_server::lsp::run(0).context("the language server's streams")?;
            Ok(u8::try_from(code).unwrap_or(EXIT_ERROR))
        }
        Command::Mcp => {
            flaskcheck_server::mcp::run().context("the MCP server")?;
            Ok(EXIT_CLEAN)
        }
        Command::Clean(args) => run_clean(&args),
        Command::Debug(DebugCommand::Parse { paths, threads }) => {
            let exclude = ExcludeSet::new(DEFAULT_EXCLUDES)?;
            let started = Instant::now();
            let report = parse_only(&paths, &exclude, threads)?;
            let elapsed = started.elapsed();
            writeln!(
                io::stdout(),
                "parsed {} files ({:.1} MB) in {:.3}s: {} syntax errors, {} unreadable",
                report.files,
                report.bytes as f64 / 1e6,
                elapsed.as_secs_f64(),
                report.syntax_errors,
                report.unreadable
            )?;
            Ok(EXIT_CLEAN)
        }
        Command::Debug(DebugCommand::Index { paths }) => {
            let options = LintOptions {
                paths,
                exclude: ExcludeSet::new(DEFAULT_EXCLUDES)?,
                ..LintOptions::default()
            };
            let report = lint(&options)?;
            let stats = &report.index;
            let mut out = io::stdout().lock();
            writeln!(out, "modules: {}", stats.modules)?;
            writeln!(
                out,
                "classes: {} ({} models, {} schemas)",
                stats.classes,
                stats.models.len(),
                stats.schemas
            )?;
            writeln!(
                out,
                "functions: {} ({} views or error handlers)",
                stats.functions, stats.views
            )?;
            writeln!(out, "response calls: {}", stats.response_calls)?;
            writeln!(out, "terms: {}", stats.terms)?;
            for model in &stats.models {
                writeln!(out, "model {model}")?;
            }
            Ok(EXIT_CLEAN)
        }
    }
}

/// The configuration file in use: `--config`, none with `--isolated`, else the one found walking
/// up from `start`.
fn config_file(
    isolated: bool,
    explicit: Option<&Path>,
    start: &Path,
    cwd: &Path,
) -> Result<Option<ConfigFile>> {
    Ok(if isolated {
        None
    } else if let Some(path) = explicit {
        Some(ConfigFile::load(path, cwd)?)
    } else {
        let mut warnings = Vec::new();
        let found = ConfigFile::find(start, cwd, &mut warnings)?;
        warnings.iter().for_each(|warning| warn(warning));
        found
    })
}

/// `--cache-dir`, else `FLASKCHECK_CACHE_DIR` (the configuration's `cache-dir` comes after both).
fn cache_dir_override(flag: Option<&Path>) -> Option<PathBuf> {
    flag.map(Path::to_path_buf).or_else(|| {
        std::env::var_os(CACHE_DIR_ENV)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    })
}

fn run_clean(args: &CleanArgs) -> Result<u8> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let config = config_file(args.isolated, args.config.as_deref(), &args.path, &cwd)?;
    let overrides = Overrides {
        cache_dir: cache_dir_override(args.cache_dir.as_deref()),
        ..Overrides::default()
    };
    let settings = Settings::resolve(config.as_ref(), &overrides, &cwd)?;
    let dir = match settings.cache_dir {
        Some(dir) => dir,
        None => {
            let path = paths::absolute(&args.path, &cwd);
            let (root, _) = find_root(
                settings.project_root.as_deref(),
                settings.config.as_deref(),
                &[path],
                &settings.exclude,
            );
            root.join(DEFAULT_CACHE_DIR)
        }
    };
    if remove_cache_dir(&dir)? {
        note(format_args!("Removed {}", render::display_path(&dir)));
    } else {
        note(format_args!("No cache at {}", render::display_path(&dir)));
    }
    Ok(EXIT_CLEAN)
}

fn run_lint(args: LintArgs) -> Result<u8> {
    if args.threads == Some(0) {
        bail!("--threads must be at least 1");
    }
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let start = args.paths.first().map_or(Path::new("."), PathBuf::as_path);
    let config = config_file(args.isolated, args.config.as_deref(), start, &cwd)?;
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        exclude: args.exclude.clone(),
        extend_exclude: args.extend_exclude.clone(),
        per_file_ignores: args.per_file_ignores.clone(),
        fail_on: args.fail_on.map(Into::into),
        report_unused_suppressions: args.report_unused_suppressions,
        force_exclude: args.force_exclude,
        project_root: args.project_root.clone(),
        cache_dir: cache_dir_override(args.cache_dir.as_deref()),
    };
    let settings = Settings::resolve(config.as_ref(), &overrides, &cwd)?;
    // The root is found even with `--no-project`: the cache lives under it.
    let absolute: Vec<PathBuf> = args
        .paths
        .iter()
        .map(|path| paths::absolute(path, &cwd))
        .collect();
    let (root, root_source) = find_root(
        settings.project_root.as_deref(),
        settings.config.as_deref(),
        &absolute,
        &settings.exclude,
    );
    let cache_dir = (!args.no_cache).then(|| {
        settings
            .cache_dir
            .clone()
            .unwrap_or_else(|| root.join(DEFAULT_CACHE_DIR))
    });
    // Read the baseline before the work, so that a bad one fails fast.
    let baseline = match &args.baseline {
        Some(path) => {
            let location = BaselineLocation::new(path, &cwd);
            Some((Baseline::read(&location)?, location))
        }
        None => None,
    };
    let options = LintOptions {
        paths: args.paths.clone(),
        selection: settings.selection,
        exclude: settings.exclude,
        threads: args.threads.unwrap_or(0),
        per_file_ignores: settings.per_file_ignores,
        report_unused_suppressions: settings.report_unused_suppressions,
        project_root: (!args.no_project && root_source.is_project()).then(|| root.clone()),
        cache_dir,
    };

    let mut report = lint(&options)?;
    for warning in &report.warnings {
        warn(warning);
    }
    if args.verbose || args.timings {
        describe_project(&report, &root, root_source, args.no_project);
    }

    if let Some(path) = &args.write_baseline {
        let location = BaselineLocation::new(path, &cwd);
        let baseline = Baseline::from_report(&report, &location);
        baseline.write(&location)?;
        if !args.quiet {
            note(format_args!(
                "Wrote {} to {} ({} checked)",
                plural(baseline.entries.len(), "finding"),
                path.display(),
                plural(report.checked, "file"),
            ));
        }
        return Ok(EXIT_CLEAN);
    }
    let known = match &baseline {
        Some((baseline, location)) => baseline.filter(&mut report, location),
        None => 0,
    };

    let started = Instant::now();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let render_options = RenderOptions {
        text: TextOptions { color },
        cwd,
        baseline: baseline.is_some(),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = render::render(args.output_format, &report, &render_options, &mut out)
        .and_then(|()| out.flush());
    match written {
        // The reader stopped reading (`flaskcheck lint . | head -1`): the run is what it is, and
        // the exit code says so, as if the whole report had been read.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        other => other.context("writing the report")?,
    }
    drop(out);
    let render_time = started.elapsed();

    let problems = report.diagnostics.len();
    if !args.quiet {
        let known = if baseline.is_some() {
            format!(
                ", {} in the baseline not shown",
                plural(known, "known problem")
            )
        } else {
            String::new()
        };
        note(format_args!(
            "Found {} in {} ({} checked{known})",
            plural(problems, "problem"),
            plural(report.files_with_problems(), "file"),
            plural(report.checked, "file"),
        ));
    }
    if args.timings {
        let t = report.timings;
        note(format_args!(
            "timings: cache-read {:.1}ms | discover {:.1}ms | files {:.1}ms wall (read {:.1}ms, parse {:.1}ms, analyze {:.1}ms cpu) | index {:.1}ms | check {:.1}ms | cache-write {:.1}ms (while indexing) | render {:.1}ms",
            ms(t.cache_read),
            ms(t.discover),
            ms(t.files_wall),
            ms(t.read),
            ms(t.parse),
            ms(t.analyze),
            ms(t.index),
            ms(t.check),
            ms(t.cache_write),
            ms(render_time)
        ));
    }
    let failing = report
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.severity >= settings.fail_on);
    Ok(if failing && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// The project and the cache, on stderr (`--verbose`, `--timings`).
fn describe_project(
    report: &flaskcheck_linter::LintReport,
    root: &Path,
    source: RootSource,
    no_project: bool,
) {
    if no_project || !source.is_project() {
        note(format_args!(
            "project: none (--no-project): {} analyzed; cache under {} ({})",
            plural(report.files.len(), "file"),
            render::display_path(root),
            source.describe()
        ));
    } else {
        note(format_args!(
            "project: root {} ({}): {} analyzed, {} in the report scope",
            render::display_path(root),
            source.describe(),
            plural(report.files.len(), "file"),
            report.checked
        ));
    }
    match &report.cache {
        Some(cache) => note(format_args!(
            "cache: {} entries read, {} used, {} files analyzed, {} corrupt{}",
            cache.loaded,
            cache.hits,
            cache.misses,
            cache.corrupt,
            if cache.written { ", written" } else { "" }
        )),
        None => note(format_args!("cache: off")),
    }
}

fn ms(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn run_rules(args: &RulesArgs) -> Result<u8> {
    let mut out = io::stdout().lock();
    match args.output_format {
        RulesFormat::Text => {
            let width = Rule::ALL
                .iter()
                .map(|rule| rule.name().len())
                .max()
                .unwrap_or(0);
            for &rule in Rule::ALL {
                writeln!(
                    out,
                    "{}  {:width$}  {:6}  {}",
                    rule.code(),
                    rule.name(),
                    rule.severity().as_str(),
                    rule.doc().summary
                )?;
            }
        }
        RulesFormat::Json => {
            let rules: Vec<_> = Rule::ALL
                .iter()
                .map(|rule| rule.doc().summary_record())
                .collect();
            serde_json::to_writer_pretty(&mut out, &rules)?;
            writeln!(out)?;
        }
    }
    Ok(EXIT_CLEAN)
}

fn run_rule(code: &str) -> Result<u8> {
    let Some(rule) = Rule::from_code(code) else {
        bail!("unknown rule `{code}` (run `flaskcheck rules` for the list)");
    };
    io::stdout()
        .lock()
        .write_all(rule.doc().markdown().as_bytes())?;
    Ok(EXIT_CLEAN)
}
