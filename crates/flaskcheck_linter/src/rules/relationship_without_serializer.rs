//! FC105 relationship-without-serializer: rules/FC105.md.
//!
//! Which models are serialized is computed once, in the index (`index/serializers.rs`). A model
//! gets one finding, at its first relationship, with its other relationships as related
//! locations: the fix (a serializer for the model) is one, however many relationships it has. A
//! model whose only relationships are backrefs declared by other models is reported at the first
//! of those backrefs, in the file that declares it. Each finding has exactly one place, so each
//! file's pass reports only the findings placed in that file.

use flaskcheck_python::TextRange;

use super::RuleChecks;
use crate::check::ProjectContext;
use crate::index::{ClassId, Origin};
use crate::source::FileId;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: None,
    project: Some(check),
};

/// A relationship attribute of a model and where it is declared.
struct Site {
    name: String,
    file: FileId,
    range: TextRange,
    /// Declared by another model's `backref=`: that model and its relationship.
    backref_of: Option<(String, String)>,
}

fn check(ctx: &mut ProjectContext<'_, '_, '_>) {
    let file = ctx.file_id();
    let Some(facts) = ctx.index.facts(file) else {
        return;
    };
    // The models whose finding may be placed in this file: those declared here, and the targets
    // of backrefs declared here.
    let mut candidates: Vec<ClassId> = Vec::new();
    for local in 0..facts.classes.len() {
        let id = ctx.index.class_id(file, local as u32);
        if facts.classes[local].relationships.is_empty() {
            continue;
        }
        candidates.push(id);
    }
    for local in 0..facts.classes.len() {
        let id = ctx.index.class_id(file, local as u32);
        for relationship in &facts.classes[local].relationships {
            if relationship.backref.is_none() {
                continue;
            }
            if let Some(resolved) = ctx.index.relationship(id, relationship.name.as_str()) {
                if let Some(target) = resolved.target {
                    if !candidates.contains(&target) {
                        candidates.push(target);
                    }
                }
            }
        }
    }
    candidates.sort_unstable();
    for model in candidates {
        if !ctx.index.is_model(model) || ctx.index.is_serialized(model) {
            continue;
        }
        let sites = sites(ctx, model);
        let Some(first) = sites.first() else { continue };
        if first.file != file {
            continue;
        }
        let name = ctx.index.class(model).name.to_string();
        let names: Vec<String> = sites
            .iter()
            .map(|site| match &site.backref_of {
                Some((class, relationship)) => {
                    format!("`{}` (the backref of `{class}.{relationship}`)", site.name)
                }
                None => format!("`{}`", site.name),
            })
            .collect();
        let (noun, list) = if names.len() == 1 {
            ("relationship", names[0].clone())
        } else {
            ("relationships", names.join(", "))
        };
        let message = format!(
            "`{name}` has {noun} {list} but nothing in the project serializes it: no serializer method, no schema for it"
        );
        let related: Vec<_> = sites[1..]
            .iter()
            .map(|site| {
                ctx.related(
                    Origin {
                        file: site.file,
                        range: site.range,
                    },
                    format!("relationship `{}`", site.name),
                )
            })
            .collect();
        let range = first.range;
        let diagnostic = ctx.report(range, message);
        diagnostic.help = Some(format!(
            "add a schema (`{name}Schema` with the fields to return) or a `to_dict()` that names them; a generic serializer would follow the relationships into every related row"
        ));
        diagnostic.related.extend(related);
    }
}

/// The model's relationship attributes: the ones it declares, in order, then backrefs declared
/// by other models, by file and position.
fn sites(ctx: &ProjectContext<'_, '_, '_>, model: ClassId) -> Vec<Site> {
    let class_file = ctx.index.class_file(model);
    let declared = ctx.index.declared_relationships(model);
    let mut sites: Vec<Site> = declared
        .iter()
        .map(|relationship| Site {
            name: relationship.name.to_string(),
            file: class_file,
            range: relationship.range,
            backref_of: None,
        })
        .collect();
    let mut backrefs: Vec<Site> = ctx
        .index
        .relationships_of(model)
        .iter()
        .filter(|resolved| {
            !(resolved.file == class_file
                && declared
                    .iter()
                    .any(|relationship| relationship.range == resolved.range))
        })
        .map(|resolved| Site {
            name: resolved.name.to_string(),
            file: resolved.file,
            range: resolved.range,
            backref_of: resolved.target.map(|source| {
                let declaring = ctx.index.class(source);
                let relationship = declaring
                    .relationships
                    .iter()
                    .find(|r| r.range == resolved.range)
                    .map_or_else(String::new, |r| r.name.to_string());
                (declaring.name.to_string(), relationship)
            }),
        })
        .collect();
    backrefs.sort_by_key(|site| (site.file, site.range.start()));
    sites.extend(backrefs);
    sites
}
