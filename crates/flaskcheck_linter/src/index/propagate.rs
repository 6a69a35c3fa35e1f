//! Client data through library code: the calls, attributes and methods whose result still
//! carries what the client sent (`name.strip()`, `os.path.join(folder, name)`, `Path(name)`,
//! `base64.b64decode(body)`, an upload's `.filename`), and the sanitizers whose result is safe for
//! some sinks (`html.escape` for HTML, `shlex.quote` for a shell, `secure_filename` for a path).
//! What comes out is [`Kind::FromRequest`]; the evaluator calls this from four small hooks, as it
//! does `mongo.rs`.
//!
//! A sanitizer applied to a parameter (a URL variable of a view) makes it safe for every sink:
//! a parameter is followed as a position, without a record of what was applied to it.

use super::external::symbol_in;
use super::last_segment;
use super::value::{Fact, Kind, Origin, SafeFor, Value};

/// What a library function does to the client data it is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Effect {
    /// The result carries it: `os.path.join`, `Path(...)`, `base64.b64decode`, `urljoin`.
    Carries,
    /// The result is safe for these sinks: `html.escape` (HTML), `shlex.quote` (a shell).
    Sanitizes(SafeFor),
    /// The result carries nothing the client chose: `url_for(...)` (a URL of the app),
    /// `uuid.UUID(...)`.
    Clears,
}

/// What the library function `symbol` does to client data, when flaskcheck knows.
pub(super) fn library_call(symbol: &str) -> Option<Effect> {
    let name = last_segment(symbol);
    let package = symbol.split('.').next().unwrap_or(symbol);
    let html = SafeFor::HTML;
    Some(match (package, name) {
        (
            "os" | "posixpath" | "ntpath",
            "join" | "normpath" | "abspath" | "realpath" | "expanduser" | "expandvars" | "dirname"
            | "fspath" | "normcase" | "relpath",
        ) => Effect::Carries,
        ("os" | "posixpath" | "ntpath", "basename") => Effect::Sanitizes(SafeFor::PATH),
        (
            "pathlib",
            "Path" | "PurePath" | "PosixPath" | "PurePosixPath" | "WindowsPath" | "PureWindowsPath",
        ) => Effect::Carries,
        ("urllib", "quote") if symbol_in(symbol, "urllib.parse") => {
            Effect::Sanitizes(html.with(SafeFor::SHELL))
        }
        ("urllib", "quote_plus" | "urlencode") if symbol_in(symbol, "urllib.parse") => {
            Effect::Sanitizes(html.with(SafeFor::SHELL).with(SafeFor::URL))
        }
        (
            "urllib",
            "urljoin" | "unquote" | "unquote_plus" | "unquote_to_bytes" | "urlparse" | "urlsplit"
            | "urlunparse" | "urlunsplit" | "urldefrag",
        ) if symbol_in(symbol, "urllib.parse") => Effect::Carries,
        ("base64", _) if name.ends_with("decode") || name == "decodebytes" => Effect::Carries,
        ("binascii", "unhexlify" | "a2b_base64" | "a2b_hex") => Effect::Carries,
        ("codecs", "decode") => Effect::Carries,
        ("zlib" | "gzip" | "bz2" | "lzma", "decompress") => Effect::Carries,
        ("io", "BytesIO" | "StringIO") => Effect::Carries,
        ("shlex", "split") => Effect::Carries,
        ("shlex" | "pipes", "quote") | ("shlex", "join") => Effect::Sanitizes(SafeFor::SHELL),
        ("html" | "markupsafe" | "flask" | "jinja2" | "cgi" | "werkzeug" | "xml", "escape")
        | ("bleach" | "nh3", "clean") => Effect::Sanitizes(html),
        // Letters, digits, `_`, `.` and `-` only: one harmless name.
        ("werkzeug", "secure_filename") => Effect::Sanitizes(
            html.with(SafeFor::SHELL)
                .with(SafeFor::PATH)
                .with(SafeFor::URL),
        ),
        ("werkzeug" | "flask", "safe_join") => Effect::Sanitizes(SafeFor::PATH),
        ("flask", "url_for") | ("uuid", "UUID") | ("bson", "ObjectId") | ("decimal", "Decimal") => {
            Effect::Clears
        }
        _ => return None,
    })
}

