//! One module per rule. A rule takes part in one or both passes:
//!
//! - `ast`: called for every statement and expression while a file's AST is walked (the file
//!   pass, which also collects the file's facts). Rules that need only the syntax of one file
//!   report here; rules that need the project index record terms for the project pass.
//! - `project`: called once per file after every file's facts are merged into the
//!   [`ProjectIndex`](crate::index::ProjectIndex), when the AST is gone.

mod authorization;
pub(crate) mod code_injection;
pub(crate) mod command_injection;
mod config_context;
pub(crate) mod cross_site_scripting;
pub(crate) mod csrf_protection_disabled;
pub(crate) mod debug_enabled;
pub(crate) mod exception_in_response;
mod flow;
pub(crate) mod hardcoded_secret;
pub(crate) mod insecure_cookie;
pub(crate) mod insecure_database_transport;
pub(crate) mod jwt_verification_disabled;
mod literal_scan;
pub(crate) mod mass_assignment;
pub(crate) mod model_in_response;
mod model_leak;
pub(crate) mod mongo_unprojected_find;
pub(crate) mod nosql_injection;
pub(crate) mod open_redirect;
pub(crate) mod path_traversal;
pub(crate) mod permissive_cors;
pub(crate) mod privileged_field_from_request;
pub(crate) mod query_result_in_response;
pub(crate) mod relationship_without_serializer;
pub(crate) mod select_star;
mod sensitive;
pub(crate) mod sensitive_data_logged;
pub(crate) mod serializer_exposes_sensitive_field;
pub(crate) mod server_side_request_forgery;
mod source_text;
pub(crate) mod sql_built_from_strings;
mod taint;
pub(crate) mod template_injection;
pub(crate) mod unsafe_deserialization;
pub(crate) mod unscoped_object_lookup;

use flaskcheck_python::TextRange;

use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;

/// The answer `last` holds for the node at `range`, or `answer()`, kept in `last`: for what
/// several rules' `ast` checks ask about the same node, called one after the other on it (the
/// memos in [`Shared`]).
pub(crate) fn once_per_node<T: Copy>(
    last: &mut Option<(TextRange, T)>,
    range: TextRange,
    answer: impl FnOnce() -> T,
) -> T {
    match *last {
        Some((node, known)) if node == range => known,
        _ => {
            let known = answer();
            *last = Some((range, known));
            known
        }
    }
}

pub(crate) type AstCheck = for<'a, 'b> fn(&mut Checker<'a>, Node<'b>);
pub(crate) type ProjectCheck = fn(&mut ProjectContext<'_, '_, '_>);

#[derive(Clone, Copy)]
pub(crate) struct RuleChecks {
    pub ast: Option<AstCheck>,
    /// The nodes `ast` is called with.
    pub ast_kinds: NodeKinds,
    pub project: Option<ProjectCheck>,
}

impl RuleChecks {
    pub const NONE: RuleChecks = RuleChecks {
        ast: None,
        ast_kinds: NodeKinds::NONE,
        project: None,
    };
}

/// What the `ast` checks of several rules compute once per file pass and share (the checker holds
/// it for the walk of one file).
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// The statement whose checks `flow::record_guards` recorded last: every rule that honours
    /// checks calls it on each `if`, and the first records them for all.
    pub guarded: Option<TextRange>,
    /// The module-level imports that rename what they import (`import x as y`), and how many of
    /// the file's imports were read for them (see `taint::called`).
    pub renames: Option<(usize, Vec<taint::Rename>)>,
    /// The string literal `literal_scan::scan` scanned last, and what it found.
    pub literal: Option<(TextRange, literal_scan::LiteralScan)>,
    /// The call `authorization::checks_permission` read last, and whether it checks a permission.
    pub permission_check: Option<(TextRange, bool)>,
    /// The test `authorization::tests_role` read last, and whether it tests a role.
    pub role_test: Option<(TextRange, bool)>,
}
