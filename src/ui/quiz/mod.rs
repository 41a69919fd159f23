//! The Quiz section: pick topics, answer seeded questions with immediate
//! feedback and a "show me" key, then a score, a review of mistakes, and a
//! progress screen with mastery per topic as bars.
//!
//! Exam mode (`nettutor quiz --exam`): each answer is recorded and the next
//! question follows at once; right or wrong is shown only at the end (by
//! question number), the key and the explanations never; a malformed answer
//! is asked again without penalty; the keys that would reveal anything (show
//! me, progress, drills) are off and the hint bar does not offer them. Every
//! quiz, exam or not, is recorded in the grade book as it is answered.

use crate::ui::msg::PanelMsg;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

pub mod drill;
mod drill_view;
pub(crate) mod view;

pub use view::{bar, topic_bar};

use crate::class::gradebook::recorder::QuizRecorder;
use crate::i18n::{t, tf};
use crate::lesson::PanelArg;
use crate::lesson::{Question, Topic};
use crate::quiz::answer::{self, Verdict};
use crate::quiz::drill::DrillKind;
use crate::quiz::mastery::Mastery;
use crate::quiz::results;
use crate::quiz::session::{self, MAX_COUNT, QuizSpec, Record, Session};
use crate::store::Store;
use crate::ui::app::{Msg, Nav};
use crate::ui::field::{Edit, TextField};
use crate::ui::keymap::{Binding, Key};
use crate::ui::panel::{Ctx, Panel, RenderCtx, TextInput};

/// What the panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Topic picker and settings.
    #[default]
    Menu,
    /// A question waiting for its answer.
    Asking,
    /// The answer's verdict and explanation.
    Feedback,
    /// Score and review of mistakes.
    Finished,
    /// Mastery per topic.
    Progress,
    /// Subnet drills (their own stages in [`drill::DrillMode`]).
    Drill,
}

/// State of the Quiz panel.
#[derive(Debug, Default)]
pub struct QuizPanel {
    /// Authored questions from the lesson files.
    pub bank: Vec<Question>,
    store: Option<Store>,
    pub mastery: Mastery,
    /// The curriculum: concept titles for the progress view.
    pub concepts: crate::lesson::Curriculum,
    pub mode: Mode,
    /// Topics picked in the menu (none picked = all).
    pub topics: Vec<Topic>,
    /// Menu row under the cursor.
    pub cursor: usize,
    pub count: usize,
    /// The seed of the next quiz; None = a fresh one (and due questions first).
    pub seed: Option<u64>,
    pub time_limit: Option<Duration>,
    results: Option<PathBuf>,
    pub session: Option<Session>,
    /// The answer being typed.
    pub input: TextField,
    /// The mistake selected in the review.
    pub review: usize,
    asked_at: Option<Instant>,
    deadline: Option<Instant>,
    /// Seconds left when a time limit runs (for drawing).
    pub seconds_left: Option<u64>,
    /// Questions due today (counted when mastery changes, not per frame).
    pub due_today: usize,
    /// The subnet drills.
    pub drill: drill::DrillMode,
    /// Quizzes started here are exams (`nettutor quiz --exam`).
    pub exam: bool,
    /// Who takes them (`--student`; empty when not given).
    pub student: String,
    /// The grade book (`--db FILE`; else the data directory's).
    db: Option<PathBuf>,
    /// Records the quiz under way in the grade book.
    book: QuizRecorder,
}

/// Messages of the Quiz panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuizMsg {
    /// Start a new quiz with the current settings.
    Start,
    /// Open the panel or lab at the question's own case.
    ShowMe,
    /// Show or hide mastery per topic.
    Progress,
    /// A quiz of only what is due today.
    Due,
    /// The subnet drills.
    Drill,
    /// The drill chooser's time limit for a set.
    DrillTime,
    /// Back to the topic menu.
    Menu,
    More,
    Fewer,
}

/// Keys of the Quiz panel (while an answer is typed, printable keys go to it);
/// the last one, the drill time limit, is offered only in the drill chooser.
pub const KEYS: &[Binding] = &[
    Binding {
        keys: &[Key::Char('n')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::Start)),
        help: "quiz.key.start",
    },
    Binding {
        keys: &[Key::Char('s')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::ShowMe)),
        help: "quiz.key.show_me",
    },
    Binding {
        keys: &[Key::Char('p')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::Progress)),
        help: "quiz.key.progress",
    },
    Binding {
        keys: &[Key::Char('m')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::Menu)),
        help: "quiz.key.menu",
    },
    Binding {
        keys: &[Key::Char('+'), Key::Char('=')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::More)),
        help: "quiz.key.more",
    },
    Binding {
        keys: &[Key::Char('-')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::Fewer)),
        help: "quiz.key.fewer",
    },
    Binding {
        keys: &[Key::Char('r')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::Due)),
        help: "quiz.key.due",
    },
    Binding {
        keys: &[Key::Char('d')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::Drill)),
        help: "quiz.key.drill",
    },
    Binding {
        keys: &[Key::Char('t')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::DrillTime)),
        help: "quiz.key.drill_time",
    },
];

