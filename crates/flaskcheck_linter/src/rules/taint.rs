//! Where the data a sink receives comes from, for the rules that follow client data into a
//! dangerous call (FC402's SQL, FC601–FC608): request data, a URL parameter, a parameter whose
//! callers decide, or some other value; and what makes it safe (a sanitizer, a constant).
//!
//! Sources are what the evaluator calls request data ([`Kind::RequestData`]) plus the parameters
//! the index says the client chooses ([`ProjectIndex::client_param`]), so a source added to either
//! reaches every rule. Flow across functions and modules is the evaluator's (summaries, string
//! building); [`classify`] adds what one sink's expression needs beyond it: a part the evaluator
//! cannot resolve is taken apart (`lib.quote_path(name)` carries `name`), down to its leaves.
//!
//! [`ProjectIndex::client_param`]: crate::index::ProjectIndex::client_param

use std::cell::RefCell;

use flaskcheck_python::ast::name::Name;
use flaskcheck_python::ast::{self as ast, Expr};
use flaskcheck_python::TextRange;
use rustc_hash::FxHashMap;

use super::config_context::is_test_path;
use super::flow::{self, all_constant, Check, Guards};
use crate::analyze::facts::Deferred;
use crate::analyze::term::{Key, Term, TermId, Terms};
use crate::analyze::{Checker, Symbol};
use crate::check::ProjectContext;
use crate::diagnostic::Diagnostic;
use crate::index::last_segment;
use crate::index::{carries, keeps_text, FuncId, Kind, Origin, SafeFor};
use crate::registry::Rule;
use crate::source::FileId;

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

/// The most dangerous part of a sink's value, and where it was read when the evaluator knows (a
/// helper's `return`, a call that passed it on).
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub taint: Taint,
    pub read_at: Option<Origin>,
    /// For a URL parameter: the view and the parameter's position.
    pub param: Option<(FuncId, u16)>,
}

/// What classifying the parts of one sink's value needs.
pub(crate) struct Scan<'t> {
    /// The file the terms are of.
    pub file: FileId,
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
    /// The kinds of check the rule honours (in helpers too, see `reads_helpers`).
    pub checks: &'t [Check],
    /// Whether a call to a project function is read through the function: it returns what its
    /// summary says and nothing more, and nothing the client sent when each of its returns is
    /// checked (`get_safe_redirect(url)` returns `url` only after `is_safe_url(url)`). FC402 reads
    /// it the other way: a call the summary says nothing of may return anything its arguments hold.
    pub reads_helpers: bool,
    /// What [`classify`] found under each term, with the depth it had left there: terms share
    /// parts, and without this a value built in a loop takes time exponential in the depth.
    pub classified: RefCell<FxHashMap<TermId, (u32, Option<Found>)>>,
}

/// How deep a term is followed through unions, containers and nested strings.
pub(crate) const DEPTH: u32 = 12;

fn record(worst: &mut Option<Found>, taint: Taint) {
    record_at(worst, taint, None);
}

fn record_at(worst: &mut Option<Found>, taint: Taint, read_at: Option<Origin>) {
    record_found(
        worst,
        Found {
            taint,
            read_at,
            param: None,
        },
    );
}

