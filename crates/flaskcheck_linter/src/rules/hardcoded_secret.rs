//! FC504 hardcoded-secret: rules/FC504.md.
//!
//! A file-pass rule: assignments, keyword arguments and dict entries whose name says secret
//! (`SECRET_KEY`, `app.secret_key`, `JWT_SECRET_KEY`, `*_API_KEY`, `*_TOKEN`, `*_PASSWORD`, ...)
//! and whose value is a string literal, or falls back to one (`os.getenv("X", "dev")`,
//! `os.environ.get("X") or "dev"`); connection URIs with an inline password; a literal key passed
//! to `jwt.encode`/`jwt.decode`. Values read from the environment, empty strings, `None` and
//! templates (`<password>`, `${DB_PASSWORD}`, `%s`) are not secrets. Test files are skipped;
//! development and testing configs report low.

use std::borrow::Cow;

use flaskcheck_python::ast::{self as ast, BoolOp, Expr, Stmt};
use flaskcheck_python::TextRange;

use super::config_context::{
    in_development_context, is_documentation_dict, is_documentation_name, is_local_host,
    is_test_path, string_value, symbol_in, uri_host,
};
use super::RuleChecks;
use crate::analyze::term::Term;
use crate::analyze::{Checker, Depth, Node, NodeKinds};
use crate::diagnostic::Severity;
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::ASSIGN
        .with(NodeKinds::ANN_ASSIGN)
        .with(NodeKinds::CALL)
        .with(NodeKinds::DICT),
    project: None,
};

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    match node {
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                assignment(checker, target, &assign.value);
            }
        }
        Node::Stmt(Stmt::AnnAssign(assign)) => {
            if let Some(value) = &assign.value {
                assignment(checker, &assign.target, value);
            }
        }
        Node::Expr(Expr::Call(call)) => self::call(checker, call),
        Node::Expr(Expr::Dict(dict)) => {
            if is_documentation_dict(dict) {
                return;
            }
            for item in &dict.items {
                let Some(key) = &item.key else { continue };
                match string_value(key) {
                    Some(name) => {
                        if let Some(kind) = secret_name(name, false) {
                            secret_value(checker, name, kind, &item.value, false);
                        } else {
                            uri_value(checker, &item.value, None);
                        }
                    }
                    None => uri_value(checker, &item.value, None),
                }
            }
        }
        _ => {}
    }
}

/// How a name says it holds a secret.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SecretName {
    /// A name that always holds a secret (`SECRET_KEY`): any literal is one.
    Specific,
    /// A name that usually holds a secret (`MAIL_PASSWORD`, `STRIPE_API_KEY`): a literal that
    /// names something instead (`ACCESS_TOKEN = "access_token"`, `DB_PASSWORD = "PI_DB_PASSWORD"`)
    /// is not one.
    Generic,
}

/// Whether `name` holds a secret. Lower-case names (local variables, attributes, keywords) match
/// only a short list (`secret_key`, `api_key`, ...); `lowercase_generic` also lets `password`
/// through, for the keywords of database connection calls.
fn secret_name(name: &str, lowercase_generic: bool) -> Option<SecretName> {
    const SPECIFIC: &[&str] = &[
        "SECRET_KEY",
        "JWT_SECRET_KEY",
        "WTF_CSRF_SECRET_KEY",
        "SECURITY_PASSWORD_SALT",
        "SECURITY_TOTP_SECRETS",
        "SESSION_SECRET",
        "COOKIE_SECRET",
    ];
    if SPECIFIC.contains(&name) || name == "secret_key" || name == "jwt_secret_key" {
        return Some(SecretName::Specific);
    }
    let is_upper = name
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && name.bytes().any(|b| b.is_ascii_uppercase());
    if is_upper {
        const EXACT: &[&str] = &["API_KEY", "APIKEY", "TOKEN", "PASSWORD", "PASSWD", "SECRET"];
        const SUFFIXES: &[&str] = &[
            "_SECRET_KEY",
            "_SECRET",
            "_API_KEY",
            "_APIKEY",
            "_API_TOKEN",
            "_AUTH_TOKEN",
            "_ACCESS_TOKEN",
            "_TOKEN",
            "_PASSWORD",
            "_PASSWD",
            "_PRIVATE_KEY",
            "_SECRET_ACCESS_KEY",
        ];
        if EXACT.contains(&name) || SUFFIXES.iter().any(|suffix| name.ends_with(suffix)) {
            return Some(SecretName::Generic);
        }
        return None;
    }
    match name {
        "api_key"
        | "apikey"
        | "client_secret"
        | "auth_token"
        | "api_token"
        | "jwt_secret"
        | "secret_access_key"
        | "aws_secret_access_key" => Some(SecretName::Generic),
        "password" | "passwd" if lowercase_generic => Some(SecretName::Generic),
        _ => None,
    }
}