/// The keys of an exam: nothing that shows an answer, a case or mastery
/// before the end (show me, progress, due, drills and the count are off).
pub const EXAM_KEYS: &[Binding] = &[
    Binding {
        keys: &[Key::Char('n')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::Start)),
        help: "quiz.key.start_exam",
    },
    Binding {
        keys: &[Key::Char('m')],
        msg: Msg::Panel(PanelMsg::Quiz(QuizMsg::Menu)),
        help: "quiz.key.menu",
    },
];

const DEFAULT_COUNT: usize = 10;
/// The longest answer (characters): every answer is a short address or word.
const ANSWER_MAX: usize = 64;

impl QuizPanel {
    /// A panel over the authored `bank`; mastery is read from and written to
    /// `store` when there is one.
    pub fn new(bank: Vec<Question>, store: Option<Store>) -> QuizPanel {
        let mastery = store.as_ref().map(Mastery::load).unwrap_or_default();
        let mut drill = drill::DrillMode::default();
        drill.choose(store.as_ref());
        QuizPanel {
            drill,
            bank,
            store,
            due_today: mastery.due_today(chrono::Utc::now()),
            mastery,
            count: DEFAULT_COUNT,
            input: TextField::new(ANSWER_MAX),
            ..QuizPanel::default()
        }
    }

    /// Starts a quiz of what is due today (in the chosen topics); when
    /// nothing is, says so and when the next review is.
    pub fn start_due(&mut self, ctx: &mut Ctx) {
        let spec = QuizSpec {
            topics: self.topics.clone(),
            count: self.count.clamp(1, MAX_COUNT),
            seed: self.seed.unwrap_or_else(session::fresh_seed),
        };
        let today = chrono::Utc::now();
        let questions = self.mastery.due_quiz(&spec, &self.bank, today);
        if questions.is_empty() {
            ctx.say(self.mastery.nothing_due(ctx.lang, today));
            self.mode = Mode::Menu;
            return;
        }
        self.begin(spec, questions, ctx.now, ctx.lang);
    }

    /// Starts a quiz at `now` with the current settings.
    pub fn start(&mut self, now: Instant, lang: crate::i18n::Lang) {
        let seed = self.seed.unwrap_or_else(session::fresh_seed);
        let due = if self.seed.is_some() {
            Vec::new()
        } else {
            self.mastery.due()
        };
        let spec = QuizSpec {
            topics: self.topics.clone(),
            count: self.count.clamp(1, MAX_COUNT),
            seed,
        };
        let questions = session::build(&spec, &self.bank, &due);
        self.begin(spec, questions, now, lang);
    }

    fn begin(
        &mut self,
        spec: QuizSpec,
        questions: Vec<Question>,
        now: Instant,
        lang: crate::i18n::Lang,
    ) {
        let mut session = Session::new(spec, questions);
        session.exam = self.exam;
        session.student = self.student.clone();
        self.book =
            match crate::class::gradebook::book_path(self.db.as_deref(), self.store.as_ref()) {
                Some(path) if !session.questions.is_empty() => {
                    QuizRecorder::begin(&path, &session, lang)
                }
                _ => QuizRecorder::off(),
            };
        self.session = Some(session);
        self.input.clear();
        self.review = 0;
        self.asked_at = Some(now);
        self.deadline = self.time_limit.map(|d| now + d);
        self.seconds_left = self.time_limit.map(|d| d.as_secs());
        self.mode = Mode::Asking;
    }

    /// The question on screen (being asked, or just answered).
    pub fn shown(&self) -> Option<(usize, &Question, Option<&Record>)> {
        let s = self.session.as_ref()?;
        match self.mode {
            Mode::Asking => s.current().map(|q| (s.index(), q, None)),
            Mode::Feedback => {
                let i = s.index().checked_sub(1)?;
                Some((i, s.questions.get(i)?, s.records.get(i)))
            }
            _ => None,
        }
    }

