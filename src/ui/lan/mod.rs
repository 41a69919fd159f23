//! The LAN / ARP section: hosts A, B, C and the gateway router on one switch.
//! The ARP story plays step by step (step / back / play); the switch's MAC table
//! and every ARP cache fill as frames pass, and each frame opens in the inspector.

use crate::ui::msg::PanelMsg;
use std::path::PathBuf;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::app::{Msg, Nav};
use super::keymap::{Binding, Key};
use super::panel::{Ctx, Panel, RenderCtx};
use super::widgets::export::{export_pcap, stamped};
use super::widgets::inspector::{Inspector, InspectorMsg, InspectorPane, inspector_keys};
use crate::lesson::PanelArg;
use crate::lesson::panel::LanSource;
use crate::net::arp::{Lan, LanCase, LanScenario, LanStep, scenario, story};

mod draw;
pub mod loss;
pub mod predict;
pub mod real;
pub mod topo;

use real::{LanRealRun, LiveRun, RealRun};

/// Ticks (of the app's 50 ms timer) between steps while playing.
const TICKS_PER_STEP: u32 = 30;

/// State of the LAN / ARP panel.
#[derive(Debug)]
pub struct LanPanel {
    pub scenario: LanScenario,
    /// The student's own case (from the Subnet panel's `g`), instead of a
    /// canned scenario.
    pub case: Option<LanCase>,
    steps: Vec<LanStep>,
    error: Option<String>,
    pub cursor: usize,
    pub playing: bool,
    ticks: u32,
    /// Narrow screens show the inspector instead of the tables.
    pub show_inspector: bool,
    inspector: InspectorPane,
    lan: Lan,
    /// Where `w` writes (the working directory unless a test says otherwise).
    pub export_dir: Option<PathBuf>,
    /// Real mode (`r`): the scenario as the virtual network ran it.
    pub real: Option<RealRun>,
    /// Real mode while the run goes: frames and tables as they stream in.
    pub live: Option<LiveRun>,
    pub real_cursor: usize,
    /// The worker running the virtual network, until its result arrives.
    real_job: Option<std::thread::JoinHandle<()>>,
    /// The binary whose hidden `__vnet` subcommand runs the lab (this one
    /// unless a test names the built binary).
    pub lab_exe: Option<PathBuf>,
    /// Before a real run: the choice under the cursor (predict, then observe).
    pub predicting: Option<usize>,
    /// The prediction the real run on screen is compared with.
    pub prediction: Option<usize>,
    /// The loss view (`t`): tcp-loss run live with its knobs.
    pub loss: Option<loss::LossView>,
    /// A lesson's `experiment=NAME`: the experiment real mode runs instead of
    /// the scenario's own (until real mode is left). Before its run the panel
    /// says what it will run; `r` or Enter runs it (no question).
    pub experiment: Option<&'static str>,
}

/// Messages of the LAN / ARP panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanMsg {
    TogglePlay,
    NextScenario,
    ToggleInspector,
    /// Run the scenario in the virtual network, or go back to the simulation.
    Real,
    /// Open or close the loss view (TCP over the impaired link).
    Loss,
    /// In the loss view: more (true) or less loss.
    LossStep(bool),
    /// In the loss view: the next seed.
    NextSeed,
    /// In the loss view: Linux's own loss recovery or the classic rules.
    ToggleRecovery,
    Inspector(InspectorMsg),
}

const PLAY: Binding = Binding {
    keys: &[Key::Char('p')],
    msg: Msg::Panel(PanelMsg::Lan(LanMsg::TogglePlay)),
    help: "lan.key.play",
};
const SCENARIO: Binding = Binding {
    keys: &[Key::Char('s')],
    msg: Msg::Panel(PanelMsg::Lan(LanMsg::NextScenario)),
    help: "lan.key.scenario",
};
const FRAME: Binding = Binding {
    keys: &[Key::Char('f')],
    msg: Msg::Panel(PanelMsg::Lan(LanMsg::ToggleInspector)),
    help: "lan.key.frame",
};
const REAL: Binding = Binding {
    keys: &[Key::Char('r')],
    msg: Msg::Panel(PanelMsg::Lan(LanMsg::Real)),
    help: "lan.key.real",
};
const LOSS: Binding = Binding {
    keys: &[Key::Char('t')],
    msg: Msg::Panel(PanelMsg::Lan(LanMsg::Loss)),
    help: "lan.key.loss",
};
const MORE_LOSS: Binding = Binding {
    keys: &[Key::Char('+'), Key::Char('=')],
    msg: Msg::Panel(PanelMsg::Lan(LanMsg::LossStep(true))),
    help: "lan.key.loss-more",
};
const LESS_LOSS: Binding = Binding {
    keys: &[Key::Char('-')],
    msg: Msg::Panel(PanelMsg::Lan(LanMsg::LossStep(false))),
    help: "lan.key.loss-less",
};
const SEED: Binding = Binding {
    keys: &[Key::Char('n')],
    msg: Msg::Panel(PanelMsg::Lan(LanMsg::NextSeed)),
    help: "lan.key.seed",
};
const RECOVERY: Binding = Binding {
    keys: &[Key::Char('c')],
    msg: Msg::Panel(PanelMsg::Lan(LanMsg::ToggleRecovery)),
    help: "lan.key.recovery",
};

