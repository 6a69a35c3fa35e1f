//! `flaskcheck mcp`: a Model Context Protocol server over stdio (on `rmcp`, the official Rust
//! SDK), so that an assistant that writes a Flask view can ask whether it leaks.
//!
//! Tools: `lint` (files of a project, or a code string placed in it), `explain_rule` and
//! `list_rules`. Arguments of the wrong shape are refused by the SDK; arguments that are
//! well-formed but wrong (a missing file, a path outside the project, an unknown rule) get a tool
//! error saying what to change, so the assistant can correct itself.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flaskcheck_linter::json_output::{self, JsonDiagnostic};
use flaskcheck_linter::rule_doc::RuleSummary;
use flaskcheck_linter::{panic_message, paths, LintReport, Overrides, Rule};
use rmcp::handler::server::common::schema_for_output;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{tool, tool_handler, tool_router, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analysis::{Project, Scope};

const INSTRUCTIONS: &str = "flaskcheck finds the ways Flask APIs leak data and accept data they \
should not (models serialized whole into responses, mass assignment, IDOR, injections, insecure \
settings). Call `lint` on the files you changed, or on code you are about to write (`code` with \
the `filename` it will have): the whole project is analysed, so models and helpers in other \
modules are understood. `explain_rule` gives a rule's document, with bad and good code.";

/// Serves the protocol on stdin and stdout until the client closes it.
pub fn run() -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(io::Error::other)?;
    runtime.block_on(async {
        let service = Flaskcheck::new()
            .serve(rmcp::transport::stdio())
            .await
            .map_err(io::Error::other)?;
        service.waiting().await.map_err(io::Error::other)?;
        Ok(())
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintArgs {
    /// Files or folders to report on (absolute, or relative to `project` when it is given, else
    /// to the server's working folder). Give these, or `code` with `filename`.
    pub paths: Option<Vec<String>>,
    /// Python source to check as the file `filename` of the project, instead of what is on disk
    /// there (if anything): code being written or proposed.
    pub code: Option<String>,
    /// Where `code` belongs in the project, such as `app/api/users.py`.
    pub filename: Option<String>,
    /// The project's root folder. Every Python file in it is analysed, so that models, helpers
    /// and views in other modules are understood; only the findings of the files asked about
    /// are returned. Default: found as the command line finds it (the folder of the flaskcheck
    /// configuration, else the nearest folder above the files holding pyproject.toml, setup.cfg,
    /// setup.py or .git, else the files' common folder).
    pub project: Option<String>,
    /// Rule codes or prefixes to enable (such as `FC1`), replacing the configuration's `select`.
    pub select: Option<Vec<String>>,
    /// Rule codes or prefixes to disable, on top of the configuration's `ignore`.
    pub ignore: Option<Vec<String>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LintOutput<'a> {
    /// The project's root folder; file names are relative to it.
    pub project: String,
    /// How many files were analysed (the whole project).
    pub files_checked: usize,
    /// The findings of the files asked about, sorted by file, line and column.
    pub findings: Vec<JsonDiagnostic<'a>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainRuleArgs {
    /// A rule code such as `FC101`.
    pub code: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RuleList<'a> {
    pub rules: Vec<RuleSummary<'a>>,
}

#[derive(Debug, Clone)]
pub struct Flaskcheck {
    tool_router: ToolRouter<Self>,
}

impl Default for Flaskcheck {
    fn default() -> Self {
        Self::new()
    }
}

#[tool_router]
impl Flaskcheck {
    pub fn new() -> Self {
        Self {
            tool_router: Self::tool_router(),
        }
    }

    /// Lints Python files, or a code string placed in a project, for Flask data leaks and unsafe
    /// input handling.
    #[tool(
        description = "Check Flask code for data leaks and unsafe input handling: models serialized whole into responses, mass assignment, IDOR, SQL/NoSQL injection, secrets, debug mode. Give `paths` (files or folders), or `code` with the `filename` it has in the project. The whole project is analysed; the findings of the files asked about are returned as structured JSON, with a short summary.",
        output_schema = schema_for_output::<LintOutput<'static>>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    pub async fn lint(&self, Parameters(args): Parameters<LintArgs>) -> CallToolResult {
        let work = tokio::task::spawn_blocking(move || lint_tool(args)).await;
        match work {
            Ok(Ok(result)) => result,
            Ok(Err(message)) => tool_error(message),
            Err(err) => tool_error(format!(
                "flaskcheck failed: {} (this is a bug in flaskcheck)",
                if err.is_panic() {
                    panic_message(&*err.into_panic())
                } else {
                    err.to_string()
                }
            )),
        }
    }

    /// A rule's document.
    #[tool(
        description = "Explain a flaskcheck rule: what it finds, why it matters, an example of the bad code and of the fix (Markdown).",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    pub fn explain_rule(&self, Parameters(args): Parameters<ExplainRuleArgs>) -> CallToolResult {
        match Rule::from_code(args.code.trim()) {
            Some(rule) => CallToolResult::success(vec![ContentBlock::text(rule.doc().markdown())]),
            None => tool_error(format!(
                "unknown rule `{}`: rule codes look like `FC101`; `list_rules` gives them all",
                args.code
            )),
        }
    }

    /// Every rule.
    #[tool(
        description = "List flaskcheck's rules: code, name, severity, confidence, CWE ids and a one-line summary.",
        output_schema = schema_for_output::<RuleList<'static>>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    pub fn list_rules(&self) -> CallToolResult {
        let rules: Vec<RuleSummary<'_>> = Rule::ALL
            .iter()
            .map(|rule| rule.doc().summary_record())
            .collect();
        let mut text = String::new();
        for rule in &rules {
            let _ = writeln!(
                text,
                "{} {} ({}): {}",
                rule.code, rule.name, rule.severity, rule.summary
            );
        }
        structured(&RuleList { rules }, text)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Flaskcheck {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("flaskcheck", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

fn tool_error(message: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

/// A result with structured content and a short text for people (and clients that read only
/// text).
fn structured(value: &impl Serialize, text: String) -> CallToolResult {
    let value = serde_json::to_value(value).expect("the output serializes");
    let mut result = CallToolResult::structured(value);
    result.content = vec![ContentBlock::text(text)];
    result
}

/// What `lint` was asked to do, checked.
#[derive(Debug)]
struct LintRequest {
    scope: Scope,
    /// The files and folders to report on.
    targets: Vec<PathBuf>,
    /// The code string and where it goes.
    code: Option<(PathBuf, Arc<str>)>,
    overrides: Overrides,
}

fn lint_tool(args: LintArgs) -> Result<CallToolResult, String> {
    let cwd =
        std::env::current_dir().map_err(|err| format!("cannot read the working folder: {err}"))?;
    let request = check_arguments(args, &cwd)?;
    let (mut project, problems) = Project::new(request.scope.clone(), request.overrides);
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    if let Some((path, text)) = &request.code {
        project.set_overlay(path, Arc::clone(text));
    }
    let report = project
        .check(&request.targets)
        .map_err(|err| err.to_string())?;
    let root = match &request.scope {
        Scope::Root(root) => root.clone(),
        Scope::File(file) => file
            .parent()
            .map_or_else(|| file.clone(), Path::to_path_buf),
    };
    Ok(lint_result(&report, &root))
}

fn lint_result(report: &LintReport, root: &Path) -> CallToolResult {
    let relative = |path: &Path| paths::to_slash(&paths::relative_to(path, root));
    let findings = json_output::diagnostics(report, &relative);
    let mut text = match findings.len() {
        0 => "No problems found".to_string(),
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    let _ = writeln!(
        text,
        " ({} files of {} analysed):",
        report.files.len(),
        root.display()
    );
    for finding in &findings {
        let _ = writeln!(
            text,
            "{}:{}:{}: {} {}",
            finding.filename,
            finding.location.row,
            finding.location.column,
            finding.code,
            finding.message
        );
    }
    let output = LintOutput {
        project: root.display().to_string(),
        files_checked: report.files.len(),
        findings,
    };
    structured(&output, text)
}

fn check_arguments(args: LintArgs, cwd: &Path) -> Result<LintRequest, String> {
    let given_project = match &args.project {
        Some(project) => {
            let root = paths::absolute(Path::new(project), cwd);
            if !root.is_dir() {
                return Err(format!("`project`: `{project}` is not a folder"));
            }
            Some(root)
        }
        None => None,
    };
    let base = given_project.as_deref().unwrap_or(cwd);
    let (targets, code) = match (args.paths, args.code, args.filename) {
        (Some(paths), None, None) => {
            if paths.is_empty() {
                return Err("`paths` is empty: name at least one file or folder".into());
            }
            let mut targets = Vec::new();
            for path in paths {
                let absolute = paths::absolute(Path::new(&path), base);
                if !absolute.exists() {
                    return Err(format!("`paths`: `{path}` does not exist (looked for {})", absolute.display()));
                }
                targets.push(absolute);
            }
            (targets, None)
        }
        (None, Some(code), Some(filename)) => {
            let absolute = paths::absolute(Path::new(&filename), base);
            if absolute.extension().is_none_or(|extension| extension != "py") {
                return Err(format!("`filename`: `{filename}` is not a Python file name (`.py`)"));
            }
            (vec![absolute.clone()], Some((absolute, Arc::from(code))))
        }
        (None, Some(_), None) => {
            return Err("`code` needs `filename`: the file it is (or will be) in the project, such as `app/views.py`".into())
        }
        (None, None, Some(_)) => {
            return Err("`filename` goes with `code`: give the code to check, or use `paths` for files on disk".into())
        }
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err("give either `paths` or `code` with `filename`, not both".into())
        }
        (None, None, None) => {
            return Err("nothing to check: give `paths` (files or folders), or `code` with `filename`".into())
        }
    };
    let scope = Scope::of(&targets, given_project.as_deref(), &[]);
    if let Some(outside) = targets.iter().find(|target| !scope.contains(target)) {
        return Err(match &scope {
            Scope::Root(root) => format!(
                "`{}` is outside the project `{}`",
                outside.display(),
                root.display()
            ),
            Scope::File(_) => format!(
                "`{}` shares no project folder with the other paths; give `project`",
                outside.display()
            ),
        });
    }
    let overrides = Overrides {
        select: args.select,
        ignore: args.ignore.unwrap_or_default(),
        ..Overrides::default()
    };
    Ok(LintRequest {
        scope,
        targets,
        code,
        overrides,
    })
}

#[cfg(test)]
mod tests {
    use std::fs;

    use serde_json::Value;

    use super::*;
    use crate::test_project::{self, VIEW};

    fn project() -> tempfile::TempDir {
        let dir = test_project::write(false);
        fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"demo\"\n",
        )
        .unwrap();
        dir
    }

    fn args(value: Value) -> LintArgs {
        serde_json::from_value(value).unwrap()
    }

    fn findings(result: &CallToolResult) -> Vec<(String, String)> {
        let structured = result
            .structured_content
            .as_ref()
            .expect("structured content");
        structured["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["filename"].as_str().unwrap().to_string(),
                    f["code"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn code_is_checked_in_the_project_it_is_placed_in() {
        let dir = project();
        let root = dir.path().display().to_string();
        let result = lint_tool(args(serde_json::json!({
            "code": VIEW, "filename": "app/views.py", "project": root,
        })))
        .unwrap();
        assert_eq!(
            findings(&result),
            [("app/views.py".to_string(), "FC101".to_string())]
        );
        let ContentBlock::Text(text) = &result.content[0] else {
            panic!("a text summary")
        };
        assert!(
            text.text.starts_with("1 problem (3 files of "),
            "{}",
            text.text
        );
        assert!(
            text.text.contains("app/views.py:11:12: FC101 "),
            "{}",
            text.text
        );

        // Without models.py's project around it, `User` is unknown and nothing is found.
        let alone = tempfile::tempdir().unwrap();
        let result = lint_tool(args(serde_json::json!({
            "code": VIEW, "filename": alone.path().join("views.py").display().to_string(),
        })))
        .unwrap();
        assert_eq!(findings(&result), []);
    }

    #[test]
    fn paths_are_reported_with_their_project_behind_them() {
        let dir = project();
        fs::write(dir.path().join("app/views.py"), VIEW).unwrap();
        // The project is found from the file (pyproject.toml marks it).
        let view = dir.path().join("app/views.py").display().to_string();
        let result = lint_tool(args(serde_json::json!({"paths": [view]}))).unwrap();
        assert_eq!(
            findings(&result),
            [("app/views.py".to_string(), "FC101".to_string())]
        );
        // A folder stands for its files; other files' findings stay out.
        let result = lint_tool(args(serde_json::json!({
            "paths": ["app"], "project": dir.path().display().to_string(),
        })))
        .unwrap();
        assert_eq!(findings(&result).len(), 1);
        let result = lint_tool(args(serde_json::json!({
            "paths": ["app/models.py"], "project": dir.path().display().to_string(),
        })))
        .unwrap();
        assert_eq!(findings(&result), []);
        let result = lint_tool(args(serde_json::json!({
            "paths": ["app"], "project": dir.path().display().to_string(), "ignore": ["FC1"],
        })))
        .unwrap();
        assert_eq!(findings(&result), []);
    }

    #[test]
    fn wrong_arguments_say_what_to_change() {
        let dir = project();
        let root = dir.path().display().to_string();
        let error = |value: Value| lint_tool(args(value)).unwrap_err();
        assert!(error(serde_json::json!({})).contains("nothing to check"));
        assert!(error(serde_json::json!({"code": "x = 1"})).contains("`code` needs `filename`"));
        assert!(
            error(serde_json::json!({"filename": "a.py"})).contains("`filename` goes with `code`")
        );
        assert!(error(serde_json::json!({"paths": ["a.py"], "code": "x"})).contains("not both"));
        assert!(error(serde_json::json!({"paths": []})).contains("`paths` is empty"));
        assert!(
            error(serde_json::json!({"paths": ["nope.py"], "project": root}))
                .contains("`nope.py` does not exist")
        );
        assert!(
            error(serde_json::json!({"code": "x", "filename": "a.txt", "project": root}))
                .contains("not a Python file name")
        );
        assert!(
            error(serde_json::json!({"paths": ["app"], "project": root + "/app/models.py"}))
                .contains("is not a folder")
        );
        assert!(error(serde_json::json!({"code": "x", "filename": "/elsewhere/a.py", "project": dir.path().join("app")}))
            .contains("is outside the project"));
        assert!(error(
            serde_json::json!({"paths": ["app"], "project": dir.path(), "select": ["FC9"]})
        )
        .contains("unknown rule code or prefix `FC9`"));
        assert!(serde_json::from_value::<LintArgs>(serde_json::json!({"path": ["x"]})).is_err());
    }

    #[test]
    fn rules_are_listed_and_explained() {
        let server = Flaskcheck::new();
        let list = server.list_rules();
        let rules = &list.structured_content.as_ref().unwrap()["rules"];
        assert_eq!(rules.as_array().unwrap().len(), Rule::ALL.len());
        assert_eq!(rules[3]["code"], "FC101");
        assert_eq!(rules[3]["severity"], "high");

        let explained = server.explain_rule(Parameters(ExplainRuleArgs {
            code: "fc101".into(),
        }));
        let ContentBlock::Text(text) = &explained.content[0] else {
            panic!("text")
        };
        assert!(text.text.starts_with("# FC101 model-in-response\n"));
        assert!(text.text.contains("## Use instead"));
        let unknown = server.explain_rule(Parameters(ExplainRuleArgs {
            code: "FC999".into(),
        }));
        assert_eq!(unknown.is_error, Some(true));
    }
}
