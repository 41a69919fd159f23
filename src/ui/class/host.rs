//! The host's screen on the projector: the join code and the address, who
//! has joined, each question with its countdown and the live histogram (how
//! many gave each answer, never who), the reveal, the class distribution.
//!
//! [`draw`] is a pure function of the room ([`RoomView`]) and the seconds
//! left; [`run`] is the loop: it blocks in the host's own poll (the room's
//! sockets), woken by the key thread and the signal thread through the
//! host's waker, and wakes on its own only once a second while a question's
//! countdown runs.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{Action, ClassKey, action, draw_help, draw_hints};
use crate::class::live::histogram::Histogram;
use crate::class::live::host::{Host, Phase, RoomView};
use crate::i18n::{Lang, t, tf};
use crate::lesson::QuestionKind;
use crate::lesson::question::letter;
use crate::quiz::answer::correct_answer;
use crate::ui::draw::{MIN_HEIGHT, MIN_WIDTH};
use crate::ui::keymap::Key::{Char, Code, Ctrl};
use crate::ui::panel::RenderCtx;
use crate::ui::quiz::view::{hanging, para};
use crate::ui::text::{fit, pad, width};
use crate::ui::theme::Theme;

/// The host's keys (the hint bar and the help are drawn from this table).
pub const KEYS: &[ClassKey] = &[
    ClassKey {
        keys: &[Char(' '), Char('n')],
        action: Action::Next,
        help: "class.key.next",
    },
    ClassKey {
        keys: &[Char('q'), Ctrl('c')],
        action: Action::Quit,
        help: "key.quit",
    },
    ClassKey {
        keys: &[Char('?'), Code(KeyCode::F(1))],
        action: Action::Help,
        help: "key.help",
    },
];

/// What the host screen shows besides the room.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostScreen {
    /// Whole seconds left on the open question (its countdown).
    pub seconds_left: Option<u64>,
    /// `--leaderboard`: the top five at each reveal and at the end.
    pub leaderboard: bool,
    pub help: bool,
    /// "Quit mid-session?" is asked.
    pub confirm_quit: bool,
    /// When the host listens on every address (0.0.0.0): this machine's
    /// network addresses, the ones a student types.
    pub lan: Vec<IpAddr>,
}

/// Whole seconds left until `deadline` (rounded up: "1 s" until it is over).
pub fn seconds_left(deadline: Instant, now: Instant) -> u64 {
    let left = deadline.saturating_duration_since(now);
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

/// Draws the host screen; `left` is the countdown of an open question.
pub fn draw(view: &RoomView, ui: &HostScreen, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let left = ui.seconds_left;
    buf.set_style(area, ctx.theme.base);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        crate::ui::draw::too_small(area, buf, ctx);
        return;
    }
    let [top, body, hints] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_top(view, ui, top, buf, ctx);
    let max = usize::from(body.width.saturating_sub(2));
    let lines = match view.phase {
        Phase::Lobby => lobby(view, ui, max, ctx),
        Phase::Open { .. } => question(view, left, false, ui, max, ctx),
        Phase::Revealed { .. } => question(view, None, true, ui, max, ctx),
        Phase::Ended => ended(view, ui, max, ctx),
    };
    let mut inner = Rect {
        x: body.x + 1,
        width: body.width.saturating_sub(2),
        ..body
    };
    if view.phase == Phase::Lobby {
        // The code big enough to read from the back of the room.
        let big = Rect {
            y: inner.y + 1,
            height: BIG_CODE_ROWS.min(inner.height.saturating_sub(1)),
            ..inner
        };
        let used = crate::ui::present::big_title(
            &view.code,
            big,
            buf,
            ctx.theme.accent.patch(ctx.theme.bold),
        ) + 1;
        inner.y += used;
        inner.height = inner.height.saturating_sub(used);
    }
    Paragraph::new(lines).render(inner, buf);
    draw_hints(KEYS, hints, buf, ctx);
    if ui.confirm_quit {
        draw_confirm(body, buf, ctx);
    } else if ui.help {
        draw_help(KEYS, body, buf, ctx);
    }
}

/// Rows of the big join code in the lobby (the 8×8 font at half height).
const BIG_CODE_ROWS: u16 = 4;

/// "Quit mid-session?" in a box in the middle of `area`.
fn draw_confirm(area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    use ratatui::layout::Flex;
    let w = area.width.saturating_sub(4).min(60);
    let text = para(
        t(ctx.lang, "class.host.confirm_quit"),
        ctx.theme.warn.patch(ctx.theme.bold),
        usize::from(w.saturating_sub(4)),
    );
    let h = u16::try_from(text.len() + 2).unwrap_or(u16::MAX);
    let [row] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(row);
    crate::ui::draw::clear_overlay(rect, buf);
    let title = t(ctx.lang, "key.quit").to_string();
    let block = ctx.theme.block(&title, true);
    Paragraph::new(text)
        .block(block.padding(ratatui::widgets::Padding::horizontal(1)))
        .render(rect, buf);
}

