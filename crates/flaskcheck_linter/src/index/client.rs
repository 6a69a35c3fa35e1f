//! Which parameters of a function the client chooses. Every rule that follows client data (FC402,
//! FC601–FC608) asks this one question, so an entry point the index learns about (a view today;
//! a GraphQL resolver or a Connexion operation tomorrow) is followed by all of them at once.

use super::{FuncId, ProjectIndex};

/// Who decides what a parameter holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamSource {
    /// The function's callers: it is not an entry point.
    Caller,
    /// The client, as text: a URL variable of a view (`<name>`, `<path:p>`), or a parameter of a
    /// view whose URL rule flaskcheck does not read (a class-based view's method).
    Client,
    /// The client, but only a number, a UUID or one of fixed words gets through (`<int:id>`,
    /// `<float:x>`, `<uuid:key>`, `<any(css, js):kind>`).
    ClientChoice,
}

impl ProjectIndex<'_> {
    /// Who decides what parameter `index` of `function` holds (`self`/`cls` not counted).
    pub fn param_source(&self, function: FuncId, index: u16) -> ParamSource {
        if !self.view(function).is_route {
            return ParamSource::Caller;
        }
        let facts = self.function(function);
        let name = facts
            .params
            .get(index as usize)
            .map_or("?", |name| name.as_str());
        let restricted = facts.decorators.iter().any(|decorator| {
            decorator
                .str_args
                .first()
                .and_then(Option::as_deref)
                .is_some_and(|path| {
                    route_converter(path, name).is_some_and(is_restricted_converter)
                })
        });
        if restricted {
            ParamSource::ClientChoice
        } else {
            ParamSource::Client
        }
    }

    /// Whether the URL variable at parameter `index` of a view may hold `/`: a `<path:...>`
    /// variable, or one whose route flaskcheck does not read (a class-based view's method). A
    /// `<name>` (string) variable cannot.
    pub fn param_may_hold_slashes(&self, function: FuncId, index: u16) -> bool {
        let facts = self.function(function);
        let Some(name) = facts.params.get(index as usize) else {
            return true;
        };
        let mut declared = facts.decorators.iter().filter_map(|decorator| {
            let path = decorator.str_args.first().and_then(Option::as_deref)?;
            route_converter(path, name)
        });
        let mut any_declared = false;
        let slashes = declared.any(|converter| {
            any_declared = true;
            converter == "path"
        });
        slashes || !any_declared
    }
}

/// The converter of `<converter:name>` in a route path (`"string"` for a bare `<name>`).
fn route_converter<'p>(path: &'p str, name: &str) -> Option<&'p str> {
    let mut rest = path;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let inside = &after[..close];
        let (converter, variable) = match inside.split_once(':') {
            Some((converter, variable)) => {
                (converter.split('(').next().unwrap_or(converter), variable)
            }
            None => ("string", inside),
        };
        if variable.trim() == name {
            return Some(converter.trim());
        }
        rest = &after[close + 1..];
    }
    None
}

fn is_restricted_converter(converter: &str) -> bool {
    matches!(converter, "int" | "float" | "uuid" | "any")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_converters() {
        assert_eq!(
            route_converter("/users/<int:user_id>", "user_id"),
            Some("int")
        );
        assert_eq!(route_converter("/users/<name>", "name"), Some("string"));
        assert_eq!(route_converter("/f/<path:p>/<uuid:id>", "id"), Some("uuid"));
        assert_eq!(
            route_converter("/f/<string(length=2):code>", "code"),
            Some("string")
        );
        assert_eq!(route_converter("/users", "name"), None);
    }
}
