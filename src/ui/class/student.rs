//! The student's screen of a live class (`nettutor class join` without
//! `--plain`): waiting for the host, the question as the quiz shows it
//! (prompt, lettered options, how to answer, the input line) with its
//! countdown, "answer received", the reveal (not in an exam), the end card
//! with the score, and "reconnecting…" while a lost connection is resumed.
//!
//! [`StudentState`] takes the host's messages and the keys; [`draw`] is a
//! pure function of it and the seconds left. [`run`] is the loop: it blocks
//! on one channel (keys, signals, the connection's reader thread, the
//! reconnecting thread) and wakes on its own only once a second while a
//! question's countdown runs.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::class::live::client::{ClientError, Connection, Welcome};
use crate::class::live::protocol::{ClientMsg, HostMsg, QuestionView, Rejection, Reveal};
use crate::i18n::{Lang, t, tf};
use crate::lesson::question::letter;
use crate::ui::draw::{MIN_HEIGHT, MIN_WIDTH, too_small};
use crate::ui::msg::AppEvent;
use crate::ui::panel::RenderCtx;
use crate::ui::quiz::view::{hanging, para};
use crate::ui::text::{fit, width};
use crate::ui::theme::Theme;

/// Where the student is.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentState {
    /// The name the room shows (the host's, after sanitising).
    pub name: String,
    pub exam: bool,
    pub questions: usize,
    /// The question on screen (the last one asked).
    pub question: Option<QuestionView>,
    /// When it arrived (its countdown runs from there).
    pub asked_at: Option<Instant>,
    /// What is typed so far.
    pub input: String,
    /// The answer sent and not yet accepted or rejected.
    pub sent: Option<String>,
    /// The host has this student's answer to the question on screen.
    pub received: Option<String>,
    /// The question on screen is closed without an answer from here.
    pub closed: bool,
    /// The reveal of the question on screen (not in an exam).
    pub reveal: Option<Reveal>,
    /// Something to say under the input (a malformed answer, a refusal).
    pub note: Option<String>,
    /// (score, questions) once the session is over.
    pub end: Option<(usize, usize)>,
    /// The connection is lost and being resumed.
    pub reconnecting: bool,
    /// The answers the host has from this student, by position (it said
    /// `accepted`, or refused one as `answered`): a question sent again on a
    /// resume is shown answered from its first frame, never offered again.
    pub answered: BTreeMap<usize, String>,
    /// The question on screen was answered before the connection dropped.
    pub answered_before: bool,
}

/// What a key asks the loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyOutcome {
    None,
    Redraw,
    Send(ClientMsg),
    Quit,
}

impl StudentState {
    pub fn new(welcome: &Welcome) -> StudentState {
        StudentState {
            name: welcome.name.clone(),
            exam: welcome.exam,
            questions: welcome.questions,
            question: None,
            asked_at: None,
            input: String::new(),
            sent: None,
            received: None,
            closed: false,
            reveal: None,
            note: None,
            end: None,
            reconnecting: false,
            answered: BTreeMap::new(),
            answered_before: false,
        }
    }

    /// The connection is lost: the screen says so and takes no answer until
    /// [`StudentState::resumed`].
    pub fn lost(&mut self) {
        self.reconnecting = true;
    }

    /// The connection is back (the host resumed this student). Returns the
    /// answer sent before the drop that the host has not confirmed, to send
    /// again: the host takes it if it never got it, or refuses it as
    /// `answered` (the first answer counts), so it is never lost nor counted
    /// twice.
    pub fn resumed(&mut self, token: &str) -> Option<ClientMsg> {
        self.reconnecting = false;
        let position = self.question.as_ref()?.position;
        let answer = self.sent.clone()?;
        (!self.answered.contains_key(&position)).then(|| ClientMsg::Answer {
            token: token.to_string(),
            position,
            answer,
        })
    }

    /// The host has `answer` (as sent) for the question on screen at `position`.
    fn taken(&mut self, position: usize, answer: String) {
        self.answered
            .entry(position)
            .or_insert_with(|| answer.clone());
        if self.received.is_none() {
            self.received = Some(answer);
        }
        self.sent = None;
        self.note = None;
    }

