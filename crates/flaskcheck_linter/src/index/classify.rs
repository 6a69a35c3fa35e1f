//! What each class is, from its bases: a model, the base models derive from, a schema, a view.
//! Bases are evaluated like any other term, so `db.Model` is recognised whatever the
//! `SQLAlchemy()` object is called and wherever it is imported from, and a class deriving from
//! another model (or from an abstract model, or a `DeclarativeBase` subclass) is a model too.

use super::external::{is_symbol, symbol_in};
use super::{ClassId, Evaluator, Kind, ProjectIndex};

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassFlags {
    /// A mapped SQLAlchemy model (Flask-SQLAlchemy, declarative, SQLModel with `table=True`).
    pub model: bool,
    /// A class models derive from: a `DeclarativeBase` subclass, an abstract model.
    pub model_base: bool,
    /// A marshmallow or pydantic schema (including SQLModel without `table=True`).
    pub schema: bool,
    /// A pydantic model.
    pub pydantic: bool,
    /// A class-based view: `MethodView`, `View`, or a Flask-RESTful/RESTX `Resource`.
    pub view: bool,
    /// A Flask-RESTful/RESTX `Resource`: its methods' return values are serialized to JSON.
    pub resource: bool,
    /// Part of a Flask-AppBuilder API or view.
    pub appbuilder: bool,
    /// A subclass of Flask-SQLAlchemy's `SQLAlchemy` extension: its instances are the `db`.
    pub sqlalchemy_extension: bool,
    /// A Flask-WTF or WTForms form: its fields are filled from the request.
    pub form: bool,
    /// A graphene object type or mutation: its `resolve_*` methods and `mutate` answer GraphQL
    /// queries.
    pub graphene: bool,
    /// A graphene-sqlalchemy `SQLAlchemyObjectType`: it exposes its model's columns.
    pub sqlalchemy_object_type: bool,
}

/// A class's project ancestors are kept up to this many, and a chain of bases is followed this
/// deep: real hierarchies have a few (13 at most on the benchmark corpus), and a generated chain
/// of thousands of classes would otherwise take time quadratic in its length (and recursion as
/// deep).
const MAX_ANCESTORS: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Todo,
    InProgress,
    Done,
}

/// Classifies every class, in id order (so that a cycle of bases, which only name confusion can
/// create, is cut at the same place on every run). Returns each class's flags and project
/// ancestors.
pub(super) fn classify_all(index: &ProjectIndex<'_>) -> (Vec<ClassFlags>, Vec<Vec<ClassId>>) {
    let count = index.class_count();
    let mut classifier = Classifier {
        index,
        evaluator: Evaluator::new(index),
        state: vec![State::Todo; count],
        flags: vec![ClassFlags::default(); count],
        ancestors: vec![Vec::new(); count],
        marks: vec![0; count],
        generation: 0,
    };
    for id in 0..count {
        classifier.classify(ClassId(id as u32), 0);
    }
    (classifier.flags, classifier.ancestors)
}

struct Classifier<'i, 'a> {
    index: &'i ProjectIndex<'a>,
    evaluator: Evaluator<'i, 'a>,
    state: Vec<State>,
    flags: Vec<ClassFlags>,
    ancestors: Vec<Vec<ClassId>>,
    /// `generation` for the classes already among the ancestors being gathered.
    marks: Vec<u32>,
    generation: u32,
}

impl Classifier<'_, '_> {
    /// The parents (classified already) and their ancestors, nearest first, each once.
    fn ancestors_through(&mut self, id: ClassId, parents: &[ClassId]) -> Vec<ClassId> {
        self.generation += 1;
        let generation = self.generation;
        self.marks[id.0 as usize] = generation;
        let mut ancestors = Vec::new();
        for &parent in parents {
            let grands = &self.ancestors[parent.0 as usize];
            for &ancestor in std::iter::once(&parent).chain(grands) {
                if ancestors.len() == MAX_ANCESTORS {
                    return ancestors;
                }
                let mark = &mut self.marks[ancestor.0 as usize];
                if *mark != generation {
                    *mark = generation;
                    ancestors.push(ancestor);
                }
            }
        }
        ancestors
    }