/// Keys of the LAN / ARP panel (the inspector's after its own, the loss
/// view's last).
pub const KEYS: &[Binding] = inspector_keys!(
    PanelMsg::Lan,
    LanMsg::Inspector,
    [PLAY, SCENARIO, FRAME, REAL],
    [LOSS, MORE_LOSS, LESS_LOSS, SEED, RECOVERY]
);

/// The hint bar's keys outside the loss view: the loss knobs, which do
/// nothing there, left out.
pub const SIMULATION_KEYS: &[Binding] = inspector_keys!(
    PanelMsg::Lan,
    LanMsg::Inspector,
    [PLAY, SCENARIO, FRAME, REAL],
    [LOSS]
);

/// The same keys in the loss view: its own first (the hint bar's order).
pub const LOSS_VIEW_KEYS: &[Binding] = inspector_keys!(
    PanelMsg::Lan,
    LanMsg::Inspector,
    [LOSS, REAL, MORE_LOSS, LESS_LOSS, SEED, RECOVERY, FRAME],
    [PLAY, SCENARIO]
);

impl Default for LanPanel {
    fn default() -> Self {
        let mut panel = LanPanel {
            scenario: LanScenario::SameNetwork,
            case: None,
            steps: Vec::new(),
            error: None,
            cursor: 0,
            playing: false,
            ticks: 0,
            show_inspector: false,
            inspector: InspectorPane::default(),
            lan: Lan::default(),
            export_dir: None,
            real: None,
            live: None,
            real_cursor: 0,
            real_job: None,
            lab_exe: None,
            predicting: None,
            prediction: None,
            loss: None,
            experiment: None,
        };
        panel.load(LanScenario::SameNetwork);
        panel
    }
}

impl LanPanel {
    fn load(&mut self, kind: LanScenario) {
        self.real = None;
        self.experiment = None;
        self.scenario = kind;
        self.case = None;
        self.lan = Lan::default();
        self.show(scenario(kind).map_err(|e| e.to_string()));
    }

    /// Simulates the student's own addresses, mask and gateway.
    fn load_case(&mut self, case: LanCase, lang: crate::i18n::Lang) -> Result<(), String> {
        let lan = case.lan().map_err(|e| e.message(lang))?;
        self.case = Some(case);
        self.lan = lan.clone();
        self.show(story(lan, case.dst).map_err(|e| e.to_string()));
        Ok(())
    }

    fn show(&mut self, steps: Result<Vec<LanStep>, String>) {
        match steps {
            Ok(steps) => {
                self.steps = steps;
                self.error = None;
            }
            Err(e) => {
                self.steps = Vec::new();
                self.error = Some(e);
            }
        }
        self.cursor = 0;
        self.playing = false;
        self.refresh_inspector();
    }

    /// The LAN being shown (the default one or the student's case).
    pub fn lan(&self) -> &Lan {
        &self.lan
    }

    /// Real mode's run on screen: the finished one, or the one streaming in.
    pub fn real_shown(&self) -> Option<&RealRun> {
        self.real
            .as_ref()
            .or_else(|| self.live.as_ref().map(|live| &live.view))
    }

    fn refresh_inspector(&mut self) {
        let frame = match (&self.loss, &self.real) {
            (Some(view), _) => view
                .run
                .as_ref()
                .and_then(|run| run.rows.get(view.cursor))
                .map(|row| row.data.clone()),
            (None, _) => match self.real_shown() {
                Some(run) => run.frames.get(self.real_cursor).map(|f| f.data.clone()),
                None => self.steps.get(self.cursor).and_then(|s| s.frame.clone()),
            },
        };
        self.inspector.show_frame(frame.as_deref());
    }

