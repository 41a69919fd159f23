//! The LAN panel's real runs, from recorded outcomes
//! (`tests/fixtures/vnet/`): one frame of real mode and of the loss view
//! drawn, and the cost of one streamed batch while tcp-loss runs (the view
//! rebuilt from every frame and sample so far, as the panel does on each
//! wake-up). `cargo bench --bench lan`

use std::sync::mpsc;

use nettutor::i18n::Lang;
use nettutor::ui::app::Screen;
use nettutor::ui::lan::loss::LiveLoss;
use nettutor::ui::lan::real::{LanRealRun, LiveItem};
use nettutor::ui::lan::{LanMsg, LanPanel};
use nettutor::ui::panel::{Ctx, JobSink, Panel, RenderCtx};
use nettutor::ui::theme::Theme;
use nettutor::vnet::Outcome;
use nettutor::vnet::tcpinfo::Sample;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn main() {
    divan::main();
}

fn recorded(name: &str) -> Box<Outcome> {
    let path = format!(
        "{}/tests/fixtures/vnet/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let json = std::fs::read_to_string(&path).expect("the recorded run");
    Box::new(serde_json::from_str(&json).expect("a recorded outcome"))
}

/// A panel showing the recorded run of `experiment` (`tcp-loss`: the loss view).
fn showing(experiment: &str) -> LanPanel {
    let (tx, _rx) = mpsc::channel();
    let mut c = Ctx::new(Lang::En, JobSink::new(tx, Screen::Lan));
    let mut panel = LanPanel::default();
    if experiment == "tcp-loss" {
        panel.update(LanMsg::Loss, &mut c);
    } else if experiment == "arp-via-gateway" {
        panel.update(LanMsg::NextScenario, &mut c);
    }
    panel.show_real(LanRealRun(Ok(recorded(experiment))), &mut c);
    panel
}

fn draw(bencher: divan::Bencher, panel: &LanPanel, lang: Lang, width: u16, height: u16) {
    let theme = Theme::fallback();
    let ctx = RenderCtx {
        lang,
        theme: &theme,
        present: false,
    };
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| {
        buf.reset();
        panel.render(area, &mut buf, &ctx);
    });
}

/// Real mode through the gateway: the drawn lab, the frames, the tables.
#[divan::bench(args = [Lang::En, Lang::Zh])]
fn real_via_gateway_160x48(bencher: divan::Bencher, lang: Lang) {
    draw(bencher, &showing("arp-via-gateway"), lang, 160, 48);
}

/// The loss view: the drawn link, the numbers, the cwnd chart, the diagram.
#[divan::bench(args = [Lang::En, Lang::Zh])]
fn loss_view_120x40(bencher: divan::Bencher, lang: Lang) {
    draw(bencher, &showing("tcp-loss"), lang, 120, 40);
}

/// The last of 12 batches of the recorded tcp-loss run: the view rebuilt
/// from all its frames and samples.
#[divan::bench]
fn loss_live_last_of_12_batches(bencher: divan::Bencher) {
    let outcome = recorded("tcp-loss");
    let samples: Vec<Sample> =
        serde_json::from_value(outcome.report["tcp"]["cwnd_samples"].clone()).unwrap_or_default();
    let mut frames = outcome.frames.clone();
    frames.sort_by_key(|f| f.ts_ns);
    let cut = frames.len() * 11 / 12;
    let mut live = LiveLoss::default();
    let _ = live.absorb([
        LiveItem::Frames(frames[..cut].to_vec()),
        LiveItem::Samples(samples[..samples.len() * 11 / 12].to_vec()),
    ]);
    let last = vec![
        LiveItem::Frames(frames[cut..].to_vec()),
        LiveItem::Samples(samples[samples.len() * 11 / 12..].to_vec()),
    ];
    bencher
        .with_inputs(|| (live.clone(), last.clone()))
        .bench_local_values(|(mut live, last)| live.absorb(last));
}
