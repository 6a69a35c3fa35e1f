//! The base protocol over stdio: `Content-Length` framed JSON-RPC messages.
//!
//! `lsp-server`'s own stdio transport ends the connection at the first message it cannot read.
//! A client's bad message must instead be answered with the JSON-RPC error the specification
//! names (-32700 parse error for what is not JSON, -32600 invalid request for JSON that is not a
//! message), and the server must go on, so framing and the first look at each message are here.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use serde::Serialize;
use serde_json::Value;

/// Larger bodies are refused (and skipped) rather than read into memory: no editor sends a
/// message this size, and an allocation that fails would abort the process.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// What the reader hands the server.
#[derive(Debug)]
pub(crate) enum Incoming {
    Message(Message),
    /// A message that cannot be handled; the answer is an error with this id (`null` when the
    /// message had none that could be read).
    Malformed {
        id: Value,
        code: ErrorCode,
        message: String,
    },
}

/// What the writer sends.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Message(Message),
    /// An error answer to a message whose id is not a valid request id.
    Error {
        id: Value,
        code: ErrorCode,
        message: String,
    },
}

impl From<Message> for Outgoing {
    fn from(message: Message) -> Self {
        Outgoing::Message(message)
    }
}

impl From<Response> for Outgoing {
    fn from(response: Response) -> Self {
        Outgoing::Message(Message::Response(response))
    }
}

impl From<Notification> for Outgoing {
    fn from(notification: Notification) -> Self {
        Outgoing::Message(Message::Notification(notification))
    }
}

impl From<Request> for Outgoing {
    fn from(request: Request) -> Self {
        Outgoing::Message(Message::Request(request))
    }
}

pub(crate) struct Transport {
    pub(crate) incoming: Receiver<Incoming>,
    pub(crate) outgoing: Sender<Outgoing>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Transport {
    /// Reads messages from `input` and writes to `output`, each on a thread of its own. The
    /// incoming channel closes at the end of the input.
    pub(crate) fn spawn(
        input: impl BufRead + Send + 'static,
        output: impl Write + Send + 'static,
    ) -> io::Result<Transport> {
        let (incoming_tx, incoming) = unbounded();
        let (outgoing, outgoing_rx) = unbounded::<Outgoing>();
        thread::Builder::new()
            .name("flaskcheck-lsp-reader".into())
            .spawn(move || read_messages(input, &incoming_tx))?;
        let writer = thread::Builder::new()
            .name("flaskcheck-lsp-writer".into())
            .spawn(move || {
                let mut output = output;
                for message in outgoing_rx {
                    write_message(&mut output, &message)?;
                }
                Ok(())
            })?;
        Ok(Transport {
            incoming,
            outgoing,
            writer,
        })
    }

    /// Waits until everything sent has been written.
    pub(crate) fn finish(self) -> io::Result<()> {
        drop(self.outgoing);
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

fn read_messages(mut input: impl BufRead, incoming: &Sender<Incoming>) {
    loop {
        let item = match read_frame(&mut input) {
            Ok(Some(Frame::Body(body))) => parse_message(&body),
            Ok(Some(Frame::Bad(message))) => Incoming::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError,
                message,
            },
            Ok(None) | Err(_) => return,
        };
        if incoming.send(item).is_err() {
            return;
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    /// A header block that could not be read; the next one is read after it.
    Bad(String),
}

/// One header block and its body; `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut seen_header = false;
    loop {
        line.clear();
        // Header lines are short; a stream without line ends is bounded by what `take` allows.
        let read = input
            .by_ref()
            .take(64 * 1024)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !seen_header {
                // Blank lines between messages are tolerated.
                continue;
            }
            break;
        }
        seen_header = true;
        let Some((name, value)) = text.split_once(':') else {
            length = Some(Err(format!("malformed header line `{text}`")));
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("invalid Content-Length `{}`", value.trim())),
            );
        }
    }
    let length = match length {
        Some(Ok(length)) => length,
        Some(Err(message)) => return Ok(Some(Frame::Bad(message))),
        None => return Ok(Some(Frame::Bad("missing Content-Length header".into()))),
    };
    if length > MAX_BODY {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return Ok(Some(Frame::Bad(format!(
            "a message of {length} bytes is larger than the {MAX_BODY} bytes accepted"
        ))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(Frame::Body(body)))
}

/// Sorts one body into a message, or the error its sender must get.
pub(crate) fn parse_message(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => {
            return Incoming::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError,
                message: format!("the message is not JSON: {err}"),
            }
        }
    };
    let invalid = |id: Value, message: String| Incoming::Malformed {
        id,
        code: ErrorCode::InvalidRequest,
        message,
    };
    let Value::Object(object) = value else {
        return invalid(
            Value::Null,
            "a message is a JSON object (batches are not part of the protocol)".into(),
        );
    };
    let raw_id = object.get("id").cloned();
    let id = match &raw_id {
        None => None,
        Some(Value::String(id)) => Some(RequestId::from(id.clone())),
        Some(Value::Number(n)) => match n.as_i64().and_then(|n| i32::try_from(n).ok()) {
            Some(n) => Some(RequestId::from(n)),
            None => {
                return invalid(
                    raw_id.unwrap_or(Value::Null),
                    "the request id is out of range".into(),
                )
            }
        },
        Some(Value::Null) if object.contains_key("method") => {
            return invalid(Value::Null, "a request id is a number or a string".into())
        }
        Some(Value::Null) => None,
        Some(_) => {
            return invalid(Value::Null, "a request id is a number or a string".into());
        }
    };
    let params = object.get("params").cloned().unwrap_or(Value::Null);
    match (object.get("method"), id) {
        (Some(Value::String(method)), Some(id)) => Incoming::Message(Message::Request(Request {
            id,
            method: method.clone(),
            params,
        })),
        (Some(Value::String(method)), None) => {
            Incoming::Message(Message::Notification(Notification {
                method: method.clone(),
                params,
            }))
        }
        (Some(_), _) => invalid(
            raw_id.unwrap_or(Value::Null),
            "`method` must be a string".into(),
        ),
        (None, Some(_)) if object.contains_key("result") || object.contains_key("error") => {
            match serde_json::from_value::<Response>(Value::Object(object)) {
                Ok(response) => Incoming::Message(Message::Response(response)),
                Err(err) => invalid(Value::Null, format!("malformed response: {err}")),
            }
        }
        (None, _) => invalid(
            raw_id.unwrap_or(Value::Null),
            "a message has a `method` (or is a response with a `result` or an `error`)".into(),
        ),
    }
}

