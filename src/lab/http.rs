//! `http` — HTTP/1.1 is text over one TCP connection: a request line, headers,
//! a blank line, then a body framed by `Content-Length` or chunked encoding —
//! HTTP's own answer to sticky packets. The lab's server (on 127.0.0.1:0,
//! parsing with `httparse`) answers its client, which sends one request a byte
//! at a time (the server must wait for the blank line) and then three in one
//! write (pipelined: the server must find where each ends). With `--serve N`
//! the server stays up N seconds afterwards and names its URL, for a browser
//! or curl.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::io::{self, POLL};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

lab_params! {
    /// Options of the http lab.
    pub struct HttpParams for Http {
        /// Seconds the server stays up after the demo for a browser (0: none).
        serve: u64 = "0", "serve", Int { min: 0, max: 600 }, "lab.opt.serve";
    }
}

/// Remarks the command line prints as they happen (the URL to open, and
/// every request a browser makes).
pub const LIVE_KEYS: &[&str] = &["lab.http.serving", "lab.http.seen", "lab.http.browser"];

/// The longest request or response head (and body) the lab reads.
const MAX_MESSAGE: usize = 64 * 1024;

/// How a message's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framing {
    /// No body (a GET).
    None,
    /// `Content-Length: N`: exactly N bytes follow the blank line.
    ContentLength,
    /// `Transfer-Encoding: chunked`: size lines, each chunk, a 0 chunk ends it.
    Chunked,
}

/// A request as the server parsed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpRequestSeen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body_len: u64,
    pub framing: Framing,
}

/// A response as the client parsed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpResponseSeen {
    pub status: u16,
    pub content_length: Option<u64>,
    pub chunked: bool,
    /// Body bytes (after removing the chunk framing).
    pub bytes: u64,
    pub body: String,
}

/// What the http lab observed. Issue keys (`requests`, `responses`) plus how
/// the client wrote them and the URL served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpReport {
    pub requests: Vec<HttpRequestSeen>,
    pub responses: Vec<HttpResponseSeen>,
    /// write() calls that carried the first request (one byte each).
    pub byte_by_byte_writes: u64,
    /// Requests the server found in the client's one pipelined write.
    pub pipelined_in_one_write: u64,
    /// The head of the first request, as sent.
    pub first_request: String,
    /// Where the server listened for a browser (`--serve`), if it did.
    pub url: Option<String>,
    /// The requests a browser or curl sent while it served, as parsed.
    pub served: Vec<HttpRequestSeen>,
}

/// Where a body starting at `start` ends: (end offset, body bytes), or None
/// while incomplete.
pub fn body_end(
    buf: &[u8],
    start: usize,
    framing: Framing,
    content_length: u64,
) -> Result<Option<(usize, u64)>, LabError> {
    match framing {
        Framing::None => Ok(Some((start, 0))),
        Framing::ContentLength => {
            let len = usize::try_from(content_length).unwrap_or(usize::MAX);
            if len > MAX_MESSAGE {
                return Err(LabError::Failed(format!("body of {len} bytes is too big")));
            }
            Ok((buf.len() >= start + len).then_some((start + len, content_length)))
        }
        Framing::Chunked => {
            let mut at = start;
            let mut body = 0u64;
            loop {
                match httparse::parse_chunk_size(&buf[at.min(buf.len())..]) {
                    Ok(httparse::Status::Complete((line, size))) => {
                        let size = usize::try_from(size).unwrap_or(usize::MAX);
                        if size > MAX_MESSAGE {
                            return Err(LabError::Failed("chunk too big".into()));
                        }
                        // The chunk's bytes and its CRLF (the last chunk: the final CRLF).
                        let end = at + line + size + 2;
                        if buf.len() < end {
                            return Ok(None);
                        }
                        at = end;
                        if size == 0 {
                            return Ok(Some((at, body)));
                        }
                        body += size as u64;
                    }
                    Ok(httparse::Status::Partial) => return Ok(None),
                    Err(_) => return Err(LabError::Failed("bad chunk size line".into())),
                }
            }
        }
    }
}

fn framing_of(headers: &[(String, String)]) -> (Framing, u64) {
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if find("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        (Framing::Chunked, 0)
    } else if let Some(n) = find("content-length").and_then(|v| v.trim().parse().ok()) {
        (Framing::ContentLength, n)
    } else {
        (Framing::None, 0)
    }
}

fn header_pairs(headers: &[httparse::Header]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect()
}

/// One complete request at the start of `buf`: it and the bytes it took.
pub fn parse_request(buf: &[u8]) -> Result<Option<(HttpRequestSeen, usize)>, LabError> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut headers);
    let head = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(LabError::Failed(format!("bad request: {e}"))),
    };
    let pairs = header_pairs(req.headers);
    let (framing, length) = framing_of(&pairs);
    let Some((end, body_len)) = body_end(buf, head, framing, length)? else {
        return Ok(None);
    };
    let seen = HttpRequestSeen {
        method: req.method.unwrap_or("").to_string(),
        path: req.path.unwrap_or("").to_string(),
        headers: pairs,
        body_len,
        framing,
    };
    Ok(Some((seen, end)))
}

