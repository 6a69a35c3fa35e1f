//! What a run is configured to do: the configuration file (if any) with the command line on top.
//! `docs/configuration.md` documents the keys; this module resolves them into [`Settings`].

mod file;

use std::path::{Path, PathBuf};

pub use file::{ConfigError, ConfigFile, Options, FLASKCHECK_TOML, PYPROJECT_TOML};

use crate::diagnostic::Severity;
use crate::discover::{DiscoverError, ExcludeSet, DEFAULT_EXCLUDES};
use crate::glob::{FilePattern, FilePatternSet, GlobError};
use crate::paths;
use crate::registry::Rule;
use crate::selection::{matching, RuleSelection, SelectorLayer, UnknownSelector};

/// The command line's part of the settings. Its globs are relative to the current folder.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Replaces the file's `select`.
    pub select: Option<Vec<String>>,
    /// Applied after the file's `select` and `ignore`.
    pub ignore: Vec<String>,
    /// Replaces the file's `exclude` (and so the default list).
    pub exclude: Option<Vec<String>>,
    /// Added to the file's `exclude` and `extend-exclude`.
    pub extend_exclude: Vec<String>,
    /// `(glob, codes)`, replacing the file's `per-file-ignores`.
    pub per_file_ignores: Option<Vec<(String, Vec<String>)>>,
    pub fail_on: Option<Severity>,
    /// `--report-unused-suppressions`; `false` leaves the file's choice.
    pub report_unused_suppressions: bool,
    /// `--force-exclude`; `false` leaves the file's choice.
    pub force_exclude: bool,
    /// `--project-root`, replacing the file's `project-root`.
    pub project_root: Option<PathBuf>,
    /// `--cache-dir` (or `FLASKCHECK_CACHE_DIR`), replacing the file's `cache-dir`.
    pub cache_dir: Option<PathBuf>,
}

/// Everything a run needs to know, resolved and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file used, if any.
    pub config: Option<PathBuf>,
    pub selection: RuleSelection,
    pub exclude: ExcludeSet,
    pub per_file_ignores: PerFileIgnores,
    /// The lowest severity that makes the exit code 1.
    pub fail_on: Severity,
    pub report_unused_suppressions: bool,
    /// The project root set with `--project-root` or `project-root` (absolute); `None` to find it
    /// from the paths (see [`crate::project::root::find_root`]).
    pub project_root: Option<PathBuf>,
    /// The cache folder set with `--cache-dir`, `FLASKCHECK_CACHE_DIR` or `cache-dir` (absolute);
    /// `None` for `.flaskcheck_cache` under the project root.
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Selector(#[from] UnknownSelector),
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error("--per-file-ignores: {0}")]
    PerFileIgnores(String),
}

impl Settings {
    /// The configuration file's options (if any) with the command line's on top.
    pub fn resolve(
        config: Option<&ConfigFile>,
        overrides: &Overrides,
        cwd: &Path,
    ) -> Result<Settings, SettingsError> {
        let empty = Options::default();
        let options = config.map_or(&empty, |config| &config.options);
        if let Some(config) = config {
            validate(config)?;
        }

        let config_select: Option<Vec<String>> = options.select.as_ref().map(|v| values(v));
        let config_ignore: Vec<String> = options
            .ignore
            .as_ref()
            .map(|v| values(v))
            .unwrap_or_default();
        let selection = RuleSelection::from_layers(&[
            SelectorLayer {
                select: config_select.as_deref(),
                ignore: &config_ignore,
            },
            SelectorLayer {
                select: overrides.select.as_deref(),
                ignore: &overrides.ignore,
            },
        ])?;

        let exclude = exclude_set(config, overrides)?;
        let per_file_ignores = match (&overrides.per_file_ignores, config) {
            (Some(entries), _) => {
                let entries: Vec<(FilePattern, Vec<String>)> = entries
                    .iter()
                    .map(|(glob, codes)| (FilePattern::new(glob.clone(), cwd), codes.clone()))
                    .collect();
                PerFileIgnores::new(&entries, cwd).map_err(SettingsError::from)?
            }
            (None, Some(config)) => {
                let entries: Vec<(FilePattern, Vec<String>)> = options
                    .per_file_ignores
                    .iter()
                    .flat_map(|table| table.get_ref())
                    .map(|(glob, codes)| {
                        (FilePattern::new(glob.clone(), config.dir()), values(codes))
                    })
                    .collect();
                // Validated with locations above; an error here would still be reported.
                PerFileIgnores::new(&entries, cwd).map_err(SettingsError::from)?
            }
            (None, None) => PerFileIgnores::default(),
        };

        Ok(Settings {
            config: config.map(|config| config.path.clone()),
            selection,
            exclude,
            per_file_ignores,
            fail_on: overrides
                .fail_on
                .or(options.fail_on)
                .unwrap_or(Severity::Low),
            report_unused_suppressions: overrides.report_unused_suppressions
                || options.report_unused_suppressions.unwrap_or(false),
            project_root: configured_path(
                overrides.project_root.as_deref(),
                options.project_root.as_deref(),
                config,
                cwd,
            ),
            cache_dir: configured_path(
                overrides.cache_dir.as_deref(),
                options.cache_dir.as_deref(),
                config,
                cwd,
            ),
        })
    }
}