/// The first two rows: the code and the address, always in view (latecomers
/// join mid-session), then a rule.
fn draw_top(view: &RoomView, ui: &HostScreen, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lang = ctx.lang;
    let kind = if view.exam {
        t(lang, "class.kind.live-exam")
    } else {
        t(lang, "class.kind.live")
    };
    let spans = vec![
        Span::styled(format!(" nettutor · {kind}  "), ctx.theme.title),
        Span::styled(label_sep(t(lang, "class.host.code_label")), ctx.theme.muted),
        Span::styled(view.code.clone(), ctx.theme.accent.patch(ctx.theme.bold)),
        Span::styled(
            format!("  {}", label_sep(t(lang, "class.host.address_label"))),
            ctx.theme.muted,
        ),
        Span::styled(typed_addr(view, ui, lang), ctx.theme.bold),
        Span::styled(
            format!(
                "  {}",
                tf(
                    lang,
                    "class.host.present",
                    &[("n", &present(view).to_string())]
                )
            ),
            ctx.theme.muted,
        ),
    ];
    Paragraph::new(Line::from(spans)).render(area, buf);
    let rule = "─".repeat(usize::from(area.width));
    buf.set_string(area.x, area.y + 1, rule, ctx.theme.border);
}

/// The address a student types: the one listened on, or this machine's
/// first network address when the host listens on every address.
fn typed_addr(view: &RoomView, ui: &HostScreen, lang: Lang) -> String {
    if !view.addr.ip().is_unspecified() {
        return view.addr.to_string();
    }
    match ui.lan.first() {
        Some(ip) => SocketAddr::new(*ip, view.addr.port()).to_string(),
        None => format!(
            "{}:{}",
            t(lang, "class.host.this_machine"),
            view.addr.port()
        ),
    }
}

/// A label and what follows it: a space after a Latin colon, none after a
/// full-width one (the Chinese colon has its own space).
fn label_sep(label: &str) -> String {
    if label.ends_with('：') {
        label.to_string()
    } else {
        format!("{label} ")
    }
}

fn present(view: &RoomView) -> usize {
    view.students.iter().filter(|(_, on)| *on).count()
}

/// The lobby: the code big, what to type, the network warning, who is here.
fn lobby(view: &RoomView, ui: &HostScreen, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let mut lines = vec![Line::from(Span::styled(
        t(lang, "class.host.join_with").to_string(),
        theme.muted,
    ))];
    let spaced: String = view
        .code
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    lines.push(Line::from(vec![
        Span::styled(format!("{}  ", t(lang, "class.host.code")), theme.muted),
        Span::styled(format!(" {spaced} "), theme.selected.patch(theme.bold)),
        Span::styled(
            format!("   {}  ", t(lang, "class.host.address")),
            theme.muted,
        ),
        Span::styled(typed_addr(view, ui, lang), theme.accent.patch(theme.bold)),
    ]));
    lines.push(Line::default());
    let command = format!(
        "nettutor class join {} --code {} --name {}",
        typed_addr(view, ui, lang),
        view.code,
        t(lang, "class.host.name_placeholder")
    );
    lines.extend(hanging(
        &command,
        theme.code,
        max,
        "  $ ",
        "    ",
        theme.muted,
    ));
    lines.extend(network_line(view, ui, max, ctx));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        tf(
            lang,
            "class.host.joined",
            &[("n", &view.students.len().to_string())],
        ),
        theme.title,
    )));
    if view.students.is_empty() {
        lines.extend(para(t(lang, "class.host.nobody"), theme.muted, max));
    } else {
        lines.extend(name_columns(&view.students, max, theme));
    }
    lines.push(Line::default());
    lines.extend(para(
        &tf(
            lang,
            "class.host.start",
            &[("n", &view.questions.to_string())],
        ),
        theme.hint,
        max,
    ));
    lines
}

