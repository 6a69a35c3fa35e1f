//! What the file pass keeps of a file once its AST is dropped: the facts the project index is
//! built from, and the places where values reach something a rule cares about.

use flaskcheck_python::ast::name::Name;
use flaskcheck_python::TextRange;
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

use super::term::{NameAsStr, Symbol, TermId, Terms};
use crate::registry::Rule;

/// Index of a class or function within its file's facts.
pub type LocalId = u32;

#[serde_as]
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct FileFacts {
    /// The module's qualified name (`blog.api.users`; `blog.api` for `blog/api/__init__.py`).
    pub module: Symbol,
    pub is_package: bool,
    pub terms: Terms,
    /// Names bound by module-level imports: local name → qualified target.
    #[serde_as(as = "Vec<(NameAsStr, _)>")]
    pub imports: Vec<(Name, Symbol)>,
    /// Modules whose names `from m import *` brings in.
    pub star_imports: Vec<Symbol>,
    /// Module-level assignments: name → every value assigned to it, as one union.
    pub globals: Vec<GlobalBinding>,
    pub classes: Vec<ClassFacts>,
    pub functions: Vec<FunctionFacts>,
    /// Calls that put a value into an HTTP response (other than a view's `return`).
    pub responses: Vec<ResponseSink>,
    /// Returned calls to the project's own functions with arguments: if the function puts an
    /// argument into a response (`return send_result(data)`, `send_result` wrapping `jsonify`),
    /// the call is a response too.
    pub calls: Vec<ProjectCall>,
    /// `add_url_rule(..., view_func=f)`, `api.add_resource(R, ...)`: the view registered.
    pub url_rules: Vec<TermId>,
    /// Functions decorated with `@login_manager.user_loader` (what `current_user` is).
    pub user_loaders: Vec<LocalId>,
    /// `app.register_error_handler(exception_or_code, handler)`: what is handled, and the handler.
    pub error_handlers: Vec<(TermId, TermId)>,
    /// Connexion `add_api(...)` calls, with the operations their OpenAPI file declares.
    pub api_specs: Vec<super::openapi::ApiSpec>,
    /// Problems the file pass met outside the Python source (an OpenAPI file it could not read),
    /// for the run's warnings.
    pub warnings: Vec<Box<str>>,
    /// The file pass read another file (an OpenAPI file): the facts depend on more than this
    /// file's content, so they are never taken from the cache or kept across edits.
    pub read_other_files: bool,
    /// Rule-specific records for the project pass.
    pub deferred: Vec<Deferred>,
}

#[serde_as]
#[derive(Debug, Serialize, Deserialize)]
pub struct GlobalBinding {
    #[serde_as(as = "NameAsStr")]
    pub name: Name,
    pub value: TermId,
    pub range: TextRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseKind {
    /// `jsonify(...)`, `flask.json.jsonify(...)`
    Jsonify,
    /// `make_response(...)`
    MakeResponse,
    /// `Response(...)`, `current_app.response_class(...)`
    ResponseObject,
    /// `self.response(...)` in a Flask-AppBuilder API class (the class is checked in the index)
    AppBuilderResponse { class: LocalId },
}

/// A call that turns a value into a response body.
#[derive(Debug, Serialize, Deserialize)]
pub struct ResponseSink {
    pub kind: ResponseKind,
    pub range: TextRange,
    /// Everything the call serializes, as one term (its arguments and keywords).
    pub value: TermId,
    /// The function the call is in.
    pub function: Option<LocalId>,
}

/// A call to a function of the project, by a name that resolves inside it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ProjectCall {
    pub range: TextRange,
    /// The call's term (a [`super::term::Term::Call`]).
    pub call: TermId,
    /// The function the call is in.
    pub function: Option<LocalId>,
}

#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decorator {
    pub range: TextRange,
    /// The decorator expression without its call: `bp.route`, `marshal_with`, `login_required`.
    pub callee: TermId,
    /// Its last name segment (`route`, `marshal_with`), for matching when it cannot be resolved.
    #[serde_as(as = "NameAsStr")]
    pub name: Name,
    /// The decorator's dotted source text without arguments (`bp.route`).
    pub path: Box<str>,
    pub is_call: bool,
    pub args: Vec<TermId>,
    /// String literal arguments by position (`None` for non-literals).
    pub str_args: Vec<Option<Box<str>>>,
    #[serde_as(as = "Vec<NameAsStr>")]
    pub keywords: Vec<Name>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FunctionKind {
    Function,
    Method,
    ClassMethod,
    StaticMethod,
    Property,
}