fn assignment(checker: &mut Checker<'_>, target: &Expr, value: &Expr) {
    let name = match target {
        Expr::Name(name) => name.id.as_str(),
        // `app.secret_key = "..."`, `stripe.api_key = "..."`
        Expr::Attribute(attr) => attr.attr.id.as_str(),
        // `app.config["SECRET_KEY"] = "..."`, `os.environ["API_TOKEN"] = "..."`
        Expr::Subscript(subscript) => match string_value(&subscript.slice) {
            Some(key) => key,
            None => return,
        },
        Expr::Tuple(_) | Expr::List(_) => return,
        _ => return,
    };
    match secret_name(name, false) {
        Some(kind) => {
            // A field default of a pydantic `BaseSettings` class: the environment overrides it.
            let default = matches!(target, Expr::Name(_)) && in_settings_class(checker);
            secret_value(checker, name, kind, value, default);
        }
        None => uri_value(checker, value, Some(name)),
    }
}

/// Keyword names whose string is documentation, not a value the program uses.
fn is_documentation_keyword(name: &str) -> bool {
    matches!(
        name,
        "help"
            | "description"
            | "doc"
            | "example"
            | "examples"
            | "metavar"
            | "placeholder"
            | "default_text"
            | "label"
            | "title"
            | "msg"
            | "message"
    )
}

/// Calls that open a connection from a URI or from credentials.
fn is_connection_call(name: &str) -> bool {
    matches!(
        name,
        "create_engine"
            | "create_async_engine"
            | "MongoClient"
            | "AsyncIOMotorClient"
            | "AsyncMongoClient"
            | "MotorClient"
            | "connect"
            | "create_pool"
            | "from_url"
            | "Redis"
            | "StrictRedis"
            | "Celery"
            | "URLParameters"
            | "register_connection"
    )
}

fn call(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let callee = match &*call.func {
        Expr::Attribute(attr) => attr.attr.id.as_str(),
        Expr::Name(name) => name.id.as_str(),
        _ => "",
    };
    let connection = is_connection_call(callee);
    if matches!(callee, "encode" | "decode") {
        jwt_key(checker, call);
    }
    if callee == "setdefault" {
        environ_default(checker, call);
    }
    if connection {
        for arg in call.arguments.args.iter().take(1) {
            uri_value(checker, arg, None);
        }
    }
    for keyword in &call.arguments.keywords {
        let Some(name) = &keyword.arg else { continue };
        let name = name.id.as_str();
        if is_documentation_keyword(name) || name == "default" {
            continue;
        }
        match secret_name(name, connection) {
            Some(kind) => secret_value(checker, name, kind, &keyword.value, false),
            None => uri_value(checker, &keyword.value, None),
        }
    }
}

/// Whether the class being walked is a pydantic `BaseSettings` (its fields are read from the
/// environment first).
fn in_settings_class(checker: &Checker<'_>) -> bool {
    let Some(class) = checker.current_class() else {
        return false;
    };
    let terms = checker.terms();
    checker.facts.classes[class as usize].bases.iter().any(
        |&base| matches!(terms.get(base), Term::Global(symbol) if symbol.ends_with("BaseSettings")),
    )
}

