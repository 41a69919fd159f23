//! The hub and a console's link, on real Unix sockets in a temporary directory.

use std::io::{BufRead as _, BufReader, Write as _};
use std::os::unix::fs::MetadataExt as _;
use std::os::unix::net::UnixStream;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use super::hub::{Hub, HubEvent};
use super::proto::{Key, ServerMsg, State};
use super::*;
use crate::i18n::Text;

fn state(step: usize, notes: &str) -> State {
    State {
        id: "1".into(),
        step,
        steps: 9,
        notes: Some(Text::new(notes, notes)),
        ..State::default()
    }
}

fn hub_in(dir: &Path) -> (Hub, Receiver<HubEvent>) {
    let (tx, rx) = mpsc::channel();
    let hub = Hub::start(dir, "1", move |ev| {
        let _ = tx.send(ev);
    })
    .unwrap();
    (hub, rx)
}

fn next_event(rx: &Receiver<HubEvent>) -> HubEvent {
    rx.recv_timeout(Duration::from_secs(5))
        .expect("an event from the hub")
}

fn step_of(msg: ServerMsg) -> usize {
    match msg {
        ServerMsg::State(s) => s.step,
        other => panic!("not a state: {other:?}"),
    }
}

/// A raw client: sends `line`, returns what the hub answers until it closes.
fn raw(path: &Path, line: &[u8]) -> String {
    let stream = UnixStream::connect(path).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // The hub may close before reading all of an oversize line.
    let _ = (&mut &stream).write_all(line);
    let mut out = String::new();
    for l in BufReader::new(&stream).lines() {
        match l {
            Ok(l) => out.push_str(&l),
            Err(_) => break,
        }
    }
    out
}

#[test]
fn a_console_follows_and_drives_the_presentation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nettutor");
    let (hub, rx) = hub_in(&dir);
    let path = hub.path().to_path_buf();
    assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
    assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
    hub.publish(&state(1, "one"));

    let (link, mut reader) = Link::attach(&path).unwrap();
    assert_eq!(
        step_of(reader.next_msg().unwrap()),
        1,
        "the state on attach"
    );
    assert_eq!(next_event(&rx), HubEvent::Consoles(1));
    hub.publish(&state(2, "two"));
    hub.publish(&state(2, "two"));
    hub.publish(&state(3, "three"));
    assert_eq!(step_of(reader.next_msg().unwrap()), 2);
    assert_eq!(
        step_of(reader.next_msg().unwrap()),
        3,
        "an unchanged state is not sent again"
    );
    link.key(Key::Next).unwrap();
    assert_eq!(next_event(&rx), HubEvent::Key(Key::Next));
    link.key(Key::Blank).unwrap();
    assert_eq!(next_event(&rx), HubEvent::Key(Key::Blank));

    // `--list` peeks: the state, and no console counted.
    let found = socket::list(&dir).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "1");
    assert_eq!(found[0].state.as_ref().map(|s| s.step), Some(3));
    assert_eq!(hub.consoles(), 1);
    let chosen = choose(found, None).unwrap();
    assert_eq!(chosen.path, path);

    // The presentation ends: the console hears it, the socket file is gone.
    drop(hub);
    assert!(!path.exists());
    assert_eq!(reader.next_msg().unwrap(), ServerMsg::Ended);
    assert!(socket::list(&dir).unwrap().is_empty());
    drop(link);
}

#[test]
fn bad_lines_end_the_connection_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let (hub, rx) = hub_in(tmp.path());
    hub.publish(&state(1, "one"));
    let path = hub.path().to_path_buf();
    let answer = raw(
        &path,
        b"{\"v\":2,\"type\":\"hello\",\"role\":\"console\"}\n",
    );
    assert!(answer.contains("\"type\":\"error\""), "{answer}");
    assert!(answer.contains("protocol version 2"), "{answer}");
    let answer = raw(&path, b"GET / HTTP/1.0\r\n\r\n");
    assert!(answer.contains("not a protocol line"), "{answer}");
    let answer = raw(&path, b"{\"v\":1,\"type\":\"key\",\"key\":\"next\"}\n");
    assert!(answer.contains("hello first"), "{answer}");
    let huge = vec![b'x'; proto::MAX_LINE + 10];
    let answer = raw(&path, &huge);
    assert!(answer.contains("longer than"), "{answer}");
    // None of them was a console, and none pressed a key.
    assert!(rx.try_recv().is_err());
    // A console sending an oversize line after its hello is dropped.
    let stream = UnixStream::connect(&path).unwrap();
    (&mut &stream)
        .write_all(b"{\"v\":1,\"type\":\"hello\",\"role\":\"console\"}\n")
        .unwrap();
    assert_eq!(next_event(&rx), HubEvent::Consoles(1));
    let _ = (&mut &stream).write_all(&huge);
    assert_eq!(next_event(&rx), HubEvent::Consoles(0));
    assert_eq!(hub.consoles(), 0);
}

#[test]
fn a_console_that_stops_reading_is_dropped_and_never_blocks_the_presentation() {
    let tmp = tempfile::tempdir().unwrap();
    let (hub, rx) = hub_in(tmp.path());
    // Attached, and then never reads.
    let stalled = UnixStream::connect(hub.path()).unwrap();
    (&mut &stalled)
        .write_all(b"{\"v\":1,\"type\":\"hello\",\"role\":\"console\"}\n")
        .unwrap();
    assert_eq!(next_event(&rx), HubEvent::Consoles(1));
    let notes = "n".repeat(32 * 1024);
    let start = Instant::now();
    let mut dropped_after = None;
    for step in 0..400 {
        hub.publish(&state(step, &notes));
        if hub.consoles() == 0 {
            dropped_after = Some(step);
            break;
        }
    }
    let took = start.elapsed();
    assert!(dropped_after.is_some(), "the stalled console was dropped");
    assert!(
        took < Duration::from_millis(500),
        "publishing never waits for a console: {took:?}"
    );
    assert_eq!(next_event(&rx), HubEvent::Consoles(0));
    drop(stalled);
}

#[test]
fn a_live_socket_is_not_taken_over_and_a_stale_one_is() {
    let tmp = tempfile::tempdir().unwrap();
    let (hub, _rx) = hub_in(tmp.path());
    assert!(Hub::start(tmp.path(), "1", |_| {}).is_err(), "in use");
    drop(hub);
    // A socket file without a listener (a presentation killed with SIGKILL).
    let path = socket::socket_path(tmp.path(), "1");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let hub = Hub::start(tmp.path(), "1", |_| {}).unwrap();
    assert!(UnixStream::connect(hub.path()).is_ok());
    assert!(Hub::start(tmp.path(), "../x", |_| {}).is_err());
}

#[test]
fn choosing_a_presentation() {
    let f = |id: &str| Found {
        id: id.into(),
        path: id.into(),
        state: None,
    };
    assert_eq!(choose(vec![], None).unwrap_err(), Choose::None);
    assert_eq!(choose(vec![f("7")], None).unwrap().id, "7");
    assert_eq!(
        choose(vec![f("7"), f("9")], None).unwrap_err(),
        Choose::Several(vec!["7".into(), "9".into()])
    );
    assert_eq!(choose(vec![f("7"), f("9")], Some("9")).unwrap().id, "9");
    assert_eq!(
        choose(vec![f("7")], Some("8")).unwrap_err(),
        Choose::NoSuchId("8".into())
    );
}
