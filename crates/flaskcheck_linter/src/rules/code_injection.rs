//! FC607 code-injection: rules/FC607.md.
//!
//! The file pass records the code argument of `eval`, `exec`, `compile`, `execfile` and the
//! module name of `importlib.import_module`/`__import__`, and the allow-list checks of each
//! function; the project pass reports those the client's data reaches (`taint::sinks_reached`).

use flaskcheck_python::Ranged;

use super::flow::{self, Check};
use super::taint::{self, argument, Sink};
use super::RuleChecks;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::index::{last_segment, SafeFor};
use crate::registry::Rule;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(check),
    ast_kinds: NodeKinds::CALL.with(NodeKinds::IF).with(NodeKinds::ASSERT),
    project: Some(project),
};

/// What makes a value safe for this rule's sinks.
const SINK: Sink = Sink {
    safe_for: SafeFor::NONE,
    sanitizer: taint::is_value_call,
    checks: &[Check::AllowList],
};

const HELP: &str = "do not run code or import modules named by the client: map its choice to functions or modules through a fixed dict, or parse data with `ast.literal_eval`/`json.loads`";

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Some(call) = flow::call_or_record_guards(checker, Rule::CodeInjection, node) else {
        return;
    };
    let Some(symbol) = taint::called(
        checker,
        call,
        |name| {
            matches!(
                name,
                "eval" | "exec" | "compile" | "execfile" | "import_module" | "__import__"
            )
        },
        &["importlib", "builtins"],
    ) else {
        return;
    };
    let name = last_segment(&symbol);
    let (argument_name, what) = match name {
        "import_module" if &*symbol == "importlib.import_module" => ("name", "imported"),
        "import_module" => return,
        "__import__" => ("name", "imported"),
        _ => ("source", "run as Python code"),
    };
    // A builtin the walker does not list is named after the module that calls it; a function the
    // module defines itself under that name is not the builtin.
    let module_prefix = symbol.strip_suffix(name).and_then(|p| p.strip_suffix('.'));
    let is_builtin = &*symbol == "importlib.import_module"
        || module_prefix == Some("builtins")
        || (module_prefix == Some(&*checker.facts.module)
            && !checker
                .facts
                .functions
                .iter()
                .any(|f| f.name.as_str() == name && f.parent.is_none() && f.class.is_none()));
    if !is_builtin {
        return;
    }
    let Some(code) = argument(call, 0, argument_name) else {
        return;
    };
    let term = checker.term(code);
    if term.is_interesting() {
        checker.defer(
            Rule::CodeInjection,
            call.range(),
            vec![term],
            format!("{name} {what}"),
        );
    }
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    for (record, found) in taint::sinks_reached(ctx, &SINK) {
        let (name, what) = record.note.split_once(' ').unwrap_or((&record.note, ""));
        let message = format!(
            "{} is {what} by `{name}()`: code injection",
            taint::source_text(&found.taint)
        );
        taint::report_sink(ctx, record, &found, message, HELP);
    }
}
