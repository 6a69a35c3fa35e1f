//! FC505 insecure-database-transport: rules/FC505.md.
//!
//! A file-pass rule: connection strings (`?sslmode=disable`, `?tls=false`, libpq keyword strings,
//! `cockroach ... --insecure`) and the keyword arguments and option dicts of database clients
//! (`MongoClient(tls=False)`, `tlsAllowInvalidCertificates=True`, `connect_args={"sslmode":
//! "disable"}`, `ssl_cert_reqs=ssl.CERT_NONE`) that turn transport encryption or certificate
//! checks off. Connections to this machine report low; test files are skipped.

use flaskcheck_python::ast::{self as ast, Expr, FStringPart, InterpolatedStringElement, Stmt};
use flaskcheck_python::{Ranged, TextRange};

use super::config_context::{
    is_documentation_dict, is_false, is_local_host, is_test_path, is_true, string_value, uri_host,
};
use super::{literal_scan, RuleChecks};
use crate::analyze::{Checker, Node, NodeKinds};
use crate::diagnostic::Severity;
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::STRINGS
        .with(NodeKinds::LIST)
        .with(NodeKinds::TUPLE)
        .with(NodeKinds::CALL)
        .with(NodeKinds::DICT)
        .with(NodeKinds::ASSIGN),
    project: None,
};

const UNENCRYPTED: &str = "leaves the database connection unencrypted";
const DOWNGRADE: &str = "makes encryption optional and never verifies the server, so an attacker on the network can downgrade the connection";
const UNVERIFIED: &str = "turns off the check of the server's certificate, so anyone on the network can pose as the database";
const COCKROACH: &str = "CockroachDB runs with `--insecure`: no TLS and no authentication";

const HELP: &str = "require TLS with certificate checks (`sslmode=verify-full` for PostgreSQL, `tls=True` with a CA file for MongoDB), even inside a private network";

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let expr = match node {
        Node::Expr(expr) => expr,
        // `connect_args["sslmode"] = "disable"`
        Node::Stmt(Stmt::Assign(assign)) => {
            if let [Expr::Subscript(subscript)] = &*assign.targets {
                if let Some(key) = string_value(&subscript.slice) {
                    if let Some(problem) = option_problem(key, &assign.value, false) {
                        let message = setting_message(checker, assign.range, problem);
                        report(checker, assign.range, &message, false);
                    }
                }
            }
            return;
        }
        Node::Stmt(_) => return,
    };
    match expr {
        Expr::StringLiteral(literal) => {
            if checker.is_docstring(expr) {
                return;
            }
            if !literal_scan::scan(checker, literal.range).mentions_transport() {
                return;
            }
            let text = literal.value.to_str();
            if let Some(problem) = connection_string_problem(text) {
                let local = uri_host(text).is_some_and(is_local_host);
                report(checker, literal.range, &problem, local);
            }
        }
        Expr::FString(fstring) => {
            if !literal_scan::scan(checker, fstring.range).mentions_transport() {
                return;
            }
            // The literal parts, with a placeholder where values are interpolated.
            let mut text = String::new();
            for part in fstring.value.iter() {
                match part {
                    FStringPart::Literal(literal) => text.push_str(literal.as_str()),
                    FStringPart::FString(f) => {
                        for element in &f.elements {
                            match element {
                                InterpolatedStringElement::Literal(literal) => {
                                    text.push_str(&literal.value)
                                }
                                InterpolatedStringElement::Interpolation(_) => text.push('\u{0}'),
                            }
                        }
                    }
                }
            }
            if let Some(problem) = connection_string_problem(&text) {
                let local = uri_host(&text).is_some_and(is_local_host);
                report(checker, fstring.range, &problem, local);
            }
        }
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            cockroach_arguments(checker, elts);
        }
        Expr::Call(call) => client_call(checker, call),
        Expr::Dict(dict) => {
            if is_documentation_dict(dict) {
                // Its strings document connection settings; remember where it is for the strings
                // inside, which are checked after it.
                checker.defer(
                    Rule::InsecureDatabaseTransport,
                    dict.range,
                    Vec::new(),
                    DOCUMENTATION,
                );
                return;
            }
            for item in &dict.items {
                let Some(key) = item.key.as_ref().and_then(string_value) else {
                    continue;
                };
                if let Some(problem) = option_problem(key, &item.value, false) {
                    let range = item
                        .key
                        .as_ref()
                        .map_or(item.value.range(), |k| k.range().cover(item.value.range()));
                    let message = setting_message(checker, range, problem);
                    report(checker, range, &message, false);
                }
            }
        }
        _ => {}
    }
}

