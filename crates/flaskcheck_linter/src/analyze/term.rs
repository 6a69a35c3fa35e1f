//! Terms: what an expression holds, written down during the file pass before anything about the
//! rest of the project is known.
//!
//! The file pass cannot tell whether `User` is a model (its class may live in another file) or
//! what `find_user(id)` returns, so it does not decide. It translates each interesting expression
//! into a term, with local names already replaced by the terms they were assigned (flow-sensitive:
//! `user = user.to_dict()` rebinds `user`), and module-level names written as qualified
//! [`Symbol`]s. After every file is indexed, [`crate::index::Evaluator`] gives each term its
//! meaning (a model instance, a Mongo cursor, request data...). Terms live in a per-file arena and
//! are referred to by [`TermId`], so copying one is free.

use flaskcheck_python::ast::name::Name;
use flaskcheck_python::TextRange;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::{serde_as, DeserializeAs, SerializeAs};

/// A qualified name: `flask.request`, `blog.models.user.User`, `blog.api.users.get_user`.
pub type Symbol = Box<str>;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TermId(u32);

impl TermId {
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }

    /// Nothing known: a value the analysis cannot follow, and that no rule is interested in.
    pub const UNKNOWN: TermId = TermId(0);
    /// Built only from literals.
    pub const CONST: TermId = TermId(1);

    pub fn is_unknown(self) -> bool {
        self == TermId::UNKNOWN
    }

    /// Neither unknown nor a constant: worth evaluating.
    pub fn is_interesting(self) -> bool {
        self.0 > 1
    }
}

/// A subscript key, as far as it is literal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Key {
    Str(Box<str>),
    Int(i64),
    Slice,
    Dynamic(TermId),
}

#[serde_as]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Term {
    Unknown,
    Const,
    /// A module-level name, resolved through the index: a class, a function, a module, a
    /// module-level variable, or something outside the project (`flask.request`).
    Global(Symbol),
    /// The enclosing function's parameter at this position (`self`/`cls` are not counted).
    Param(u16),
    /// `self` in a method of the file's class with this index.
    SelfOf(u32),
    /// `cls` in a classmethod of the file's class with this index.
    ClsOf(u32),
    Attr(TermId, #[serde_as(as = "NameAsStr")] Name),
    Call(Box<CallTerm>),
    Subscript(TermId, Key),
    /// An element of an iterable: the loop variable of `for u in users`.
    Element(TermId),
    /// A list (or set, or generator) built from elements like this one.
    Collect(TermId),
    /// A literal dict or set holding these values (or a list or tuple with starred items).
    Container(Box<[TermId]>),
    /// A literal tuple or list, every position kept: `(user, 200)`, `[a, b]`.
    Sequence(Box<[TermId]>),
    /// One of these, depending on the path taken.
    Union(Box<[TermId]>),
    /// Filtered by membership in a fixed collection: `{k: v for k, v in d.items() if k in ALLOWED}`.
    AllowListed(TermId),
    /// A value stored under a literal key of a dict: `{"room": room}`.
    Keyed(Box<str>, TermId),
    /// A dict (or a list of dicts) after `d.pop("room")` or `del d["room"]`.
    WithoutKey(TermId, Box<str>),
    /// The exception bound by `except ... as e` at this handler.
    Exception(TextRange),
    /// A string built from these non-constant parts (f-string, `%`, `.format`, `+`).
    Format(Box<[TermId]>),
}

#[serde_as]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CallTerm {
    pub callee: TermId,
    pub args: Box<[TermId]>,
    #[serde_as(as = "Box<[(NameAsStr, _)]>")]
    pub keywords: Box<[(Name, TermId)]>,
    /// `**kwargs` and `*args` passed along.
    pub unpacked: Box<[TermId]>,
    /// The whole call: where a value it produces was made.
    pub range: TextRange,
}

impl CallTerm {
    pub fn keyword(&self, name: &str) -> Option<TermId> {
        self.keywords
            .iter()
            .find(|(keyword, _)| keyword.as_str() == name)
            .map(|(_, term)| *term)
    }