/// `os.environ.setdefault("SECRET_KEY", "dev")`: a fallback for an unset variable.
fn environ_default(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let [key, value] = &*call.arguments.args else {
        return;
    };
    let Some(name) = string_value(key) else {
        return;
    };
    let Some(kind) = secret_name(name, false) else {
        return;
    };
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    let is_environ = checker
        .qualified_name(&attr.value)
        .is_some_and(|symbol| &*symbol == "os.environ");
    if is_environ {
        secret_value(checker, name, kind, value, true);
    }
}

/// `jwt.encode(payload, "secret", ...)`, `jwt.decode(token, "secret", ...)`.
fn jwt_key(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let Some(key) = call.arguments.find_argument_value("key", 1) else {
        return;
    };
    if !matches!(key, Expr::StringLiteral(_) | Expr::BytesLiteral(_)) {
        return;
    }
    let Some(symbol) = checker.qualified_name(&call.func) else {
        return;
    };
    if !(symbol_in(&symbol, "jwt") || symbol_in(&symbol, "jose")) {
        return;
    }
    let Some(found) = literal(key) else { return };
    if is_placeholder(&found.text) {
        return;
    }
    let what = &symbol[symbol.rfind('.').map_or(0, |i| i + 1)..];
    report(
        checker,
        found.range,
        Severity::High,
        format!(
            "`jwt.{what}()` is given a hardcoded key: anyone who reads the code can forge tokens"
        ),
    );
}

/// A literal found in a value, and whether it is only the fallback of an environment lookup.
struct Found<'a> {
    range: TextRange,
    text: Cow<'a, str>,
    fallback: bool,
}

fn literal(expr: &Expr) -> Option<Found<'_>> {
    match expr {
        Expr::StringLiteral(literal) => Some(Found {
            range: literal.range,
            text: Cow::Borrowed(literal.value.to_str()),
            fallback: false,
        }),
        Expr::BytesLiteral(literal) => {
            let bytes: Vec<u8> = literal.value.bytes().collect();
            Some(Found {
                range: literal.range,
                text: Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
                fallback: false,
            })
        }
        _ => None,
    }
}

/// The literal a value is or falls back to: `"x"`, `os.getenv("X", "x")`,
/// `os.environ.get("X") or "x"`, `"x" if DEBUG else os.environ["X"]`.
fn literal_in(expr: &Expr, depth: Depth) -> Option<Found<'_>> {
    let depth = depth.deeper()?;
    match expr {
        Expr::StringLiteral(_) | Expr::BytesLiteral(_) => literal(expr),
        Expr::Call(call) => {
            let name = match &*call.func {
                Expr::Attribute(attr) => attr.attr.id.as_str(),
                Expr::Name(name) => name.id.as_str(),
                _ => return None,
            };
            if !matches!(name, "getenv" | "get" | "setdefault" | "environ_get") {
                return None;
            }
            let default = call.arguments.find_argument_value("default", 1)?;
            let mut found = literal(default)?;
            found.fallback = true;
            Some(found)
        }
        Expr::BoolOp(boolop) if boolop.op == BoolOp::Or => {
            let last = boolop.values.last()?;
            let mut found = literal(last)?;
            found.fallback = true;
            Some(found)
        }
        Expr::If(ifexp) => {
            let mut found =
                literal_in(&ifexp.body, depth).or_else(|| literal_in(&ifexp.orelse, depth))?;
            found.fallback = true;
            Some(found)
        }
        _ => None,
    }
}

/// A value that cannot be a working secret: empty, a template to fill in (`<password>`,
/// `{password}`, `${DB_PASSWORD}`, `%s`), or masked (`***`, `xxx`).
fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() {
        return true;
    }
    if (value.starts_with('<') && value.ends_with('>'))
        || (value.starts_with('{') && value.ends_with('}'))
        || (value.starts_with('[') && value.ends_with(']'))
        || value.starts_with("${")
        || value.starts_with("%(")
        || value == "%s"
    {
        return true;
    }
    value.chars().all(|c| matches!(c, '*' | '.' | '-' | '_'))
        || value.chars().all(|c| c == 'x' || c == 'X')
        || matches!(
            value.to_ascii_lowercase().as_str(),
            "none" | "null" | "todo" | "tbd" | "fixme" | "redacted"
        )
}

