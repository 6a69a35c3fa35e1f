//! Expressions to terms. Pure with respect to the environment: computing a term binds nothing
//! (comprehension targets are bound in a scope of their own and dropped).

use flaskcheck_python::ast::name::Name;
use flaskcheck_python::ast::{self as ast, CmpOp, Expr, Number, Operator};
use flaskcheck_python::Ranged;

use super::env::Env;
use super::term::{CallTerm, Key, Term, TermId};
use super::walk::target_names;
use super::{Checker, Depth};

impl Checker<'_> {
    /// The term for what `expr` holds at this point of the walk.
    pub fn term(&mut self, expr: &Expr) -> TermId {
        if !self.enter(expr.range()) {
            return TermId::UNKNOWN;
        }
        let term = self.term_inner(expr);
        self.leave();
        term
    }

    fn term_inner(&mut self, expr: &Expr) -> TermId {
        match expr {
            Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_) => TermId::CONST,
            Expr::Name(name) => self.name_term(&name.id),
            Expr::Attribute(attr) => {
                let value = self.term(&attr.value);
                self.facts.terms.attr(value, &attr.attr.id)
            }
            Expr::Call(call) => self.call_term(call),
            Expr::Subscript(subscript) => {
                let value = self.term(&subscript.value);
                let key = match &*subscript.slice {
                    Expr::StringLiteral(s) => Key::Str(s.value.to_str().into()),
                    Expr::NumberLiteral(ast::ExprNumberLiteral {
                        value: Number::Int(int),
                        ..
                    }) => Key::Int(int.as_i64().unwrap_or(i64::MAX)),
                    Expr::UnaryOp(ast::ExprUnaryOp {
                        op: ast::UnaryOp::USub,
                        operand,
                        ..
                    }) => match &**operand {
                        Expr::NumberLiteral(ast::ExprNumberLiteral {
                            value: Number::Int(int),
                            ..
                        }) => Key::Int(-int.as_i64().unwrap_or(0)),
                        _ => Key::Slice,
                    },
                    Expr::Slice(_) => Key::Slice,
                    other => Key::Dynamic(self.term(other)),
                };
                self.facts.terms.subscript(value, key)
            }
            Expr::Dict(dict) => {
                let mut items = Vec::with_capacity(dict.items.len());
                for item in &dict.items {
                    let value = self.term(&item.value);
                    match &item.key {
                        Some(Expr::StringLiteral(key)) => {
                            items.push(self.facts.terms.keyed(key.value.to_str(), value))
                        }
                        Some(key) => {
                            items.push(self.term(key));
                            items.push(value);
                        }
                        None => items.push(value),
                    }
                }
                self.facts.terms.container(items)
            }
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. })
                if !elts.iter().any(Expr::is_starred_expr) =>
            {
                let items: Vec<TermId> = elts.iter().map(|elt| self.term(elt)).collect();
                self.facts.terms.sequence(items)
            }
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                let items: Vec<TermId> = elts.iter().map(|elt| self.term(elt)).collect();
                self.facts.terms.container(items)
            }
            Expr::ListComp(comp) => self.comprehension_term(&comp.generators, &[&comp.elt]),
            Expr::SetComp(comp) => self.comprehension_term(&comp.generators, &[&comp.elt]),
            Expr::Generator(comp) => self.comprehension_term(&comp.generators, &[&comp.elt]),
            Expr::DictComp(comp) => match &comp.key {
                Some(key) => self.comprehension_term(&comp.generators, &[key, &comp.value]),
                None => self.comprehension_term(&comp.generators, &[&comp.value]),
            },
            Expr::BinOp(binop) => {
                let left = self.term(&binop.left);
                let right = self.term(&binop.right);
                let stringy = is_string_expr(&binop.left) || is_string_expr(&binop.right);
                match binop.op {
                    Operator::Mod if is_string_expr(&binop.left) => {
                        let parts = self.format_operands(&binop.right, right);
                        self.facts
                            .terms
                            .format_at(std::iter::once(left).chain(parts), binop.range)
                    }
                    Operator::Add if stringy => {
                        self.facts.terms.format_at([left, right], binop.range)
                    }
                    Operator::Add | Operator::BitOr => self.facts.terms.union([left, right]),
                    // `Path(folder) / name`, `BASE / "docs"` (a number is not divided by a
                    // string): the path `Path(left, right)`.
                    Operator::Div
                        if self.is_path_term(left, 4)
                            || matches!(&*binop.right, Expr::StringLiteral(_)) =>
                    {
                        let callee = self.facts.terms.global("pathlib.Path");
                        self.facts.terms.call(CallTerm {
                            callee,
                            args: Box::new([left, right]),
                            keywords: Box::new([]),
                            unpacked: Box::new([]),
                            range: binop.range,
                        })
                    }
                    _ if left == TermId::CONST && right == TermId::CONST => TermId::CONST,
                    _ => TermId::UNKNOWN,
                }
            }
            Expr::BoolOp(boolop) => {
                let values: Vec<TermId> = boolop.values.iter().map(|v| self.term(v)).collect();
                self.facts.terms.union(values)
            }
            Expr::If(ifexp) => {
                let body = self.term(&ifexp.body);
                let orelse = self.term(&ifexp.orelse);
                self.facts.terms.union([body, orelse])
            }
            Expr::Compare(_) => TermId::CONST,
            Expr::UnaryOp(unary) => match self.term(&unary.operand) {
                TermId::CONST => TermId::CONST,
                _ => TermId::UNKNOWN,
            },
            Expr::Await(await_) => self.term(&await_.value),
            Expr::Starred(starred) => self.term(&starred.value),
            Expr::Named(named) => self.term(&named.value),
            Expr::FString(fstring) => {
                let mut parts = vec![TermId::CONST];
                for part in fstring.value.iter() {
                    if let ast::FStringPart::FString(f) = part {
                        for element in f.elements.interpolations() {
                            parts.push(self.term(&element.expression));
                        }
                    }
                }
                self.facts.terms.format_at(parts, fstring.range)
            }
            Expr::Lambda(_)
            | Expr::Yield(_)
            | Expr::YieldFrom(_)
            | Expr::TString(_)
            | Expr::Slice(_)
            | Expr::IpyEscapeCommand(_) => TermId::UNKNOWN,
        }
    }

    /// Whether a term is a `pathlib` path: `Path(...)` (also a path joined with `/`), `.parent` or
    /// `.resolve()` of one, or a module-level name of this file bound to one.
    pub(crate) fn is_path_term(&self, term: TermId, depth: u32) -> bool {
        if depth == 0 {
            return false;
        }
        let terms = &self.facts.terms;
        match terms.get(term) {
            Term::Call(call) => match terms.get(call.callee) {
                Term::Global(symbol) => symbol.starts_with("pathlib."),
                Term::Attr(inner, _) => self.is_path_term(*inner, depth - 1),
                _ => false,
            },
            Term::Attr(inner, _) => self.is_path_term(*inner, depth - 1),
            Term::Union(items) => items.iter().any(|&item| self.is_path_term(item, depth - 1)),
            Term::Global(symbol) => self
                .module_binding(symbol)
                .is_some_and(|value| self.is_path_term(value, depth - 1)),
            _ => false,
        }
    }

    /// What a module-level name of this file (a `Global` symbol of this module, as a function
    /// reads it) is bound to, as far as the walk has gone.
    pub(crate) fn module_binding(&self, symbol: &str) -> Option<TermId> {
        let name = symbol
            .strip_prefix(&*self.facts.module)?
            .strip_prefix('.')?;
        self.facts
            .globals
            .iter()
            .find(|binding| binding.name.as_str() == name)
            .map(|binding| binding.value)
    }

    /// The right operand of `"..." % operand`: a tuple's items, a dict's values, or itself.
    fn format_operands(&mut self, expr: &Expr, term: TermId) -> Vec<TermId> {
        match expr {
            Expr::Tuple(tuple) => tuple.elts.iter().map(|elt| self.term(elt)).collect(),
            Expr::Dict(dict) => dict
                .items
                .iter()
                .map(|item| self.term(&item.value))
                .collect(),
            _ => vec![term],
        }
    }

    pub(super) fn call_term(&mut self, call: &ast::ExprCall) -> TermId {
        // `"...".format(...)` and `"sep".join(parts)` build strings.
        if let Expr::Attribute(attr) = &*call.func {
            if is_string_expr(&attr.value) {
                match attr.attr.id.as_str() {
                    "format" | "format_map" | "join" => {
                        let mut parts = vec![self.term(&attr.value)];
                        for arg in &call.arguments.args {
                            parts.push(self.term(arg));
                        }
                        for keyword in &call.arguments.keywords {
                            parts.push(self.term(&keyword.value));
                        }
                        return self.facts.terms.format_at(parts, call.range());
                    }
                    _ => return TermId::CONST,
                }
            }
        }
        let callee = self.term(&call.func);
        if !callee.is_interesting() {
            return TermId::UNKNOWN;
        }
        // Sized for the common call without `*args` or `**kwargs`, so that boxing them is no
        // reallocation.
        let mut args = Vec::with_capacity(call.arguments.args.len());
        let mut unpacked = Vec::new();
        for arg in &call.arguments.args {
            match arg {
                Expr::Starred(starred) => unpacked.push(self.term(&starred.value)),
                _ => args.push(self.term(arg)),
            }
        }
        let mut keywords = Vec::with_capacity(call.arguments.keywords.len());
        for keyword in &call.arguments.keywords {
            let value = self.term(&keyword.value);
            match &keyword.arg {
                Some(name) => keywords.push((name.id.clone(), value)),
                None => unpacked.push(value),
            }
        }
        self.facts.terms.call(CallTerm {
            callee,
            args: args.into_boxed_slice(),
            keywords: keywords.into_boxed_slice(),
            unpacked: unpacked.into_boxed_slice(),
            range: call.range(),
        })
    }

    /// `[f(x) for x in xs if ...]`: a collection of what the element expression gives for each
    /// element. Filtering the keys by membership in a fixed collection (`if k in ALLOWED`) makes
    /// it an allow-listed collection.
    fn comprehension_term(
        &mut self,
        generators: &[ast::Comprehension],
        elements: &[&Expr],
    ) -> TermId {
        let mut pushed = false;
        let mut allow_listed = false;
        for (index, generator) in generators.iter().enumerate() {
            let iter = self.term(&generator.iter);
            let element = self.facts.terms.element(iter);
            if index == 0 {
                self.push_nested_scope(Env::default());
                pushed = true;
            }
            self.bind_target(&generator.target, element);
            let targets: Vec<&str> = target_names(&generator.target)
                .into_iter()
                .map(Name::as_str)
                .collect();
            allow_listed |= generator
                .ifs
                .iter()
                .any(|condition| is_membership_filter(condition, &targets, Depth::MAX));
        }
        let items: Vec<TermId> = elements.iter().map(|element| self.term(element)).collect();
        if pushed {
            self.scopes.pop();
        }
        let item = self.facts.terms.container(items);
        let item = if elements.len() == 1 {
            items_single(&self.facts.terms, item)
        } else {
            item
        };
        let collected = self.facts.terms.collect(item);
        if allow_listed {
            self.facts.terms.allow_listed(collected)
        } else {
            collected
        }
    }
}

/// A single-element container of one item is that item (for list comprehensions).
fn items_single(terms: &super::term::Terms, item: TermId) -> TermId {
    match terms.get(item) {
        super::term::Term::Container(items) if items.len() == 1 => items[0],
        _ => item,
    }
}

/// `k in ALLOWED` (possibly inside an `and`), where `k` is a loop target.
pub(crate) fn is_membership_filter(condition: &Expr, targets: &[&str], depth: Depth) -> bool {
    let Some(depth) = depth.deeper() else {
        return false;
    };
    match condition {
        Expr::BoolOp(boolop) if boolop.op == ast::BoolOp::And => boolop
            .values
            .iter()
            .any(|value| is_membership_filter(value, targets, depth)),
        Expr::Compare(compare) => {
            compare.ops.len() == 1
                && compare.ops[0] == CmpOp::In
                && matches!(&*compare.left, Expr::Name(name) if targets.contains(&name.id.as_str()))
        }
        _ => false,
    }
}

/// A string literal or f-string (the left side of `%` formatting, one side of `+`).
pub(crate) fn is_string_expr(expr: &Expr) -> bool {
    matches!(expr, Expr::StringLiteral(_) | Expr::FString(_))
}