/// A folder from the command line (relative to the current folder) or else from the
/// configuration file (relative to its folder), absolute.
fn configured_path(
    command_line: Option<&Path>,
    file: Option<&str>,
    config: Option<&ConfigFile>,
    cwd: &Path,
) -> Option<PathBuf> {
    if let Some(path) = command_line {
        return Some(paths::absolute(path, cwd));
    }
    let (file, config) = (file?, config?);
    Some(paths::absolute(Path::new(file), config.dir()))
}

fn values(spanned: &[toml::Spanned<String>]) -> Vec<String> {
    spanned
        .iter()
        .map(|value| value.get_ref().clone())
        .collect()
}

/// The exclusion list: `--exclude`, else the file's `exclude`, else the defaults; then the file's
/// `extend-exclude` and `--extend-exclude`.
fn exclude_set(
    config: Option<&ConfigFile>,
    overrides: &Overrides,
) -> Result<ExcludeSet, SettingsError> {
    let options = config.map(|config| &config.options);
    let mut loose: Vec<String> = Vec::new();
    let mut anchored: Vec<FilePattern> = Vec::new();
    match (
        &overrides.exclude,
        options.and_then(|o| o.exclude.as_ref()),
        config,
    ) {
        (Some(patterns), _, _) => loose.extend(patterns.iter().cloned()),
        (None, Some(patterns), Some(config)) => anchored.extend(
            patterns
                .iter()
                .map(|p| FilePattern::new(p.get_ref().clone(), config.dir())),
        ),
        _ => loose.extend(DEFAULT_EXCLUDES.iter().map(|p| (*p).to_string())),
    }
    if let (Some(patterns), Some(config)) =
        (options.and_then(|o| o.extend_exclude.as_ref()), config)
    {
        anchored.extend(
            patterns
                .iter()
                .map(|p| FilePattern::new(p.get_ref().clone(), config.dir())),
        );
    }
    loose.extend(overrides.extend_exclude.iter().cloned());
    let force = overrides.force_exclude || options.and_then(|o| o.force_exclude).unwrap_or(false);
    Ok(ExcludeSet::new(&loose)?
        .with_anchored(&anchored)?
        .with_force(force))
}