    /// The open question's position, while this student can still answer it.
    pub fn answering(&self) -> Option<usize> {
        let q = self.question.as_ref()?;
        let waiting = self.received.is_some()
            || self.sent.is_some()
            || self.closed
            || self.reveal.is_some()
            || self.end.is_some();
        (!waiting).then_some(q.position)
    }

    /// Whole seconds left on the open question at `now` (None: no countdown).
    pub fn seconds_left(&self, now: Instant) -> Option<u64> {
        self.answering()?;
        let q = self.question.as_ref()?;
        let at = self.asked_at?;
        let deadline = at + Duration::from_secs_f64(q.seconds.max(0.0));
        let left = deadline.saturating_duration_since(now);
        Some(u64::try_from(left.as_millis().div_ceil(1000)).unwrap_or(u64::MAX))
    }

    /// One message from the host, received at `now`.
    pub fn apply(&mut self, msg: HostMsg, now: Instant, lang: Lang) {
        match msg {
            HostMsg::Question(v) => {
                let same = self
                    .question
                    .as_ref()
                    .is_some_and(|q| q.position == v.position);
                if !same {
                    self.input.clear();
                    self.received = None;
                    self.reveal = None;
                    self.closed = false;
                    self.sent = None;
                }
                // The open question again (a resume): one the host has stays
                // answered; one sent and not confirmed stays on its way (sent
                // again on the resume) — neither is offered for a second send.
                let before = self.answered.get(&v.position).cloned();
                self.answered_before = before.is_some();
                if let Some(answer) = before {
                    self.received.get_or_insert(answer);
                    self.sent = None;
                }
                self.note = None;
                self.question = Some(v);
                self.asked_at = Some(now);
            }
            HostMsg::Accepted { position } => {
                if self
                    .question
                    .as_ref()
                    .is_some_and(|q| q.position == position)
                {
                    let answer = self.sent.clone().unwrap_or_else(|| self.input.clone());
                    self.taken(position, answer);
                }
            }
            HostMsg::Rejected {
                position,
                reason,
                why,
            } => {
                if self
                    .question
                    .as_ref()
                    .is_none_or(|q| q.position != position)
                {
                    return;
                }
                let sent = self.sent.take();
                match reason {
                    Rejection::Malformed => {
                        let why = why.map(|w| w.get(lang).to_string()).unwrap_or_default();
                        self.note = Some(tf(lang, "quiz.exam.again", &[("why", &why)]));
                    }
                    Rejection::Closed => {
                        self.closed = true;
                        self.note = Some(t(lang, "class.join.closed").to_string());
                    }
                    Rejection::Answered => {
                        let answer = sent.unwrap_or_else(|| self.input.trim().to_string());
                        self.taken(position, answer);
                    }
                    Rejection::Token => {
                        self.note = Some(t(lang, "class.join.token").to_string());
                    }
                }
            }
            HostMsg::Reveal(r) => {
                if self
                    .question
                    .as_ref()
                    .is_some_and(|q| q.position == r.position)
                {
                    if self.received.is_none() {
                        self.closed = true;
                    }
                    self.sent = None;
                    self.reveal = Some(r);
                }
            }
            HostMsg::End { score, questions } => {
                self.end = Some((score, questions));
                self.reconnecting = false;
            }
            HostMsg::Welcome { .. } | HostMsg::Refused { .. } => {}
        }
    }

    /// A key. While a question takes an answer, printable keys are text and
    /// Enter sends it (empty: no answer); Ctrl-C always quits; otherwise `q`
    /// or Esc quits.
    pub fn key(&mut self, key: &KeyEvent, token: &str) -> KeyOutcome {
        if key.kind == KeyEventKind::Release {
            return KeyOutcome::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
            return KeyOutcome::Quit;
        }
        let Some(position) = self.answering().filter(|_| !self.reconnecting) else {
            return match key.code {
                KeyCode::Char('q') | KeyCode::Esc => KeyOutcome::Quit,
                _ => KeyOutcome::None,
            };
        };
        match key.code {
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                if width(&self.input) < 200 {
                    self.input.push(c);
                }
                KeyOutcome::Redraw
            }
            KeyCode::Backspace => {
                self.input.pop();
                KeyOutcome::Redraw
            }
            KeyCode::Enter => {
                let answer = self.input.trim().to_string();
                self.sent = Some(answer.clone());
                self.note = None;
                KeyOutcome::Send(ClientMsg::Answer {
                    token: token.to_string(),
                    position,
                    answer,
                })
            }
            _ => KeyOutcome::None,
        }
    }

    /// A pasted text goes into the answer (its first line).
    pub fn paste(&mut self, text: &str) -> bool {
        if self.answering().is_none() {
            return false;
        }
        let line = text.lines().next().unwrap_or("");
        self.input
            .extend(line.chars().filter(|c| !c.is_control()).take(200));
        true
    }
}