/// Loopback: only this machine can join. Anything else is said plainly:
/// the network reaches this session, and (listening on every address)
/// which addresses of this machine a student types.
fn network_line(
    view: &RoomView,
    ui: &HostScreen,
    max: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    let lang = ctx.lang;
    if view.addr.ip().is_loopback() {
        return para(t(lang, "class.host.loopback"), ctx.theme.muted, max);
    }
    let mut lines = para(
        &tf(
            lang,
            "class.host.exposed",
            &[("addr", &view.addr.to_string())],
        ),
        ctx.theme.warn,
        max,
    );
    if view.addr.ip().is_unspecified() {
        let text = if ui.lan.is_empty() {
            tf(
                lang,
                "class.host.type_unknown",
                &[("port", &view.addr.port().to_string())],
            )
        } else {
            let addrs = ui
                .lan
                .iter()
                .map(|ip| SocketAddr::new(*ip, view.addr.port()).to_string())
                .collect::<Vec<_>>()
                .join(", ");
            tf(lang, "class.host.type_one", &[("addrs", &addrs)])
        };
        lines.extend(para(&text, ctx.theme.warn, max));
    }
    lines
}

/// Names in columns as wide as the widest (display width: CJK names count
/// two cells a character), a student not connected now in muted.
fn name_columns(students: &[(String, bool)], max: usize, theme: &Theme) -> Vec<Line<'static>> {
    let cell = students
        .iter()
        .map(|(n, _)| width(n))
        .max()
        .unwrap_or(1)
        .min(max.saturating_sub(2).max(1))
        + 3;
    let per_row = (max / cell).max(1);
    students
        .chunks(per_row)
        .map(|row| {
            Line::from(
                row.iter()
                    .map(|(name, on)| {
                        let style = if *on { theme.base } else { theme.muted };
                        Span::styled(pad(&format!("  {}", fit(name, cell - 3)), cell), style)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// An open question (countdown, histogram so far) or its reveal.
fn question(
    view: &RoomView,
    left: Option<u64>,
    revealed: bool,
    ui: &HostScreen,
    max: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let (Some(q), Some(position)) = (view.question.as_ref(), position(view.phase)) else {
        return Vec::new();
    };
    let mut head = vec![Span::styled(
        tf(
            lang,
            "class.host.question",
            &[
                ("i", &(position + 1).to_string()),
                ("n", &view.questions.to_string()),
            ],
        ),
        theme.accent,
    )];
    head.push(Span::styled("  ·  ".to_string(), theme.muted));
    if revealed {
        head.push(Span::styled(
            t(lang, "class.host.closed").to_string(),
            theme.warn,
        ));
    } else {
        let secs = left.unwrap_or(0).to_string();
        head.push(Span::styled(
            tf(lang, "class.host.left", &[("s", &secs)]),
            theme.bold,
        ));
    }
    head.push(Span::styled("  ·  ".to_string(), theme.muted));
    head.push(Span::styled(
        tf(
            lang,
            "class.host.answered",
            &[
                ("k", &view.answered.to_string()),
                ("n", &present(view).to_string()),
            ],
        ),
        theme.base,
    ));
    let mut lines = vec![Line::default(), Line::from(head), Line::default()];
    lines.extend(para(q.prompt.get(lang), theme.title, max));
    let options: Vec<String> = match &q.kind {
        QuestionKind::Choice { options, .. } => {
            options.iter().map(|o| o.get(lang).to_string()).collect()
        }
        QuestionKind::Order { items, shown } => shown
            .iter()
            .filter_map(|i| items.get(*i))
            .map(|o| o.get(lang).to_string())
            .collect(),
        QuestionKind::TrueFalse { .. } | QuestionKind::FillIn { .. } => Vec::new(),
    };
    for (i, option) in options.iter().enumerate() {
        let first = format!("  {}) ", letter(i));
        lines.extend(hanging(option, theme.base, max, &first, "     ", theme.key));
    }
    lines.push(Line::default());
    lines.extend(histogram(&view.histogram, revealed, max, ctx));
    if revealed {
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled(label_sep(t(lang, "class.host.answer")), theme.muted),
            Span::styled(correct_answer(&q.kind), theme.good.patch(theme.bold)),
        ]));
        lines.extend(hanging(
            q.explanation.get(lang),
            theme.base,
            max,
            "│ ",
            "│ ",
            theme.muted,
        ));
        if ui.leaderboard {
            lines.push(Line::default());
            lines.extend(leaderboard(view, max, ctx));
        }
    }
    lines
}

fn position(phase: Phase) -> Option<usize> {
    match phase {
        Phase::Open { position, .. } | Phase::Revealed { position } => Some(position),
        Phase::Lobby | Phase::Ended => None,
    }
}

/// One bar per answer (counts only); at the reveal the right one is marked.
fn histogram(h: &Histogram, revealed: bool, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let mut rows: Vec<(String, usize, bool)> = h
        .bars
        .iter()
        .map(|b| (b.label.clone(), b.count, revealed && b.correct))
        .collect();
    if h.other > 0 {
        rows.push((t(lang, "class.host.other").to_string(), h.other, false));
    }
    let label_w = rows
        .iter()
        .map(|(l, _, _)| width(l))
        .max()
        .unwrap_or(1)
        .min(16);
    let top = rows.iter().map(|r| r.1).max().unwrap_or(0);
    let cells = max.saturating_sub(label_w + 12).clamp(4, 40);
    let mut lines = Vec::new();
    for (label, count, right) in rows {
        let fraction = if top == 0 {
            0.0
        } else {
            count as f64 / top as f64
        };
        let (full, empty) = crate::ui::quiz::view::bar(fraction, cells);
        let style = if right { theme.good } else { theme.accent };
        let mark = if right { " ✓" } else { "" };
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {} ", pad(&fit(&label, label_w), label_w)),
                theme.key,
            ),
            Span::styled(full, style),
            Span::styled(empty, theme.muted),
            Span::styled(format!(" {count}{mark}"), theme.bold),
        ]));
    }
    if rows_empty(h) {
        lines.extend(para(t(lang, "class.host.no_answers"), theme.muted, max));
    }
    lines
}

