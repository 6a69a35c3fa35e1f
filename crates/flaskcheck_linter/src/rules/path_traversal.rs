//! FC604 path-traversal: rules/FC604.md.
//!
//! The file pass records the paths of calls that open, send, save, delete, move or list files
//! (`open`, `send_file`, `os.remove`, `shutil.*`, a `pathlib` path's `read_text()`..., an
//! upload's `save(...)`), and the checks each function makes of a path (an allow-list, a path
//! made absolute and tested to be in a folder); the project pass reports paths the client's data
//! reaches unchecked. `os.path.join` is not a sink: the path it builds is followed to its use.

use flaskcheck_python::ast::{self as ast, Expr};
use flaskcheck_python::Ranged;

use super::flow::{self, Check};
use super::taint::{self, argument, Sink};
use super::RuleChecks;
use crate::analyze::term::{Term, TermId};
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
    safe_for: SafeFor::PATH,
    sanitizer: is_sanitizer,
    checks: &[Check::AllowList, Check::ContainedPath],
};

const HELP: &str = "take one file name from the client and make it harmless (`werkzeug.utils.secure_filename(name)`), or join it with `werkzeug.security.safe_join(folder, name)` / send it with `send_from_directory(folder, name)`; or resolve the path and check it is inside the folder";

/// Functions that act on a file by path, and the positions of their path arguments.
fn path_arguments(symbol: &str) -> Option<(&'static [(usize, &'static str)], &'static str)> {
    const FIRST: &[(usize, &str)] = &[(0, "path")];
    const FILE: &[(usize, &str)] = &[(0, "file")];
    const TWO: &[(usize, &str)] = &[(0, "src"), (1, "dst")];
    let name = last_segment(symbol);
    let package = symbol.split('.').next().unwrap_or(symbol);
    Some(match (package, name) {
        ("builtins" | "io" | "codecs", "open") => (FILE, "opened"),
        ("flask" | "werkzeug", "send_file") => (&[(0, "path_or_file")], "sent to the client"),
        // The folder only: `send_from_directory` checks the name it is given.
        ("flask" | "werkzeug", "send_from_directory") => {
            (&[(0, "directory")], "the folder files are sent from")
        }
        ("os", "open") => (FIRST, "opened"),
        ("os", "remove" | "unlink" | "rmdir" | "removedirs" | "truncate") => (FIRST, "deleted"),
        ("os", "listdir" | "scandir" | "walk") => (FIRST, "listed"),
        ("os", "makedirs" | "mkdir" | "chmod" | "chown" | "utime") => (FIRST, "changed"),
        ("os", "rename" | "replace" | "link" | "symlink") => (TWO, "moved"),
        ("shutil", "rmtree") => (FIRST, "deleted"),
        ("shutil", "copy" | "copy2" | "copyfile" | "copytree" | "move") => (TWO, "copied"),
        ("shutil", "unpack_archive") => (&[(0, "filename"), (1, "extract_dir")], "unpacked"),
        _ => return None,
    })
}

fn is_path_function(name: &str) -> bool {
    matches!(
        name,
        "open"
            | "send_file"
            | "send_from_directory"
            | "remove"
            | "unlink"
            | "rmdir"
            | "removedirs"
            | "truncate"
            | "listdir"
            | "scandir"
            | "walk"
            | "makedirs"
            | "mkdir"
            | "chmod"
            | "chown"
            | "utime"
            | "rename"
            | "replace"
            | "link"
            | "symlink"
            | "rmtree"
            | "copy"
            | "copy2"
            | "copyfile"
            | "copytree"
            | "move"
            | "unpack_archive"
    )
}

