//! The file pass: one walk over a parsed module, in evaluation order, that
//!
//! - calls each enabled rule's `ast` check on every statement and expression;
//! - follows local names through assignments, branches and loops (flow-sensitive: a name's term
//!   is what was last assigned to it on the paths that reach the read);
//! - records the file's [`FileFacts`]: imports, module-level bindings, classes (columns,
//!   relationships, schema options), functions (decorators, what they return) and the calls that
//!   put values into responses.
//!
//! Nothing here knows about other files. What an expression *means* (a model instance? request
//! data?) is decided later by the project index, from the [`term`]s recorded here.

mod class;
mod depth;
mod env;
mod expr;
pub mod facts;
mod node_kinds;
pub mod openapi;
pub mod term;
mod walk;

#[cfg(test)]
mod flow_tests;

use std::panic::{catch_unwind, AssertUnwindSafe};

use flaskcheck_python::ast::name::Name;
use flaskcheck_python::ast::{Expr, ModModule, Stmt};
use flaskcheck_python::{Ranged, TextRange};
use rustc_hash::FxHashSet;

pub use facts::{Deferred, FileFacts, LocalId};
pub use node_kinds::NodeKinds;
pub(crate) use term::Visited;
pub use term::{Symbol, Term, TermId, Terms};

pub(crate) use depth::{for_each_expr, for_each_expr_within, Depth};
use env::Env;
pub(crate) use walk::target_names;

use crate::diagnostic::{Diagnostic, Span};
use crate::panic::panic_message;
use crate::registry::Rule;
use crate::rules::AstCheck;
use crate::selection::RuleSelection;
use crate::source::SourceFile;

/// Statements and expressions nested deeper than this are not walked, and the file is reported
/// as FC000; recursive helpers over the tree (in the rules too) stop at the same depth.
pub use flaskcheck_python::MAX_NESTING;

/// A node the `ast` checks are called with.
#[derive(Copy, Clone, Debug)]
pub enum Node<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
}

