//! Suppression comments: `# noqa`, `# noqa: FC101, FC102` and `# flaskcheck: ignore[FC101]`.
//!
//! They are read from the comment tokens of a parsed file (so `"# noqa"` in a string is not one),
//! and applied after every rule has run, against the line where a finding starts: a finding that
//! spans several lines is suppressed by a comment on its first line. Codes of other tools in a
//! `# noqa` (`E501`) are theirs and ignored. With `--report-unused-suppressions`, a suppression
//! that suppressed nothing is reported as FC001, unless the rule it names did not run (a rule that
//! is not selected, or is ignored for the file, might well have needed it). A bare `# noqa` is
//! never reported: flake8, Ruff and others read it too, and it may be theirs.

use std::ops::Range;

use flaskcheck_python::{TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::source::SourceFile;

/// One suppression comment (a comment may hold several: `# noqa: FC101  # flaskcheck: ignore`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suppression {
    /// The directive's text, from its `#` to the end of its codes.
    pub range: TextRange,
    pub codes: SuppressedCodes,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SuppressedCodes {
    /// `# noqa` without codes: every finding on the line (and every other tool's).
    Noqa,
    /// `# flaskcheck: ignore` without codes: every finding on the line.
    All,
    /// flaskcheck codes, as written; `None` for a code that names no rule.
    Listed(Vec<(String, Option<Rule>)>),
}

/// The suppressions of one file, in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileSuppressions {
    suppressions: Vec<Suppression>,
}

impl FileSuppressions {
    /// Reads the suppressions in `comments` (the ranges of the file's comment tokens).
    pub fn from_comments(file: &SourceFile, comments: impl IntoIterator<Item = TextRange>) -> Self {
        let text = file.text();
        let mut suppressions = Vec::new();
        for range in comments {
            let comment = &text[range];
            // Most comments are prose: look for either keyword before parsing anything.
            if !mentions_directive(comment.as_bytes()) {
                continue;
            }
            for (within, codes) in directives(comment) {
                let start = range.start() + TextSize::try_from(within.start).unwrap_or_default();
                let end = range.start() + TextSize::try_from(within.end).unwrap_or_default();
                suppressions.push(Suppression {
                    range: TextRange::new(start, end),
                    codes,
                });
            }
        }
        Self { suppressions }
    }

