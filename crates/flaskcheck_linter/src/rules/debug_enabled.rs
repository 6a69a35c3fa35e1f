//! FC503 debug-enabled: rules/FC503.md.
//!
//! Settings that only say one thing (`app.config["DEBUG"] = True`, `config.update(DEBUG=True)`,
//! `os.environ["FLASK_DEBUG"] = "1"`, Werkzeug's debugger) are reported in the file pass.
//! `X.run(debug=True)` and `X.debug = True` need to know that `X` is an application, and
//! `DEBUG = True` in a config module or class matters only if `app.config.from_object(...)` loads
//! it (across files, through base classes and `{"dev": DevConfig}[name]` tables): those are
//! recorded and decided in the project pass.

use flaskcheck_python::ast::{self as ast, CmpOp, Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange};

use super::config_context::{
    is_development_name, is_test_module, is_test_path, is_true, string_value, symbol_in,
};
use super::RuleChecks;
use crate::analyze::facts::Deferred;
use crate::analyze::term::{Term, TermId};
use crate::analyze::{Checker, Depth, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::index::last_segment;
use crate::index::{ClassId, Kind};
use crate::registry::Rule;
use crate::source::FileId;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::IF
        .with(NodeKinds::ASSIGN)
        .with(NodeKinds::ANN_ASSIGN)
        .with(NodeKinds::CALL),
    project: Some(project),
};

// Notes of the records left for the project pass.
/// An `if __name__ == "__main__":` block (its range).
const MAIN: &str = "main";
/// `X.run(debug=True)`; the receiver's term and text follow.
const RUN: &str = "run";
/// `X.debug = True`.
const ATTRIBUTE: &str = "attr";
/// `app.config.from_object(x)`: the argument's term, or its string after `load:`.
const LOAD: &str = "load";
/// `DEBUG = True` at module level (`debug`) or in the class with this local id (`debug:3`).
const DEBUG: &str = "debug";

const HELP: &str = "read the setting from the environment (`app.config.from_prefixed_env()`, `debug=os.environ.get(\"FLASK_DEBUG\") == \"1\"`) and leave it off in production; run the development server with `flask run --debug` only on your machine";

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    match node {
        Node::Stmt(Stmt::If(stmt)) if is_main_guard(&stmt.test) => {
            checker.defer(Rule::DebugEnabled, stmt.range, Vec::new(), MAIN);
        }
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
        _ => {}
    }
}

/// `__name__ == "__main__"` (either way round).
fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    if compare.ops.len() != 1 || compare.ops[0] != CmpOp::Eq {
        return false;
    }
    let (left, right) = (&*compare.left, &compare.comparators[0]);
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| string_value(e) == Some("__main__");
    (is_name(left) && is_main(right)) || (is_main(left) && is_name(right))
}

/// Whether `range` is inside an `if __name__ == "__main__":` block seen so far.
fn in_main_block(deferred: &[Deferred], range: TextRange) -> bool {
    deferred.iter().any(|record| {
        record.rule == Rule::DebugEnabled
            && &*record.note == MAIN
            && record.range.contains_range(range)
    })
}

/// A value that turns `FLASK_DEBUG` on.
fn is_truthy_env(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on" | "t" | "y"
    )
}

fn assignment(checker: &mut Checker<'_>, target: &Expr, value: &Expr) {
    match target {
        // `app.debug = True`
        Expr::Attribute(attr) if attr.attr.id.as_str() == "debug" && is_true(value) => {
            let receiver = checker.term(&attr.value);
            let text = checker.source(attr.value.range()).to_string();
            checker.defer(
                Rule::DebugEnabled,
                target.range(),
                vec![receiver],
                format!("{ATTRIBUTE} {text}"),
            );
        }
        Expr::Subscript(subscript) => {
            let Some(key) = string_value(&subscript.slice) else {
                return;
            };
            match key {
                // `app.config["DEBUG"] = True`
                "DEBUG" if is_true(value) && is_config(&subscript.value) => report(
                    checker,
                    target.range().cover(value.range()),
                    "`DEBUG` is set to `True` in the application config",
                ),
                // `os.environ["FLASK_DEBUG"] = "1"`
                "FLASK_DEBUG" | "FLASK_ENV"
                    if is_debug_env(key, value) && is_environ(checker, &subscript.value) =>
                {
                    report_env(checker, key, target.range().cover(value.range()));
                }
                _ => {}
            }
        }
        // `DEBUG = True` in a config module or class: decided once `from_object` calls are known.
        Expr::Name(name)
            if name.id.as_str() == "DEBUG" && is_true(value) && checker.in_definition_scope() =>
        {
            let note = match checker.current_class() {
                Some(class) => format!("{DEBUG}:{class}"),
                None => DEBUG.to_string(),
            };
            checker.defer(
                Rule::DebugEnabled,
                target.range().cover(value.range()),
                Vec::new(),
                note,
            );
        }
        _ => {}
    }
}

