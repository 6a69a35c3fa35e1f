//! Which models something in the project serializes. Computed once per run, the first time a rule
//! asks (FC105), for every model at once:
//!
//! - a serializer method on the model or a project ancestor (`to_dict`, `serialize`, ...; see
//!   [`is_serializer_method`]), or an external base that has one (`SerializerMixin`,
//!   Flask-AppBuilder's `Model` and its `to_json()`);
//! - a schema whose `Meta.model` names it (marshmallow-sqlalchemy, Flask-Marshmallow);
//! - a class conventionally named for it: `UserSchema`, `UserOut`, `UserSerializer`,
//!   `UserResponse`, `UserRead`, `UserPublic`, `UserDTO`, `UserDetailSchema`, `PublicUserOut`...;
//! - a Flask-AppBuilder view or API whose `datamodel = SQLAInterface(User)` declares its columns;
//! - a module-level function or binding named for it: `serialize_user`, `user_to_dict`,
//!   `dump_user`, `user_schema`, `user_fields` (Flask-RESTful `marshal`), `user_model =
//!   api.model(...)` (Flask-RESTX).

use rustc_hash::FxHashMap;

use super::external::{is_serializer_method, is_symbol};
use super::{ClassId, Evaluator, Kind, ProjectIndex};
use crate::analyze::{Term, TermId};
use crate::source::FileId;

/// Last words of a class name that make it a serializer for the model its other words name.
const SUFFIXES: &[&str] = &[
    "Schema",
    "Serializer",
    "Out",
    "Output",
    "Response",
    "Read",
    "Public",
    "Dto",
    "DTO",
    "Representation",
    "Marshaller",
    "Payload",
];

/// Prefixes and suffixes of module-level function names that serialize the model they name.
const FUNCTION_PREFIXES: &[&str] = &["serialize_", "dump_", "marshal_", "jsonify_", "format_"];
const FUNCTION_SUFFIXES: &[&str] = &[
    "_to_dict",
    "_to_json",
    "_as_dict",
    "_to_api",
    "_serializer",
    "_schema",
    "_dict",
    "_json",
];

/// Suffixes of module-level bindings that describe the model's serialized form.
const BINDING_SUFFIXES: &[&str] = &["_fields", "_schema", "_serializer", "_marshaller"];

pub(super) fn serialized_models(index: &ProjectIndex<'_>) -> Vec<bool> {
    let count = index.class_count();
    let mut serialized = vec![false; count];
    let mut evaluator = Evaluator::new(index);

    // Models by name and by snake_case name, for the naming conventions.
    let mut by_name: FxHashMap<&str, Vec<ClassId>> = FxHashMap::default();
    let mut by_snake: FxHashMap<String, Vec<ClassId>> = FxHashMap::default();
    for id in (0..count as u32).map(ClassId) {
        if index.is_model(id) {
            let name = index.class(id).name.as_str();
            by_name.entry(name).or_default().push(id);
            by_snake.entry(snake_case(name)).or_default().push(id);
        }
    }
    if by_name.is_empty() {
        return serialized;
    }

    for id in (0..count as u32).map(ClassId) {
        let facts = index.class(id);
        let file = index.class_file(id);
        let flags = index.flags(id);
        if flags.model {
            // Its own (or an ancestor's) serializer method.
            if index.lineage(id).any(|ancestor| {
                index
                    .class(ancestor)
                    .methods
                    .iter()
                    .any(|(name, _)| is_serializer_method(name))
            }) || external_serializer_base(index, &mut evaluator, id)
            {
                serialized[id.0 as usize] = true;
            }
            continue;
        }
        // `class Meta: model = User`
        if let Some(model) = facts.meta.model {
            mark_classes(&mut evaluator, file, model, &mut serialized);
        }
        // `datamodel = SQLAInterface(User)`
        for (name, term, _) in &facts.attributes {
            if name.as_str() == "datamodel" {
                if let Some(Term::Call(call)) = index.facts(file).map(|f| f.terms.get(*term)) {
                    if let Some(&first) = call.args.first() {
                        mark_classes(&mut evaluator, file, first, &mut serialized);
                    }
                }
            }
        }
        // `UserSchema`, `UserOut`, `PublicUserResponse`...
        let words = camel_words(facts.name.as_str());
        if words.len() >= 2 && SUFFIXES.contains(&words[words.len() - 1]) {
            let named = &words[..words.len() - 1];
            for start in 0..named.len() {
                let mut candidate = String::new();
                for word in &named[start..] {
                    candidate.push_str(word);
                    if let Some(models) = by_name.get(candidate.as_str()) {
                        for model in models {
                            serialized[model.0 as usize] = true;
                        }
                    }
                }
            }
        }
    }

    // Module-level functions and bindings named for a model.
    for file_index in 0.. {
        let file = FileId(file_index);
        if file.index() >= index.file_count() {
            break;
        }
        let Some(facts) = index.facts(file) else {
            continue;
        };
        let mut mark_snake = |snake: &str| {
            if let Some(models) = by_snake.get(snake) {
                for model in models {
                    serialized[model.0 as usize] = true;
                }
            }
        };
        for function in &facts.functions {
            if function.class.is_some() || function.parent.is_some() {
                continue;
            }
            let name = function.name.as_str();
            for prefix in FUNCTION_PREFIXES {
                if let Some(rest) = name.strip_prefix(prefix) {
                    mark_snake(rest);
                }
            }
            for suffix in FUNCTION_SUFFIXES {
                if let Some(rest) = name.strip_suffix(suffix) {
                    mark_snake(rest);
                }
            }
        }
        for binding in &facts.globals {
            let name = binding.name.as_str();
            for suffix in BINDING_SUFFIXES {
                if let Some(rest) = name.strip_suffix(suffix) {
                    mark_snake(rest);
                }
            }
            // Flask-RESTX `user_model = api.model("User", {...})`.
            if let Some(rest) = name.strip_suffix("_model") {
                if is_restx_model(&facts.terms, binding.value) {
                    mark_snake(rest);
                }
            }
        }
    }
    serialized
}

