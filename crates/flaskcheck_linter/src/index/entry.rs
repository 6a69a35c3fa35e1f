//! Entry points beyond Flask routes, and the parameters a framework fills from the request.
//!
//! A view's parameters are the client's: the variables of its route (`<int:id>`), the arguments a
//! decorator parses from the request (webargs/flask-apispec `@use_kwargs`/`@use_args`,
//! Flask-Smorest `@blp.arguments`), the arguments of a GraphQL resolver or mutation (graphene,
//! graphene-sqlalchemy, Ariadne, Strawberry), and the parameters of a Connexion operation (the
//! function an `operationId` of the OpenAPI file names). [`ProjectIndex::client_param`] answers
//! "is parameter i of function f chosen by the client, and is it typed" for every rule.

use super::{ClassId, Evaluator, FuncId, Kind, ProjectIndex, ViewInfo};
use crate::analyze::facts::{Decorator, FunctionKind};
use crate::analyze::term::{Term, TermId};
use crate::source::FileId;

/// Where a client-chosen parameter comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ClientSource {
    /// A variable of the view's URL (or any parameter of a view, whose route is not always known).
    Route,
    /// Parsed from the request by a decorator: webargs, flask-apispec, Flask-Smorest.
    Arguments,
    /// An argument of a GraphQL resolver or mutation.
    GraphQl,
    /// A parameter of a Connexion operation.
    OpenApi,
}

impl ClientSource {
    /// How a message names a parameter of this kind.
    pub fn describe(self, name: &str) -> String {
        match self {
            ClientSource::Route => format!("the URL parameter `{name}`"),
            ClientSource::Arguments => format!("the request argument `{name}`"),
            ClientSource::GraphQl => format!("the GraphQL argument `{name}`"),
            ClientSource::OpenApi => format!("the API parameter `{name}`"),
        }
    }
}

/// A parameter the client chooses.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ClientParam {
    pub source: ClientSource,
    /// A converter or declared type lets only numbers, UUIDs or booleans through (`<int:id>`,
    /// `fields.Int()`, `type: integer`).
    pub typed: bool,
    /// The schema that declares the parameter's keys, when it is a mapping parsed by a decorator
    /// (`@use_args(UserSchema)`, `@blp.arguments(UserSchema)`): a term of the function's file.
    pub schema: Option<TermId>,
    /// The whole of what the client sent, undeclared: a GraphQL resolver's `**kwargs`, a
    /// Connexion operation's `body`.
    pub whole: bool,
}

/// The client-chosen parameters of each entry-point function, by position (`None` where a
/// parameter is not the client's).
pub(super) type ClientParams = rustc_hash::FxHashMap<FuncId, Vec<Option<ClientParam>>>;

/// The variables of a route path: `(converter, name)` for each `<converter:name>` (`"string"` for a
/// bare `<name>`).
pub fn route_variables(path: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = path;
    std::iter::from_fn(move || {
        let open = rest.find('<')?;
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let inside = &after[..close];
        rest = &after[close + 1..];
        Some(match inside.split_once(':') {
            Some((converter, variable)) => (
                converter.split('(').next().unwrap_or(converter).trim(),
                variable.trim(),
            ),
            None => ("string", inside.trim()),
        })
    })
}

/// The converter of `<converter:name>` in a route path.
pub fn route_converter<'p>(path: &'p str, name: &str) -> Option<&'p str> {
    route_variables(path)
        .find(|(_, variable)| *variable == name)
        .map(|(converter, _)| converter)
}

pub fn is_numeric_converter(converter: &str) -> bool {
    matches!(converter, "int" | "float" | "uuid")
}

/// marshmallow field types that only numbers, booleans, dates or UUIDs pass.
fn is_typed_field(name: &str) -> bool {
    matches!(
        name,
        "Int"
            | "Integer"
            | "Float"
            | "Decimal"
            | "Number"
            | "Bool"
            | "Boolean"
            | "UUID"
            | "Date"
            | "DateTime"
            | "Time"
    )
}