/// Methods of a `pathlib` path that read, write, delete or list what it names.
fn is_path_method(name: &str) -> Option<&'static str> {
    Some(match name {
        "read_text" | "read_bytes" | "open" => "opened",
        "write_text" | "write_bytes" | "touch" | "mkdir" | "chmod" => "written",
        "unlink" | "rmdir" => "deleted",
        "iterdir" | "glob" | "rglob" => "listed",
        "rename" | "replace" | "symlink_to" | "hardlink_to" => "moved",
        _ => return None,
    })
}

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Some(call) = flow::call_or_record_guards(checker, Rule::PathTraversal, node) else {
        return;
    };
    if let Expr::Attribute(attr) = &*call.func {
        let name = attr.attr.id.as_str();
        // `upload.save(os.path.join(folder, upload.filename))`: the path an upload is saved to.
        if name == "save" && is_upload_expr(&attr.value) {
            let receiver = checker.term(&attr.value);
            if is_request_file(checker, receiver, 6) {
                if let Some(path) = argument(call, 0, "dst") {
                    record(checker, call, &[path], "an upload is saved to");
                }
            }
            return;
        }
        if let Some(what) = is_path_method(name).filter(|_| is_path_expr(&attr.value)) {
            let receiver = checker.term(&attr.value);
            if checker.is_path_term(receiver, 4) {
                let text = format!("`{name}()` of a path: the path is {what}");
                checker.defer(Rule::PathTraversal, call.range(), vec![receiver], text);
            }
            return;
        }
    }
    let Some(symbol) = taint::called(
        checker,
        call,
        is_path_function,
        &["os", "io", "codecs", "shutil", "flask", "werkzeug"],
    ) else {
        return;
    };
    let Some((arguments, what)) = path_arguments(&symbol) else {
        return;
    };
    let paths: Vec<&Expr> = arguments
        .iter()
        .filter_map(|&(position, name)| argument(call, position, name))
        .collect();
    let note = format!("`{}()`: the path is {what}", last_segment(&symbol));
    record(checker, call, &paths, &note);
}

fn record(checker: &mut Checker<'_>, call: &ast::ExprCall, paths: &[&Expr], note: &str) {
    let terms: Vec<TermId> = paths
        .iter()
        .map(|path| checker.term(path))
        .filter(|term| term.is_interesting())
        .collect();
    if !terms.is_empty() {
        checker.defer(Rule::PathTraversal, call.range(), terms, note);
    }
}

/// An expression that may hold an upload: `upload`, `request.files["f"]`,
/// `request.files.get("f")`.
fn is_upload_expr(expr: &Expr) -> bool {
    match expr {
        Expr::Subscript(subscript) => taint::is_dotted_name(&subscript.value),
        Expr::Call(call) => taint::is_dotted_name(&call.func),
        other => taint::is_dotted_name(other),
    }
}

/// An expression that may hold a `pathlib` path: a name, `Path(...)`, `folder / name`,
/// `path.resolve()`, and those in parentheses.
fn is_path_expr(mut expr: &Expr) -> bool {
    // A loop, not recursion: a chain of method calls is as long as the file makes it.
    loop {
        match expr {
            Expr::BinOp(binop) => return binop.op == ast::Operator::Div,
            Expr::Call(call) => match &*call.func {
                Expr::Attribute(attr) => expr = &attr.value,
                func => return taint::is_dotted_name(func),
            },
            other => return taint::is_dotted_name(other),
        }
    }
}

/// Whether a term is an uploaded file: `request.files["f"]`, `request.files.get("f")`, one of
/// `request.files.getlist("f")`.
fn is_request_file(checker: &Checker<'_>, term: TermId, depth: u32) -> bool {
    if depth == 0 {
        return false;
    }
    let terms = checker.terms();
    match terms.get(term) {
        Term::Global(symbol) => symbol.starts_with("flask.request.files"),
        Term::Subscript(inner, _) | Term::Element(inner) => {
            is_request_file(checker, *inner, depth - 1)
        }
        Term::Call(call) => match terms.get(call.callee) {
            Term::Attr(inner, _) => is_request_file(checker, *inner, depth - 1),
            Term::Global(symbol) => symbol.starts_with("flask.request.files"),
            _ => false,
        },
        Term::Union(items) => items
            .iter()
            .any(|&item| is_request_file(checker, item, depth - 1)),
        _ => false,
    }
}

fn is_sanitizer(name: &str) -> bool {
    taint::is_value_call(name)
        || matches!(
            name,
            "secure_filename" | "safe_join" | "basename" | "BytesIO" | "StringIO"
        )
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    for (record, found) in taint::sinks_reached(ctx, &SINK) {
        // A `<name>` URL variable holds no `/`: `..` reaches the parent folder only.
        let one_segment = found
            .param
            .is_some_and(|(view, index)| !ctx.index.param_may_hold_slashes(view, index));
        let source = taint::source_text(&found.taint);
        let message = if one_segment {
            format!("{source} is in a file path: {}; a URL variable holds no `/`, but `..` names the parent folder (and `..\\` climbs further on Windows) (medium: path traversal)", record.note)
        } else {
            format!("{source} is in a file path: {}; `../` or an absolute path reaches any file the server can access (path traversal)", record.note)
        };
        let diagnostic = taint::report_sink(ctx, record, &found, message, HELP);
        if one_segment {
            diagnostic.severity = Severity::Medium;
        }
    }
}
