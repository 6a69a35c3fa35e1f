//! Configuration files: `flaskcheck.toml` (top-level keys) or `pyproject.toml` (`[tool.flaskcheck]`),
//! found by walking up from the linted path, and read strictly: an unknown key, a value of the
//! wrong type or an unknown rule code is an error that names the file, the line and the key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::file_io::read_regular_text;
use crate::paths;

pub const FLASKCHECK_TOML: &str = "flaskcheck.toml";
pub const PYPROJECT_TOML: &str = "pyproject.toml";

/// The keys of a configuration file, as written (see `docs/configuration.md`). Values keep their
/// place in the file so that a bad rule code or glob can be reported at its line.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    pub select: Option<Vec<Spanned<String>>>,
    pub ignore: Option<Vec<Spanned<String>>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    pub extend_exclude: Option<Vec<Spanned<String>>>,
    /// The table keeps its place too, so that a bad glob is reported at its line.
    pub per_file_ignores: Option<Spanned<BTreeMap<String, Vec<Spanned<String>>>>>,
    #[serde(default, deserialize_with = "severity_name")]
    pub fail_on: Option<Severity>,
    pub report_unused_suppressions: Option<bool>,
    pub force_exclude: Option<bool>,
    /// The project root, relative to the configuration file's folder.
    pub project_root: Option<String>,
    /// The cache folder, relative to the configuration file's folder.
    pub cache_dir: Option<String>,
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tools>,
}

#[derive(Deserialize)]
struct Tools {
    flaskcheck: Option<toml::Value>,
}

/// A configuration file that was read and parsed (not yet validated: see
/// [`super::Settings::resolve`]).
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Absolute and normalized.
    pub path: PathBuf,
    pub options: Options,
    /// `tool.flaskcheck.` for `pyproject.toml`, empty for `flaskcheck.toml`: what key paths in
    /// messages start with.
    key_prefix: &'static str,
    text: String,
}