#[serde_as]
#[derive(Debug, Serialize, Deserialize)]
pub struct FunctionFacts {
    #[serde_as(as = "NameAsStr")]
    pub name: Name,
    pub qualname: Symbol,
    /// The `def name` identifier.
    pub name_range: TextRange,
    pub range: TextRange,
    pub kind: FunctionKind,
    /// The class this is a method of.
    pub class: Option<LocalId>,
    /// The function this one is nested in.
    pub parent: Option<LocalId>,
    pub decorators: Vec<Decorator>,
    /// Parameter names, `self`/`cls` excluded (indices match [`super::term::Term::Param`]).
    #[serde_as(as = "Vec<NameAsStr>")]
    pub params: Vec<Name>,
    /// The last parameter is `**kwargs`.
    pub has_kwargs: bool,
    pub returns: Vec<ReturnSite>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ReturnSite {
    /// The returned expression.
    pub range: TextRange,
    pub value: TermId,
}

#[serde_as]
#[derive(Debug, Serialize, Deserialize)]
pub struct ClassFacts {
    #[serde_as(as = "NameAsStr")]
    pub name: Name,
    pub qualname: Symbol,
    pub name_range: TextRange,
    pub bases: Vec<TermId>,
    /// Class keywords (`table=True` for SQLModel, `metaclass=...`).
    #[serde_as(as = "Vec<(NameAsStr, _)>")]
    pub keywords: Vec<(Name, TermId)>,
    #[serde_as(as = "Vec<NameAsStr>")]
    pub keyword_true: Vec<Name>,
    pub decorators: Vec<Decorator>,
    pub columns: Vec<Column>,
    pub relationships: Vec<Relationship>,
    #[serde_as(as = "Vec<(NameAsStr, _)>")]
    pub methods: Vec<(Name, LocalId)>,
    /// Other class-level assignments (`method_decorators = [...]`, `__abstract__ = True`).
    #[serde_as(as = "Vec<(NameAsStr, _, _)>")]
    pub attributes: Vec<(Name, TermId, TextRange)>,
    pub tablename: Option<Box<str>>,
    pub is_abstract: bool,
    /// The nested `class Meta` / `class Config` of a schema, and pydantic's `model_config`.
    pub meta: SchemaMeta,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SchemaMeta {
    /// `Meta.model`
    pub model: Option<TermId>,
    /// `Meta.fields`
    pub fields: Option<Vec<Box<str>>>,
    /// `Meta.exclude`
    pub exclude: Option<Vec<Box<str>>>,
    /// pydantic `orm_mode = True` / `from_attributes=True`
    pub from_attributes: bool,
}

#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Column {
    #[serde_as(as = "NameAsStr")]
    pub name: Name,
    pub range: TextRange,
    /// The target of `ForeignKey("users.id")` (`users.id`), when the column has one.
    pub foreign_key: Option<Box<str>>,
}

#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Relationship {
    #[serde_as(as = "NameAsStr")]
    pub name: Name,
    pub range: TextRange,
    /// The related class, as written: `"Post"`, `Post`, `"app.models.Post"`, or from `Mapped[...]`.
    pub target: Option<RelationshipTarget>,
    /// `uselist=False` or a scalar `Mapped["User"]`: one instance rather than a list.
    pub scalar: bool,
    /// `lazy="dynamic"` (or a `DynamicMapped` annotation): the attribute is a query.
    pub dynamic: bool,
    /// `backref="author"`: the attribute the relationship adds to its target.
    pub backref: Option<Box<str>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum RelationshipTarget {
    Name(Box<str>),
    Term(TermId),
}

/// A record a rule's `ast` check leaves for its `project` check.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deferred {
    pub rule: Rule,
    pub range: TextRange,
    pub terms: Vec<TermId>,
    /// Rule-defined detail (which pattern matched, a name).
    pub note: Box<str>,
    pub function: Option<LocalId>,
}

impl FileFacts {
    /// Calls `f` on every term the facts refer to: the roots of the file's term arena. Every
    /// struct is taken apart field by field, without `..`, so that a new field holding a term
    /// does not compile until it is listed here (compaction would otherwise lose its term).
    pub(crate) fn for_each_term_mut(&mut self, f: &mut dyn FnMut(&mut TermId)) {
        let FileFacts {
            module: _,
            is_package: _,
            terms: _,
            imports: _,
            star_imports: _,
            globals,
            classes,
            functions,
            responses,
            calls,
            url_rules,
            user_loaders: _,
            error_handlers,
            api_specs: _,
            warnings: _,
            read_other_files: _,
            deferred,
        } = self;
        for GlobalBinding {
            name: _,
            value,
            range: _,
        } in globals
        {
            f(value);
        }
        for class in classes {
            let ClassFacts {
                name: _,
                qualname: _,
                name_range: _,
                bases,
                keywords,
                keyword_true: _,
                decorators,
                columns: _,
                relationships,
                methods: _,
                attributes,
                tablename: _,
                is_abstract: _,
                meta,
            } = class;
            bases.iter_mut().for_each(&mut *f);
            keywords.iter_mut().for_each(|(_, term)| f(term));
            decorators
                .iter_mut()
                .for_each(|decorator| decorator.for_each_term_mut(f));
            for Relationship {
                name: _,
                range: _,
                target,
                scalar: _,
                dynamic: _,
                backref: _,
            } in relationships
            {
                if let Some(RelationshipTarget::Term(term)) = target {
                    f(term);
                }
            }
            attributes.iter_mut().for_each(|(_, term, _)| f(term));
            let SchemaMeta {
                model,
                fields: _,
                exclude: _,
                from_attributes: _,
            } = meta;
            if let Some(model) = model {
                f(model);
            }
        }
        for function in functions {
            let FunctionFacts {
                name: _,
                qualname: _,
                name_range: _,
                range: _,
                kind: _,
                class: _,
                parent: _,
                decorators,
                params: _,
                has_kwargs: _,
                returns,
            } = function;
            decorators
                .iter_mut()
                .for_each(|decorator| decorator.for_each_term_mut(f));
            for ReturnSite { range: _, value } in returns {
                f(value);
            }
        }
        for ResponseSink {
            kind: _,
            range: _,
            value,
            function: _,
        } in responses
        {
            f(value);
        }
        for ProjectCall {
            range: _,
            call,
            function: _,
        } in calls
        {
            f(call);
        }
        url_rules.iter_mut().for_each(&mut *f);
        for (handled, handler) in error_handlers {
            f(handled);
            f(handler);
        }
        for Deferred {
            rule: _,
            range: _,
            terms,
            note: _,
            function: _,
        } in deferred
        {
            terms.iter_mut().for_each(&mut *f);
        }
    }

