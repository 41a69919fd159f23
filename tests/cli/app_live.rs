//! The application labs' live output through the real binary.
//!
//! `nettutor lab http --serve SECONDS` prints its URL on 127.0.0.1, a real
//! HTTP client (curl, when installed, and a plain TCP socket writing a request
//! of its own) gets the lab's answer, the request's headers show up live, and
//! the JSON's `served` holds what the server parsed. `nettutor lab dns
//! --watch N` prints the cache's TTLs counting down and the expired answer
//! asked again, in both languages.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common;

#[test]
fn http_serve_prints_its_url_and_a_real_client_is_answered_and_reported() {
    let test = "http_serve_prints_its_url_and_a_real_client_is_answered_and_reported";
    let mut child = Command::new(common::run::BIN)
        .args(["--lang", "en", "lab", "http", "--serve", "4", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut live = BufReader::new(child.stderr.take().unwrap());
    let mut url = None;
    let mut line = String::new();
    while url.is_none() && live.read_line(&mut line).unwrap() > 0 {
        url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(str::to_string);
        line.clear();
    }
    let url = url.expect("the lab printed no URL");
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(host.starts_with("127.0.0.1:"), "{url}: loopback only");

    // A request of our own, framed by Content-Length, over a plain socket.
    let mut s = TcpStream::connect(&host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "POST /echo HTTP/1.1\r\nHost: {host}\r\nX-Student: ada\r\nContent-Length: 5\r\n\r\nhello"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("got 5 bytes\n"), "{answer}");

    // curl, the client the lesson names.
    let curl = common::have(test, "curl", "--version");
    if curl {
        let out = Command::new("curl")
            .args(["-s", "-A", "nettutor-test-curl", &format!("{url}chunked")])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "hello, chunked world\n"
        );
    }

    let mut rest = String::new();
    live.read_to_string(&mut rest).unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    // Live: the request line as parsed, then its headers.
    assert!(rest.contains("server: POST /echo (5 body bytes)"), "{rest}");
    assert!(rest.contains("X-Student: ada"), "{rest}");

    let json: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(json["url"], url.as_str());
    let served = json["served"].as_array().unwrap();
    assert_eq!(served.len(), if curl { 2 } else { 1 }, "{json}");
    assert_eq!(served[0]["method"], "POST");
    assert_eq!(served[0]["path"], "/echo");
    assert_eq!(served[0]["framing"], "content-length");
    assert_eq!(served[0]["body_len"], 5);
    assert!(
        served[0]["headers"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["X-Student", "ada"])),
        "{json}"
    );
    if curl {
        assert_eq!(served[1]["path"], "/chunked");
        assert!(
            served[1]["headers"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!(["User-Agent", "nettutor-test-curl"])),
            "{json}"
        );
    }
    // The lab's own demo is still all there, apart from what was served.
    assert_eq!(json["requests"].as_array().unwrap().len(), 4);
}

#[test]
fn dns_watch_counts_the_cached_ttls_down_live_in_both_languages() {
    for (lang, tick, expired) in [
        (
            "en",
            " s: ",
            "resolver: short.lab.test. A expired — asking the server again",
        ),
        (
            "zh",
            " 秒：",
            "解析器：short.lab.test. A 已过期——重新向服务器查询",
        ),
    ] {
        let (code, _out, err) = common::run::nettutor(&[
            "--lang",
            lang,
            "lab",
            "dns",
            "--names",
            "www/A,short/A",
            "--watch",
            "2",
        ]);
        assert_eq!(code, 0, "{err}");
        // "1 s: www A 29 s · short A 1 s": the TTL each cached answer has left.
        let left = |second: u32, name: &str| -> u64 {
            let line = err
                .lines()
                .find(|l| l.starts_with(&format!("{second}{tick}")))
                .unwrap_or_else(|| panic!("{lang}: no tick {second} in\n{err}"));
            let entry = line
                .split(tick)
                .nth(1)
                .unwrap()
                .split(" · ")
                .find(|e| e.starts_with(&format!("{name} A ")))
                .unwrap_or_else(|| panic!("{lang}: {name} not in {line}"));
            entry
                .trim_start_matches(&format!("{name} A "))
                .trim_end_matches(" s")
                .parse()
                .unwrap()
        };
        assert!(left(1, "www") <= 29, "{err}");
        assert!(left(2, "www") < left(1, "www"), "counting down: {err}");
        assert_eq!(left(2, "short"), 0, "{err}");
        // The expired answer is asked again, after the tick that saw it at 0.
        let at = |w: &str| {
            err.find(w)
                .unwrap_or_else(|| panic!("{lang}: '{w}' not in\n{err}"))
        };
        assert!(at(&format!("2{tick}")) < at(expired), "{err}");
        assert_eq!(
            err.matches("short.lab.test. A → NOERROR").count(),
            2,
            "{err}"
        );
    }
}