/// A problem with a configuration file, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column.
    pub location: Option<(usize, usize)>,
    /// The key path, such as `tool.flaskcheck.select[1]`.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.path))?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        f.write_str(": ")?;
        if let Some(key) = &self.key {
            write!(f, "`{key}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The path relative to the current folder when it is inside it, for messages.
fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .filter(|relative| !relative.as_os_str().is_empty())
        .map_or_else(|| path.display().to_string(), |p| paths::to_slash(&p))
}

impl ConfigFile {
    /// The folder the file's globs are relative to.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }

    /// Reads the file named with `--config`. A `pyproject.toml` without a `[tool.flaskcheck]`
    /// table is an error here: naming it explicitly means it should configure flaskcheck.
    pub fn load(path: &Path, cwd: &Path) -> Result<ConfigFile, ConfigError> {
        let path = paths::absolute(path, cwd);
        match Self::read(&path, None)? {
            Some(file) => Ok(file),
            None => Err(ConfigError {
                path,
                location: None,
                key: None,
                message: "has no `[tool.flaskcheck]` table".to_string(),
            }),
        }
    }

    /// The configuration that applies to `start` (a file or folder): the first `flaskcheck.toml`,
    /// or `pyproject.toml` with a `[tool.flaskcheck]` table, in its folder or the folders above.
    /// In one folder `flaskcheck.toml` wins. A `pyproject.toml` that cannot be read or parsed
    /// and does not mention flaskcheck is another project's (a template, say): it is passed over,
    /// with a warning, as is a configuration file that is not a regular file.
    pub fn find(
        start: &Path,
        cwd: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<Option<ConfigFile>, ConfigError> {
        let start = paths::absolute(start, cwd);
        let mut folder = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(dir) = folder {
            for name in [FLASKCHECK_TOML, PYPROJECT_TOML] {
                let candidate = dir.join(name);
                match std::fs::metadata(&candidate) {
                    Ok(metadata) if metadata.is_file() => {}
                    Ok(metadata) if !metadata.is_dir() => {
                        warnings.push(format!(
                            "skipped {}: not a regular file",
                            display_path(&candidate)
                        ));
                        continue;
                    }
                    _ => continue,
                }
                if let Some(file) = Self::read(&candidate, Some(&mut *warnings))? {
                    return Ok(Some(file));
                }
            }
            folder = dir.parent();
        }
        Ok(None)
    }

    /// Reads and parses one file; `None` for a `pyproject.toml` without `[tool.flaskcheck]`, and,
    /// given `pass_over`, for one that cannot be read or parsed and does not mention flaskcheck
    /// (a warning says so).
    fn read(
        path: &Path,
        pass_over: Option<&mut Vec<String>>,
    ) -> Result<Option<ConfigFile>, ConfigError> {
        let is_pyproject = path.file_name().is_some_and(|name| name == PYPROJECT_TOML);
        let text = match read_regular_text(path) {
            Ok(text) => text,
            Err(err) => {
                let error = ConfigError {
                    path: path.to_path_buf(),
                    location: None,
                    key: None,
                    message: format!("cannot read the configuration file: {err}"),
                };
                return match pass_over {
                    Some(warnings) if is_pyproject => {
                        warnings.push(format!("skipped {error}"));
                        Ok(None)
                    }
                    _ => Err(error),
                };
            }
        };
        if is_pyproject {
            // A quick look first: a pyproject.toml of another project stays out of our way unless
            // it has our table, even if other tools' tables hold things we would refuse.
            let pyproject: Pyproject = match parse(path, &text) {
                Ok(pyproject) => pyproject,
                Err(error) => {
                    return match pass_over {
                        Some(warnings) if !text.contains("flaskcheck") => {
                            warnings.push(format!("skipped {error}"));
                            Ok(None)
                        }
                        _ => Err(error),
                    };
                }
            };
            if pyproject.tool.and_then(|tools| tools.flaskcheck).is_none() {
                return Ok(None);
            }
            let wrapper: PyprojectOptions = parse(path, &text)?;
            return Ok(Some(ConfigFile {
                path: path.to_path_buf(),
                options: wrapper.tool.flaskcheck,
                key_prefix: "tool.flaskcheck.",
                text,
            }));
        }
        let options: Options = parse(path, &text)?;
        Ok(Some(ConfigFile {
            path: path.to_path_buf(),
            options,
            key_prefix: "",
            text,
        }))
    }

    /// Where the key `key` is written in the table at `table` (the first occurrence, bare or
    /// quoted), or the table itself when it cannot be found (a key written with escapes).
    pub fn key_span(&self, table: std::ops::Range<usize>, key: &str) -> std::ops::Range<usize> {
        let Some(text) = self.text.get(table.clone()) else {
            return table;
        };
        [format!("\"{key}\""), format!("'{key}'"), toml_key(key)]
            .iter()
            .find_map(|written| text.find(written.as_str()))
            .map_or(table.clone(), |at| {
                table.start + at..table.start + at + key.len()
            })
    }

    /// An error about the value at `span` under `key` (relative to the flaskcheck table).
    pub fn error_at(
        &self,
        span: Option<std::ops::Range<usize>>,
        key: &str,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError {
            path: self.path.clone(),
            location: span.map(|span| line_column(&self.text, span.start)),
            key: Some(format!("{}{key}", self.key_prefix)),
            message: message.into(),
        }
    }
}

#[derive(Deserialize)]
struct PyprojectOptions {
    tool: PyprojectTools,
}

#[derive(Deserialize)]
struct PyprojectTools {
    flaskcheck: Options,
}

fn parse<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> Result<T, ConfigError> {
    let deserializer = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let key = key_path(err.path());
        let inner = err.into_inner();
        ConfigError {
            path: path.to_path_buf(),
            location: inner.span().map(|span| line_column(text, span.start)),
            key,
            message: inner.message().replace('\n', ": "),
        }
    })
}

/// The key path as a TOML reader writes it: `per-file-ignores."tests/*.py"[0]`.
fn key_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if key.starts_with("$__serde_spanned") {
                    continue;
                }
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&toml_key(key));
            }
            Segment::Enum { variant } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(variant);
            }
            Segment::Unknown => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A key as written in TOML: bare when it can be, quoted otherwise.
