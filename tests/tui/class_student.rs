//! The student's screen of a live class (`nettutor class join` without
//! `--plain`), driven by a real host on loopback: the messages the client
//! receives go into the screen's state, the keys typed on it become the
//! answer frames the host records. Snapshots in English and Chinese at 80×24
//! and 120×36: waiting, a question being answered, "answer received", the
//! reveal, an exam's closed question, the end card, "reconnecting…".

use std::time::{Duration, Instant};

use nettutor::class::live::client::Connection;
use nettutor::class::live::host::Host;
use nettutor::class::live::protocol::{HostMsg, Rejection};
use nettutor::i18n::Lang;
use nettutor::lesson::question::letter;
use nettutor::lesson::{Question, QuestionKind};
use nettutor::ui::class::student::{KeyOutcome, StudentState, draw};
use nettutor::ui::panel::RenderCtx;
use nettutor::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::class_room::{each_lang_and_size, host, join, questions, rejoin, step_until};
use crate::common::tui::text;

fn correct(q: &Question) -> usize {
    match &q.kind {
        QuestionKind::Choice { correct, .. } => *correct,
        _ => unreachable!(),
    }
}

/// The next message the client gets (the host steps meanwhile), into the state.
fn receive(host: &mut Host, conn: &mut Connection, state: &mut StudentState) -> HostMsg {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        host.step(Duration::from_millis(5));
        match conn.recv(Duration::from_millis(20)) {
            Ok(msg) => {
                state.apply(msg.clone(), Instant::now(), Lang::En);
                return msg;
            }
            Err(nettutor::class::live::client::ClientError::Timeout(_)) => {
                assert!(Instant::now() < deadline, "no message from the host");
            }
            Err(e) => panic!("{e}"),
        }
    }
}

fn key(state: &mut StudentState, code: KeyCode, token: &str) -> KeyOutcome {
    state.key(&KeyEvent::new(code, KeyModifiers::NONE), token)
}

fn shot(
    state: &StudentState,
    left: Option<u64>,
    lang: Lang,
    w: u16,
    h: u16,
) -> Terminal<TestBackend> {
    let theme = Theme::named("dark").unwrap();
    let ctx = RenderCtx {
        lang,
        theme: &theme,
        present: false,
    };
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(state, left, f.area(), f.buffer_mut(), &ctx))
        .unwrap();
    t
}

fn screen(state: &StudentState, left: Option<u64>) -> String {
    text(shot(state, left, Lang::En, 80, 24).backend().buffer())
}

/// Snapshots in both languages and sizes. The state's texts from the host
/// (notes) are in English; the screen's own words follow `lang`.
fn each(state: &StudentState, left: Option<u64>, name: &str) {
    each_lang_and_size(|lang, w, h| {
        let t = shot(state, left, lang, w, h);
        insta::assert_snapshot!(format!("class_student_{name}_{lang}_{w}x{h}"), t.backend());
    });
}

#[test]
fn the_student_screen_follows_the_host_and_sends_the_keys_typed() {
    let mut host = host(false);
    let (mut conn, welcome) = join(&mut host, "王小明");
    let mut state = StudentState::new(&welcome);
    let shown = screen(&state, None);
    assert!(shown.contains("王小明"), "{shown}");
    assert!(shown.contains("Waiting for the host"), "{shown}");
    each(&state, None, "waiting");

    host.next_question();
    let msg = receive(&mut host, &mut conn, &mut state);
    assert!(matches!(msg, HostMsg::Question(_)), "{msg:?}");
    let left = state.seconds_left(Instant::now());
    assert!(left.is_some_and(|s| (55..=60).contains(&s)), "{left:?}");
    let q = &questions()[0];
    let right = letter(correct(q));
    // Letters typed go into the answer; Backspace takes one back.
    assert_eq!(
        key(&mut state, KeyCode::Char('x'), &welcome.token),
        KeyOutcome::Redraw
    );
    key(&mut state, KeyCode::Backspace, &welcome.token);
    key(&mut state, KeyCode::Char(right), &welcome.token);
    let shown = screen(&state, Some(42));
    assert!(shown.contains("42 s left"), "{shown}");
    assert!(shown.contains(&format!("> {right}")), "{shown}");
    assert!(
        shown.contains(
            q.prompt
                .get(Lang::En)
                .lines()
                .next()
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
        )
    );
    each(&state, Some(42), "question");

    let KeyOutcome::Send(answer) = key(&mut state, KeyCode::Enter, &welcome.token) else {
        panic!("Enter sends the answer")
    };
    conn.send(&answer).unwrap();
    let msg = receive(&mut host, &mut conn, &mut state);
    assert_eq!(msg, HostMsg::Accepted { position: 0 });
    assert_eq!(host.view().answered, 1, "the host has the answer");
    assert_eq!(
        state.seconds_left(Instant::now()),
        None,
        "no countdown once answered"
    );
    let shown = screen(&state, None);
    assert!(shown.contains("Answer received"), "{shown}");
    each(&state, None, "received");

    host.reveal();
    let msg = receive(&mut host, &mut conn, &mut state);
    assert!(matches!(msg, HostMsg::Reveal(_)), "{msg:?}");
    let shown = screen(&state, None);
    assert!(shown.contains("✓ Correct."), "{shown}");
    each(&state, None, "reveal");

    // The connection drops: the screen says so (the loop resumes it).
    state.reconnecting = true;
    let shown = screen(&state, None);
    assert!(shown.contains("reconnecting"), "{shown}");
    each(&state, None, "reconnecting");
    state.reconnecting = false;

    host.next_question();
    receive(&mut host, &mut conn, &mut state);
    host.finish();
    // The reveal of the unanswered question, then the end.
    loop {
        if let HostMsg::End { score, questions } = receive(&mut host, &mut conn, &mut state) {
            assert_eq!((score, questions), (1, 2));
            break;
        }
    }
    let shown = screen(&state, None);
    assert!(shown.contains("Your score: 1/2"), "{shown}");
    each(&state, None, "end");
    // Once it is over, q quits.
    assert_eq!(
        key(&mut state, KeyCode::Char('q'), &welcome.token),
        KeyOutcome::Quit
    );
}

