//! PyMongo, Motor and Flask-PyMongo: where clients, databases and collections come from, and what
//! their methods return. The evaluator calls in here from its attribute, call, subscript and
//! method hooks; everything else about documents (`list(cursor)`, iteration, `dumps`) is generic.
//!
//! - `MongoClient(...)`, `AsyncIOMotorClient(...)` (and `mongomock`) make a client;
//!   `PyMongo(app)`'s `.cx` is one and its `.db` a database.
//! - `client.name`, `client["name"]`, `client.get_database(...)`, `get_default_database()` are
//!   databases; `db.name`, `db["name"]`, `db.get_collection(...)` are collections, and so are a
//!   collection's sub-collections (`db.users.archive`).
//! - `find(...)` makes a cursor, `find_one(...)`, `find_one_or_404(...)` and
//!   `find_one_and_update|replace|delete(...)` a document; each knows whether the call had a
//!   projection.
//!
//! Only values known to be Mongo objects get these semantics: `"abc".find("b")` means nothing here.

use super::external::{is_symbol, symbol_in};
use super::last_segment;
use super::value::{Fact, Kind, Origin, Value};
use crate::analyze::term::{CallTerm, Key};

/// Attributes and methods of a client that are not databases.
const CLIENT_MEMBERS: &[&str] = &[
    "address",
    "arbiters",
    "bulk_write",
    "close",
    "codec_options",
    "delegate",
    "drop_database",
    "get_database",
    "get_default_database",
    "io_loop",
    "is_mongos",
    "is_primary",
    "list_database_names",
    "list_databases",
    "nodes",
    "options",
    "primary",
    "read_concern",
    "read_preference",
    "secondaries",
    "server_info",
    "start_session",
    "topology_description",
    "watch",
    "with_options",
    "write_concern",
];

/// Attributes and methods of a database that are not collections.
const DATABASE_MEMBERS: &[&str] = &[
    "aggregate",
    "client",
    "codec_options",
    "command",
    "create_collection",
    "cursor_command",
    "delegate",
    "dereference",
    "drop_collection",
    "get_collection",
    "list_collection_names",
    "list_collections",
    "name",
    "read_concern",
    "read_preference",
    "validate_collection",
    "watch",
    "with_options",
    "write_concern",
];

/// Attributes and methods of a collection that are not sub-collections.
const COLLECTION_MEMBERS: &[&str] = &[
    "aggregate",
    "aggregate_raw_batches",
    "bulk_write",
    "codec_options",
    "count",
    "count_documents",
    "create_index",
    "create_indexes",
    "create_search_index",
    "database",
    "delegate",
    "delete_many",
    "delete_one",
    "distinct",
    "drop",
    "drop_index",
    "drop_indexes",
    "ensure_index",
    "estimated_document_count",
    "find",
    "find_and_modify",
    "find_one",
    "find_one_and_delete",
    "find_one_and_replace",
    "find_one_and_update",
    "find_one_or_404",
    "find_raw_batches",
    "full_name",
    "index_information",
    "insert",
    "insert_many",
    "insert_one",
    "list_indexes",
    "list_search_indexes",
    "map_reduce",
    "name",
    "options",
    "read_concern",
    "read_preference",
    "remove",
    "rename",
    "replace_one",
    "save",
    "update",
    "update_many",
    "update_one",
    "watch",
    "with_options",
    "write_concern",
];

/// Cursor methods that return the same cursor, narrowed or reordered.
const CURSOR_CHAIN: &[&str] = &[
    "add_option",
    "allow_disk_use",
    "batch_size",
    "clone",
    "collation",
    "comment",
    "hint",
    "limit",
    "max",
    "max_await_time_ms",
    "max_scan",
    "max_time_ms",
    "min",
    "remove_option",
    "rewind",
    "skip",
    "sort",
    "where",
];

/// Collection methods that read documents, and the position of their projection argument.
pub const FIND_METHODS: &[(&str, usize)] = &[
    ("find", 1),
    ("find_one", 1),
    ("find_one_or_404", 1),
    ("find_one_and_delete", 1),
    ("find_one_and_replace", 2),
    ("find_one_and_update", 2),
];

/// The position of the projection argument of a find method, or `None` for other names.
pub fn projection_position(name: &str) -> Option<usize> {
    FIND_METHODS
        .iter()
        .find(|(method, _)| *method == name)
        .map(|&(_, position)| position)
}

/// Whether a Mongo kind: a client, database, collection, cursor or documents.
pub fn is_mongo(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::MongoClient
            | Kind::MongoDatabase
            | Kind::MongoCollection
            | Kind::MongoCursor { .. }
            | Kind::MongoDocument { .. }
            | Kind::MongoDocuments { .. }
    )
}

