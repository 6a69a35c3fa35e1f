//! Names of fields and variables that hold secrets, shared by the rules about serializers (FC106)
//! and logs (FC502).
//!
//! A name is split into words (`passwordHash`, `password_hash` and `PASSWORD-HASH` are all
//! `password hash`) and read as an English compound, whose last word says what the value is:
//! `access_token` is a token, but `token_limit` is a limit, `token_expiry` a date and
//! `password_changed_at` a time. A name is sensitive when that last word names a secret
//! (`password`, `salt`, `ssn`, `otp`...) or a credential (`token`, `api_key`...), or is a hash or
//! digest of a password. Value-like endings (`password_str`, `token_value`,
//! `password_confirmation`) are looked through, flags and verbs in front (`is_password_set`,
//! `has_token`, `show_password`) are not secrets, and a CSRF token is sent to the client by
//! design, as are pagination tokens.

use crate::analyze::term::TermId;
use crate::analyze::Visited;

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

/// Last words that are secrets.
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
];

/// Last words that are credentials.
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

/// Words whose hash is as sensitive as they are (`password_hash`, `pin_hash`).
const HASHED_SECRETS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pw",
    "pass",
    "passphrase",
    "passcode",
    "pin",
];

/// Last words that say the value *is* the word before it, in another form.
const VALUE_ENDINGS: &[&str] = &[
    "value",
    "val",
    "str",
    "string",
    "raw",
    "plain",
    "plaintext",
    "text",
    "bytes",
    "b64",
    "hex",
    "encoded",
    "confirm",
    "confirmation",
    "again",
    "repeat",
    "new",
    "old",
];

/// First words that make the name a flag, a count or an action about the secret.
const FLAG_PREFIXES: &[&str] = &[
    "is", "has", "use", "uses", "require", "requires", "needs", "no", "allow", "allows", "enable",
    "enabled", "show", "hide", "num", "count", "len", "max", "min", "check", "validate", "verify",
    "get", "set", "generate", "gen", "make", "create", "must",
];

/// Words that mark a token sent to the client by design: CSRF tokens, pagination cursors.
const NOT_CREDENTIAL_TOKENS: &[&str] = &[
    "csrf",
    "xsrf",
    "next",
    "page",
    "continuation",
    "sync",
    "cursor",
    "pagination",
];

/// The words of an identifier, lowercased: `passwordHash` → `password`, `hash`.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        // A word starts at an upper-case letter after a lower-case one (`passwordHash`), or at the
        // last capital of an acronym (`DBParameters` → `db`, `parameters`).
        if c.is_uppercase() && !current.is_empty() && index > 0 {
            let previous = chars[index - 1];
            let next_lower = chars.get(index + 1).is_some_and(|n| n.is_lowercase());
            if previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_lower)
            {
                out.push(std::mem::take(&mut current));
            }
        }
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
    let mut words: &[String] = &words;
    if words
        .first()
        .is_some_and(|first| FLAG_PREFIXES.contains(&first.as_str()))
    {
        return None;
    }
    while let [rest @ .., last] = words {
        if rest.is_empty() || !VALUE_ENDINGS.contains(&last.as_str()) {
            break;
        }
        words = rest;
    }
    let (head, modifiers) = words.split_last()?;
    let head = head.as_str();
    let previous = modifiers.last().map(String::as_str);
    if SECRET_WORDS.contains(&head) {
        return Some(Sensitivity::Secret);
    }
    if CREDENTIAL_WORDS.contains(&head) {
        let not_credential = modifiers
            .iter()
            .any(|w| NOT_CREDENTIAL_TOKENS.contains(&w.as_str()));
        return (!not_credential).then_some(Sensitivity::Credential);
    }
    match head {
        "key" | "keys" => match previous {
            Some(p) if SECRET_KEY_PREFIXES.contains(&p) => Some(Sensitivity::Secret),
            Some(p) if CREDENTIAL_KEY_PREFIXES.contains(&p) => Some(Sensitivity::Credential),
            _ => None,
        },
        // `password_hash`, `pw_hash`, `pin_hash`; a file's `hash` is not a secret.
        "hash" | "hashed" | "digest" => modifiers
            .iter()
            .any(|w| HASHED_SECRETS.contains(&w.as_str()))
            .then_some(Sensitivity::Secret),
        "number" | "no" | "num" => (previous == Some("card") && matches!(modifiers.len(), 1 | 2))
            .then_some(Sensitivity::Secret),
        "answer" => (previous == Some("security")).then_some(Sensitivity::Secret),
        _ => None,
    }
}

