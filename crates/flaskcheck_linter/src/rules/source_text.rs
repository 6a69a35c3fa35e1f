//! The source text of an expression as a message shows it: on one line, strings as written.

/// `text` on one line: without the comments, line continuations and whitespace between tokens,
/// but with one space kept between two words (`a if b else c`); strings are kept as they are
/// (`db["user accounts"]`).
pub(crate) fn one_line(text: &str) -> String {
    one_line_with_arguments(text).0
}

/// The callee of a call as written, on one line: `db["user accounts"].find` for
/// `db["user accounts"].find(query)`.
pub(crate) fn callee_text(call: &str) -> String {
    let (mut out, arguments) = one_line_with_arguments(call);
    out.truncate(arguments.unwrap_or(out.len()));
    out
}

/// [`one_line`], and where in it the last argument list at bracket depth 0 opens.
fn one_line_with_arguments(text: &str) -> (String, Option<usize>) {
    let char_len = |text: &str| text.chars().next().map_or(0, char::len_utf8);
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut arguments = None;
    let mut depth = 0usize;
    let mut pending_space = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if pending_space && is_word(c) && out.chars().next_back().is_some_and(is_word) {
            out.push(' ');
        }
        pending_space = false;
        let taken = match c {
            '\'' | '"' => {
                let quote_len = if rest.starts_with(&String::from_iter([c; 3])) {
                    3
                } else {
                    1
                };
                let quote = &rest[..quote_len];
                let mut end = quote_len;
                while end < rest.len() && !rest[end..].starts_with(quote) {
                    end += match rest.as_bytes()[end] {
                        b'\\' => 1 + char_len(&rest[end + 1..]),
                        _ => char_len(&rest[end..]),
                    };
                }
                let end = (end + quote_len).min(rest.len());
                out.push_str(&rest[..end]);
                end
            }
            '#' => rest.find('\n').unwrap_or(rest.len()),
            c if c.is_whitespace() || c == '\\' => {
                pending_space = true;
                c.len_utf8()
            }
            _ => {
                match c {
                    '(' | '[' | '{' => {
                        if c == '(' && depth == 0 {
                            arguments = Some(out.len());
                        }
                        depth += 1;
                    }
                    ')' | ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                out.push(c);
                c.len_utf8()
            }
        };
        rest = &rest[taken..];
    }
    (out, arguments)
}

#[cfg(test)]
mod tests {
    use super::{callee_text, one_line};

    #[test]
    fn strings_are_kept_and_layout_dropped() {
        assert_eq!(
            callee_text(r#"db["user accounts"].find({"a": "("})"#),
            r#"db["user accounts"].find"#
        );
        assert_eq!(
            callee_text("mongo.db.users\n    .find(  # all (of them\n        {}\n    )"),
            "mongo.db.users.find"
        );
        assert_eq!(
            callee_text("client.get_database('a b').get_collection('c').find_one(q)"),
            "client.get_database('a b').get_collection('c').find_one"
        );
        assert_eq!(
            callee_text(r#"db["""x ( "y" \""""].find()"#),
            r#"db["""x ( "y" \""""].find"#
        );
        assert_eq!(callee_text("db['é\\'('].find()"), "db['é\\'('].find");
        assert_eq!(
            one_line("models[ \"a b\" ]\\\n  .User"),
            "models[\"a b\"].User"
        );
        assert_eq!(one_line("a  if\n b else c"), "a if b else c");
    }
}