/// Marks the model classes a term evaluates to.
fn mark_classes(evaluator: &mut Evaluator<'_, '_>, file: FileId, term: TermId, out: &mut [bool]) {
    for fact in evaluator.eval(file, term).iter() {
        if let Kind::Class(class) = fact.kind {
            if let Some(slot) = out.get_mut(class.0 as usize) {
                *slot = true;
            }
        }
    }
}

/// An external base of the model or an ancestor named like a serializer mixin
/// (`sqlalchemy_serializer.SerializerMixin`, `SerializableMixin`).
fn external_serializer_base(
    index: &ProjectIndex<'_>,
    evaluator: &mut Evaluator<'_, '_>,
    id: ClassId,
) -> bool {
    let lineage: Vec<ClassId> = index.lineage(id).collect();
    lineage.into_iter().any(|class| {
        let file = index.class_file(class);
        index.class(class).bases.iter().any(|&base| {
            evaluator
                .eval(file, base)
                .iter()
                .any(|fact| match &fact.kind {
                    Kind::External(symbol) => {
                        super::last_segment(symbol).contains("Serializ")
                            // Flask-AppBuilder's `Model` has `to_json()`.
                            || is_symbol(symbol, "flask_appbuilder", "Model")
                    }
                    _ => false,
                })
        })
    })
}

/// `api.model("User", {...})` / `ns.model(...)`.
fn is_restx_model(terms: &crate::analyze::Terms, term: TermId) -> bool {
    let Term::Call(call) = terms.get(term) else {
        return false;
    };
    match terms.get(call.callee) {
        Term::Attr(_, name) => name.as_str() == "model",
        Term::Global(symbol) => symbol.ends_with(".model"),
        _ => false,
    }
}

/// `UserProfileSchema` → `["User", "Profile", "Schema"]`; an acronym stays one word (`DTO`).
fn camel_words(name: &str) -> Vec<&str> {
    let name = name.trim_start_matches('_');
    let bytes = name.as_bytes();
    let mut words = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let (prev, cur) = (bytes[i - 1], bytes[i]);
        let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = (cur.is_ascii_uppercase() && prev.is_ascii_lowercase())
            || (cur.is_ascii_uppercase() && prev.is_ascii_uppercase() && next_lower)
            || cur == b'_';
        if boundary {
            if start < i {
                words.push(&name[start..i]);
            }
            start = if cur == b'_' { i + 1 } else { i };
        }
    }
    if start < name.len() {
        words.push(&name[start..]);
    }
    words
}

/// `UserProfile` → `user_profile`.
pub(super) fn snake_case(name: &str) -> String {
    camel_words(name)
        .iter()
        .map(|word| word.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_class_names() {
        assert_eq!(
            camel_words("UserProfileSchema"),
            ["User", "Profile", "Schema"]
        );
        assert_eq!(camel_words("UserDTO"), ["User", "DTO"]);
        assert_eq!(camel_words("HTTPLog"), ["HTTP", "Log"]);
        assert_eq!(camel_words("User"), ["User"]);
        assert_eq!(snake_case("UserProfile"), "user_profile");
        assert_eq!(snake_case("APIKey"), "api_key");
    }
}