    /// The argument at `position`, or the keyword `name`.
    pub fn arg(&self, position: usize, name: &str) -> Option<TermId> {
        self.args
            .get(position)
            .copied()
            .or_else(|| self.keyword(name))
    }
}

/// Unions and containers wider than this are cut: they come from generated code, and a term that
/// large says nothing a rule could use.
const MAX_WIDTH: usize = 16;

/// Dotted names longer than this stay attributes of a shorter one: real qualified names are far
/// shorter, and folding every link of `x = x.a` (repeated) into a longer name would take memory
/// quadratic in the chain.
const MAX_SYMBOL_LEN: usize = 256;

/// A file's terms. Id 0 is [`Term::Unknown`] and id 1 is [`Term::Const`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Terms {
    nodes: Vec<Term>,
    /// Where each [`Term::Format`] made by [`Terms::format_at`] was built, in id order.
    format_ranges: Vec<(TermId, TextRange)>,
    /// While the file is walked: one id per global symbol and per attribute of a term, so a
    /// name read a hundred times is one term, built once. Dropped by [`Terms::finish`], so never
    /// part of a finished file's terms (nor of the cache).
    #[serde(skip)]
    globals: FxHashMap<Symbol, TermId>,
    #[serde(skip)]
    attrs: FxHashMap<(TermId, Name), TermId>,
}

impl Default for Terms {
    fn default() -> Self {
        Self {
            nodes: vec![Term::Unknown, Term::Const],
            format_ranges: Vec::new(),
            globals: FxHashMap::default(),
            attrs: FxHashMap::default(),
        }
    }
}

impl Terms {
    pub fn with_capacity(capacity: usize) -> Self {
        let mut terms = Self::default();
        terms.nodes.reserve(capacity);
        terms.globals.reserve(capacity / 4);
        terms.attrs.reserve(capacity / 4);
        terms
    }

    pub fn get(&self, id: TermId) -> &Term {
        &self.nodes[id.0 as usize]
    }

