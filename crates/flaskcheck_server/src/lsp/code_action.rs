//! "Suppress FCxxx on this line": adds the code to the line's `# noqa: ...` list (after the codes
//! other tools read there), or a `# noqa: FCxxx` comment at the end of the line.

use std::collections::{BTreeSet, HashMap};

use flaskcheck_linter::suppression::noqa_code_list_end;
use flaskcheck_linter::Rule;
use flaskcheck_python::{CommentLayout, PositionEncoding, TextRange, TextSize};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, Url, WorkspaceEdit,
};

use super::convert::{rule_of, Published};
use super::document::Document;
use super::position;

pub(crate) fn actions(
    documents: &HashMap<Url, Document>,
    published: &HashMap<Url, Vec<Published>>,
    params: &CodeActionParams,
    encoding: PositionEncoding,
) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let Some(document) = documents.get(uri) else {
        return Vec::new();
    };
    if params
        .context
        .only
        .as_ref()
        .is_some_and(|only| !only.iter().any(is_quickfix))
    {
        return Vec::new();
    }
    // The diagnostics the client names; a client that names none gets the ones under the range.
    let mut diagnostics: Vec<lsp_types::Diagnostic> = params
        .context
        .diagnostics
        .iter()
        .filter(|diagnostic| rule_of(diagnostic).is_some())
        .cloned()
        .collect();
    if diagnostics.is_empty() {
        diagnostics = published
            .get(uri)
            .into_iter()
            .flatten()
            .filter(|p| overlaps(&p.diagnostic.range, &params.range))
            .map(|p| p.diagnostic.clone())
            .collect();
    }

    let text = document.text();
    // A buffer refused before parsing has only FC000, which no comment suppresses.
    let Some(layout) = CommentLayout::of(text) else {
        return Vec::new();
    };
    let mut offered: BTreeSet<(u32, Rule)> = BTreeSet::new();
    let mut actions = Vec::new();
    for diagnostic in diagnostics {
        let Some(rule) = rule_of(&diagnostic) else {
            continue;
        };
        let line = diagnostic.range.start.line;
        // A file that does not parse is reported by FC000, which no comment in it can suppress.
        if rule == Rule::SyntaxError || !offered.insert((line, rule)) {
            continue;
        }
        let Some((range, new_text)) = suppression_edit(document, &layout, line, rule) else {
            continue;
        };
        let edit = TextEdit {
            range: position::range(document.index(), text, range, encoding),
            new_text,
        };
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Suppress {} on this line", rule.code()),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            ..CodeAction::default()
        }));
    }
    actions
}

/// Whether `kind` (from the request's `only`) covers quick fixes: it is their kind, or the empty
/// kind every other is under.
fn is_quickfix(kind: &CodeActionKind) -> bool {
    kind.as_str().is_empty() || *kind == CodeActionKind::QUICKFIX
}

fn overlaps(a: &lsp_types::Range, b: &lsp_types::Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The edit that suppresses `rule` on 0-based `line`, or `None` where no comment can go: the line
/// ends inside a string that goes on to the next line, or with a `\` that continues it.
fn suppression_edit(
    document: &Document,
    layout: &CommentLayout,
    line: u32,
    rule: Rule,
) -> Option<(TextRange, String)> {
    let text = document.text();
    if line as usize >= document.index().line_count() {
        return None;
    }
    let line_range = position::line_content(document.index(), text, line);
    if layout.inside_multiline_token(line_range.end()) {
        return None;
    }
    let comments = layout
        .comments
        .iter()
        .filter(|comment| line_range.contains_range(**comment));
    for comment in comments.clone() {
        if let Some(end) = noqa_code_list_end(&text[*comment]) {
            let listed = &text[TextRange::new(comment.start(), comment.start() + size(end))];
            if listed
                .split(|c: char| c == ',' || c == ':' || c.is_whitespace())
                .any(|code| code.eq_ignore_ascii_case(rule.code()))
            {
                return None;
            }
            let at = comment.start() + size(end);
            return Some((TextRange::empty(at), format!(", {}", rule.code())));
        }
    }
    let content = &text[line_range];
    let trimmed = content.trim_end();
    if trimmed.ends_with('\\') && comments.clone().next().is_none() {
        return None;
    }
    let end_of_code = line_range.start() + size(trimmed.len());
    Some((
        TextRange::new(end_of_code, line_range.end()),
        format!("  # noqa: {}", rule.code()),
    ))
}

fn size(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suppressed(source: &str, line: u32, rule: Rule) -> Option<String> {
        let document = Document::new("x.py".into(), 1, source.to_string());
        let layout = CommentLayout::of(source)?;
        let (range, new_text) = suppression_edit(&document, &layout, line, rule)?;
        let mut out = source.to_string();
        out.replace_range(range.start().to_usize()..range.end().to_usize(), &new_text);
        Some(out)
    }

    #[test]
    fn adds_a_noqa_comment_or_extends_the_one_there() {
        let leak = Rule::ModelInResponse;
        assert_eq!(
            suppressed("return jsonify(user)   \nx = 1\n", 0, leak).as_deref(),
            Some("return jsonify(user)  # noqa: FC101\nx = 1\n")
        );
        assert_eq!(
            suppressed("return jsonify(user)  # noqa: E501\r\n", 0, leak).as_deref(),
            Some("return jsonify(user)  # noqa: E501, FC101\r\n")
        );
        assert_eq!(
            suppressed(
                "return jsonify(user)  # type: ignore  # noqa:E501 long line\n",
                0,
                leak
            )
            .as_deref(),
            Some("return jsonify(user)  # type: ignore  # noqa:E501, FC101 long line\n")
        );
        // Another comment stays; the directive goes after it.
        assert_eq!(
            suppressed("return jsonify(user)  # flaskcheck: ignore[FC102]", 0, leak).as_deref(),
            Some("return jsonify(user)  # flaskcheck: ignore[FC102]  # noqa: FC101")
        );
        // `#` in a string is not a comment.
        assert_eq!(
            suppressed("q = '# noqa: E501'\n", 0, Rule::SelectStar).as_deref(),
            Some("q = '# noqa: E501'  # noqa: FC103\n")
        );
    }

    #[test]
    fn offers_nothing_where_a_comment_would_change_the_code() {
        let sql = Rule::SelectStar;
        assert_eq!(
            suppressed("q = \"\"\"SELECT *\nFROM t\"\"\"\n", 0, sql),
            None
        );
        assert_eq!(
            suppressed("q = 'SELECT * ' \\\n    'FROM t'\n", 0, sql),
            None
        );
        assert_eq!(suppressed("x = 1  # noqa: FC103\n", 0, sql), None);
        assert_eq!(suppressed("x = 1\n", 5, sql), None);
        // Inside brackets a comment is fine.
        assert_eq!(
            suppressed("run(\"SELECT *\",\n    1)\n", 0, sql).as_deref(),
            Some("run(\"SELECT *\",  # noqa: FC103\n    1)\n")
        );
    }
}
