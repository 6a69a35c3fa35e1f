//! What a term means once the whole project is known: a set of [`Fact`]s, each a kind of value
//! (a model instance, a collection, request data...) and where it was made.

use flaskcheck_python::TextRange;

use super::{ClassId, FuncId};
use crate::analyze::Symbol;
use crate::source::FileId;

/// Where a value was produced: the query that loaded a model, the `find` that returned documents.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: FileId,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Plain data built from literals.
    Const,
    Module(FileId),
    /// A project class object.
    Class(ClassId),
    /// An instance of a project class (a model or not).
    Instance(ClassId),
    /// Several instances: `Model.query.all()`, a relationship list, a list built in a loop.
    Collection(ClassId),
    /// Every attribute of an instance: `vars(user)`, `user.__dict__`.
    AttrDict(ClassId),
    /// A list of those.
    AttrDicts(ClassId),
    /// A query or `select()` that yields instances of a model when run.
    Query(ClassId),
    /// `query.paginate(...)`: its `.items` are instances.
    Pagination(ClassId),
    /// Rows of chosen columns: `query(User.id, User.name)`, `with_entities(...)`, `load_only`.
    Projection,
    Function(FuncId),
    /// A project method looked up on a class or instance: `user.to_dict`, `User.get_by_id`.
    BoundMethod(FuncId),
    /// Something outside the project, by qualified name: `flask.jsonify`, `pymongo.MongoClient`.
    External(Symbol),
    /// An object made by calling an external class: `SQLAlchemy()`, `MongoClient(...)`.
    ExternalInstance(Symbol),
    /// A method of a known value, not yet called: `query.all`, `session.get`.
    Method(Box<Fact>, Box<str>),
    /// The class models derive from: `db.Model`, a `declarative_base()`.
    ModelBase,
    /// The class schemas derive from when it comes from an extension object (`ma.Schema`).
    SchemaBase,
    /// A SQLAlchemy session: `db.session`, `Session()`.
    Session,
    /// Flask's `request` object.
    Request,
    /// Data from the request, with the expression it came from (`request.json`).
    RequestData(Box<str>),
    /// A mapping of request data whose keys the code declares: `parser.parse_args()` (reqparse),
    /// `form.data` (WTForms), a pydantic model built from the body. Each value read from it is
    /// the client's ([`Kind::RequestData`]); which keys it has is not, so applying it whole is
    /// no mass assignment, but a declared key that grants privileges is the client's choice.
    DeclaredRequest {
        source: Box<str>,
        fields: DeclaredFields,
    },
    /// An exception object (`e` in `except ... as e`).
    Exception,
    /// Text taken from an exception: `str(e)`, `e.args`, `traceback.format_exc()`.
    ExceptionText,
    /// The enclosing function's parameter at this position.
    Param(u16),
    /// A response object already built (`jsonify(...)`): its content was checked where it was
    /// built.
    Response,
    MongoClient,
    MongoDatabase,
    MongoCollection,
    /// A cursor from `find`; `projected` when the call had a projection.
    MongoCursor {
        projected: bool,
    },
    /// One document from `find_one` or from iterating a cursor.
    MongoDocument {
        projected: bool,
    },
    /// A list of documents: `list(cursor)`.
    MongoDocuments {
        projected: bool,
    },
}

/// What declares the keys of a [`Kind::DeclaredRequest`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum DeclaredFields {
    /// The fields of a project class: a WTForms form, a pydantic model, a marshmallow schema.
    Class(ClassId),
    /// The `add_argument` calls on the reqparse parser made here.
    Parser(Origin),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fact {
    pub kind: Kind,
    pub origin: Option<Origin>,
    /// The literal dict key the value is stored under, if any (`{"room": room}`): code that
    /// later pops that key takes the value out.
    pub key: Option<Box<str>>,
}

impl Fact {
    pub fn new(kind: Kind) -> Self {
        Self {
            kind,
            origin: None,
            key: None,
        }
    }

    pub fn at(kind: Kind, origin: Origin) -> Self {
        Self {
            kind,
            origin: Some(origin),
            key: None,
        }
    }

    /// The same value, stored under no key.
    pub fn unkeyed(&self) -> Fact {
        Fact {
            kind: self.kind.clone(),
            origin: self.origin,
            key: None,
        }
    }

    /// The same origin, another kind.
    pub fn becomes(&self, kind: Kind) -> Fact {
        Fact {
            kind,
            origin: self.origin,
            key: self.key.clone(),
        }
    }
}

/// Facts are kept in first-seen order, one per kind and key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Value {
    facts: Vec<Fact>,
}

/// Values wider than this are cut: a union that large says nothing a rule could use.
const MAX_FACTS: usize = 24;

impl Value {
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn of(fact: Fact) -> Self {
        Self { facts: vec![fact] }
    }

    pub fn kind(kind: Kind) -> Self {
        Self::of(Fact::new(kind))
    }

    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    pub fn push(&mut self, fact: Fact) {
        if self.facts.len() < MAX_FACTS
            && !self
                .facts
                .iter()
                .any(|f| f.kind == fact.kind && f.key == fact.key)
        {
            self.facts.push(fact);
        }
    }

    pub fn extend(&mut self, other: Value) {
        for fact in other.facts {
            self.push(fact);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Fact> {
        self.facts.iter()
    }

    pub fn contains(&self, predicate: impl Fn(&Kind) -> bool) -> bool {
        self.facts.iter().any(|fact| predicate(&fact.kind))
    }
}

impl FromIterator<Fact> for Value {
    fn from_iter<I: IntoIterator<Item = Fact>>(iter: I) -> Self {
        let mut value = Value::empty();
        for fact in iter {
            value.push(fact);
        }
        value
    }
}