    /// Every term of the file, with its id.
    pub fn iter(&self) -> impl Iterator<Item = (TermId, &Term)> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(index, term)| (TermId(index as u32), term))
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    fn push(&mut self, term: Term) -> TermId {
        let id =
            TermId(u32::try_from(self.nodes.len()).expect("fewer than 4 billion terms in a file"));
        self.nodes.push(term);
        id
    }

    pub fn global(&mut self, symbol: &str) -> TermId {
        // Looked up by the borrowed text: most reads of a global name find its term, and then
        // nothing is allocated.
        if let Some(&id) = self.globals.get(symbol) {
            return id;
        }
        let symbol: Symbol = symbol.into();
        let id = self.push(Term::Global(symbol.clone()));
        self.globals.insert(symbol, id);
        id
    }

    /// Drops what only the walk needs.
    pub fn finish(&mut self) {
        self.globals = FxHashMap::default();
        self.attrs = FxHashMap::default();
        self.nodes.shrink_to_fit();
    }

    pub fn param(&mut self, index: u16) -> TermId {
        self.push(Term::Param(index))
    }

    pub fn self_of(&mut self, class: u32) -> TermId {
        self.push(Term::SelfOf(class))
    }

    pub fn cls_of(&mut self, class: u32) -> TermId {
        self.push(Term::ClsOf(class))
    }

    pub fn exception(&mut self, range: TextRange) -> TermId {
        self.push(Term::Exception(range))
    }

    /// `value.attr`. Attributes of modules and other globals fold into one dotted symbol (up to
    /// [`MAX_SYMBOL_LEN`]), which the index resolves through modules and module-level bindings
    /// alike.
    pub fn attr(&mut self, value: TermId, attr: &str) -> TermId {
        if !value.is_interesting() {
            return TermId::UNKNOWN;
        }
        let key = (value, Name::new(attr));
        if let Some(&id) = self.attrs.get(&key) {
            return id;
        }
        let id = match self.get(value) {
            Term::Global(symbol) if symbol.len() + attr.len() < MAX_SYMBOL_LEN => {
                let symbol = format!("{symbol}.{attr}");
                self.global(&symbol)
            }
            _ => self.push(Term::Attr(value, key.1.clone())),
        };
        self.attrs.insert(key, id);
        id
    }

    pub fn call(&mut self, call: CallTerm) -> TermId {
        if call.callee.is_unknown() || *self.get(call.callee) == Term::Const {
            return TermId::UNKNOWN;
        }
        self.push(Term::Call(Box::new(call)))
    }

    pub fn subscript(&mut self, value: TermId, key: Key) -> TermId {
        if !value.is_interesting() {
            return TermId::UNKNOWN;
        }
        // `(a, b)[0]` and tuple unpacking of a literal pick the element directly.
        if let (Term::Sequence(items), Key::Int(index)) = (self.get(value), &key) {
            if let Some(&item) = position(items.len(), *index).and_then(|i| items.get(i)) {
                return item;
            }
        }
        self.push(Term::Subscript(value, key))
    }

    pub fn element(&mut self, iterable: TermId) -> TermId {
        if !iterable.is_interesting() {
            return iterable;
        }
        self.push(Term::Element(iterable))
    }

    pub fn collect(&mut self, element: TermId) -> TermId {
        if !element.is_interesting() {
            return element;
        }
        self.push(Term::Collect(element))
    }

    pub fn allow_listed(&mut self, term: TermId) -> TermId {
        if !term.is_interesting() {
            return term;
        }
        self.push(Term::AllowListed(term))
    }

    /// A literal holding these values: constants and unknowns drop out.
    pub fn container(&mut self, items: impl IntoIterator<Item = TermId>) -> TermId {
        let kept = self.interesting(items);
        match kept.len() {
            0 => TermId::CONST,
            _ => self.push(Term::Container(kept.into_boxed_slice())),
        }
    }

    pub fn keyed(&mut self, key: &str, value: TermId) -> TermId {
        if !value.is_interesting() {
            return value;
        }
        self.push(Term::Keyed(key.into(), value))
    }

    pub fn without_key(&mut self, value: TermId, key: &str) -> TermId {
        if !value.is_interesting() {
            return value;
        }
        self.push(Term::WithoutKey(value, key.into()))
    }

    /// A literal tuple or list: positions matter to unpacking (`user, status = find(), 200`).
    pub fn sequence(&mut self, items: Vec<TermId>) -> TermId {
        if !items.iter().any(|item| item.is_interesting()) {
            return TermId::CONST;
        }
        if items.len() > MAX_WIDTH * 4 {
            return self.container(items);
        }
        self.push(Term::Sequence(items.into_boxed_slice()))
    }

    /// Any of these. A union of one is that one.
    pub fn union(&mut self, items: impl IntoIterator<Item = TermId>) -> TermId {
        let mut any_const = false;
        let mut kept = Vec::new();
        for item in items {
            if item == TermId::CONST {
                any_const = true;
            }
            if item.is_interesting() && !kept.contains(&item) {
                kept.push(item);
            }
        }
        match kept.len() {
            0 if any_const => TermId::CONST,
            0 => TermId::UNKNOWN,
            1 => kept[0],
            _ => {
                kept.truncate(MAX_WIDTH);
                self.push(Term::Union(kept.into_boxed_slice()))
            }
        }
    }

    /// A string built from parts; only the non-constant parts are kept.
    pub fn format(&mut self, parts: impl IntoIterator<Item = TermId>) -> TermId {
        let mut dynamic = false;
        let mut kept = Vec::new();
        for part in parts {
            if part != TermId::CONST {
                dynamic = true;
            }
            if part.is_interesting() && !kept.contains(&part) {
                kept.push(part);
            }
        }
        if !dynamic {
            return TermId::CONST;
        }
        kept.truncate(MAX_WIDTH);
        self.push(Term::Format(kept.into_boxed_slice()))
    }

    /// [`Terms::format`] for the string-building expression at `range`, which
    /// [`Terms::format_range`] gives back (rules report where a string was built, not only where
    /// it is used).
    pub fn format_at(
        &mut self,
        parts: impl IntoIterator<Item = TermId>,
        range: TextRange,
    ) -> TermId {
        let id = self.format(parts);
        if id.is_interesting() {
            self.format_ranges.push((id, range));
        }
        id
    }

    /// Where a [`Term::Format`] was built, when it was made by [`Terms::format_at`].
    pub fn format_range(&self, id: TermId) -> Option<TextRange> {
        self.format_ranges
            .binary_search_by_key(&id, |&(term, _)| term)
            .ok()
            .map(|index| self.format_ranges[index].1)
    }

    fn interesting(&self, items: impl IntoIterator<Item = TermId>) -> Vec<TermId> {
        let mut kept: Vec<TermId> = Vec::new();
        for item in items {
            if item.is_interesting() && !kept.contains(&item) {
                kept.push(item);
                if kept.len() == MAX_WIDTH {
                    break;
                }
            }
        }
        kept
    }

    /// Whether `term` mentions a parameter of its function (then its meaning depends on the
    /// arguments of each call).
    pub fn mentions_param(&self, term: TermId, budget: u32) -> bool {
        self.mentions_param_in(term, budget, &mut Visited::default())
    }

    fn mentions_param_in(&self, term: TermId, budget: u32, visited: &mut Visited) -> bool {
        if budget == 0 || !visited.first_visit(term, budget) {
            return false;
        }
        let budget = budget - 1;
        match self.get(term) {
            Term::Param(_) => true,
            Term::Unknown
            | Term::Const
            | Term::Global(_)
            | Term::SelfOf(_)
            | Term::ClsOf(_)
            | Term::Exception(_) => false,
            Term::Attr(inner, _)
            | Term::Subscript(inner, _)
            | Term::Element(inner)
            | Term::Collect(inner)
            | Term::Keyed(_, inner)
            | Term::WithoutKey(inner, _)
            | Term::AllowListed(inner) => self.mentions_param_in(*inner, budget, visited),
            Term::Call(call) => {
                self.mentions_param_in(call.callee, budget, visited)
                    || call
                        .args
                        .iter()
                        .any(|&arg| self.mentions_param_in(arg, budget, visited))
                    || call
                        .keywords
                        .iter()
                        .any(|(_, arg)| self.mentions_param_in(*arg, budget, visited))
                    || call
                        .unpacked
                        .iter()
                        .any(|&arg| self.mentions_param_in(arg, budget, visited))
            }
            Term::Container(items)
            | Term::Sequence(items)
            | Term::Union(items)
            | Term::Format(items) => items
                .iter()
                .any(|&item| self.mentions_param_in(item, budget, visited)),
        }
    }
}

