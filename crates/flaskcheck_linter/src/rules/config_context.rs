//! What the settings rules (FC503–FC509) share: where a setting lives (a test, a development
//! config, a config class or module that `app.config.from_object(...)` loads) and reading literal
//! values.

use std::path::{Component, Path};

use flaskcheck_python::ast::{self as ast, Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange};

use crate::analyze::facts::Deferred;
use crate::analyze::term::Term;
use crate::analyze::{Checker, Node};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::index::{last_segment, ClassId, Kind, Origin};
use crate::registry::Rule;
use crate::source::FileId;

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

/// The note of an `app.config.from_object(x)` record: the argument's term, or its string after
/// `load:`.
const LOAD: &str = "load";

/// The note of a setting written in a module body (`setting`) or in the body of the class with
/// this local id (`setting:3`).
const SETTING: &str = "setting";

/// Records `app.config.from_object(x)` for `rule`'s project check, which reads the settings of
/// what it loads (see [`loaded_settings`]).
pub(crate) fn record_config_load(checker: &mut Checker<'_>, rule: Rule, call: &ast::ExprCall) {
    let Some(arg) = call.arguments.args.first() else {
        return;
    };
    let note = match arg {
        Expr::StringLiteral(literal) => format!("{LOAD}:{}", literal.value.to_str()),
        Expr::Name(name) if name.id.as_str() == "__name__" => {
            format!("{LOAD}:{}", checker.facts.module)
        }
        _ => LOAD.to_string(),
    };
    let term = checker.term(arg);
    checker.defer(rule, call.range(), vec![term], note);
}

/// Records `NAME = value` written in a module or class body (where configuration constants are
/// defined), which matters if some `from_object(...)` loads it: decided once every load is known.
pub(crate) fn record_config_setting(
    checker: &mut Checker<'_>,
    rule: Rule,
    target: &ast::ExprName,
    value: &Expr,
) {
    record_setting_with(checker, rule, target, value, "");
}

/// [`record_config_setting`] with what is wrong with the setting (see [`LoadedSetting::detail`]).
fn record_setting_with(
    checker: &mut Checker<'_>,
    rule: Rule,
    target: &ast::ExprName,
    value: &Expr,
    detail: &str,
) {
    if !checker.in_definition_scope() {
        return;
    }
    let mut note = match checker.current_class() {
        Some(class) => format!("{SETTING}:{class}"),
        None => SETTING.to_string(),
    };
    if !detail.is_empty() {
        note.push(' ');
        note.push_str(detail);
    }
    checker.defer(rule, target.range().cover(value.range()), Vec::new(), note);
}

/// A setting of this file that the app loads.
pub(crate) struct LoadedSetting<'d> {
    /// The assignment.
    pub range: TextRange,
    /// What the rule recorded about it (empty when nothing).
    pub detail: &'d str,
    /// The class loaded (which may inherit the setting), or `None` for this module.
    pub loaded: Option<String>,
    /// The `from_object(...)` call that loads it.
    pub origin: Origin,
    /// Whether a load that is not of a development or testing config reaches it (`origin` is one
    /// such load, when there is one).
    pub production: bool,
}

