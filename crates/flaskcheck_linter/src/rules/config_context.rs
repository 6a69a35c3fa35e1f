//! What FC503, FC504 and FC505 share: where a setting lives (a test, a development config) and
//! reading literal values.

use std::path::{Component, Path};

use flaskcheck_python::ast::{self as ast, Expr};

use crate::analyze::Checker;
use crate::index::last_segment;

/// A file that only tests run: under a `tests`/`test` folder, or named `test_*.py`, `*_test.py`,
/// `*_tests.py` or `conftest.py`. Settings there are never deployed.
pub(crate) fn is_test_path(path: &Path) -> bool {
    let mut components = path.components().peekable();
    while let Some(component) = components.next() {
        let Component::Normal(name) = component else {
            continue;
        };
        let Some(name) = name.to_str() else { continue };
        if components.peek().is_some() {
            if matches!(
                name,
                "tests" | "test" | "testing" | "unittests" | "functional_tests"
            ) {
                return true;
            }
            continue;
        }
        let stem = name.strip_suffix(".py").unwrap_or(name);
        return stem == "conftest"
            || stem.starts_with("test_")
            || stem.ends_with("_test")
            || stem.ends_with("_tests");
    }
    false
}

/// A module that only tests import, by its dotted name (`app.tests.test_views`, `conftest`).
pub(crate) fn is_test_module(module: &str) -> bool {
    let mut segments = module.split('.').peekable();
    while let Some(segment) = segments.next() {
        if segments.peek().is_none() {
            return segment == "conftest"
                || segment.starts_with("test_")
                || segment.ends_with("_test")
                || segment.ends_with("_tests")
                || matches!(segment, "tests" | "test");
        }
        if matches!(segment, "tests" | "test" | "testing") {
            return true;
        }
    }
    false
}

/// Words of an identifier: `DevelopmentConfig` → `development`, `config`; `dev_settings` → `dev`,
/// `settings`.
fn words(name: &str) -> impl Iterator<Item = String> + '_ {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.into_iter()
}

/// A name that says development or testing: `DevelopmentConfig`, `TestingConfig`, `LocalConfig`,
/// `settings_dev`, `config.testing`.
pub(crate) fn is_development_name(name: &str) -> bool {
    words(name).any(|word| {
        matches!(
            word.as_str(),
            "dev"
                | "develop"
                | "development"
                | "local"
                | "test"
                | "tests"
                | "testing"
                | "unittest"
                | "debug"
        )
    })
}

/// Whether the node being checked is in a development or testing context: a class named like one
/// (`class DevelopmentConfig`), or a module named like one (`config/development.py`,
/// `settings_dev.py`).
pub(crate) fn in_development_context(checker: &Checker<'_>) -> Option<String> {
    if let Some(class) = checker.current_class() {
        let name = &checker.facts.classes[class as usize].name;
        if is_development_name(name) {
            return Some(format!("`{name}`"));
        }
    }
    let module = &checker.facts.module;
    let last = last_segment(module);
    is_development_name(last).then(|| format!("module `{module}`"))
}

/// The value of a string literal (plain or implicitly concatenated).
pub(crate) fn string_value(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(literal) => Some(literal.value.to_str()),
        _ => None,
    }
}

/// Whether `symbol` is in `package` (the package itself or anything under it).
pub(crate) fn symbol_in(symbol: &str, package: &str) -> bool {
    symbol
        .strip_prefix(package)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

pub(crate) fn is_true(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: true, .. })
    )
}

pub(crate) fn is_false(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: false, .. })
    )
}

/// A dict literal that documents something (`{"description": ..., "connection_string": ...}`,
/// `{"label": ..., "example": ...}`): its strings are text for people, not settings.
pub(crate) fn is_documentation_dict(dict: &ast::ExprDict) -> bool {
    dict.items.iter().any(|item| {
        item.key.as_ref().and_then(string_value).is_some_and(|key| {
            matches!(
                key,
                "description"
                    | "docs_url"
                    | "documentation"
                    | "doc"
                    | "example"
                    | "examples"
                    | "help"
                    | "help_text"
                    | "homepage_url"
                    | "placeholder"
                    | "label"
            )
        })
    })
}

/// A name for text shown to people: `sqlalchemy_uri_placeholder`, `EXAMPLE_URI`, `help_text`.
pub(crate) fn is_documentation_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "placeholder",
        "example",
        "description",
        "help",
        "docs",
        "hint",
        "sample",
        "template",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// A host that is this machine: traffic to it does not cross a network.
pub(crate) fn is_local_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host.is_empty()
}

/// The host of a URI (`scheme://user:pass@host:port/db?x`), or of a libpq keyword string
/// (`host=db dbname=x`). `None` when the text names no host.
pub(crate) fn uri_host(text: &str) -> Option<&str> {
    if let Some((_, rest)) = text.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit('@').next().unwrap_or(authority);
        let host = if let Some(stripped) = host_port.strip_prefix('[') {
            stripped.split(']').next().unwrap_or_default()
        } else {
            // Several hosts (`h1:27017,h2:27017`): the first says enough.
            let first = host_port.split(',').next().unwrap_or_default();
            first.split(':').next().unwrap_or_default()
        };
        return Some(host);
    }
    text.split_ascii_whitespace()
        .find_map(|pair| pair.strip_prefix("host="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths() {
        assert!(is_test_path(Path::new("app/tests/test_views.py")));
        assert!(is_test_path(Path::new("tests/conftest.py")));
        assert!(is_test_path(Path::new("app/test_config.py")));
        assert!(is_test_path(Path::new("app/config_test.py")));
        assert!(!is_test_path(Path::new("app/testing_utils.py")));
        assert!(!is_test_path(Path::new("testdata/rules/x/config.py")));
        assert!(!is_test_path(Path::new("app/contest.py")));
    }

    #[test]
    fn test_modules() {
        assert!(is_test_module("app.tests.test_views"));
        assert!(is_test_module("conftest"));
        assert!(is_test_module("test_app"));
        assert!(!is_test_module("app.testing_utils"));
        assert!(!is_test_module("app.config"));
    }

    #[test]
    fn development_names() {
        assert!(is_development_name("DevelopmentConfig"));
        assert!(is_development_name("DevConfig"));
        assert!(is_development_name("TestingConfig"));
        assert!(is_development_name("settings_dev"));
        assert!(is_development_name("LocalConfig"));
        assert!(!is_development_name("ProductionConfig"));
        assert!(!is_development_name("DeviceConfig"));
        assert!(!is_development_name("Config"));
        assert!(!is_development_name("LatestConfig"));
    }

    #[test]
    fn hosts() {
        assert_eq!(
            uri_host("postgresql://u:p@db.internal:5432/x"),
            Some("db.internal")
        );
        assert_eq!(
            uri_host("mongodb://localhost:27017/?tls=false"),
            Some("localhost")
        );
        assert_eq!(uri_host("mongodb://u:p@h1:1,h2:2/db"), Some("h1"));
        assert_eq!(uri_host("postgresql://[::1]:5432/x"), Some("::1"));
        assert_eq!(
            uri_host("host=db.example.com dbname=x sslmode=disable"),
            Some("db.example.com")
        );
        assert_eq!(uri_host("dbname=x sslmode=disable"), None);
        assert!(is_local_host("127.0.0.1"));
        assert!(is_local_host("localhost"));
        assert!(!is_local_host("db"));
    }
}