/// A resume while the question is open: the host sends it again. One the
/// host has is shown answered from that first frame, with no second send
/// offered; one sent just before the drop (its `accepted` never read) waits
/// for the host's word and is sent again, and the host keeps one answer.
#[test]
fn a_question_answered_before_a_reconnect_is_not_offered_again() {
    let mut host = host(false);
    let (mut conn, welcome) = join(&mut host, "李雷");
    // Ada has not answered: the question stays open.
    let _ada = join(&mut host, "Ada");
    let mut state = StudentState::new(&welcome);
    host.next_question();
    receive(&mut host, &mut conn, &mut state);
    let right = letter(correct(&questions()[0]));
    key(&mut state, KeyCode::Char(right), &welcome.token);
    let KeyOutcome::Send(answer) = key(&mut state, KeyCode::Enter, &welcome.token) else {
        panic!("Enter sends the answer")
    };
    conn.send(&answer).unwrap();
    step_until(&mut host, |h| h.view().answered == 1);
    // The connection drops before the client reads `accepted`.
    drop(conn);
    state.lost();
    let (mut conn, _) = rejoin(&mut host, &welcome.token);
    let again = state.resumed(&welcome.token);
    assert_eq!(again, Some(answer), "the unconfirmed answer goes again");
    conn.send(&again.unwrap()).unwrap();
    let msg = receive(&mut host, &mut conn, &mut state);
    assert!(matches!(msg, HostMsg::Question(_)), "{msg:?}");
    assert_eq!(state.answering(), None, "no second send offered");
    assert_eq!(
        key(&mut state, KeyCode::Enter, &welcome.token),
        KeyOutcome::None
    );
    assert_eq!(
        receive(&mut host, &mut conn, &mut state),
        HostMsg::Accepted { position: 0 }
    );
    let msg = receive(&mut host, &mut conn, &mut state);
    assert!(
        matches!(
            msg,
            HostMsg::Rejected {
                position: 0,
                reason: Rejection::Answered,
                ..
            }
        ),
        "{msg:?}"
    );
    assert_eq!(state.received.as_deref(), Some(right.to_string().as_str()));
    assert_eq!(host.view().answered, 1, "one answer");
    let shown = screen(&state, None);
    assert!(shown.contains("Answer received"), "{shown}");

    // Dropped again, now with the answer confirmed: the question sent on the
    // resume is answered from its first frame, nothing goes again.
    drop(conn);
    state.lost();
    let (mut conn, _) = rejoin(&mut host, &welcome.token);
    assert_eq!(state.resumed(&welcome.token), None);
    let msg = receive(&mut host, &mut conn, &mut state);
    assert!(matches!(msg, HostMsg::Question(_)), "{msg:?}");
    assert_eq!(state.answering(), None, "no second send offered");
    assert_eq!(state.seconds_left(Instant::now()), None, "no countdown");
    let shown = screen(&state, None);
    assert!(shown.contains(&format!("> {right}")), "{shown}");
    assert!(shown.contains("before the connection dropped"), "{shown}");
    assert!(!shown.contains('█'), "no input line: {shown}");
    each(&state, None, "answered_before");
    assert_eq!(
        receive(&mut host, &mut conn, &mut state),
        HostMsg::Accepted { position: 0 }
    );
    assert_eq!(host.view().answered, 1, "still one answer");
}

#[test]
fn an_exam_shows_neither_the_key_nor_right_or_wrong() {
    let mut host = host(true);
    let (mut conn, welcome) = join(&mut host, "Ada");
    let mut state = StudentState::new(&welcome);
    host.next_question();
    receive(&mut host, &mut conn, &mut state);
    let q = &questions()[0];
    let wrong = letter((correct(q) + 1) % 4);
    key(&mut state, KeyCode::Char(wrong), &welcome.token);
    let KeyOutcome::Send(answer) = key(&mut state, KeyCode::Enter, &welcome.token) else {
        panic!("Enter sends the answer")
    };
    conn.send(&answer).unwrap();
    receive(&mut host, &mut conn, &mut state);
    let shown = screen(&state, None);
    assert!(shown.contains("Answer recorded"), "{shown}");
    host.reveal();
    receive(&mut host, &mut conn, &mut state);
    let shown = screen(&state, None);
    assert!(!shown.contains('✓') && !shown.contains('✗'), "{shown}");
    assert!(
        !shown.contains(q.explanation.get(Lang::En).lines().next().unwrap()),
        "{shown}"
    );
    each(&state, None, "exam_closed");
}

#[test]
fn a_too_small_terminal_gets_the_apps_message() {
    let mut host = host(false);
    let (_conn, welcome) = join(&mut host, "Ada");
    let state = StudentState::new(&welcome);
    let shown = text(shot(&state, None, Lang::Zh, 40, 10).backend().buffer());
    assert!(shown.contains("请把终端放大"), "{shown}");
}
