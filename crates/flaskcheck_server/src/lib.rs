//! flaskcheck in editors and assistants, over stdio: `flaskcheck server` ([`lsp`], the Language
//! Server Protocol) and `flaskcheck mcp` ([`mcp`], the Model Context Protocol). Both ask one type
//! for analysis, [`analysis::Project`].

pub mod analysis;
pub mod lsp;
pub mod mcp;
#[cfg(test)]
mod test_project;
