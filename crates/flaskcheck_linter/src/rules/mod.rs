//! One module per rule. A rule takes part in one or both passes:
//!
//! - `ast`: called for every statement and expression while a file's AST is walked (the file
//!   pass, which also collects the file's facts). Rules that need only the syntax of one file
//!   report here; rules that need the project index record terms for the project pass.
//! - `project`: called once per file after every file's facts are merged into the
//!   [`ProjectIndex`](crate::index::ProjectIndex), when the AST is gone.

mod authorization;
mod config_context;
pub(crate) mod debug_enabled;
pub(crate) mod exception_in_response;
pub(crate) mod hardcoded_secret;
pub(crate) mod insecure_database_transport;
pub(crate) mod mass_assignment;
pub(crate) mod model_in_response;
mod model_leak;
pub(crate) mod mongo_unprojected_find;
pub(crate) mod nosql_injection;
pub(crate) mod privileged_field_from_request;
pub(crate) mod query_result_in_response;
pub(crate) mod relationship_without_serializer;
pub(crate) mod select_star;
mod sensitive;
pub(crate) mod sensitive_data_logged;
pub(crate) mod serializer_exposes_sensitive_field;
mod source_text;
pub(crate) mod sql_built_from_strings;
pub(crate) mod unscoped_object_lookup;

use crate::analyze::{Checker, Node, NodeKinds};
use crate::check::ProjectContext;

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