/// Whether a field holds personal contact data: an email address, a phone number, a postal
/// address, a birth date. Not secret, but for its owner's eyes (and a user record's owner's).
pub(crate) fn is_personal(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last().map(String::as_str) else {
        return false;
    };
    if words
        .first()
        .is_some_and(|first| FLAG_PREFIXES.contains(&first.as_str()))
    {
        return false;
    }
    matches!(
        last,
        "email"
            | "mail"
            | "phone"
            | "mobile"
            | "telephone"
            | "address"
            | "street"
            | "postcode"
            | "zipcode"
            | "zip"
            | "dob"
            | "birthday"
            | "birthdate"
    ) || (last == "birth" && words.len() >= 2)
        || (last == "number" && words.iter().any(|w| w == "phone"))
        || words
            .windows(2)
            .any(|pair| pair[0] == "birth" && pair[1] == "date")
}

/// Whether a name is sensitive at all.
pub(crate) fn is_sensitive(name: &str) -> bool {
    sensitivity(name).is_some()
}

/// Whether a name is one word that only sometimes holds a credential: `token` is as often a
/// lexer's token or a model row as a bearer token.
pub(crate) fn is_ambiguous(name: &str) -> bool {
    name.eq_ignore_ascii_case("token")
}

/// An attribute of `self` that a string or container term holds directly and that `wanted`
/// accepts.
pub(crate) fn self_attribute(
    terms: &crate::analyze::Terms,
    term: TermId,
    budget: u32,
    wanted: &dyn Fn(&str) -> bool,
) -> Option<String> {
    self_attribute_in(terms, term, budget, wanted, &mut Visited::default())
}

fn self_attribute_in(
    terms: &crate::analyze::Terms,
    term: TermId,
    budget: u32,
    wanted: &dyn Fn(&str) -> bool,
    visited: &mut Visited,
) -> Option<String> {
    use crate::analyze::Term;
    if budget == 0 || !visited.first_visit(term, budget) {
        return None;
    }
    match terms.get(term) {
        Term::Attr(inner, name) => (matches!(terms.get(*inner), Term::SelfOf(_))
            && wanted(name.as_str()))
        .then(|| name.to_string()),
        Term::Format(items)
        | Term::Container(items)
        | Term::Sequence(items)
        | Term::Union(items) => items
            .iter()
            .find_map(|&item| self_attribute_in(terms, item, budget - 1, wanted, visited)),
        Term::Keyed(_, inner) | Term::WithoutKey(inner, _) => {
            self_attribute_in(terms, *inner, budget - 1, wanted, visited)
        }
        Term::Call(call) => {
            // `str(self.token)` and `repr(...)` keep the value.
            match terms.get(call.callee) {
                Term::Global(symbol) if matches!(&**symbol, "builtins.str" | "builtins.repr") => {
                    call.args
                        .first()
                        .and_then(|&arg| self_attribute_in(terms, arg, budget - 1, wanted, visited))
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
            "pin_hash",
            "password_confirmation",
            "nextOtp",
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
            "APIKey",
        ] {
            assert_eq!(sensitivity(name), Some(Sensitivity::Credential), "{name}");
        }
    }

    #[test]
    fn personal_data() {
        for name in [
            "email",
            "emailAddress",
            "phone_number",
            "mobile",
            "address",
            "date_of_birth",
            "birth_date",
            "dob",
        ] {
            assert!(is_personal(name), "{name}");
        }
        for name in [
            "is_email_verified",
            "email_verified",
            "name",
            "avatar_url",
            "id",
        ] {
            assert!(!is_personal(name), "{name}");
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
            "token_limit",
            "token_alg",
            "token_info",
            "token_serial",
            "tokenDt",
            "token_obj",
            "next_token",
            "token_hash",
            "has_password",
            "show_password",
            "passed",
            "compass",
            "card",
            "id",
        ] {
            assert_eq!(sensitivity(name), None, "{name}");
        }
    }
}
