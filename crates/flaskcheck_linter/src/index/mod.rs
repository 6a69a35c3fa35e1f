//! The project index: every file's facts merged, so that rules can answer questions that span
//! files (is this class a model, what does this function return).

use crate::analyze::FileAnalysis;

#[derive(Debug, Default)]
pub struct ProjectIndex {}

impl ProjectIndex {
    pub fn build(_files: &[Option<&FileAnalysis>]) -> Self {
        ProjectIndex {}
    }
}
