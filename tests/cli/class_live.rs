//! A live class session through the binary, on loopback: a headless exam
//! host and thirty `class join --plain` students answering right, wrong,
//! malformed-then-right and not at all; the grade book and `class report`
//! hold exactly what they sent.

use std::time::{Duration, Instant};

use nettutor::class::gradebook::GradeBook;
use nettutor::quiz::correct_answer;
use nettutor::quiz::identity::{answer_value, instance_id};

use crate::common::class::{HostProc, Student, quiz, wrong};
use crate::common::run::{last_line, nettutor_in};

const SEED: u64 = 21;
const COUNT: usize = 8;
const STUDENTS: usize = 30;

/// What student `i` types: right (i % 6 is 0 or 3: ten students), wrong
/// where a wrong answer is obvious (1, 4, 5: fifteen), nothing (2: five);
/// every fifth starts with a malformed line, which an exam asks again
/// without penalty.
fn answers(i: usize, quiz: &[nettutor::lesson::Question]) -> (String, usize) {
    let mut input = String::new();
    let mut score = 0;
    for (n, q) in quiz.iter().enumerate() {
        if i.is_multiple_of(5)
            && n == 0
            && !matches!(q.kind, nettutor::quiz::QuestionKind::FillIn { .. })
        {
            input.push_str("zzz?\n");
        }
        let line = match i % 6 {
            0 | 3 => correct_answer(&q.kind),
            2 => String::new(),
            _ => wrong(q).unwrap_or_else(|| correct_answer(&q.kind)),
        };
        if !line.is_empty() && line == correct_answer(&q.kind) {
            score += 1;
        }
        input.push_str(&line);
        input.push('\n');
    }
    (input, score)
}

