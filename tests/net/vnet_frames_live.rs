//! Frames streamed while an experiment runs ([`Live::Frames`]): every frame
//! of the outcome, each once, in batches that arrive while the experiment is
//! still running — not all at once with its outcome.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nettutor::vnet::capture::{COALESCE, Frame};
use nettutor::vnet::{Lab, Live, VnetError};

use super::vnet_lab::ONE_LAB;
use crate::common;

/// What one run streamed.
struct Streamed {
    /// Every batch's frames, in arrival order.
    frames: Vec<Frame>,
    /// Per batch: when it arrived and how many frames it held.
    batches: Vec<(Instant, usize)>,
    /// How far behind its newest frame's kernel stamp each batch arrived.
    worst_lag: Duration,
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

#[test]
fn frames_stream_before_the_outcome_and_are_the_outcomes_frames() {
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let test = "frames_stream_before_the_outcome_and_are_the_outcomes_frames";
    let mut lab = match Lab::start_from(std::path::Path::new(common::run::BIN)) {
        Ok(lab) => lab,
        Err(VnetError::NoUserNamespaces { .. }) => {
            common::skip(test, "no user namespaces here");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    // A ping (microseconds: its frames come with the last batch), a
    // transfer over the impaired link (thousands of frames in ~0.5 s) and
    // zero-window (probes at doubling intervals for ~1.7 s).
    for name in ["arp-same-lan", "tcp-loss", "zero-window"] {
        let mut streamed = Streamed {
            frames: Vec::new(),
            batches: Vec::new(),
            worst_lag: Duration::ZERO,
        };
        let outcome = lab
            .run_watching(name, Default::default(), |live| {
                let Live::Frames(frames) = live else { return };
                let newest = frames.iter().map(|f| f.ts_ns).max().unwrap_or_default();
                let lag = Duration::from_nanos(now_ns().saturating_sub(newest));
                streamed.worst_lag = streamed.worst_lag.max(lag);
                streamed.batches.push((Instant::now(), frames.len()));
                streamed.frames.extend_from_slice(frames);
            })
            .unwrap();
        let outcome_at = Instant::now();
        assert!(!outcome.frames.is_empty(), "{name}");
        // Each frame once: the batches, sorted as the outcome is, are its list.
        let mut sorted = streamed.frames.clone();
        sorted.sort_by_key(|f| f.ts_ns);
        assert_eq!(sorted.len(), outcome.frames.len(), "{name}");
        assert!(sorted == outcome.frames, "{name}: streamed frames differ");
        let early = |by: Duration| -> usize {
            streamed
                .batches
                .iter()
                .filter(|(at, _)| outcome_at.duration_since(*at) >= by)
                .map(|(_, n)| n)
                .sum()
        };
        let run = Duration::from_micros(outcome.run_us);
        eprintln!(
            "{name}: {} frames in {} batches over a {run:?} run; {} arrived ≥ 100 ms before the \
             outcome; worst lag behind the capture {:?}",
            sorted.len(),
            streamed.batches.len(),
            early(Duration::from_millis(100)),
            streamed.worst_lag,
        );
        // Batches at most one per COALESCE (and the last one).
        let most =
            usize::try_from(run.as_millis() / COALESCE.as_millis()).unwrap_or(usize::MAX) + 2;
        assert!(
            streamed.batches.len() <= most,
            "{name}: {} batches",
            streamed.batches.len()
        );
        if name == "zero-window" {
            // The handshake, the window filling and the probes come a
            // second and more before the flow resumes and the run ends:
            // streamed as captured, they arrived long before the outcome.
            assert!(run >= Duration::from_millis(800), "{run:?}");
            assert!(streamed.batches.len() >= 3, "{}", streamed.batches.len());
            let before = early(Duration::from_millis(300));
            assert!(
                before >= 10,
                "only {before} of {} frames arrived 300 ms before the outcome",
                sorted.len()
            );
        }
    }
    lab.shutdown().unwrap();
}