    fn submit(&mut self, ctx: &mut Ctx) {
        let seconds = self
            .asked_at
            .map_or(0.0, |a| ctx.now.saturating_duration_since(a).as_secs_f64());
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let Some(question) = session.current().cloned() else {
            return;
        };
        if session.exam
            && let Verdict::Unreadable(why) = answer::check(&question.kind, self.input.as_str())
        {
            // Malformed, not wrong: asked again, without penalty; the
            // answer stays in the field to be mended.
            ctx.say(tf(
                ctx.lang,
                "quiz.exam.again",
                &[("why", &why.text(ctx.lang))],
            ));
            return;
        }
        let position = session.index();
        let exam = session.exam;
        let Some(record) = session.answer(self.input.as_str(), seconds).cloned() else {
            return;
        };
        self.book
            .answer(&self.student, position, &question, &record);
        self.mastery.record(&question, record.verdict.is_correct());
        self.save_mastery(ctx);
        self.input.clear();
        if exam {
            ctx.say(t(ctx.lang, "quiz.exam.recorded"));
            self.next_question(ctx);
        } else {
            self.mode = Mode::Feedback;
        }
        self.book_warning(ctx);
    }

    /// The grade book's first failure, once, on the status bar.
    fn book_warning(&mut self, ctx: &mut Ctx) {
        if let Some(w) = self.book.warning() {
            ctx.say(w);
        }
    }

    /// True while the quiz under way (or just finished) is an exam.
    pub fn in_exam(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.exam)
            && matches!(self.mode, Mode::Asking | Mode::Feedback | Mode::Finished)
    }

    /// Writes mastery after every answer, so leaving mid-quiz loses nothing.
    fn save_mastery(&mut self, ctx: &mut Ctx) {
        if let Some(store) = &self.store {
            match self.mastery.save(store) {
                Ok(None) => {}
                Ok(Some(warning)) => ctx.say(warning),
                Err(e) => ctx.say(e.to_string()),
            }
        }
        self.due_today = self.mastery.due_today(chrono::Utc::now());
    }

    fn next_question(&mut self, ctx: &mut Ctx) {
        let over = self.session.as_ref().is_none_or(Session::is_over);
        if over {
            self.finish(ctx);
        } else {
            self.asked_at = Some(ctx.now);
            self.mode = Mode::Asking;
        }
    }

    /// Ends the quiz: unanswered questions count wrong; mastery and results
    /// are written.
    fn finish(&mut self, ctx: &mut Ctx) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        session.finish();
        self.book.finish(session, std::time::SystemTime::now());
        self.mode = Mode::Finished;
        self.review = 0;
        self.deadline = None;
        self.mastery.finish_quiz();
        self.save_mastery(ctx);
        self.book_warning(ctx);
        if let (Some(path), Some(session)) = (&self.results, &self.session) {
            let ended = std::time::SystemTime::now();
            match results::write(path, &results::results(session, ctx.lang, ended)) {
                Ok(written) => ctx.say(tf(
                    ctx.lang,
                    "status.exported",
                    &[("path", &written.display().to_string())],
                )),
                Err(e) => ctx.say(e.to_string()),
            }
        }
    }

    fn show_me(&self, ctx: &mut Ctx) -> Option<Msg> {
        if self.in_exam() {
            ctx.say(t(ctx.lang, "quiz.exam.key_off"));
            return None;
        }
        let question = match self.mode {
            Mode::Feedback => self.shown().map(|(_, q, _)| q),
            Mode::Finished => self
                .session
                .as_ref()
                .and_then(|s| s.mistakes().get(self.review).map(|(q, _)| *q)),
            _ => None,
        };
        match question.and_then(|q| q.panel.clone()) {
            Some(link) => Some(Msg::OpenArg(link.open)),
            None => {
                ctx.say(t(ctx.lang, "quiz.no_show_me"));
                None
            }
        }
    }

    /// Menu rows: one per topic, plus "all".
    pub fn toggle_topic(&mut self, index: usize) {
        let Some(topic) = Topic::ALL.get(index).copied() else {
            return;
        };
        if let Some(at) = self.topics.iter().position(|t| *t == topic) {
            self.topics.remove(at);
        } else {
            self.topics.push(topic);
            self.topics.sort();
        }
    }
}

impl Panel for QuizPanel {
    type Msg = QuizMsg;

    const KEYS: &'static [crate::ui::keymap::Binding] = KEYS;

    fn create(init: &crate::ui::panel::PanelInit) -> Self {
        {
            let mut quiz = QuizPanel::new(init.lessons.questions.clone(), init.store.clone());
            quiz.concepts = init.lessons.curriculum.clone();
            quiz
        }
    }