    pub fn is_empty(&self) -> bool {
        self.suppressions.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Suppression> {
        self.suppressions.iter()
    }
}

/// Removes the suppressed findings of one file from `diagnostics`, and returns the FC001 findings
/// for suppressions that suppressed nothing when `report_unused` is set. `enabled` tells which
/// rules ran on this file.
pub(crate) fn apply(
    file: &SourceFile,
    suppressions: &FileSuppressions,
    diagnostics: &mut Vec<Diagnostic>,
    enabled: &dyn Fn(Rule) -> bool,
    report_unused: bool,
) -> Vec<Diagnostic> {
    if suppressions.is_empty() || (diagnostics.is_empty() && !report_unused) {
        return Vec::new();
    }
    let list = &suppressions.suppressions;
    // Lines are counted here, for the few files that have findings, not while reading comments.
    let lines: Vec<u32> = list.iter().map(|s| file.line_of(s.range.start())).collect();
    // Whether each suppression (blanket) or each of its codes was used.
    let mut used: Vec<Vec<bool>> = list
        .iter()
        .map(|s| match &s.codes {
            SuppressedCodes::Noqa | SuppressedCodes::All => vec![false],
            SuppressedCodes::Listed(codes) => vec![false; codes.len()],
        })
        .collect();
    diagnostics.retain(|diagnostic| {
        let line = diagnostic.span.start.line;
        let mut suppressed = false;
        let first = lines.partition_point(|&l| l < line);
        for (index, suppression) in list.iter().enumerate().skip(first) {
            if lines[index] != line {
                break;
            }
            match &suppression.codes {
                SuppressedCodes::Noqa | SuppressedCodes::All => {
                    used[index][0] = true;
                    suppressed = true;
                }
                SuppressedCodes::Listed(codes) => {
                    for (position, (_, rule)) in codes.iter().enumerate() {
                        if *rule == Some(diagnostic.rule) {
                            used[index][position] = true;
                            suppressed = true;
                        }
                    }
                }
            }
        }
        !suppressed
    });

    if !report_unused {
        return Vec::new();
    }
    let every_rule_ran = Rule::ALL
        .iter()
        .filter(|&&rule| rule != Rule::UnusedSuppression)
        .all(|&rule| enabled(rule));
    let mut unused = Vec::new();
    for (suppression, used) in list.iter().zip(&used) {
        let message = match &suppression.codes {
            // A blanket suppression may be meant for any rule: it is unused only if all ran.
            SuppressedCodes::All if !used[0] && every_rule_ran => {
                "unused suppression: no finding starts on this line".to_string()
            }
            SuppressedCodes::Noqa | SuppressedCodes::All => continue,
            SuppressedCodes::Listed(codes) => {
                // A suppression that names FC001 asks not to be reported.
                if codes
                    .iter()
                    .any(|(_, rule)| *rule == Some(Rule::UnusedSuppression))
                {
                    continue;
                }
                let unknown: Vec<&str> = codes
                    .iter()
                    .filter(|(_, rule)| rule.is_none())
                    .map(|(code, _)| code.as_str())
                    .collect();
                let idle: Vec<&str> = codes
                    .iter()
                    .zip(used)
                    .filter(|((_, rule), &used)| !used && rule.is_some_and(enabled))
                    .map(|((code, _), _)| code.as_str())
                    .collect();
                let mut parts = Vec::new();
                if !idle.is_empty() {
                    parts.push(format!(
                        "unused suppression: no {} finding starts on this line",
                        idle.join(" or ")
                    ));
                }
                if !unknown.is_empty() {
                    parts.push(format!(
                        "{} {} not a flaskcheck rule code",
                        unknown
                            .iter()
                            .map(|code| format!("`{code}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        if unknown.len() == 1 { "is" } else { "are" }
                    ));
                }
                if parts.is_empty() {
                    continue;
                }
                parts.join("; ")
            }
        };
        unused.push(
            Diagnostic::new(
                Rule::UnusedSuppression,
                message,
                file.id,
                file.span(suppression.range),
            )
            .with_help("remove the suppression, or the codes in it that no longer apply"),
        );
    }
    unused
}

/// The suppression directives in one comment token's text: their byte ranges within it and codes.
/// Whether a comment contains `noqa` or `flaskcheck`, in any case. Found from their rarest
/// letters (`q`, and the first `k`), which `memchr` skips to: prose comments are cheap.
fn mentions_directive(comment: &[u8]) -> bool {
    let around = |at: usize, before: usize, word: &[u8]| {
        at.checked_sub(before)
            .and_then(|start| comment.get(start..start + word.len()))
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(word))
    };
    memchr::memchr2_iter(b'q', b'Q', comment).any(|at| around(at, 2, b"noqa"))
        || memchr::memchr2_iter(b'k', b'K', comment).any(|at| around(at, 4, b"flaskcheck"))
}

fn directives(comment: &str) -> Vec<(Range<usize>, SuppressedCodes)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(offset) = comment[from..].find('#') {
        let hash = from + offset;
        let after = skip_blanks(comment, hash + 1);
        let parsed = noqa(comment, after).or_else(|| flaskcheck_ignore(comment, after));
        match parsed {
            Some((end, codes)) => {
                if let Some(codes) = codes {
                    out.push((hash..end, codes));
                }
                from = end;
            }
            None => from = hash + 1,
        }
    }
    out
}

/// Where one more code can be added to a `# noqa: CODES` directive in one comment token's text:
/// the end of its last code, so that the codes other tools read there (`E501`) stay as they are.
/// `None` when the comment holds no such list (a bare `# noqa` already suppresses everything).
/// Editors use it to offer "suppress on this line".
pub fn noqa_code_list_end(comment: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(offset) = comment[from..].find('#') {
        let hash = from + offset;
        match noqa(comment, skip_blanks(comment, hash + 1)) {
            Some((_, Some(SuppressedCodes::Noqa))) | None => from = hash + 1,
            Some((end, _)) => return Some(end),
        }
    }
    None
}

/// `noqa`, `noqa: CODES`, at `at`. Returns where the directive ends and its codes; `None` codes for
/// a directive that names only other tools' codes.
fn noqa(comment: &str, at: usize) -> Option<(usize, Option<SuppressedCodes>)> {
    let end = at + "noqa".len();
    if !comment.get(at..end)?.eq_ignore_ascii_case("noqa") {
        return None;
    }
    match comment[end..].chars().next() {
        // `# noqa`, and `# noqa FC101` as flake8 reads it: a blanket suppression.
        None => Some((end, Some(SuppressedCodes::Noqa))),
        Some(c) if c.is_whitespace() || c == '#' => Some((end, Some(SuppressedCodes::Noqa))),
        Some(':') => {
            let (codes, codes_end) = code_list(comment, skip_blanks(comment, end + 1), false);
            if codes.is_empty() {
                return Some((end + 1, Some(SuppressedCodes::Noqa)));
            }
            let ours: Vec<(String, Option<Rule>)> = codes
                .into_iter()
                .filter(|code| {
                    code.len() > 2 && code.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("FC"))
                })
                .map(|code| {
                    let rule = Rule::from_code(&code);
                    (code, rule)
                })
                .collect();
            if ours.is_empty() {
                Some((codes_end, None))
            } else {
                Some((codes_end, Some(SuppressedCodes::Listed(ours))))
            }
        }
        // `# noqaxyz` is no directive.
        Some(_) => None,
    }
}

