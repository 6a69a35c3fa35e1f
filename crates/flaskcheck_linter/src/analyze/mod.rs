//! The file pass: one walk over a parsed module that calls the rules' `ast` checks on every
//! statement and expression, and collects the facts the project index is built from.

use std::panic::{catch_unwind, AssertUnwindSafe};

use flaskcheck_python::ast::visitor::{walk_expr, walk_stmt, Visitor};
use flaskcheck_python::ast::{Expr, ModModule, Stmt};
use flaskcheck_python::{Ranged, TextRange};

use crate::diagnostic::{Diagnostic, Span};
use crate::panic::panic_message;
use crate::registry::Rule;
use crate::rules::AstCheck;
use crate::selection::RuleSelection;
use crate::source::SourceFile;

/// Statements and expressions nested deeper than this are not walked, and the file is reported
/// as FC000. Real code stays far below it; CPython itself refuses code nested about 3000 levels
/// deep (RecursionError during compilation), and the limit keeps every walk well inside the
/// 16 MiB worker stacks.
pub const MAX_NESTING: u32 = 1500;

/// A node the `ast` checks are called with.
#[derive(Copy, Clone, Debug)]
pub enum Node<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
}

/// The state of the file pass, handed to each rule's `ast` check.
pub struct Checker<'a> {
    pub file: &'a SourceFile,
    ast_checks: Vec<(Rule, AstCheck)>,
    diagnostics: Vec<Diagnostic>,
    depth: u32,
    too_deep: Option<TextRange>,
}

/// What the file pass produced.
pub struct FileAnalysis {
    pub diagnostics: Vec<Diagnostic>,
    /// Set when the module nests past [`MAX_NESTING`]: the AST must then be dropped with
    /// [`flaskcheck_python::ParsedModule::drop_deep`].
    pub too_deep: bool,
}

impl<'a> Checker<'a> {
    pub fn report(
        &mut self,
        rule: Rule,
        range: TextRange,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let span = self.file.span(range);
        self.diagnostics
            .push(Diagnostic::new(rule, message, self.file.id, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn span(&self, range: TextRange) -> Span {
        self.file.span(range)
    }

    pub fn source(&self, range: TextRange) -> &'a str {
        &self.file.text()[range]
    }

    fn run_ast_checks(&mut self, node: Node<'_>) {
        let mut index = 0;
        while index < self.ast_checks.len() {
            let (rule, check) = self.ast_checks[index];
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| check(self, node))) {
                // The rule is broken on this file: report it once and stop calling it here.
                self.ast_checks.remove(index);
                let range = match node {
                    Node::Stmt(stmt) => stmt.range(),
                    Node::Expr(expr) => expr.range(),
                };
                self.report_internal_error(rule, range, &panic_message(&*payload));
                continue;
            }
            index += 1;
        }
    }

    fn report_internal_error(&mut self, rule: Rule, range: TextRange, message: &str) {
        self.report(
            Rule::InternalError,
            range,
            format!(
                "rule {rule} ({}) failed on this file: {message}",
                rule.name()
            ),
        )
        .help = Some("this is a bug in flaskcheck; the other rules still checked this file".into());
    }
}

impl<'a, 'ast> Visitor<'ast> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        if !self.enter(stmt.range()) {
            return;
        }
        self.run_ast_checks(Node::Stmt(stmt));
        walk_stmt(self, stmt);
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        if !self.enter(expr.range()) {
            return;
        }
        self.run_ast_checks(Node::Expr(expr));
        walk_expr(self, expr);
        self.depth -= 1;
    }
}

impl Checker<'_> {
    fn enter(&mut self, range: TextRange) -> bool {
        if self.depth >= MAX_NESTING {
            self.too_deep.get_or_insert(range);
            return false;
        }
        self.depth += 1;
        true
    }
}

/// Runs the file pass over one parsed module.
pub fn analyze_module(
    file: &SourceFile,
    module: &ModModule,
    selection: &RuleSelection,
) -> FileAnalysis {
    let ast_checks = selection
        .enabled()
        .filter_map(|rule| rule.checks().ast.map(|check| (rule, check)))
        .collect();
    analyze_with(file, module, ast_checks)
}

fn analyze_with(
    file: &SourceFile,
    module: &ModModule,
    ast_checks: Vec<(Rule, AstCheck)>,
) -> FileAnalysis {
    let mut checker = Checker {
        file,
        ast_checks,
        diagnostics: Vec::new(),
        depth: 0,
        too_deep: None,
    };
    checker.visit_body(&module.body);
    let too_deep = checker.too_deep;
    let mut diagnostics = checker.diagnostics;
    if let Some(range) = too_deep {
        diagnostics.push(Diagnostic::new(
            Rule::SyntaxError,
            format!(
                "code nested more than {MAX_NESTING} levels deep is not analyzed (CPython refuses to compile code nested about 3000 levels deep)"
            ),
            file.id,
            file.span(range),
        ));
    }
    FileAnalysis {
        diagnostics,
        too_deep: too_deep.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use flaskcheck_python::parse_module;

    use super::*;
    use crate::source::FileId;

    fn panics_on_calls(_: &mut Checker<'_>, node: Node<'_>) {
        if matches!(node, Node::Expr(Expr::Call(_))) {
            panic!("boom");
        }
    }

    fn counts_names(checker: &mut Checker<'_>, node: Node<'_>) {
        if let Node::Expr(Expr::Name(name)) = node {
            checker.report(Rule::SyntaxError, name.range, "name");
        }
    }

    #[test]
    fn a_panicking_rule_is_reported_once_and_the_others_go_on() {
        let source = "a = f()\nb = g()\nc = d\n";
        let file =
            SourceFile::from_text(FileId(0), std::path::Path::new("x.py"), Arc::from(source));
        let parsed = parse_module(source).unwrap();
        let analysis = crate::panic::quietly(|| {
            analyze_with(
                &file,
                parsed.module(),
                vec![
                    (Rule::InternalError, panics_on_calls),
                    (Rule::SyntaxError, counts_names),
                ],
            )
        });
        let internal: Vec<_> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.rule == Rule::InternalError)
            .collect();
        assert_eq!(internal.len(), 1);
        assert!(internal[0]
            .message
            .contains("rule FC002 (internal-error) failed on this file: boom"));
        assert_eq!(internal[0].span.start.line, 1);
        let names = analysis
            .diagnostics
            .iter()
            .filter(|d| d.rule == Rule::SyntaxError)
            .count();
        assert_eq!(names, 6, "the healthy rule saw every name");
    }
}
