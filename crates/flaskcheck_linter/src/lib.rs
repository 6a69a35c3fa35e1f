//! flaskcheck's engine. The data flows top to bottom:
//!
//! 1. [`discover`]: the Python files to lint;
//! 2. [`analyze`]: each file read, decoded, parsed and walked once (in parallel), producing its
//!    facts and the findings that need only the file;
//! 3. [`index`]: the facts merged into one [`index::ProjectIndex`];
//! 4. [`check`]: the project checks, per file and in parallel, against the index;
//! 5. [`lint::LintReport`]: the sorted diagnostics, for a renderer.
//!
//! [`project::Project`] runs these steps over a project root and reports for chosen paths;
//! [`cache`] keeps step 2's outcome between runs.

pub mod analyze;
pub mod baseline;
pub mod cache;
pub mod check;
pub mod diagnostic;
pub mod discover;
pub mod file_io;
pub mod fingerprint;
pub mod glob;
mod ignore_files;
pub mod index;
pub mod json_output;
pub mod lint;
pub mod module_name;
mod panic;
pub mod paths;
pub mod project;
pub mod registry;
pub mod rule_doc;
pub(crate) mod rules;
pub mod selection;
pub mod settings;
pub mod source;
pub mod suppression;

pub use diagnostic::{Diagnostic, RelatedLocation, Severity, Span};
pub use discover::{ExcludeSet, DEFAULT_EXCLUDES};
pub use flaskcheck_python::Position;
pub use lint::{lint, parse_only, IndexStats, LintError, LintOptions, LintReport, Timings};
pub use panic::panic_message;
pub use project::{Project, ProjectConfig, ReportScope};
pub use registry::Rule;
pub use selection::RuleSelection;
pub use settings::{ConfigFile, Overrides, Settings};
pub use source::{FileId, SourceFile};