#[test]
fn thirty_students_sit_a_live_exam_and_the_grade_book_has_every_answer() {
    let home = tempfile::tempdir().unwrap();
    let book_path = home.path().join("class.sqlite3");
    let db = book_path.to_str().unwrap();
    let quiz = quiz("osi,tcp", COUNT, SEED);
    assert_eq!(quiz.len(), COUNT);
    let n_wrong = quiz.iter().filter(|q| wrong(q).is_some()).count();
    assert!(n_wrong >= 3);
    let started = Instant::now();
    let mut host = HostProc::start(
        home.path(),
        &[
            "--exam",
            "--topic",
            "osi,tcp",
            "--count",
            "8",
            "--seed",
            "21",
            "--expect",
            "30",
            "--question-time",
            "30",
            "--reveal-time",
            "0.05",
            "--db",
            db,
        ],
    );
    let students: Vec<(String, usize, Student)> = (0..STUDENTS)
        .map(|i| {
            let name = format!("s{i:02}");
            let (input, score) = answers(i, &quiz);
            let s = Student::join(home.path(), &host, &name, &input);
            (name, score, s)
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(90);
    for (name, score, s) in students {
        let (code, out) = s.finish(deadline);
        assert_eq!(code, 0, "{name}:\n{out}");
        assert_eq!(
            last_line(&out),
            format!("score: {score}/{COUNT}"),
            "{name}:\n{out}"
        );
        // An exam never shows the key or a verdict.
        for leak in ["The answer is", "Correct.", "Wrong."] {
            assert!(!out.contains(leak), "{name} saw '{leak}':\n{out}");
        }
        if name.ends_with('0') || name.ends_with('5') {
            assert!(
                out.contains("please answer again (no penalty)"),
                "{name}:\n{out}"
            );
        }
    }
    host.wait_for("\"event\":\"end\"", Duration::from_secs(20));
    let lines = host.finish(Duration::from_secs(20));
    let answers_sent = STUDENTS * COUNT;
    assert_eq!(
        lines.last().map(String::as_str),
        Some(format!("session 1: {STUDENTS} students, {answers_sent} answers").as_str()),
        "{lines:?}"
    );
    // Each question reveals with all thirty answered, as many right as sent.
    let reveals: Vec<serde_json::Value> = lines
        .iter()
        .filter(|l| l.contains("\"event\":\"reveal\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reveals.len(), COUNT);
    for (r, q) in reveals.iter().zip(&quiz) {
        assert_eq!(r["answered"], STUDENTS, "{r}");
        let right = if wrong(q).is_some() { 10 } else { 25 };
        assert_eq!(r["correct"], right, "{r}");
        assert_eq!(r["histogram"]["none"], 5, "{r}");
    }
    assert!(started.elapsed() < Duration::from_secs(90));

    // The grade book holds exactly what was sent.
    let book = GradeBook::open(&book_path).unwrap();
    let report = book.report(None).unwrap();
    assert_eq!(report.sessions.len(), 1);
    let s = &report.sessions[0];
    assert_eq!(
        (s.kind.as_str(), s.seed.as_str(), s.questions),
        ("live-exam", "21", COUNT)
    );
    assert!(s.ended.is_some());
    assert_eq!(report.students.len(), STUDENTS);
    for st in &report.students {
        let i: usize = st.student[1..].parse().unwrap();
        let expected = answers(i, &quiz).1;
        assert_eq!((st.correct, st.asked), (expected, COUNT), "{}", st.student);
    }
    for q in &quiz {
        let id = instance_id(q);
        let stat = report
            .questions
            .iter()
            .find(|s| s.instance_id == id)
            .unwrap();
        assert_eq!(stat.answered, STUDENTS, "{id}");
        match wrong(q) {
            Some(w) => {
                assert_eq!(stat.correct, 10, "{id}");
                assert_eq!(
                    stat.common_wrong,
                    Some((answer_value(&q.kind, &w), 15)),
                    "{id}"
                );
            }
            None => {
                assert_eq!(stat.correct, 25, "{id}");
                assert_eq!(stat.common_wrong, Some((String::new(), 5)), "{id}");
            }
        }
    }
    let rows: i64 = book
        .connection()
        .query_row("SELECT count(*) FROM answers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, (STUDENTS * COUNT) as i64);

    // The same figures through `class report`.
    let (code, out, err) = nettutor_in(
        home.path(),
        &["class", "report", "--lang", "en", "--db", db],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 session"), "{out}");
    let hardest = quiz.iter().find(|q| wrong(q).is_some()).unwrap();
    let row = out
        .lines()
        .find(|l| l.contains(&instance_id(hardest)))
        .unwrap();
    assert!(row.trim_start().starts_with("33%"), "{row}");
    assert!(row.contains("×15"), "{row}");
    let top = out.lines().find(|l| l.contains("s00")).unwrap();
    assert!(top.contains(&format!("{COUNT}/{COUNT}")), "{top}");
}

/// Lesson 28's last step: `--frames` shows each frame's 4-byte header, the
/// length it says and the JSON, as the lesson quotes it.
#[test]
fn join_frames_shows_the_length_prefix_of_each_frame() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("b.sqlite3");
    let host = HostProc::start(
        home.path(),
        &[
            "--count",
            "1",
            "--seed",
            "1",
            "--expect",
            "1",
            "--reveal-time",
            "0.05",
            "--db",
            db.to_str().unwrap(),
        ],
    );
    let mut cmd = std::process::Command::new(crate::common::run::BIN);
    let out = cmd
        .args([
            "class", "join", &host.addr, "--code", &host.code, "--name", "ada", "--plain",
            "--frames", "--lang", "en",
        ])
        .env("NETTUTOR_HOME", home.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let hello = format!(
        "→ 00 00 00 33 (51 bytes) {{\"type\":\"hello\",\"v\":1,\"code\":\"{}\",\"name\":\"ada\"}}",
        host.code
    );
    assert!(err.lines().any(|l| l == hello), "{err}");
    for kind in ["welcome", "question", "reveal", "end"] {
        let line = err
            .lines()
            .find(|l| l.starts_with('←') && l.contains(&format!("{{\"type\":\"{kind}\"")))
            .unwrap_or_else(|| panic!("no {kind} frame:\n{err}"));
        // The header in hex says the payload's length.
        let hex: String = line[4..15].split(' ').collect();
        let said = u32::from_str_radix(&hex, 16).unwrap() as usize;
        let payload = &line[line.find("bytes) ").unwrap() + 7..];
        assert_eq!(said, payload.len(), "{line}");
    }
}

/// The TCP payload of one direction of a captured connection (Ethernet, IPv4,
/// TCP frames), in sequence order, each byte once.
fn stream_of(
    frames: &[nettutor::net::pcap::CapturedFrame],
    src_port: u16,
    dst_port: u16,
) -> Vec<u8> {
    let mut segments: Vec<(u32, Vec<u8>)> = frames
        .iter()
        .filter_map(|f| {
            let ip = f.data.get(14..)?;
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let total = usize::from(u16::from_be_bytes([*ip.get(2)?, *ip.get(3)?]));
            let tcp = ip.get(ihl..total)?;
            let ports = (
                u16::from_be_bytes([tcp[0], tcp[1]]),
                u16::from_be_bytes([tcp[2], tcp[3]]),
            );
            let seq = u32::from_be_bytes([tcp[4], tcp[5], tcp[6], tcp[7]]);
            let offset = usize::from(tcp[12] >> 4) * 4;
            (ports == (src_port, dst_port)).then(|| (seq, tcp[offset..].to_vec()))
        })
        .filter(|(_, payload)| !payload.is_empty())
        .collect();
    segments.sort_by_key(|(seq, _)| *seq);
    segments.dedup_by_key(|(seq, _)| *seq);
    segments.into_iter().flat_map(|(_, p)| p).collect()
}

fn messages<T: for<'de> serde::Deserialize<'de>>(bytes: &[u8]) -> Vec<T> {
    let mut reader = nettutor::class::live::protocol::FrameReader::default();
    reader.push(bytes);
    let mut out = Vec::new();
    while let Some(frame) = reader.next_frame().unwrap() {
        out.push(nettutor::class::live::protocol::decode(&frame).unwrap());
    }
    assert_eq!(reader.pending(), 0, "a frame cut short");
    out
}

#[test]
fn join_capture_records_the_sessions_own_segments() {
    use nettutor::class::live::protocol::{ClientMsg, HostMsg};
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("b.sqlite3");
    let host = HostProc::start(
        home.path(),
        &[
            "--count",
            "2",
            "--seed",
            "3",
            "--expect",
            "1",
            "--reveal-time",
            "0.05",
            "--db",
            db.to_str().unwrap(),
        ],
    );
    let pcap = home.path().join("class.pcap");
    let out = std::process::Command::new(crate::common::run::BIN)
        .args([
            "class",
            "join",
            &host.addr,
            "--code",
            &host.code,
            "--name",
            "ada",
            "--plain",
            "--capture",
            pcap.to_str().unwrap(),
            "--lang",
            "en",
        ])
        .env("NETTUTOR_HOME", home.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("CAP_NET_RAW") {
        crate::common::skip_here(
            "join_capture_records_the_sessions_own_segments",
            "capturing needs root or CAP_NET_RAW",
        );
        return;
    }
    assert!(out.status.success(), "{err}");
    assert!(err.contains("TCP segments of the class session"), "{err}");
    let frames = nettutor::net::pcap::read_pcap(&pcap).unwrap();
    let port: u16 = host.addr.rsplit(':').next().unwrap().parse().unwrap();
    // The student's port: the source of the SYN to the host.
    let client_port = frames
        .iter()
        .find_map(|f| {
            let tcp = f.data.get(34..)?;
            (u16::from_be_bytes([tcp[2], tcp[3]]) == port && tcp[13] & 0x02 != 0)
                .then(|| u16::from_be_bytes([tcp[0], tcp[1]]))
        })
        .expect("no SYN to the host in the capture");
    // Both directions read back as the protocol's length-prefixed frames:
    // the whole conversation is on the wire as the lesson says.
    let sent: Vec<ClientMsg> = messages(&stream_of(&frames, client_port, port));
    assert!(
        matches!(&sent[0], ClientMsg::Hello { v: 1, name, .. } if name == "ada"),
        "{sent:?}"
    );
    assert_eq!(sent.len(), 3, "hello and two answers: {sent:?}");
    let got: Vec<HostMsg> = messages(&stream_of(&frames, port, client_port));
    assert!(matches!(got[0], HostMsg::Welcome { .. }), "{got:?}");
    assert_eq!(
        got.iter()
            .filter(|m| matches!(m, HostMsg::Question(_)))
            .count(),
        2
    );
    assert!(matches!(got.last(), Some(HostMsg::End { .. })), "{got:?}");
    // An existing file is never replaced.
    let again = std::process::Command::new(crate::common::run::BIN)
        .args([
            "class",
            "join",
            &host.addr,
            "--code",
            &host.code,
            "--name",
            "bo",
            "--plain",
            "--capture",
            pcap.to_str().unwrap(),
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    // A host elsewhere than loopback is refused before anything is sent.
    let far = std::process::Command::new(crate::common::run::BIN)
        .args([
            "class",
            "join",
            "192.0.2.1:4000",
            "--code",
            "AAAAAA",
            "--name",
            "bo",
            "--plain",
            "--capture",
            "x.pcap",
            "--lang",
            "en",
        ])
        .current_dir(home.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!far.status.success());
    assert!(
        String::from_utf8_lossy(&far.stderr).contains("loopback"),
        "{}",
        String::from_utf8_lossy(&far.stderr)
    );
    assert!(!home.path().join("x.pcap").exists());
}
