//! What a rule reports, in one model every renderer reads.

use std::fmt;
use std::str::FromStr;

use flaskcheck_python::{Position, TextRange};
use serde::{Deserialize, Serialize};

use crate::registry::Rule;
use crate::source::FileId;

/// How much a finding matters. Rule documents give each rule a default; a rule may lower or raise
/// it for one finding (for example when the value provably comes from the request).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Low, Severity::Medium, Severity::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown severity `{s}` (expected one of: low, medium, high)"))
    }
}

/// A stretch of one file: byte offsets into its decoded text and the 1-based positions they map
/// to. Files that could not be decoded have positions but an empty range.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub range: TextRange,
    pub start: Position,
    pub end: Position,
}

/// Another place that explains a finding, such as the query that loaded a leaked model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedLocation {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub file: FileId,
    pub span: Span,
    pub related: Vec<RelatedLocation>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at the rule's default severity.
    pub fn new(rule: Rule, message: impl Into<String>, file: FileId, span: Span) -> Self {
        Self {
            rule,
            severity: rule.severity(),
            message: message.into(),
            file,
            span,
            related: Vec::new(),
            help: None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn with_related(mut self, related: RelatedLocation) -> Self {
        self.related.push(related);
        self
    }
}