/// Draws the student's screen; `left` is the countdown of the open question.
pub fn draw(s: &StudentState, left: Option<u64>, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    buf.set_style(area, ctx.theme.base);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(area, buf, ctx);
        return;
    }
    let theme = ctx.theme;
    let lang = ctx.lang;
    let [top, body, hints] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let max = usize::from(area.width);
    let mut head = tf(lang, "class.student.title", &[("name", &s.name)]);
    if s.exam {
        head.push_str(&format!(" · {}", t(lang, "class.kind.live-exam")));
    }
    if let Some(q) = &s.question
        && s.end.is_none()
    {
        head.push_str(" · ");
        head.push_str(&tf(
            lang,
            "class.student.question",
            &[
                ("i", &(q.position + 1).to_string()),
                ("n", &q.questions.to_string()),
            ],
        ));
    }
    let mut top_spans = vec![Span::styled(fit(&format!(" {head}"), max), theme.title)];
    if let Some(left) = left {
        let clock = format!(
            "   ⏱ {}",
            tf(lang, "class.student.left", &[("secs", &left.to_string())])
        );
        top_spans.push(Span::styled(clock, theme.accent.patch(theme.bold)));
    }
    Paragraph::new(vec![
        Line::from(top_spans),
        Line::from(Span::styled("─".repeat(max), theme.border)),
    ])
    .render(top, buf);
    let inner = Rect {
        x: body.x + 1,
        width: body.width.saturating_sub(2),
        ..body
    };
    let max = usize::from(inner.width);
    let mut lines = Vec::new();
    if s.reconnecting {
        lines.extend(para(
            t(lang, "class.join.lost"),
            theme.warn.patch(theme.bold),
            max,
        ));
        lines.push(Line::default());
    }
    if let Some((score, n)) = s.end {
        lines.extend(end_card(s, score, n, max, ctx));
    } else if let Some(q) = &s.question {
        lines.extend(question(s, q, max, ctx));
    } else {
        lines.extend(para(t(lang, "class.student.waiting"), theme.muted, max));
    }
    Paragraph::new(lines).render(inner, buf);
    let hint = if s.answering().is_some() && !s.reconnecting {
        t(lang, "class.student.typing")
    } else if s.end.is_some() {
        t(lang, "class.student.done")
    } else {
        t(lang, "class.student.idle")
    };
    buf.set_string(
        hints.x,
        hints.y,
        fit(hint, usize::from(hints.width)),
        theme.hint,
    );
}