/// One complete response at the start of `buf`: it and the bytes it took.
pub fn parse_response(buf: &[u8]) -> Result<Option<(HttpResponseSeen, usize)>, LabError> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut res = httparse::Response::new(&mut headers);
    let head = match res.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(LabError::Failed(format!("bad response: {e}"))),
    };
    let pairs = header_pairs(res.headers);
    let (framing, length) = framing_of(&pairs);
    let Some((end, bytes)) = body_end(buf, head, framing, length)? else {
        return Ok(None);
    };
    let seen = HttpResponseSeen {
        status: res.code.unwrap_or(0),
        content_length: (framing == Framing::ContentLength).then_some(length),
        chunked: framing == Framing::Chunked,
        bytes,
        body: io::preview(&buf[head..end], 80),
    };
    Ok(Some((seen, end)))
}

/// The server's answer to `req`: `/` and `/echo` framed by Content-Length,
/// `/chunked` in chunks, anything else 404.
fn answer(req: &HttpRequestSeen, close: bool) -> Vec<u8> {
    let connection = if close { "close" } else { "keep-alive" };
    let fixed = |status: &str, body: &str| {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: {connection}\r\n\r\n{body}",
            body.len()
        )
    };
    let text = match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/") => fixed("200 OK", "hello from nettutor's http lab\n"),
        ("GET", "/chunked") => format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\nConnection: {connection}\r\n\r\n7\r\nhello, \r\n8\r\nchunked \r\n6\r\nworld\n\r\n0\r\n\r\n"
        ),
        ("POST", "/echo") => fixed("200 OK", &format!("got {} bytes\n", req.body_len)),
        _ => fixed("404 Not Found", "not found\n"),
    };
    text.into_bytes()
}

fn wants_close(req: &HttpRequestSeen) -> bool {
    req.headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"))
}

