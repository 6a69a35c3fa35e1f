//! What flaskcheck knows of names outside the project: Flask, SQLAlchemy, PyMongo and Python's
//! own. A symbol matches by package and last name, so `flask_sqlalchemy.SQLAlchemy` and
//! `flask_sqlalchemy.extension.SQLAlchemy` are the same class.

/// Whether `symbol` is in `package` (the package itself or anything under it).
pub fn symbol_in(symbol: &str, package: &str) -> bool {
    symbol == package
        || symbol
            .strip_prefix(package)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Whether `symbol` is `name` from `package` (at any depth inside it).
pub fn is_symbol(symbol: &str, package: &str, name: &str) -> bool {
    symbol_in(symbol, package) && super::last_segment(symbol) == name
}

/// Query methods that run the query and return one instance.
pub const QUERY_ONE: &[&str] = &[
    "get",
    "get_or_404",
    "first",
    "first_or_404",
    "one",
    "one_or_none",
    "one_or_404",
    "scalar",
    "scalar_one",
    "scalar_one_or_none",
    "fetchone",
];

/// Query methods that run the query and return every instance.
pub const QUERY_ALL: &[&str] = &["all", "fetchall", "fetchmany", "partitions"];

/// Query methods that return a narrowed query of the same entities.
pub const QUERY_CHAIN: &[&str] = &[
    "filter",
    "filter_by",
    "where",
    "order_by",
    "group_by",
    "having",
    "limit",
    "offset",
    "join",
    "outerjoin",
    "join_from",
    "outerjoin_from",
    "select_from",
    "distinct",
    "execution_options",
    "params",
    "correlate",
    "yield_per",
    "populate_existing",
    "with_for_update",
    "enable_eagerloads",
    "autoflush",
    "union",
    "union_all",
    "intersect",
    "except_",
    "prefix_with",
    "suffix_with",
    "slice",
    "scalars",
    "unique",
    "add_columns",
    "reset_joinpoint",
    "with_parent",
    "filter_by_or_404",
];

/// Methods that produce a serialized (chosen-fields) form of an object.
pub const SERIALIZER_METHODS: &[&str] = &[
    "to_dict",
    "as_dict",
    "to_json",
    "as_json",
    "serialize",
    "serialized",
    "to_api",
    "to_api_dict",
    "to_public_dict",
    "public_dict",
    "__json__",
    "for_json",
    "to_serializable",
    "to_response",
    "dump",
    "dumps",
    "model_dump",
    "model_dump_json",
    "dict",
    "json",
    "jsonify",
    "marshal",
];

/// Whether a method name is a serializer by convention (`to_dict`, `serialize_public`, ...).
pub fn is_serializer_method(name: &str) -> bool {
    SERIALIZER_METHODS.contains(&name)
        || name.starts_with("to_dict")
        || name.starts_with("to_json")
        || name.starts_with("as_dict")
        || name.starts_with("serialize")
}