/// The settings among `records` (the running rule's records of this file) that some
/// `from_object(...)` in the project loads, once each, in the order of their position: through
/// base classes (the nearest class that sets the name decides), dotted strings and
/// `{"dev": DevConfig}[name]` tables. Loads written in test modules do not count.
pub(crate) fn loaded_settings<'d>(
    ctx: &mut ProjectContext<'_, '_, '_>,
    records: &[&'d Deferred],
) -> Vec<LoadedSetting<'d>> {
    let settings: Vec<(Option<u32>, TextRange)> = records
        .iter()
        .filter_map(|record| {
            let (scope, _) = setting_note(&record.note)?;
            Some((scope, record.range))
        })
        .collect();
    if settings.is_empty() {
        return Vec::new();
    }
    let file = ctx.file_id();
    let source = ctx.file.text();
    // (setting range, the class loaded or `None` for the module, where it is loaded)
    let mut found: Vec<(TextRange, Option<String>, Origin)> = Vec::new();
    for (load_file, load) in loads(ctx) {
        let origin = Origin {
            file: load_file,
            range: load.range,
        };
        for target in load_targets(ctx, load_file, load) {
            match target {
                Target::Module(module) if module == file => {
                    for (class, range) in &settings {
                        if class.is_none() {
                            found.push((*range, None, origin));
                        }
                    }
                }
                Target::Class(class) => {
                    for (setting_class, range) in &settings {
                        let Some(setting_class) = setting_class else {
                            continue;
                        };
                        let name = setting_name(source, *range);
                        // The nearest class in the lineage that sets the name decides.
                        let definer = ctx
                            .index
                            .lineage(class)
                            .find(|&id| sets_attribute(ctx, id, name));
                        if definer == Some(ctx.index.class_id(file, *setting_class)) {
                            found.push((
                                *range,
                                Some(ctx.index.class(class).name.to_string()),
                                origin,
                            ));
                        }
                    }
                }
                Target::Module(_) => {}
            }
        }
    }
    // One per setting: a load of a production config first.
    found.sort_by_key(|(range, _, _)| range.start());
    let mut out = Vec::new();
    let mut index = 0;
    while index < found.len() {
        let range = found[index].0;
        let group: Vec<_> = found[index..]
            .iter()
            .take_while(|(r, _, _)| *r == range)
            .cloned()
            .collect();
        index += group.len();
        let production = group.iter().find(|(_, loaded, _)| {
            loaded
                .as_deref()
                .is_none_or(|loaded| !is_development_name(loaded))
        });
        let (_, loaded, origin) = production.unwrap_or(&group[0]).clone();
        let detail = records
            .iter()
            .find(|record| record.range == range)
            .and_then(|record| setting_note(&record.note))
            .map_or("", |(_, detail)| detail);
        out.push(LoadedSetting {
            range,
            detail,
            loaded,
            origin,
            production: production.is_some(),
        });
    }
    out
}

/// The class (local id) a setting record's note names, if any, and its detail: `setting`,
/// `setting:3`, `setting:3 high ...`.
fn setting_note(note: &str) -> Option<(Option<u32>, &str)> {
    let rest = note.strip_prefix(SETTING)?;
    let (scope, detail) = rest.split_once(' ').unwrap_or((rest, ""));
    let class = match scope {
        "" => None,
        scope => Some(scope.strip_prefix(':')?.parse().ok()?),
    };
    Some((class, detail))
}

/// The name a setting record assigns: the first word of its text (`DEBUG` of `DEBUG = True`).
fn setting_name(source: &str, range: TextRange) -> &str {
    let text = source
        .get(range.start().to_usize()..range.end().to_usize())
        .unwrap_or_default();
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Whether a class body assigns `name` (`DEBUG = ...` or `DEBUG: bool = ...`).
fn sets_attribute(ctx: &ProjectContext<'_, '_, '_>, class: ClassId, name: &str) -> bool {
    let facts = ctx.index.class(class);
    facts
        .attributes
        .iter()
        .any(|(attribute, _, _)| attribute.as_str() == name)
        || facts
            .columns
            .iter()
            .any(|column| column.name.as_str() == name)
}

/// Every `from_object(...)` call in the project the running rule recorded.
fn loads<'a>(ctx: &ProjectContext<'_, '_, 'a>) -> Vec<(FileId, &'a Deferred)> {
    let rule = ctx.rule();
    let mut out = Vec::new();
    for index in 0..ctx.index.file_count() {
        let file = FileId(index as u32);
        let Some(facts) = ctx.index.facts(file) else {
            continue;
        };
        // A config that only tests load is not deployed.
        if is_test_module(&facts.module) {
            continue;
        }
        for record in &facts.deferred {
            if record.rule == rule && (&*record.note == LOAD || record.note.starts_with("load:")) {
                out.push((file, record));
            }
        }
    }
    out
}

enum Target {
    Class(ClassId),
    Module(FileId),
}