/// `X.config` or a name `config`.
fn is_config(expr: &Expr) -> bool {
    match expr {
        Expr::Attribute(attr) => attr.attr.id.as_str() == "config",
        Expr::Name(name) => name.id.as_str() == "config",
        _ => false,
    }
}

fn is_environ(checker: &mut Checker<'_>, expr: &Expr) -> bool {
    matches!(expr, Expr::Attribute(_) | Expr::Name(_))
        && checker
            .qualified_name(expr)
            .is_some_and(|symbol| &*symbol == "os.environ")
}

fn is_debug_env(key: &str, value: &Expr) -> bool {
    let Some(value) = string_value(value) else {
        return false;
    };
    match key {
        "FLASK_DEBUG" => is_truthy_env(value),
        "FLASK_ENV" => value.eq_ignore_ascii_case("development"),
        _ => false,
    }
}

fn report(checker: &mut Checker<'_>, range: TextRange, message: &str) {
    if is_test_path(&checker.file.path) {
        return;
    }
    let in_main = in_main_block(&checker.facts.deferred, range);
    let diagnostic = checker.report(Rule::DebugEnabled, range, message);
    diagnostic.help = Some(HELP.into());
    if in_main {
        diagnostic.severity = Severity::Medium;
    }
}

fn report_env(checker: &mut Checker<'_>, key: &str, range: TextRange) {
    let message = if key == "FLASK_ENV" {
        "`FLASK_ENV` is set to `development` in code, which turns on debug mode (Flask < 2.3)"
    } else {
        "`FLASK_DEBUG` is turned on in code: the app runs in debug mode"
    };
    report(checker, range, message);
}

fn call(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        if let Expr::Name(name) = &*call.func {
            if matches!(name.id.as_str(), "run_simple" | "DebuggedApplication") {
                werkzeug_debugger(checker, call);
            }
        }
        return;
    };
    match attr.attr.id.as_str() {
        // `app.run(debug=True)`, `socketio.run(app, debug=True)`, Dash's `run_server`.
        "run" | "run_server" => {
            let Some(keyword) = call.arguments.find_keyword("debug") else {
                return;
            };
            if !is_true(&keyword.value) {
                return;
            }
            let receiver = checker.term(&attr.value);
            let text = checker.source(attr.value.range()).to_string();
            checker.defer(
                Rule::DebugEnabled,
                keyword.range(),
                vec![receiver],
                format!("{RUN} {text}"),
            );
        }
        // `app.config.update(DEBUG=True)`, `app.config.from_mapping({"DEBUG": True})`
        "update" | "from_mapping" if is_config(&attr.value) => {
            if let Some(range) = debug_true_in_mapping(call, Depth::MAX) {
                report(
                    checker,
                    range,
                    "`DEBUG` is set to `True` in the application config",
                );
            }
        }
        // `os.environ.update(FLASK_DEBUG="1")`, `os.environ.setdefault("FLASK_DEBUG", "1")`
        "update" | "setdefault" | "putenv" => {
            let environ_call = match attr.attr.id.as_str() {
                "putenv" => checker
                    .qualified_name(&call.func)
                    .is_some_and(|symbol| &*symbol == "os.putenv"),
                _ => is_environ(checker, &attr.value),
            };
            if !environ_call {
                return;
            }
            for keyword in &call.arguments.keywords {
                if let Some(name) = &keyword.arg {
                    if is_debug_env(name.id.as_str(), &keyword.value) {
                        report_env(checker, name.id.as_str(), keyword.range());
                    }
                }
            }
            if let [key, value, ..] = &*call.arguments.args {
                if let Some(name) = string_value(key) {
                    if is_debug_env(name, value) {
                        report_env(checker, name, call.range());
                    }
                }
            }
        }
        "from_object" => {
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
            checker.defer(Rule::DebugEnabled, call.range(), vec![term], note);
        }
        "run_simple" | "DebuggedApplication" => werkzeug_debugger(checker, call),
        _ => {}
    }
}