fn question(s: &StudentState, q: &QuestionView, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let mut lines = vec![Line::from(Span::styled(
        fit(&format!("({})", q.topic), max),
        theme.accent,
    ))];
    lines.extend(para(q.prompt.get(lang), theme.title, max));
    for (i, option) in q.options.iter().enumerate() {
        let first = format!("  {}) ", letter(i));
        lines.extend(hanging(
            option.get(lang),
            theme.base,
            max,
            &first,
            "     ",
            theme.key,
        ));
    }
    lines.push(Line::default());
    let given = |a: &str| {
        Line::from(vec![
            Span::styled("> ", theme.key),
            Span::styled(
                if a.is_empty() {
                    "—".to_string()
                } else {
                    a.to_string()
                },
                theme.bold,
            ),
        ])
    };
    if let Some(r) = &s.reveal {
        if let Some(a) = &s.received {
            lines.push(given(a));
        }
        match (&r.answer, r.correct) {
            (Some(answer), Some(correct)) => {
                let (text, style) = if correct {
                    (t(lang, "quiz.correct").to_string(), theme.good)
                } else if s.received.as_deref().is_some_and(|a| !a.is_empty()) {
                    (tf(lang, "quiz.wrong", &[("answer", answer)]), theme.bad)
                } else {
                    (tf(lang, "quiz.no_answer", &[("answer", answer)]), theme.bad)
                };
                lines.extend(para(&text, style.patch(theme.bold), max));
                if let Some(ex) = &r.explanation {
                    lines.extend(hanging(
                        ex.get(lang),
                        theme.base,
                        max,
                        "│ ",
                        "│ ",
                        theme.muted,
                    ));
                }
            }
            // An exam: closed, nothing more until the end.
            _ => lines.extend(para(t(lang, "class.student.closed"), theme.muted, max)),
        }
        lines.push(Line::default());
        lines.extend(para(t(lang, "class.student.waiting"), theme.muted, max));
    } else if let Some(a) = &s.received {
        lines.push(given(a));
        if s.answered_before {
            lines.extend(para(
                t(lang, "class.student.answered_before"),
                theme.muted,
                max,
            ));
        }
        let key = if s.exam {
            "class.student.received_exam"
        } else {
            "class.student.received"
        };
        lines.extend(para(t(lang, key), theme.good.patch(theme.bold), max));
    } else if s.closed {
        lines.extend(para(
            s.note.as_deref().unwrap_or(t(lang, "quiz.time_up")),
            theme.warn,
            max,
        ));
    } else {
        lines.extend(para(q.hint.get(lang), theme.muted, max));
        let mut input = vec![
            Span::styled("> ", theme.key),
            Span::styled(s.input.clone(), theme.bold),
        ];
        if s.sent.is_none() {
            input.push(Span::styled("█", theme.accent));
        }
        lines.push(Line::from(input));
        if let Some(note) = &s.note {
            lines.extend(para(note, theme.warn, max));
        }
    }
    lines
}

fn end_card(
    s: &StudentState,
    score: usize,
    n: usize,
    max: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let pct = (score * 100).checked_div(n).unwrap_or(0);
    let title = tf(
        lang,
        "class.student.score",
        &[("c", &score.to_string()), ("n", &n.to_string())],
    );
    let (full, empty) =
        crate::ui::quiz::view::bar(pct as f64 / 100.0, 30.min(max.saturating_sub(10)));
    let mut lines = vec![
        Line::from(Span::styled(
            fit(&title, max),
            theme.title.patch(theme.bold),
        )),
        Line::from(vec![
            Span::styled(full, theme.good),
            Span::styled(empty, theme.muted),
            Span::styled(format!(" {pct} %"), theme.bold),
        ]),
        Line::default(),
    ];
    if s.exam {
        lines.extend(para(t(lang, "class.student.exam_end"), theme.muted, max));
    }
    lines
}

/// What the student's loop waits for.
enum Wake {
    App(AppEvent),
    /// A message on connection number `.0`.
    Host(usize, HostMsg),
    /// Connection number `.0` is lost.
    Lost(usize),
    /// The reconnecting thread got a connection back.
    Back(Connection),
    /// It gave up (refused, or the host stayed away).
    GaveUp(String),
}

/// Reads connection `generation` in a thread until it ends.
fn reader(mut conn: Connection, generation: usize, tx: Sender<Wake>) {
    std::thread::spawn(move || {
        loop {
            match conn.recv(Duration::from_secs(3600)) {
                Ok(msg) => {
                    let end = matches!(msg, HostMsg::End { .. });
                    if tx.send(Wake::Host(generation, msg)).is_err() || end {
                        return;
                    }
                }
                Err(ClientError::Timeout(_)) => {}
                Err(_) => {
                    let _ = tx.send(Wake::Lost(generation));
                    return;
                }
            }
        }
    });
}

/// How to reach the host again after a lost connection.
pub struct Rejoin {
    pub addr: SocketAddr,
    pub code: String,
    pub name: String,
    pub join_wait: Duration,
    pub reconnect_for: Duration,
    /// Turns a refusal into the student's words.
    pub refused: fn(ClientError, Lang) -> String,
}

