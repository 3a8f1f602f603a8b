//! A real SMTP server for the tests (mailin-embedded, plain SMTP), recording what it receives and
//! refusing one recipient as a relay refuses an unknown mailbox.

use std::io;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mailin_embedded::{Handler, Response, Server, SslConfig, response};

/// The mailbox the server refuses with `550 Mailbox unavailable`.
pub const REJECTED: &str = "rejected@example.org";

/// One email as the server took it: the envelope recipients and the raw message (CRLF lines).
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone)]
struct Recorder {
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    // One handler is cloned per connection, so the message in progress is per session.
    current: Option<ReceivedMail>,
}

impl Handler for Recorder {
    fn rcpt(&mut self, to: &str) -> Response {
        if to.eq_ignore_ascii_case(REJECTED) {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(ReceivedMail {
            from: from.to_owned(),
            to: to.to_vec(),
            data: String::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        if let Some(mail) = &mut self.current {
            mail.data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(mail) = self.current.take() {
            self.received.lock().unwrap().push(mail);
        }
        response::OK
    }
}

/// A running server; it lives until the test binary exits.
pub struct TestSmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl TestSmtpServer {
    /// Starts a server on a free port of 127.0.0.1, accepting connections at once.
    pub fn start() -> Self {
        // Binding here and handing the listener over avoids racing another test for the port.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let mut server = Server::new(Recorder {
            received: Arc::clone(&received),
            current: None,
        });
        server
            .with_name("smtp.test")
            .with_ssl(SslConfig::None)
            .unwrap()
            .with_tcp_listener(listener);
        // mailin's error is not `Send`; its message is all a failed test needs.
        std::thread::spawn(move || server.serve().map_err(|e| e.to_string()));
        Self { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }
}

/// The headers of a message or part, unfolded, as (lower-cased name, value).
pub fn headers(head: &str) -> Vec<(String, String)> {
    head.replace("\r\n ", " ")
        .replace("\r\n\t", " ")
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect()
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// The parts of a multipart message: each part's headers and decoded body.
pub fn parts(message: &str) -> Vec<(Vec<(String, String)>, String)> {
    let (head, body) = message.split_once("\r\n\r\n").unwrap();
    let content_type = header(&headers(head), "content-type").unwrap().to_owned();
    let boundary = content_type.split("boundary=").nth(1).unwrap().trim_matches('"');
    body.split(&format!("--{boundary}"))
        .filter_map(|part| part.split_once("\r\n\r\n"))
        .map(|(part_head, part_body)| {
            let part_headers = headers(part_head.trim_start());
            let decoded = match header(&part_headers, "content-transfer-encoding") {
                Some("quoted-printable") => decode_quoted_printable(part_body),
                _ => part_body.to_owned(),
            };
            (part_headers, decoded)
        })
        .collect()
}

/// Decodes a quoted-printable body (lettre picks it for lines of 76 characters or more).
fn decode_quoted_printable(encoded: &str) -> String {
    let joined = encoded.replace("=\r\n", "");
    let mut out = Vec::with_capacity(joined.len());
    let mut rest = joined.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        let hex = tail.get(..2).and_then(|h| std::str::from_utf8(h).ok());
        match hex.map(|h| u8::from_str_radix(h, 16)) {
            Some(Ok(byte)) if first == b'=' => {
                out.push(byte);
                rest = &tail[2..];
            }
            _ => {
                out.push(first);
                rest = tail;
            }
        }
    }
    String::from_utf8(out).unwrap()
}
