//! Names of fields and variables that hold secrets, shared by the rules about serializers (FC106)
//! and logs (FC502).
//!
//! A name is split into words (`passwordHash`, `password_hash` and `PASSWORD-HASH` are all
//! `password hash`). It is sensitive when its words name a secret (`password`, `salt`, `ssn`,
//! `otp`...) or a credential (`token`, `api_key`...), and not when another word says that the
//! value is *about* the secret rather than the secret itself (`password_changed_at`,
//! `token_expiry`, `is_password_set`, `api_key_id`), or that it is a CSRF form token, which is
//! sent to the client by design.

use crate::analyze::term::TermId;

/// What a sensitive name holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Sensitivity {
    /// A secret kept at rest that no client needs: a password or its hash, a salt, an OTP seed, a
    /// private key, a national identifier, a card number.
    Secret,
    /// A bearer credential: a token or an API key. Issuing one to its owner is the point of a
    /// login or key-creation endpoint; sending it anywhere else is a leak.
    Credential,
}

/// Words that make a name sensitive on their own.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "pwd",
    "passphrase",
    "passcode",
    "salt",
    "ssn",
    "secret",
    "otp",
    "totp",
    "hotp",
    "cvv",
    "cvc",
    "privkey",
    "pwhash",
    "pinhash",
];

/// Words that are credentials on their own.
const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "apikey",
    "credential",
    "credentials",
    "jwt",
    "authorization",
    "cookie",
];

/// Words before `key` that make it a secret key (`private_key`) or a credential (`api_key`).
const SECRET_KEY_PREFIXES: &[&str] = &["private", "secret", "signing", "encryption", "master"];
const CREDENTIAL_KEY_PREFIXES: &[&str] = &["api", "access", "auth", "session"];

/// Words that make a name describe a secret rather than hold it.
const METADATA_WORDS: &[&str] = &[
    "algorithm",
    "algo",
    "at",
    "attempt",
    "attempts",
    "changed",
    "count",
    "created",
    "date",
    "description",
    "duration",
    "enabled",
    "endpoint",
    "error",
    "errors",
    "exp",
    "expiration",
    "expire",
    "expired",
    "expires",
    "expiry",
    "field",
    "fields",
    "file",
    "format",
    "has",
    "header",
    "hint",
    "id",
    "ids",
    "is",
    "kind",
    "label",
    "last4",
    "len",
    "length",
    "lifetime",
    "max",
    "message",
    "method",
    "min",
    "modified",
    "name",
    "names",
    "path",
    "pattern",
    "policy",
    "prefix",
    "regex",
    "required",
    "rotated",
    "rule",
    "rules",
    "scheme",
    "scope",
    "scopes",
    "sent",
    "set",
    "size",
    "strength",
    "suffix",
    "time",
    "timestamp",
    "ttl",
    "type",
    "updated",
    "uri",
    "url",
    "used",
    "valid",
    "validity",
    "version",
];

/// Words that mark a CSRF token, which forms send to the client by design.
const CSRF_WORDS: &[&str] = &["csrf", "xsrf"];

