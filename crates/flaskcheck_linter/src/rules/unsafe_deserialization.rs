//! FC608 unsafe-deserialization: rules/FC608.md.
//!
//! The file pass records the data given to deserializers that can build any object (`pickle`,
//! `dill`, `marshal`, `jsonpickle`, `shelve`, `pandas.read_pickle`, `joblib.load`, and YAML loaded
//! with a loader that is not a safe one). The project pass reports the client's data in them
//! (high), and YAML loaded without a safe loader from any other value (medium: the loader is the
//! bug, wherever the text comes from).

use flaskcheck_python::ast::{self as ast, Expr};
use flaskcheck_python::Ranged;

use super::config_context::is_test_path;
use super::flow::{self, Check};
use super::taint::{self, argument, Sink};
use super::RuleChecks;
use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;
use crate::diagnostic::Severity;
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

const HELP: &str = "accept a data format that cannot build objects (`json.loads`, `yaml.safe_load`, a schema), or sign what you send out and verify it before loading (`itsdangerous`)";

/// The note of a YAML load without a safe loader: reported on any value.
const YAML: &str = "yaml";

fn is_loader_function(name: &str) -> bool {
    matches!(
        name,
        "loads"
            | "load"
            | "Unpickler"
            | "decode"
            | "open"
            | "read_pickle"
            | "load_all"
            | "unsafe_load"
            | "unsafe_load_all"
    )
}

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Some(call) = flow::call_or_record_guards(checker, Rule::UnsafeDeserialization, node) else {
        return;
    };
    let Some(symbol) = taint::called(
        checker,
        call,
        is_loader_function,
        &[
            "pickle",
            "cPickle",
            "_pickle",
            "dill",
            "cloudpickle",
            "marshal",
            "joblib",
            "pandas",
            "jsonpickle",
            "shelve",
            "yaml",
        ],
    ) else {
        return;
    };
    let name = last_segment(&symbol);
    let package = symbol.split('.').next().unwrap_or(&symbol);
    let (data, kind) = match (package, name) {
        (
            "pickle" | "cPickle" | "_pickle" | "dill" | "cloudpickle" | "marshal",
            "loads" | "load" | "Unpickler",
        )
        | ("joblib", "load")
        | ("pandas", "read_pickle") => (
            argument(call, 0, "file").or_else(|| argument(call, 0, "data")),
            "sink",
        ),
        ("jsonpickle", "decode") => (argument(call, 0, "string"), "sink"),
        ("shelve", "open") => (argument(call, 0, "filename"), "sink"),
        ("yaml", "unsafe_load" | "unsafe_load_all") => (argument(call, 0, "stream"), YAML),
        ("yaml", "load" | "load_all") if !has_safe_loader(call) => {
            (argument(call, 0, "stream"), YAML)
        }
        _ => return,
    };
    let Some(data) = data else { return };
    let term = checker.term(data);
    let note = format!("{kind} `{symbol}()`");
    // A YAML load is reported whatever it reads, so a constant is recorded too.
    if term.is_interesting() || kind == YAML {
        checker.defer(Rule::UnsafeDeserialization, call.range(), vec![term], note);
    }
}

/// `Loader=yaml.SafeLoader` (or `CSafeLoader`, `BaseLoader`, `FullLoader`), by keyword or as the
/// second argument; a loader named by a variable counts as safe, since flaskcheck cannot tell.
fn has_safe_loader(call: &ast::ExprCall) -> bool {
    let Some(loader) = argument(call, 1, "Loader") else {
        return false;
    };
    let name = match loader {
        Expr::Attribute(attr) => attr.attr.id.as_str(),
        Expr::Name(name) => name.id.as_str(),
        _ => return true,
    };
    !matches!(
        name,
        "Loader" | "UnsafeLoader" | "CLoader" | "CUnsafeLoader"
    )
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let reached = taint::sinks_reached(ctx, &SINK);
    let mut reported = Vec::new();
    for (record, found) in reached {
        reported.push(record.range);
        let sink = record.note.split_once(' ').map_or("", |(_, sink)| sink);
        let message = format!(
            "{} is deserialized by {sink}, which can build any object and run code: unsafe deserialization",
            taint::source_text(&found.taint)
        );
        taint::report_sink(ctx, record, &found, message, HELP);
    }
    if is_test_path(&ctx.file.path) {
        return;
    }
    for record in ctx.deferred() {
        let Some(sink) = record.note.strip_prefix(YAML).map(str::trim_start) else {
            continue;
        };
        if reported.contains(&record.range) {
            continue;
        }
        let message = format!("{sink} loads YAML without a safe loader, which can build any Python object (medium: the text is not request data here, but wherever it comes from, `yaml.safe_load` is the safe call)");
        let diagnostic = ctx.report(record.range, message);
        diagnostic.severity = Severity::Medium;
        diagnostic.help = Some(HELP.into());
    }
}