    /// `r`: asks for a prediction first; `r` again (or Enter on a choice) runs
    /// the scenario for real; in real mode, goes back to the simulation.
    fn toggle_real(&mut self, ctx: &mut Ctx) {
        if let Some(view) = &mut self.loss {
            // Predict first; `r` again runs with what was answered so far.
            if view.asking.is_some() {
                self.start_loss(ctx);
            } else if self.real_job.is_none() {
                view.ask();
            }
            return;
        }
        if self.real.take().is_some() {
            self.experiment = None;
            self.refresh_inspector();
            return;
        }
        if self.real_job.is_some() {
            return;
        }
        if self.case.is_some() {
            ctx.say(crate::i18n::t(ctx.lang, "lan.real.own-case"));
            return;
        }
        self.playing = false;
        if self.experiment.is_some() {
            self.start_real(ctx);
            return;
        }
        if self.predicting.take().is_none() {
            self.predicting = Some(0);
            self.prediction = None;
            return;
        }
        self.start_real(ctx);
    }

    fn start_real(&mut self, ctx: &mut Ctx) {
        match self.experiment {
            Some(name) => ctx.say(crate::i18n::tf(
                ctx.lang,
                "lan.experiment.running",
                &[("name", name)],
            )),
            None => ctx.say(crate::i18n::t(ctx.lang, "lan.real.running")),
        }
        let experiment = self
            .experiment
            .unwrap_or_else(|| real::experiment_of(self.scenario));
        let live = LiveRun::new(experiment);
        self.real_job = Some(real::spawn(
            self.lab_exe.clone(),
            experiment,
            crate::vnet::proto::Params::default(),
            real::live_to_sink(ctx.jobs.clone(), live.queue.clone()),
            real::to_sink(ctx.jobs.clone()),
        ));
        self.live = Some(live);
        self.real_cursor = 0;
        self.refresh_inspector();
    }

    /// `t`: the loss view, or back to what was on screen.
    fn toggle_loss(&mut self) {
        self.predicting = None;
        self.playing = false;
        self.loss = match self.loss.take() {
            Some(_) => None,
            None => Some(loss::LossView::default()),
        };
        self.refresh_inspector();
    }

    /// Runs tcp-loss with the view's knobs (once at a time).
    fn start_loss(&mut self, ctx: &mut Ctx) {
        let Some(view) = &mut self.loss else {
            return;
        };
        if self.real_job.is_some() {
            return;
        }
        view.take_answers();
        ctx.say(crate::i18n::t(ctx.lang, "lan.loss.running"));
        let queue = view.begin_live().queue.clone();
        self.real_job = Some(real::spawn(
            self.lab_exe.clone(),
            loss::EXPERIMENT,
            view.knobs.params(),
            real::live_to_sink(ctx.jobs.clone(), queue),
            real::to_sink(ctx.jobs.clone()),
        ));
        self.refresh_inspector();
    }