/// Checks the file's rule codes and globs, reporting the first problem at its line.
fn validate(config: &ConfigFile) -> Result<(), ConfigError> {
    let options = &config.options;
    let codes = |key: &str, list: &Option<Vec<toml::Spanned<String>>>| {
        for (index, code) in list.iter().flatten().enumerate() {
            if let Err(err) = matching(code.get_ref()) {
                return Err(config.error_at(
                    Some(code.span()),
                    &format!("{key}[{index}]"),
                    err.to_string(),
                ));
            }
        }
        Ok(())
    };
    codes("select", &options.select)?;
    codes("ignore", &options.ignore)?;
    let globs = |key: &str, list: &Option<Vec<toml::Spanned<String>>>| {
        for (index, glob) in list.iter().flatten().enumerate() {
            let pattern = FilePattern::new(glob.get_ref().clone(), config.dir());
            if let Err(err) = FilePatternSet::new(std::slice::from_ref(&pattern)) {
                return Err(config.error_at(
                    Some(glob.span()),
                    &format!("{key}[{index}]"),
                    err.to_string(),
                ));
            }
        }
        Ok(())
    };
    globs("exclude", &options.exclude)?;
    globs("extend-exclude", &options.extend_exclude)?;
    let table = options.per_file_ignores.as_ref();
    for (glob, list) in table.iter().flat_map(|table| table.get_ref()) {
        let key = format!("per-file-ignores.{}", file::toml_key(glob));
        let pattern = FilePattern::new(glob.clone(), config.dir());
        if let Err(err) = FilePatternSet::new(std::slice::from_ref(&pattern)) {
            let span = table.map(|table| config.key_span(table.span(), glob));
            return Err(config.error_at(span, &key, err.to_string()));
        }
        for (index, code) in list.iter().enumerate() {
            if let Err(err) = matching(code.get_ref()) {
                return Err(config.error_at(
                    Some(code.span()),
                    &format!("{key}[{index}]"),
                    err.to_string(),
                ));
            }
        }
    }
    Ok(())
}

/// `per-file-ignores`: rules turned off for the files that match a glob.
#[derive(Debug, Clone, Default)]
pub struct PerFileIgnores {
    patterns: Option<FilePatternSet>,
    /// The rules of each pattern, in pattern order.
    rules: Vec<Vec<Rule>>,
    cwd: PathBuf,
}

#[derive(Debug)]
enum PerFileIgnoresError {
    Glob(GlobError),
    Selector(UnknownSelector),
}

impl From<PerFileIgnoresError> for SettingsError {
    fn from(err: PerFileIgnoresError) -> Self {
        match err {
            PerFileIgnoresError::Glob(err) => SettingsError::PerFileIgnores(err.to_string()),
            PerFileIgnoresError::Selector(err) => SettingsError::Selector(err),
        }
    }
}

impl PerFileIgnores {
    fn new(
        entries: &[(FilePattern, Vec<String>)],
        cwd: &Path,
    ) -> Result<Self, PerFileIgnoresError> {
        let patterns: Vec<FilePattern> = entries.iter().map(|(p, _)| p.clone()).collect();
        let set = FilePatternSet::new(&patterns).map_err(PerFileIgnoresError::Glob)?;
        let mut rules = Vec::with_capacity(entries.len());
        for (_, codes) in entries {
            let mut list = Vec::new();
            for code in codes {
                // As in `ignore`, FC000 is turned off only by its full code.
                let full_fc000 = code.trim().eq_ignore_ascii_case(Rule::SyntaxError.code());
                list.extend(
                    matching(code)
                        .map_err(PerFileIgnoresError::Selector)?
                        .into_iter()
                        .filter(|&rule| rule != Rule::SyntaxError || full_fc000),
                );
            }
            rules.push(list);
        }
        Ok(Self {
            patterns: (!set.is_empty()).then_some(set),
            rules,
            cwd: cwd.to_path_buf(),
        })
    }