/// Normalized for comparing names: lower case letters and digits only.
fn normalize(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A literal that names the secret instead of being it: the setting's own name
/// (`ACCESS_TOKEN = "access_token"`, a header `CSRF_TOKEN = "X-CSRF-Token"`) or the name of the
/// environment variable that holds it (`DB_PASSWORD = "PI_DB_PASSWORD"`).
fn names_the_secret(name: &str, value: &str) -> bool {
    let is_env_name = value.contains('_')
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    // A sentence describes the setting (`"client_secret": "Azure AD application secret"`).
    let is_prose = value.split_ascii_whitespace().count() >= 3;
    if is_env_name || is_prose {
        return true;
    }
    let name = normalize(name);
    let value = normalize(value);
    value.contains(&name) || (value.len() >= 4 && name.contains(&value))
}

/// Reports the literal `value` holds or falls back to, if it is a secret; `default` when the
/// whole value is itself only a default (`os.environ.setdefault`, a `BaseSettings` field).
fn secret_value(
    checker: &mut Checker<'_>,
    name: &str,
    kind: SecretName,
    value: &Expr,
    default: bool,
) {
    let Some(mut found) = literal_in(value, Depth::MAX) else {
        return;
    };
    found.fallback |= default;
    if is_placeholder(&found.text) {
        return;
    }
    if found.text == name || (kind == SecretName::Generic && names_the_secret(name, &found.text)) {
        return;
    }
    let severity = if found.fallback {
        Severity::Medium
    } else {
        Severity::High
    };
    let consequence = match name {
        "SECRET_KEY" | "secret_key" => {
            ": anyone who reads the code can sign session cookies and log in as any user"
        }
        "JWT_SECRET_KEY" | "jwt_secret_key" => {
            ": anyone who reads the code can sign tokens for any user"
        }
        "SECURITY_PASSWORD_SALT" => ": Flask-Security uses it as the HMAC key of password hashes",
        _ => "",
    };
    let message = if found.fallback {
        format!("`{name}` falls back to a hardcoded value when the environment does not set it{consequence}")
    } else {
        format!("`{name}` is hardcoded{consequence}")
    };
    report(checker, found.range, severity, message);
}

/// A connection URI with an inline password, assigned to `name` if it is assigned. A name for
/// text shown to people (`sqlalchemy_uri_placeholder`) holds an example.
fn uri_value(checker: &mut Checker<'_>, value: &Expr, name: Option<&str>) {
    let Some(found) = literal_in(value, Depth::MAX) else {
        return;
    };
    // `scheme://user:password@host`: most strings have no `@`.
    if memchr::memchr(b'@', found.text.as_bytes()).is_none() {
        return;
    }
    let Some(password) = uri_password(&found.text) else {
        return;
    };
    if is_placeholder(password)
        || is_template_password(password)
        || name.is_some_and(is_documentation_name)
    {
        return;
    }
    let local = uri_host(&found.text).is_some_and(is_local_host);
    let severity = match (local, found.fallback) {
        (true, _) => Severity::Low,
        (false, true) => Severity::Medium,
        (false, false) => Severity::High,
    };
    let scheme = found.text.split("://").next().unwrap_or_default();
    let mut message = format!("`{scheme}://` connection URI with a hardcoded password");
    if found.fallback {
        message.push_str(", used when the environment does not set one");
    }
    if local {
        message.push_str(" (for a database on this machine)");
    }
    report(checker, found.range, severity, message);
}

/// The passwords documentation writes into example URIs (`user:password@host`), and values
/// filled in at run time (`{password}`, `%(password)s`).
fn is_template_password(password: &str) -> bool {
    password.contains('{')
        || password.contains('%')
        || matches!(
            normalize(password).as_str(),
            "password"
                | "pass"
                | "passwd"
                | "pwd"
                | "pw"
                | "mypassword"
                | "yourpassword"
                | "dbpassword"
                | "secret"
        )
}

/// Schemes of database and message-broker URIs (before any `+driver`).
const URI_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "pgsql",
    "mysql",
    "mariadb",
    "mssql",
    "sqlserver",
    "oracle",
    "mongodb",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "cockroachdb",
    "clickhouse",
    "snowflake",
    "redshift",
    "db2",
    "ibm_db_sa",
    "firebird",
    "sybase",
    "vertica",
    "trino",
    "presto",
    "hive",
    "hana",
    "teradatasql",
    "exa",
    "crate",
    "couchbase",
    "neo4j",
    "bolt",
    "elasticsearch",
    "sqla",
];

