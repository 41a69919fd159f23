//! The ratatui front end: app state, messages, event loop, one module per screen.
//!
//! One channel carries every event: terminal input (a reader thread), signals
//! (a signal thread) and background results (lab workers). The loop blocks on it
//! and redraws only when something changed; while an animation plays it waits
//! with a timeout instead, and that timeout is the tick — which redraws only
//! when the panel says something visible moved (`Panel::tick`).
//!
//! A terminal that goes away (its tmux session or window closed) ends the app
//! like SIGHUP does, even when no SIGHUP comes (a tutor outside the terminal's
//! session, or stdin on a pty whose other end is closed): a watcher thread
//! waits in `poll` for the hang-up of the terminal's descriptors. crossterm's
//! reader cannot be relied on for that — on end of file or EIO it retries the
//! read forever, one core busy. Once a signal or a hang-up asks to quit, the
//! clean way out (terminal restored, panels and labs closed) has
//! [`QUIT_GRACE`] to finish; then the process ends regardless.

pub mod app;
pub mod check;
pub mod class;
pub mod clock;
pub mod console;
pub mod draw;
pub mod field;
pub mod glossary;
pub mod handout;
pub mod handshake;
pub mod help;
pub mod home;
pub mod keymap;
pub mod labs;
pub mod lan;
pub mod layout;
pub mod lessons;
pub mod msg;
pub mod osi;
pub mod panel;
pub mod present;
pub mod quiz;
pub mod registry;
pub mod search;
pub mod subnet;
pub mod text;
pub mod theme;
pub mod widgets;

use std::io::{self, IsTerminal as _, Stdout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use self::app::{App, AppEvent};
use self::theme::Theme;
use crate::i18n::Lang;
use crate::lesson::{LessonSet, LessonSource};
use crate::store::Store;

/// What the command line asks of the terminal tutor.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub lang: Lang,
    pub lessons_dir: Option<PathBuf>,
    pub theme: Option<self::theme::ThemeName>,
    pub no_color: bool,
    pub present: bool,
    pub lesson_ids: Vec<String>,
    /// A panel to open at start, with its argument (e.g. `nettutor quiz`).
    pub open: Option<crate::lesson::PanelArg>,
    /// Where `w` writes pcap files (default: the working directory).
    pub export_dir: Option<PathBuf>,
}

/// Time between animation frames while something moves.
pub const TICK: Duration = Duration::from_millis(50);

/// Starts the tutor: checks everything that can fail before the terminal is
/// touched, then runs the loop and restores the terminal on every way out.
pub fn run(opts: Options) -> anyhow::Result<()> {
    let theme = Theme::choose(opts.theme, opts.no_color)?;
    let lessons = LessonSet::load(&LessonSource::from_option(opts.lessons_dir.clone()))
        .map_err(anyhow::Error::new)
        .context(crate::i18n::t(opts.lang, "cli.err.lessons"))?;
    // Everything that can fail is checked above; the terminal itself last,
    // in one line rather than escape codes into a file or pipe.
    anyhow::ensure!(
        io::stdout().is_terminal(),
        "standard output is not a terminal: the tutor needs one (for scripts use a \
         subcommand, e.g. `nettutor quiz --plain`; see --help)"
    );
    let store = Store::open_default().ok();
    let (tx, rx) = mpsc::channel();
    let mut app = App::new(&opts, theme, lessons, store, tx.clone());
    // Presenter consoles attach through a socket while presenting.
    app.enable_console(&crate::presenter::socket::default_dir());

    spawn_signal_thread(tx.clone())?;
    let mut guard = TerminalGuard::enter()?;
    spawn_hangup_watch(tx.clone());
    spawn_input_thread(tx);
    test_panic_hook();
    let result = event_loop(&mut guard.terminal, &mut app, &rx);
    test_stall_on_quit();
    drop(guard);
    result
}

