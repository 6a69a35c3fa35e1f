//! FC606 command-injection: rules/FC606.md.
//!
//! The file pass records what commands are made of: the shell text of `os.system`, `os.popen`,
//! `subprocess.getoutput` and `subprocess.*(..., shell=True)`; the program and the arguments of
//! calls that run a program without a shell (`subprocess.run([...])`, `os.exec*`,
//! `asyncio.create_subprocess_exec`, `pty.spawn`). The project pass reports the client's data in
//! the shell text or the program (high), or in an argument (medium: argument injection).

use flaskcheck_python::ast::{self as ast, Expr};
use flaskcheck_python::Ranged;

use super::config_context::is_true;
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
    safe_for: SafeFor::SHELL,
    sanitizer: is_sanitizer,
    checks: &[Check::AllowList],
};

const HELP: &str = "pass the command as a list without a shell (`subprocess.run([\"convert\", path], check=True)`), quote what goes into shell text with `shlex.quote`, and put `--` before arguments the client chooses";

// Notes of the records: what part of a command the terms are, then the call.
/// Text a shell parses.
const SHELL: &str = "shell";
/// The program run without a shell.
const PROGRAM: &str = "program";
/// Arguments of a program run without a shell.
const ARGUMENTS: &str = "arguments";

fn is_command_function(name: &str) -> bool {
    matches!(
        name,
        "system"
            | "popen"
            | "getoutput"
            | "getstatusoutput"
            | "run"
            | "call"
            | "check_call"
            | "check_output"
            | "Popen"
            | "create_subprocess_shell"
            | "create_subprocess_exec"
            | "spawn"
    ) || name.starts_with("exec")
        || name.starts_with("spawn")
}

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Some(call) = flow::call_or_record_guards(checker, Rule::CommandInjection, node) else {
        return;
    };
    let Some(symbol) = taint::called(
        checker,
        call,
        is_command_function,
        &["os", "subprocess", "commands", "asyncio", "pty"],
    ) else {
        return;
    };
    let name = last_segment(&symbol);
    let package = symbol.split('.').next().unwrap_or(&symbol);
    let sink = format!("`{symbol}()`");
    match (package, name) {
        ("os", "system" | "popen")
        | ("subprocess" | "commands", "getoutput" | "getstatusoutput")
        | ("asyncio", "create_subprocess_shell") => {
            if let Some(command) = argument(call, 0, "cmd").or_else(|| argument(call, 0, "command"))
            {
                record(checker, call, SHELL, &sink, vec![command]);
            }
        }
        ("subprocess", "run" | "call" | "check_call" | "check_output" | "Popen") => {
            let Some(args) = argument(call, 0, "args") else {
                return;
            };
            let shell = call
                .arguments
                .find_keyword("shell")
                .is_some_and(|keyword| is_true(&keyword.value));
            if shell {
                record(checker, call, SHELL, &sink, vec![args]);
            } else {
                argv(checker, call, &sink, args);
            }
        }
        ("pty", "spawn") => {
            if let Some(args) = argument(call, 0, "argv") {
                argv(checker, call, &sink, args);
            }
        }
        ("asyncio", "create_subprocess_exec") => {
            program_and_arguments(checker, call, &sink, 0);
        }
        ("os", _) if name.starts_with("exec") => program_and_arguments(checker, call, &sink, 0),
        ("os", _) if name.starts_with("spawn") => program_and_arguments(checker, call, &sink, 1),
        _ => {}
    }
}

/// `args` of a call that runs a program without a shell: a literal list is the program and its
/// arguments; a list grown by `append` holds arguments; anything else (a string, `shlex.split(...)`)
/// names the program.
fn argv(checker: &mut Checker<'_>, call: &ast::ExprCall, sink: &str, args: &Expr) {
    let term = checker.term(args);
    let terms = checker.terms();
    let (program, arguments): (Vec<TermId>, Vec<TermId>) = match terms.get(term) {
        Term::Sequence(items) => (
            items.first().copied().into_iter().collect(),
            items.iter().skip(1).copied().collect(),
        ),
        Term::Container(items) => (Vec::new(), items.to_vec()),
        Term::Collect(item) => (Vec::new(), vec![*item]),
        Term::Union(items) => {
            // `cmd = ["git", "log"]; cmd.append(ref)`: what was appended.
            let appended: Vec<TermId> = items
                .iter()
                .filter_map(|&item| match terms.get(item) {
                    Term::Collect(element) => Some(*element),
                    _ => None,
                })
                .collect();
            if appended.len() == items.len() {
                (Vec::new(), appended)
            } else {
                (vec![term], Vec::new())
            }
        }
        _ => (vec![term], Vec::new()),
    };
    defer(checker, call, PROGRAM, sink, program);
    defer(checker, call, ARGUMENTS, sink, arguments);
}

/// `os.execv(path, args)`, `os.spawnl(mode, path, arg, ...)`,
/// `asyncio.create_subprocess_exec(program, *args)`: the program at `position`, its arguments
/// after it.
fn program_and_arguments(
    checker: &mut Checker<'_>,
    call: &ast::ExprCall,
    sink: &str,
    position: usize,
) {
    let args = &call.arguments.args;
    if let Some(program) = args.get(position) {
        record(checker, call, PROGRAM, sink, vec![program]);
    }
    let rest: Vec<&Expr> = args.iter().skip(position + 1).collect();
    record(checker, call, ARGUMENTS, sink, rest);
}

fn record(
    checker: &mut Checker<'_>,
    call: &ast::ExprCall,
    part: &str,
    sink: &str,
    exprs: Vec<&Expr>,
) {
    let terms = exprs.into_iter().map(|expr| checker.term(expr)).collect();
    defer(checker, call, part, sink, terms);
}

fn defer(
    checker: &mut Checker<'_>,
    call: &ast::ExprCall,
    part: &str,
    sink: &str,
    terms: Vec<TermId>,
) {
    let terms: Vec<TermId> = terms
        .into_iter()
        .filter(|term| term.is_interesting())
        .collect();
    if !terms.is_empty() {
        checker.defer(
            Rule::CommandInjection,
            call.range(),
            terms,
            format!("{part} {sink}"),
        );
    }
}

fn is_sanitizer(name: &str) -> bool {
    taint::is_value_call(name) || name == "quote"
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    let mut reached = taint::sinks_reached(ctx, &SINK);
    // One finding per call: the program or the shell text before an argument.
    reached.sort_by_key(|(record, _)| (record.range.start(), record.note.starts_with(ARGUMENTS)));
    let mut reported = Vec::new();
    for (record, found) in reached {
        if reported.contains(&record.range) {
            continue;
        }
        reported.push(record.range);
        let (part, sink) = record.note.split_once(' ').unwrap_or((&record.note, ""));
        let source = taint::source_text(&found.taint);
        let message = match part {
            SHELL => format!("{source} is in the shell command {sink} runs: command injection"),
            PROGRAM => format!("{source} chooses the program {sink} runs: command injection"),
            _ => format!("{source} is an argument of the program {sink} runs (medium: without a shell it cannot add commands, but it can be an option such as `--output=...`)"),
        };
        let diagnostic = taint::report_sink(ctx, record, &found, message, HELP);
        if part == ARGUMENTS {
            diagnostic.severity = Severity::Medium;
        }
    }
}