/// `run_simple(..., use_debugger=True)` and `DebuggedApplication(app, evalex=True)`: Werkzeug's
/// interactive debugger, which runs Python sent from the browser.
fn werkzeug_debugger(checker: &mut Checker<'_>, call: &ast::ExprCall) {
    let Some(symbol) = checker.qualified_name(&call.func) else {
        return;
    };
    if !symbol_in(&symbol, "werkzeug") {
        return;
    }
    let keyword = if symbol.ends_with("run_simple") {
        "use_debugger"
    } else {
        "evalex"
    };
    let Some(keyword) = call.arguments.find_keyword(keyword) else {
        return;
    };
    if is_true(&keyword.value) {
        report(
            checker,
            keyword.range(),
            "Werkzeug's interactive debugger is turned on: anyone who can trigger an error can run Python on the server",
        );
    }
}

/// The `DEBUG=True` keyword or `"DEBUG": True` entry of `update(...)`/`from_mapping(...)`.
fn debug_true_in_mapping(call: &ast::ExprCall, depth: Depth) -> Option<TextRange> {
    let depth = depth.deeper()?;
    for keyword in &call.arguments.keywords {
        if keyword
            .arg
            .as_ref()
            .is_some_and(|name| name.id.as_str() == "DEBUG")
            && is_true(&keyword.value)
        {
            return Some(keyword.range());
        }
    }
    for arg in &call.arguments.args {
        match arg {
            Expr::Dict(dict) => {
                for item in &dict.items {
                    if let Some(key) = &item.key {
                        if string_value(key) == Some("DEBUG") && is_true(&item.value) {
                            return Some(key.range().cover(item.value.range()));
                        }
                    }
                }
            }
            // `update(dict(DEBUG=True, ...))`
            Expr::Call(inner) if matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "dict") => {
                if let Some(range) = debug_true_in_mapping(inner, depth) {
                    return Some(range);
                }
            }
            _ => {}
        }
    }
    None
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let records: Vec<&Deferred> = ctx.deferred();
    if records.is_empty() || is_test_path(&ctx.file.path) {
        return;
    }
    let in_main = |range: TextRange| {
        records
            .iter()
            .any(|record| &*record.note == MAIN && record.range.contains_range(range))
    };
    for record in &records {
        let (kind, text) = record.note.split_once(' ').unwrap_or((&record.note, ""));
        if kind != RUN && kind != ATTRIBUTE {
            continue;
        }
        let Some(&receiver) = record.terms.first() else {
            continue;
        };
        if !is_application(ctx, receiver, text) {
            continue;
        }
        let message = if kind == RUN {
            format!("`{text}` runs with `debug=True`: the Werkzeug debugger lets anyone who triggers an error run Python on the server")
        } else {
            format!("`{text}.debug = True` turns on debug mode: the Werkzeug debugger lets anyone who triggers an error run Python on the server")
        };
        let main = in_main(record.range);
        let diagnostic = ctx.report(record.range, message);
        diagnostic.help = Some(HELP.into());
        if main {
            diagnostic.severity = Severity::Medium;
            diagnostic.message.push_str(" (under `if __name__ == \"__main__\":`, so only when the module is run as a script)");
        }
    }
    config_debug(ctx, &records);
}

/// Whether the receiver of `.run(debug=True)`/`.debug = True` is a Flask application (or a
/// wrapper that runs one: Flask-SocketIO, Dash, Connexion). An object of another library
/// (`asyncio.run(main(), debug=True)`) is not; an object flaskcheck cannot resolve counts when
/// it is named like an application.
fn is_application(ctx: &mut ProjectContext<'_, '_, '_>, receiver: TermId, text: &str) -> bool {
    let value = ctx.evaluator.eval(ctx.file_id(), receiver);
    let mut other = false;
    for fact in value.iter() {
        match &fact.kind {
            Kind::ExternalInstance(symbol) | Kind::External(symbol) => {
                if APP_PACKAGES
                    .iter()
                    .any(|package| symbol_in(symbol, package))
                {
                    return true;
                }
                other = true;
            }
            Kind::Instance(class) | Kind::Class(class) => {
                if subclasses_app(ctx, *class) {
                    return true;
                }
                other = true;
            }
            Kind::Module(_) | Kind::Const | Kind::Function(_) => other = true,
            _ => {}
        }
    }
    !other && is_app_name(text)
}

const APP_PACKAGES: &[&str] = &[
    "flask",
    "flask_socketio",
    "dash",
    "connexion",
    "apiflask",
    "flask_openapi3",
    "quart",
];

