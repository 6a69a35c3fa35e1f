//! Statements: the walk in evaluation order, the environment of local names, and control flow
//! (each path of a branch is walked, then undone, and the paths are joined; a path that returns or raises
//! does not reach the join).

use flaskcheck_python::ast::name::Name;
use flaskcheck_python::ast::visitor::{
    walk_expr, walk_interpolated_string_element, walk_pattern, walk_type_param, Visitor,
};
use flaskcheck_python::ast::{
    self as ast, ExceptHandler, Expr, Parameters, Stmt, StmtFunctionDef, StmtImportFrom,
};
use flaskcheck_python::{Ranged, TextRange};
use rustc_hash::FxHashSet;

use super::env::{Changes, Env};
use super::facts::{
    Decorator, FunctionFacts, FunctionKind, ProjectCall, ResponseKind, ResponseSink, ReturnSite,
};
use super::term::{Key, Term, TermId};
use super::{Checker, LoopFrame, Node, Scope, ScopeKind};

/// Names Python provides without an import. A call to one of these resolves to `builtins.NAME`.
const BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "bool",
    "bytes",
    "callable",
    "dict",
    "dir",
    "enumerate",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "hasattr",
    "hash",
    "id",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "object",
    "open",
    "print",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "delattr",
    "slice",
    "sorted",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "locals",
    "globals",
    "Exception",
    "BaseException",
    "ValueError",
    "TypeError",
    "KeyError",
];

/// Every name bound at module level (including inside top-level `if`/`try` blocks).
pub(super) fn module_level_names(body: &[Stmt]) -> FxHashSet<Name> {
    let mut names = FxHashSet::default();
    // Blocks still to read, in any order: the result is a set.
    let mut blocks: Vec<&[Stmt]> = vec![body];
    while let Some(body) = blocks.pop() {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) => {
                    names.insert(def.name.id.clone());
                }
                Stmt::ClassDef(def) => {
                    names.insert(def.name.id.clone());
                }
                Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        names.extend(target_names(target).into_iter().cloned());
                    }
                }
                Stmt::AnnAssign(assign) => {
                    names.extend(target_names(&assign.target).into_iter().cloned());
                }
                Stmt::AugAssign(assign) => {
                    names.extend(target_names(&assign.target).into_iter().cloned());
                }
                Stmt::For(stmt) => {
                    names.extend(target_names(&stmt.target).into_iter().cloned());
                    blocks.push(&stmt.body);
                    blocks.push(&stmt.orelse);
                }
                Stmt::While(stmt) => {
                    blocks.push(&stmt.body);
                    blocks.push(&stmt.orelse);
                }
                Stmt::If(stmt) => {
                    blocks.push(&stmt.body);
                    for clause in &stmt.elif_else_clauses {
                        blocks.push(&clause.body);
                    }
                }
                Stmt::With(stmt) => blocks.push(&stmt.body),
                Stmt::Try(stmt) => {
                    blocks.push(&stmt.body);
                    for ExceptHandler::ExceptHandler(handler) in &stmt.handlers {
                        blocks.push(&handler.body);
                    }
                    blocks.push(&stmt.orelse);
                    blocks.push(&stmt.finalbody);
                }
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let bound = alias.asname.as_ref().map_or_else(
                            || alias.name.id.split('.').next().unwrap_or_default(),
                            |asname| asname.id.as_str(),
                        );
                        names.insert(Name::new(bound));
                    }
                }
                Stmt::ImportFrom(import) => {
                    for alias in &import.names {
                        names.insert(alias.asname.as_ref().unwrap_or(&alias.name).id.clone());
                    }
                }
                _ => {}
            }
        }
    }
    names
}

/// The names an assignment target binds, in source order: `a`, `a, (b, *c)`.
pub(crate) fn target_names(target: &Expr) -> Vec<&Name> {
    let mut names = Vec::new();
    let mut pending = vec![target];
    while let Some(expr) = pending.pop() {
        match expr {
            Expr::Name(name) => names.push(&name.id),
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                pending.extend(elts.iter().rev());
            }
            Expr::Starred(starred) => pending.push(&starred.value),
            _ => {}
        }
    }
    names
}

/// The name of a callee as written: the `id` of a name, the `attr` of an attribute.
pub(crate) fn callee_name(mut expr: &Expr) -> Option<&str> {
    // `f()()`: the name of the innermost callee.
    while let Expr::Call(call) = expr {
        expr = &call.func;
    }
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.id.as_str()),
        _ => None,
    }
}

/// Flask and Werkzeug names whose call builds a response from its first argument.
const RESPONSE_CLASSES: &[&str] = &[
    "flask.Response",
    "flask.wrappers.Response",
    "werkzeug.Response",
    "werkzeug.wrappers.Response",
    "werkzeug.wrappers.response.Response",
    "flask.current_app.response_class",
];

impl<'a> Checker<'a> {
    pub(super) fn walk_body(&mut self, body: &[Stmt]) {
        for stmt in body {
            self.visit_statement(stmt);
        }
    }

    fn scope(&self) -> &Scope {
        self.scopes
            .last()
            .expect("the module scope is never popped")
    }

