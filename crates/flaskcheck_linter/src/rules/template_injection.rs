//! FC601 template-injection: rules/FC601.md.
//!
//! The file pass records the template argument of `render_template_string`, `jinja2.Template`,
//! `Environment.from_string` (not of a sandboxed environment) and Mako's `Template`, and the
//! allow-list checks of each function; the project pass reports those the client's data reaches.
//! The values a template is rendered with are not the template: they are escaped data (FC602 is
//! about them).

use flaskcheck_python::ast::Expr;
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

const HELP: &str = "keep templates in files or constants and pass the client's data as values: `render_template(\"page.html\", name=name)`, `render_template_string(TEMPLATE, name=name)`";

fn check(checker: &mut Checker<'_>, node: Node<'_>) {
    let Some(call) = flow::call_or_record_guards(checker, Rule::TemplateInjection, node) else {
        return;
    };
    let template = match &*call.func {
        // `env.from_string(source)`: any environment but a sandboxed one.
        Expr::Attribute(attr) if attr.attr.id.as_str() == "from_string" => {
            let receiver = checker.term(&attr.value);
            let sandboxed = taint::constructor(checker, receiver)
                .is_some_and(|symbol| last_segment(&symbol) == "SandboxedEnvironment");
            if sandboxed {
                return;
            }
            argument(call, 0, "source").map(|source| (source, "from_string"))
        }
        _ => {
            let Some(symbol) = taint::called(
                checker,
                call,
                |name| matches!(name, "render_template_string" | "Template"),
                &["flask", "jinja2", "mako"],
            ) else {
                return;
            };
            match &*symbol {
                "flask.render_template_string" | "flask.templating.render_template_string" => {
                    argument(call, 0, "source").map(|source| (source, "render_template_string"))
                }
                "jinja2.Template" | "jinja2.environment.Template" => {
                    argument(call, 0, "source").map(|source| (source, "jinja2.Template"))
                }
                "mako.template.Template" => {
                    argument(call, 0, "text").map(|source| (source, "mako.template.Template"))
                }
                _ => None,
            }
        }
    };
    let Some((template, sink)) = template else {
        return;
    };
    let term = checker.term(template);
    if term.is_interesting() {
        checker.defer(Rule::TemplateInjection, call.range(), vec![term], sink);
    }
}

fn project(ctx: &mut ProjectContext<'_, '_, '_>) {
    for (record, found) in taint::sinks_reached(ctx, &SINK) {
        let message = format!(
            "{} is the template `{}()` renders: server-side template injection",
            taint::source_text(&found.taint),
            record.note
        );
        taint::report_sink(ctx, record, &found, message, HELP);
    }
}