/// `flaskcheck: ignore` or `flaskcheck: ignore[CODES]` at `at`.
fn flaskcheck_ignore(comment: &str, at: usize) -> Option<(usize, Option<SuppressedCodes>)> {
    let end = at + "flaskcheck".len();
    if !comment.get(at..end)?.eq_ignore_ascii_case("flaskcheck") {
        return None;
    }
    let colon = skip_blanks(comment, end);
    if !comment[colon..].starts_with(':') {
        return None;
    }
    let word = skip_blanks(comment, colon + 1);
    let word_end = word + "ignore".len();
    if !comment.get(word..word_end)?.eq_ignore_ascii_case("ignore") {
        return None;
    }
    match comment[word_end..].chars().next() {
        None => Some((word_end, Some(SuppressedCodes::All))),
        Some(c) if c.is_whitespace() || c == '#' => Some((word_end, Some(SuppressedCodes::All))),
        Some('[') => {
            let (codes, codes_end) = code_list(comment, skip_blanks(comment, word_end + 1), true);
            let close = skip_blanks(comment, codes_end);
            if !comment[close..].starts_with(']') || codes.is_empty() {
                return None;
            }
            let codes = codes
                .into_iter()
                .map(|code| {
                    let rule = Rule::from_code(&code);
                    (code, rule)
                })
                .collect();
            Some((close + 1, Some(SuppressedCodes::Listed(codes))))
        }
        Some(_) => None,
    }
}

/// Codes separated by commas and blanks, from `at`: the codes and where the last one ends.
/// Stops at the first word that is not a code (`# noqa: FC101 because ...`).
fn code_list(comment: &str, mut at: usize, in_brackets: bool) -> (Vec<String>, usize) {
    let mut codes = Vec::new();
    let mut end = at;
    while let Some(code_end) = code(comment, at) {
        codes.push(comment[at..code_end].to_ascii_uppercase());
        end = code_end;
        at = skip_blanks(comment, code_end);
        if comment[at..].starts_with(',') {
            at = skip_blanks(comment, at + 1);
        } else if !in_brackets && !comment[at..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            break;
        }
    }
    (codes, end)
}