    fn scope_mut(&mut self) -> &mut Scope {
        self.scopes
            .last_mut()
            .expect("the module scope is never popped")
    }

    fn in_module_scope(&self) -> bool {
        self.scope().kind == ScopeKind::Module
    }

    /// The qualified name of the scope being walked: the module, `module.Class`, `module.func`.
    pub(super) fn scope_qualname(&self) -> String {
        let mut qualname = self.facts.module.to_string();
        for scope in &self.scopes {
            let name = match scope.kind {
                ScopeKind::Class(id) => &self.facts.classes[id as usize].name,
                ScopeKind::Function(id) => &self.facts.functions[id as usize].name,
                ScopeKind::Module | ScopeKind::Nested => continue,
            };
            qualname.push('.');
            qualname.push_str(name);
        }
        qualname
    }

    /// The term a name holds here: a local binding, a module-level name, a builtin.
    pub(super) fn name_term(&mut self, name: &str) -> TermId {
        if let Some(term) = self.lookup(name) {
            return term;
        }
        if let Some(&term) = self.free_names.get(name) {
            return term;
        }
        let symbol = if !self.module_names.contains(name) && BUILTINS.contains(&name) {
            format!("builtins.{name}")
        } else {
            format!("{}.{name}", self.facts.module)
        };
        let term = self.facts.terms.global(&symbol);
        self.free_names.insert(Name::new(name), term);
        term
    }

    fn lookup(&self, name: &str) -> Option<TermId> {
        let innermost = self.scopes.len() - 1;
        // Names of an enclosing function, read from a nested one (a closure), may hold that
        // function's parameters, which `Term::Param` here would take for the nested function's own.
        let current_function = self
            .scopes
            .iter()
            .rposition(|scope| matches!(scope.kind, ScopeKind::Function(_)));
        for (index, scope) in self.scopes.iter().enumerate().rev() {
            match scope.kind {
                // A class body's names are not visible from its methods.
                ScopeKind::Class(_) if index != innermost => continue,
                // From inside a function, a module-level name is read at call time: refer to it
                // by its qualified name (its final binding), except for imports, definitions
                // and classes, whose global term is already that.
                ScopeKind::Module if index != innermost => {
                    let term = scope.env.get(name)?;
                    return matches!(self.facts.terms.get(term), Term::Global(_)).then_some(term);
                }
                _ => {
                    if let Some(term) = scope.env.get(name) {
                        let closed_over = current_function.is_some_and(|current| index < current);
                        if closed_over && self.facts.terms.mentions_param(term, 8) {
                            return Some(TermId::UNKNOWN);
                        }
                        return Some(term);
                    }
                }
            }
        }
        None
    }

    /// Whether a bare name refers to something of this project: a module-level definition of this
    /// module, or an import from this package (relative, or absolute under the same top-level
    /// package).
    fn is_project_name(&mut self, name: &str) -> bool {
        let term = self.name_term(name);
        let Term::Global(symbol) = self.facts.terms.get(term) else {
            return false;
        };
        let top = self.facts.module.split('.').next().unwrap_or_default();
        symbol.split('.').next() == Some(top) && !symbol.starts_with("builtins.")
    }

    /// The qualified name an expression refers to, if it is a global: `flask.jsonify` for
    /// `jsonify` after `from flask import jsonify`.
    pub fn qualified_name(&mut self, expr: &Expr) -> Option<Box<str>> {
        let term = match expr {
            Expr::Name(_) | Expr::Attribute(_) => self.term(expr),
            _ => return None,
        };
        match self.facts.terms.get(term) {
            Term::Global(symbol) => Some(symbol.clone()),
            _ => None,
        }
    }

    pub(super) fn bind(&mut self, name: &Name, term: TermId, range: TextRange) {
        if self.in_module_scope() {
            match self.global_bindings.get(name) {
                Some(&index) => {
                    let binding = &mut self.facts.globals[index];
                    let previous = binding.value;
                    let value = self.facts.terms.union([previous, term]);
                    self.facts.globals[index].value = value;
                }
                None => {
                    self.global_bindings
                        .insert(name.clone(), self.facts.globals.len());
                    self.facts.globals.push(super::facts::GlobalBinding {
                        name: name.clone(),
                        value: term,
                        range,
                    });
                }
            }
        }
        self.scope_mut().env.insert(name.clone(), term);
    }

    /// Binds an assignment target to a value: names, unpacking, and items stored into a local
    /// container (`payload["user"] = user` makes `payload` hold `user`).
    pub(super) fn bind_target(&mut self, target: &Expr, value: TermId) {
        if !self.enter(target.range()) {
            return;
        }
        self.bind_target_inner(target, value);
        self.leave();
    }

