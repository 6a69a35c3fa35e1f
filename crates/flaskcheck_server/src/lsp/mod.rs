//! `flaskcheck server`: a language server over stdio.
//!
//! Three threads: the transport's reader and writer, the main loop ([`server`]: the life cycle,
//! the open documents, hover and code actions), and the analysis ([`worker`]), which debounces
//! typing and publishes the diagnostics of every open document an edit affects.

mod code_action;
mod convert;
mod document;
mod hover;
mod options;
mod position;
mod server;
mod transport;
mod worker;

use std::io::{self, BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use flaskcheck_linter::panic_message;

use transport::Transport;

/// Serves the protocol on stdin and stdout until `exit` or the end of the input; returns the
/// process's exit code (0 after `shutdown` then `exit`, 1 otherwise, as the specification asks).
pub fn run(threads: usize) -> io::Result<i32> {
    run_on(io::BufReader::new(io::stdin()), io::stdout(), threads)
}

/// [`run`] on any pair of streams.
pub fn run_on(
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
    threads: usize,
) -> io::Result<i32> {
    let transport = Transport::spawn(input, output)?;
    let server = server::Server::new(transport.outgoing.clone(), threads);
    let code = server.run(&transport.incoming);
    transport.finish()?;
    Ok(code)
}

/// Runs `f`, turning a panic into its message: a bug in one analysis or one request is logged and
/// the server goes on.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(&*payload))
}