fn record_found(worst: &mut Option<Found>, found: Found) {
    if worst
        .as_ref()
        .is_none_or(|current| found.taint > current.taint)
    {
        *worst = Some(found);
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
    worst: &mut Option<Found>,
    depth: u32,
) {
    if depth == 0 || !term.is_interesting() {
        return;
    }
    let known = match scan.classified.borrow().get(&term) {
        Some((seen, found)) if *seen >= depth => Some(found.clone()),
        _ => None,
    };
    let found = known.unwrap_or_else(|| {
        let mut found = None;
        classify_parts(ctx, scan, term, &mut found, depth);
        scan.classified
            .borrow_mut()
            .insert(term, (depth, found.clone()));
        found
    });
    if let Some(found) = found {
        record_found(worst, found);
    }
}

/// [`classify`] for a term not classified yet (with as much depth).
fn classify_parts(
    ctx: &mut ProjectContext<'_, '_, '_>,
    scan: &Scan<'_>,
    term: TermId,
    worst: &mut Option<Found>,
    depth: u32,
) {
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
        // A call on a value checked here (`os.path.join(ROOT, name)` after `name` was checked):
        // its parts are read one by one, since the evaluator's value would merge the checked one.
        Term::Call(call)
            if scan.reads_helpers
                && !scan.guarded.is_empty()
                && mentions_any(terms, term, scan.guarded, 6) =>
        {
            let parts = call
                .args
                .iter()
                .chain(call.keywords.iter().map(|(_, arg)| arg));
            let receiver = match terms.get(call.callee) {
                Term::Attr(receiver, method) if keeps_text(method) => Some(receiver),
                _ => None,
            };
            let library = matches!(terms.get(call.callee), Term::Global(symbol) if carries(symbol));
            if receiver.is_none() && !library {
                return;
            }
            for &part in parts.chain(receiver) {
                classify(ctx, scan, part, worst, depth);
            }
            return;
        }
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
            if scan.reads_helpers && returns_checked(ctx, scan, call.callee, depth) {
                return;
            }
            // `COLUMNS.get(key, default)`: a value picked from a constant mapping.
            if is_constant_lookup(ctx, scan.file, terms, call.callee) {
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
    let value = ctx.evaluator.eval(scan.file, term);
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
            Kind::RequestData(what) | Kind::DeclaredRequest { source: what, .. } => {
                record_at(worst, Taint::Request(format!("`{what}`")), fact.origin)
            }
            Kind::FromRequest(what, safe) => {
                if !safe.covers(scan.sink) {
                    record_at(worst, Taint::Request(format!("`{what}`")), fact.origin);
                }
            }
            Kind::Request => record(worst, Taint::Request("the request".into())),
            Kind::Param(index) => {
                if let Some(taint) = param_taint(ctx, scan.function, *index) {
                    let param = scan.function.map(|function| (function, *index));
                    record_found(
                        worst,
                        Found {
                            taint,
                            read_at: None,
                            param,
                        },
                    );
                }
            }
            // Read through helpers, what the evaluator resolved (a model row, a response) is
            // what it is; FC402 takes apart what is not known to be constant.
            _ => unresolved |= !scan.reads_helpers,
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
            // Read through helpers, a call the evaluator could not see into carries nothing but
            // the text a text method transforms (`name.strip()` of a URL parameter): the library
            // calls that carry client data are the evaluator's, and a function it does not know
            // (`requests.get(url)`, an unresolved method) returns something else.
            if scan.reads_helpers
                && !matches!(terms.get(call.callee), Term::Attr(_, method) if keeps_text(method))
            {
                return;
            }
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
        let Some(found) = inner else {
            continue;
        };
        match found.taint {
            // Rows fetched through a connection passed in, a value derived from a database value:
            // reported as the value the string uses.
            Taint::Other(_) => record(worst, Taint::Other(describe(ctx, scan, term))),
            Taint::Param(_) | Taint::RouteParam(_) if fetched => {
                record(worst, Taint::Other(describe(ctx, scan, term)))
            }
            _ => record_found(worst, found),
        }
    }
}

/// Whether a callee is one or more functions of the project that check what they return: each
/// `return` carries nothing the client sent, or only a value checked where it returns
/// (`if target and is_safe_url(target): return target`), as the running rule reads checks.
fn returns_checked(
    ctx: &mut ProjectContext<'_, '_, '_>,
    scan: &Scan<'_>,
    callee: TermId,
    depth: u32,
) -> bool {
    let functions: Vec<FuncId> = ctx
        .evaluator
        .eval(scan.file, callee)
        .iter()
        .filter_map(|fact| match fact.kind {
            Kind::Function(function) | Kind::BoundMethod(function) => Some(function),
            _ => None,
        })
        .collect();
    if functions.is_empty() || depth == 0 {
        return false;
    }
    for function in functions {
        let file = ctx.index.function_file(function);
        let facts = ctx.index.function(function);
        let Some(terms) = ctx.index.facts(file).map(|facts| &facts.terms) else {
            return false;
        };
        let local = function.0 - ctx.index.function_id(file, 0).0;
        let guards = Guards::in_file(ctx, file, scan.checks);
        for site in &facts.returns {
            let guarded = guards.guarded_in(ctx, file, Some(local), site.range);
            let inner = Scan {
                file,
                terms,
                function: Some(function),
                sink: scan.sink,
                sanitizer: scan.sanitizer,
                safe_calls: &[],
                guarded: &guarded,
                checks: scan.checks,
                reads_helpers: true,
                classified: RefCell::default(),
            };
            let mut worst = None;
            classify(ctx, &inner, site.value, &mut worst, depth - 1);
            if worst.is_some_and(|found| !matches!(found.taint, Taint::Other(_))) {
                return false;
            }
        }
    }
    true
}

/// Whether `term` holds one of `targets` among its parts (or is one).
fn mentions_any(terms: &Terms, term: TermId, targets: &[TermId], depth: u32) -> bool {
    if targets
        .iter()
        .any(|&target| target == term || terms.get(target) == terms.get(term))
    {
        return true;
    }
    if depth == 0 {
        return false;
    }
    let parts: Vec<TermId> = match terms.get(term) {
        Term::Call(call) => call
            .args
            .iter()
            .chain(call.keywords.iter().map(|(_, arg)| arg))
            .copied()
            .chain(std::iter::once(call.callee))
            .collect(),
        Term::Attr(inner, _) | Term::Subscript(inner, _) | Term::Element(inner) => vec![*inner],
        Term::Format(items)
        | Term::Union(items)
        | Term::Container(items)
        | Term::Sequence(items) => items.to_vec(),
        _ => Vec::new(),
    };
    parts
        .into_iter()
        .any(|part| mentions_any(terms, part, targets, depth - 1))
}

/// `MAPPING.get` (or `[...]`-like lookups) on a mapping written in the code.
fn is_constant_lookup(
    ctx: &mut ProjectContext<'_, '_, '_>,
    file: FileId,
    terms: &Terms,
    callee: TermId,
) -> bool {
    let value = match terms.get(callee) {
        Term::Attr(receiver, method) if matches!(method.as_str(), "get" | "__getitem__") => {
            ctx.evaluator.eval(file, *receiver)
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
    while let Some((head, name)) = prefix.rsplit_once('.') {
        prefix = head;
        // `mod.name` where the project module `mod` defines no `name` (nor can through a star
        // import): a value nothing in the code gives, not a constant.
        if let Some(file) = ctx.index.module(head) {
            if !module_may_define(ctx, file, name) {
                return false;
            }
        }
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

/// Whether a project module defines `name` (an assignment, a definition, an import, a submodule),
/// may define it (a star import), or Python does (a builtin).
fn module_may_define(
    ctx: &ProjectContext<'_, '_, '_>,
    file: crate::source::FileId,
    name: &str,
) -> bool {
    let Some(facts) = ctx.index.facts(file) else {
        return true;
    };
    !facts.star_imports.is_empty()
        || is_python_builtin(name)
        || ctx.index.module_defines(file, name)
        || facts
            .functions
            .iter()
            .any(|function| function.name.as_str() == name)
        || facts
            .classes
            .iter()
            .any(|class| class.name.as_str() == name)
}

/// Python's builtin names (those the file pass does not already resolve to `builtins.`).
fn is_python_builtin(name: &str) -> bool {
    matches!(
        name,
        "abs"
            | "all"
            | "any"
            | "ascii"
            | "bin"
            | "bool"
            | "bytearray"
            | "bytes"
            | "callable"
            | "chr"
            | "classmethod"
            | "compile"
            | "complex"
            | "delattr"
            | "dict"
            | "dir"
            | "divmod"
            | "enumerate"
            | "eval"
            | "exec"
            | "filter"
            | "float"
            | "format"
            | "frozenset"
            | "getattr"
            | "globals"
            | "hasattr"
            | "hash"
            | "help"
            | "hex"
            | "id"
            | "int"
            | "isinstance"
            | "issubclass"
            | "iter"
            | "len"
            | "list"
            | "locals"
            | "map"
            | "max"
            | "memoryview"
            | "min"
            | "next"
            | "object"
            | "oct"
            | "open"
            | "ord"
            | "pow"
            | "print"
            | "property"
            | "range"
            | "repr"
            | "reversed"
            | "round"
            | "set"
            | "setattr"
            | "slice"
            | "sorted"
            | "staticmethod"
            | "str"
            | "sum"
            | "super"
            | "tuple"
            | "type"
            | "vars"
            | "zip"
            | "__name__"
            | "__file__"
            | "__doc__"
            | "__package__"
            | "__spec__"
            | "True"
            | "False"
            | "None"
            | "NotImplemented"
            | "Ellipsis"
            | "__debug__"
    )
}

/// `pkg.module.name` where `name` is assigned at the module level of a project module.
fn is_module_variable(ctx: &ProjectContext<'_, '_, '_>, symbol: &str) -> bool {
    let Some((module, name)) = symbol.rsplit_once('.') else {
        return false;
    };
    ctx.index
        .module(module)
        .is_some_and(|file| ctx.index.global_binding(file, name).is_some())
}

/// What a parameter of the function holding the sink may carry; `None` for a parameter the client
/// chooses but whose converter or declared type only lets numbers or fixed words through
/// (`<int:id>`, `<any(css, js):kind>`, `fields.Int()`).
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
    let Some(client) = ctx.index.client_param(function, index) else {
        return Some(Taint::Param(format!(
            "parameter `{name}` of `{}()`",
            facts.name
        )));
    };
    if client.typed || ctx.index.param_is_fixed_choice(function, index) {
        return None;
    }
    Some(Taint::RouteParam(format!(
        "{} of view `{}()`",
        client.source.describe(name),
        facts.name
    )))
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

/// Calls whose result is a number, a date, an id or a digest: nothing the client wrote gets
/// through, whatever the sink.
pub(crate) fn is_value_call(name: &str) -> bool {
    matches!(
        name,
        "int"
            | "float"
            | "bool"
            | "len"
            | "abs"
            | "round"
            | "Decimal"
            | "UUID"
            | "uuid4"
            | "isoformat"
            | "strftime"
            | "count"
            | "hexdigest"
    )
}

/// What makes a value safe for a rule's sinks.
pub(crate) struct Sink {
    /// What the evaluator's sanitizers must have made client text safe for (`html.escape`: HTML).
    pub safe_for: SafeFor,
    /// Whether a call of this name makes its result safe (`secure_filename`, `int`).
    pub sanitizer: fn(&str) -> bool,
    /// The kinds of check that make a value safe where they hold.
    pub checks: &'static [Check],
}

/// What the client sends into one sink, as the injection rules (FC601–FC608) read it: request
/// data or a URL parameter in `terms` (the sink's arguments, terms of this file), past the rule's
/// sanitizers and the checks that hold at the sink (`guarded`). What a call to a project function
/// returns is what its summary says.
pub(crate) fn client_data(
    ctx: &mut ProjectContext<'_, '_, '_>,
    record: &Deferred,
    terms: &[TermId],
    sink: &Sink,
    guarded: &[TermId],
) -> Option<Found> {
    let analysis = ctx.analysis;
    let scan = Scan {
        file: ctx.file_id(),
        terms: &analysis.facts.terms,
        function: record
            .function
            .map(|local| ctx.index.function_id(ctx.file_id(), local)),
        sink: sink.safe_for,
        sanitizer: sink.sanitizer,
        safe_calls: &[],
        guarded,
        checks: sink.checks,
        reads_helpers: true,
        classified: RefCell::default(),
    };
    let mut worst = None;
    for &term in terms {
        classify(ctx, &scan, term, &mut worst, DEPTH);
    }
    worst.filter(|found| matches!(found.taint, Taint::Request(_) | Taint::RouteParam(_)))
}

/// The source, for a message: "request data (`request.args["next"]`)", "the URL parameter `name`
/// of view `show()`".
pub(crate) fn source_text(taint: &Taint) -> String {
    match taint {
        Taint::Request(what) => format!("request data ({what})"),
        Taint::RouteParam(what) => what.clone(),
        Taint::Param(what) => what.clone(),
        Taint::Other(what) => format!("the value {what}"),
    }
}

/// Reports client data reaching a sink at the record, with where it was read as a related
/// location when that is outside the sink's function (a helper, another module).
pub(crate) fn report_sink<'d>(
    ctx: &'d mut ProjectContext<'_, '_, '_>,
    record: &Deferred,
    found: &Found,
    message: String,
    help: &str,
) -> &'d mut Diagnostic {
    let read_elsewhere = found.read_at.filter(|origin| {
        let inside = origin.file == ctx.file_id()
            && record.function.is_none_or(|local| {
                ctx.analysis.facts.functions[local as usize]
                    .range
                    .contains_range(origin.range)
            });
        !inside
    });
    let related =
        read_elsewhere.map(|origin| ctx.related(origin, "the client's data is read here"));
    let diagnostic = ctx.report(record.range, message);
    diagnostic.help = Some(help.into());
    diagnostic.related.extend(related);
    diagnostic
}

/// The note of a record of how a URL a sink receives starts (see [`record_url_starts`]).
const URL_START: &str = "start";

/// The sinks the running rule recorded in this file, with its checks: what an injection rule's
/// project check reads (its `ast` check records the sinks' arguments that matter, its guards with
/// [`super::flow::record_guards`], and how URLs start with [`record_url_starts`]). Test files
/// have none: no request reaches them.
pub(crate) struct Sinks<'c> {
    records: Vec<&'c Deferred>,
    guards: Guards<'c>,
}

impl<'c> Sinks<'c> {
    pub(crate) fn of(ctx: &ProjectContext<'_, '_, 'c>, checks: &[Check]) -> Self {
        let rule = ctx.rule();
        let records: Vec<&'c Deferred> = ctx
            .index
            .facts(ctx.file_id())
            .map(|facts| {
                facts
                    .deferred
                    .iter()
                    .filter(|record| record.rule == rule)
                    .collect()
            })
            .unwrap_or_default();
        // Most files have no sink of the rule (and no request reaches a test).
        if records.is_empty() || is_test_path(&ctx.file.path) {
            return Self {
                records: Vec::new(),
                guards: Guards::in_file(ctx, ctx.file_id(), &[]),
            };
        }
        let guards = Guards::in_file(ctx, ctx.file_id(), checks);
        Self { records, guards }
    }

    /// The records of sinks (not of checks or URL starts).
    pub(crate) fn sites(&self) -> Vec<&'c Deferred> {
        self.records
            .iter()
            .copied()
            .filter(|record| !flow::is_guard(record) && !record.note.starts_with(URL_START))
            .collect()
    }

    /// What the client sends into the sink `record`: see [`client_data`]. With `fixed_starts`,
    /// a URL that starts with a fixed host (or a relative path), or with a base the client does
    /// not choose, carries nothing the client chose either.
    pub(crate) fn reached(
        &self,
        ctx: &mut ProjectContext<'_, '_, '_>,
        record: &Deferred,
        sink: &Sink,
        fixed_starts: bool,
    ) -> Option<Found> {
        let mut guarded = self.guards.guarded_at(ctx, record);
        if fixed_starts {
            guarded.extend(self.fixed_starts(ctx, record, sink));
        }
        client_data(ctx, record, &record.terms, sink, &guarded)
    }

    /// The strings built for the sink `record` whose host the client cannot choose.
    fn fixed_starts(
        &self,
        ctx: &mut ProjectContext<'_, '_, '_>,
        record: &Deferred,
        sink: &Sink,
    ) -> Vec<TermId> {
        let mut out = Vec::new();
        for start in &self.records {
            if start.range != record.range || !start.note.starts_with(URL_START) {
                continue;
            }
            match *start.terms {
                [built] => out.push(built),
                [built, base] if client_data(ctx, record, &[base], sink, &[]).is_none() => {
                    out.push(built);
                }
                _ => {}
            }
        }
        out
    }
}

/// Every sink the running rule recorded in this file that client data reaches, with what reaches
/// it (URLs built after a fixed host are safe).
pub(crate) fn sinks_reached<'c>(
    ctx: &mut ProjectContext<'_, '_, 'c>,
    sink: &Sink,
) -> Vec<(&'c Deferred, Found)> {
    let sinks = Sinks::of(ctx, sink.checks);
    let mut out = Vec::new();
    for record in sinks.sites() {
        if let Some(found) = sinks.reached(ctx, record, sink, true) {
            out.push((record, found));
        }
    }
    out
}

