//! The default format: each finding with its source snippet, rendered by codespan-reporting.
//!
//! The snippet is not the file: codespan is given, per finding, an excerpt of the lines it shows,
//! each escaped ([`printable_source_line`]: a terminal escape or a bidirectional override in the
//! source is shown, not obeyed) and cut to a window around the finding's columns, so that a
//! finding on a line of a megabyte prints a few hundred characters of it (and eight thousand
//! findings on it, a few megabytes in all). Line and column numbers stay those of the file.

use std::collections::HashMap;
use std::io;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::{Error as FilesError, Files, Location};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream, WriteColor};
use codespan_reporting::term::{self, Config};
use flaskcheck_linter::{Diagnostic, FileId, LintReport, Position, Severity, SourceFile, Span};
use flaskcheck_python::{printable, printable_source_line};

use super::display_path;

#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub color: bool,
}

/// Characters of a source line shown at most; longer lines are cut around the finding.
const MAX_LINE_CHARS: usize = 160;
/// Characters kept before the first column of a finding on a cut line.
const CONTEXT_CHARS: usize = 40;
/// Lines codespan shows of a label spanning several: the first few after its start
/// (`start_context_lines`) and the one before its end (`end_context_lines`), with the defaults
/// of [`Config`].
const START_CONTEXT_LINES: u32 = 3;
const END_CONTEXT_LINES: u32 = 1;

pub fn render(report: &LintReport, options: TextOptions) -> io::Result<()> {
    let choice = if options.color {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    let stream = StandardStream::stdout(choice);
    let mut out = stream.lock();
    render_to(report, &mut out)
}

pub fn render_to(report: &LintReport, out: &mut dyn WriteColor) -> io::Result<()> {
    let config = Config {
        start_context_lines: START_CONTEXT_LINES as usize,
        end_context_lines: END_CONTEXT_LINES as usize,
        ..Config::default()
    };
    for diagnostic in &report.diagnostics {
        let mut excerpts = Excerpts::default();
        let has_text = report.file(diagnostic.file).text_if_any().is_some();
        let mut rendered = Report::new(level(diagnostic.severity))
            .with_code(diagnostic.rule.code())
            .with_message(printable(&diagnostic.message));
        let mut notes = Vec::new();
        if has_text {
            let mut spans = vec![(diagnostic.file, diagnostic.span)];
            for related in &diagnostic.related {
                if report.file(related.file).text_if_any().is_some() {
                    spans.push((related.file, related.span));
                }
            }
            let ids = excerpts.build(report, &spans);
            let mut labels = vec![Label::primary(ids[0].0, ids[0].1.clone())];
            let related = diagnostic
                .related
                .iter()
                .filter(|related| report.file(related.file).text_if_any().is_some());
            for ((id, range), related) in ids[1..].iter().zip(related) {
                labels.push(
                    Label::secondary(*id, range.clone()).with_message(printable(&related.message)),
                );
            }
            rendered = rendered.with_labels(labels);
        } else {
            notes.push(location_note(report, diagnostic));
        }
        if let Some(help) = &diagnostic.help {
            notes.push(format!("help: {}", printable(help)));
        }
        notes.push(format!(
            "rule: {} ({} severity)",
            diagnostic.rule.name(),
            diagnostic.severity
        ));
        rendered = rendered.with_notes(notes);
        term::emit(out, &config, &excerpts, &rendered).map_err(|err| match err {
            FilesError::Io(err) => err,
            other => io::Error::other(other),
        })?;
    }
    Ok(())
}

fn location_note(report: &LintReport, diagnostic: &Diagnostic) -> String {
    format!(
        "at {}:{}:{}",
        display_path(&report.file(diagnostic.file).path),
        diagnostic.span.start.line,
        diagnostic.span.start.column
    )
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::High => Level::Error,
        Severity::Medium => Level::Warning,
        Severity::Low => Level::Note,
    }
}

/// The lines of one file one finding shows, as displayed.
struct Excerpt {
    name: String,
    text: String,
    /// Where each line starts in `text`, then `text.len()`.
    line_starts: Vec<usize>,
    /// The file's number of each line.
    line_numbers: Vec<u32>,
    /// The file's position of each label start, by its offset in `text`.
    positions: HashMap<usize, Position>,
}

/// The excerpts of one finding, by codespan file id.
#[derive(Default)]
struct Excerpts {
    excerpts: Vec<Excerpt>,
}