/// The terms a bounded search through terms' parts has looked at, with the budget it had left
/// there. Terms share their parts (`x = [x, x.a]` repeated, or in a loop, makes one term reachable
/// by many paths), so a search that does not remember them takes time exponential in its budget.
/// A search whose result depends on more than the term keys its visits by that too.
#[derive(Debug)]
pub(crate) struct Visited<K = TermId>(FxHashMap<K, u32>);

impl<K> Default for Visited<K> {
    fn default() -> Self {
        Visited(FxHashMap::default())
    }
}

impl<K: std::hash::Hash + Eq> Visited<K> {
    /// Whether a search is to look at `term` with `budget` left: not when it already has, with as
    /// much budget or more (it found there everything it could find now).
    pub(crate) fn first_visit(&mut self, term: K, budget: u32) -> bool {
        match self.0.get(&term) {
            Some(&seen) if seen >= budget => false,
            _ => {
                self.0.insert(term, budget);
                true
            }
        }
    }
}

/// The index `index` names in a sequence of `len` items (negative from the end).
pub fn position(len: usize, index: i64) -> Option<usize> {
    if index >= 0 {
        usize::try_from(index).ok()
    } else {
        len.checked_sub(usize::try_from(index.unsigned_abs()).ok()?)
    }
}

impl Terms {
    /// A readable form of a term, for tests and `flaskcheck debug` output.
    pub fn render(&self, term: TermId) -> String {
        self.render_bounded(term, 12)
    }