/// What a connection URI or libpq keyword string turns off, if anything.
fn connection_string_problem(text: &str) -> Option<String> {
    let is_uri = text
        .split_once("://")
        .is_some_and(|(scheme, _)| is_database_scheme(scheme));
    let is_dsn = !is_uri && (text.contains("host=") || text.contains("dbname="));
    if text.contains("--insecure") && text.to_ascii_lowercase().contains("cockroach") {
        return Some(COCKROACH.into());
    }
    if !is_uri && !is_dsn {
        return None;
    }
    let query = if is_uri {
        text.split_once('?').map_or("", |(_, query)| query)
    } else {
        text
    };
    for pair in query.split(['&', ';', ' ', '\t', '\n']) {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let value = value.trim_matches(|c| c == '\'' || c == '"');
        if let Some(problem) = setting_problem(key.trim(), value) {
            return Some(format!(
                "connection string sets `{}`, which {problem}",
                pair.trim()
            ));
        }
    }
    None
}

fn is_database_scheme(scheme: &str) -> bool {
    let base = scheme
        .split('+')
        .next()
        .unwrap_or(scheme)
        .to_ascii_lowercase();
    matches!(
        base.as_str(),
        "postgres"
            | "postgresql"
            | "pgsql"
            | "cockroachdb"
            | "mysql"
            | "mariadb"
            | "mongodb"
            | "redshift"
            | "mssql"
            | "sqlserver"
            | "oracle"
            | "clickhouse"
    )
}

/// What a connection setting given as text turns off.
fn setting_problem(key: &str, value: &str) -> Option<&'static str> {
    let lower = value.to_ascii_lowercase();
    match key {
        "sslmode" | "ssl_mode" => match lower.as_str() {
            "disable" | "disabled" => Some(UNENCRYPTED),
            "allow" | "prefer" | "preferred" => Some(DOWNGRADE),
            _ => None,
        },
        "ssl" | "tls" | "useSSL" | "use_ssl" => {
            matches!(lower.as_str(), "false" | "0" | "no" | "off" | "disable")
                .then_some(UNENCRYPTED)
        }
        "tlsInsecure"
        | "tlsAllowInvalidCertificates"
        | "tlsAllowInvalidHostnames"
        | "sslAllowInvalidCertificates"
        | "sslAllowInvalidHostnames" => {
            matches!(lower.as_str(), "true" | "1" | "yes").then_some(UNVERIFIED)
        }
        "ssl_cert_reqs" => matches!(lower.as_str(), "none" | "cert_none").then_some(UNVERIFIED),
        _ => None,
    }
}

/// What a keyword argument or option-dict entry turns off. `ssl=False`/`tls=False` count only
/// where they are a database client's options (`database_client`).
fn option_problem(key: &str, value: &Expr, database_client: bool) -> Option<&'static str> {
    let problem = match key {
        "sslmode" | "ssl_mode" => {
            let text = string_value(value)?;
            setting_problem(key, text)?
        }
        "ssl" | "tls" | "use_ssl"
            if database_client
                && (is_false(value)
                    || string_value(value).is_some_and(|v| v.eq_ignore_ascii_case("disable"))) =>
        {
            UNENCRYPTED
        }
        "ssl_disabled" if database_client && is_true(value) => UNENCRYPTED,
        "tlsInsecure"
        | "tlsAllowInvalidCertificates"
        | "tlsAllowInvalidHostnames"
        | "ssl_match_hostname"
        | "ssl_verify_cert"
        | "ssl_verify_identity"
        | "ssl_check_hostname" => {
            let off = if matches!(
                key,
                "ssl_match_hostname"
                    | "ssl_verify_cert"
                    | "ssl_verify_identity"
                    | "ssl_check_hostname"
            ) {
                is_false(value)
            } else {
                is_true(value)
            };
            if !off {
                return None;
            }
            UNVERIFIED
        }
        "ssl_cert_reqs" => {
            let none = match value {
                Expr::Attribute(attr) => attr.attr.id.as_str() == "CERT_NONE",
                Expr::Name(name) => name.id.as_str() == "CERT_NONE",
                Expr::NoneLiteral(_) => true,
                other => string_value(other)
                    .is_some_and(|v| v.eq_ignore_ascii_case("none") || v == "CERT_NONE"),
            };
            if !none {
                return None;
            }
            UNVERIFIED
        }
        _ => return None,
    };
    Some(problem)
}

/// The message for a setting written as code (`tls=False`, `"sslmode": "allow"`).
fn setting_message(checker: &Checker<'_>, range: TextRange, problem: &str) -> String {
    let source = checker.source(range);
    let source = if source.len() > 60 || source.contains('\n') {
        "this setting"
    } else {
        source
    };
    format!("`{source}` {problem}")
}

/// Database clients whose keyword arguments configure the connection's transport.
fn is_database_client(name: &str) -> bool {
    matches!(
        name,
        "MongoClient"
            | "AsyncIOMotorClient"
            | "AsyncMongoClient"
            | "MotorClient"
            | "PyMongo"
            | "MongoEngine"
            | "create_engine"
            | "create_async_engine"
            | "connect"
            | "create_pool"
            | "register_connection"
    )
}

/// Packages whose `connect(...)` opens a database connection.
const DRIVERS: &[&str] = &[
    "pymongo",
    "motor",
    "mongoengine",
    "flask_pymongo",
    "flask_mongoengine",
    "psycopg2",
    "psycopg",
    "asyncpg",
    "pymysql",
    "MySQLdb",
    "mysql",
    "aiomysql",
    "aiopg",
    "pg8000",
    "sqlalchemy",
    "flask_sqlalchemy",
];