    fn classify(&mut self, id: ClassId, depth: usize) {
        let slot = id.0 as usize;
        if self.state[slot] != State::Todo || depth > MAX_ANCESTORS {
            return;
        }
        self.state[slot] = State::InProgress;
        let facts = self.index.class(id);
        let file = self.index.class_file(id);
        let mut flags = ClassFlags::default();
        let mut derives_from_model = false;
        let mut declares_base = false;
        let mut sqlmodel = false;
        let mut parents = Vec::new();

        for &base in &facts.bases {
            let value = self.evaluator.eval(file, base);
            for fact in value.iter() {
                match &fact.kind {
                    Kind::Class(parent) => {
                        let parent = *parent;
                        if parent == id {
                            continue;
                        }
                        self.classify(parent, depth + 1);
                        let inherited = self.flags[parent.0 as usize];
                        derives_from_model |= inherited.model || inherited.model_base;
                        flags.schema |= inherited.schema;
                        flags.pydantic |= inherited.pydantic;
                        flags.view |= inherited.view;
                        flags.resource |= inherited.resource;
                        flags.appbuilder |= inherited.appbuilder;
                        flags.sqlalchemy_extension |= inherited.sqlalchemy_extension;
                        flags.form |= inherited.form;
                        flags.graphene |= inherited.graphene;
                        flags.sqlalchemy_object_type |= inherited.sqlalchemy_object_type;
                        parents.push(parent);
                    }
                    Kind::ModelBase => derives_from_model = true,
                    Kind::SchemaBase => flags.schema = true,
                    Kind::External(symbol) | Kind::ExternalInstance(symbol) => {
                        let symbol = &**symbol;
                        if symbol_in(symbol, "sqlalchemy")
                            && matches!(
                                super::last_segment(symbol),
                                "DeclarativeBase" | "DeclarativeBaseNoMeta" | "MappedAsDataclass"
                            )
                        {
                            declares_base = true;
                        } else if is_symbol(symbol, "sqlmodel", "SQLModel") {
                            sqlmodel = true;
                        } else if symbol_in(symbol, "pydantic")
                            && super::last_segment(symbol) == "BaseModel"
                        {
                            flags.schema = true;
                            flags.pydantic = true;
                        } else if (symbol_in(symbol, "marshmallow")
                            || symbol_in(symbol, "marshmallow_sqlalchemy")
                            || symbol_in(symbol, "flask_marshmallow"))
                            && super::last_segment(symbol).ends_with("Schema")
                        {
                            flags.schema = true;
                        } else if (symbol_in(symbol, "flask_restful")
                            || symbol_in(symbol, "flask_restx")
                            || symbol_in(symbol, "flask_restplus"))
                            && super::last_segment(symbol) == "Resource"
                        {
                            flags.view = true;
                            flags.resource = true;
                        } else if symbol_in(symbol, "flask")
                            && matches!(super::last_segment(symbol), "MethodView" | "View")
                        {
                            flags.view = true;
                        } else if is_symbol(symbol, "flask_appbuilder", "Model") {
                            // Flask-AppBuilder's abstract declarative base.
                            derives_from_model = true;
                        } else if symbol_in(symbol, "flask_appbuilder") {
                            flags.appbuilder = true;
                        } else if is_symbol(symbol, "flask_sqlalchemy", "Model") {
                            // Flask-SQLAlchemy's own model class: a base to build `db.Model`
                            // from, not a mapped model.
                            declares_base = true;
                        } else if is_symbol(symbol, "flask_sqlalchemy", "SQLAlchemy") {
                            flags.sqlalchemy_extension = true;
                        } else if (symbol_in(symbol, "flask_wtf") || symbol_in(symbol, "wtforms"))
                            && matches!(super::last_segment(symbol), "FlaskForm" | "Form")
                        {
                            flags.form = true;
                        } else if is_symbol(symbol, "graphene_sqlalchemy", "SQLAlchemyObjectType") {
                            flags.graphene = true;
                            flags.sqlalchemy_object_type = true;
                        } else if symbol_in(symbol, "graphene")
                            && matches!(
                                super::last_segment(symbol),
                                "ObjectType" | "Mutation" | "ClientIDMutation" | "Interface"
                            )
                        {
                            flags.graphene = true;
                        }
                    }
                    _ => {}
                }
            }
        }
        if sqlmodel {
            if facts.keyword_true.iter().any(|k| k.as_str() == "table") {
                derives_from_model = true;
            } else {
                flags.schema = true;
                flags.pydantic = true;
            }
        }
        if declares_base || (derives_from_model && facts.is_abstract) {
            flags.model_base = true;
        } else if derives_from_model {
            flags.model = true;
        }
        self.flags[slot] = flags;
        self.ancestors[slot] = self.ancestors_through(id, &parents);
        self.state[slot] = State::Done;
    }
}
