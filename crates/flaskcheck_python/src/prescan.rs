//! One pass over the source bytes before the parser sees them, refusing what CPython refuses and
//! what would make the parser deep or slow: NUL bytes, brackets nested past CPython's limit, and
//! chains of prefix operators, `**` or conditional expressions nested past flaskcheck's limit.
//!
//! Ruff's parser accepts any depth, growing its stack as it goes: `((((…` or `- - - … 1` cost it
//! about a kilobyte of stack and a microsecond per level, so a few megabytes of them take seconds
//! and gigabytes before the first check could run on the tree. This scan is linear, allocates only
//! its stack of open brackets, and gives the same bracket depth as counting the lexer's tokens
//! (replacement fields of f-strings included), without lexing twice.
//!
//! The chain counts are lower bounds of the tree's depth: a count is raised only by a token that
//! nests what follows it inside a new node (`-x`, `not x`, `await x`, `a ** b` on the right, the
//! `else` of a conditional expression), and reset by anything after which that may no longer hold
//! (a comma, a binary operator, a comparison...). So a file refused here would have been refused by
//! the walk's own nesting limit after parsing: the scan only refuses it sooner.

use ruff_text_size::{TextRange, TextSize};

use crate::parse::{ErrorKind, SyntaxError};

/// CPython's tokenizer refuses more than 200 open brackets at once (`MAXLEVEL` in
/// `Parser/tokenizer.h`: "too many nested parentheses"). Ruff's parser accepts any depth, so the
/// limit is applied here: such a file is a syntax error for Python itself.
pub const MAX_BRACKET_DEPTH: usize = 200;

/// CPython's tokenizer refuses more than 150 f-strings nested in each other (`MAXFSTRINGLEVEL`:
/// "too many nested f-strings"). Ruff's parser takes time quadratic in this nesting, so it is
/// refused here too.
pub const MAX_FSTRING_DEPTH: usize = 150;

/// flaskcheck's limit on nesting: statements and expressions nested deeper are not analyzed, and
/// the file is reported as FC000. Real code stays far below it, and every recursion over the tree
/// stays well inside the 16 MiB worker stacks (CPython 3.13 itself refuses to compile code nested
/// about 5,000 levels deep).
pub const MAX_NESTING: u32 = 1500;

/// The message for code nested past [`MAX_NESTING`], the same whether the scan or the walk finds it.
pub fn too_deep_message() -> String {
    format!("code nested more than {MAX_NESTING} levels deep is not analyzed (flaskcheck's limit)")
}

/// How deep the chains that nest to the right are at one bracket level.
#[derive(Clone, Copy, Default)]
struct Chains {
    /// The depth of the chains around the bracket this level is in, when it opened: what is in
    /// a bracket nests inside the operand being built where it opens (`- - (- x)`).
    outer: u32,
    /// Prefix operators and `**` since the last operator that ends such a chain.
    prefix: u32,
    /// `else`s of conditional expressions since the last separator.
    orelse: u32,
    /// The last token ends an operand: a `-` now is binary, a `not` is part of `not in`.
    after_operand: bool,
    /// The last token is `is`: a `not` now is part of `is not`.
    after_is: bool,
}

impl Chains {
    fn reset(&mut self) {
        *self = Chains {
            outer: self.outer,
            ..Chains::default()
        };
    }

    /// How deep the operand being built at this point is nested, at least.
    fn depth(&self) -> u32 {
        self.outer + self.prefix + self.orelse
    }

    /// The chains of a bracket level opened here.
    fn inner(&self) -> Chains {
        Chains {
            outer: self.depth(),
            ..Chains::default()
        }
    }
}

#[derive(Clone, Copy)]
struct StringKind {
    quote: u8,
    triple: bool,
    raw: bool,
}

#[derive(Clone, Copy)]
enum Frame {
    /// `(`, `[` or `{` in code.
    Bracket(Chains),
    /// The literal part of an f-string or t-string.
    FString(StringKind),
    /// A replacement field `{…}` of an f-string: code.
    Replacement(Chains),
    /// The format spec after the `:` of a replacement field: literal text that may hold
    /// replacement fields. It closes the field's `{`.
    FormatSpec(StringKind),
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    frames: Vec<Frame>,
    /// The chains outside any bracket, reset at each logical line.
    base: Chains,
    /// Open brackets and replacement fields.
    brackets: usize,
    /// Open f-strings and t-strings.
    fstrings: usize,
    max_brackets: usize,
    /// Whether words and operators are read, for the chains. The first scan of a file only
    /// follows brackets and strings, skipping everything else in runs; a logical line long
    /// enough to hold a chain past the limit (each link takes a byte at least) is scanned again
    /// with this set.
    chains: bool,
    /// Where the current logical line starts.
    line_start: usize,
}

