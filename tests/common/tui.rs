//! The app on ratatui's TestBackend, shared by every UI test: build an app on
//! the demo or shipped lessons, press keys, type and paste text, draw at a size
//! and read the screen back as text. The app's clock is manual: tests move time
//! with `App::advance_clock`, never by sleeping.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use nettutor::i18n::Lang;
use nettutor::lesson::{LessonSet, LessonSource};
use nettutor::store::Store;
use nettutor::ui::Options;
use nettutor::ui::app::{App, AppEvent, Screen};
use nettutor::ui::clock::Clock;
use nettutor::ui::panel::{Ctx, JobSink, PanelDyn, RenderCtx};
use nettutor::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// The two sizes most snapshots are taken at.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// The small lesson set in `tests/fixtures/demo_lessons`.
pub fn demo_lessons() -> LessonSet {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo_lessons");
    LessonSet::load(&LessonSource::Dir(dir)).unwrap()
}

/// The lessons built into the binary.
pub fn shipped_lessons() -> LessonSet {
    LessonSet::embedded().unwrap()
}

/// An app on `lessons` with `opts` (the theme from `opts`, like the binary),
/// a manual clock, and the receiving end of its event channel.
pub fn app_with(
    opts: &Options,
    lessons: LessonSet,
    store: Option<Store>,
) -> (App, Receiver<AppEvent>) {
    let (tx, rx) = mpsc::channel();
    let theme = Theme::choose(opts.theme, opts.no_color).unwrap();
    let mut app = App::new(opts, theme, lessons, store, tx);
    app.set_clock(Clock::manual());
    (app, rx)
}

/// An app in `lang` on the demo lessons, dark theme.
pub fn app(lang: Lang) -> App {
    app_in(lang, "dark").0
}

/// An app in `lang` on the demo lessons with the named theme.
pub fn app_in(lang: Lang, theme: &str) -> (App, Receiver<AppEvent>) {
    let opts = Options {
        lang,
        theme: Some(theme.parse().expect("a theme name")),
        ..Options::default()
    };
    app_with(&opts, demo_lessons(), None)
}

/// An app in `lang` on the demo lessons whose `w` writes into `dir`.
pub fn app_exporting_to(lang: Lang, dir: &std::path::Path) -> App {
    let opts = Options {
        lang,
        export_dir: Some(dir.to_path_buf()),
        ..Options::default()
    };
    app_with(&opts, demo_lessons(), None).0
}

/// Shows a recorded lab run, as the Labs panel's message does.
pub fn replay_lab(app: &mut App, run: nettutor::ui::labs::LabRun) {
    use nettutor::ui::app::{Msg, PanelMsg};
    use nettutor::ui::labs::LabsMsg;
    app.update(Msg::Panel(PanelMsg::Labs(LabsMsg::ShowRun(Box::new(run)))));
}

/// Opens `panel` on `arg` as a lesson link writes it: parsed by the same
/// parser `lessons check` uses (a refused argument fails the test).
pub fn open_panel(app: &mut App, panel: nettutor::lesson::PanelId, arg: &str) {
    let open = nettutor::lesson::PanelArg::parse(panel, arg, false)
        .unwrap_or_else(|e| panic!("{} {arg}: {e}", panel.name()));
    app.update(nettutor::ui::app::Msg::OpenArg(open));
}

/// An app in `lang` on the shipped lessons, dark theme.
pub fn shipped_app(lang: Lang) -> App {
    let opts = Options {
        lang,
        theme: Some(nettutor::ui::theme::ThemeName::Dark),
        ..Options::default()
    };
    app_with(&opts, shipped_lessons(), None).0
}

/// One key press (no modifiers) through the app's event handling.
pub fn press(app: &mut App, code: KeyCode) {
    press_with(app, code, KeyModifiers::NONE);
}

pub fn press_with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    app.handle_event(AppEvent::Input(Event::Key(KeyEvent::new(code, modifiers))));
}

/// Several key presses in order.
pub fn press_all(app: &mut App, codes: &[KeyCode]) {
    for c in codes {
        press(app, *c);
    }
}

/// Types `text` one key per character.
pub fn type_str(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// A bracketed paste of `text` (one event, as the terminal sends it).
pub fn paste(app: &mut App, text: &str) {
    app.handle_event(AppEvent::Input(Event::Paste(text.to_string())));
}

/// Draws the whole app at `w`×`h` (after telling it the size, as the loop does).
pub fn terminal(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    app.handle_event(AppEvent::Input(Event::Resize(w, h)));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| nettutor::ui::draw::draw(app, f.area(), f.buffer_mut()))
        .unwrap();
    terminal
}

/// The whole app at `w`×`h` as text, one line per row.
pub fn render(app: &mut App, w: u16, h: u16) -> String {
    text(terminal(app, w, h).backend().buffer())
}

/// A buffer's rows as text; a double-width character counts once (its second
/// cell is skipped), so rows read as a person sees them.
pub fn rows(buf: &Buffer) -> Vec<String> {
    rows_from(buf, 0)
}

/// [`rows`] from column `from` to the right edge (one pane of a split screen).
pub fn rows_from(buf: &Buffer, from: u16) -> Vec<String> {
    let area = buf.area;
    (0..area.height)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in from..area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
                row.push_str(sym);
            }
            row
        })
        .collect()
}

/// [`rows`] joined with newlines.
pub fn text(buf: &Buffer) -> String {
    rows(buf).join("\n")
}

/// Where `needle` first appears: (column in cells, row).
pub fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    rows(buf).iter().enumerate().find_map(|(y, row)| {
        let at = row.find(needle)?;
        let x = unicode_width::UnicodeWidthStr::width(&row[..at]);
        Some((u16::try_from(x).ok()?, u16::try_from(y).ok()?))
    })
}

/// A context for driving one panel outside the app, and its job channel.
pub fn panel_ctx(lang: Lang, screen: Screen) -> (Ctx, Receiver<AppEvent>) {
    let (tx, rx) = mpsc::channel();
    (Ctx::new(lang, JobSink::new(tx, screen)), rx)
}

/// Draws one panel alone at `w`×`h`.
pub fn draw_panel(
    panel: &dyn PanelDyn,
    lang: Lang,
    theme: &Theme,
    w: u16,
    h: u16,
) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| {
            let rc = RenderCtx {
                lang,
                theme,
                present: false,
            };
            panel.render(f.area(), f.buffer_mut(), &rc);
        })
        .unwrap();
    terminal
}
