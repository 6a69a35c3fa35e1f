//! Hover over a flagged range: the finding, then its rule's document.

use std::collections::HashMap;
use std::fmt::Write;

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Position, Url};

use super::convert::Published;

pub(crate) fn hover(
    published: &HashMap<Url, Vec<Published>>,
    params: &HoverParams,
) -> Option<Hover> {
    let at = params.text_document_position_params.position;
    let uri = &params.text_document_position_params.text_document.uri;
    let under: Vec<&Published> = published
        .get(uri)?
        .iter()
        .filter(|p| contains(&p.diagnostic.range, at))
        .collect();
    let first = under.first()?;
    let mut markdown = String::new();
    for (index, published) in under.iter().enumerate() {
        if index > 0 {
            markdown.push_str("\n\n---\n\n");
        }
        let rule = published.rule;
        let _ = write!(
            markdown,
            "**{}** {}",
            rule.code(),
            published.diagnostic.message
        );
        if let Some(help) = &published.help {
            let _ = write!(markdown, "\n\n*help:* {help}");
        }
        markdown.push_str("\n\n");
        markdown.push_str(&rule.doc().markdown());
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: (under.len() == 1).then_some(first.diagnostic.range),
    })
}

fn contains(range: &lsp_types::Range, at: Position) -> bool {
    range.start <= at && at <= range.end
}