impl Excerpts {
    /// Builds the excerpts that show `spans` (each in a file with text), one per file; returns
    /// each span's excerpt and range in it.
    fn build(
        &mut self,
        report: &LintReport,
        spans: &[(FileId, Span)],
    ) -> Vec<(usize, Range<usize>)> {
        let mut by_file: Vec<(FileId, Vec<Span>)> = Vec::new();
        for &(file, span) in spans {
            match by_file.iter_mut().find(|(id, _)| *id == file) {
                Some((_, list)) => list.push(span),
                None => by_file.push((file, vec![span])),
            }
        }
        let mut ranges: HashMap<(FileId, usize), (usize, Range<usize>)> = HashMap::new();
        for (file, file_spans) in &by_file {
            let id = self.excerpts.len();
            let (excerpt, mapped) = Excerpt::new(report.file(*file), file_spans);
            self.excerpts.push(excerpt);
            for (index, range) in mapped.into_iter().enumerate() {
                ranges.insert((*file, index), (id, range));
            }
        }
        let mut seen: HashMap<FileId, usize> = HashMap::new();
        spans
            .iter()
            .map(|(file, _)| {
                let index = seen.entry(*file).or_default();
                let found = ranges[&(*file, *index)].clone();
                *index += 1;
                found
            })
            .collect()
    }

    fn get(&self, id: usize) -> Result<&Excerpt, FilesError> {
        self.excerpts.get(id).ok_or(FilesError::FileMissing)
    }
}

impl Excerpt {
    /// The lines of `file` that codespan shows for labels at `spans`, each cut and escaped, and
    /// each span's range in the excerpt.
    fn new(file: &SourceFile, spans: &[Span]) -> (Excerpt, Vec<Range<usize>>) {
        let text = file.text();
        let locator = file.locator().expect("a file with text has a locator");
        let line_count = locator.line_count() as u32;
        let mut lines: Vec<u32> = Vec::new();
        for span in spans {
            let (first, last) = (span.start.line, span.end.line.max(span.start.line));
            lines.extend(first..=last.min(first + START_CONTEXT_LINES));
            lines.extend(last.saturating_sub(END_CONTEXT_LINES).max(first)..=last);
        }
        lines.retain(|&line| line >= 1 && line <= line_count);
        lines.sort_unstable();
        lines.dedup();
        // codespan shows a single line between two it shows, and a break (`·`) for a longer gap,
        // which it finds by line index: a line left out is kept as is, a longer gap as two empty
        // lines numbered as the first and last it stands for.
        let mut shown: Vec<(u32, bool)> = Vec::with_capacity(lines.len() + 2);
        for (index, &line) in lines.iter().enumerate() {
            shown.push((line, true));
            match lines.get(index + 1).map(|&next| next - line) {
                Some(2) => shown.push((line + 1, true)),
                Some(gap) if gap > 2 => {
                    shown.push((line + 1, false));
                    shown.push((line + gap - 1, false));
                }
                _ => {}
            }
        }

        // Offsets of the file each line must keep visible: where labels start and end on it.
        let marks: Vec<usize> = spans
            .iter()
            .flat_map(|span| [span.range.start().to_usize(), span.range.end().to_usize()])
            .collect();
        let mut excerpt = Excerpt {
            name: display_path(&file.path),
            text: String::new(),
            line_starts: Vec::with_capacity(shown.len() + 1),
            line_numbers: Vec::with_capacity(shown.len()),
            positions: HashMap::new(),
        };
        // Where each mark lands in the excerpt.
        let mut mapped: HashMap<usize, usize> = HashMap::new();
        for &(line, with_text) in &shown {
            excerpt.line_starts.push(excerpt.text.len());
            excerpt.line_numbers.push(line);
            if with_text {
                let range = locator.line_range(text, line);
                let start = range.start().to_usize();
                // Without its line ending, which codespan adds.
                let content = text[start..range.end().to_usize()]
                    .strip_suffix('\n')
                    .unwrap_or(&text[start..range.end().to_usize()]);
                let end = start + content.strip_suffix('\r').unwrap_or(content).len();
                let on_line: Vec<usize> = marks
                    .iter()
                    .copied()
                    .filter(|&mark| mark >= start && mark <= end)
                    .collect();
                excerpt.push_line(&text[start..end], start, &on_line, &mut mapped);
            }
            excerpt.text.push('\n');
        }
        excerpt.line_starts.push(excerpt.text.len());

        let ranges = spans
            .iter()
            .map(|span| {
                // Every mark is on a line shown, unless the span is past the end of the text.
                let at = |offset: usize| mapped.get(&offset).copied().unwrap_or(excerpt.text.len());
                let start = at(span.range.start().to_usize());
                let end = at(span.range.end().to_usize()).max(start);
                excerpt.positions.insert(start, span.start);
                start..end
            })
            .collect();
        (excerpt, ranges)
    }