    /// In an exam the hint bar offers only the keys that work there; the
    /// drill time limit (`t`, the last key) only in the drill chooser.
    fn keys(&self) -> &'static [Binding] {
        if self.in_exam() {
            EXAM_KEYS
        } else if self.mode == Mode::Drill && self.drill.stage == drill::Stage::Choose {
            KEYS
        } else {
            &KEYS[..KEYS.len() - 1]
        }
    }

    fn update(&mut self, msg: QuizMsg, ctx: &mut Ctx) -> Option<Msg> {
        if self.in_exam()
            && !EXAM_KEYS
                .iter()
                .any(|b| b.msg == Msg::Panel(PanelMsg::Quiz(msg)))
        {
            ctx.say(t(ctx.lang, "quiz.exam.key_off"));
            return None;
        }
        match msg {
            QuizMsg::Start => self.start(ctx.now, ctx.lang),
            QuizMsg::ShowMe => return self.show_me(ctx),
            QuizMsg::Due => self.start_due(ctx),
            QuizMsg::Drill => {
                self.drill.choose(self.store.as_ref());
                self.mode = Mode::Drill;
            }
            QuizMsg::Progress => {
                self.mode = if self.mode == Mode::Progress {
                    Mode::Menu
                } else {
                    Mode::Progress
                };
            }
            QuizMsg::Menu => self.mode = Mode::Menu,
            QuizMsg::More | QuizMsg::Fewer
                if self.mode == Mode::Drill && self.drill.stage == drill::Stage::Choose =>
            {
                self.drill.resize(msg == QuizMsg::More);
            }
            QuizMsg::More => self.count = (self.count + 5).min(MAX_COUNT),
            QuizMsg::Fewer => self.count = self.count.saturating_sub(5).max(1),
            QuizMsg::DrillTime => {
                if self.mode == Mode::Drill && self.drill.stage == drill::Stage::Choose {
                    self.drill.cycle_time_limit();
                } else {
                    ctx.say(t(ctx.lang, "quiz.drill.time_in_chooser"));
                }
            }
        }
        None
    }

    fn nav(&mut self, nav: Nav, ctx: &mut Ctx) -> Option<Msg> {
        match self.mode {
            Mode::Menu => match nav {
                Nav::Up | Nav::PrevPane => self.cursor = self.cursor.saturating_sub(1),
                Nav::Down | Nav::NextPane => {
                    self.cursor = (self.cursor + 1).min(Topic::ALL.len() - 1)
                }
                Nav::First => self.cursor = 0,
                Nav::Last => self.cursor = Topic::ALL.len() - 1,
                Nav::Enter => self.toggle_topic(self.cursor),
                Nav::Next => self.start(ctx.now, ctx.lang),
                Nav::Prev => {}
            },
            Mode::Feedback => {
                if matches!(nav, Nav::Next | Nav::Enter) {
                    self.next_question(ctx);
                }
            }
            Mode::Finished => {
                let n = self.session.as_ref().map_or(0, |s| s.mistakes().len());
                match nav {
                    Nav::Up | Nav::Prev => self.review = self.review.saturating_sub(1),
                    Nav::Down | Nav::Next => {
                        self.review = (self.review + 1).min(n.saturating_sub(1))
                    }
                    Nav::First => self.review = 0,
                    Nav::Last => self.review = n.saturating_sub(1),
                    Nav::Enter => return self.show_me(ctx),
                    Nav::NextPane | Nav::PrevPane => {}
                }
            }
            Mode::Drill => self.drill.nav(nav, self.store.as_ref(), ctx.now),
            Mode::Asking | Mode::Progress => {}
        }
        None
    }

    fn back(&mut self, _ctx: &mut Ctx) -> bool {
        match self.mode {
            Mode::Asking if !self.input.is_empty() => {
                self.input.clear();
                true
            }
            Mode::Finished | Mode::Progress => {
                self.mode = Mode::Menu;
                true
            }
            Mode::Drill => {
                if !self.drill.back(self.store.as_ref()) {
                    self.mode = Mode::Menu;
                }
                true
            }
            _ => false,
        }
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let theme = ctx.theme;
        let block = theme.block(t(ctx.lang, "tab.quiz"), true);
        let inner = block.inner(area);
        block.render(area, buf);
        let pad = if ctx.present { 2 } else { 1 };
        let text_area = Rect {
            x: inner.x + pad,
            width: inner.width.saturating_sub(pad * 2),
            ..inner
        };
        let max = usize::from(text_area.width);
        let lines: Vec<Line> = match self.mode {
            Mode::Menu => view::menu(self, max, ctx),
            Mode::Asking | Mode::Feedback => view::question(self, max, ctx),
            Mode::Finished => view::finished(self, max, ctx),
            Mode::Progress => view::progress(&self.mastery, &self.concepts, max, ctx),
            Mode::Drill => drill_view::lines(&self.drill, max, ctx),
        };
        // Keep the end (the input line, the verdict) in view on small screens.
        let keep_end = matches!(self.mode, Mode::Asking | Mode::Feedback)
            || (self.mode == Mode::Drill && self.drill.stage == drill::Stage::Answering);
        let overflow = lines.len().saturating_sub(usize::from(text_area.height));
        let scroll = if keep_end { overflow } else { 0 };
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(0), 0))
            .render(text_area, buf);
    }

    fn open(&mut self, arg: &PanelArg, ctx: &mut Ctx) {
        let PanelArg::Quiz(arg) = arg else {
            return;
        };
        if !arg.topics.is_empty() {
            self.topics = arg.topics.clone();
        }
        if let Some(n) = arg.count {
            self.count = n.clamp(1, MAX_COUNT);
        }
        if let Some(seed) = arg.seed {
            self.seed = Some(seed);
        }
        if let Some(secs) = arg.time {
            self.time_limit = Some(Duration::from_secs(secs.max(1)));
        }
        if let Some(path) = &arg.results {
            self.results = Some(path.clone());
        }
        if arg.exam {
            self.exam = true;
        }
        if let Some(student) = &arg.student {
            self.student = student.clone();
        }
        if let Some(db) = &arg.db {
            self.db = Some(db.clone());
        }
        if let Some(kind) = arg.drill {
            self.drill.cursor = kind
                .and_then(|k| DrillKind::ALL.iter().position(|x| *x == k))
                .map_or(0, |i| i + 1);
            self.drill.seed = arg.seed;
            if let Some(n) = arg.count {
                self.drill.set_size = n.clamp(1, drill::MAX_SET);
            }
            self.drill.time_limit = arg.time.map(|s| Duration::from_secs(s.max(1)));
            self.drill.choose(self.store.as_ref());
            self.drill.start(self.store.as_ref(), ctx.now);
            self.mode = Mode::Drill;
        } else if arg.due {
            self.start_due(ctx);
        } else if arg.is_empty() {
            self.mode = Mode::Menu;
        } else {
            self.start(ctx.now, ctx.lang);
        }
    }

    fn wants_ticks(&self) -> bool {
        (self.deadline.is_some() && matches!(self.mode, Mode::Asking | Mode::Feedback))
            || (self.mode == Mode::Drill && self.drill.deadline.is_some())
    }

    /// The countdown shows whole seconds: a redraw when that number changes
    /// (or time is up), not on every tick.
    fn tick(&mut self, ctx: &mut Ctx) -> bool {
        if self.mode == Mode::Drill {
            return self.drill.tick(ctx.now, self.store.as_ref(), ctx);
        }
        let Some(deadline) = self.deadline else {
            return false;
        };
        let now = ctx.now;
        let left = Some(deadline.saturating_duration_since(now).as_secs());
        let changed = left != self.seconds_left;
        self.seconds_left = left;
        if now >= deadline {
            ctx.say(t(ctx.lang, "quiz.time_up"));
            self.finish(ctx);
            return true;
        }
        changed
    }

    fn captures_text(&self) -> bool {
        self.mode == Mode::Asking
            || (self.mode == Mode::Drill && self.drill.stage == drill::Stage::Answering)
    }

    /// Every key while an answer is typed: printable keys (`q` and `?` too)
    /// go into the answer, Enter submits.
    fn text_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> TextInput {
        if self.mode == Mode::Drill {
            return self.drill.text_key(key, self.store.as_ref(), ctx);
        }
        match self.input.key(&key) {
            Edit::Changed => TextInput::Consumed(None),
            Edit::Full => {
                ctx.say(t(ctx.lang, "status.field_full"));
                TextInput::Consumed(None)
            }
            Edit::NotText if key.code == KeyCode::Enter => {
                self.submit(ctx);
                TextInput::Consumed(None)
            }
            // Backspace in an empty answer does nothing (Esc leaves).
            Edit::NotText if key.code == KeyCode::Backspace => TextInput::Consumed(None),
            Edit::NotText => TextInput::Ignored,
        }
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> TextInput {
        if self.mode == Mode::Drill {
            return self.drill.paste(text, ctx);
        }
        if !self.input.paste(text) {
            ctx.say(t(ctx.lang, "status.field_full"));
        }
        TextInput::Consumed(None)
    }
}
