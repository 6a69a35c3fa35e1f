//! The walk's nesting bound, for helpers that recurse over the tree on their own.
//!
//! A rule's check runs on a node before the walk descends into it, and may look deep into it (a
//! condition, a chain of calls): such a helper recurses at most [`MAX_NESTING`] levels, as the
//! walk does, and past that gives up as if the shape did not match. The walk reports the file as
//! nested too deep (FC000) when it gets there.

use flaskcheck_python::ast::visitor::{walk_expr, Visitor};
use flaskcheck_python::ast::Expr;

use super::MAX_NESTING;

/// How many more levels a recursive helper may descend.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Depth(u32);

impl Depth {
    /// A helper's first call.
    pub(crate) const MAX: Depth = Depth(MAX_NESTING);

    /// A bound of `levels`, for a helper that looks less deep than the walk.
    pub(crate) const fn levels(levels: u32) -> Depth {
        Depth(levels)
    }

    /// One level deeper, or `None` past the bound.
    pub(crate) fn deeper(self) -> Option<Depth> {
        self.0.checked_sub(1).map(Depth)
    }
}

/// Calls `f` on `expr` and every expression inside it, down to [`MAX_NESTING`] levels.
pub(crate) fn for_each_expr(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    for_each_expr_within(expr, Depth::MAX, f);
}

/// Calls `f` on `expr` and every expression inside it, `depth` levels down (`expr` itself is the
/// first).
pub(crate) fn for_each_expr_within(expr: &Expr, depth: Depth, f: &mut dyn FnMut(&Expr)) {
    struct Walk<'f> {
        f: &'f mut dyn FnMut(&Expr),
        depth: Depth,
    }
    impl<'a> Visitor<'a> for Walk<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            let Some(inner) = self.depth.deeper() else {
                return;
            };
            (self.f)(expr);
            let outer = std::mem::replace(&mut self.depth, inner);
            walk_expr(self, expr);
            self.depth = outer;
        }
    }
    Walk { f, depth }.visit_expr(expr);
}