    /// Appends the shown part of one line (which starts at `offset` in the file), recording
    /// where each of `marks` lands.
    fn push_line(
        &mut self,
        line: &str,
        offset: usize,
        marks: &[usize],
        mapped: &mut HashMap<usize, usize>,
    ) {
        // Byte offsets in the line, on character boundaries (as marks are); only the window is
        // walked through, never the whole line.
        let first = marks.iter().min().map_or(0, |mark| mark - offset);
        let last = marks.iter().max().map_or(0, |mark| mark - offset);
        let (from, to) = if line.chars().nth(MAX_LINE_CHARS).is_none() {
            (0, line.len())
        } else {
            let from = chars_before(line, first, CONTEXT_CHARS);
            let to = chars_after(line, last, CONTEXT_CHARS)
                .max(chars_after(line, from, MAX_LINE_CHARS / 2))
                .min(chars_after(line, from, MAX_LINE_CHARS));
            (from, to)
        };
        if from > 0 {
            self.text.push('…');
        }
        let (shown_start, shown_end) = (from, to);
        let mut cursor = shown_start;
        let mut sorted: Vec<usize> = marks.to_vec();
        sorted.sort_unstable();
        for mark in sorted {
            // A mark cut off the window lands at its nearer edge.
            let at = (mark - offset).clamp(shown_start, shown_end);
            if at > cursor {
                self.text
                    .push_str(&printable_source_line(&line[cursor..at]));
                cursor = at;
            }
            mapped.insert(mark, self.text.len());
        }
        self.text
            .push_str(&printable_source_line(&line[cursor..shown_end]));
        if to < line.len() {
            self.text.push('…');
        }
    }

    fn line_index(&self, byte: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= byte)
            .saturating_sub(1)
            .min(self.line_numbers.len().saturating_sub(1))
    }
}

/// The byte offset `count` characters before `at` in `line` (or its start).
fn chars_before(line: &str, at: usize, count: usize) -> usize {
    match count {
        0 => at,
        _ => line[..at]
            .char_indices()
            .rev()
            .nth(count - 1)
            .map_or(0, |(index, _)| index),
    }
}

/// The byte offset `count` characters after `at` in `line` (or its end).
fn chars_after(line: &str, at: usize, count: usize) -> usize {
    line[at..]
        .char_indices()
        .nth(count)
        .map_or(line.len(), |(index, _)| at + index)
}

impl<'a> Files<'a> for Excerpts {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.get(id)?.line_index(byte_index))
    }

    fn line_number(&'a self, id: usize, line_index: usize) -> Result<usize, FilesError> {
        let excerpt = self.get(id)?;
        match excerpt.line_numbers.get(line_index) {
            Some(&number) => Ok(number as usize),
            None => Err(FilesError::LineTooLarge {
                given: line_index,
                max: excerpt.line_numbers.len(),
            }),
        }
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let excerpt = self.get(id)?;
        match (
            excerpt.line_starts.get(line_index),
            excerpt.line_starts.get(line_index + 1),
        ) {
            (Some(&start), Some(&end)) => Ok(start..end),
            _ => Err(FilesError::LineTooLarge {
                given: line_index,
                max: excerpt.line_numbers.len(),
            }),
        }
    }

    /// The file's line and column of a label's start (an excerpt's columns are not the file's).
    fn location(&'a self, id: usize, byte_index: usize) -> Result<Location, FilesError> {
        let excerpt = self.get(id)?;
        if let Some(position) = excerpt.positions.get(&byte_index) {
            return Ok(Location {
                line_number: position.line as usize,
                column_number: position.column as usize,
            });
        }
        let line_index = excerpt.line_index(byte_index);
        Ok(Location {
            line_number: self.line_number(id, line_index)?,
            column_number: self.column_number(id, line_index, byte_index)?,
        })
    }
}