/// Whether the library function `symbol` returns the client data it is given (`os.path.join`).
pub fn carries(symbol: &str) -> bool {
    library_call(symbol) == Some(Effect::Carries)
}

/// The result of a library call with `effect`, given its arguments: the client data in them,
/// carried or sanitized. A call that carries nothing the client sent is not known (as before
/// this module knew the function), except that a sanitizer's or a clearing call's result is a
/// constant.
pub(super) fn apply(effect: Effect, args: &[Value]) -> Value {
    let mut out = Value::empty();
    for fact in args.iter().flat_map(Value::iter) {
        match (&fact.kind, effect) {
            (_, Effect::Clears) => {}
            (Kind::RequestData(source) | Kind::DeclaredRequest { source, .. }, Effect::Carries) => {
                out.push(fact.becomes(Kind::FromRequest(source.clone(), SafeFor::NONE)));
            }
            (
                Kind::RequestData(source) | Kind::DeclaredRequest { source, .. },
                Effect::Sanitizes(safe),
            ) => {
                out.push(fact.becomes(Kind::FromRequest(source.clone(), safe)));
            }
            (Kind::FromRequest(..), Effect::Carries) | (Kind::Param(_), Effect::Carries) => {
                out.push(fact.clone());
            }
            (Kind::FromRequest(source, was), Effect::Sanitizes(safe)) => {
                out.push(fact.becomes(Kind::FromRequest(source.clone(), was.with(safe))));
            }
            _ => {}
        }
    }
    if out.is_empty() && effect != Effect::Carries {
        return Value::kind(Kind::Const);
    }
    out
}

/// String methods whose result is the receiver's text, transformed.
pub fn keeps_text(method: &str) -> bool {
    matches!(
        method,
        "strip"
            | "lstrip"
            | "rstrip"
            | "lower"
            | "upper"
            | "title"
            | "capitalize"
            | "casefold"
            | "replace"
            | "format"
            | "format_map"
            | "join"
            | "split"
            | "rsplit"
            | "encode"
            | "decode"
            | "removeprefix"
            | "removesuffix"
            | "zfill"
            | "ljust"
            | "rjust"
            | "center"
            | "__str__"
    )
}

/// Methods of a file, a path or a parsed URL holding client data whose result holds it too.
fn keeps_content(method: &str) -> bool {
    matches!(
        method,
        "read"
            | "readline"
            | "readlines"
            | "getvalue"
            | "joinpath"
            | "resolve"
            | "absolute"
            | "expanduser"
            | "with_name"
            | "with_suffix"
            | "with_stem"
            | "as_posix"
            | "geturl"
            | "splitlines"
            | "partition"
            | "rpartition"
            | "expandtabs"
            | "translate"
    )
}

/// Attributes of client data that hold client data: an upload's `filename`, a parsed URL's
/// `netloc` and `path`, a path's `name` and `parent`.
fn is_content_attribute(name: &str) -> bool {
    matches!(
        name,
        "filename"
            | "stream"
            | "mimetype"
            | "content_type"
            | "name"
            | "netloc"
            | "hostname"
            | "path"
            | "query"
            | "fragment"
            | "scheme"
            | "username"
            | "password"
            | "parent"
            | "stem"
            | "suffix"
    )
}

/// `value.name` where the value holds client data.
pub(super) fn attr(fact: &Fact, name: &str) -> Option<Value> {
    if !is_content_attribute(name) {
        return None;
    }
    let kind = match &fact.kind {
        Kind::RequestData(source) => {
            Kind::FromRequest(format!("{source}.{name}").into(), SafeFor::NONE)
        }
        Kind::FromRequest(source, safe) => Kind::FromRequest(source.clone(), *safe),
        _ => return None,
    };
    Some(Value::of(fact.becomes(kind)))
}

