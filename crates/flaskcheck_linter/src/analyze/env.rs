//! The names of one scope and the terms they hold at the current point of the walk.
//!
//! Branches are walked in place: inside a branch every binding is logged, and when the branch
//! ends its changes are read off the log and undone. Walking a branch costs what the branch
//! binds, not the size of the scope, which matters in long functions full of `if`s.

use flaskcheck_python::ast::name::Name;
use rustc_hash::FxHashMap;

use super::term::TermId;

/// What a branch bound: each name once, with the term it held when the branch ended.
pub(super) type Changes = Vec<(Name, TermId)>;

#[derive(Debug, Default)]
pub(super) struct Env {
    map: FxHashMap<Name, TermId>,
    /// Bindings made inside open branches, with the term each name held before (None: unbound).
    trail: Vec<(Name, Option<TermId>)>,
    open_branches: u32,
}

impl Env {
    pub(super) fn get(&self, name: &str) -> Option<TermId> {
        self.map.get(name).copied()
    }

    pub(super) fn insert(&mut self, name: Name, term: TermId) {
        let previous = self.map.insert(name.clone(), term);
        if self.open_branches > 0 && previous != Some(term) {
            self.trail.push((name, previous));
        }
    }

    /// Starts a branch; pass the mark to [`Env::rewind`] when it ends.
    pub(super) fn mark(&mut self) -> usize {
        self.open_branches += 1;
        self.trail.len()
    }

    /// Ends a branch: returns what it bound and puts every binding back as it was at `mark`.
    pub(super) fn rewind(&mut self, mark: usize) -> Changes {
        let mut changes: Changes = Vec::new();
        for (name, _) in &self.trail[mark..] {
            if !changes.iter().any(|(changed, _)| changed == name) {
                if let Some(&term) = self.map.get(name) {
                    changes.push((name.clone(), term));
                }
            }
        }
        while self.trail.len() > mark {
            let (name, previous) = self.trail.pop().expect("trail longer than mark");
            match previous {
                Some(term) => self.map.insert(name, term),
                None => self.map.remove(&name),
            };
        }
        self.open_branches -= 1;
        changes
    }
}
