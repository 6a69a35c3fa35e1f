//! `initializationOptions`: what an editor's configuration may set for the server. The project's
//! configuration file applies as on the command line; these are the command line's part.

use flaskcheck_linter::Overrides;
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct InitializationOptions {
    /// Replaces the configuration's `select`, as `--select` does.
    pub(crate) select: Option<Vec<String>>,
    /// Added to the configuration's `ignore`, as `--ignore` does.
    pub(crate) ignore: Vec<String>,
}

impl InitializationOptions {
    /// Reads the options a client sent, with a message for each part that is not understood (and
    /// left out): a typo in an editor's settings must not stop the server.
    pub(crate) fn parse(value: Option<Value>) -> (Self, Vec<String>) {
        let mut options = InitializationOptions::default();
        let mut problems = Vec::new();
        let object = match value {
            None | Some(Value::Null) => return (options, problems),
            Some(Value::Object(object)) => object,
            Some(other) => {
                problems.push(format!(
                    "initializationOptions must be an object, not `{other}`; ignored"
                ));
                return (options, problems);
            }
        };
        for (key, value) in object {
            match key.as_str() {
                "select" => match codes(&value) {
                    Some(codes) => options.select = Some(codes),
                    None => problems.push(format!(
                        "initializationOptions.select must be a list of rule codes, not `{value}`; ignored"
                    )),
                },
                "ignore" => match codes(&value) {
                    Some(codes) => options.ignore = codes,
                    None => problems.push(format!(
                        "initializationOptions.ignore must be a list of rule codes, not `{value}`; ignored"
                    )),
                },
                _ => problems.push(format!(
                    "unknown initializationOptions key `{key}` (known: select, ignore); ignored"
                )),
            }
        }
        (options, problems)
    }

    pub(crate) fn overrides(&self) -> Overrides {
        Overrides {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            ..Overrides::default()
        }
    }
}

fn codes(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|code| code.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn select_and_ignore_and_what_is_not_understood() {
        let (options, problems) =
            InitializationOptions::parse(Some(json!({"select": ["FC1"], "ignore": ["FC105"]})));
        assert_eq!(options.select, Some(vec!["FC1".to_string()]));
        assert_eq!(options.ignore, ["FC105"]);
        assert!(problems.is_empty());

        let (options, problems) =
            InitializationOptions::parse(Some(json!({"select": "FC1", "selct": []})));
        assert_eq!(options, InitializationOptions::default());
        // In key order.
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("unknown initializationOptions key `selct`"));
        assert!(problems[1].contains("list of rule codes"), "{problems:?}");

        assert!(InitializationOptions::parse(None).1.is_empty());
        assert_eq!(InitializationOptions::parse(Some(json!(3))).1.len(), 1);
    }
}