/// Calling something outside the project: a client, database or collection constructor.
pub fn construct(symbol: &str, origin: Origin) -> Option<Value> {
    let name = last_segment(symbol);
    let from_driver = symbol_in(symbol, "pymongo")
        || symbol_in(symbol, "motor")
        || symbol_in(symbol, "mongomock")
        || symbol_in(symbol, "mongomock_motor");
    if !from_driver {
        return None;
    }
    let kind = match name {
        "MongoClient"
        | "AsyncMongoClient"
        | "AsyncIOMotorClient"
        | "MotorClient"
        | "AsyncMongoMockClient" => Kind::MongoClient,
        "Database" | "AsyncDatabase" | "AsyncIOMotorDatabase" | "MotorDatabase" => {
            Kind::MongoDatabase
        }
        "Collection" | "AsyncCollection" | "AsyncIOMotorCollection" | "MotorCollection" => {
            Kind::MongoCollection
        }
        _ => return None,
    };
    Some(Value::of(Fact::at(kind, origin)))
}

/// `value.name` for a Mongo object or a Flask-PyMongo `PyMongo` instance. `None` when the value
/// is neither (the evaluator goes on with its own rules).
pub fn attr(fact: &Fact, name: &str) -> Option<Value> {
    let method = || Value::of(Fact::new(Kind::Method(Box::new(fact.clone()), name.into())));
    let kind = match &fact.kind {
        Kind::ExternalInstance(symbol) if is_symbol(symbol, "flask_pymongo", "PyMongo") => {
            return Some(match name {
                "db" => Value::of(fact.becomes(Kind::MongoDatabase)),
                "cx" => Value::of(fact.becomes(Kind::MongoClient)),
                _ => method(),
            });
        }
        Kind::MongoClient => {
            if CLIENT_MEMBERS.contains(&name) {
                return Some(method());
            }
            Kind::MongoDatabase
        }
        Kind::MongoDatabase => match name {
            "client" => Kind::MongoClient,
            _ if DATABASE_MEMBERS.contains(&name) => return Some(method()),
            _ => Kind::MongoCollection,
        },
        Kind::MongoCollection => match name {
            "database" => Kind::MongoDatabase,
            _ if COLLECTION_MEMBERS.contains(&name) => return Some(method()),
            _ => Kind::MongoCollection,
        },
        Kind::MongoCursor { .. } => return Some(method()),
        _ => return None,
    };
    // The drivers refuse names with a leading underscore (`client._private` is an error).
    if name.starts_with('_') {
        return Some(Value::empty());
    }
    Some(Value::of(fact.becomes(kind)))
}

/// `client["db"]`, `db["users"]`, `db.users["archive"]`.
pub fn subscript(kind: &Kind, key: &Key) -> Option<Kind> {
    if !matches!(key, Key::Str(_) | Key::Dynamic(_)) {
        return None;
    }
    match kind {
        Kind::MongoClient => Some(Kind::MongoDatabase),
        Kind::MongoDatabase | Kind::MongoCollection => Some(Kind::MongoCollection),
        _ => None,
    }
}

/// A method call on a Mongo object. `None` when the receiver is not one, or for methods whose
/// result the evaluator handles generically (`document.copy()`).
pub fn method_call(receiver: &Fact, name: &str, call: &CallTerm, origin: Origin) -> Option<Value> {
    let kind = match &receiver.kind {
        Kind::MongoClient => match name {
            "get_database" | "get_default_database" => Kind::MongoDatabase,
            "with_options" => Kind::MongoClient,
            _ => return Some(Value::empty()),
        },
        Kind::MongoDatabase => match name {
            "get_collection" | "create_collection" => Kind::MongoCollection,
            "with_options" => Kind::MongoDatabase,
            _ => return Some(Value::empty()),
        },
        Kind::MongoCollection => {
            if name == "with_options" {
                Kind::MongoCollection
            } else if let Some(position) = projection_position(name) {
                let projected = has_projection(call, position);
                let kind = match name {
                    "find" => Kind::MongoCursor { projected },
                    _ => Kind::MongoDocument { projected },
                };
                return Some(Value::of(Fact::at(kind, origin)));
            } else {
                return Some(match name {
                    "count_documents" | "estimated_document_count" | "count" | "distinct" => {
                        Value::kind(Kind::Const)
                    }
                    _ => Value::empty(),
                });
            }
        }
        Kind::MongoCursor { projected } => {
            let projected = *projected;
            if CURSOR_CHAIN.contains(&name) {
                return Some(Value::of(receiver.clone()));
            }
            return Some(match name {
                "next" | "__next__" | "try_next" => {
                    Value::of(receiver.becomes(Kind::MongoDocument { projected }))
                }
                "to_list" => Value::of(receiver.becomes(Kind::MongoDocuments { projected })),
                "count" | "distinct" | "explain" | "alive" => Value::kind(Kind::Const),
                _ => Value::empty(),
            });
        }
        _ => return None,
    };
    Some(Value::of(receiver.becomes(kind)))
}

/// Whether a find call names a projection: its positional argument at `position`, the
/// `projection=` keyword (`fields=` in PyMongo 2), or `**options` that may hold one.
fn has_projection(call: &CallTerm, position: usize) -> bool {
    call.args.len() > position
        || call.keyword("projection").is_some()
        || call.keyword("fields").is_some()
        || !call.unpacked.is_empty()
}
