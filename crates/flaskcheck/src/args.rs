//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    Lint(LintArgs),
    /// List every rule: code, name, severity and summary.
    Rules(RulesArgs),
    /// Print a rule's document.
    Rule {
        /// A rule code such as FC101.
        code: String,
    },
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

    /// Rule codes or prefixes to enable (comma-separated or repeated); default: all.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub select: Option<Vec<String>>,

    /// Rule codes or prefixes to disable (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub ignore: Vec<String>,

    /// Glob of files or folders to skip, added to the defaults (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Worker threads (default: one per core).
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