    /// Drops the terms no fact refers to. Most terms a walk builds (the values of locals that
    /// never reach a return, a response or a rule's record) are not needed once the AST is gone;
    /// keeping only the rest is most of the memory a run holds between the passes.
    pub(crate) fn compact_terms(&mut self) {
        let mut roots = Vec::new();
        self.for_each_term_mut(&mut |term| roots.push(*term));
        let remap = self.terms.compact(&roots);
        self.for_each_term_mut(&mut |term| *term = remap[term.index()]);
    }
}

impl FileFacts {
    /// Gives back the room the walk's `push`es left in the facts' lists. A file's facts live
    /// until the project pass ends, and a list grown by doubling holds up to twice what it uses:
    /// on the Flask corpus that slack was about a tenth of the run's peak heap. Every struct is
    /// taken apart without `..`, so that a new list does not compile until it is listed here.
    pub(crate) fn shrink_to_fit(&mut self) {
        let FileFacts {
            module: _,
            is_package: _,
            terms: _,
            imports,
            star_imports,
            globals,
            classes,
            functions,
            responses,
            calls,
            url_rules,
            user_loaders,
            error_handlers,
            api_specs,
            warnings,
            read_other_files: _,
            deferred,
        } = self;
        imports.shrink_to_fit();
        star_imports.shrink_to_fit();
        globals.shrink_to_fit();
        for class in classes.iter_mut() {
            let ClassFacts {
                name: _,
                qualname: _,
                name_range: _,
                bases,
                keywords,
                keyword_true,
                decorators,
                columns,
                relationships,
                methods,
                attributes,
                tablename: _,
                is_abstract: _,
                meta,
            } = class;
            bases.shrink_to_fit();
            keywords.shrink_to_fit();
            keyword_true.shrink_to_fit();
            decorators.iter_mut().for_each(Decorator::shrink_to_fit);
            decorators.shrink_to_fit();
            columns.shrink_to_fit();
            relationships.shrink_to_fit();
            methods.shrink_to_fit();
            attributes.shrink_to_fit();
            let SchemaMeta {
                model: _,
                fields,
                exclude,
                from_attributes: _,
            } = meta;
            fields.iter_mut().for_each(Vec::shrink_to_fit);
            exclude.iter_mut().for_each(Vec::shrink_to_fit);
        }
        classes.shrink_to_fit();
        for function in functions.iter_mut() {
            let FunctionFacts {
                name: _,
                qualname: _,
                name_range: _,
                range: _,
                kind: _,
                class: _,
                parent: _,
                decorators,
                params,
                has_kwargs: _,
                returns,
            } = function;
            decorators.iter_mut().for_each(Decorator::shrink_to_fit);
            decorators.shrink_to_fit();
            params.shrink_to_fit();
            returns.shrink_to_fit();
        }
        functions.shrink_to_fit();
        responses.shrink_to_fit();
        calls.shrink_to_fit();
        url_rules.shrink_to_fit();
        user_loaders.shrink_to_fit();
        error_handlers.shrink_to_fit();
        api_specs.shrink_to_fit();
        warnings.shrink_to_fit();
        for Deferred {
            rule: _,
            range: _,
            terms,
            note: _,
            function: _,
        } in deferred.iter_mut()
        {
            terms.shrink_to_fit();
        }
        deferred.shrink_to_fit();
    }
}

impl Decorator {
    fn shrink_to_fit(&mut self) {
        let Decorator {
            range: _,
            callee: _,
            name: _,
            path: _,
            is_call: _,
            args,
            str_args,
            keywords,
        } = self;
        args.shrink_to_fit();
        str_args.shrink_to_fit();
        keywords.shrink_to_fit();
    }

    fn for_each_term_mut(&mut self, f: &mut dyn FnMut(&mut TermId)) {
        let Decorator {
            range: _,
            callee,
            name: _,
            path: _,
            is_call: _,
            args,
            str_args: _,
            keywords: _,
        } = self;
        f(callee);
        args.iter_mut().for_each(f);
    }
}
