//! A rule's document in `rules/`: TOML front matter between `+++` lines (code, name, severity,
//! confidence, CWE ids, one-line summary), then Markdown (what it does, why, bad and good code).
//! The binary embeds these files; `flaskcheck rule`, the SARIF rule metadata and `docs/rules.md`
//! all read them, so there is one source for what a rule is.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    code: String,
    name: String,
    severity: Severity,
    confidence: Confidence,
    #[serde(default)]
    cwe: Vec<u32>,
    summary: String,
}

#[derive(Debug, Clone)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: Vec<u32>,
    pub summary: String,
    /// The Markdown after the front matter.
    pub body: &'static str,
}

/// A rule in a list of rules: `flaskcheck rules --output-format json`, the MCP `list_rules` tool.
/// Fields in alphabetical order, the order the list has always had.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RuleSummary<'a> {
    pub code: &'a str,
    /// `low`, `medium` or `high`.
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub confidence: Confidence,
    pub cwe: &'a [u32],
    pub name: &'a str,
    /// `low`, `medium` or `high`.
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub severity: Severity,
    pub summary: &'a str,
}

impl RuleDoc {
    pub fn parse(source: &'static str) -> Result<Self, String> {
        let rest = source
            .strip_prefix("+++\n")
            .ok_or("a rule document starts with a `+++` line")?;
        let end = rest
            .find("\n+++\n")
            .ok_or("the front matter ends with a `+++` line")?;
        let front: FrontMatter =
            toml::from_str(&rest[..end]).map_err(|err| format!("front matter: {err}"))?;
        Ok(RuleDoc {
            code: front.code,
            name: front.name,
            severity: front.severity,
            confidence: front.confidence,
            cwe: front.cwe,
            summary: front.summary,
            body: rest[end + "\n+++\n".len()..].trim_start_matches('\n'),
        })
    }

    pub fn summary_record(&self) -> RuleSummary<'_> {
        RuleSummary {
            code: &self.code,
            confidence: self.confidence,
            cwe: &self.cwe,
            name: &self.name,
            severity: self.severity,
            summary: &self.summary,
        }
    }

    /// The whole document in Markdown, as `flaskcheck rule` prints it and editors and assistants
    /// show it: a title, the summary, severity, confidence and CWE ids, then the body.
    pub fn markdown(&self) -> String {
        let cwe = if self.cwe.is_empty() {
            "none".to_string()
        } else {
            self.cwe
                .iter()
                .map(|id| format!("CWE-{id}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = String::with_capacity(self.body.len() + 200);
        let _ = write!(
            out,
            "# {} {}\n\n{}\n\nSeverity: {} · Confidence: {} · {}\n\n{}",
            self.code,
            self.name,
            self.summary,
            self.severity,
            self.confidence.as_str(),
            cwe,
            self.body
        );
        out
    }

    /// The text of a `## Heading` section of the body, without the heading.
    pub fn section(&self, heading: &str) -> Option<&'static str> {
        let marker = format!("## {heading}\n");
        let start = self.body.find(&marker)? + marker.len();
        let rest = &self.body[start..];
        let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
        Some(rest[..end].trim())
    }

    /// The code of the fenced `python` blocks in a section, in order.
    pub fn python_examples(&self, heading: &str) -> Vec<&'static str> {
        let Some(section) = self.section(heading) else {
            return Vec::new();
        };
        let mut examples = Vec::new();
        let mut rest = section;
        while let Some(open) = rest.find("```python\n") {
            let code = &rest[open + "```python\n".len()..];
            let Some(close) = code.find("```") else { break };
            examples.push(&code[..close]);
            rest = &code[close + 3..];
        }
        examples
    }
}