    /// A lesson's experiment, waiting for `r` or Enter (not run yet).
    pub fn armed(&self) -> Option<&'static str> {
        self.experiment
            .filter(|_| self.real_shown().is_none() && self.loss.is_none())
    }

    /// Whether a real run is under way.
    pub fn real_running(&self) -> bool {
        self.real_job.is_some()
    }

    /// Shows a finished real run (or says why there is none).
    pub fn show_real(&mut self, run: LanRealRun, ctx: &mut Ctx) {
        if let Some(job) = self.real_job.take() {
            // The worker has sent its result; joining returns at once.
            let _ = job.join();
        }
        // Where the student was looking while it ran, unless that was the
        // newest frame: then from the first, as a finished run opens.
        let kept = self
            .live
            .take()
            .filter(|live| !live.follow)
            .map(|_| self.real_cursor);
        match run.0 {
            Ok(outcome) if outcome.experiment == loss::EXPERIMENT => {
                // Shown only if the student still has the loss view open.
                if let Some(view) = &mut self.loss {
                    view.finish(loss::LossRun::from_outcome(&outcome));
                }
                ctx.status = None;
                self.refresh_inspector();
            }
            Ok(outcome) => {
                let run = RealRun::from_outcome(&outcome);
                self.real_cursor = kept.unwrap_or(0).min(run.frames.len().saturating_sub(1));
                self.real = Some(run);
                self.playing = false;
                ctx.status = None;
                self.refresh_inspector();
            }
            Err(e) => {
                // A run that failed shows nothing of what it streamed.
                if let Some(view) = &mut self.loss
                    && view.live.take().is_some()
                {
                    view.run = None;
                    view.cursor = 0;
                }
                ctx.say(e.message(ctx.lang));
                self.refresh_inspector();
            }
        }
    }

    /// What the running experiment has streamed since the last wake-up: the
    /// frames and tables on screen grow, the cursor stays on the newest
    /// frame unless the student moved it.
    pub fn absorb_live(&mut self) {
        if let Some(view) = &mut self.loss {
            view.absorb_live();
        }
        let Some(live) = &mut self.live else {
            self.refresh_inspector();
            return;
        };
        let items = live.queue.take();
        live.absorb(items);
        if live.follow {
            self.real_cursor = live.view.frames.len().saturating_sub(1);
        }
        self.refresh_inspector();
    }

    /// Steps in the mode on screen: captured frames, or the simulated story.
    fn len(&self) -> usize {
        if let Some(view) = &self.loss {
            return view.run.as_ref().map_or(0, |r| r.rows.len());
        }
        self.real_shown()
            .map_or(self.steps.len(), |r| r.frames.len())
    }

    fn at(&self) -> usize {
        if let Some(view) = &self.loss {
            return view.cursor;
        }
        if self.real_shown().is_some() {
            self.real_cursor
        } else {
            self.cursor
        }
    }

    /// The step shown now.
    pub fn step(&self) -> Option<&LanStep> {
        self.steps.get(self.cursor)
    }

    pub fn step_count(&self) -> usize {
        self.steps.len()
    }

    pub fn inspector(&self) -> Option<&Inspector> {
        self.inspector.get()
    }

    fn go(&mut self, cursor: usize) {
        let cursor = cursor.min(self.len().saturating_sub(1));
        if let Some(view) = &mut self.loss {
            view.go(cursor);
        } else if self.real_shown().is_some() {
            self.real_cursor = cursor;
            // Back on the newest frame (End, or → to it): follow again.
            let last = self.len().saturating_sub(1);
            if let Some(live) = &mut self.live {
                live.follow = cursor == last;
            }
        } else {
            self.cursor = cursor;
        }
        self.refresh_inspector();
    }

    /// The frames of the story, each once, as `w` writes them.
    pub fn frames(&self) -> Vec<Vec<u8>> {
        let mut frames: Vec<Vec<u8>> = self.steps.iter().filter_map(|s| s.frame.clone()).collect();
        frames.dedup();
        frames
    }

    fn export_frames(&self, lang: crate::i18n::Lang) -> Result<String, String> {
        if let Some(view) = &self.loss {
            // The loss view writes its run (nothing before one has run).
            let Some(run) = &view.run else {
                return Err(crate::i18n::t(lang, "lan.loss.none").to_string());
            };
            let stem = format!(
                "nettutor-tcp-loss-{}pct-seed{}",
                run.knobs.loss_pct, run.knobs.seed
            );
            return export_pcap(self.export_dir.as_deref(), &stem, &run.stamped_frames());
        }
        if let Some(run) = self.real_shown() {
            let stem = match self.experiment {
                Some(name) => format!("nettutor-{name}"),
                None => format!("nettutor-arp-real-{}", self.scenario.name()),
            };
            return export_pcap(self.export_dir.as_deref(), &stem, &run.stamped_frames());
        }
        let name = if self.case.is_some() {
            "own-case"
        } else {
            self.scenario.name()
        };
        let stem = format!("nettutor-arp-{name}");
        export_pcap(self.export_dir.as_deref(), &stem, &stamped(self.frames()))
    }
}
impl Panel for LanPanel {
    type Msg = LanMsg;

    const KEYS: &'static [crate::ui::keymap::Binding] = KEYS;