/// The student's screen until the session ends and the student quits (or a
/// signal). Returns the score, if the session ended.
pub fn run(
    conn: Connection,
    welcome: &Welcome,
    rejoin: Rejoin,
    lang: Lang,
    theme: &Theme,
) -> anyhow::Result<Option<(usize, usize)>> {
    let (app_tx, app_rx) = mpsc::channel::<AppEvent>();
    let (tx, rx) = mpsc::channel::<Wake>();
    crate::ui::spawn_signal_thread(app_tx.clone())?;
    let mut writer = conn.try_clone()?;
    let mut guard = crate::ui::TerminalGuard::enter()?;
    crate::ui::spawn_hangup_watch(app_tx.clone());
    crate::ui::spawn_input_thread(app_tx);
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for ev in app_rx {
                if tx.send(Wake::App(ev)).is_err() {
                    return;
                }
            }
        });
    }
    let mut generation = 0;
    reader(conn, generation, tx.clone());
    let ctx = RenderCtx {
        lang,
        theme,
        present: false,
    };
    let mut state = StudentState::new(welcome);
    let mut dirty = true;
    let mut shown_left = None;
    let result = (|| -> anyhow::Result<()> {
        loop {
            let left = state.seconds_left(Instant::now());
            if left != shown_left {
                shown_left = left;
                dirty = true;
            }
            if dirty {
                draw_on(&mut guard.terminal, &state, left, &ctx)?;
                dirty = false;
            }
            let wake = match left {
                Some(_) => {
                    // The countdown's next second, no sooner.
                    let at = state.asked_at.unwrap_or_else(Instant::now);
                    let q = state.question.as_ref().map_or(0.0, |q| q.seconds);
                    let deadline = at + Duration::from_secs_f64(q.max(0.0));
                    let ms = deadline
                        .saturating_duration_since(Instant::now())
                        .as_millis()
                        % 1000;
                    let wait = Duration::from_millis(if ms == 0 { 1000 } else { ms as u64 });
                    match rx.recv_timeout(wait) {
                        Ok(w) => Some(w),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return Ok(()),
                    }
                }
                None => match rx.recv() {
                    Ok(w) => Some(w),
                    Err(_) => return Ok(()),
                },
            };
            let Some(wake) = wake else { continue };
            dirty = true;
            match wake {
                Wake::App(AppEvent::Signal(_)) => return Ok(()),
                Wake::App(AppEvent::Input(Event::Key(key))) => {
                    match state.key(&key, &welcome.token) {
                        KeyOutcome::Quit => return Ok(()),
                        KeyOutcome::Send(msg) => {
                            // A failed write shows as a lost connection on the reader's side.
                            let _ = writer.send(&msg);
                        }
                        KeyOutcome::None => dirty = false,
                        KeyOutcome::Redraw => {}
                    }
                }
                Wake::App(AppEvent::Input(Event::Paste(text))) => dirty = state.paste(&text),
                Wake::App(_) => {}
                Wake::Host(g, _) | Wake::Lost(g) if g != generation => dirty = false,
                Wake::Host(_, msg) => state.apply(msg, Instant::now(), lang),
                Wake::Lost(_) => {
                    if state.end.is_some() {
                        continue;
                    }
                    state.lost();
                    let tx = tx.clone();
                    let (addr, code, name, token) = (
                        rejoin.addr,
                        rejoin.code.clone(),
                        rejoin.name.clone(),
                        welcome.token.clone(),
                    );
                    let (wait, limit, refused) =
                        (rejoin.join_wait, rejoin.reconnect_for, rejoin.refused);
                    std::thread::spawn(move || {
                        let started = Instant::now();
                        loop {
                            match Connection::join(addr, &code, &name, Some(&token), wait) {
                                Ok((conn, _)) => {
                                    let _ = tx.send(Wake::Back(conn));
                                    return;
                                }
                                Err(e @ ClientError::Refused { .. }) => {
                                    let _ = tx.send(Wake::GaveUp(refused(e, lang)));
                                    return;
                                }
                                Err(e) if started.elapsed() > limit => {
                                    let _ = tx.send(Wake::GaveUp(e.to_string()));
                                    return;
                                }
                                // Pacing the retries, not waiting for an event.
                                Err(_) => std::thread::sleep(Duration::from_millis(300)),
                            }
                        }
                    });
                }
                Wake::Back(conn) => {
                    writer = conn.try_clone()?;
                    if let Some(again) = state.resumed(&welcome.token) {
                        let _ = writer.send(&again);
                    }
                    generation += 1;
                    reader(conn, generation, tx.clone());
                }
                Wake::GaveUp(why) => anyhow::bail!(why),
            }
        }
    })();
    drop(guard);
    result.map(|()| state.end)
}

fn draw_on<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &StudentState,
    left: Option<u64>,
    ctx: &RenderCtx,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    terminal.draw(|f| draw(state, left, f.area(), f.buffer_mut(), ctx))?;
    Ok(())
}
