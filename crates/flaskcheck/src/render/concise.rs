use std::io::{self, Write};

use flaskcheck_linter::LintReport;
use flaskcheck_python::printable;

use super::display_path;

pub fn render(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    for diagnostic in &report.diagnostics {
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            display_path(&report.file(diagnostic.file).path),
            diagnostic.span.start.line,
            diagnostic.span.start.column,
            diagnostic.rule.code(),
            printable(&diagnostic.message)
        )?;
    }
    Ok(())
}
