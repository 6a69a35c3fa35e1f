//! Classes: bases, and what the body declares (columns, relationships, schema options), read off
//! the syntax. Whether the class is a model or a schema is decided by the index from its bases.

use flaskcheck_python::ast::name::Name;
use flaskcheck_python::ast::visitor::Visitor;
use flaskcheck_python::ast::{self as ast, Expr, Stmt, StmtClassDef};

use super::env::Env;
use super::facts::{ClassFacts, Column, LocalId, Relationship, RelationshipTarget, SchemaMeta};
use super::term::TermId;
use super::walk::callee_name;
use super::{Checker, Scope, ScopeKind};

/// Calls that declare a mapped column or a schema field.
const COLUMN_CALLS: &[&str] = &[
    "Column",
    "mapped_column",
    "column_property",
    "deferred",
    "Field",
    "auto_field",
];

/// Calls that declare a relationship to another model.
const RELATIONSHIP_CALLS: &[&str] = &["relationship", "relation", "dynamic_loader"];

impl Checker<'_> {
    pub(super) fn visit_class_def(&mut self, def: &StmtClassDef) {
        for decorator in &def.decorator_list {
            self.visit_expression(&decorator.expression);
        }
        if let Some(type_params) = &def.type_params {
            self.visit_type_params(type_params);
        }
        if let Some(arguments) = &def.arguments {
            for arg in &arguments.args {
                self.visit_expression(arg);
            }
            for keyword in &arguments.keywords {
                self.visit_expression(&keyword.value);
            }
        }
        let decorators = def
            .decorator_list
            .iter()
            .map(|d| self.decorator(d))
            .collect();
        let mut bases = Vec::new();
        let mut keywords = Vec::new();
        let mut keyword_true = Vec::new();
        if let Some(arguments) = &def.arguments {
            for arg in &arguments.args {
                bases.push(self.term(arg));
            }
            for keyword in &arguments.keywords {
                let Some(name) = &keyword.arg else { continue };
                if matches!(
                    keyword.value,
                    Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: true, .. })
                ) {
                    keyword_true.push(name.id.clone());
                }
                keywords.push((name.id.clone(), self.term(&keyword.value)));
            }
        }
        let qualname = format!("{}.{}", self.scope_qualname(), def.name.id);
        let enclosing_class = match self.scopes.last().map(|s| s.kind) {
            Some(ScopeKind::Class(parent)) => Some(parent),
            _ => None,
        };
        let id = u32::try_from(self.facts.classes.len()).expect("fewer than 4 billion classes");
        self.facts.classes.push(ClassFacts {
            name: def.name.id.clone(),
            qualname: qualname.clone().into(),
            name_range: def.name.range,
            bases,
            keywords,
            keyword_true,
            decorators,
            columns: Vec::new(),
            relationships: Vec::new(),
            methods: Vec::new(),
            attributes: Vec::new(),
            tablename: None,
            is_abstract: false,
            meta: SchemaMeta::default(),
        });
        if enclosing_class.is_none() {
            let term = self.facts.terms.global(&qualname);
            self.scopes
                .last_mut()
                .expect("scope")
                .env
                .insert(def.name.id.clone(), term);
        }

        self.scopes.push(Scope {
            kind: ScopeKind::Class(id),
            env: Env::default(),
            terminated: false,
        });
        let loops = std::mem::take(&mut self.loops);
        self.walk_body(&def.body);
        self.loops = loops;
        self.scopes.pop();

        // `class Meta:` of a marshmallow schema, `class Config:` of a pydantic v1 model.
        if let Some(parent) = enclosing_class {
            if matches!(def.name.id.as_str(), "Meta" | "Config") {
                self.read_schema_options(parent, &def.body);
            }
        }
    }

    fn read_schema_options(&mut self, class: LocalId, body: &[Stmt]) {
        for stmt in body {
            let (target, value) = match stmt {
                Stmt::Assign(assign) if assign.targets.len() == 1 => {
                    (&assign.targets[0], &*assign.value)
                }
                Stmt::AnnAssign(assign) => match &assign.value {
                    Some(value) => (&*assign.target, &**value),
                    None => continue,
                },
                _ => continue,
            };
            let Expr::Name(name) = target else { continue };
            match name.id.as_str() {
                "model" | "sqla_model" => {
                    let term = self.term(value);
                    self.facts.classes[class as usize].meta.model = Some(term);
                }
                // graphene-sqlalchemy spells them `only_fields` and `exclude_fields`.
                "fields" | "only" | "only_fields" => {
                    self.facts.classes[class as usize].meta.fields = string_list(value)
                }
                "exclude" | "exclude_fields" => {
                    self.facts.classes[class as usize].meta.exclude = string_list(value)
                }
                "orm_mode" | "from_attributes" if is_true(value) => {
                    self.facts.classes[class as usize].meta.from_attributes = true;
                }
                _ => {}
            }
        }
    }

    /// A class-level assignment or annotation: a column, a relationship, a schema field, or
    /// another attribute.
    pub(super) fn record_class_attribute(
        &mut self,
        class: LocalId,
        target: &Expr,
        annotation: Option<&Expr>,
        value: Option<&Expr>,
        value_term: TermId,
    ) {
        let Expr::Name(target_name) = target else {
            return;
        };
        let name = target_name.id.clone();
        let range = target_name.range;
        let call = match value {
            Some(Expr::Call(call)) => Some(call),
            _ => None,
        };
        let called = call.and_then(|call| callee_name(&call.func));

        match name.as_str() {
            "__tablename__" => {
                if let Some(Expr::StringLiteral(s)) = value {
                    self.facts.classes[class as usize].tablename = Some(s.value.to_str().into());
                }
                return;
            }
            "__abstract__" => {
                if value.is_some_and(is_true) {
                    self.facts.classes[class as usize].is_abstract = true;
                }
                return;
            }
            "model_config" => {
                if let Some(value) = value {
                    if config_enables_from_attributes(value) {
                        self.facts.classes[class as usize].meta.from_attributes = true;
                    }
                }
                return;
            }
            _ => {}
        }

        if let (Some(call), Some(called)) = (call, called) {
            if RELATIONSHIP_CALLS.contains(&called) {
                let relationship = self.relationship(name, range, call, annotation);
                self.facts.classes[class as usize]
                    .relationships
                    .push(relationship);
                return;
            }
            let is_schema_field = matches!(&*call.func, Expr::Attribute(attr) if matches!(&*attr.value, Expr::Name(m) if matches!(m.id.as_str(), "fields" | "ma")) || matches!(&*attr.value, Expr::Attribute(inner) if inner.attr.id.as_str() == "fields"));
            if COLUMN_CALLS.contains(&called) || is_schema_field {
                let foreign_key = call.arguments.args.iter().find_map(foreign_key_target);
                self.facts.classes[class as usize].columns.push(Column {
                    name,
                    range,
                    foreign_key,
                });
                return;
            }
        }
        // A relationship declared by its annotation alone is rare; a plain annotation
        // (`email: Mapped[str]`, `email: str` in SQLModel or pydantic) declares a field.
        if let Some(annotation) = annotation {
            if annotation_relationship(annotation).is_some() && value.is_none() {
                return;
            }
            self.facts.classes[class as usize].columns.push(Column {
                name,
                range,
                foreign_key: None,
            });
            return;
        }
        self.facts.classes[class as usize]
            .attributes
            .push((name, value_term, range));
    }

    fn relationship(
        &mut self,
        name: Name,
        range: flaskcheck_python::TextRange,
        call: &ast::ExprCall,
        annotation: Option<&Expr>,
    ) -> Relationship {
        let from_annotation = annotation.and_then(annotation_relationship);
        let target = match call.arguments.args.first() {
            Some(Expr::StringLiteral(s)) => Some(RelationshipTarget::Name(s.value.to_str().into())),
            Some(expr @ (Expr::Name(_) | Expr::Attribute(_))) => {
                Some(RelationshipTarget::Term(self.term(expr)))
            }
            Some(Expr::Lambda(lambda)) => match &*lambda.body {
                expr @ (Expr::Name(_) | Expr::Attribute(_)) => {
                    Some(RelationshipTarget::Term(self.term(expr)))
                }
                _ => None,
            },
            _ => from_annotation
                .as_ref()
                .map(|(target, _)| RelationshipTarget::Name(target.clone())),
        };
        let uselist = call
            .arguments
            .find_keyword("uselist")
            .map(|k| is_true(&k.value));
        let scalar = match uselist {
            Some(uselist) => !uselist,
            None => from_annotation.as_ref().is_some_and(|(_, scalar)| *scalar),
        };
        let dynamic = call.arguments.find_keyword("lazy").is_some_and(|k| {
            matches!(&k.value, Expr::StringLiteral(s) if matches!(s.value.to_str(), "dynamic" | "write_only"))
        }) || annotation.is_some_and(|a| {
            matches!(a, Expr::Subscript(s) if matches!(callee_name(&s.value), Some("DynamicMapped" | "WriteOnlyMapped")))
        });
        let backref = call
            .arguments
            .find_keyword("backref")
            .and_then(|k| match &k.value {
                Expr::StringLiteral(s) => Some(s.value.to_str().into()),
                Expr::Call(inner) => match inner.arguments.args.first() {
                    Some(Expr::StringLiteral(s)) => Some(s.value.to_str().into()),
                    _ => None,
                },
                _ => None,
            });
        Relationship {
            name,
            range,
            target,
            scalar,
            dynamic,
            backref,
        }
    }
}