/// Serve one connection until the client closes or asks to: every complete
/// request in the buffer is answered in order. Returns the requests and how
/// many each read() completed.
fn serve_connection(
    mut stream: TcpStream,
    always_close: bool,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<(Vec<HttpRequestSeen>, Vec<u64>), LabError> {
    let mut buf = Vec::new();
    let mut seen = Vec::new();
    let mut per_read = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = io::read_some(&mut stream, &mut chunk, cancel, "recv")?;
        if n == 0 {
            return Ok((seen, per_read));
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_MESSAGE {
            return Err(LabError::Failed("request too big".into()));
        }
        let mut completed = 0;
        while let Some((req, used)) = parse_request(&buf)? {
            buf.drain(..used);
            completed += 1;
            let close = always_close || wants_close(&req);
            io::write_all(&mut stream, &answer(&req, close), cancel, "send")?;
            sink.event(LabEvent::log_with(
                "lab.http.seen",
                &[
                    ("method", req.method.clone()),
                    ("path", req.path.clone()),
                    ("body", req.body_len.to_string()),
                ],
            ));
            seen.push(req);
            if close {
                per_read.push(completed);
                return Ok((seen, per_read));
            }
        }
        per_read.push(completed);
    }
}

/// The client: one request a byte at a time, then three in one write.
fn client(
    addr: SocketAddr,
    cancel: &Cancel,
) -> Result<(Vec<HttpResponseSeen>, u64, String), LabError> {
    let mut stream = io::connect(addr)?;
    stream
        .set_nodelay(true)
        .map_err(|e| LabError::io("set TCP_NODELAY", e))?;
    let first = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: nettutor-lab\r\n\r\n";
    let mut writes = 0u64;
    for byte in first.as_bytes() {
        io::write_all(&mut stream, std::slice::from_ref(byte), cancel, "send")?;
        writes += 1;
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut buf = Vec::new();
    let mut responses = Vec::new();
    read_responses(&mut stream, &mut buf, &mut responses, 1, cancel)?;
    let pipelined = concat!(
        "GET /chunked HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    );
    io::write_all(&mut stream, pipelined.as_bytes(), cancel, "send")?;
    read_responses(&mut stream, &mut buf, &mut responses, 4, cancel)?;
    Ok((responses, writes, first.to_string()))
}

fn read_responses(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    out: &mut Vec<HttpResponseSeen>,
    until: usize,
    cancel: &Cancel,
) -> Result<(), LabError> {
    let mut chunk = [0u8; 4096];
    while out.len() < until {
        while let Some((res, used)) = parse_response(buf)? {
            buf.drain(..used);
            out.push(res);
        }
        if out.len() >= until {
            break;
        }
        let n = io::read_some(stream, &mut chunk, cancel, "recv")?;
        if n == 0 {
            return Err(LabError::Failed("the server closed early".into()));
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_MESSAGE {
            return Err(LabError::Failed("response too big".into()));
        }
    }
    Ok(())
}

/// `--serve`: keep accepting for `seconds`, one request per connection; a
/// browser's failure is reported and does not end the lab. Every request's
/// headers are shown as they arrive; the requests are returned.
fn serve_browsers(
    listener: &TcpListener,
    seconds: u64,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<Vec<HttpRequestSeen>, LabError> {
    let mut served = Vec::new();
    let end = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < end {
        cancel.check()?;
        match listener.accept() {
            Ok((stream, _)) => {
                let setup = stream
                    .set_nonblocking(false)
                    .and_then(|()| stream.set_read_timeout(Some(POLL)))
                    .and_then(|()| stream.set_write_timeout(Some(POLL)));
                if setup.is_err() {
                    continue;
                }
                match serve_connection(stream, true, sink, cancel) {
                    Ok((seen, _)) => {
                        for req in &seen {
                            sink.event(LabEvent::log_with(
                                "lab.http.browser",
                                &[("headers", header_lines(&req.headers))],
                            ));
                        }
                        served.extend(seen);
                    }
                    Err(LabError::Cancelled) => return Err(LabError::Cancelled),
                    Err(e) => sink.event(LabEvent::log_with(
                        "lab.http.browser-failed",
                        &[("error", e.to_string())],
                    )),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LabError::io("accept", e)),
        }
    }
    Ok(served)
}

/// Headers as a request carried them, `Name: value` joined by ` | `.
fn header_lines(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Run the lab: the client's two exchanges, then (with `--serve`) browsers.
pub fn run(
    params: &HttpParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<HttpReport, LabError> {
    let listener = io::tcp_listener()?;
    let addr = listener
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let ((requests, per_read), (responses, byte_by_byte_writes, first_request)) = io::both(
        cancel,
        |cancel| {
            let stream = io::accept(&listener, cancel)?;
            serve_connection(stream, false, sink, cancel)
        },
        |cancel| client(addr, cancel),
    )?;
    let url = format!("http://{addr}/");
    let mut served = Vec::new();
    if params.serve > 0 {
        sink.event(LabEvent::log_with(
            "lab.http.serving",
            &[("url", url.clone()), ("seconds", params.serve.to_string())],
        ));
        served = serve_browsers(&listener, params.serve, sink, cancel)?;
    }
    Ok(HttpReport {
        pipelined_in_one_write: per_read.iter().copied().max().unwrap_or(0),
        requests,
        responses,
        byte_by_byte_writes,
        first_request,
        url: (params.serve > 0).then_some(url),
        served,
    })
}

impl LabOutcome for HttpReport {
    fn observed(&self) -> u64 {
        self.pipelined_in_one_write
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let mut lines = vec![tf(
            lang,
            "lab.http.result",
            &[
                ("writes", &self.byte_by_byte_writes.to_string()),
                ("pipelined", &self.pipelined_in_one_write.to_string()),
            ],
        )];
        for (req, res) in self.requests.iter().zip(&self.responses) {
            let framing = match req.framing {
                Framing::None => "—".to_string(),
                Framing::ContentLength => format!("Content-Length {}", req.body_len),
                Framing::Chunked => format!("chunked {}", req.body_len),
            };
            let answer = if res.chunked {
                format!("{} chunked, {} B", res.status, res.bytes)
            } else {
                format!("{} Content-Length {}", res.status, res.bytes)
            };
            lines.push(format!(
                "  {} {} [{framing}] → {answer}",
                req.method, req.path
            ));
        }
        if let Some(url) = &self.url {
            lines.push(tf(
                lang,
                "lab.http.served",
                &[("url", url), ("n", &self.served.len().to_string())],
            ));
            for req in &self.served {
                lines.push(format!("  {} {}", req.method, req.path));
            }
        }
        lines.push(t(lang, "lab.http.lesson").to_string());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipelined_requests_are_split_by_their_framing() {
        let buf = b"POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\nPOST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\nGET /d";
        let (a, used) = parse_request(buf).unwrap().unwrap();
        assert_eq!(
            (a.path.as_str(), a.body_len, a.framing),
            ("/a", 3, Framing::ContentLength)
        );
        let rest = &buf[used..];
        let (b, used_b) = parse_request(rest).unwrap().unwrap();
        assert_eq!((b.path.as_str(), b.framing), ("/b", Framing::None));
        let rest = &rest[used_b..];
        let (c, used_c) = parse_request(rest).unwrap().unwrap();
        assert_eq!(
            (c.path.as_str(), c.body_len, c.framing),
            ("/c", 2, Framing::Chunked)
        );
        // An incomplete request waits for more bytes.
        assert!(parse_request(&rest[used_c..]).unwrap().is_none());
        assert!(
            parse_request(b"GET / HTTP/1.1\r\nHost: x\r\n")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_chunked_body_waits_for_its_last_chunk() {
        let head = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
        assert!(parse_request(head).unwrap().is_none());
        assert!(parse_request(b"GET / HTTP/1.1\r\n\r\n").unwrap().is_some());
        assert!(parse_request(b"NOT HTTP\r\n\r\n").is_err());
    }
}