fn subclasses_app(ctx: &ProjectContext<'_, '_, '_>, class: ClassId) -> bool {
    ctx.index.lineage(class).any(|id| {
        let file = ctx.index.class_file(id);
        ctx.index.class(id).bases.iter().any(|&base| {
            ctx.index
                .term_mentions(file, base, &["Flask", "APIFlask", "Dash"])
        })
    })
}

/// `app`, `application`, `flask_app`, `self.app`, `socketio`.
fn is_app_name(text: &str) -> bool {
    let last = last_segment(text).to_ascii_lowercase();
    last == "app"
        || last == "application"
        || last.ends_with("_app")
        || last.starts_with("app_")
        || last == "socketio"
        || last == "sio"
        || last == "server"
}

/// `DEBUG = True` records of this file that some `from_object(...)` in the project loads.
fn config_debug(ctx: &mut ProjectContext<'_, '_, '_>, records: &[&Deferred]) {
    let settings: Vec<(Option<u32>, TextRange)> = records
        .iter()
        .filter_map(|record| {
            let note = &*record.note;
            if note == DEBUG {
                Some((None, record.range))
            } else {
                let class = note.strip_prefix(DEBUG)?.strip_prefix(':')?;
                Some((Some(class.parse().ok()?), record.range))
            }
        })
        .collect();
    if settings.is_empty() {
        return;
    }
    let file = ctx.file_id();
    // (setting range, the class or module loaded, where it is loaded)
    let mut found: Vec<(TextRange, String, crate::index::Origin)> = Vec::new();
    for (load_file, load) in loads(ctx) {
        let origin = crate::index::Origin {
            file: load_file,
            range: load.range,
        };
        for target in load_targets(ctx, load_file, load) {
            match target {
                Target::Module(module) if module == file => {
                    for (class, range) in &settings {
                        if class.is_none() {
                            found.push((*range, "this module".into(), origin));
                        }
                    }
                }
                Target::Class(class) => {
                    // The nearest class in the lineage that sets `DEBUG` decides.
                    let Some(definer) = ctx
                        .index
                        .lineage(class)
                        .find(|&id| sets_attribute(ctx, id, "DEBUG"))
                    else {
                        continue;
                    };
                    if ctx.index.class_file(definer) != file {
                        continue;
                    }
                    for (setting_class, range) in &settings {
                        let Some(setting_class) = setting_class else {
                            continue;
                        };
                        if ctx.index.class_id(file, *setting_class) == definer {
                            found.push((*range, ctx.index.class(class).name.to_string(), origin));
                        }
                    }
                }
                Target::Module(_) => {}
            }
        }
    }
    // One finding per setting: the most severe of the loads that reach it.
    found.sort_by_key(|(range, _, _)| range.start());
    let mut index = 0;
    while index < found.len() {
        let range = found[index].0;
        let group: Vec<_> = found[index..]
            .iter()
            .take_while(|(r, _, _)| *r == range)
            .cloned()
            .collect();
        index += group.len();
        let production = group
            .iter()
            .find(|(_, loaded, _)| !is_development_name(loaded));
        let (loaded, origin) = match production {
            Some((_, loaded, origin)) => (loaded.clone(), *origin),
            None => (group[0].1.clone(), group[0].2),
        };
        let where_loaded = ctx.describe(origin);
        let message = if loaded == "this module" {
            format!(
                "`DEBUG = True` in a config module that `from_object` loads (at {where_loaded})"
            )
        } else {
            format!("`DEBUG = True` in config `{loaded}`, which `from_object` loads (at {where_loaded})")
        };
        let related = ctx.related(origin, "the config is loaded here");
        let diagnostic = ctx.report(range, message);
        diagnostic.help = Some(HELP.into());
        diagnostic.related.push(related);
        if production.is_none() {
            diagnostic.severity = Severity::Low;
            diagnostic
                .message
                .push_str(" (a development or testing config)");
        }
    }
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

/// Every `from_object(...)` call in the project.
fn loads<'a>(ctx: &ProjectContext<'_, '_, 'a>) -> Vec<(FileId, &'a Deferred)> {
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
            if record.rule == Rule::DebugEnabled
                && (&*record.note == LOAD || record.note.starts_with("load:"))
            {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_names() {
        assert!(is_app_name("app"));
        assert!(is_app_name("self.app"));
        assert!(is_app_name("flask_app"));
        assert!(is_app_name("socketio"));
        assert!(!is_app_name("asyncio"));
        assert!(!is_app_name("runner"));
    }
}
