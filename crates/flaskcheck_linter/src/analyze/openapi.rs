//! Connexion's OpenAPI files: which functions an `app.add_api("openapi.yaml")` makes into
//! operations, and which of their parameters the client fills (with the type the specification
//! gives them). Read during the file pass of the file that calls `add_api`; a file that cannot be
//! read or parsed is a warning, and the app's operations are then not known.

use std::path::{Path, PathBuf};

use flaskcheck_python::TextRange;

use crate::file_io::read_regular_file_within;
use serde_json::Value;

/// Specification files larger than this are not read: real ones are far smaller, and a path that
/// names something else (a device, a huge generated file) must not stall the run.
const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// The operations of one `add_api(...)` call.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ApiSpec {
    /// The `add_api(...)` call.
    pub range: TextRange,
    pub operations: Vec<Operation>,
}

/// An operation: the function its `operationId` names, and the parameters the client sends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Operation {
    /// The function, dotted (`api.users.get_user`), with `x-openapi-router-controller` applied.
    pub function: Box<str>,
    /// Each parameter's name (`body` for a request body) and whether its declared type lets only
    /// numbers or booleans through.
    pub params: Vec<(Box<str>, bool)>,
}

/// Where the specification named by `add_api(name)` is: relative to Connexion's
/// `specification_dir` (itself relative to the app's folder), as Connexion resolves it.
pub fn spec_path(source: &Path, specification_dir: Option<&str>, name: &str) -> PathBuf {
    let folder = source.parent().unwrap_or_else(|| Path::new(""));
    let mut path = folder.to_path_buf();
    if let Some(dir) = specification_dir {
        path.push(dir);
    }
    path.push(name);
    path
}

/// Reads and parses a specification file.
pub fn read_spec(path: &Path) -> Result<Vec<Operation>, String> {
    let text = read_regular_file(path)?;
    let is_json = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    let document: Value = if is_json {
        serde_json::from_str(&text).map_err(|err| err.to_string())?
    } else {
        serde_yaml_ng::from_str(&text).map_err(|err| err.to_string())?
    };
    Ok(operations(&document))
}

/// The text of a regular file of at most [`MAX_SPEC_BYTES`], read as source files are (no FIFOs
/// or devices).
fn read_regular_file(path: &Path) -> Result<String, String> {
    let Some(bytes) = read_regular_file_within(path, MAX_SPEC_BYTES).map_err(|e| e.to_string())?
    else {
        return Err(format!("larger than {} MB", MAX_SPEC_BYTES / 1024 / 1024));
    };
    String::from_utf8(bytes).map_err(|err| err.to_string())
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn operations(document: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for item in paths.values() {
        let path_controller = item
            .get("x-openapi-router-controller")
            .and_then(Value::as_str);
        let shared = item.get("parameters");
        for (method, operation) in item.as_object().into_iter().flatten() {
            if !HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                continue;
            }
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let controller = operation
                .get("x-openapi-router-controller")
                .and_then(Value::as_str)
                .or(path_controller);
            let function = match controller {
                Some(controller) if !controller.is_empty() => format!("{controller}.{id}"),
                _ => id.to_string(),
            };
            let mut params = Vec::new();
            for list in [shared, operation.get("parameters")].into_iter().flatten() {
                for param in list.as_array().into_iter().flatten() {
                    let Some(name) = param.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    let name = if param.get("in").and_then(Value::as_str) == Some("body") {
                        "body"
                    } else {
                        name
                    };
                    let declared = param
                        .get("schema")
                        .and_then(|schema| schema.get("type"))
                        .or_else(|| param.get("type"))
                        .and_then(Value::as_str);
                    let typed = matches!(declared, Some("integer" | "number" | "boolean"));
                    params.push((name.into(), typed));
                }
            }
            if operation.get("requestBody").is_some() {
                let name = operation
                    .get("x-body-name")
                    .or_else(|| {
                        operation
                            .get("requestBody")
                            .and_then(|body| body.get("x-body-name"))
                    })
                    .and_then(Value::as_str)
                    .unwrap_or("body");
                params.push((name.into(), false));
            }
            out.push(Operation {
                function: function.into(),
                params,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_operations_and_parameter_types() {
        let yaml = r#"
openapi: 3.0.0
paths:
  /users/{user_id}:
    x-openapi-router-controller: api.users
    parameters:
      - name: user_id
        in: path
        schema: {type: integer}
    get:
      operationId: get_user
    put:
      operationId: update_user
      requestBody:
        content: {application/json: {schema: {type: object}}}
  /search:
    get:
      operationId: api.search.run
      parameters:
        - {name: q, in: query, type: string}
"#;
        let document: Value = serde_yaml_ng::from_str(yaml).unwrap();
        let found = operations(&document);
        assert_eq!(
            found,
            vec![
                Operation {
                    function: "api.search.run".into(),
                    params: vec![("q".into(), false)],
                },
                Operation {
                    function: "api.users.get_user".into(),
                    params: vec![("user_id".into(), true)],
                },
                Operation {
                    function: "api.users.update_user".into(),
                    params: vec![("user_id".into(), true), ("body".into(), false)],
                },
            ]
        );
    }

    #[test]
    fn a_bad_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spec.yaml");
        std::fs::write(&path, "paths: [unclosed").unwrap();
        assert!(read_spec(&path).is_err());
        assert!(read_spec(&dir.path().join("missing.yaml")).is_err());
        assert!(
            read_spec(dir.path()).is_err(),
            "a folder is not a regular file"
        );
    }
}
