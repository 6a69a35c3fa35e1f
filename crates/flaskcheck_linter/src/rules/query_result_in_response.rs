//! FC102 query-result-in-response: rules/FC102.md.

use super::model_leak::{report, Shape};
use super::RuleChecks;
use crate::analyze::NodeKinds;
use crate::check::ProjectContext;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: None,
    ast_kinds: NodeKinds::NONE,
    project: Some(check),
};

fn check(ctx: &mut ProjectContext<'_, '_, '_>) {
    report(ctx, Shape::Collection);
}
