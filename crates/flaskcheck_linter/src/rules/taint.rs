//! Where the data a sink receives comes from, for the rules that follow client data into a
//! dangerous call (FC402's SQL, FC601–FC608): request data, a URL parameter, a parameter whose
//! callers decide, or some other value; and what makes it safe (a sanitizer, a constant).
//!
//! Sources are what the evaluator calls request data ([`Kind::RequestData`]) plus the parameters
//! the index says the client chooses ([`ProjectIndex::param_source`]), so a source added to either
//! reaches every rule. Flow across functions and modules is the evaluator's (summaries, string
//! building); [`classify`] adds what one sink's expression needs beyond it: a part the evaluator
//! cannot resolve is taken apart (`lib.quote_path(name)` carries `name`), down to its leaves.
//!
//! [`ProjectIndex::param_source`]: crate::index::ProjectIndex::param_source

use flaskcheck_python::TextRange;

use super::flow::all_constant;
use crate::analyze::term::{Key, Term, TermId, Terms};
use crate::check::ProjectContext;
use crate::index::last_segment;
use crate::index::{keeps_text, FuncId, Kind, ParamSource, SafeFor};

/// Where a part of a sink's value comes from, least dangerous first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Taint {
    /// A value flaskcheck could not prove constant: a database value, an attribute, a call result.
    Other(String),
    /// A parameter of a function that is not a view: its callers decide.
    Param(String),
    /// A string parameter of a view, taken from the URL.
    RouteParam(String),
    /// Request data: the query string, the body, headers, cookies.
    Request(String),
}

/// What classifying the parts of one sink's value needs.
pub(crate) struct Scan<'t> {
    pub terms: &'t Terms,
    /// The function the sink is in.
    pub function: Option<FuncId>,
    /// The sink, as the evaluator's sanitizers know it: client text a sanitizer made safe for
    /// it is safe (`html.escape` before HTML).
    pub sink: SafeFor,
    /// Whether a call of this name makes its result safe for the sink (`int`, `quote_identifier`).
    pub sanitizer: fn(&str) -> bool,
    /// Calls the rule found safe in the file pass (FC402: `x.replace("'", "''")`).
    pub safe_calls: &'t [TextRange],
    /// Values checked where the sink is (see [`super::flow::Guards`]).
    pub guarded: &'t [TermId],
}

/// How deep a term is followed through unions, containers and nested strings.
pub(crate) const DEPTH: u32 = 12;

pub(crate) fn record(worst: &mut Option<Taint>, taint: Taint) {
    if worst.as_ref().is_none_or(|current| taint > *current) {
        *worst = Some(taint);
    }
}