pub(crate) fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// A severity from its name only. (Severity's derived `Deserialize`, which the cache's binary
/// format needs, also takes a table, and says "string or table" to a value of another type:
/// `fail-on = 3`.)
fn severity_name<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Severity>, D::Error> {
    struct Names;
    impl serde::de::Visitor<'_> for Names {
        type Value = Severity;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("one of `low`, `medium`, `high`")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Severity, E> {
            Severity::ALL
                .into_iter()
                .find(|severity| severity.as_str() == value)
                .ok_or_else(|| E::unknown_variant(value, &["low", "medium", "high"]))
        }
    }
    deserializer.deserialize_str(Names).map(Some)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn found_walking_up_and_flaskcheck_toml_wins_in_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "pyproject.toml",
            "[tool.flaskcheck]\nselect = [\"FC0\"]\n",
        );
        write(root, "app/api/views.py", "x = 1\n");
        let found = ConfigFile::find(&root.join("app/api/views.py"), root, &mut Vec::new())
            .unwrap()
            .unwrap();
        assert_eq!(found.path, root.join("pyproject.toml"));
        assert_eq!(found.options.select.unwrap()[0].get_ref(), "FC0");

        write(root, "app/flaskcheck.toml", "fail-on = \"high\"\n");
        write(root, "app/pyproject.toml", "[tool.flaskcheck]\n");
        let found = ConfigFile::find(&root.join("app/api"), root, &mut Vec::new())
            .unwrap()
            .unwrap();
        assert_eq!(found.path, root.join("app/flaskcheck.toml"));
        assert_eq!(found.options.fail_on, Some(Severity::High));
    }

    #[test]
    fn pyproject_without_our_table_is_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "flaskcheck.toml", "select = [\"FC000\"]\n");
        write(
            root,
            "pkg/pyproject.toml",
            "[project]\nname = \"x\"\n[tool.ruff]\nselect = 3\n",
        );
        let found = ConfigFile::find(&root.join("pkg"), root, &mut Vec::new())
            .unwrap()
            .unwrap();
        assert_eq!(found.path, root.join("flaskcheck.toml"));
        // Named explicitly, it is an error.
        let err = ConfigFile::load(&root.join("pkg/pyproject.toml"), root).unwrap_err();
        assert!(
            err.message.contains("no `[tool.flaskcheck]` table"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_and_bad_types_name_the_key_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let path = write(
            root,
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.flaskcheck]\nselct = [\"FC1\"]\n",
        );
        let err = ConfigFile::load(&path, root).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("tool.flaskcheck.selct"));
        assert_eq!(err.location, Some((5, 1)));
        assert!(err.message.starts_with("unknown field `selct`"), "{err}");

        let path = write(
            root,
            "flaskcheck.toml",
            "[per-file-ignores]\n\"tests/*.py\" = [\"FC101\", 3]\n",
        );
        let err = ConfigFile::load(&path, root).unwrap_err();
        assert_eq!(
            err.key.as_deref(),
            Some("per-file-ignores.\"tests/*.py\"[1]")
        );
        assert_eq!(err.location, Some((2, 26)));
        assert!(err.message.contains("expected a string"), "{err}");

        let path = write(root, "flaskcheck.toml", "fail-on = \"critical\"\n");
        let err = ConfigFile::load(&path, root).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("fail-on"));
        assert!(err.message.contains("unknown variant `critical`"), "{err}");

        let path = write(root, "flaskcheck.toml", "select = [\n");
        let err = ConfigFile::load(&path, root).unwrap_err();
        assert_eq!(err.key, None);
        assert!(err.location.is_some(), "{err}");
    }

    #[test]
    fn messages_read_like_compiler_errors() {
        let err = ConfigError {
            path: PathBuf::from("/nowhere/flaskcheck.toml"),
            location: Some((3, 10)),
            key: Some("select[0]".into()),
            message: "unknown rule code or prefix `FC9`".into(),
        };
        assert_eq!(
            err.to_string(),
            "/nowhere/flaskcheck.toml:3:10: `select[0]`: unknown rule code or prefix `FC9`"
        );
    }
}
