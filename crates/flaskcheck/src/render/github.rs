//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per finding,
//! which the runner turns into an annotation on the pull request's diff.
//!
//! <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands>

use std::io::{self, Write};

use flaskcheck_linter::{LintReport, Severity};
use flaskcheck_python::printable;

use super::display_path;

pub fn render(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    for diagnostic in &report.diagnostics {
        let command = match diagnostic.severity {
            Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "notice",
        };
        let start = diagnostic.span.start;
        let end = diagnostic.span.end.max(start);
        // What the log shows is escaped like the other formats for people; the line break
        // before the help is the runner's, written `%0A`.
        let mut message = printable(&diagnostic.message).into_owned();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(&printable(help));
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&display_path(&report.file(diagnostic.file).path)),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!(
                "{} {}",
                diagnostic.rule.code(),
                diagnostic.rule.name()
            )),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// The message of a workflow command: `%`, CR and LF are escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as data, and `:` and `,` too, which separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(
            escape_data("100% of a\r\nb: c, d"),
            "100%25 of a%0D%0Ab: c, d"
        );
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
