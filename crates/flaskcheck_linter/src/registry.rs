//! The one table of rules. Adding a rule is one line here, one module under `rules/` (in this
//! crate), one document `rules/CODE.md` at the repository root and one fixture folder
//! `testdata/rules/CODE_name/`; see `docs/adding-a-rule.md`.

use std::fmt;
use std::sync::OnceLock;

use crate::diagnostic::Severity;
use crate::rule_doc::RuleDoc;
use crate::rules::RuleChecks;

macro_rules! define_rules {
    ($($code:ident $variant:ident $(=> $module:ident)?,)*) => {
        /// Every rule flaskcheck knows, in code order.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            pub fn code(self) -> &'static str {
                match self {
                    $(Rule::$variant => stringify!($code),)*
                }
            }

            fn doc_source(self) -> &'static str {
                match self {
                    $(Rule::$variant => include_str!(concat!("../../../rules/", stringify!($code), ".md")),)*
                }
            }

            pub(crate) fn checks(self) -> RuleChecks {
                match self {
                    $(Rule::$variant => define_rules!(@checks $($module)?),)*
                }
            }
        }
    };
    (@checks $module:ident) => { crate::rules::$module::CHECKS };
    (@checks) => { RuleChecks::NONE };
}

define_rules! {
    FC000 SyntaxError,
    FC001 UnusedSuppression,
    FC002 InternalError,
    FC101 ModelInResponse => model_in_response,
    FC102 QueryResultInResponse => query_result_in_response,
    FC103 SelectStar => select_star,
    FC104 MongoUnprojectedFind => mongo_unprojected_find,
    FC105 RelationshipWithoutSerializer => relationship_without_serializer,
    FC106 SerializerExposesSensitiveField => serializer_exposes_sensitive_field,
    FC201 MassAssignment => mass_assignment,
    FC202 PrivilegedFieldFromRequest => privileged_field_from_request,
    FC301 UnscopedObjectLookup => unscoped_object_lookup,
    FC401 NosqlInjection => nosql_injection,
    FC402 SqlBuiltFromStrings => sql_built_from_strings,
    FC501 ExceptionInResponse => exception_in_response,
    FC502 SensitiveDataLogged => sensitive_data_logged,
    FC503 DebugEnabled => debug_enabled,
    FC504 HardcodedSecret => hardcoded_secret,
    FC505 InsecureDatabaseTransport => insecure_database_transport,
    FC506 CsrfProtectionDisabled => csrf_protection_disabled,
    FC507 InsecureCookie => insecure_cookie,
    FC508 PermissiveCors => permissive_cors,
    FC509 JwtVerificationDisabled => jwt_verification_disabled,
    FC601 TemplateInjection => template_injection,
    FC602 CrossSiteScripting => cross_site_scripting,
    FC603 OpenRedirect => open_redirect,
    FC604 PathTraversal => path_traversal,
    FC605 ServerSideRequestForgery => server_side_request_forgery,
    FC606 CommandInjection => command_injection,
    FC607 CodeInjection => code_injection,
    FC608 UnsafeDeserialization => unsafe_deserialization,
}

impl Rule {
    /// The rule's document, parsed once. The documents are checked by a test, so a malformed
    /// one never ships; should one slip through, the error names it.
    pub fn doc(self) -> &'static RuleDoc {
        static DOCS: OnceLock<Vec<RuleDoc>> = OnceLock::new();
        let docs = DOCS.get_or_init(|| {
            Rule::ALL
                .iter()
                .map(|rule| {
                    RuleDoc::parse(rule.doc_source())
                        .unwrap_or_else(|err| panic!("rules/{}.md: {err}", rule.code()))
                })
                .collect()
        });
        &docs[self as usize]
    }

    pub fn name(self) -> &'static str {
        &self.doc().name
    }

    /// The rule's document on the web: SARIF's `helpUri`, the editor's link on a diagnostic.
    pub fn doc_url(self) -> String {
        format!(
            "{}/blob/main/rules/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            self.code()
        )
    }

    /// The default severity from the rule's document.
    pub fn severity(self) -> Severity {
        self.doc().severity
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|rule| rule.code().eq_ignore_ascii_case(code))
    }

    /// Whether the rule judges the project as a whole (FC105: a model that nothing in the project
    /// serializes). Its findings belong to the file they are reported in only: their related
    /// locations (the model's other relationships) do not make them part of another file's report.
    pub fn is_project_wide(self) -> bool {
        matches!(self, Rule::RelationshipWithoutSerializer)
    }

    /// Whether the rule's project check may report a finding in another file than the one it
    /// checks (`ProjectContext::report_at`: FC104 reports at the `find` call, in whichever module
    /// it is). Every other rule's findings are in the file whose pass reported them, which is what
    /// lets an editor compute one file's findings first (`Project::check_edited`): the file's own
    /// pass, plus these rules' passes over the other files. A rule that reports elsewhere without
    /// this flag trips a debug assertion in the project pass.
    pub fn reports_in_other_files(self) -> bool {
        matches!(self, Rule::MongoUnprojectedFind)
    }

    /// Rules the pipeline itself reports rather than a rule module.
    pub fn is_meta(self) -> bool {
        self.code().starts_with("FC0")
    }
}

/// A rule is written by its code (in the cache), so that a stored finding never names another
/// rule after the table changes.
impl serde::Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CodeVisitor;
        impl serde::de::Visitor<'_> for CodeVisitor {
            type Value = Rule;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a rule code")
            }
            fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<Rule, E> {
                Rule::from_code(code)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(code), &self))
            }
        }
        deserializer.deserialize_str(CodeVisitor)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_parses_and_matches_its_code() {
        for &rule in Rule::ALL {
            let doc =
                RuleDoc::parse(rule.doc_source()).unwrap_or_else(|err| panic!("{rule}: {err}"));
            assert_eq!(
                doc.code,
                rule.code(),
                "front matter code of rules/{rule}.md"
            );
            assert!(
                doc.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{rule}: names are kebab-case"
            );
            assert!(!doc.summary.is_empty(), "{rule}: summary");
            for heading in ["What it does", "Why is this bad?"] {
                assert!(
                    doc.section(heading).is_some(),
                    "{rule}: section `## {heading}`"
                );
            }
            if !rule.is_meta() {
                assert!(!doc.cwe.is_empty(), "{rule}: security rules name a CWE");
                assert!(
                    !doc.python_examples("Example").is_empty(),
                    "{rule}: `## Example`"
                );
                assert!(
                    !doc.python_examples("Use instead").is_empty(),
                    "{rule}: `## Use instead`"
                );
            }
        }
    }

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<_> = Rule::ALL.iter().map(|rule| rule.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = Rule::ALL.iter().map(|rule| rule.name()).collect();
        names.sort_unstable();
        let len = names.len();
        names.dedup();
        assert_eq!(names.len(), len);
    }
}