    fn render_bounded(&self, term: TermId, budget: u32) -> String {
        if budget == 0 {
            return "…".to_string();
        }
        let budget = budget - 1;
        let list = |items: &[TermId], separator: &str| {
            items
                .iter()
                .map(|&item| self.render_bounded(item, budget))
                .collect::<Vec<_>>()
                .join(separator)
        };
        match self.get(term) {
            Term::Unknown => "?".to_string(),
            Term::Const => "const".to_string(),
            Term::Global(symbol) => symbol.to_string(),
            Term::Param(index) => format!("param{index}"),
            Term::SelfOf(_) => "self".to_string(),
            Term::ClsOf(_) => "cls".to_string(),
            Term::Attr(inner, name) => format!("{}.{name}", self.render_bounded(*inner, budget)),
            Term::Call(call) => {
                let mut args: Vec<String> = call
                    .args
                    .iter()
                    .map(|&arg| self.render_bounded(arg, budget))
                    .collect();
                args.extend(
                    call.keywords
                        .iter()
                        .map(|(name, arg)| format!("{name}={}", self.render_bounded(*arg, budget))),
                );
                args.extend(
                    call.unpacked
                        .iter()
                        .map(|&arg| format!("**{}", self.render_bounded(arg, budget))),
                );
                format!(
                    "{}({})",
                    self.render_bounded(call.callee, budget),
                    args.join(", ")
                )
            }
            Term::Subscript(inner, key) => {
                let key = match key {
                    Key::Str(name) => format!("{name:?}"),
                    Key::Int(index) => index.to_string(),
                    Key::Slice => ":".to_string(),
                    Key::Dynamic(term) => self.render_bounded(*term, budget),
                };
                format!("{}[{key}]", self.render_bounded(*inner, budget))
            }
            Term::Element(inner) => format!("elem({})", self.render_bounded(*inner, budget)),
            Term::Collect(inner) => format!("[{}]", self.render_bounded(*inner, budget)),
            Term::Container(items) => format!("{{{}}}", list(items, ", ")),
            Term::Sequence(items) => format!("({})", list(items, ", ")),
            Term::Union(items) => list(items, " | "),
            Term::AllowListed(inner) => format!("allow({})", self.render_bounded(*inner, budget)),
            Term::Keyed(key, inner) => format!("{key:?}: {}", self.render_bounded(*inner, budget)),
            Term::WithoutKey(inner, key) => {
                format!("{} without {key:?}", self.render_bounded(*inner, budget))
            }
            Term::Exception(_) => "exception".to_string(),
            Term::Format(items) => format!("fmt({})", list(items, ", ")),
        }
    }
}

impl Terms {
    /// The term with each of its parts replaced by `f(part)`.
    fn map_parts(&self, term: &Term, f: &mut impl FnMut(TermId) -> TermId) -> Term {
        let mut list =
            |items: &[TermId]| items.iter().map(|&item| f(item)).collect::<Box<[TermId]>>();
        match term {
            Term::Unknown
            | Term::Const
            | Term::Global(_)
            | Term::Param(_)
            | Term::SelfOf(_)
            | Term::ClsOf(_)
            | Term::Exception(_) => term.clone(),
            Term::Attr(inner, name) => Term::Attr(f(*inner), name.clone()),
            Term::Call(call) => {
                let callee = f(call.callee);
                let args = call.args.iter().map(|&arg| f(arg)).collect();
                let keywords = call
                    .keywords
                    .iter()
                    .map(|(name, arg)| (name.clone(), f(*arg)))
                    .collect();
                let unpacked = call.unpacked.iter().map(|&arg| f(arg)).collect();
                Term::Call(Box::new(CallTerm {
                    callee,
                    args,
                    keywords,
                    unpacked,
                    range: call.range,
                }))
            }
            Term::Subscript(inner, key) => {
                let inner = f(*inner);
                let key = match key {
                    Key::Dynamic(key) => Key::Dynamic(f(*key)),
                    other => other.clone(),
                };
                Term::Subscript(inner, key)
            }
            Term::Element(inner) => Term::Element(f(*inner)),
            Term::Collect(inner) => Term::Collect(f(*inner)),
            Term::Container(items) => Term::Container(list(items)),
            Term::Sequence(items) => Term::Sequence(list(items)),
            Term::Union(items) => Term::Union(list(items)),
            Term::AllowListed(inner) => Term::AllowListed(f(*inner)),
            Term::Keyed(key, inner) => Term::Keyed(key.clone(), f(*inner)),
            Term::WithoutKey(inner, key) => Term::WithoutKey(f(*inner), key.clone()),
            Term::Format(items) => Term::Format(list(items)),
        }
    }