/// Records, for the sink at `range`, the strings `url` may hold whose start fixes the host: a
/// literal with a scheme and a host followed by `/`, `?` or `#` (`f"https://api.example.com/{x}"`),
/// or a relative path (`"/app/" + x`, not `"//"`); and those that start with a value (`f"{BASE}/{x}"`,
/// `API.format(...)`), with that value, which fixes the host if the client does not choose it.
/// The text is read where each string was built.
pub(crate) fn record_url_starts(
    checker: &mut Checker<'_>,
    rule: Rule,
    range: TextRange,
    url: TermId,
) {
    let mut built = Vec::new();
    collect_built_urls(checker.terms(), url, &mut built, 6);
    for term in built {
        let terms = checker.terms();
        let start = match terms.get(term) {
            Term::Call(call) => match terms.get(call.callee) {
                Term::Attr(receiver, _) => Some(vec![term, *receiver]),
                _ => None,
            },
            Term::Format(parts) => {
                let source = terms.format_range(term).map(|range| checker.source(range));
                match source.map(leading_literal) {
                    Some(Some(literal)) if fixes_host(literal) => Some(vec![term]),
                    Some(None) => parts.first().map(|&base| vec![term, base]),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(terms) = start {
            checker.defer(rule, range, terms, URL_START);
        }
    }
}

/// The strings built from parts a value may hold: f-strings, `%`, `+`, `.format()` on a literal
/// (`Format` terms) and `.format()` on a name, through unions.
fn collect_built_urls(terms: &Terms, term: TermId, out: &mut Vec<TermId>, depth: u32) {
    if depth == 0 || out.len() >= 16 {
        return;
    }
    match terms.get(term) {
        Term::Format(_) => out.push(term),
        Term::Union(items) => {
            for &item in items.iter() {
                collect_built_urls(terms, item, out, depth - 1);
            }
        }
        Term::Call(call) if matches!(terms.get(call.callee), Term::Attr(_, method) if method.as_str() == "format") =>
        {
            out.push(term);
        }
        _ => {}
    }
}

/// The text of the string literal a built string starts with (`"https://x/"` of
/// `"https://x/" + name`, `https://x/` of `f"https://x/{name}"`), or `None` when it starts with a
/// value. An f-string's text stops at its first replacement field, a `%` or `.format` template's
/// at its first placeholder.
fn leading_literal(source: &str) -> Option<&str> {
    let source = source.trim_start_matches('(').trim_start();
    let prefix_len = source
        .find(['"', '\''])
        .filter(|&at| source[..at].chars().all(|c| c.is_ascii_alphabetic()))?;
    let prefix = source[..prefix_len].to_ascii_lowercase();
    let rest = &source[prefix_len..];
    let quote = rest.chars().next()?;
    let body = rest[1..].trim_start_matches(quote);
    let end = body.find(quote).unwrap_or(body.len());
    let mut literal = &body[..end];
    if prefix.contains('f') {
        literal = &literal[..literal.find('{').unwrap_or(literal.len())];
    } else if let Some(at) = literal.find(['%', '{']) {
        literal = &literal[..at];
    }
    (!literal.is_empty()).then_some(literal)
}

/// A literal that fixes the host: `scheme://host` followed by `/`, `?` or `#`, or a relative
/// URL (not one that starts with `//`, which names a host).
fn fixes_host(literal: &str) -> bool {
    match literal.split_once("://") {
        Some((_, after)) => after
            .find(['/', '?', '#'])
            .is_some_and(|end| end > 0 && !after[..end].contains('@')),
        None => !literal.starts_with("//") && !literal.starts_with('\\'),
    }
}

/// The qualified name of the function a call calls (`subprocess.run`), when its last name passes
/// `wanted` and, for a function reached through a dotted name, the name starts with one of
/// `packages` (or with a name an import renamed one of them to: `import pandas as pd`). Both are
/// asked before anything is resolved: most calls are not sinks, and most methods are called on
/// values rather than modules.
pub(crate) fn called(
    checker: &mut Checker<'_>,
    call: &ast::ExprCall,
    wanted: fn(&str) -> bool,
    packages: &[&str],
) -> Option<Symbol> {
    match &*call.func {
        Expr::Attribute(attr) if wanted(attr.attr.id.as_str()) => {
            let root = dotted_root(&attr.value)?;
            let known = packages.contains(&root)
                || renamed(checker, root, |target, _| {
                    packages.contains(&target.split('.').next().unwrap_or(target))
                });
            if !known {
                return None;
            }
            checker.qualified_name(&call.func)
        }
        Expr::Name(name) if wanted(name.id.as_str()) => checker.qualified_name(&call.func),
        // `from mako.template import Template as MakoTemplate`: the name it was imported as.
        Expr::Name(name) if renamed(checker, name.id.as_str(), |_, last| wanted(last)) => {
            checker.qualified_name(&call.func)
        }
        _ => None,
    }
}

/// The first name of `a.b.c`, if the expression is a name and its attributes.
pub(crate) fn dotted_root(expr: &Expr) -> Option<&str> {
    let mut expr = expr;
    loop {
        match expr {
            Expr::Name(name) => return Some(name.id.as_str()),
            Expr::Attribute(attr) => expr = &attr.value,
            _ => return None,
        }
    }
}

/// `name` or `a.b.c`: a name and its attributes.
pub(crate) fn is_dotted_name(expr: &Expr) -> bool {
    let mut expr = expr;
    loop {
        match expr {
            Expr::Name(_) => return true,
            Expr::Attribute(attr) => expr = &attr.value,
            _ => return false,
        }
    }
}

/// A module-level import that binds another name than its target's last (`import pandas as pd`,
/// `from flask_babel import gettext as _`).
#[derive(Debug)]
pub(crate) struct Rename {
    bound: Name,
    target: Symbol,
    /// Where the target's last segment starts: the sink rules ask for it on each call of the name.
    last: usize,
}

/// Whether `name` is bound by a module-level `import ... as name` of a target `accept` accepts
/// (given the target and its last segment). The file's renames are collected as its imports are
/// walked: imports are only ever added, so each is read once.
fn renamed(checker: &mut Checker<'_>, name: &str, accept: impl Fn(&str, &str) -> bool) -> bool {
    let imports = &checker.facts.imports;
    let (seen, renames) = checker.shared.renames.get_or_insert_with(Default::default);
    if *seen < imports.len() {
        for (bound, target) in &imports[*seen..] {
            let last = last_segment(target);
            if last != bound.as_str() {
                renames.push(Rename {
                    bound: bound.clone(),
                    target: target.clone(),
                    last: target.len() - last.len(),
                });
            }
        }
        *seen = imports.len();
    }
    renames.iter().any(|rename| {
        rename.bound.as_str() == name && accept(&rename.target, &rename.target[rename.last..])
    })
}

/// The argument at `position`, or the keyword `name`.
pub(crate) fn argument<'a>(
    call: &'a ast::ExprCall,
    position: usize,
    name: &str,
) -> Option<&'a Expr> {
    call.arguments
        .find_argument_value(name, position)
        .filter(|arg| !arg.is_starred_expr())
}

/// What made the value a term holds, when a call to a name did: `requests.Session` for
/// `session` after `session = requests.Session()` (or `with requests.Session() as session`), also
/// through a module-level name of this file bound to the call.
pub(crate) fn constructor(checker: &Checker<'_>, term: TermId) -> Option<Symbol> {
    let terms = checker.terms();
    let mut term = term;
    for _ in 0..4 {
        match terms.get(term) {
            Term::Call(call) => {
                return match terms.get(call.callee) {
                    Term::Global(symbol) => Some(symbol.clone()),
                    _ => None,
                };
            }
            Term::Global(symbol) => term = checker.module_binding(symbol)?,
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_literals() {
        assert_eq!(
            leading_literal(r#"f"https://api.example.com/users/{name}""#),
            Some("https://api.example.com/users/")
        );
        assert_eq!(
            leading_literal(r#""http://" + host + "/x""#),
            Some("http://")
        );
        assert_eq!(leading_literal(r#"f"{base}/users/{name}""#), None);
        assert_eq!(leading_literal(r#"BASE + "/users/" + name"#), None);
        assert_eq!(
            leading_literal(r#""https://%s/x" % host"#),
            Some("https://")
        );
        assert_eq!(leading_literal(r#"f"/app/{x}""#), Some("/app/"));
    }

    #[test]
    fn fixed_hosts() {
        assert!(fixes_host("https://api.example.com/users/"));
        assert!(fixes_host("https://api.example.com?q="));
        assert!(!fixes_host("https://"));
        assert!(!fixes_host("https://api.example.com"));
        assert!(!fixes_host("http://user@"));
        assert!(fixes_host("/relative/"));
        assert!(fixes_host("?"));
        assert!(!fixes_host("//"));
    }
}