fn rows_empty(h: &Histogram) -> bool {
    h.bars.iter().all(|b| b.count == 0) && h.other == 0
}

/// The top five by score (only with `--leaderboard`).
fn leaderboard(view: &RoomView, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let mut lines = vec![Line::from(Span::styled(
        t(ctx.lang, "class.host.top").to_string(),
        theme.title,
    ))];
    let name_w = view
        .leaderboard
        .iter()
        .map(|(n, _)| width(n))
        .max()
        .unwrap_or(1)
        .min(max.saturating_sub(12).max(4));
    for (i, (name, score)) in view.leaderboard.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}. ", i + 1), theme.muted),
            Span::styled(pad(&fit(name, name_w), name_w), theme.base),
            Span::styled(format!("  {score}/{}", view.questions), theme.bold),
        ]));
    }
    lines
}

/// The end: the class distribution, and the top five when asked for.
fn ended(view: &RoomView, ui: &HostScreen, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let mut lines = vec![Line::default()];
    lines.push(Line::from(Span::styled(
        tf(
            lang,
            "class.host.over",
            &[
                ("k", &view.students.len().to_string()),
                ("n", &view.questions.to_string()),
            ],
        ),
        theme.title,
    )));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        t(lang, "class.report.distribution").to_string(),
        theme.accent,
    )));
    let top = view.distribution.iter().copied().max().unwrap_or(0);
    let cells = max.saturating_sub(20).clamp(4, 40);
    for (i, count) in view.distribution.iter().enumerate() {
        let label = if i == 9 {
            "90–100%".to_string()
        } else {
            format!("{}–{}%", i * 10, i * 10 + 9)
        };
        let fraction = if top == 0 {
            0.0
        } else {
            *count as f64 / top as f64
        };
        let (full, empty) = crate::ui::quiz::view::bar(fraction, cells);
        lines.push(Line::from(vec![
            Span::styled(format!("  {label:>7} "), theme.muted),
            Span::styled(full, theme.accent),
            Span::styled(empty, theme.muted),
            Span::styled(format!(" {count}"), theme.bold),
        ]));
    }
    if ui.leaderboard {
        lines.push(Line::default());
        lines.extend(leaderboard(view, max, ctx));
    }
    lines.push(Line::default());
    lines.extend(para(t(lang, "class.host.report"), theme.hint, max));
    lines
}

/// Whether quitting now leaves a session half done (asks first).
fn mid_session(phase: Phase) -> bool {
    matches!(phase, Phase::Open { .. } | Phase::Revealed { .. })
}

/// What the loop is woken by besides the room's sockets.
enum Wake {
    Input(Event),
}