/// The words of an identifier, lowercased: `passwordHash` → `password`, `hash`.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a field or variable name holds a secret or a credential.
pub(crate) fn sensitivity(name: &str) -> Option<Sensitivity> {
    if name.len() < 3 {
        return None;
    }
    let words = words(name);
    if words
        .iter()
        .any(|w| METADATA_WORDS.contains(&w.as_str()) || CSRF_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    let mut found = None;
    for (index, word) in words.iter().enumerate() {
        let word = word.as_str();
        let previous = index.checked_sub(1).map(|i| words[i].as_str());
        let next = words.get(index + 1).map(String::as_str);
        let kind = if SECRET_WORDS.contains(&word) {
            Some(Sensitivity::Secret)
        } else if CREDENTIAL_WORDS.contains(&word) {
            Some(Sensitivity::Credential)
        } else if word == "key" || word == "keys" {
            match previous {
                Some(p) if SECRET_KEY_PREFIXES.contains(&p) => Some(Sensitivity::Secret),
                Some(p) if CREDENTIAL_KEY_PREFIXES.contains(&p) => Some(Sensitivity::Credential),
                _ => None,
            }
        } else if matches!(word, "hash" | "hashed" | "digest") {
            // `password_hash`, `hashed_password`, `pw_hash`; a file's `hash` is not a secret.
            let neighbours = [previous, next];
            neighbours
                .iter()
                .flatten()
                .any(|w| matches!(*w, "pw" | "pass" | "pin"))
                .then_some(Sensitivity::Secret)
        } else if word == "card" {
            matches!(next, Some("number" | "no" | "num"))
                .then_some(Sensitivity::Secret)
                .filter(|_| matches!(previous, None | Some("credit" | "debit")))
        } else if word == "security" {
            matches!(next, Some("answer" | "code")).then_some(Sensitivity::Secret)
        } else if word == "social" {
            matches!(next, Some("security")).then_some(Sensitivity::Secret)
        } else {
            None
        };
        match (found, kind) {
            (_, Some(Sensitivity::Secret)) => return Some(Sensitivity::Secret),
            (None, Some(kind)) => found = Some(kind),
            _ => {}
        }
    }
    found
}

/// Whether a name is sensitive at all.
pub(crate) fn is_sensitive(name: &str) -> bool {
    sensitivity(name).is_some()
}

/// An attribute of `self` that a string or container term holds directly and that `wanted`
/// accepts.
pub(crate) fn self_attribute(
    terms: &crate::analyze::Terms,
    term: TermId,
    budget: u32,
    wanted: &dyn Fn(&str) -> bool,
) -> Option<String> {
    use crate::analyze::Term;
    if budget == 0 {
        return None;
    }
    match terms.get(term) {
        Term::Attr(inner, name) => (matches!(terms.get(*inner), Term::SelfOf(_))
            && wanted(name.as_str()))
        .then(|| name.to_string()),
        Term::Format(items) | Term::Container(items) | Term::Union(items) => items
            .iter()
            .find_map(|&item| self_attribute(terms, item, budget - 1, wanted)),
        Term::Call(call) => {
            // `str(self.token)` and `repr(...)` keep the value.
            match terms.get(call.callee) {
                Term::Global(symbol) if matches!(&**symbol, "builtins.str" | "builtins.repr") => {
                    call.args
                        .first()
                        .and_then(|&arg| self_attribute(terms, arg, budget - 1, wanted))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_credentials() {
        for name in [
            "password",
            "password_hash",
            "passwordHash",
            "hashed_password",
            "pw_hash",
            "PASSWORD",
            "new_password",
            "salt",
            "otp_secret",
            "totp_secret",
            "ssn",
            "client_secret",
            "secret_key",
            "private_key",
            "credit_card_number",
            "card_number",
            "security_answer",
        ] {
            assert_eq!(sensitivity(name), Some(Sensitivity::Secret), "{name}");
        }
        for name in [
            "token",
            "access_token",
            "refreshToken",
            "api_key",
            "apiKey",
            "apikey",
            "auth_token",
            "reset_token",
            "credentials",
        ] {
            assert_eq!(sensitivity(name), Some(Sensitivity::Credential), "{name}");
        }
    }

    #[test]
    fn names_about_secrets_are_not_secrets() {
        for name in [
            "is_password_set",
            "password_changed_at",
            "token_expiry",
            "token_type",
            "api_key_id",
            "csrf_token",
            "password_reset_required",
            "hash",
            "file_hash",
            "content_digest",
            "key",
            "public_key",
            "primary_key",
            "tokenizer",
            "tokens",
            "passed",
            "compass",
            "card",
            "id",
        ] {
            assert_eq!(sensitivity(name), None, "{name}");
        }
    }
}