impl Ranged for Node<'_> {
    fn range(&self) -> TextRange {
        match self {
            Node::Stmt(stmt) => stmt.range(),
            Node::Expr(expr) => expr.range(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class(LocalId),
    Function(LocalId),
    /// A comprehension or lambda: its own names, reads fall through to the enclosing scope.
    Nested,
}

#[derive(Debug)]
struct Scope {
    kind: ScopeKind,
    env: Env,
    /// The rest of the current block cannot run: a `return` or `raise` came first.
    terminated: bool,
}

/// An enclosing `for` loop, for rules that look at what a loop iterates.
#[derive(Debug, Clone)]
pub struct LoopFrame {
    /// The names the loop binds (`k, v` in `for k, v in data.items()`).
    pub targets: Vec<Name>,
    /// What the loop iterates.
    pub iter: TermId,
    /// Whether the iterable is a literal list, tuple or set of constants (an allow-list).
    pub iter_is_literal: bool,
    /// The local name iterated, when the iterable is one (`for entry in rows`).
    pub iter_name: Option<Name>,
    /// Keys the body removes from the loop variable (`entry.pop("room")`): removed from the
    /// iterated collection once the loop is done.
    pub removed_keys: Vec<Box<str>>,
    pub range: TextRange,
}

/// The state of the file pass, handed to each rule's `ast` check.
pub struct Checker<'a> {
    pub file: &'a SourceFile,
    pub facts: FileFacts,
    /// The enabled `ast` checks for each node kind (by [`NodeKinds::bit`]), so a node costs only
    /// the checks that want it.
    checks_by_kind: Vec<Vec<(Rule, AstCheck)>>,
    /// Every kind some enabled check wants: most nodes are wanted by none.
    wanted: NodeKinds,
    diagnostics: Vec<Diagnostic>,
    depth: u32,
    too_deep: Option<TextRange>,
    scopes: Vec<Scope>,
    /// Names bound anywhere at module level, known before the walk so that a function can refer
    /// to a module-level name defined below it.
    module_names: FxHashSet<Name>,
    /// Where each module-level name's binding is in `facts.globals`.
    global_bindings: rustc_hash::FxHashMap<Name, usize>,
    /// Terms of names no scope binds (module-level names read from functions, builtins).
    free_names: rustc_hash::FxHashMap<Name, TermId>,
    loops: Vec<LoopFrame>,
    /// The string of the bare-string statement being walked (a docstring or a string used as a
    /// comment), so that rules about SQL strings can skip it.
    docstring: Option<TextRange>,
    /// What several rules' checks compute once for the file.
    pub(crate) shared: crate::rules::Shared,
    /// Connexion's `specification_dir`, when the file creates its app with one.
    specification_dir: Option<Box<str>>,
}

/// What the file pass produced.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct FileAnalysis {
    pub diagnostics: Vec<Diagnostic>,
    pub facts: FileFacts,
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

    /// Leaves a record for the rule's `project` check.
    pub fn defer(
        &mut self,
        rule: Rule,
        range: TextRange,
        terms: Vec<TermId>,
        note: impl Into<Box<str>>,
    ) {
        let function = self.current_function();
        self.facts.deferred.push(Deferred {
            rule,
            range,
            terms,
            note: note.into(),
            function,
        });
    }

    /// The function (or method) being walked, if any.
    pub fn current_function(&self) -> Option<LocalId> {
        self.scopes.iter().rev().find_map(|scope| match scope.kind {
            ScopeKind::Function(id) => Some(id),
            _ => None,
        })
    }

    /// The class whose body (or method) is being walked, innermost, if any.
    pub fn current_class(&self) -> Option<LocalId> {
        self.scopes.iter().rev().find_map(|scope| match scope.kind {
            ScopeKind::Class(id) => Some(id),
            _ => None,
        })
    }

    /// Whether the walk is in a module or class body rather than in a function, a lambda or a
    /// comprehension: where configuration constants are defined.
    pub fn in_definition_scope(&self) -> bool {
        matches!(
            self.scopes.last().map(|scope| scope.kind),
            Some(ScopeKind::Module | ScopeKind::Class(_))
        )
    }

    /// The enclosing `for` loops, innermost last.
    pub fn loops(&self) -> &[LoopFrame] {
        &self.loops
    }

    /// Whether `expr` is the string of a bare-string statement (a docstring).
    pub fn is_docstring(&self, expr: &Expr) -> bool {
        self.docstring == Some(expr.range())
    }

    pub fn terms(&self) -> &Terms {
        &self.facts.terms
    }

    fn run_ast_checks(&mut self, node: Node<'_>) {
        let kind = NodeKinds::of(node);
        if !self.wanted.contains_kinds(kind) {
            return;
        }
        let bit = kind.bit();
        let mut index = 0;
        // One unwind guard for the node's checks rather than one each (a node has dozens): when a
        // check panics, its rule is dropped and the checks after it run under a new guard.
        loop {
            let mut current = index;
            let result = catch_unwind(AssertUnwindSafe(|| {
                while let Some(&(_, check)) = self.checks_by_kind[bit].get(current) {
                    check(self, node);
                    current += 1;
                }
            }));
            let Err(payload) = result else {
                return;
            };
            // The rule is broken on this file: report it once and stop calling it here.
            let (rule, _) = self.checks_by_kind[bit][current];
            for checks in &mut self.checks_by_kind {
                checks.retain(|&(other, _)| other != rule);
            }
            self.report_internal_error(rule, node.range(), &panic_message(&*payload));
            index = current;
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

    /// Enters one level of nesting; `false` (and the file marked) past [`MAX_NESTING`].
    fn enter(&mut self, range: TextRange) -> bool {
        if self.depth >= MAX_NESTING {
            self.too_deep.get_or_insert(range);
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }
}

/// The qualified module name of a file: `pkg/sub/mod.py` is `pkg.sub.mod` when `pkg` and `sub`
/// hold an `__init__.py`; a file outside any package is named by its stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleName {
    pub name: Symbol,
    pub is_package: bool,
}

/// Runs the file pass over one parsed module.
pub fn analyze_module(
    file: &SourceFile,
    module_name: ModuleName,
    module: &ModModule,
    selection: &RuleSelection,
) -> FileAnalysis {
    let ast_checks = selection
        .enabled()
        .filter_map(|rule| {
            let checks = rule.checks();
            checks.ast.map(|check| (rule, checks.ast_kinds, check))
        })
        .collect();
    analyze_with(file, module_name, module, ast_checks)
}

fn analyze_with(
    file: &SourceFile,
    module_name: ModuleName,
    module: &ModModule,
    ast_checks: Vec<(Rule, NodeKinds, AstCheck)>,
) -> FileAnalysis {
    let wanted = ast_checks
        .iter()
        .fold(NodeKinds::NONE, |wanted, (_, kinds, _)| wanted.with(*kinds));
    let checks_by_kind = (0..64)
        .map(|bit| {
            ast_checks
                .iter()
                .filter(|(_, kinds, _)| kinds.contains_bit(bit))
                .map(|&(rule, _, check)| (rule, check))
                .collect()
        })
        .collect();
    let mut checker = Checker {
        wanted,
        checks_by_kind,
        file,
        facts: FileFacts {
            module: module_name.name,
            is_package: module_name.is_package,
            // About one term per 64 bytes of source, measured on real Flask code: sized once
            // instead of grown (and copied) a dozen times.
            terms: Terms::with_capacity(file.text().len() / 64),
            ..FileFacts::default()
        },
        diagnostics: Vec::new(),
        depth: 0,
        too_deep: None,
        scopes: vec![Scope {
            kind: ScopeKind::Module,
            env: Env::default(),
            terminated: false,
        }],
        module_names: walk::module_level_names(&module.body),
        global_bindings: rustc_hash::FxHashMap::default(),
        free_names: rustc_hash::FxHashMap::default(),
        loops: Vec::new(),
        docstring: None,
        shared: crate::rules::Shared::default(),
        specification_dir: None,
    };
    checker.walk_body(&module.body);
    let too_deep = checker.too_deep;
    checker.facts.terms.finish();
    checker.facts.compact_terms();
    checker.facts.shrink_to_fit();
    let mut diagnostics = checker.diagnostics;
    if let Some(range) = too_deep {
        diagnostics.push(Diagnostic::new(
            Rule::SyntaxError,
            flaskcheck_python::too_deep_message(),
            file.id,
            file.span(range),
        ));
    }
    FileAnalysis {
        diagnostics,
        facts: checker.facts,
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
                ModuleName {
                    name: "x".into(),
                    is_package: false,
                },
                parsed.module(),
                vec![
                    (Rule::InternalError, NodeKinds::CALL, panics_on_calls),
                    (Rule::SyntaxError, NodeKinds::ALL, counts_names),
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