    fn bind_target_inner(&mut self, target: &Expr, value: TermId) {
        match target {
            Expr::Name(name) => self.bind(&name.id, value, name.range),
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for (index, elt) in elts.iter().enumerate() {
                    match elt {
                        Expr::Starred(starred) => {
                            let element = self.facts.terms.element(value);
                            let rest = self.facts.terms.collect(element);
                            self.bind_target(&starred.value, rest);
                        }
                        _ => {
                            let item = self.facts.terms.subscript(value, Key::Int(index as i64));
                            self.bind_target(elt, item);
                        }
                    }
                }
            }
            Expr::Starred(starred) => self.bind_target(&starred.value, value),
            Expr::Subscript(subscript) => {
                if let Expr::Name(name) = &*subscript.value {
                    if let Some(previous) = self.lookup(&name.id) {
                        // `payload["rows"] = rows` replaces what was under that key.
                        let (previous, value) = match &*subscript.slice {
                            Expr::StringLiteral(key) => {
                                let key = key.value.to_str();
                                (
                                    self.facts.terms.without_key(previous, key),
                                    self.facts.terms.keyed(key, value),
                                )
                            }
                            _ => (previous, value),
                        };
                        let item = self.facts.terms.container([value]);
                        let grown = self.facts.terms.union([previous, item]);
                        self.scope_mut().env.insert(name.id.clone(), grown);
                    }
                }
            }
            _ => {}
        }
    }

    /// `name` no longer holds `key` (after `name.pop(key)` or `del name[key]`); when `name` is the
    /// variable of an enclosing loop, neither do the elements of the collection it iterates.
    fn removed_key(&mut self, name: &Name, key: &str) {
        self.remove_key(name, key);
        if let Some(frame) = self
            .loops
            .iter_mut()
            .rev()
            .find(|frame| frame.targets.contains(name))
        {
            if !frame.removed_keys.iter().any(|removed| &**removed == key) {
                frame.removed_keys.push(key.into());
            }
        }
    }

    fn remove_key(&mut self, name: &Name, key: &str) {
        if let Some(term) = self.lookup(name) {
            let removed = self.facts.terms.without_key(term, key);
            self.scope_mut().env.insert(name.clone(), removed);
        }
    }

    /// Enters a comprehension or lambda: its own names, over the enclosing scope's.
    pub(super) fn push_nested_scope(&mut self, env: Env) {
        self.scopes.push(Scope {
            kind: ScopeKind::Nested,
            env,
            terminated: false,
        });
    }

    /// Walks `f` as one path of a branch; returns what it bound and whether it ended in a
    /// `return` or `raise`, and leaves the environment as it was before.
    fn branch(&mut self, f: impl FnOnce(&mut Self)) -> (Changes, bool) {
        let mark = self.scope_mut().env.mark();
        let saved_terminated = self.scope().terminated;
        self.scope_mut().terminated = false;
        f(self);
        let scope = self.scope_mut();
        let changes = scope.env.rewind(mark);
        let terminated = std::mem::replace(&mut scope.terminated, saved_terminated);
        (changes, terminated)
    }

    /// Continues after branches: a name holds any of the values the paths that fall through
    /// gave it (a path that did not bind it keeps what it held before).
    fn join(&mut self, outcomes: Vec<(Changes, bool)>) {
        let live: Vec<Changes> = outcomes
            .into_iter()
            .filter_map(|(changes, terminated)| (!terminated).then_some(changes))
            .collect();
        if live.is_empty() {
            self.scope_mut().terminated = true;
            return;
        }
        self.apply_join(&live);
    }

    fn apply_join(&mut self, live: &[Changes]) {
        let mut names: Vec<&Name> = live
            .iter()
            .flat_map(|changes| changes.iter().map(|(name, _)| name))
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let before = self.scope().env.get(name);
            let terms: Vec<TermId> = live
                .iter()
                .filter_map(|changes| {
                    changes
                        .iter()
                        .find(|(changed, _)| changed == name)
                        .map(|(_, term)| *term)
                        .or(before)
                })
                .collect();
            let term = if terms.iter().all(|&t| t == terms[0]) {
                terms[0]
            } else {
                self.facts.terms.union(terms)
            };
            self.scope_mut().env.insert(name.clone(), term);
        }
    }

    pub(super) fn visit_statement(&mut self, stmt: &Stmt) {
        if !self.enter(stmt.range()) {
            return;
        }
        self.run_ast_checks(Node::Stmt(stmt));
        match stmt {
            Stmt::FunctionDef(def) => self.visit_function_def(def),
            Stmt::ClassDef(def) => self.visit_class_def(def),
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    self.visit_expression(value);
                    let term = self.term(value);
                    self.record_returned_call(value, term);
                    if let Some(function) = self.current_function() {
                        self.facts.functions[function as usize]
                            .returns
                            .push(ReturnSite {
                                range: value.range(),
                                value: term,
                            });
                    }
                }
                self.scope_mut().terminated = true;
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    self.visit_expression(target);
                    if let Expr::Subscript(subscript) = target {
                        if let (Expr::Name(name), Expr::StringLiteral(key)) =
                            (&*subscript.value, &*subscript.slice)
                        {
                            self.removed_key(&name.id, key.value.to_str());
                        }
                    }
                }
            }
            Stmt::TypeAlias(alias) => {
                self.visit_expression(&alias.name);
                if let Some(type_params) = &alias.type_params {
                    self.visit_type_params(type_params);
                }
                self.visit_expression(&alias.value);
            }
            Stmt::Assign(assign) => {
                self.visit_expression(&assign.value);
                for target in &assign.targets {
                    self.visit_expression(target);
                }
                let value = self.term(&assign.value);
                if let ScopeKind::Class(class) = self.scope().kind {
                    for target in &assign.targets {
                        self.record_class_attribute(
                            class,
                            target,
                            None,
                            Some(&assign.value),
                            value,
                        );
                    }
                }
                for target in &assign.targets {
                    self.bind_target(target, value);
                }
            }
            Stmt::AugAssign(assign) => {
                self.visit_expression(&assign.value);
                self.visit_expression(&assign.target);
                if let Expr::Name(name) = &*assign.target {
                    let previous = self.name_term(&name.id);
                    let added = self.term(&assign.value);
                    let value = self.facts.terms.union([previous, added]);
                    self.bind(&name.id, value, name.range);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.visit_expression(value);
                }
                self.visit_expression(&assign.annotation);
                self.visit_expression(&assign.target);
                let value = assign
                    .value
                    .as_deref()
                    .map_or(TermId::UNKNOWN, |v| self.term(v));
                if let ScopeKind::Class(class) = self.scope().kind {
                    self.record_class_attribute(
                        class,
                        &assign.target,
                        Some(&assign.annotation),
                        assign.value.as_deref(),
                        value,
                    );
                }
                if assign.value.is_some() {
                    self.bind_target(&assign.target, value);
                }
            }
            Stmt::For(stmt) => {
                self.visit_expression(&stmt.iter);
                let iter = self.term(&stmt.iter);
                let element = self.facts.terms.element(iter);
                let frame = LoopFrame {
                    targets: sorted_names(target_names(&stmt.target)),
                    iter,
                    iter_is_literal: is_constant_collection(&stmt.iter),
                    iter_name: match &*stmt.iter {
                        Expr::Name(name) => Some(name.id.clone()),
                        _ => None,
                    },
                    removed_keys: Vec::new(),
                    range: stmt.range,
                };
                let mut finished = None;
                let body = self.branch(|this| {
                    this.bind_target(&stmt.target, element);
                    this.visit_expression(&stmt.target);
                    this.loops.push(frame);
                    this.walk_body(&stmt.body);
                    finished = this.loops.pop();
                });
                self.join(vec![(Changes::new(), false), (body.0, false)]);
                // `for entry in rows: entry.pop("room")` rewrote every element of `rows`.
                if let Some(LoopFrame {
                    iter_name: Some(name),
                    removed_keys,
                    ..
                }) = finished
                {
                    for key in removed_keys {
                        self.remove_key(&name, &key);
                    }
                }
                self.walk_body(&stmt.orelse);
            }
            Stmt::While(stmt) => {
                self.visit_expression(&stmt.test);
                let body = self.branch(|this| this.walk_body(&stmt.body));
                self.join(vec![(Changes::new(), false), (body.0, false)]);
                self.walk_body(&stmt.orelse);
            }
            Stmt::If(stmt) => {
                self.visit_expression(&stmt.test);
                let mut outcomes = vec![self.branch(|this| this.walk_body(&stmt.body))];
                let mut has_else = false;
                for clause in &stmt.elif_else_clauses {
                    has_else |= clause.test.is_none();
                    outcomes.push(self.branch(|this| {
                        if let Some(test) = &clause.test {
                            this.visit_expression(test);
                        }
                        this.walk_body(&clause.body);
                    }));
                }
                if !has_else {
                    outcomes.push((Changes::new(), false));
                }
                self.join(outcomes);
            }
            Stmt::With(stmt) => {
                for item in &stmt.items {
                    self.visit_expression(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        let value = self.term(&item.context_expr);
                        self.bind_target(vars, value);
                        self.visit_expression(vars);
                    }
                }
                self.walk_body(&stmt.body);
            }
            Stmt::Match(stmt) => {
                self.visit_expression(&stmt.subject);
                let mut outcomes: Vec<(Changes, bool)> = stmt
                    .cases
                    .iter()
                    .map(|case| {
                        self.branch(|this| {
                            this.visit_pattern(&case.pattern);
                            if let Some(guard) = &case.guard {
                                this.visit_expression(guard);
                            }
                            this.walk_body(&case.body);
                        })
                    })
                    .collect();
                outcomes.push((Changes::new(), false));
                self.join(outcomes);
            }
            Stmt::Raise(raise) => {
                if let Some(exc) = &raise.exc {
                    self.visit_expression(exc);
                }
                if let Some(cause) = &raise.cause {
                    self.visit_expression(cause);
                }
                self.scope_mut().terminated = true;
            }
            Stmt::Try(stmt) => {
                let body = self.branch(|this| {
                    this.walk_body(&stmt.body);
                    if !this.scope().terminated {
                        this.walk_body(&stmt.orelse);
                    }
                });
                // A handler may start anywhere in the body: from what held before or after it.
                let mut outcomes = vec![body.clone()];
                for ExceptHandler::ExceptHandler(handler) in &stmt.handlers {
                    outcomes.push(self.branch(|this| {
                        this.apply_join(&[Changes::new(), body.0.clone()]);
                        if let Some(type_) = &handler.type_ {
                            this.visit_expression(type_);
                        }
                        if let Some(name) = &handler.name {
                            let exception = this.facts.terms.exception(handler.range);
                            this.bind(&name.id, exception, name.range);
                        }
                        this.walk_body(&handler.body);
                    }));
                }
                self.join(outcomes);
                if !stmt.finalbody.is_empty() {
                    let terminated = self.scope().terminated;
                    self.scope_mut().terminated = false;
                    self.walk_body(&stmt.finalbody);
                    let scope = self.scope_mut();
                    scope.terminated |= terminated;
                }
            }
            Stmt::Assert(stmt) => {
                self.visit_expression(&stmt.test);
                if let Some(msg) = &stmt.msg {
                    self.visit_expression(msg);
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let (bound, target) = match &alias.asname {
                        Some(asname) => (asname.id.clone(), alias.name.id.to_string()),
                        None => {
                            let first = alias.name.id.split('.').next().unwrap_or_default();
                            (Name::new(first), first.to_string())
                        }
                    };
                    self.bind_import(bound, target.into(), alias.range);
                }
            }
            Stmt::ImportFrom(import) => self.visit_import_from(import),
            Stmt::Expr(stmt) => {
                let is_bare_string =
                    matches!(&*stmt.value, Expr::StringLiteral(_) | Expr::FString(_));
                if is_bare_string {
                    self.docstring = Some(stmt.value.range());
                }
                self.visit_expression(&stmt.value);
                self.docstring = None;
                self.track_container_mutation(&stmt.value);
            }
            Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Pass(_)
            | Stmt::Break(_)
            | Stmt::Continue(_)
            | Stmt::IpyEscapeCommand(_) => {}
        }
        self.leave();
    }

    fn bind_import(&mut self, bound: Name, target: Box<str>, range: TextRange) {
        let term = self.facts.terms.global(&target);
        if self.in_module_scope() {
            self.facts.imports.push((bound.clone(), target));
        }
        self.scope_mut().env.insert(bound, term);
        let _ = range;
    }

    fn visit_import_from(&mut self, import: &StmtImportFrom) {
        let Some(base) = self.import_base(import) else {
            return;
        };
        for alias in &import.names {
            if alias.name.id.as_str() == "*" {
                if self.in_module_scope() {
                    self.facts.star_imports.push(base.clone().into());
                }
                continue;
            }
            let bound = alias.asname.as_ref().unwrap_or(&alias.name).id.clone();
            let target = if base.is_empty() {
                alias.name.id.to_string()
            } else {
                format!("{base}.{}", alias.name.id)
            };
            self.bind_import(bound, target.into(), alias.range);
        }
    }

    /// The absolute module an import-from names, resolving leading dots against this module.
    fn import_base(&self, import: &StmtImportFrom) -> Option<String> {
        let module = import.module.as_ref().map(|m| m.id.as_str());
        if import.level == 0 {
            return Some(module.unwrap_or_default().to_string());
        }
        let mut package: Vec<&str> = self.facts.module.split('.').collect();
        if !self.facts.is_package {
            package.pop();
        }
        for _ in 1..import.level {
            package.pop()?;
        }
        let mut base = package.join(".");
        if let Some(module) = module {
            if !base.is_empty() {
                base.push('.');
            }
            base.push_str(module);
        }
        Some(base)
    }

    /// `items.append(user)`, `items.extend(users)`, `payload.update(user=user)` on a local name:
    /// the container now holds those values too.
    fn track_container_mutation(&mut self, expr: &Expr) {
        let Expr::Call(call) = expr else { return };
        let Expr::Attribute(attr) = &*call.func else {
            return;
        };
        let Expr::Name(receiver) = &*attr.value else {
            return;
        };
        let Some(previous) = self.lookup(&receiver.id) else {
            return;
        };
        let added = match attr.attr.id.as_str() {
            "append" | "add" | "appendleft" => {
                let Some(arg) = call.arguments.args.first() else {
                    return;
                };
                let item = self.term(arg);
                self.facts.terms.collect(item)
            }
            "insert" => {
                let Some(arg) = call.arguments.args.get(1) else {
                    return;
                };
                let item = self.term(arg);
                self.facts.terms.collect(item)
            }
            "extend" | "update" | "setdefault" => {
                let mut parts: Vec<TermId> = call
                    .arguments
                    .args
                    .iter()
                    .map(|arg| self.term(arg))
                    .collect();
                for keyword in &call.arguments.keywords {
                    parts.push(self.term(&keyword.value));
                }
                self.facts.terms.container(parts)
            }
            _ => return,
        };
        let grown = self.facts.terms.union([previous, added]);
        self.scope_mut().env.insert(receiver.id.clone(), grown);
    }

    fn visit_function_def(&mut self, def: &StmtFunctionDef) {
        for decorator in &def.decorator_list {
            self.visit_expression(&decorator.expression);
        }
        if let Some(type_params) = &def.type_params {
            self.visit_type_params(type_params);
        }
        self.visit_parameter_defaults(&def.parameters);
        if let Some(returns) = &def.returns {
            self.visit_expression(returns);
        }
        let decorators: Vec<Decorator> = def
            .decorator_list
            .iter()
            .map(|d| self.decorator(d))
            .collect();
        let class = match self.scope().kind {
            ScopeKind::Class(class) => Some(class),
            _ => None,
        };
        let kind = function_kind(class.is_some(), &decorators);
        let qualname = format!("{}.{}", self.scope_qualname(), def.name.id);
        let parent = self.current_function();
        let binds_receiver = matches!(
            kind,
            FunctionKind::Method | FunctionKind::ClassMethod | FunctionKind::Property
        );
        let all_params: Vec<&ast::Parameter> =
            def.parameters.iter().map(|p| p.as_parameter()).collect();
        let (receiver, params) = if binds_receiver && !all_params.is_empty() {
            (Some(all_params[0]), &all_params[1..])
        } else {
            (None, &all_params[..])
        };
        let id = u32::try_from(self.facts.functions.len()).expect("fewer than 4 billion functions");
        let is_user_loader = decorators
            .iter()
            .any(|d| matches!(d.name.as_str(), "user_loader" | "request_loader"));
        self.facts.functions.push(FunctionFacts {
            name: def.name.id.clone(),
            qualname: qualname.clone().into(),
            name_range: def.name.range,
            range: def.range,
            kind,
            class,
            parent,
            decorators,
            params: params.iter().map(|p| p.name.id.clone()).collect(),
            has_kwargs: def.parameters.kwarg.is_some(),
            returns: Vec::new(),
        });
        if is_user_loader {
            self.facts.user_loaders.push(id);
        }
        match class {
            Some(class) => self.facts.classes[class as usize]
                .methods
                .push((def.name.id.clone(), id)),
            None => {
                let term = self.facts.terms.global(&qualname);
                self.scope_mut().env.insert(def.name.id.clone(), term);
            }
        }

        let mut env = Env::default();
        if let (Some(receiver), Some(class)) = (receiver, class) {
            let term = match kind {
                FunctionKind::ClassMethod => self.facts.terms.cls_of(class),
                _ => self.facts.terms.self_of(class),
            };
            env.insert(receiver.name.id.clone(), term);
        }
        for (index, param) in params.iter().enumerate() {
            let term = self
                .facts
                .terms
                .param(u16::try_from(index).unwrap_or(u16::MAX));
            env.insert(param.name.id.clone(), term);
        }
        self.scopes.push(Scope {
            kind: ScopeKind::Function(id),
            env,
            terminated: false,
        });
        let loops = std::mem::take(&mut self.loops);
        self.walk_body(&def.body);
        self.loops = loops;
        self.scopes.pop();
    }

    pub(super) fn visit_parameter_defaults(&mut self, parameters: &Parameters) {
        for param in parameters.iter() {
            if let Some(default) = param.default() {
                self.visit_expression(default);
            }
            if let Some(annotation) = param.annotation() {
                self.visit_expression(annotation);
            }
        }
    }

    pub(super) fn decorator(&mut self, decorator: &ast::Decorator) -> Decorator {
        let (callee, call) = match &decorator.expression {
            Expr::Call(call) => (&*call.func, Some(call)),
            other => (other, None),
        };
        let callee_term = self.term(callee);
        let name = Name::new(callee_name(callee).unwrap_or_default());
        let path: Box<str> = self.source(callee.range()).into();
        let mut args = Vec::new();
        let mut str_args = Vec::new();
        let mut keywords = Vec::new();
        if let Some(call) = call {
            for arg in &call.arguments.args {
                args.push(self.term(arg));
                str_args.push(match arg {
                    Expr::StringLiteral(s) => Some(s.value.to_str().into()),
                    _ => None,
                });
            }
            for keyword in &call.arguments.keywords {
                if let Some(arg) = &keyword.arg {
                    keywords.push(arg.id.clone());
                }
            }
        }
        Decorator {
            range: decorator.range,
            callee: callee_term,
            name,
            path,
            is_call: call.is_some(),
            args,
            str_args,
            keywords,
        }
    }

    /// Visits an expression and everything in it: the rules' `ast` checks, response calls, and
    /// the names comprehensions and lambdas bind for their own bodies.
    pub(crate) fn visit_expression(&mut self, expr: &Expr) {
        if !self.enter(expr.range()) {
            return;
        }
        self.run_ast_checks(Node::Expr(expr));
        match expr {
            Expr::Call(call) => {
                self.record_call(call);
                walk_expr(self, expr);
                // `entry.pop("room")` takes the key out of the dict.
                if let Expr::Attribute(attr) = &*call.func {
                    if let (Expr::Name(name), "pop", Some(Expr::StringLiteral(key))) = (
                        &*attr.value,
                        attr.attr.id.as_str(),
                        call.arguments.args.first(),
                    ) {
                        self.removed_key(&name.id, key.value.to_str());
                    }
                }
            }
            Expr::ListComp(comp) => self.visit_comprehension(&comp.generators, &[&comp.elt]),
            Expr::SetComp(comp) => self.visit_comprehension(&comp.generators, &[&comp.elt]),
            Expr::Generator(comp) => self.visit_comprehension(&comp.generators, &[&comp.elt]),
            Expr::DictComp(comp) => match &comp.key {
                Some(key) => self.visit_comprehension(&comp.generators, &[key, &comp.value]),
                None => self.visit_comprehension(&comp.generators, &[&comp.value]),
            },
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameter_defaults(parameters);
                }
                let mut env = Env::default();
                if let Some(parameters) = &lambda.parameters {
                    for param in parameters.iter() {
                        env.insert(param.name().id.clone(), TermId::UNKNOWN);
                    }
                }
                self.push_nested_scope(env);
                self.visit_expression(&lambda.body);
                self.scopes.pop();
            }
            Expr::Named(named) => {
                self.visit_expression(&named.value);
                let value = self.term(&named.value);
                self.bind_target(&named.target, value);
                self.visit_expression(&named.target);
            }
            _ => walk_expr(self, expr),
        }
        self.leave();
    }

    fn visit_comprehension(&mut self, generators: &[ast::Comprehension], elements: &[&Expr]) {
        let mut pushed = false;
        for (index, generator) in generators.iter().enumerate() {
            // The first iterable is evaluated in the enclosing scope, the rest inside.
            self.visit_expression(&generator.iter);
            let iter = self.term(&generator.iter);
            let element = self.facts.terms.element(iter);
            if index == 0 {
                self.push_nested_scope(Env::default());
                pushed = true;
            }
            self.bind_target(&generator.target, element);
            self.visit_expression(&generator.target);
            for condition in &generator.ifs {
                self.visit_expression(condition);
            }
        }
        for element in elements {
            self.visit_expression(element);
        }
        if pushed {
            self.scopes.pop();
        }
    }

    /// `return send_result(data)` (or `return send_result(data), 200`): a returned call to a
    /// function of the project, which may wrap a response. Its term is part of the return's.
    fn record_returned_call(&mut self, value: &Expr, term: TermId) {
        let (call, term) = match (value, self.facts.terms.get(term)) {
            (Expr::Call(call), Term::Call(_)) => (call, term),
            (Expr::Tuple(tuple), Term::Sequence(items)) => {
                match (tuple.elts.first(), items.first()) {
                    (Some(Expr::Call(call)), Some(&first))
                        if matches!(self.facts.terms.get(first), Term::Call(_)) =>
                    {
                        (call, first)
                    }
                    _ => return,
                }
            }
            _ => return,
        };
        let Expr::Name(name) = &*call.func else {
            return;
        };
        if call.arguments.is_empty() || !self.is_project_name(&name.id) {
            return;
        }
        let function = self.current_function();
        self.facts.calls.push(ProjectCall {
            range: call.range(),
            call: term,
            function,
        });
    }

    /// Records a call that puts a value into a response, or registers a view.
    fn record_call(&mut self, call: &ast::ExprCall) {
        // `connexion.App(__name__, specification_dir="openapi/")`: where `add_api` looks.
        if let Some(keyword) = call.arguments.find_keyword("specification_dir") {
            if let Expr::StringLiteral(dir) = &keyword.value {
                self.specification_dir = Some(dir.value.to_str().into());
            }
        }
        if let Some(kind) = self.response_kind(call) {
            let value = match kind {
                ResponseKind::ResponseObject => {
                    match call.arguments.find_argument_value("response", 0) {
                        Some(body) => self.term(body),
                        None => TermId::UNKNOWN,
                    }
                }
                _ => {
                    let mut parts: Vec<TermId> = Vec::new();
                    for arg in &call.arguments.args {
                        parts.push(self.term(arg));
                    }
                    for keyword in &call.arguments.keywords {
                        parts.push(self.term(&keyword.value));
                    }
                    self.facts.terms.container(parts)
                }
            };
            if value.is_interesting() {
                let function = self.current_function();
                self.facts.responses.push(ResponseSink {
                    kind,
                    range: call.range(),
                    value,
                    function,
                });
            }
        }
        if let Expr::Attribute(attr) = &*call.func {
            if attr.attr.id.as_str() == "register_error_handler" {
                let handled = call.arguments.find_argument_value("code_or_exception", 0);
                let handler = call.arguments.find_argument_value("f", 1);
                if let (Some(handled), Some(handler)) = (handled, handler) {
                    let handled = self.term(handled);
                    let handler = self.term(handler);
                    if handler.is_interesting() {
                        self.facts.error_handlers.push((handled, handler));
                    }
                }
            }
            if attr.attr.id.as_str() == "add_api" {
                self.record_api_spec(call);
            }
            let view = match attr.attr.id.as_str() {
                "add_url_rule" => call.arguments.find_argument_value("view_func", 2),
                "add_resource" | "register_api" | "register_view" => call.arguments.args.first(),
                _ => None,
            };
            if let Some(view) = view {
                let term = self.term(view);
                if term.is_interesting() {
                    self.facts.url_rules.push(term);
                }
            }
        }
    }

    /// Connexion's `app.add_api("openapi.yaml")`: reads the specification (relative to the
    /// `specification_dir` the app was created with) for the operations it routes to.
    fn record_api_spec(&mut self, call: &ast::ExprCall) {
        let Some(Expr::StringLiteral(name)) =
            call.arguments.find_argument_value("specification", 0)
        else {
            return;
        };
        let path = super::openapi::spec_path(
            &self.file.path,
            self.specification_dir.as_deref(),
            name.value.to_str(),
        );
        self.facts.read_other_files = true;
        match super::openapi::read_spec(&path) {
            Ok(operations) => self.facts.api_specs.push(super::openapi::ApiSpec {
                range: call.range(),
                operations,
            }),
            Err(err) => self.facts.warnings.push(
                format!(
                    "{}: the OpenAPI file {} could not be read ({err}); its operations are not checked as views",
                    self.file.path.display(),
                    path.display()
                )
                .into(),
            ),
        }
    }

    fn response_kind(&mut self, call: &ast::ExprCall) -> Option<ResponseKind> {
        // Called for every call in every file: decide from the names before building any term.
        const NAMES: &[&str] = &[
            "jsonify",
            "make_response",
            "Response",
            "response",
            "response_class",
        ];
        match &*call.func {
            Expr::Name(name) => {
                let symbol = match self.lookup(&name.id) {
                    Some(term) => match self.facts.terms.get(term) {
                        Term::Global(symbol) => symbol.clone(),
                        _ => return None,
                    },
                    None if NAMES.contains(&name.id.as_str()) => self.qualified_name(&call.func)?,
                    None => return None,
                };
                let last = symbol.rsplit('.').next().unwrap_or_default();
                match (name.id.as_str(), last) {
                    (_, "jsonify") => Some(ResponseKind::Jsonify),
                    (_, "make_response") => Some(ResponseKind::MakeResponse),
                    _ if RESPONSE_CLASSES.contains(&&*symbol) => Some(ResponseKind::ResponseObject),
                    _ => None,
                }
            }
            Expr::Attribute(attr) => {
                // Flask-AppBuilder's `self.response(200, ...)` and `self.response_404(...)`.
                let appbuilder_response = attr.attr.id.as_str() == "response"
                    || attr
                        .attr
                        .id
                        .strip_prefix("response_")
                        .is_some_and(|code| code.bytes().all(|b| b.is_ascii_digit()));
                if !appbuilder_response && !NAMES.contains(&attr.attr.id.as_str()) {
                    return None;
                }
                if appbuilder_response {
                    if let (Expr::Name(receiver), Some(function)) =
                        (&*attr.value, self.current_function())
                    {
                        let function = &self.facts.functions[function as usize];
                        if receiver.id.as_str() == "self" {
                            return function
                                .class
                                .map(|class| ResponseKind::AppBuilderResponse { class });
                        }
                    }
                }
                let symbol = self.qualified_name(&call.func)?;
                match &*symbol {
                    "flask.jsonify" | "flask.json.jsonify" => Some(ResponseKind::Jsonify),
                    "flask.make_response" => Some(ResponseKind::MakeResponse),
                    s if RESPONSE_CLASSES.contains(&s) => Some(ResponseKind::ResponseObject),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Every node the walk descends into counts one level of nesting, whatever its kind: a tree too
/// deep to walk must be found deep here, before anything recurses through it.
impl<'ast> Visitor<'ast> for Checker<'_> {
    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        self.visit_statement(stmt);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        self.visit_expression(expr);
    }

    fn visit_pattern(&mut self, pattern: &'ast ast::Pattern) {
        if self.enter(pattern.range()) {
            walk_pattern(self, pattern);
            self.leave();
        }
    }

    fn visit_type_param(&mut self, type_param: &'ast ast::TypeParam) {
        if self.enter(type_param.range()) {
            walk_type_param(self, type_param);
            self.leave();
        }
    }

    fn visit_interpolated_string_element(&mut self, element: &'ast ast::InterpolatedStringElement) {
        if self.enter(element.range()) {
            walk_interpolated_string_element(self, element);
            self.leave();
        }
    }
}

fn function_kind(in_class: bool, decorators: &[Decorator]) -> FunctionKind {
    if !in_class {
        return FunctionKind::Function;
    }
    for decorator in decorators {
        match decorator.name.as_str() {
            "staticmethod" => return FunctionKind::StaticMethod,
            "classmethod" | "declared_attr" => return FunctionKind::ClassMethod,
            "property" | "cached_property" | "hybrid_property" | "setter" | "getter"
            | "expression" => return FunctionKind::Property,
            _ => {}
        }
    }
    FunctionKind::Method
}

fn sorted_names(names: Vec<&Name>) -> Vec<Name> {
    let mut names: Vec<Name> = names.into_iter().cloned().collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A literal list, tuple or set of constants: `("name", "email")`.
pub(crate) fn is_constant_collection(expr: &Expr) -> bool {
    let elts = match expr {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        Expr::Set(set) => &set.elts,
        _ => return false,
    };
    elts.iter().all(Expr::is_literal_expr)
}
