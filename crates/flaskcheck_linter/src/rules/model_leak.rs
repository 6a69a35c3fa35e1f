//! What FC101 and FC102 share: finding model values among a file's responses and reporting them
//! where they enter the response, with the query that loaded them as related locations.

use crate::check::ProjectContext;
use crate::index::{ClassId, Fact, Kind};

/// Which model values a rule reports.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One instance, or all its attributes (`vars(user)`, `user.__dict__`).
    Single,
    /// Several instances, or a list of attribute dicts.
    Collection,
}

fn model_of(kind: &Kind, shape: Shape) -> Option<(ClassId, bool)> {
    match (kind, shape) {
        (Kind::Instance(class), Shape::Single) | (Kind::Collection(class), Shape::Collection) => {
            Some((*class, false))
        }
        (Kind::AttrDict(class), Shape::Single) | (Kind::AttrDicts(class), Shape::Collection) => {
            Some((*class, true))
        }
        _ => None,
    }
}

pub(crate) fn report(ctx: &mut ProjectContext<'_, '_, '_>, shape: Shape) {
    let responses = ctx.responses().to_vec();
    for response in responses {
        let leaks: Vec<(&Fact, ClassId, bool)> = response
            .value
            .iter()
            .filter_map(|fact| {
                let (class, attributes) = model_of(&fact.kind, shape)?;
                ctx.index
                    .is_model(class)
                    .then_some((fact, class, attributes))
            })
            .collect();
        let Some(&(first, class, attributes)) = leaks.first() else {
            continue;
        };
        let model = ctx.index.class(class).name.to_string();
        let loaded = first
            .origin
            .map(|origin| format!(" (loaded at {})", ctx.describe(origin)))
            .unwrap_or_default();
        let message = match (shape, attributes) {
            (Shape::Single, false) => {
                format!("`{model}` model instance{loaded} is serialized whole into the response through {}", response.via)
            }
            (Shape::Single, true) => format!(
                "every attribute of a `{model}` instance{loaded} (`vars()`/`__dict__`) goes into the response through {}",
                response.via
            ),
            (Shape::Collection, false) => format!(
                "query result of whole `{model}` rows{loaded} is serialized into the response through {}",
                response.via
            ),
            (Shape::Collection, true) => format!(
                "every attribute of each `{model}` row{loaded} goes into the response through {}",
                response.via
            ),
        };
        let help = match shape {
            Shape::Single => format!(
                "serialize chosen fields: an explicit dict, `{}.to_dict()` that names its fields, or a marshmallow/pydantic schema",
                model.to_lowercase()
            ),
            Shape::Collection => format!(
                "serialize each row through a schema (`{model}Schema(many=True).dump(rows)`) or an explicit dict, or query only the columns you return"
            ),
        };
        let related: Vec<_> = leaks
            .iter()
            .filter_map(|(fact, class, _)| {
                let name = &ctx.index.class(*class).name;
                fact.origin
                    .map(|origin| ctx.related(origin, format!("`{name}` loaded here")))
            })
            .collect();
        let diagnostic = ctx.report(response.range, message);
        diagnostic.help = Some(help);
        diagnostic.related.extend(related);
    }
}