/// `value.name(...)` where the value holds client data and the method keeps it. Request data's
/// own container methods (`get`, `to_dict`...) are the evaluator's.
pub(super) fn method_call(receiver: &Fact, name: &str) -> Option<Value> {
    if !keeps_text(name) && !keeps_content(name) {
        return None;
    }
    let kind = match &receiver.kind {
        Kind::RequestData(source) => Kind::FromRequest(source.clone(), SafeFor::NONE),
        Kind::FromRequest(source, safe) => Kind::FromRequest(source.clone(), *safe),
        _ => return None,
    };
    Some(Value::of(receiver.becomes(kind)))
}

/// Client data in `value` that does not say where it was read yet is taken to be read at
/// `origin`: a call that passes it on, or the `return` of the function that read it.
pub(super) fn located(value: Value, origin: Origin) -> Value {
    if !value
        .iter()
        .any(|fact| is_client(fact) && fact.origin.is_none())
    {
        return value;
    }
    value
        .iter()
        .map(|fact| {
            if is_client(fact) && fact.origin.is_none() {
                let mut fact = fact.clone();
                fact.origin = Some(origin);
                fact
            } else {
                fact.clone()
            }
        })
        .collect()
}

fn is_client(fact: &Fact) -> bool {
    matches!(
        fact.kind,
        Kind::RequestData(_) | Kind::FromRequest(..) | Kind::DeclaredRequest { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(source: &str) -> Value {
        Value::kind(Kind::RequestData(source.into()))
    }

    #[test]
    fn library_calls_carry_or_sanitize() {
        assert_eq!(library_call("os.path.join"), Some(Effect::Carries));
        assert_eq!(library_call("posixpath.join"), Some(Effect::Carries));
        assert_eq!(
            library_call("werkzeug.utils.secure_filename"),
            Some(Effect::Sanitizes(
                SafeFor::HTML
                    .with(SafeFor::SHELL)
                    .with(SafeFor::PATH)
                    .with(SafeFor::URL)
            ))
        );
        assert_eq!(
            library_call("markupsafe.escape"),
            Some(Effect::Sanitizes(SafeFor::HTML))
        );
        assert_eq!(library_call("flask.url_for"), Some(Effect::Clears));
        assert_eq!(library_call("urllib.parse.urljoin"), Some(Effect::Carries));
        assert_eq!(library_call("urllib.request.urlopen"), None);
        assert_eq!(library_call("requests.get"), None);
    }

    #[test]
    fn sanitizers_add_to_what_is_safe() {
        let escaped = apply(
            Effect::Sanitizes(SafeFor::HTML),
            &[client("request.args[\"q\"]")],
        );
        let quoted = apply(Effect::Sanitizes(SafeFor::SHELL), &[escaped]);
        let [fact] = quoted.facts() else {
            panic!("one fact: {quoted:?}")
        };
        let Kind::FromRequest(source, safe) = &fact.kind else {
            panic!("client text: {fact:?}")
        };
        assert_eq!(&**source, "request.args[\"q\"]");
        assert!(safe.covers(SafeFor::HTML) && safe.covers(SafeFor::SHELL));
        assert!(!safe.covers(SafeFor::PATH));
        assert!(!safe.covers(SafeFor::NONE), "no sink is covered by nothing");
    }

    #[test]
    fn data_not_from_the_client() {
        let param = Value::kind(Kind::Param(0));
        assert_eq!(apply(Effect::Carries, std::slice::from_ref(&param)), param);
        assert_eq!(
            apply(Effect::Sanitizes(SafeFor::PATH), &[param]),
            Value::kind(Kind::Const)
        );
        assert_eq!(
            apply(Effect::Carries, &[Value::kind(Kind::Const)]),
            Value::empty()
        );
        assert_eq!(
            apply(Effect::Clears, &[client("request.args")]),
            Value::kind(Kind::Const)
        );
    }
}