/// `ForeignKey("users.id")` → `users.id`.
fn foreign_key_target(arg: &Expr) -> Option<Box<str>> {
    let Expr::Call(call) = arg else { return None };
    if callee_name(&call.func) != Some("ForeignKey") {
        return None;
    }
    match call.arguments.args.first()? {
        Expr::StringLiteral(s) => Some(s.value.to_str().into()),
        Expr::Attribute(attr) => {
            // `ForeignKey(User.id)`: keep the class name.
            callee_name(&attr.value).map(|class| format!("{class}.{}", attr.attr.id).into())
        }
        _ => None,
    }
}

/// The related class named by `Mapped[List["Post"]]` (a list) or `Mapped["User"]` (scalar).
fn annotation_relationship(annotation: &Expr) -> Option<(Box<str>, bool)> {
    let Expr::Subscript(mapped) = annotation else {
        return None;
    };
    if !matches!(
        callee_name(&mapped.value),
        Some("Mapped" | "DynamicMapped" | "WriteOnlyMapped")
    ) {
        return None;
    }
    let (inner, scalar) = match &*mapped.slice {
        Expr::Subscript(generic) => match callee_name(&generic.value) {
            Some("List" | "list" | "Set" | "set" | "Sequence" | "FrozenSet" | "frozenset") => {
                (&*generic.slice, false)
            }
            Some("Optional") => (&*generic.slice, true),
            _ => return None,
        },
        other => (other, true),
    };
    let name: &str = match inner {
        Expr::StringLiteral(s) => s.value.to_str(),
        Expr::Name(name) => name.id.as_str(),
        _ => return None,
    };
    // A string annotation may hold the generic itself: `Mapped["List[Post]"]`.
    let (name, scalar) = match name.split_once('[') {
        Some((outer, rest)) => (rest.trim_end_matches(']'), scalar && outer == "Optional"),
        None => (name, scalar),
    };
    // Only capitalised names are classes; `Mapped[int]` and `Mapped[str]` are columns.
    name.chars()
        .next()
        .is_some_and(char::is_uppercase)
        .then(|| (name.trim_matches(|c| c == '"' || c == '\'').into(), scalar))
}

fn is_true(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: true, .. })
    )
}

fn string_list(expr: &Expr) -> Option<Vec<Box<str>>> {
    let elts = match expr {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        Expr::Set(set) => &set.elts,
        _ => return None,
    };
    Some(
        elts.iter()
            .filter_map(|elt| match elt {
                Expr::StringLiteral(s) => Some(s.value.to_str().into()),
                _ => None,
            })
            .collect(),
    )
}

/// `ConfigDict(from_attributes=True)` or `{"from_attributes": True}`.
fn config_enables_from_attributes(value: &Expr) -> bool {
    match value {
        Expr::Call(call) => call
            .arguments
            .keywords
            .iter()
            .any(|k| k.arg.as_ref().is_some_and(|a| matches!(a.id.as_str(), "from_attributes" | "orm_mode")) && is_true(&k.value)),
        Expr::Dict(dict) => dict.items.iter().any(|item| {
            matches!(&item.key, Some(Expr::StringLiteral(s)) if matches!(s.value.to_str(), "from_attributes" | "orm_mode"))
                && is_true(&item.value)
        }),
        _ => false,
    }
}
