//! Starting, watching and stopping runs: a lab on a worker thread, or the
//! interactive chat/time conversation. Nothing here blocks the UI thread except
//! joining a thread that is already on its way out.

use std::time::Instant;

use super::live::LiveSession;
use super::run::{LabRun, RunEnd};
use super::worker::LabWorker;
use super::{LabsPanel, ParamForm};
use crate::i18n::{t, tf};
use crate::lab::{LabName, Transport};
use crate::ui::panel::Ctx;

impl LabsPanel {
    /// `r`: runs the selected lab with the form's parameters on a worker thread.
    pub(super) fn start(&mut self, ctx: &mut Ctx) {
        if self.is_running() {
            ctx.say(t(ctx.lang, "labs.busy"));
            return;
        }
        let lab = self.selected_lab();
        if !ParamForm::available(lab) {
            ctx.say(t(ctx.lang, "labs.unavailable"));
            return;
        }
        let Some(form) = self.forms.get_mut(self.selected) else {
            return;
        };
        if form.editing.is_some() {
            form.commit();
            if form.editing.is_some() {
                return;
            }
        }
        let params = form.params.clone();
        let run_id = self.next_run;
        self.next_run += 1;
        match LabWorker::start(params.clone(), ctx.jobs.clone(), run_id, ctx.now) {
            Ok(worker) => {
                self.worker = Some(worker);
                self.run = Some(LabRun::new(lab, params.predict()));
                self.frame = None;
                ctx.say(tf(ctx.lang, "labs.started", &[("lab", lab.as_str())]));
            }
            Err(e) => ctx.say(tf(ctx.lang, "labs.failed", &[("error", &e)])),
        }
    }

    /// `i`: starts the interactive chat or time conversation.
    pub(super) fn start_live(&mut self, ctx: &mut Ctx) {
        let lab = self.selected_lab();
        if !matches!(lab, LabName::Chat | LabName::Time) {
            ctx.say(t(ctx.lang, "labs.talk.only"));
            return;
        }
        if self.is_running() {
            ctx.say(t(ctx.lang, "labs.busy"));
            return;
        }
        let Some(form) = self.form() else {
            return;
        };
        let transport = Transport::from_word(&form.params.get("transport").unwrap_or_default());
        let predicted = form.params.predict();
        let run_id = self.next_run;
        self.next_run += 1;
        match LiveSession::start(lab, transport, ctx.jobs.clone(), run_id, ctx.now) {
            Ok(live) => {
                self.live = Some(live);
                self.run = Some(LabRun::new(lab, predicted));
                self.frame = None;
                ctx.say(t(ctx.lang, "labs.talk.started"));
            }
            Err(e) => ctx.say(tf(ctx.lang, "labs.failed", &[("error", &e)])),
        }
    }

    /// `x`/Esc: asks the running lab to stop (returns at once); false when
    /// nothing runs. A conversation is ended politely with "bye" first, and
    /// closed outright on the second press.
    pub(super) fn stop(&mut self, ctx: &mut Ctx) -> bool {
        if let Some(live) = &mut self.live {
            if live.bye_sent {
                self.stop_and_wait(ctx.now);
            } else {
                live.say_bye();
            }
            ctx.say(t(ctx.lang, "labs.stopping"));
            return true;
        }
        match &self.worker {
            Some(worker) => {
                worker.request_cancel();
                ctx.say(t(ctx.lang, "labs.stopping"));
                true
            }
            None => false,
        }
    }

    /// Moves the worker's new events into the run record; joins the worker once
    /// its last event has arrived.
    /// [`Self::pump`], and a status line once the run has ended (replacing
    /// "running…").
    pub(super) fn pump_and_report(&mut self, ctx: &mut Ctx) {
        let was_running = self.is_running();
        self.pump(ctx.now);
        if was_running && !self.is_running() {
            let lab = self.selected_lab().as_str();
            let key = match self.run.as_ref().and_then(|r| r.end.as_ref()) {
                Some(RunEnd::Finished(_)) => "labs.done",
                Some(RunEnd::Failed {
                    cancelled: true, ..
                }) => "labs.done_stopped",
                _ => "labs.done_failed",
            };
            ctx.say(tf(ctx.lang, key, &[("lab", lab)]));
        }
    }

    /// `now`: the app's clock, for the running time shown.
    pub(super) fn pump(&mut self, now: Instant) {
        if let (Some(live), Some(run)) = (&mut self.live, &mut self.run) {
            for ev in live.drain() {
                run.push(ev);
            }
            run.elapsed_ms = live.elapsed_ms(now);
            if live.is_finished() {
                live.close_into(run, now);
                self.live = None;
            }
        }
        let Some(worker) = &mut self.worker else {
            return;
        };
        let events = worker.drain();
        let elapsed = worker.elapsed_ms(now);
        if let Some(run) = &mut self.run {
            for ev in events {
                run.push(ev);
            }
            if !run.is_over() {
                run.elapsed_ms = elapsed;
            }
            if run.is_over() {
                // The thread has sent its last event and is returning: joining
                // now waits microseconds, not for the lab.
                worker.join();
                self.worker = None;
            }
        }
    }

    /// Stops a running lab and waits for its thread (leaving, or a lesson
    /// opening another lab).
    pub(super) fn stop_and_wait(&mut self, now: Instant) {
        if let Some(worker) = &mut self.worker {
            worker.request_cancel();
            worker.join();
        }
        self.pump(now);
        // The thread is gone even if its last event was lost.
        self.worker = None;
        if let Some(mut live) = self.live.take() {
            let mut spare = LabRun::new(live.lab, None);
            live.close_into(self.run.as_mut().unwrap_or(&mut spare), now);
        }
    }
}
