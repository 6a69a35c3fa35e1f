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
    is_config, is_test_path, is_true, loaded_settings, mapping_entries, record_config_load,
    record_config_setting, string_value, symbol_in,
};
use super::RuleChecks;
use crate::analyze::facts::Deferred;
use crate::analyze::term::TermId;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
use crate::index::last_segment;
use crate::index::{ClassId, Kind};
use crate::registry::Rule;

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
        Expr::Name(name) if name.id.as_str() == "DEBUG" && is_true(value) => {
            record_config_setting(checker, Rule::DebugEnabled, name, value);
        }
        _ => {}
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
            if let Some(range) = debug_true_in_mapping(call) {
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
        "from_object" => record_config_load(checker, Rule::DebugEnabled, call),
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
fn debug_true_in_mapping(call: &ast::ExprCall) -> Option<TextRange> {
    mapping_entries(call)
        .into_iter()
        .find(|&(name, value, _)| name == "DEBUG" && is_true(value))
        .map(|(_, _, range)| range)
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
    for setting in loaded_settings(ctx, records) {
        let where_loaded = ctx.describe(setting.origin);
        let message = match &setting.loaded {
            None => format!(
                "`DEBUG = True` in a config module that `from_object` loads (at {where_loaded})"
            ),
            Some(loaded) => format!(
                "`DEBUG = True` in config `{loaded}`, which `from_object` loads (at {where_loaded})"
            ),
        };
        let related = ctx.related(setting.origin, "the config is loaded here");
        let diagnostic = ctx.report(setting.range, message);
        diagnostic.help = Some(HELP.into());
        diagnostic.related.push(related);
        if !setting.production {
            diagnostic.severity = Severity::Low;
            diagnostic
                .message
                .push_str(" (a development or testing config)");
        }
    }
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