fn client_call(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let name = match &*call.func {
        Expr::Attribute(attr) => attr.attr.id.as_str(),
        Expr::Name(name) => name.id.as_str(),
        _ => return,
    };
    if !is_database_client(name) || call.arguments.keywords.is_empty() {
        return;
    }
    // `connect` is a common name: only a database driver's counts.
    if matches!(name, "connect" | "create_pool" | "register_connection") {
        let Some(symbol) = checker.qualified_name(&call.func) else {
            return;
        };
        let package = symbol.split('.').next().unwrap_or_default();
        if !DRIVERS.contains(&package) {
            return;
        }
    }
    for keyword in &call.arguments.keywords {
        let Some(key) = &keyword.arg else { continue };
        let key = key.id.as_str();
        if key == "connect_args" {
            // `create_engine(url, connect_args={"ssl": False})`: `sslmode` entries are reported
            // as dict entries; `ssl`/`tls` only mean transport here.
            if let Expr::Dict(dict) = &keyword.value {
                for item in &dict.items {
                    let Some(entry) = item.key.as_ref().and_then(string_value) else {
                        continue;
                    };
                    if matches!(entry, "ssl" | "tls" | "use_ssl" | "ssl_disabled") {
                        if let Some(problem) = option_problem(entry, &item.value, true) {
                            let range = item.key.as_ref().map_or(item.value.range(), |k| {
                                k.range().cover(item.value.range())
                            });
                            let message = setting_message(checker, range, problem);
                            report(checker, range, &message, false);
                        }
                    }
                }
            }
            continue;
        }
        // Specific option names are reported wherever they appear (see the dict branch), the
        // generic ones only here.
        if !matches!(key, "ssl" | "tls" | "use_ssl" | "ssl_disabled")
            && !matches!(
                key,
                "sslmode"
                    | "ssl_mode"
                    | "tlsInsecure"
                    | "tlsAllowInvalidCertificates"
                    | "tlsAllowInvalidHostnames"
                    | "ssl_match_hostname"
                    | "ssl_verify_cert"
                    | "ssl_verify_identity"
                    | "ssl_check_hostname"
                    | "ssl_cert_reqs"
            )
        {
            continue;
        }
        if let Some(problem) = option_problem(key, &keyword.value, true) {
            let local = call
                .arguments
                .args
                .first()
                .and_then(string_value)
                .and_then(uri_host)
                .is_some_and(is_local_host)
                || call
                    .arguments
                    .find_keyword("host")
                    .and_then(|host| string_value(&host.value))
                    .is_some_and(|host| uri_host(host).map_or(is_local_host(host), is_local_host));
            let message = setting_message(checker, keyword.range(), problem);
            report(checker, keyword.range(), &message, local);
        }
    }
}

/// `["cockroach", "start", "--insecure"]`: a CockroachDB node or client without TLS.
fn cockroach_arguments(checker: &mut Checker<'_>, elts: &[Expr]) {
    let Some(insecure) = elts
        .iter()
        .find(|elt| string_value(elt) == Some("--insecure"))
    else {
        return;
    };
    let is_cockroach = elts
        .iter()
        .filter_map(string_value)
        .any(|value| value.to_ascii_lowercase().contains("cockroach"));
    if is_cockroach {
        report(checker, insecure.range(), COCKROACH, false);
    }
}

/// The note of a documentation dict's record.
const DOCUMENTATION: &str = "documentation";

fn report(checker: &mut Checker<'_>, range: TextRange, problem: &str, local: bool) {
    if is_test_path(&checker.file.path) {
        return;
    }
    let documented = checker.facts.deferred.iter().any(|record| {
        record.rule == Rule::InsecureDatabaseTransport
            && &*record.note == DOCUMENTATION
            && record.range.contains_range(range)
    });
    if documented {
        return;
    }
    let mut message = problem.to_string();
    if local {
        message.push_str(" (the database is on this machine)");
    }
    let diagnostic = checker.report(Rule::InsecureDatabaseTransport, range, message);
    if local {
        diagnostic.severity = Severity::Low;
    }
    diagnostic.help = Some(HELP.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_strings() {
        assert!(connection_string_problem("postgresql://u@db/app?sslmode=disable").is_some());
        assert!(connection_string_problem("postgresql://u@db/app?sslmode=prefer").is_some());
        assert!(connection_string_problem("postgresql://u@db/app?sslmode=verify-full").is_none());
        assert!(connection_string_problem("host=db dbname=app sslmode=disable").is_some());
        assert!(connection_string_problem("mongodb://db/?tls=false").is_some());
        assert!(connection_string_problem("mongodb://db/?tls=true&tlsInsecure=true").is_some());
        assert!(connection_string_problem("mongodb://db/?ssl=true").is_none());
        assert!(connection_string_problem("https://example.com/?ssl=false").is_none());
        assert!(connection_string_problem("cockroach start --insecure").is_some());
        assert!(connection_string_problem("use --insecure to skip").is_none());
    }
}