/// What a `from_object` argument may be: a class, a module, a dotted string naming either, or one
/// of the classes of a `{"dev": DevConfig, ...}` table indexed by name.
fn load_targets(
    ctx: &mut ProjectContext<'_, '_, '_>,
    file: FileId,
    load: &Deferred,
) -> Vec<Target> {
    let mut out = Vec::new();
    if let Some(path) = load.note.strip_prefix("load:") {
        if let Some(class) = ctx.index.class_by_qualname(path) {
            out.push(Target::Class(class));
        } else if let Some(module) = ctx.index.module(path) {
            out.push(Target::Module(module));
        } else if let Some((module, class)) = path.rsplit_once('.') {
            // A path relative to a folder the run does not treat as a package root.
            let simple = ctx.index.classes_named(class).to_vec();
            for id in simple {
                if ctx
                    .index
                    .class(id)
                    .qualname
                    .ends_with(&format!("{module}.{class}"))
                {
                    out.push(Target::Class(id));
                }
            }
        }
        return out;
    }
    let Some(&term) = load.terms.first() else {
        return out;
    };
    let Some(facts) = ctx.index.facts(file) else {
        return out;
    };
    // `config[name]`, `config.get(name)`: any class of the table.
    let term = match facts.terms.get(term) {
        Term::Subscript(inner, _) => *inner,
        Term::Call(call) => match facts.terms.get(call.callee) {
            Term::Attr(inner, name) if name.as_str() == "get" => *inner,
            _ => term,
        },
        _ => term,
    };
    for fact in ctx.evaluator.eval(file, term).iter() {
        match fact.kind {
            Kind::Class(class) => out.push(Target::Class(class)),
            Kind::Module(module) => out.push(Target::Module(module)),
            _ => {}
        }
    }
    out
}

/// `X.config` or a name `config`.
pub(crate) fn is_config(expr: &Expr) -> bool {
    match expr {
        Expr::Attribute(attr) => attr.attr.id.as_str() == "config",
        Expr::Name(name) => name.id.as_str() == "config",
        _ => false,
    }
}

/// The entries of `config.update(NAME=value)`, `config.from_mapping({"NAME": value})` and
/// `config.update(dict(NAME=value))`: each name, its value, and the range of the entry. Keywords
/// come first, then the arguments in order.
pub(crate) fn mapping_entries(call: &ast::ExprCall) -> Vec<(&str, &Expr, TextRange)> {
    let mut out = Vec::new();
    collect_entries(call, &mut out, 4);
    out
}

fn collect_entries<'e>(
    call: &'e ast::ExprCall,
    out: &mut Vec<(&'e str, &'e Expr, TextRange)>,
    depth: u32,
) {
    if depth == 0 {
        return;
    }
    for keyword in &call.arguments.keywords {
        if let Some(name) = &keyword.arg {
            out.push((name.id.as_str(), &keyword.value, keyword.range()));
        }
    }
    for arg in &call.arguments.args {
        match arg {
            Expr::Dict(dict) => {
                for item in &dict.items {
                    if let Some(key) = &item.key {
                        if let Some(name) = string_value(key) {
                            out.push((name, &item.value, key.range().cover(item.value.range())));
                        }
                    }
                }
            }
            Expr::Call(inner) if matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "dict") =>
            {
                collect_entries(inner, out, depth - 1);
            }
            _ => {}
        }
    }
}

/// What a settings rule makes of one setting it knows: `None` when the value is safe, else how
/// much it matters and what is wrong, starting with the setting (`` `WTF_CSRF_ENABLED = False`
/// turns off CSRF protection ``).
pub(crate) type Judge = fn(name: &str, value: &Expr) -> Option<(Severity, String)>;