static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Runs the host screen until the instructor quits (or a signal, or the
/// terminal going away): the session is finished and recorded on every way
/// out, and the terminal restored.
pub fn run(mut host: Host, leaderboard: bool, lang: Lang, theme: &Theme) -> anyhow::Result<Host> {
    let waker = host.waker().context("cannot set up the host's wake-up")?;
    let (tx, rx) = mpsc::channel::<Wake>();
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
            .context("cannot install signal handlers")?;
        let waker = Arc::clone(&waker);
        std::thread::spawn(move || {
            for signal in signals.forever() {
                SIGNAL.store(signal, Ordering::SeqCst);
                let _ = waker.wake();
            }
        });
    }
    let mut guard = crate::ui::TerminalGuard::enter()?;
    {
        let waker = Arc::clone(&waker);
        crate::ui::watch_hangup(move || {
            SIGNAL.store(libc::SIGHUP, Ordering::SeqCst);
            let _ = waker.wake();
        });
    }
    {
        let waker = Arc::clone(&waker);
        std::thread::spawn(move || {
            loop {
                match ratatui::crossterm::event::read() {
                    Ok(ev) => {
                        if tx.send(Wake::Input(ev)).is_err() {
                            break;
                        }
                        let _ = waker.wake();
                    }
                    Err(_) => {
                        SIGNAL.store(libc::SIGHUP, Ordering::SeqCst);
                        let _ = waker.wake();
                        break;
                    }
                }
            }
        });
    }
    let ctx = RenderCtx {
        lang,
        theme,
        present: true,
    };
    let mut ui = HostScreen {
        leaderboard,
        lan: if host.local_addr().ip().is_unspecified() {
            lan_addresses()
        } else {
            Vec::new()
        },
        ..HostScreen::default()
    };
    let mut dirty = true;
    let mut shown_left: Option<u64> = None;
    let result: anyhow::Result<()> = (|| {
        loop {
            let now = Instant::now();
            let left = match host.phase() {
                Phase::Open { deadline, .. } => Some(seconds_left(deadline, now)),
                _ => None,
            };
            if left != shown_left {
                dirty = true;
            }
            if dirty {
                let view = host.view();
                ui.seconds_left = left;
                guard
                    .terminal
                    .draw(|f| draw(&view, &ui, f.area(), f.buffer_mut(), &ctx))?;
                shown_left = left;
                dirty = false;
            }
            // Block on the room, the keys and the signals; while a countdown
            // runs, wake at the next whole second to redraw it.
            let wait = match host.phase() {
                Phase::Open { deadline, .. } => {
                    let rest = deadline.saturating_duration_since(Instant::now());
                    let frac = Duration::from_nanos(u64::from(rest.subsec_nanos()));
                    if frac.is_zero() {
                        Duration::from_secs(1).min(rest)
                    } else {
                        frac
                    }
                }
                _ => Duration::from_secs(3600),
            };
            if !host.step(wait).is_empty() {
                dirty = true;
            }
            if SIGNAL.load(Ordering::SeqCst) != 0 {
                return Ok(());
            }
            while let Ok(Wake::Input(ev)) = rx.try_recv() {
                match ev {
                    Event::Key(key) if key.kind != KeyEventKind::Release => {
                        dirty = true;
                        if ui.help {
                            ui.help = false;
                            continue;
                        }
                        if ui.confirm_quit {
                            if matches!(key.code, KeyCode::Char('y' | 'Y')) {
                                return Ok(());
                            }
                            ui.confirm_quit = false;
                            continue;
                        }
                        match action(KEYS, &key) {
                            Some(Action::Quit) => {
                                if mid_session(host.phase()) {
                                    ui.confirm_quit = true;
                                } else {
                                    return Ok(());
                                }
                            }
                            Some(Action::Help) => ui.help = true,
                            Some(Action::Next) => match host.phase() {
                                Phase::Open { .. } => host.reveal(),
                                Phase::Ended => {}
                                _ => {
                                    host.next_question();
                                }
                            },
                            None => {}
                        }
                    }
                    Event::Resize(..) => dirty = true,
                    _ => {}
                }
            }
        }
    })();
    // Every way out records the session and tells the students.
    host.finish();
    let until = Instant::now() + Duration::from_secs(2);
    while !host.is_done() && Instant::now() < until {
        host.step(Duration::from_millis(50));
    }
    drop(guard);
    result?;
    Ok(host)
}

/// This machine's IPv4 addresses other than loopback, of interfaces that are
/// up: what a student types when the host listens on 0.0.0.0.
pub fn lan_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&raw mut head) } != 0 {
        return out;
    }
    let mut cur = head;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getifaddrs returned, alive until freeifaddrs.
        let ifa = unsafe { &*cur };
        let up = ifa.ifa_flags & u32::try_from(libc::IFF_UP).unwrap_or(0) != 0;
        // SAFETY: a non-null ifa_addr points to a sockaddr of the family it says.
        if up
            && !ifa.ifa_addr.is_null()
            && i32::from(unsafe { (*ifa.ifa_addr).sa_family }) == libc::AF_INET
        {
            // SAFETY: AF_INET: the sockaddr is a sockaddr_in.
            let sin = unsafe { &*ifa.ifa_addr.cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            if !ip.is_loopback() && !out.contains(&IpAddr::V4(ip)) {
                out.push(IpAddr::V4(ip));
            }
        }
        cur = ifa.ifa_next;
    }
    // SAFETY: `head` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(head) };
    out
}