    /// Keeps the terms reachable from `roots` (and [`TermId::UNKNOWN`], [`TermId::CONST`]),
    /// in their order, and returns the new id of every old one (`UNKNOWN` for those dropped).
    /// A term's parts are always built before it, so the new arena keeps that order too.
    pub(crate) fn compact(&mut self, roots: &[TermId]) -> Vec<TermId> {
        let mut live = vec![false; self.nodes.len()];
        live[0] = true;
        live[1] = true;
        let mut stack: Vec<TermId> = roots.to_vec();
        while let Some(term) = stack.pop() {
            if std::mem::replace(&mut live[term.index()], true) {
                continue;
            }
            for_each_part(self.get(term), &mut |part| stack.push(part));
        }
        let mut remap = vec![TermId::UNKNOWN; self.nodes.len()];
        let mut nodes = Vec::with_capacity(live.iter().filter(|&&l| l).count());
        for (old, node) in self.nodes.iter().enumerate() {
            if !live[old] {
                continue;
            }
            let new = TermId(u32::try_from(nodes.len()).expect("fewer than 4 billion terms"));
            nodes.push(self.map_parts(node, &mut |part| remap[part.index()]));
            remap[old] = new;
        }
        self.nodes = nodes;
        self.format_ranges = std::mem::take(&mut self.format_ranges)
            .into_iter()
            .filter(|(id, _)| live[id.index()])
            .map(|(id, range)| (remap[id.index()], range))
            .collect();
        remap
    }
}

/// Calls `f` on each of a term's parts.
fn for_each_part(term: &Term, f: &mut impl FnMut(TermId)) {
    match term {
        Term::Unknown
        | Term::Const
        | Term::Global(_)
        | Term::Param(_)
        | Term::SelfOf(_)
        | Term::ClsOf(_)
        | Term::Exception(_) => {}
        Term::Attr(inner, _)
        | Term::Element(inner)
        | Term::Collect(inner)
        | Term::AllowListed(inner)
        | Term::Keyed(_, inner)
        | Term::WithoutKey(inner, _) => f(*inner),
        Term::Subscript(inner, key) => {
            f(*inner);
            if let Key::Dynamic(key) = key {
                f(*key);
            }
        }
        Term::Call(call) => {
            f(call.callee);
            call.args.iter().for_each(|&arg| f(arg));
            call.keywords.iter().for_each(|(_, arg)| f(*arg));
            call.unpacked.iter().for_each(|&arg| f(arg));
        }
        Term::Container(items)
        | Term::Sequence(items)
        | Term::Union(items)
        | Term::Format(items) => {
            items.iter().for_each(|&item| f(item));
        }
    }
}

/// Serializes a [`Name`] as its text: the parser's type has no serde support of its own (Ruff's
/// `serde` feature pulls in its cache crates), and a name is only ever its text.
pub(crate) struct NameAsStr;

impl SerializeAs<Name> for NameAsStr {
    fn serialize_as<S: Serializer>(name: &Name, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(name.as_str())
    }
}

impl<'de> DeserializeAs<'de, Name> for NameAsStr {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Name, D::Error> {
        struct NameVisitor;
        impl serde::de::Visitor<'_> for NameVisitor {
            type Value = Name;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a name")
            }
            // Called with the borrowed text too, so no `String` is made on the way.
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Name, E> {
                Ok(Name::new(text))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}