/// Finds the most dangerous part of a sink's value.
///
/// Each part is evaluated against the index first: request data, parameters and constants are
/// known there. A part the evaluation does not prove constant is then taken apart: a value derived
/// only from constants (an attribute or item of a constant, a method of a constant called with
/// constants, `json.dumps(CONST)`, an enum member's `.value`) is constant too; what remains at the
/// leaves (a database row, `self.x`, a connection) is reported as a value that is not constant.
pub(crate) fn classify(
    ctx: &mut ProjectContext<'_, '_, '_>,
    scan: &Scan<'_>,
    term: TermId,
    worst: &mut Option<Taint>,
    depth: u32,
) {
    if depth == 0 || !term.is_interesting() {
        return;
    }
    let depth = depth - 1;
    let terms = scan.terms;
    if scan
        .guarded
        .iter()
        .any(|&guarded| guarded == term || terms.get(guarded) == terms.get(term))
    {
        return;
    }
    match terms.get(term) {
        Term::Format(parts)
        | Term::Union(parts)
        | Term::Container(parts)
        | Term::Sequence(parts) => {
            for &part in parts.iter() {
                classify(ctx, scan, part, worst, depth);
            }
            return;
        }
        Term::Keyed(_, value) | Term::WithoutKey(value, _) => {
            classify(ctx, scan, *value, worst, depth);
            return;
        }
        // Filtered through a fixed collection.
        Term::AllowListed(_) => return,
        Term::Call(call) => {
            if scan.safe_calls.contains(&call.range)
                || callee_name(terms, call.callee).is_some_and(scan.sanitizer)
            {
                return;
            }
            // `request.args.get("n", type=int)`
            if let Some(kind) = call.keyword("type") {
                if matches!(terms.get(kind), Term::Global(symbol) if matches!(&**symbol, "builtins.int" | "builtins.float" | "builtins.bool"))
                {
                    return;
                }
            }
            // `COLUMNS.get(key, default)`: a value picked from a constant mapping.
            if is_constant_lookup(ctx, terms, call.callee) {
                return;
            }
            // `str(x)` is as dangerous as `x` (the evaluator keeps only what text matters to
            // responses).
            if matches!(terms.get(call.callee), Term::Global(symbol) if matches!(&**symbol, "builtins.str" | "builtins.repr" | "builtins.format"))
            {
                for &arg in call.args.iter() {
                    classify(ctx, scan, arg, worst, depth);
                }
                return;
            }
        }
        _ => {}
    }
    let value = ctx.evaluator.eval(ctx.file_id(), term);
    let mut unresolved = value.is_empty();
    for fact in value.iter() {
        match &fact.kind {
            // Data written in the code, and code objects (a class, a module, a function).
            Kind::Const
            | Kind::Class(_)
            | Kind::Module(_)
            | Kind::Function(_)
            | Kind::BoundMethod(_)
            | Kind::External(_) => {}
            Kind::Method(receiver, _) if receiver.kind == Kind::Const => {}
            Kind::RequestData(what) => record(worst, Taint::Request(format!("`{what}`"))),
            Kind::FromRequest(what, safe) => {
                if !safe.covers(scan.sink) {
                    record(worst, Taint::Request(format!("`{what}`")));
                }
            }
            Kind::Request => record(worst, Taint::Request("the request".into())),
            Kind::Param(index) => {
                if let Some(taint) = param_taint(ctx, scan.function, *index) {
                    record(worst, taint);
                }
            }
            _ => unresolved = true,
        }
    }
    if !unresolved {
        return;
    }
    // (input, whether the value is fetched through it rather than derived from its text)
    let inputs: Vec<(TermId, bool)> = match terms.get(term) {
        Term::Attr(inner, _)
        | Term::Subscript(inner, _)
        | Term::Element(inner)
        | Term::Collect(inner) => vec![(*inner, false)],
        Term::Call(call) => {
            let mut inputs = Vec::new();
            match terms.get(call.callee) {
                Term::Attr(receiver, method) => {
                    inputs.push((*receiver, !is_text_method(method)));
                }
                // `conn.cursor()` with `conn` a module-level connection: a method of data.
                Term::Global(symbol) if !derives_from_code(ctx, symbol) => {
                    record(worst, Taint::Other(describe(ctx, scan, term)));
                }
                _ => {}
            }
            inputs.extend(call.args.iter().map(|&arg| (arg, false)));
            inputs.extend(call.keywords.iter().map(|(_, arg)| (*arg, false)));
            inputs.extend(call.unpacked.iter().map(|&arg| (arg, false)));
            inputs
        }
        // `Mode.disabled.value`, `settings.TABLE.upper`: an attribute chain off a constant, a class
        // or a module is written in the code.
        Term::Global(symbol) if derives_from_code(ctx, symbol) => return,
        // A leaf that holds data from outside the code: `self`, a connection, a row.
        _ => {
            record(worst, Taint::Other(describe(ctx, scan, term)));
            return;
        }
    };
    for (input, fetched) in inputs {
        let mut inner = None;
        classify(ctx, scan, input, &mut inner, depth);
        match inner {
            // Rows fetched through a connection passed in, a value derived from a database value:
            // reported as the value the string uses.
            Some(Taint::Other(_)) => record(worst, Taint::Other(describe(ctx, scan, term))),
            Some(Taint::Param(_) | Taint::RouteParam(_)) if fetched => {
                record(worst, Taint::Other(describe(ctx, scan, term)))
            }
            Some(taint) => record(worst, taint),
            None => {}
        }
    }
}

/// `MAPPING.get` (or `[...]`-like lookups) on a mapping written in the code.
fn is_constant_lookup(ctx: &mut ProjectContext<'_, '_, '_>, terms: &Terms, callee: TermId) -> bool {
    let value = match terms.get(callee) {
        Term::Attr(receiver, method) if matches!(method.as_str(), "get" | "__getitem__") => {
            ctx.evaluator.eval(ctx.file_id(), *receiver)
        }
        Term::Global(symbol) => match symbol.rsplit_once('.') {
            Some((receiver, "get" | "__getitem__")) => ctx.evaluator.resolve(receiver),
            _ => return false,
        },
        _ => return false,
    };
    all_constant(&value)
}

/// Methods whose result is the receiver's text, transformed, or a part of it.
fn is_text_method(name: &str) -> bool {
    keeps_text(name) || matches!(name, "get" | "pop" | "getlist")
}