/// The loop, generic over the backend so tests can drive it on `TestBackend`.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    rx: &Receiver<AppEvent>,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut dirty = true;
    let mut next_tick = Instant::now() + TICK;
    while !app.quitting() {
        // A signal goes ahead of whatever keys are still queued.
        if let Some(signal) = take_pending_signal() {
            app.handle_event(AppEvent::Signal(signal));
            if app.quitting() {
                break;
            }
        }
        if dirty {
            app.publish_console();
            let size = terminal.size()?;
            app.note_width(size.width);
            terminal.draw(|frame| draw::draw(app, frame.area(), frame.buffer_mut()))?;
            dirty = false;
        }
        let event = if app.wants_ticks() {
            let wait = next_tick.saturating_duration_since(Instant::now());
            match rx.recv_timeout(wait) {
                Ok(ev) => Some(ev),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            // Idle: block until something happens; no CPU used.
            match rx.recv() {
                Ok(ev) => Some(ev),
                Err(_) => break,
            }
        };
        match event {
            Some(ev) => dirty |= app.handle_event(ev),
            None => {
                dirty |= app.tick();
                next_tick = Instant::now() + TICK;
            }
        }
    }
    Ok(())
}

/// Reads terminal events forever and forwards them; ends when the app is gone.
/// A read error means the terminal is unusable: the app quits as on SIGHUP
/// (rather than running on with nobody reading its input).
pub(crate) fn spawn_input_thread(tx: Sender<AppEvent>) {
    std::thread::spawn(move || {
        loop {
            match event::read() {
                Ok(ev) => {
                    if tx.send(AppEvent::Input(ev)).is_err() {
                        break;
                    }
                }
                Err(_) => {
                    ask_to_quit(&tx, libc::SIGHUP);
                    break;
                }
            }
        }
    });
}

/// How long the clean way out may take once a signal or a hang-up asked to
/// quit; after that the process ends without it (status 128 + the signal).
pub const QUIT_GRACE: Duration = Duration::from_secs(3);

/// Waits, without using CPU, until one of the terminal's descriptors (standard
/// input when it is the terminal, standard output) hangs up or becomes
/// invalid, then quits as on SIGHUP.
pub(crate) fn spawn_hangup_watch(tx: Sender<AppEvent>) {
    watch_hangup(move || ask_to_quit(&tx, libc::SIGHUP));
}

/// Calls `on_hangup` (on a thread of its own) when the terminal's descriptors
/// hang up; see [`spawn_hangup_watch`].
pub(crate) fn watch_hangup(on_hangup: impl FnOnce() + Send + 'static) {
    let mut fds: Vec<libc::pollfd> = [libc::STDIN_FILENO, libc::STDOUT_FILENO]
        .into_iter()
        // SAFETY: isatty only inspects the descriptor.
        .filter(|&fd| unsafe { libc::isatty(fd) } == 1)
        .map(|fd| libc::pollfd {
            fd,
            // No events asked for: poll still reports POLLHUP, POLLERR and POLLNVAL.
            events: 0,
            revents: 0,
        })
        .collect();
    if fds.is_empty() {
        return;
    }
    std::thread::spawn(move || {
        loop {
            let n = fds.len() as libc::nfds_t;
            // SAFETY: `fds` is a live, correctly sized array of pollfd.
            let ready = unsafe { libc::poll(fds.as_mut_ptr(), n, -1) };
            if ready > 0 {
                break;
            }
            if ready < 0 && io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                // poll itself failed: nothing to watch with; the input
                // thread's read error is the remaining way to notice.
                return;
            }
        }
        on_hangup();
    });
}

/// Queues `signal` ahead of any keys, wakes the loop, and starts the
/// [`QUIT_GRACE`] deadline (once).
fn ask_to_quit(tx: &Sender<AppEvent>, signal: i32) {
    PENDING_SIGNAL.store(signal, Ordering::SeqCst);
    arm_quit_deadline(signal);
    let _ = tx.send(AppEvent::Signal(signal));
}

static QUIT_DEADLINE_ARMED: AtomicBool = AtomicBool::new(false);

/// After [`QUIT_GRACE`], ends the process whatever the main thread is doing
/// (restoring a terminal that no longer reads, a lab slow to close).
fn arm_quit_deadline(signal: i32) {
    if QUIT_DEADLINE_ARMED.swap(true, Ordering::SeqCst) {
        return;
    }
    std::thread::spawn(move || {
        std::thread::sleep(QUIT_GRACE);
        // No destructor runs: the presenter socket's file goes here.
        crate::presenter::hub::remove_socket_file();
        // SAFETY: _exit ends the process at once; no destructors, no flushing
        // of buffers into a terminal that may never take them.
        unsafe { libc::_exit(128 + signal) }
    });
}

/// The last signal received and not yet handled (0: none). Set by the signal
/// thread and read by the loop before each event, so a signal is handled at
/// once even behind thousands of queued keys (a huge paste).
static PENDING_SIGNAL: AtomicI32 = AtomicI32::new(0);