#[derive(Serialize)]
struct JsonRpc<'a, T: Serialize> {
    jsonrpc: &'static str,
    #[serde(flatten)]
    message: &'a T,
}

/// An error answer whose id may be `null`, which `lsp_server::Response` cannot hold.
#[derive(Serialize)]
struct ErrorAnswer<'a> {
    jsonrpc: &'static str,
    id: &'a Value,
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: i32,
    message: &'a str,
}

fn write_message(output: &mut impl Write, message: &Outgoing) -> io::Result<()> {
    let body = match message {
        Outgoing::Message(message) => serde_json::to_vec(&JsonRpc {
            jsonrpc: "2.0",
            message,
        }),
        Outgoing::Error { id, code, message } => serde_json::to_vec(&ErrorAnswer {
            jsonrpc: "2.0",
            id,
            error: ErrorBody {
                code: *code as i32,
                message,
            },
        }),
    }
    .map_err(io::Error::other)?;
    write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
    output.write_all(&body)?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn frames(input: &str) -> Vec<Incoming> {
        let (tx, rx) = unbounded();
        read_messages(io::Cursor::new(input.as_bytes().to_vec()), &tx);
        drop(tx);
        rx.into_iter().collect()
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn error(item: &Incoming) -> (Value, i32) {
        match item {
            Incoming::Malformed { id, code, .. } => (id.clone(), *code as i32),
            Incoming::Message(message) => panic!("expected an error, got {message:?}"),
        }
    }

    #[test]
    fn reads_requests_notifications_and_responses() {
        let input = [
            framed(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            framed(r#"{"jsonrpc":"2.0","method":"initialized"}"#),
            framed(r#"{"jsonrpc":"2.0","id":"a","result":null}"#),
        ]
        .concat();
        let items = frames(&input);
        assert!(
            matches!(&items[0], Incoming::Message(Message::Request(r)) if r.method == "initialize" && r.id == RequestId::from(1))
        );
        assert!(
            matches!(&items[1], Incoming::Message(Message::Notification(n)) if n.method == "initialized" && n.params.is_null())
        );
        assert!(
            matches!(&items[2], Incoming::Message(Message::Response(r)) if r.id == RequestId::from("a".to_string()))
        );
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn bad_messages_get_the_specified_errors_and_reading_goes_on() {
        let input = [
            framed("{not json"),
            framed("[1, 2]"),
            framed(r#"{"jsonrpc":"2.0","id":7}"#),
            framed(r#"{"jsonrpc":"2.0","id":8,"method":3}"#),
            framed(r#"{"jsonrpc":"2.0","id":99999999999,"method":"x"}"#),
            framed(r#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#),
            "Content-Length: nine\r\n\r\n".to_string(),
            "Content-Type: x\r\n\r\n".to_string(),
            framed(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#),
        ]
        .concat();
        let items = frames(&input);
        let errors: Vec<(Value, i32)> = items[..8].iter().map(error).collect();
        assert_eq!(
            errors,
            [
                (Value::Null, -32700),
                (Value::Null, -32600),
                (json!(7), -32600),
                (json!(8), -32600),
                (json!(99999999999_i64), -32600),
                (Value::Null, -32600),
                (Value::Null, -32700),
                (Value::Null, -32700),
            ]
        );
        assert!(
            matches!(&items[8], Incoming::Message(Message::Request(r)) if r.method == "shutdown")
        );
    }

    #[test]
    fn a_truncated_body_ends_the_input() {
        let items = frames("Content-Length: 50\r\n\r\n{\"jsonrpc\"");
        assert!(items.is_empty());
    }

    #[test]
    fn writes_framed_messages_and_raw_errors() {
        let mut out = Vec::new();
        write_message(
            &mut out,
            &Outgoing::Message(Message::Response(Response::new_ok(RequestId::from(3), 1))),
        )
        .unwrap();
        write_message(
            &mut out,
            &Outgoing::Error {
                id: Value::Null,
                code: ErrorCode::ParseError,
                message: "bad".into(),
            },
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let first = r#"{"jsonrpc":"2.0","id":3,"result":1}"#;
        let second = r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}}"#;
        assert_eq!(
            text,
            format!(
                "Content-Length: {}\r\n\r\n{first}Content-Length: {}\r\n\r\n{second}",
                first.len(),
                second.len()
            )
        );
    }
}
