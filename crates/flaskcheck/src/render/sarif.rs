//! SARIF 2.1.0 (docs/output-formats.md), as plain serde structs. One run; `tool.driver.rules`
//! holds every rule's metadata from its document (so every `ruleId` in the results, FC000 and
//! FC001 included, has its entry and `ruleIndex` is the rule's place in [`Rule::ALL`]). Columns
//! count Unicode code points, and `columnKind` says so. `partialFingerprints` carries the
//! fingerprint of [`flaskcheck_linter::fingerprint`], which survives lines moving.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flaskcheck_linter::fingerprint::{fingerprints, FINGERPRINT_VERSION};
use flaskcheck_linter::rule_doc::Confidence;
use flaskcheck_linter::{LintReport, Position, Rule, Severity, SourceFile};
use serde::Serialize;

use super::{json_path, slash_path_bytes, RenderOptions};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// Relative URIs in the results are relative to this base: the folder flaskcheck ran in.
const SRCROOT: &str = "%SRCROOT%";
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: MultiformatMessage,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    precision: &'static str,
    /// GitHub code scanning's score for security rules: 0.1–3.9 low, 4–6.9 medium, 7–8.9 high.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    /// GitHub code scanning's severity for results that are not security ones.
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    help: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

impl Region {
    fn new(start: Position, end: Position) -> Self {
        // An empty span (a file that could not be read) is an insertion point: end = start.
        let end = end.max(start);
        Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

pub fn render(report: &LintReport, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let locate = |file: &SourceFile| artifact(&file.path, &options.cwd);
    let prints = fingerprints(report, &|file| {
        let (path, _) = relative_path(&file.path, &options.cwd);
        path
    });
    let fingerprint_key = format!("flaskcheck/v{FINGERPRINT_VERSION}");
    let results = report
        .diagnostics
        .iter()
        .zip(prints)
        .map(|(diagnostic, print)| SarifResult {
            rule_id: diagnostic.rule.code(),
            rule_index: rule_index(diagnostic.rule),
            level: level(diagnostic.severity),
            message: Message {
                text: diagnostic.message.clone(),
            },
            locations: [Location {
                id: None,
                physical_location: PhysicalLocation {
                    artifact_location: locate(report.file(diagnostic.file)),
                    region: Region::new(diagnostic.span.start, diagnostic.span.end),
                },
                message: None,
            }],
            related_locations: diagnostic
                .related
                .iter()
                .enumerate()
                .map(|(id, related)| Location {
                    id: Some(id),
                    physical_location: PhysicalLocation {
                        artifact_location: locate(report.file(related.file)),
                        region: Region::new(related.span.start, related.span.end),
                    },
                    message: Some(Message {
                        text: related.message.clone(),
                    }),
                })
                .collect(),
            partial_fingerprints: BTreeMap::from([(fingerprint_key.clone(), print)]),
            baseline_state: options.baseline.then_some("new"),
            properties: diagnostic
                .help
                .as_deref()
                .map(|help| ResultProperties { help }),
        })
        .collect();
    let mut base_ids = BTreeMap::new();
    if let Some(uri) = directory_uri(&options.cwd) {
        base_ids.insert(
            SRCROOT,
            ArtifactLocation {
                uri,
                uri_base_id: None,
            },
        );
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "flaskcheck",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: REPOSITORY,
                    rules: Rule::ALL.iter().map(|&rule| descriptor(rule)).collect(),
                },
            },
            original_uri_base_ids: base_ids,
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
    writeln!(out)
}

fn rule_index(rule: Rule) -> usize {
    Rule::ALL
        .iter()
        .position(|&r| r == rule)
        .expect("every rule is in Rule::ALL")
}

fn descriptor(rule: Rule) -> ReportingDescriptor {
    let doc = rule.doc();
    let security = !doc.cwe.is_empty();
    let mut tags: Vec<String> = Vec::new();
    if security {
        tags.push("security".to_string());
        tags.extend(doc.cwe.iter().map(|id| format!("external/cwe/cwe-{id}")));
    }
    ReportingDescriptor {
        id: rule.code(),
        name: rule.name(),
        short_description: Message {
            text: doc.summary.clone(),
        },
        full_description: Message {
            text: doc
                .section("What it does")
                .unwrap_or(&doc.summary)
                .to_string(),
        },
        help: MultiformatMessage {
            text: doc.body.trim().to_string(),
            markdown: doc.body.trim().to_string(),
        },
        help_uri: rule.doc_url(),
        default_configuration: Configuration {
            level: level(doc.severity),
        },
        properties: RuleProperties {
            tags,
            precision: match doc.confidence {
                Confidence::High => "high",
                Confidence::Medium => "medium",
                Confidence::Low => "low",
            },
            security_severity: security.then_some(match doc.severity {
                Severity::High => "8.0",
                Severity::Medium => "5.5",
                Severity::Low => "3.0",
            }),
            problem_severity: match doc.severity {
                Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "recommendation",
            },
        },
    }
}

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// The path relative to `cwd` when it is inside it (and whether it is), else absolute; as
/// printed, for fingerprints.
fn relative_path(path: &Path, cwd: &Path) -> (String, bool) {
    let (path, relative) = relative_or_absolute(path, cwd);
    (json_path(&path), relative)
}

fn relative_or_absolute(path: &Path, cwd: &Path) -> (PathBuf, bool) {
    if path.is_relative() {
        let first = path
            .components()
            .find(|component| !matches!(component, std::path::Component::CurDir));
        if first != Some(std::path::Component::ParentDir) {
            return (path.to_path_buf(), true);
        }
    } else if let Ok(inside) = path.strip_prefix(cwd) {
        return (inside.to_path_buf(), true);
    }
    (flaskcheck_linter::paths::absolute(path, cwd), false)
}

/// A relative URI against `%SRCROOT%` for files under the current folder, a `file://` URI for
/// the others. The path's bytes are percent-encoded as they are, so that a name that is not UTF-8
/// names the same file.
fn artifact(path: &Path, cwd: &Path) -> ArtifactLocation {
    let (path, relative) = relative_or_absolute(path, cwd);
    let bytes = slash_path_bytes(&path);
    if relative {
        ArtifactLocation {
            uri: encode_uri_path(&bytes),
            uri_base_id: Some(SRCROOT),
        }
    } else {
        ArtifactLocation {
            uri: file_uri(&bytes),
            uri_base_id: None,
        }
    }
}

/// `file:///abs/dir/` (with the trailing slash SARIF wants for a base).
fn directory_uri(dir: &Path) -> Option<String> {
    if !dir.is_absolute() {
        return None;
    }
    let mut uri = file_uri(&slash_path_bytes(dir));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

fn file_uri(absolute: &[u8]) -> String {
    let path = encode_uri_path(absolute);
    if path.starts_with('/') {
        format!("file://{path}")
    } else {
        // A Windows drive path, C:/x.
        format!("file:///{path}")
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `/` (and a drive colon).
fn encode_uri_path(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    for (index, &byte) in path.iter().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/')
            || (byte == b':' && index == 1);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use flaskcheck_linter::{Diagnostic, FileId, RelatedLocation};

    use super::*;
    use crate::render::TextOptions;

    /// Related locations and per-finding help, which no rule on this branch reports yet, render
    /// to valid SARIF too.
    #[test]
    fn related_locations_and_help_validate() {
        let views = SourceFile::from_text(
            FileId(0),
            Path::new("app/views.py"),
            Arc::from("def show(id):\n    user = load(id)\n    return jsonify(user)\n"),
        );
        let models = SourceFile::from_text(
            FileId(1),
            Path::new("app/models.py"),
            Arc::from("class User(db.Model):\n    pass\n"),
        );
        let line = |file: &SourceFile, line: u32| file.span(file.line_span(line).range);
        let diagnostic = Diagnostic::new(Rule::InternalError, "leak", FileId(0), line(&views, 3))
            .with_help("return a dict of the fields you mean to send")
            .with_related(RelatedLocation {
                file: FileId(0),
                span: line(&views, 2),
                message: "loaded here".into(),
            })
            .with_related(RelatedLocation {
                file: FileId(1),
                span: line(&models, 1),
                message: "the model".into(),
            });
        let report = LintReport {
            files: vec![views, models],
            diagnostics: vec![diagnostic],
            ..LintReport::default()
        };
        let options = RenderOptions {
            text: TextOptions { color: false },
            cwd: PathBuf::from("/repo"),
            baseline: false,
        };
        let mut out = Vec::new();
        render(&report, &options, &mut out).unwrap();
        let sarif: serde_json::Value = serde_json::from_slice(&out).unwrap();

        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../../testdata/sarif-schema-2.1.0.json"))
                .unwrap();
        let validator = jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");

        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(
            result["properties"]["help"],
            "return a dict of the fields you mean to send"
        );
        let related = result["relatedLocations"].as_array().unwrap();
        assert_eq!(related.len(), 2);
        assert_eq!(related[1]["id"], 1);
        assert_eq!(related[1]["message"]["text"], "the model");
        assert_eq!(
            related[1]["physicalLocation"]["artifactLocation"]["uri"],
            "app/models.py"
        );
        assert_eq!(related[0]["physicalLocation"]["region"]["startLine"], 2);
        assert_eq!(
            sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///repo/"
        );
    }

    #[test]
    fn uris_are_encoded_and_relative_when_inside_the_folder() {
        let cwd = Path::new("/home/me/my project");
        let inside = artifact(Path::new("app/views ü.py"), cwd);
        assert_eq!(inside.uri, "app/views%20%C3%BC.py");
        assert_eq!(inside.uri_base_id, Some(SRCROOT));
        let absolute_inside = artifact(Path::new("/home/me/my project/app/x.py"), cwd);
        assert_eq!(absolute_inside.uri, "app/x.py");
        let outside = artifact(Path::new("../other/x.py"), cwd);
        assert_eq!(outside.uri, "file:///home/me/other/x.py");
        assert_eq!(outside.uri_base_id, None);
        assert_eq!(directory_uri(cwd).unwrap(), "file:///home/me/my%20project/");
    }
}