/// The file pass of a settings rule: `app.config["NAME"] = value` and
/// `app.config.update(NAME=value)` (or `from_mapping`, with a dict or `dict(...)`) are reported
/// here; `NAME = value` in a module or class body is recorded for [`report_loaded_settings`],
/// with the `from_object(...)` calls that may load it. Settings in test files are not reported.
pub(crate) fn check_settings(checker: &mut Checker<'_>, rule: Rule, node: Node<'_>, judge: Judge) {
    match node {
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                setting(checker, rule, target, &assign.value, judge);
            }
        }
        Node::Stmt(Stmt::AnnAssign(assign)) => {
            if let Some(value) = &assign.value {
                setting(checker, rule, &assign.target, value, judge);
            }
        }
        Node::Expr(Expr::Call(call)) => {
            let Expr::Attribute(attr) = &*call.func else {
                return;
            };
            match attr.attr.id.as_str() {
                "update" | "from_mapping" if is_config(&attr.value) => {
                    for (name, value, range) in mapping_entries(call) {
                        if let Some((severity, detail)) = judge(name, value) {
                            report_in_app_config(checker, rule, range, severity, &detail);
                        }
                    }
                }
                // A config that only tests load is not deployed (see `loads`).
                "from_object" => record_config_load(checker, rule, call),
                _ => {}
            }
        }
        _ => {}
    }
}

fn setting(checker: &mut Checker<'_>, rule: Rule, target: &Expr, value: &Expr, judge: Judge) {
    // Settings are named in capitals: most assignments are not settings.
    let is_setting_name = |name: &str| name.as_bytes().first().is_some_and(u8::is_ascii_uppercase);
    match target {
        Expr::Name(name) if !is_setting_name(name.id.as_str()) => {}
        Expr::Name(name) => {
            if let Some((severity, detail)) = judge(name.id.as_str(), value) {
                if !is_test_path(&checker.file.path) {
                    let detail = format!("{severity} {detail}");
                    record_setting_with(checker, rule, name, value, &detail);
                }
            }
        }
        Expr::Subscript(subscript) if is_config(&subscript.value) => {
            let Some(key) = string_value(&subscript.slice) else {
                return;
            };
            if let Some((severity, detail)) = judge(key, value) {
                let range = target.range().cover(value.range());
                report_in_app_config(checker, rule, range, severity, &detail);
            }
        }
        _ => {}
    }
}

fn report_in_app_config(
    checker: &mut Checker<'_>,
    rule: Rule,
    range: TextRange,
    severity: Severity,
    detail: &str,
) {
    if is_test_path(&checker.file.path) {
        return;
    }
    let help = rule.doc().section("Use instead").map(first_sentence);
    let diagnostic = checker.report(rule, range, format!("{detail}, in the application config"));
    diagnostic.severity = severity;
    diagnostic.help = help;
}

/// The project pass of a settings rule: the recorded settings some `from_object(...)` loads in a
/// config that is not only for development or tests (settings there are expected), each with the
/// load as a related location.
pub(crate) fn report_loaded_settings(ctx: &mut ProjectContext<'_, '_, '_>) {
    let records = ctx.deferred();
    if records.is_empty() || is_test_path(&ctx.file.path) {
        return;
    }
    let help = ctx.rule().doc().section("Use instead").map(first_sentence);
    for setting in loaded_settings(ctx, &records) {
        let Some((severity, detail)) = setting.detail.split_once(' ') else {
            continue;
        };
        if !setting.production {
            continue;
        }
        let where_loaded = ctx.describe(setting.origin);
        let message = match &setting.loaded {
            None => {
                format!("{detail}, in a config module that `from_object` loads (at {where_loaded})")
            }
            Some(loaded) => format!(
                "{detail}, in config `{loaded}`, which `from_object` loads (at {where_loaded})"
            ),
        };
        let related = ctx.related(setting.origin, "the config is loaded here");
        let diagnostic = ctx.report(setting.range, message);
        diagnostic.severity = severity.parse().unwrap_or(diagnostic.severity);
        diagnostic.help = help.clone();
        diagnostic.related.push(related);
    }
}

/// The first sentence of a document section, for a finding's help.
fn first_sentence(section: &str) -> String {
    let text = section.split("```").next().unwrap_or(section);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.find(". ") {
        Some(end) => text[..=end].trim().to_string(),
        None => text.trim().trim_end_matches(':').to_string(),
    }
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