/// What the scan measured, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scan {
    pub max_brackets: usize,
}

/// Checks `source` before it is parsed; the error says why it is refused.
pub(crate) fn prescan(source: &str) -> Result<Scan, SyntaxError> {
    if let Some(offset) = memchr::memchr(0, source.as_bytes()) {
        // CPython: "source code cannot contain null bytes", wherever they are.
        return Err(refusal(
            ErrorKind::Syntax,
            "source code cannot contain null bytes".to_string(),
            offset,
        ));
    }
    let mut scanner = Scanner::new(source.as_bytes(), 0, false);
    scanner.run()?;
    scanner.line_ends(source.len())?;
    Ok(Scan {
        max_brackets: scanner.max_brackets,
    })
}

/// Strings are searched a byte at a time for this long, then with memchr.
const SHORT_STRING: usize = 48;

/// The bytes the first scan stops at in code: those of strings, comments, brackets, line ends
/// and continuations.
const STOPS: [bool; 256] = stops(b"'\"#()[]{}\n\r\\");
/// The same at the top level of a replacement field, where `:` starts the format spec.
const STOPS_IN_FIELD: [bool; 256] = stops(b"'\"#()[]{}\n\r\\:");

const fn stops(bytes: &[u8]) -> [bool; 256] {
    let mut stops = [false; 256];
    let mut index = 0;
    while index < bytes.len() {
        stops[bytes[index] as usize] = true;
        index += 1;
    }
    stops
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8], pos: usize, chains: bool) -> Self {
        Scanner {
            bytes,
            pos,
            frames: Vec::new(),
            base: Chains::default(),
            brackets: 0,
            fstrings: 0,
            max_brackets: 0,
            chains,
            line_start: pos,
        }
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        while self.pos < self.bytes.len() {
            match self.frames.last().copied() {
                Some(Frame::FString(kind)) => self.fstring_literal(kind)?,
                Some(Frame::FormatSpec(kind)) => self.format_spec(kind)?,
                _ => self.code()?,
            }
        }
        Ok(())
    }

    /// A logical line ends at `end`: on the first scan, one long enough for a chain past the
    /// limit is scanned again, for its chains.
    #[inline]
    fn line_ends(&mut self, end: usize) -> Result<(), SyntaxError> {
        if !self.chains && end - self.line_start > MAX_NESTING as usize {
            Scanner::new(&self.bytes[..end], self.line_start, true).run()?;
        }
        self.line_start = end;
        Ok(())
    }
}