    /// The rules ignored for `path` (as walked: relative to the current folder, or absolute).
    pub fn ignored(&self, path: &Path) -> Vec<Rule> {
        let Some(patterns) = &self.patterns else {
            return Vec::new();
        };
        let mut out: Vec<Rule> = patterns
            .matches_file(&paths::absolute(path, &self.cwd))
            .into_iter()
            .flat_map(|index| self.rules[index].iter().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_none()
    }
}

/// Parses a `--per-file-ignores` value, `GLOB:CODE[,CODE...]`.
pub fn parse_per_file_ignore(value: &str) -> Result<(String, Vec<String>), String> {
    let Some((glob, codes)) = value.rsplit_once(':') else {
        return Err(format!(
            "`{value}` is not GLOB:CODES (for example `tests/*.py:FC101,FC102`)"
        ));
    };
    let codes: Vec<String> = codes
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(str::to_string)
        .collect();
    if glob.is_empty() || codes.is_empty() {
        return Err(format!(
            "`{value}` is not GLOB:CODES (for example `tests/*.py:FC101,FC102`)"
        ));
    }
    Ok((glob.to_string(), codes))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn config(dir: &Path, text: &str) -> ConfigFile {
        let path = dir.join(FLASKCHECK_TOML);
        fs::write(&path, text).unwrap();
        ConfigFile::load(&path, dir).unwrap()
    }

    #[test]
    fn command_line_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = config(
            dir.path(),
            "select = [\"FC0\"]\nignore = [\"FC002\"]\nfail-on = \"high\"\nreport-unused-suppressions = true\n",
        );
        let settings = Settings::resolve(Some(&file), &Overrides::default(), dir.path()).unwrap();
        assert!(!settings.selection.is_enabled(Rule::InternalError));
        assert_eq!(settings.fail_on, Severity::High);
        assert!(settings.report_unused_suppressions);

        let overrides = Overrides {
            select: Some(vec!["FC002".into()]),
            fail_on: Some(Severity::Medium),
            ..Overrides::default()
        };
        let settings = Settings::resolve(Some(&file), &overrides, dir.path()).unwrap();
        assert!(settings.selection.is_enabled(Rule::InternalError));
        assert_eq!(settings.fail_on, Severity::Medium);
    }

    #[test]
    fn unknown_codes_in_the_file_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let file = config(dir.path(), "select = [\"FC0\", \"FC9\"]\n");
        let err = Settings::resolve(Some(&file), &Overrides::default(), dir.path()).unwrap_err();
        let SettingsError::Config(err) = err else {
            panic!("{err}")
        };
        assert_eq!(err.key.as_deref(), Some("select[1]"));
        assert_eq!(err.location, Some((1, 18)));
        assert!(err.message.contains("unknown rule code or prefix `FC9`"));

        let file = config(dir.path(), "[per-file-ignores]\n\"tests/*\" = [\"FC1x\"]\n");
        let err = Settings::resolve(Some(&file), &Overrides::default(), dir.path()).unwrap_err();
        assert!(
            err.to_string()
                .contains("`per-file-ignores.\"tests/*\"[0]`: unknown rule code or prefix `FC1x`"),
            "{err}"
        );

        let file = config(dir.path(), "extend-exclude = [\"ok\", \"a[b\"]\n");
        let err = Settings::resolve(Some(&file), &Overrides::default(), dir.path()).unwrap_err();
        assert!(
            err.to_string()
                .contains("`extend-exclude[1]`: invalid glob `a[b`"),
            "{err}"
        );
    }

    #[test]
    fn per_file_ignores_are_relative_to_the_config_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let file = config(
            root,
            "[per-file-ignores]\n\"tests/*.py\" = [\"FC002\"]\n\"conftest.py\" = [\"FC000\"]\n\"x.py\" = [\"FC0\"]\n",
        );
        let settings = Settings::resolve(Some(&file), &Overrides::default(), root).unwrap();
        let ignores = &settings.per_file_ignores;
        assert_eq!(
            ignores.ignored(&root.join("tests/test_x.py")),
            [Rule::InternalError]
        );
        assert!(ignores
            .ignored(&root.join("app/tests/test_x.py"))
            .is_empty());
        assert!(ignores
            .ignored(&root.join("app/conftest.py"))
            .contains(&Rule::SyntaxError));
        // A prefix does not turn FC000 off, as in `ignore`.
        assert_eq!(
            ignores.ignored(&root.join("x.py")),
            [Rule::UnusedSuppression, Rule::InternalError]
        );
    }

    #[test]
    fn per_file_ignore_values() {
        assert_eq!(
            parse_per_file_ignore("tests/*.py:FC101, FC102").unwrap(),
            (
                "tests/*.py".to_string(),
                vec!["FC101".to_string(), "FC102".to_string()]
            )
        );
        assert!(parse_per_file_ignore("tests/*.py").is_err());
        assert!(parse_per_file_ignore("tests/*.py:").is_err());
    }
}