fn take_pending_signal() -> Option<i32> {
    match PENDING_SIGNAL.swap(0, Ordering::SeqCst) {
        0 => None,
        n => Some(n),
    }
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT become a clean quit, so the terminal is
/// restored. The event on the channel wakes an idle loop; the flag puts the
/// signal ahead of queued keys.
pub(crate) fn spawn_signal_thread(tx: Sender<AppEvent>) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
        .context("cannot install signal handlers")?;
    std::thread::spawn(move || {
        for signal in signals.forever() {
            ask_to_quit(&tx, signal);
        }
    });
    Ok(())
}

/// For the end-to-end tests of the panic hook only: `NETTUTOR_TEST_PANIC=thread`
/// panics a helper thread, `=main` the main thread, once the terminal is set up.
fn test_panic_hook() {
    match std::env::var("NETTUTOR_TEST_PANIC").as_deref() {
        Ok("thread") => {
            std::thread::spawn(|| panic!("test panic on a helper thread"));
        }
        Ok("main") => panic!("test panic on the main thread"),
        _ => {}
    }
}

/// For the end-to-end test of [`QUIT_GRACE`] only: `NETTUTOR_TEST_STALL=quit`
/// makes the way out never finish (as a terminal that stopped reading would).
fn test_stall_on_quit() {
    if std::env::var("NETTUTOR_TEST_STALL").as_deref() == Ok("quit") {
        loop {
            std::thread::park();
        }
    }
}

/// Raw mode, alternate screen and mouse capture, undone on drop and on panic.
pub(crate) struct TerminalGuard {
    pub(crate) terminal: Terminal<CrosstermBackend<ScreenOut>>,
}

/// Held while a piece of a frame is written, and by the panic hook while it
/// gives the terminal back: a frame can never be drawn over the restored
/// screen (a helper thread's panic while the main thread draws).
static SCREEN: std::sync::Mutex<bool> = std::sync::Mutex::new(false);

/// The tutor's way to the screen: standard output, until the panic hook has
/// given the terminal back; after that whatever the app still draws is dropped.
/// Buffered whole: ratatui flushes once per frame, so a frame reaches the
/// terminal in one write, not torn into the line buffer's ~1 KiB pieces
/// (which a slow link, or a capture taken meanwhile, shows half drawn).
pub(crate) struct ScreenOut(io::BufWriter<Stdout>);

/// Enough for a full 300×100 frame of styled cells in one write.
const SCREEN_BUFFER: usize = 256 * 1024;

impl io::Write for ScreenOut {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let released = SCREEN.lock().unwrap_or_else(|e| e.into_inner());
        if *released {
            return Ok(buf.len());
        }
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        let released = SCREEN.lock().unwrap_or_else(|e| e.into_inner());
        if *released {
            return Ok(());
        }
        self.0.flush()
    }
}

/// [`restore_terminal`] for the panic hook: no frame is drawn after it.
fn release_terminal() {
    let mut released = SCREEN.lock().unwrap_or_else(|e| e.into_inner());
    *released = true;
    restore_terminal();
}

fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

impl TerminalGuard {
    pub(crate) fn enter() -> anyhow::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        let main_thread = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            release_terminal();
            // A panic ends the presentation: its console socket goes with it.
            crate::presenter::hub::remove_socket_file();
            previous(info);
            // The main thread unwinds and exits through the guard; a panic
            // anywhere else would leave the app running without that thread
            // (a dead input reader: a frozen screen). Exit now, terminal restored.
            if std::thread::current().id() != main_thread {
                std::process::exit(101);
            }
        }));
        enable_raw_mode()
            .context("cannot switch the terminal to raw mode (is this a terminal?)")?;
        if let Err(e) = execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        ) {
            restore_terminal();
            return Err(e).context("cannot set up the terminal");
        }
        // Starts crossterm's event source now, before the first frame: it is
        // what catches SIGWINCH, so a resize while the first frame is drawn
        // still arrives as an event (else it is lost until the first read).
        // Whatever it reads stays queued for the input thread.
        let _ = event::poll(Duration::ZERO);
        let terminal = match Terminal::new(CrosstermBackend::new(ScreenOut(
            io::BufWriter::with_capacity(SCREEN_BUFFER, io::stdout()),
        ))) {
            Ok(t) => t,
            Err(e) => {
                restore_terminal();
                return Err(e).context("cannot set up the terminal");
            }
        };
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}