/// The end of a code (letters then digits, `FC101`, `E501`) starting at `at`.
fn code(comment: &str, at: usize) -> Option<usize> {
    let rest = &comment[at..];
    let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = rest[letters..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let end = letters + digits;
    let boundary = rest[end..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric() && c != '_');
    (letters > 0 && digits > 0 && boundary).then_some(at + end)
}

fn skip_blanks(text: &str, at: usize) -> usize {
    at + text[at..]
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use flaskcheck_python::parse_module;

    use super::*;
    use crate::diagnostic::Span;
    use crate::source::FileId;

    fn codes(comment: &str) -> Vec<(String, SuppressedCodes)> {
        directives(comment)
            .into_iter()
            .map(|(range, codes)| (comment[range].to_string(), codes))
            .collect()
    }

    fn listed(codes: &[&str]) -> SuppressedCodes {
        SuppressedCodes::Listed(
            codes
                .iter()
                .map(|code| (code.to_string(), Rule::from_code(code)))
                .collect(),
        )
    }

    #[test]
    fn noqa_forms() {
        assert_eq!(codes("# noqa"), [("# noqa".into(), SuppressedCodes::Noqa)]);
        assert_eq!(codes("#NOQA"), [("#NOQA".into(), SuppressedCodes::Noqa)]);
        assert_eq!(
            codes("# noqa: FC000, FC002"),
            [("# noqa: FC000, FC002".into(), listed(&["FC000", "FC002"]))]
        );
        assert_eq!(
            codes("# noqa:FC000,FC002 because reasons"),
            [("# noqa:FC000,FC002".into(), listed(&["FC000", "FC002"]))]
        );
        assert_eq!(
            codes("# noqa: FC000 FC002"),
            [("# noqa: FC000 FC002".into(), listed(&["FC000", "FC002"]))]
        );
        // Other tools' codes are theirs; a noqa with only those is not ours at all.
        assert_eq!(codes("# noqa: E501"), []);
        assert_eq!(
            codes("# noqa: E501, FC002"),
            [("# noqa: E501, FC002".into(), listed(&["FC002"]))]
        );
        // Unknown flaskcheck codes are kept, to be reported.
        assert_eq!(
            codes("# noqa: FC999"),
            [("# noqa: FC999".into(), listed(&["FC999"]))]
        );
        // flake8 reads a noqa without its colon as a blanket one.
        assert_eq!(
            codes("# noqa FC000"),
            [("# noqa".into(), SuppressedCodes::Noqa)]
        );
        assert_eq!(
            codes("# noqa:"),
            [("# noqa:".into(), SuppressedCodes::Noqa)]
        );
        assert_eq!(codes("# noqabc"), []);
        assert_eq!(codes("# this is not noqa"), []);
    }

    #[test]
    fn where_a_noqa_list_is_extended() {
        fn end(comment: &str) -> Option<&str> {
            noqa_code_list_end(comment).map(|at| &comment[..at])
        }
        assert_eq!(end("# noqa: E501"), Some("# noqa: E501"));
        assert_eq!(
            end("# noqa:E501,W291 because reasons"),
            Some("# noqa:E501,W291")
        );
        assert_eq!(
            end("# type: ignore  # NOQA: FC102 (reviewed)"),
            Some("# type: ignore  # NOQA: FC102")
        );
        assert_eq!(end("# noqa  # noqa: E501"), Some("# noqa  # noqa: E501"));
        assert_eq!(end("# noqa"), None);
        assert_eq!(end("# noqa:"), None);
        assert_eq!(end("# flaskcheck: ignore[FC101]"), None);
        assert_eq!(end("# a note about noqa: E501"), None);
    }

    #[test]
    fn flaskcheck_ignore_forms() {
        assert_eq!(
            codes("# flaskcheck: ignore[FC000]"),
            [("# flaskcheck: ignore[FC000]".into(), listed(&["FC000"]))]
        );
        assert_eq!(
            codes("# flaskcheck:ignore[ FC000 , FC002 ]"),
            [(
                "# flaskcheck:ignore[ FC000 , FC002 ]".into(),
                listed(&["FC000", "FC002"])
            )]
        );
        assert_eq!(
            codes("# flaskcheck: ignore"),
            [("# flaskcheck: ignore".into(), SuppressedCodes::All)]
        );
        assert_eq!(codes("# flaskcheck: ignore[FC000"), []);
        assert_eq!(codes("# flaskcheck: ignored"), []);
    }

    #[test]
    fn several_directives_in_one_comment() {
        assert_eq!(
            codes("# type: ignore  # noqa: FC000  # flaskcheck: ignore[FC002]"),
            [
                ("# noqa: FC000".into(), listed(&["FC000"])),
                ("# flaskcheck: ignore[FC002]".into(), listed(&["FC002"])),
            ]
        );
        // The fixture harness's annotations follow suppressions on the same line.
        assert_eq!(
            codes("# noqa: FC002  # expect: FC001"),
            [("# noqa: FC002".into(), listed(&["FC002"]))]
        );
    }

    fn file(source: &str) -> (SourceFile, FileSuppressions) {
        let file =
            SourceFile::from_text(FileId(0), std::path::Path::new("x.py"), Arc::from(source));
        let parsed = parse_module(source).unwrap();
        let suppressions = FileSuppressions::from_comments(&file, parsed.comment_ranges());
        (file, suppressions)
    }

    fn finding(file: &SourceFile, rule: Rule, line: u32) -> Diagnostic {
        let range = file.line_span(line).range;
        Diagnostic::new(rule, "found", file.id, file.span(range))
    }

    #[test]
    fn strings_are_not_comments() {
        let (_, suppressions) = file("x = '# noqa'\ny = \"\"\"\n# noqa\n\"\"\"\n");
        assert!(suppressions.is_empty());
    }

    #[test]
    fn suppresses_by_start_line_and_reports_what_was_unused() {
        let source = "a = 1  # noqa: FC002\nb = 2  # noqa\nc = 3  # noqa: FC000, FC002\nd = 4  # noqa: FC001, FC002\ne = 5  # noqa: FC999\nf = (\n  6)\n";
        let (file, suppressions) = file(source);
        let mut diagnostics = vec![
            finding(&file, Rule::InternalError, 1),
            finding(&file, Rule::SyntaxError, 2),
            finding(&file, Rule::SyntaxError, 3),
            // Starts on line 6, has no comment there: kept.
            Diagnostic::new(
                Rule::InternalError,
                "multi-line",
                file.id,
                Span {
                    range: file.line_span(6).range.cover(file.line_span(7).range),
                    start: file.line_span(6).start,
                    end: file.line_span(7).end,
                },
            ),
        ];
        let unused = apply(&file, &suppressions, &mut diagnostics, &|_| true, true);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].message, "multi-line");
        let unused: Vec<(u32, &str)> = unused
            .iter()
            .map(|d| (d.span.start.line, d.message.as_str()))
            .collect();
        assert_eq!(
            unused,
            [
                (
                    3,
                    "unused suppression: no FC002 finding starts on this line"
                ),
                (5, "`FC999` is not a flaskcheck rule code"),
            ]
        );
    }

    #[test]
    fn rules_that_did_not_run_cannot_leave_a_suppression_unused() {
        let (file, suppressions) =
            file("a = 1  # noqa: FC002\nb = 2  # flaskcheck: ignore\nc = 3  # noqa\n");
        let mut diagnostics = Vec::new();
        let only_fc000 = |rule: Rule| rule == Rule::SyntaxError;
        let unused = apply(&file, &suppressions, &mut diagnostics, &only_fc000, true);
        assert!(unused.is_empty(), "{unused:?}");
        let unused = apply(&file, &suppressions, &mut diagnostics, &|_| true, true);
        assert_eq!(unused.len(), 2);
        assert_eq!(
            unused[1].message,
            "unused suppression: no finding starts on this line"
        );
        assert_eq!(unused[1].span.start.column, 8);
        // A bare `# noqa` (line 3) may be for another tool: never reported.
        assert_eq!(unused[1].span.start.line, 2);
        // Not asked for: nothing reported.
        let unused = apply(&file, &suppressions, &mut diagnostics, &|_| true, false);
        assert!(unused.is_empty());
    }

    #[test]
    fn a_multi_line_finding_is_suppressed_on_its_first_line() {
        let (file, suppressions) = file("f = g(  # noqa: FC002\n  1,\n)\n");
        let mut diagnostics = vec![Diagnostic::new(
            Rule::InternalError,
            "m",
            file.id,
            Span {
                range: TextRange::new(0.into(), 30.into()),
                start: file.line_span(1).start,
                end: file.line_span(3).end,
            },
        )];
        apply(&file, &suppressions, &mut diagnostics, &|_| true, true);
        assert!(diagnostics.is_empty());
    }
}