impl ProjectIndex<'_> {
    /// Whether parameter `index` of `function` is chosen by the client, and how.
    pub fn client_param(&self, function: FuncId, index: u16) -> Option<ClientParam> {
        *self.client_params.get(&function)?.get(index as usize)?
    }

    /// Whether a class or one of its ancestors declares an attribute or a field `name`.
    pub fn declares_attribute(&self, class: ClassId, name: &str) -> bool {
        self.lineage(class).any(|id| {
            let facts = self.class(id);
            facts.attributes.iter().any(|(attr, _, _)| attr == name)
                || facts.columns.iter().any(|column| column.name == name)
        })
    }

    /// The fields a class declares (its own and its ancestors'): a form's fields, a schema's or
    /// a pydantic model's.
    pub fn declared_fields(&self, class: ClassId) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for id in self.lineage(class) {
            let facts = self.class(id);
            let names = facts
                .columns
                .iter()
                .map(|column| column.name.as_str())
                .chain(facts.attributes.iter().map(|(name, _, _)| name.as_str()));
            for name in names {
                if !name.starts_with('_') && name != "Meta" && !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }

    /// GraphQL resolvers and Connexion operations become views (entry points the client calls),
    /// and every view's client-chosen parameters are worked out.
    pub(super) fn find_entry_points(&self, views: &mut [ViewInfo]) -> ClientParams {
        let mut evaluator = Evaluator::new(self);
        let mut sources: Vec<Option<ClientSource>> = vec![None; views.len()];
        let mut typed_by_spec: rustc_hash::FxHashMap<FuncId, Vec<(Box<str>, bool)>> =
            Default::default();
        for index in 0..views.len() {
            let id = FuncId(index as u32);
            if self.is_graphql_resolver(&mut evaluator, id) {
                sources[index] = Some(ClientSource::GraphQl);
                let view = &mut views[index];
                view.is_route = true;
                // The schema's type picks the fields that go out.
                view.serialized_by_decorator = true;
            } else if views[index].is_route {
                sources[index] = Some(ClientSource::Route);
            }
        }
        for facts in self.files.iter().flatten() {
            for spec in &facts.api_specs {
                for operation in &spec.operations {
                    let Some(id) = self.function_by_dotted_name(&operation.function) else {
                        continue;
                    };
                    sources[id.0 as usize] = Some(ClientSource::OpenApi);
                    views[id.0 as usize].is_route = true;
                    typed_by_spec
                        .entry(id)
                        .or_default()
                        .extend(operation.params.iter().cloned());
                }
            }
        }
        let mut params = ClientParams::default();
        for (index, source) in sources.into_iter().enumerate() {
            let Some(source) = source else { continue };
            let id = FuncId(index as u32);
            let function = self.function(id);
            let file = self.function_file(id);
            let mut out: Vec<Option<ClientParam>> = function
                .params
                .iter()
                .enumerate()
                .map(|(position, name)| {
                    let client = match source {
                        ClientSource::GraphQl => {
                            // The parent object and `info` are the server's.
                            let parent = position == 0
                                && !matches!(
                                    function.kind,
                                    FunctionKind::Method | FunctionKind::ClassMethod
                                );
                            !(parent || name == "info")
                        }
                        _ => true,
                    };
                    client.then_some(ClientParam {
                        source,
                        typed: false,
                        schema: None,
                        whole: false,
                    })
                })
                .collect();
            match source {
                ClientSource::Route => {
                    self.route_types(function, &mut out);
                    self.parsed_arguments(&mut evaluator, file, function, &mut out);
                }
                ClientSource::GraphQl => {
                    // `def mutate(root, info, **kwargs)`: everything the client sent.
                    if let Some(last) = out.last_mut().and_then(Option::as_mut) {
                        if function.has_kwargs {
                            last.whole = true;
                        }
                    }
                }
                ClientSource::OpenApi => {
                    let spec = typed_by_spec
                        .get(&id)
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    for (param, name) in out.iter_mut().zip(&function.params) {
                        let Some(param) = param else { continue };
                        param.typed = spec.iter().any(|(p, typed)| *typed && **p == **name);
                        param.whole = name == "body";
                    }
                }
                ClientSource::Arguments => {}
            }
            params.insert(id, out);
        }
        params
    }

    /// `<int:id>` in a route decorator's path types the parameter.
    fn route_types(
        &self,
        function: &crate::analyze::facts::FunctionFacts,
        out: &mut [Option<ClientParam>],
    ) {
        for (param, name) in out.iter_mut().zip(&function.params) {
            let Some(param) = param else { continue };
            param.typed = function.decorators.iter().any(|decorator| {
                decorator
                    .str_args
                    .first()
                    .and_then(Option::as_deref)
                    .is_some_and(|path| {
                        route_converter(path, name).is_some_and(is_numeric_converter)
                    })
            });
        }
    }

    /// webargs/flask-apispec `@use_kwargs({...})` (one parameter per field), `@use_args(schema)`
    /// and Flask-Smorest `@blp.arguments(schema)` (one parameter holding the parsed mapping, given
    /// positionally before the route's variables, innermost decorator first).
    fn parsed_arguments(
        &self,
        evaluator: &mut Evaluator<'_, '_>,
        file: FileId,
        function: &crate::analyze::facts::FunctionFacts,
        out: &mut [Option<ClientParam>],
    ) {
        let route_variables: Vec<&str> = function
            .decorators
            .iter()
            .filter_map(|decorator| decorator.str_args.first().and_then(Option::as_deref))
            .flat_map(|path| route_variables(path).map(|(_, name)| name))
            .collect();
        let mut next_positional = 0;
        for decorator in function.decorators.iter().rev() {
            let Some(&schema) = decorator.args.first() else {
                continue;
            };
            match parsing_decorator(evaluator, file, decorator) {
                Some(Parsing::Kwargs) => {
                    for (name, typed) in kwargs_fields(self, evaluator, file, schema) {
                        if let Some(position) = function.params.iter().position(|p| *p == *name) {
                            if let Some(param) = &mut out[position] {
                                param.source = ClientSource::Arguments;
                                param.typed = typed;
                            }
                        }
                    }
                }
                Some(Parsing::Positional) => {
                    while next_positional < function.params.len()
                        && route_variables.contains(&function.params[next_positional].as_str())
                    {
                        next_positional += 1;
                    }
                    if let Some(Some(param)) = out.get_mut(next_positional) {
                        param.source = ClientSource::Arguments;
                        param.schema = schema.is_interesting().then_some(schema);
                        next_positional += 1;
                    }
                }
                None => {}
            }
        }
    }

    /// A graphene `resolve_*`/`mutate` method, an Ariadne `@query.field(...)` resolver, or a
    /// Strawberry `@strawberry.field`/`@strawberry.mutation` resolver.
    fn is_graphql_resolver(&self, evaluator: &mut Evaluator<'_, '_>, id: FuncId) -> bool {
        let function = self.function(id);
        let file = self.function_file(id);
        if let Some(class) = function.class {
            let class = self.class_id(file, class);
            if self.flags(class).graphene
                && (function.name.starts_with("resolve_")
                    || matches!(function.name.as_str(), "mutate" | "mutate_and_get_payload"))
            {
                return true;
            }
        }
        // Decide by the name first: most functions have decorators, few are resolvers.
        let resolver_names = ["field", "mutation", "subscription", "source"];
        function
            .decorators
            .iter()
            .filter(|decorator| resolver_names.contains(&decorator.name.as_str()))
            .any(|decorator| {
                let symbol = decorator_symbol(evaluator, file, decorator);
                match symbol.as_deref() {
                    Some(symbol) => {
                        super::external::symbol_in(symbol, "strawberry")
                            && matches!(
                                super::last_segment(symbol),
                                "field" | "mutation" | "subscription"
                            )
                    }
                    // `@query.field("user")` on an Ariadne `QueryType()`/`ObjectType("Query")`.
                    None => {
                        matches!(decorator.name.as_str(), "field" | "source")
                            && decorator_receiver_is(evaluator, file, decorator, "ariadne")
                    }
                }
            })
    }

    /// A function by the dotted name an `operationId` gives (`api.users.get_user`): its qualified
    /// name, or the one function whose qualified name ends with it (the project may be linted from
    /// a folder above the one Connexion imports from).
    fn function_by_dotted_name(&self, name: &str) -> Option<FuncId> {
        if let Some(id) = self.function_by_qualname(name) {
            return Some(id);
        }
        let suffix = format!(".{name}");
        let mut found = self
            .functions_by_qualname
            .iter()
            .filter(|(qualname, _)| qualname.ends_with(&suffix))
            .map(|(_, &id)| id);
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}

enum Parsing {
    /// Each field becomes a keyword argument.
    Kwargs,
    /// The parsed mapping becomes one positional argument.
    Positional,
}

/// Which request-parsing decorator this is, if any.
fn parsing_decorator(
    evaluator: &mut Evaluator<'_, '_>,
    file: FileId,
    decorator: &Decorator,
) -> Option<Parsing> {
    if !decorator.is_call {
        return None;
    }
    match decorator.name.as_str() {
        "use_kwargs" => Some(Parsing::Kwargs),
        "use_args" => Some(Parsing::Positional),
        // Flask-Smorest's `@blp.arguments(Schema)`.
        "arguments" if decorator_receiver_is(evaluator, file, decorator, "flask_smorest") => {
            Some(Parsing::Positional)
        }
        _ => None,
    }
}

/// The qualified name a decorator (without its call) refers to, when it is outside the project.
fn decorator_symbol(
    evaluator: &mut Evaluator<'_, '_>,
    file: FileId,
    decorator: &Decorator,
) -> Option<Box<str>> {
    evaluator
        .eval(file, decorator.callee)
        .iter()
        .find_map(|fact| match &fact.kind {
            Kind::External(symbol) => Some(symbol.clone()),
            _ => None,
        })
}

/// Whether the decorator is a method of an object made by `package` (`query.field` on Ariadne's
/// `QueryType()`, `blp.arguments` on Flask-Smorest's `Blueprint(...)`).
fn decorator_receiver_is(
    evaluator: &mut Evaluator<'_, '_>,
    file: FileId,
    decorator: &Decorator,
    package: &str,
) -> bool {
    evaluator
        .eval(file, decorator.callee)
        .iter()
        .any(|fact| match &fact.kind {
            Kind::Method(receiver, _) => matches!(
                &receiver.kind,
                Kind::ExternalInstance(symbol) if super::external::symbol_in(symbol, package)
            ),
            _ => false,
        })
}

/// The fields `@use_kwargs(...)` declares, with whether each is typed: a literal dict of
/// `fields.X()`, or a schema class (or instance) of the project.
fn kwargs_fields(
    index: &ProjectIndex<'_>,
    evaluator: &mut Evaluator<'_, '_>,
    file: FileId,
    schema: TermId,
) -> Vec<(Box<str>, bool)> {
    let Some(facts) = index.facts(file) else {
        return Vec::new();
    };
    if let Term::Container(items) = facts.terms.get(schema) {
        return items
            .iter()
            .filter_map(|&item| match facts.terms.get(item) {
                Term::Keyed(name, field) => {
                    let typed = match facts.terms.get(*field) {
                        Term::Call(call) => match facts.terms.get(call.callee) {
                            Term::Global(symbol) => is_typed_field(super::last_segment(symbol)),
                            Term::Attr(_, name) => is_typed_field(name),
                            _ => false,
                        },
                        _ => false,
                    };
                    Some((name.clone(), typed))
                }
                _ => None,
            })
            .collect();
    }
    let class = schema_class(evaluator, file, schema);
    class
        .map(|class| {
            index
                .declared_fields(class)
                .into_iter()
                .map(|name| (name.into(), false))
                .collect()
        })
        .unwrap_or_default()
}

/// The schema class a term names: `UserSchema`, `UserSchema()`, `UserSchema(only=...)`.
pub(crate) fn schema_class(
    evaluator: &mut Evaluator<'_, '_>,
    file: FileId,
    term: TermId,
) -> Option<ClassId> {
    let index = evaluator.index();
    let facts = index.facts(file)?;
    let term = match facts.terms.get(term) {
        Term::Call(call) => call.callee,
        _ => term,
    };
    evaluator
        .eval(file, term)
        .iter()
        .find_map(|fact| match fact.kind {
            Kind::Class(class) => Some(class),
            _ => None,
        })
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
        assert_eq!(
            route_variables("/a/<int:x>/b/<y>").collect::<Vec<_>>(),
            vec![("int", "x"), ("string", "y")]
        );
    }
}