    fn keys(&self) -> &'static [Binding] {
        if self.loss.is_some() {
            LOSS_VIEW_KEYS
        } else {
            SIMULATION_KEYS
        }
    }

    fn create(init: &crate::ui::panel::PanelInit) -> Self {
        LanPanel {
            export_dir: init.export_dir.clone(),
            ..LanPanel::default()
        }
    }

    fn update(&mut self, msg: LanMsg, ctx: &mut Ctx) -> Option<Msg> {
        match msg {
            LanMsg::Real => self.toggle_real(ctx),
            LanMsg::Loss => self.toggle_loss(),
            LanMsg::LossStep(up) => {
                if let Some(view) = &mut self.loss {
                    view.knobs.step(up);
                }
            }
            LanMsg::NextSeed => {
                if let Some(view) = &mut self.loss {
                    view.knobs.seed = view.knobs.seed.wrapping_add(1);
                }
            }
            LanMsg::ToggleRecovery => {
                if let Some(view) = &mut self.loss {
                    view.knobs.toggle_recovery();
                }
            }
            LanMsg::TogglePlay => {
                if !self.playing && self.at() + 1 >= self.len() {
                    self.go(0);
                }
                self.playing = !self.playing;
                self.ticks = 0;
            }
            LanMsg::NextScenario => {
                let next = match (self.case, self.scenario) {
                    (Some(_), kind) => kind,
                    (None, LanScenario::SameNetwork) => LanScenario::ViaGateway,
                    (None, LanScenario::ViaGateway) => LanScenario::SameNetwork,
                };
                self.load(next);
            }
            LanMsg::ToggleInspector => self.show_inspector = !self.show_inspector,
            LanMsg::Inspector(m) => self.inspector.update(m),
        }
        None
    }

    fn nav(&mut self, nav: Nav, ctx: &mut Ctx) -> Option<Msg> {
        if self.armed().is_some() {
            if nav == Nav::Enter && self.real_job.is_none() {
                self.start_real(ctx);
            }
            return None;
        }
        if let Some(choice) = self.predicting {
            let last = real::question(self.scenario).choices.len() - 1;
            match nav {
                Nav::Up | Nav::Prev => self.predicting = Some(choice.saturating_sub(1)),
                Nav::Down | Nav::Next => self.predicting = Some((choice + 1).min(last)),
                Nav::Enter => {
                    self.predicting = None;
                    self.prediction = Some(choice);
                    self.start_real(ctx);
                }
                _ => {}
            }
            return None;
        }
        if let Some(asking) = self.loss.as_mut().and_then(|v| v.asking.as_mut()) {
            match nav {
                Nav::Up | Nav::Prev => asking.up(),
                Nav::Down | Nav::Next => asking.down(&loss::QUESTIONS),
                // Enter takes the answer; after the last one the run starts.
                Nav::Enter if asking.choose() => self.start_loss(ctx),
                _ => {}
            }
            return None;
        }
        if let Some(view) = self.loss.as_mut().filter(|v| v.run.is_none())
            && nav == Nav::Enter
        {
            if self.real_job.is_none() {
                view.ask();
            }
            return None;
        }
        match nav {
            Nav::Next => self.go(self.at() + 1),
            Nav::Prev => self.go(self.at().saturating_sub(1)),
            Nav::First => self.go(0),
            Nav::Last => self.go(usize::MAX),
            Nav::Enter => self.show_inspector = !self.show_inspector,
            Nav::Up | Nav::Down => {
                self.inspector.nav(nav);
            }
            Nav::NextPane | Nav::PrevPane => {}
        }
        None
    }

    fn back(&mut self, _ctx: &mut Ctx) -> bool {
        if self.predicting.take().is_some() {
            return true;
        }
        if self.armed().is_some() {
            self.experiment = None;
            return true;
        }
        if self
            .loss
            .as_mut()
            .is_some_and(|v| v.asking.take().is_some())
        {
            return true;
        }
        if self.show_inspector {
            self.show_inspector = false;
            return true;
        }
        if self.loss.take().is_some() {
            self.refresh_inspector();
            return true;
        }
        false
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        if let Some(choice) = self.predicting {
            self.draw_question(choice, area, buf, ctx);
            return;
        }
        if let Some(name) = self.armed() {
            self.draw_armed(name, area, buf, ctx);
            return;
        }
        if let Some(view) = &self.loss {
            if let Some(asking) = &view.asking {
                loss::draw_asking(view, asking, area, buf, ctx);
            } else if self.show_inspector {
                self.inspector.render(area, buf, ctx, "lan.no-frame");
            } else {
                loss::draw(view, self.real_job.is_some(), area, buf, ctx);
            }
            return;
        }
        match self.real_shown() {
            Some(run) if area.height >= 8 && area.width >= 40 => {
                self.draw_real(run, area, buf, ctx);
            }
            Some(_) => {}
            None => self.draw(area, buf, ctx),
        }
    }

    fn job(&mut self, job: crate::ui::msg::Job, ctx: &mut Ctx) {
        match job {
            crate::ui::msg::Job::LanReal(run) => self.show_real(run, ctx),
            crate::ui::msg::Job::LanLive => self.absorb_live(),
            _ => {}
        }
    }

    /// A canned scenario or the student's own case (`own=A/PREFIX dst=B
    /// [gateway=G]`, see [`LanCase`]), at a given step.
    fn open(&mut self, arg: &PanelArg, ctx: &mut Ctx) {
        let PanelArg::Lan(arg) = arg else {
            return;
        };
        match arg.source {
            LanSource::Scenario(kind) => self.load(kind),
            LanSource::Case(case) => {
                // The parser has simulated this case already; say why if not.
                if let Err(why) = self.load_case(case, ctx.lang) {
                    ctx.say(why);
                }
            }
        }
        // `loss=`/`seed=` open the loss view with those knobs; any other link
        // shows the simulation it names.
        self.loss = arg.loss.map(|knobs| loss::LossView {
            knobs: loss::Knobs {
                loss_pct: knobs.loss.as_percent(),
                seed: knobs.seed,
                ..loss::Knobs::default()
            },
            ..loss::LossView::default()
        });
        self.refresh_inspector();
        if let Some(step) = arg.step {
            self.go(step);
        }
        // A link asks its own question, or none (a question left open by an
        // earlier visit is dropped).
        self.predicting = (arg.real && self.case.is_none() && self.real_job.is_none()).then_some(0);
        if arg.real {
            self.prediction = None;
        }
        // `experiment=NAME`: says what will run; `r` or Enter runs it, with
        // no question (opening a step never starts a lab by itself).
        self.experiment = arg.experiment;
        if arg.experiment.is_some() {
            self.prediction = None;
            self.predicting = None;
        }
    }

    fn wants_ticks(&self) -> bool {
        self.playing
    }

    /// The question before a real run is one position: a clicker goes on past
    /// it (the instructor runs the network with Enter or `r` when the room has
    /// answered); a real run's frames are stepped like the story's.
    fn lecture_position(&self) -> Option<(usize, usize)> {
        if self.predicting.is_some()
            || self.armed().is_some()
            || self.loss.as_ref().is_some_and(|v| v.asking.is_some())
        {
            return Some((0, 0));
        }
        Some((self.at(), self.len().saturating_sub(1)))
    }

    /// The frame in flight moves a little on every tick (the simulation);
    /// a real run or the loss view only steps, so only a step redraws.
    fn tick(&mut self, _ctx: &mut Ctx) -> bool {
        if !self.playing {
            return false;
        }
        self.ticks += 1;
        let mut stepped = false;
        if self.ticks >= TICKS_PER_STEP {
            self.ticks = 0;
            if self.at() + 1 >= self.len() {
                self.playing = false;
            } else {
                self.go(self.at() + 1);
            }
            stepped = true;
        }
        let animates = self.loss.is_none() && self.real_shown().is_none();
        animates || stepped
    }

    fn leave(&mut self, _ctx: &mut Ctx) {
        self.playing = false;
        self.predicting = None;
        if let Some(view) = &mut self.loss {
            view.asking = None;
        }
    }

    fn export(&mut self, ctx: &mut Ctx) -> Option<Result<String, String>> {
        Some(self.export_frames(ctx.lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_orders_bind_the_same_keys() {
        let helps = |table: &[Binding]| {
            let mut h: Vec<&str> = table.iter().map(|b| b.help).collect();
            h.sort_unstable();
            h
        };
        assert_eq!(helps(KEYS), helps(LOSS_VIEW_KEYS));
        assert_eq!(LOSS_VIEW_KEYS[0].help, "lan.key.loss");
        let knobs = [
            "lan.key.loss-more",
            "lan.key.loss-less",
            "lan.key.seed",
            "lan.key.recovery",
        ];
        let mut sim = helps(SIMULATION_KEYS);
        sim.extend(knobs);
        sim.sort_unstable();
        assert_eq!(sim, helps(KEYS));
    }
}