/// Whether `symbol` (a name held by a `Global` term, such as the callee `conn.cursor` or the
/// value `Mode.disabled.value`) hangs off code: the nearest prefix that means something is a
/// constant, a class or a module. A module-level variable that flaskcheck cannot evaluate
/// (`conn = psycopg2.connect(...)`) is data, not code.
fn derives_from_code(ctx: &mut ProjectContext<'_, '_, '_>, symbol: &str) -> bool {
    let mut prefix = symbol;
    while let Some((head, _)) = prefix.rsplit_once('.') {
        prefix = head;
        let value = ctx.evaluator.resolve(prefix);
        if value.is_empty() {
            if is_module_variable(ctx, prefix) {
                return false;
            }
            continue;
        }
        return value.iter().all(|fact| {
            matches!(
                fact.kind,
                Kind::Const
                    | Kind::Class(_)
                    | Kind::Module(_)
                    | Kind::External(_)
                    | Kind::Function(_)
            )
        });
    }
    false
}

/// `pkg.module.name` where `name` is assigned at the module level of a project module.
fn is_module_variable(ctx: &ProjectContext<'_, '_, '_>, symbol: &str) -> bool {
    let Some((module, name)) = symbol.rsplit_once('.') else {
        return false;
    };
    ctx.index
        .module(module)
        .and_then(|file| ctx.index.facts(file))
        .is_some_and(|facts| {
            facts
                .globals
                .iter()
                .any(|binding| binding.name.as_str() == name)
        })
}

/// What a parameter of the function holding the sink may carry; `None` for a URL parameter
/// whose converter only lets numbers through (`<int:id>`).
pub(crate) fn param_taint(
    ctx: &ProjectContext<'_, '_, '_>,
    function: Option<FuncId>,
    index: u16,
) -> Option<Taint> {
    let Some(function) = function else {
        return Some(Taint::Other("a parameter".into()));
    };
    let facts = ctx.index.function(function);
    let name = facts
        .params
        .get(index as usize)
        .map_or("?", |name| name.as_str());
    match ctx.index.param_source(function, index) {
        ParamSource::Caller => Some(Taint::Param(format!(
            "parameter `{name}` of `{}()`",
            facts.name
        ))),
        ParamSource::ClientNumber => None,
        ParamSource::Client => Some(Taint::RouteParam(format!(
            "`{name}` of view `{}()`",
            facts.name
        ))),
    }
}

/// A short name for what a term holds, for messages.
pub(crate) fn describe(ctx: &ProjectContext<'_, '_, '_>, scan: &Scan<'_>, term: TermId) -> String {
    let mut out = String::new();
    write_term(scan.terms, term, scan.function, ctx, &mut out, 4);
    if out.is_empty() || out.len() > 60 {
        "computed at run time".into()
    } else {
        format!("`{out}`")
    }
}

fn write_term(
    terms: &Terms,
    term: TermId,
    function: Option<FuncId>,
    ctx: &ProjectContext<'_, '_, '_>,
    out: &mut String,
    depth: u32,
) {
    if depth == 0 {
        out.push_str("...");
        return;
    }
    match terms.get(term) {
        Term::Global(symbol) => out.push_str(last_segment(symbol)),
        Term::Param(index) => {
            let name = function
                .and_then(|f| ctx.index.function(f).params.get(*index as usize))
                .map_or("?", |name| name.as_str());
            out.push_str(name);
        }
        Term::SelfOf(_) => out.push_str("self"),
        Term::ClsOf(_) => out.push_str("cls"),
        Term::Attr(inner, name) => {
            write_term(terms, *inner, function, ctx, out, depth - 1);
            out.push('.');
            out.push_str(name);
        }
        Term::Call(call) => {
            write_term(terms, call.callee, function, ctx, out, depth - 1);
            out.push_str("(...)");
        }
        Term::Subscript(inner, key) => {
            write_term(terms, *inner, function, ctx, out, depth - 1);
            match key {
                Key::Str(key) => out.push_str(&format!("[{key:?}]")),
                Key::Int(index) => out.push_str(&format!("[{index}]")),
                _ => out.push_str("[...]"),
            }
        }
        Term::Element(inner) => {
            out.push_str("item of ");
            write_term(terms, *inner, function, ctx, out, depth - 1);
        }
        _ => {}
    }
}

/// The name a call's callee goes by: `quote` for `shlex.quote` and `conn.quote`.
pub(crate) fn callee_name(terms: &Terms, callee: TermId) -> Option<&str> {
    match terms.get(callee) {
        Term::Attr(_, name) => Some(name.as_str()),
        Term::Global(symbol) => Some(last_segment(symbol)),
        _ => None,
    }
}
