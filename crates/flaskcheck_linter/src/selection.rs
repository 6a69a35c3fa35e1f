//! Which rules run: `--select`/`--ignore` (and the configuration keys of the same names) take
//! rule codes or code prefixes such as `FC1`, or `ALL`.

use crate::registry::Rule;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSelection {
    enabled: Vec<bool>,
}

/// One source of `select` and `ignore`: the configuration file, or the command line.
#[derive(Debug, Clone, Copy)]
pub struct SelectorLayer<'a, S> {
    pub select: Option<&'a [S]>,
    pub ignore: &'a [S],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule code or prefix `{0}` (run `flaskcheck rules` for the list)")]
pub struct UnknownSelector(pub String);

impl Default for RuleSelection {
    fn default() -> Self {
        Self::all()
    }
}

impl RuleSelection {
    pub fn all() -> Self {
        Self {
            enabled: vec![true; Rule::ALL.len()],
        }
    }

    /// Starts from `select` (every rule when `None`) and removes `ignore`. FC000 stays on unless
    /// `ignore` names it in full: a file that could not be analyzed is never dropped silently.
    pub fn from_selectors<S: AsRef<str>>(
        select: Option<&[S]>,
        ignore: &[S],
    ) -> Result<Self, UnknownSelector> {
        Self::from_layers(&[SelectorLayer { select, ignore }])
    }

    /// Applies layers in order, the way the configuration file and then the command line are
    /// applied: a layer's `select` replaces the rules enabled so far (FC000 included again), and
    /// its `ignore` then removes rules from them.
    pub fn from_layers<S: AsRef<str>>(
        layers: &[SelectorLayer<'_, S>],
    ) -> Result<Self, UnknownSelector> {
        let mut enabled = vec![true; Rule::ALL.len()];
        for layer in layers {
            if let Some(selectors) = layer.select {
                enabled = vec![false; Rule::ALL.len()];
                for selector in selectors {
                    for rule in matching(selector.as_ref())? {
                        enabled[rule as usize] = true;
                    }
                }
                enabled[Rule::SyntaxError as usize] = true;
            }
            for selector in layer.ignore {
                let selector = selector.as_ref();
                for rule in matching(selector)? {
                    if rule != Rule::SyntaxError
                        || selector
                            .trim()
                            .eq_ignore_ascii_case(Rule::SyntaxError.code())
                    {
                        enabled[rule as usize] = false;
                    }
                }
            }
        }
        Ok(Self { enabled })
    }

    /// Turns rules off, for one file's `per-file-ignores`.
    pub fn disable(&mut self, rule: Rule) {
        self.enabled[rule as usize] = false;
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.enabled[rule as usize]
    }

    pub fn enable(&mut self, rule: Rule) {
        self.enabled[rule as usize] = true;
    }

    pub fn enabled(&self) -> impl Iterator<Item = Rule> + '_ {
        Rule::ALL
            .iter()
            .copied()
            .filter(|&rule| self.is_enabled(rule))
    }
}

/// The rules a selector names. Also used to validate codes in configuration.
pub fn matching(selector: &str) -> Result<Vec<Rule>, UnknownSelector> {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("ALL") {
        return Ok(Rule::ALL.to_vec());
    }
    let rules: Vec<Rule> = Rule::ALL
        .iter()
        .copied()
        .filter(|rule| {
            rule.code()
                .get(..selector.len())
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case(selector))
        })
        .collect();
    if rules.is_empty() || selector.is_empty() {
        Err(UnknownSelector(selector.to_string()))
    } else {
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_select_and_ignore() {
        let selection = RuleSelection::from_selectors(Some(&["FC0"]), &["FC002"]).unwrap();
        assert!(selection.is_enabled(Rule::SyntaxError));
        assert!(!selection.is_enabled(Rule::InternalError));
    }

    #[test]
    fn syntax_errors_survive_select_but_not_an_explicit_ignore() {
        let selection = RuleSelection::from_selectors(Some(&["FC002"]), &["FC0"]).unwrap();
        assert!(selection.is_enabled(Rule::SyntaxError));
        let selection = RuleSelection::from_selectors::<&str>(None, &["fc000"]).unwrap();
        assert!(!selection.is_enabled(Rule::SyntaxError));
    }

    #[test]
    fn later_layers_select_afresh_and_ignore_on_top() {
        let config = SelectorLayer {
            select: Some(&["FC0"][..]),
            ignore: &["FC002"][..],
        };
        // The command line ignores on top of the file.
        let cli = SelectorLayer {
            select: None,
            ignore: &["FC000"][..],
        };
        let selection = RuleSelection::from_layers(&[config, cli]).unwrap();
        assert!(!selection.is_enabled(Rule::InternalError));
        assert!(!selection.is_enabled(Rule::SyntaxError));
        // A command-line select replaces the file's choice, its ignores included.
        let cli = SelectorLayer {
            select: Some(&["FC002"][..]),
            ignore: &[][..],
        };
        let selection = RuleSelection::from_layers(&[config, cli]).unwrap();
        assert!(selection.is_enabled(Rule::InternalError));
        assert!(selection.is_enabled(Rule::SyntaxError));
    }

    #[test]
    fn unknown_selectors_are_errors() {
        assert_eq!(
            RuleSelection::from_selectors(Some(&["FC9"]), &[]).unwrap_err(),
            UnknownSelector("FC9".into())
        );
        assert!(RuleSelection::from_selectors::<&str>(None, &[""]).is_err());
        assert!(matching("all").is_ok());
    }
}
