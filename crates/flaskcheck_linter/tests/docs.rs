//! `docs/rules.md` is generated from the rule documents in `rules/`; this test regenerates it in
//! memory and fails when the committed file differs. To update it:
//!
//!     UPDATE_DOCS=1 cargo test -p flaskcheck_linter --test docs

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use flaskcheck_linter::Rule;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const UPDATE: &str = "UPDATE_DOCS=1 cargo test -p flaskcheck_linter --test docs";

fn cwe_links(ids: &[u32]) -> String {
    ids.iter()
        .map(|id| format!("[CWE-{id}](https://cwe.mitre.org/data/definitions/{id}.html)"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The body of a rule document with its headings one level deeper (outside code blocks).
fn demoted(body: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in body.trim().lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn rules_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Rules\n\n");
    let _ = writeln!(
        out,
        "<!-- Generated from rules/*.md by `{UPDATE}`. Edit the rule documents, not this file. -->\n"
    );
    out.push_str(
        "Every rule flaskcheck has, generated from its document in [`rules/`](../rules/). \
         `flaskcheck rules` lists them and `flaskcheck rule CODE` prints one. Severity is the \
         default (a finding may be raised or lowered); confidence is how sure the rule is that a \
         finding is real. Rules `FC0xx` report on flaskcheck's own work rather than on your code.\n\n",
    );
    out.push_str("| Code | Name | Severity | Confidence | CWE | Summary |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for &rule in Rule::ALL {
        let doc = rule.doc();
        let _ = writeln!(
            out,
            "| [{code}](#{anchor}) | `{name}` | {severity} | {confidence} | {cwe} | {summary} |",
            code = rule.code(),
            anchor = format!("{}-{}", rule.code(), doc.name).to_lowercase(),
            name = doc.name,
            severity = doc.severity,
            confidence = doc.confidence.as_str(),
            cwe = cwe_links(&doc.cwe),
            summary = doc.summary.replace('|', "\\|"),
        );
    }
    for &rule in Rule::ALL {
        let doc = rule.doc();
        let _ = write!(
            out,
            "\n## {code} {name}\n\n{summary}\n\nSeverity: {severity} · Confidence: {confidence} · CWE: {cwe} · \
             Source: [`rules/{code}.md`](../rules/{code}.md)\n\n{body}",
            code = rule.code(),
            name = doc.name,
            summary = doc.summary,
            severity = doc.severity,
            confidence = doc.confidence.as_str(),
            cwe = if doc.cwe.is_empty() {
                "none".to_string()
            } else {
                cwe_links(&doc.cwe)
            },
            body = demoted(doc.body),
        );
    }
    out
}

#[test]
fn rules_md_is_up_to_date() {
    let path = repository().join("docs/rules.md");
    let generated = rules_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is out of date with rules/*.md; regenerate it with:\n\n    {UPDATE}\n"
    );
}