/// The password of `scheme://user:password@host/...`.
fn uri_password(text: &str) -> Option<&str> {
    let (scheme, rest) = text.split_once("://")?;
    let base = scheme
        .split('+')
        .next()
        .unwrap_or(scheme)
        .to_ascii_lowercase();
    if !URI_SCHEMES.contains(&base.as_str()) {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then_some(password)
}

fn report(checker: &mut Checker<'_>, range: TextRange, severity: Severity, mut message: String) {
    if is_test_path(&checker.file.path) {
        return;
    }
    let severity = match in_development_context(checker) {
        Some(context) => {
            message.push_str(&format!(" (in {context}, a development or testing config)"));
            Severity::Low
        }
        None => severity,
    };
    let diagnostic = checker.report(Rule::HardcodedSecret, range, message);
    diagnostic.severity = severity;
    diagnostic.help = Some(
        "read it from the environment or a secret store (`os.environ[\"SECRET_KEY\"]`, failing when it is unset), and rotate the value that was committed".into(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        assert!(secret_name("SECRET_KEY", false) == Some(SecretName::Specific));
        assert!(secret_name("secret_key", false) == Some(SecretName::Specific));
        assert!(secret_name("MAIL_PASSWORD", false) == Some(SecretName::Generic));
        assert!(secret_name("STRIPE_API_KEY", false) == Some(SecretName::Generic));
        assert!(secret_name("GITHUB_TOKEN", false) == Some(SecretName::Generic));
        assert!(secret_name("JWT_ACCESS_TOKEN_EXPIRES", false).is_none());
        assert!(secret_name("API_SECURITY_PASSWORD_KEY", false).is_none());
        assert!(secret_name("password", false).is_none());
        assert!(secret_name("password", true).is_some());
        assert!(secret_name("SECRET_KEY_FILE", false).is_none());
    }

    #[test]
    fn names_are_not_secrets() {
        assert!(names_the_secret("ACCESS_TOKEN", "access_token"));
        assert!(names_the_secret("CSRF_TOKEN", "X-CSRF-Token"));
        assert!(names_the_secret("DB_PASSWORD", "PI_DB_PASSWORD"));
        assert!(names_the_secret(
            "DASHBOARD_PERMALINK_SALT",
            "dashboard_permalink_salt"
        ));
        assert!(!names_the_secret("SMTP_PASSWORD", "superset"));
        assert!(!names_the_secret("STRIPE_API_KEY", "sk_live_51H8x"));
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder(""));
        assert!(is_placeholder("<your-secret>"));
        assert!(is_placeholder("${SECRET_KEY}"));
        assert!(is_placeholder("****"));
        assert!(is_placeholder("xxxx"));
        assert!(!is_placeholder("changeme"));
        assert!(!is_placeholder("dev"));
    }

    #[test]
    fn uri_passwords() {
        assert_eq!(
            uri_password("postgresql://app:s3cret@db/app"),
            Some("s3cret")
        );
        assert_eq!(
            uri_password("postgresql+psycopg2://app:pw@db:5432/app"),
            Some("pw")
        );
        assert_eq!(
            uri_password("mongodb://root:example@mongo:27017/"),
            Some("example")
        );
        assert_eq!(
            uri_password("redis://:hunter2@cache:6379/0"),
            Some("hunter2")
        );
        assert_eq!(uri_password("postgresql://app@db/app"), None);
        assert_eq!(uri_password("sqlite:///app.db"), None);
        assert_eq!(uri_password("https://user:pw@example.com"), None);
    }
}