fn refusal(kind: ErrorKind, message: String, offset: usize) -> SyntaxError {
    let start = TextSize::new(u32::try_from(offset).unwrap_or(u32::MAX));
    SyntaxError {
        message,
        range: TextRange::at(start, TextSize::new(1)),
        further_errors: 0,
        kind,
    }
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

fn is_newline(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// `Some((f-string or t-string, raw))` when `word` is a string prefix.
fn string_prefix(word: &[u8]) -> Option<(bool, bool)> {
    if word.len() > 2 {
        return None;
    }
    let mut formatted = false;
    let mut raw = false;
    for &byte in word {
        match byte.to_ascii_lowercase() {
            b'f' | b't' if !formatted => formatted = true,
            b'r' if !raw => raw = true,
            b'b' | b'u' => {}
            _ => return None,
        }
    }
    Some((formatted, raw))
}

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// The chains of the bracket level being scanned.
    fn chains(&mut self) -> &mut Chains {
        match self.frames.last_mut() {
            Some(Frame::Bracket(chains) | Frame::Replacement(chains)) => chains,
            _ => &mut self.base,
        }
    }

    fn open(&mut self, frame: Frame) -> Result<(), SyntaxError> {
        self.brackets += 1;
        self.max_brackets = self.max_brackets.max(self.brackets);
        if self.brackets > MAX_BRACKET_DEPTH {
            return Err(refusal(
                ErrorKind::Syntax,
                format!(
                    "too many nested parentheses (CPython allows at most {MAX_BRACKET_DEPTH} open brackets)"
                ),
                self.pos,
            ));
        }
        self.frames.push(frame);
        Ok(())
    }

    /// Closes the innermost bracket or replacement field. A closed bracket is an operand; a closed
    /// replacement field returns to the literal text around it.
    fn close(&mut self) {
        if self.frames.pop().is_some() {
            self.brackets -= 1;
        }
        if !matches!(
            self.frames.last(),
            Some(Frame::FString(_) | Frame::FormatSpec(_))
        ) {
            self.operand();
        }
    }

    fn operand(&mut self) {
        let chains = self.chains();
        chains.after_operand = true;
        chains.after_is = false;
    }

    /// A token that nests what follows it: `-`, `not`, `await`, `**`.
    fn nest_prefix(&mut self, at: usize) -> Result<(), SyntaxError> {
        let chains = self.chains();
        chains.prefix += 1;
        chains.after_operand = false;
        chains.after_is = false;
        let depth = chains.depth();
        self.check_chain(depth, at)
    }

    /// The chains of a bracket or replacement field opened at the cursor.
    fn inner_chains(&mut self) -> Chains {
        let code = self.frames.iter().rev().find_map(|frame| match frame {
            Frame::Bracket(chains) | Frame::Replacement(chains) => Some(*chains),
            _ => None,
        });
        code.unwrap_or(self.base).inner()
    }

    fn check_chain(&self, depth: u32, at: usize) -> Result<(), SyntaxError> {
        if depth > MAX_NESTING {
            return Err(refusal(ErrorKind::Limit, too_deep_message(), at));
        }
        Ok(())
    }

    /// A binary operator, a comparison or a keyword after which a prefix chain no longer nests.
    fn end_prefix_chain(&mut self) {
        let chains = self.chains();
        chains.prefix = 0;
        chains.after_operand = false;
        chains.after_is = false;
    }

    /// A separator (`,`, `;`, `:`, `=`, a statement keyword): every chain ends.
    fn end_chains(&mut self) {
        self.chains().reset();
    }

    /// One token (or a run of whitespace, or a comment) of code.
    fn code(&mut self) -> Result<(), SyntaxError> {
        if !self.chains {
            return self.code_brackets_only();
        }
        let start = self.pos;
        let byte = self.bytes[start];
        match byte {
            b' ' | b'\t' | b'\x0c' => {
                let run = self.bytes[start..]
                    .iter()
                    .position(|&b| !matches!(b, b' ' | b'\t' | b'\x0c'))
                    .unwrap_or(self.bytes.len() - start);
                self.pos = start + run;
            }
            b'\n' | b'\r' => {
                self.pos += 1;
                if self.frames.is_empty() {
                    self.base.reset();
                    self.line_ends(start)?;
                }
            }
            b'#' => {
                self.pos = memchr::memchr2(b'\n', b'\r', &self.bytes[start..])
                    .map_or(self.bytes.len(), |offset| start + offset);
            }
            // A line continuation: the backslash and the line ending after it.
            b'\\' => {
                self.pos += 1;
                if self.peek(0) == Some(b'\r') {
                    self.pos += 1;
                }
                if self.peek(0) == Some(b'\n') {
                    self.pos += 1;
                }
            }
            b'\'' | b'"' => {
                // The words before a quote are read by `word` when scanning for chains, and
                // skipped otherwise: then the prefix is found looking back.
                let (formatted, raw) = if self.chains {
                    (false, false)
                } else {
                    self.prefix_before(start)
                };
                self.string(formatted, raw)?;
            }
            b'(' | b'[' | b'{' => {
                let chains = self.inner_chains();
                self.open(Frame::Bracket(chains))?;
                self.pos += 1;
            }
            b')' | b']' => {
                if matches!(self.frames.last(), Some(Frame::Bracket(_))) {
                    self.close();
                }
                self.pos += 1;
            }
            b'}' => {
                if matches!(
                    self.frames.last(),
                    Some(Frame::Bracket(_) | Frame::Replacement(_))
                ) {
                    self.close();
                }
                self.pos += 1;
            }
            b'0'..=b'9' => self.number(),
            b'.' => {
                if self.peek(1).is_some_and(|next| next.is_ascii_digit()) {
                    self.number();
                } else if self.bytes[start..].starts_with(b"...") {
                    self.pos += 3;
                    self.operand();
                } else {
                    // Attribute access: the chain goes on through `a.b ** c.d`.
                    self.pos += 1;
                }
            }
            _ if is_identifier_byte(byte) => self.word()?,
            _ => self.operator()?,
        }
        Ok(())
    }

    /// Code on the first scan, until a string literal's frame opens or a replacement field's
    /// code ends: only the bytes that open or close a bracket, a string or a comment, end a
    /// line, or start a format spec are looked at.
    fn code_brackets_only(&mut self) -> Result<(), SyntaxError> {
        let mut in_field = matches!(self.frames.last(), Some(Frame::Replacement(_)));
        loop {
            let stops = if in_field { &STOPS_IN_FIELD } else { &STOPS };
            let rest = &self.bytes[self.pos..];
            let Some(run) = rest.iter().position(|&b| stops[b as usize]) else {
                self.pos = self.bytes.len();
                return Ok(());
            };
            let at = self.pos + run;
            self.pos = at + 1;
            match self.bytes[at] {
                b'\n' | b'\r' => {
                    if self.frames.is_empty() {
                        self.line_ends(at)?;
                    }
                }
                b'#' => {
                    self.pos = memchr::memchr2(b'\n', b'\r', &self.bytes[at..])
                        .map_or(self.bytes.len(), |offset| at + offset);
                }
                // A line continuation: the line ending after the backslash.
                b'\\' => {
                    if self.peek(0) == Some(b'\r') {
                        self.pos += 1;
                    }
                    if self.peek(0) == Some(b'\n') {
                        self.pos += 1;
                    }
                }
                b'\'' | b'"' => {
                    self.pos = at;
                    let (formatted, raw) = self.prefix_before(at);
                    self.string(formatted, raw)?;
                    if formatted {
                        return Ok(());
                    }
                }
                b'(' | b'[' | b'{' => {
                    self.pos = at;
                    self.open(Frame::Bracket(Chains::default()))?;
                    self.pos = at + 1;
                    in_field = false;
                }
                b')' | b']' | b'}' => match self.frames.last() {
                    Some(Frame::Bracket(_)) => {
                        self.frames.pop();
                        self.brackets -= 1;
                        in_field = matches!(self.frames.last(), Some(Frame::Replacement(_)));
                    }
                    Some(Frame::Replacement(_)) if self.bytes[at] == b'}' => {
                        self.frames.pop();
                        self.brackets -= 1;
                        return Ok(());
                    }
                    _ => {}
                },
                // Only a stop at the top level of a replacement field: its format spec begins.
                _ => {
                    self.start_format_spec();
                    return Ok(());
                }
            }
        }
    }

    /// The `:` at the top level of the replacement field on top of the frames: its expression
    /// ends and its format spec begins.
    fn start_format_spec(&mut self) {
        let kind = self
            .frames
            .iter()
            .rev()
            .find_map(|frame| match frame {
                Frame::FString(kind) => Some(*kind),
                _ => None,
            })
            .unwrap_or(StringKind {
                quote: b'"',
                triple: false,
                raw: false,
            });
        *self.frames.last_mut().expect("a replacement field") = Frame::FormatSpec(kind);
    }

    /// The string prefix (`f`, `rb`...) written right before the quote at `quote`.
    fn prefix_before(&self, quote: usize) -> (bool, bool) {
        let mut start = quote;
        while start > 0 && quote - start < 3 && is_identifier_byte(self.bytes[start - 1]) {
            start -= 1;
        }
        // Three identifier bytes make a word longer than any prefix (`name'…'`).
        if quote - start == 3 {
            return (false, false);
        }
        string_prefix(&self.bytes[start..quote]).unwrap_or((false, false))
    }

    fn number(&mut self) {
        let start = self.pos;
        let hex = self.bytes[start..].starts_with(b"0x") || self.bytes[start..].starts_with(b"0X");
        while let Some(byte) = self.peek(0) {
            // `1e-5`: the sign of an exponent is part of the number (not in `0x1e - 5`).
            let exponent_sign = !hex
                && matches!(byte, b'+' | b'-')
                && matches!(self.bytes[self.pos - 1], b'e' | b'E');
            if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'.' || exponent_sign {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.operand();
    }

    fn word(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.pos += self.bytes[start..]
            .iter()
            .position(|&b| !is_identifier_byte(b))
            .unwrap_or(self.bytes.len() - start);
        let word = &self.bytes[start..self.pos];
        if matches!(self.peek(0), Some(b'\'' | b'"')) {
            if let Some((formatted, raw)) = string_prefix(word) {
                return self.string(formatted, raw);
            }
        }
        match word {
            b"not" => {
                let chains = *self.chains();
                if chains.after_operand || chains.after_is {
                    // `not in`, `is not`: a comparison operator.
                    self.end_prefix_chain();
                } else {
                    self.nest_prefix(start)?;
                }
            }
            b"await" => self.nest_prefix(start)?,
            b"is" => {
                self.end_prefix_chain();
                self.chains().after_is = true;
            }
            b"if" | b"and" | b"or" | b"in" | b"lambda" => self.end_prefix_chain(),
            b"else" => {
                self.end_prefix_chain();
                let chains = self.chains();
                chains.orelse += 1;
                let depth = chains.depth();
                self.check_chain(depth, start)?;
            }
            b"True" | b"False" | b"None" => self.operand(),
            b"for" | b"from" | b"import" | b"return" | b"yield" | b"del" | b"assert" | b"raise"
            | b"with" | b"as" | b"while" | b"def" | b"class" | b"pass" | b"break" | b"continue"
            | b"global" | b"nonlocal" | b"try" | b"except" | b"finally" | b"elif" | b"async" => {
                self.end_chains()
            }
            _ => self.operand(),
        }
        Ok(())
    }

    fn operator(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let rest = &self.bytes[start..];
        let after_operand = self.chains().after_operand;
        match rest {
            [b'*', b'*', b'=', ..] => {
                self.pos += 3;
                self.end_chains();
            }
            [b'*', b'*', ..] => {
                self.pos += 2;
                if after_operand {
                    // `a ** b`: the right side nests.
                    self.nest_prefix(start)?;
                } else {
                    // `**kwargs`
                    self.end_prefix_chain();
                }
            }
            [b'-', b'>', ..] => {
                self.pos += 2;
                self.end_chains();
            }
            [b'-' | b'+', b'=', ..] => {
                self.pos += 2;
                self.end_chains();
            }
            [b'-' | b'+', ..] => {
                self.pos += 1;
                if after_operand {
                    self.end_prefix_chain();
                } else {
                    self.nest_prefix(start)?;
                }
            }
            [b'~', ..] => {
                self.pos += 1;
                self.nest_prefix(start)?;
            }
            [b',' | b';', ..] => {
                self.pos += 1;
                self.end_chains();
            }
            [b':', b'=', ..] => {
                self.pos += 2;
                self.end_chains();
            }
            [b':', ..] => {
                self.pos += 1;
                if let Some(Frame::Replacement(_)) = self.frames.last() {
                    self.start_format_spec();
                } else {
                    self.end_chains();
                }
            }
            [b'=' | b'!' | b'<' | b'>', b'=', ..] => {
                self.pos += 2;
                self.end_prefix_chain();
            }
            [b'<' | b'>', b'<' | b'>', b'=', ..] | [b'/', b'/', b'=', ..] => {
                self.pos += 3;
                self.end_chains();
            }
            [b'<' | b'>', b'<' | b'>', ..] | [b'/', b'/', ..] => {
                self.pos += 2;
                self.end_prefix_chain();
            }
            [b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^', b'=', ..] => {
                self.pos += 2;
                self.end_chains();
            }
            [b'=', ..] => {
                self.pos += 1;
                self.end_chains();
            }
            _ => {
                // `*`, `/`, `%`, `@`, `&`, `|`, `^`, `<`, `>`, `!`, and bytes that are not Python.
                self.pos += 1;
                self.end_prefix_chain();
            }
        }
        Ok(())
    }

    /// A string literal starting at the quote under the cursor; an f-string or t-string opens a
    /// frame, any other string is skipped to its end.
    fn string(&mut self, formatted: bool, raw: bool) -> Result<(), SyntaxError> {
        let quote_at = self.pos;
        let quote = self.bytes[quote_at];
        let triple = self.peek(1) == Some(quote) && self.peek(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        if formatted {
            if self.fstrings == MAX_FSTRING_DEPTH {
                return Err(refusal(
                    ErrorKind::Syntax,
                    format!(
                        "too many nested f-strings (CPython allows at most {MAX_FSTRING_DEPTH})"
                    ),
                    quote_at,
                ));
            }
            self.fstrings += 1;
            self.frames
                .push(Frame::FString(StringKind { quote, triple, raw }));
            return Ok(());
        }
        loop {
            let rest = &self.bytes[self.pos..];
            let ends = |b: &u8| matches!(*b, b'\\' | b'\n' | b'\r') || *b == quote;
            // Most strings are short: a plain loop finds their end sooner than a call to memchr.
            let near = &rest[..rest.len().min(SHORT_STRING)];
            let offset = match near.iter().position(ends) {
                Some(offset) => offset,
                None if near.len() == rest.len() => rest.len(),
                None => {
                    let far = &rest[near.len()..];
                    let stop = memchr::memchr3(quote, b'\\', b'\n', far).unwrap_or(far.len());
                    // A lone `\r` ends a line too; looked for only before the first other stop,
                    // so that every byte is searched once.
                    near.len() + memchr::memchr(b'\r', &far[..stop]).unwrap_or(stop)
                }
            };
            if offset == rest.len() {
                self.pos = self.bytes.len();
                break;
            }
            self.pos += offset;
            match self.bytes[self.pos] {
                b'\\' => self.pos += 2,
                byte if is_newline(byte) => {
                    if !triple {
                        // Unterminated: the line ends it (the parser reports the error).
                        break;
                    }
                    self.pos += 1;
                }
                _ => {
                    if !triple {
                        self.pos += 1;
                        break;
                    }
                    if self.bytes[self.pos..].starts_with(&[quote; 3]) {
                        self.pos += 3;
                        break;
                    }
                    self.pos += 1;
                }
            }
        }
        self.pos = self.pos.min(self.bytes.len());
        self.operand();
        Ok(())
    }

    /// The string ends at the cursor (or, unterminated, at a line end): its frame closes and it
    /// is an operand.
    fn end_fstring(&mut self, consumed: usize) {
        self.frames.pop();
        self.fstrings -= 1;
        self.pos += consumed;
        self.operand();
    }

    /// Skips a backslash escape in the literal part of an f-string.
    fn escape(&mut self, kind: StringKind) {
        match self.peek(1) {
            // `\{` is a backslash, then a replacement field.
            Some(b'{') => self.pos += 1,
            // `\N{DASH}` names a character: its braces are no replacement field.
            Some(b'N') if !kind.raw && self.peek(2) == Some(b'{') => {
                let rest = &self.bytes[self.pos..];
                self.pos =
                    memchr::memchr(b'}', rest).map_or(self.bytes.len(), |end| self.pos + end + 1);
            }
            _ => self.pos += 2,
        }
        self.pos = self.pos.min(self.bytes.len());
    }

    fn fstring_literal(&mut self, kind: StringKind) -> Result<(), SyntaxError> {
        while let Some(byte) = self.peek(0) {
            match byte {
                b'\\' => self.escape(kind),
                b'{' if self.peek(1) == Some(b'{') => self.pos += 2,
                b'{' => {
                    let chains = self.inner_chains();
                    self.open(Frame::Replacement(chains))?;
                    self.pos += 1;
                    return Ok(());
                }
                b'}' if self.peek(1) == Some(b'}') => self.pos += 2,
                _ if byte == kind.quote => {
                    if !kind.triple {
                        self.end_fstring(1);
                        return Ok(());
                    }
                    if self.bytes[self.pos..].starts_with(&[kind.quote; 3]) {
                        self.end_fstring(3);
                        return Ok(());
                    }
                    self.pos += 1;
                }
                _ if is_newline(byte) && !kind.triple => {
                    self.end_fstring(0);
                    return Ok(());
                }
                _ => self.pos += 1,
            }
        }
        Ok(())
    }

    fn format_spec(&mut self, kind: StringKind) -> Result<(), SyntaxError> {
        while let Some(byte) = self.peek(0) {
            match byte {
                b'\\' => self.escape(kind),
                b'{' => {
                    let chains = self.inner_chains();
                    self.open(Frame::Replacement(chains))?;
                    self.pos += 1;
                    return Ok(());
                }
                b'}' => {
                    self.close();
                    self.pos += 1;
                    return Ok(());
                }
                _ if (byte == kind.quote
                    && (!kind.triple || self.bytes[self.pos..].starts_with(&[kind.quote; 3])))
                    || (is_newline(byte) && !kind.triple) =>
                {
                    // The string ends inside the spec (a syntax error): let its frame end it.
                    self.frames.pop();
                    self.brackets -= 1;
                    return Ok(());
                }
                _ => self.pos += 1,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use ruff_python_ast::token::TokenKind;

    use super::*;

    /// The deepest bracket nesting as the lexer's tokens give it.
    fn lexer_depth(source: &str) -> usize {
        let parsed = ruff_python_parser::parse_unchecked_source(
            source,
            ruff_python_ast::PySourceType::Python,
        );
        let (mut depth, mut max) = (0usize, 0usize);
        for token in parsed.tokens().iter() {
            match token.kind() {
                TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                    depth += 1;
                    max = max.max(depth);
                }
                TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
        max
    }

    fn scanned_depth(source: &str) -> usize {
        match prescan(source) {
            Ok(scan) => scan.max_brackets,
            Err(err) => panic!("{source:?} refused: {}", err.message),
        }
    }

    const TRICKY: &[&str] = &[
        r#"x = '((('"#,
        r#"x = "[[" + '{{'"#,
        "x = '''(\n((\n'''\n",
        r#"x = r'\\' + ((1))"#,
        r#"x = r'\'' + '(('"#,
        r#"x = '\'' + '(('"#,
        r#"x = b'((' + rb'[[' + Rb"{{""#,
        "# ((( a comment\nx = (1)\n",
        "x = (1 +  # ((( inside\n     2)\n",
        r#"x = f'{a}' + f'{{(' + f'{(b)}'"#,
        r#"x = f'{a:{b}}' + f'{a!r:>{width}}'"#,
        r#"x = f'{f"{f'{(1)}'}"}'"#,
        "x = f'{\"((\"}' + F'''{\n(a)\n}'''\n",
        r#"x = f'\N{DASH}' + rf'\N{a}'"#,
        r#"x = f'{a=}' + f'{a = }' + f'{x:=10}'"#,
        r#"x = f'{a!=b}' + f'{[1, 2][0]:{"("}}'"#,
        r#"x = f'{ {1: 2}[1] }' + f'{(lambda: 1)()}'"#,
        r#"x = t'{a}{{' + tr'{b}'"#,
        "x = 1e-5 + 0x1e - .5 + 1.j\n",
        "x = ...\nif (a and\\\n  b): pass\n",
        "x = 'unterminated (((\ny = (1)\n",
        "d = {'a': [1, (2, {3})]}\n",
    ];

    #[test]
    fn bracket_depth_agrees_with_the_lexer() {
        for source in TRICKY {
            assert_eq!(scanned_depth(source), lexer_depth(source), "{source:?}");
        }
        let testdata = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
        let mut folders = vec![testdata];
        let mut files = 0;
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|ext| ext == "py") {
                    let Ok(source) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    if source.contains('\0') {
                        continue;
                    }
                    files += 1;
                    let expected = lexer_depth(&source);
                    if expected > MAX_BRACKET_DEPTH {
                        assert!(prescan(&source).is_err(), "{}", path.display());
                    } else {
                        assert_eq!(scanned_depth(&source), expected, "{}", path.display());
                    }
                }
            }
        }
        assert!(files > 50, "only {files} files in testdata");
    }

    fn refused(source: &str) -> Option<(ErrorKind, String, u32)> {
        prescan(source)
            .err()
            .map(|err| (err.kind, err.message, u32::from(err.range.start())))
    }

    #[test]
    fn brackets_past_cpythons_limit_are_refused_where_they_pass_it() {
        let ok = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
        assert_eq!(refused(&ok), None);
        let deep = format!("x = {}\n", "[".repeat(8_000_000));
        let (kind, message, at) = refused(&deep).unwrap();
        assert_eq!(kind, ErrorKind::Syntax);
        assert!(message.contains("too many nested parentheses"), "{message}");
        assert_eq!(at, 4 + 200);
        let fstrings = format!("x = {}1{}\n", "(f'{".repeat(120), "}')".repeat(120));
        let (_, message, _) = refused(&fstrings).unwrap();
        assert!(message.contains("too many nested parentheses"), "{message}");
    }

    #[test]
    fn fstrings_past_cpythons_limit_are_refused() {
        let nested = |depth: usize| format!("x = {}1{}\n", "f'{".repeat(depth), "}'".repeat(depth));
        assert_eq!(refused(&nested(MAX_FSTRING_DEPTH)), None);
        let (kind, message, at) = refused(&nested(MAX_FSTRING_DEPTH + 1)).unwrap();
        assert_eq!(kind, ErrorKind::Syntax);
        assert_eq!(
            message,
            "too many nested f-strings (CPython allows at most 150)"
        );
        assert_eq!(at as usize, 4 + 3 * MAX_FSTRING_DEPTH + 1);
        // Side by side, not nested: no limit.
        assert_eq!(refused(&format!("x = {}\n", "f'{1}' ".repeat(1000))), None);
    }

    #[test]
    fn nul_bytes_are_refused_even_in_strings_and_comments() {
        let (kind, message, at) = refused("x = 'a\0b'  # \n").unwrap();
        assert_eq!(kind, ErrorKind::Syntax);
        assert_eq!(message, "source code cannot contain null bytes");
        assert_eq!(at, 6);
        assert!(refused("# \0\n").is_some());
    }

    #[test]
    fn chains_that_nest_past_the_limit_are_refused() {
        let limit = MAX_NESTING as usize;
        let shapes: [(&str, &str, usize, &str); 6] = [
            ("x = ", "-", 1, "1\n"),
            ("x = ", "not ", 1, "1\n"),
            ("async def f():\n    return ", "await ", 1, "x\n"),
            ("x = ", "a ** ", 1, "a\n"),
            ("x = ", "~-", 2, "1\n"),
            ("x = ", "a if b else ", 1, "a\n"),
        ];
        for (head, link, per_link, tail) in shapes {
            let links = limit / per_link;
            let at_limit = format!("{head}{}{tail}", link.repeat(links));
            assert_eq!(refused(&at_limit), None, "{link:?} x {links}");
            let past = format!("{head}{}{tail}", link.repeat(links + 1));
            let (kind, message, at) = refused(&past).unwrap();
            assert_eq!(kind, ErrorKind::Limit, "{link:?}");
            assert_eq!(message, too_deep_message());
            assert!(at as usize >= head.len(), "{link:?}");
        }
    }

    #[test]
    fn chains_count_across_brackets() {
        let per_level = 10;
        let levels = MAX_NESTING as usize / per_level;
        let chain = format!("{}(", "-".repeat(per_level));
        let at_limit = format!("x = {}1{}\n", chain.repeat(levels), ")".repeat(levels));
        assert_eq!(refused(&at_limit), None);
        let past = format!("x = {}-1{}\n", chain.repeat(levels), ")".repeat(levels));
        assert_eq!(refused(&past).unwrap().0, ErrorKind::Limit);
        let ternaries = format!(
            "x = {}1{}\n",
            "a if b else (".repeat(levels + 1),
            ")".repeat(levels + 1)
        );
        assert_eq!(refused(&ternaries), None);
        let ternaries = format!(
            "x = {}1{}\n",
            "a if b else a if b else (".repeat(levels),
            ")".repeat(levels)
        );
        assert_eq!(
            refused(&ternaries),
            None,
            "two per level: {} in all",
            2 * levels
        );
        let fstrings = format!(
            "x = {}-1{}\n",
            format!("{}f'{{", "-".repeat(per_level)).repeat(levels),
            "}'".repeat(levels)
        );
        assert_eq!(refused(&fstrings).unwrap().0, ErrorKind::Limit);
        // Brackets after a binary operator do not nest under what came before it.
        let reset = format!("x = {}1{}\n", "- - a + (".repeat(190), ")".repeat(190));
        assert_eq!(refused(&reset), None);
    }

    #[test]
    fn flat_and_left_nested_chains_are_not_refused() {
        let n = 5 * MAX_NESTING as usize;
        for source in [
            format!("x = a{}\n", " is not a".repeat(n)),
            format!("x = a{}\n", " not in a".repeat(n)),
            format!("x = 1{}\n", " - -1".repeat(n)),
            format!("x = not a{}\n", " and not a".repeat(n)),
            format!("x = [{}]\n", "-1, ".repeat(n)),
            format!("x = [{}]\n", "a if b else -c, ".repeat(n)),
            format!("f({})\n", "**a, ".repeat(n)),
            format!("x = {}1\n", "-a * ".repeat(n)),
            format!("x = 1e-5{}\n", " + 1e-5".repeat(n)),
            "x = -1\n".repeat(n),
            "x = -a if -b else -c\n".repeat(n),
        ] {
            assert_eq!(refused(&source), None, "{}", &source[..40]);
        }
    }
}
