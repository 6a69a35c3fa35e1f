//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use flaskcheck_linter::settings::parse_per_file_ignore;
use flaskcheck_linter::Severity;

#[derive(Debug, Parser)]
#[command(
    name = "flaskcheck",
    version,
    about = "Finds the ways Flask APIs leak data and accept data they should not.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Python files and folders (default: the current folder).
    Lint(Box<LintArgs>),
    /// List every rule: code, name, severity and summary.
    Rules(RulesArgs),
    /// Print a rule's document.
    Rule {
        /// A rule code such as FC101.
        code: String,
    },
    /// Remove the cache of the project that PATH is in (default: the current folder).
    Clean(CleanArgs),
    /// Run the language server on stdin and stdout (for editors; see docs/editors.md).
    Server,
    /// Run the Model Context Protocol server on stdin and stdout (for AI assistants; see
    /// docs/assistants.md).
    Mcp,
    /// Tools for flaskcheck's own development.
    #[command(hide = true, subcommand)]
    Debug(DebugCommand),
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Discover, read and parse every file, and nothing else: the floor under a full run.
    Parse {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Build the project index and print what it found (models, schemas, views).
    Index {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source snippets with the finding underlined (for people).
    Text,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
    /// A JSON array of findings (see docs/output-formats.md).
    Json,
    /// SARIF 2.1.0, for code scanning and editors.
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Low,
    Medium,
    High,
}

impl From<SeverityArg> for Severity {
    fn from(value: SeverityArg) -> Self {
        match value {
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or folders to lint. A file named here is linted whatever its name.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,

    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Read this configuration file (`flaskcheck.toml` or `pyproject.toml`) instead of the one
    /// found by walking up from the first path.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    /// Rule codes or prefixes to enable (comma-separated or repeated), replacing the
    /// configuration's `select`; default: all.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub select: Option<Vec<String>>,

    /// Rule codes or prefixes to disable (comma-separated or repeated), on top of the
    /// configuration's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub ignore: Vec<String>,

    /// Glob of files or folders to skip (repeatable), replacing the configuration's `exclude` and
    /// the default list.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Option<Vec<String>>,

    /// Glob of files or folders to skip (repeatable), on top of the default list and the
    /// configuration's.
    #[arg(long, value_name = "GLOB")]
    pub extend_exclude: Vec<String>,

    /// Apply the exclusions to files named on the command line too (for pre-commit hooks and
    /// editors, which pass files one by one).
    #[arg(long)]
    pub force_exclude: bool,

    /// `GLOB:CODES` to disable rules for matching files (repeatable), replacing the
    /// configuration's `per-file-ignores`.
    #[arg(long, value_name = "GLOB:CODES", value_parser = parse_per_file_ignore)]
    pub per_file_ignores: Option<Vec<(String, Vec<String>)>>,

    /// The lowest severity that makes the exit code 1 (default: low, any finding). Findings below
    /// it are still printed.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// Report suppression comments that suppress nothing (FC001).
    #[arg(long)]
    pub report_unused_suppressions: bool,

    /// Report only the findings this baseline file does not hold.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Write every finding to this baseline file and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Worker threads (default: one per core; at most 4 per core, more are not started).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,

    /// Do not print the summary line on stderr.
    #[arg(long, short)]
    pub quiet: bool,

    /// Print the time spent in each phase on stderr.
    #[arg(long)]
    pub timings: bool,

    /// Print the project root, the number of files analyzed and what the cache gave, on stderr.
    #[arg(long, short)]
    pub verbose: bool,

    /// The project's root folder: every Python file under it is analyzed, and the findings that
    /// belong to the paths are reported (default: the configuration file's folder, else the
    /// nearest folder above the paths with pyproject.toml, setup.cfg, setup.py or .git).
    #[arg(long, value_name = "DIR", conflicts_with = "no_project")]
    pub project_root: Option<PathBuf>,

    /// Analyze the paths alone, without the rest of their project (cross-file findings whose
    /// other end is outside the paths are missed).
    #[arg(long)]
    pub no_project: bool,

    /// Neither read nor write the cache of the file pass.
    #[arg(long)]
    pub no_cache: bool,

    /// The cache folder (default: `.flaskcheck_cache` in the project root; also
    /// FLASKCHECK_CACHE_DIR, or `cache-dir` in the configuration).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// A file or folder of the project whose cache to remove.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Read this configuration file instead of the one found by walking up from the path.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    /// The cache folder to remove (default: as `lint` finds it).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub output_format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}
