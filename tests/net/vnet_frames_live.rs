//! Frames streamed while an experiment runs ([`Live::Frames`]): every frame
//! of the outcome, each once, in batches that arrive while the experiment is
//! still running — not all at once with its outcome.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nettutor::vnet::Live;
use nettutor::vnet::capture::{COALESCE, Frame};

use super::vnet_lab::{ONE_LAB, start_lab};

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
    let Some(mut lab) = start_lab(test) else {
        return;
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

/// tcp-loss's `TCP_INFO` samples ([`Live::Samples`]) stream while the
/// transfer runs: put together they are the report's `cwnd_samples`, and
/// at 20 % loss (timeouts of 200 ms and more) they come in several batches,
/// the first long before the outcome.
#[test]
fn samples_stream_before_the_outcome_and_are_the_reports_samples() {
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let test = "samples_stream_before_the_outcome_and_are_the_reports_samples";
    let Some(mut lab) = start_lab(test) else {
        return;
    };
    let params = nettutor::vnet::proto::Params {
        loss: nettutor::net::impaired::Chance::percent(20.0).ok(),
        seed: Some(1),
        recovery: None,
    };
    let mut samples: Vec<serde_json::Value> = Vec::new();
    let mut batches: Vec<(Instant, usize)> = Vec::new();
    let outcome = lab
        .run_watching("tcp-loss", params, |live| {
            let Live::Samples(rows) = live else { return };
            batches.push((Instant::now(), rows.len()));
            samples.extend(rows.iter().map(|s| serde_json::to_value(s).unwrap()));
        })
        .unwrap();
    let outcome_at = Instant::now();
    lab.shutdown().unwrap();
    let reported = outcome.report["tcp"]["cwnd_samples"]
        .as_array()
        .expect("cwnd_samples in the report");
    assert!(reported.len() >= 3, "{} samples", reported.len());
    assert!(
        samples == *reported,
        "the {} samples streamed in {} batches are not the report's {}",
        samples.len(),
        batches.len(),
        reported.len()
    );
    let transfer_ms = outcome.report["tcp"]["transfer_ms"].as_f64().unwrap();
    let first_ahead = batches
        .first()
        .map(|(at, _)| outcome_at.duration_since(*at))
        .unwrap_or_default();
    eprintln!(
        "tcp-loss 20 %: {} samples in {} batches over a {transfer_ms:.0} ms transfer; the \
         first batch {first_ahead:?} before the outcome",
        samples.len(),
        batches.len()
    );
    assert!(batches.len() >= 3, "{} batches", batches.len());
    assert!(
        first_ahead >= Duration::from_millis(100),
        "the first samples arrived only {first_ahead:?} before the outcome"
    );
    // At most one batch per COALESCE, and the last one.
    let most =
        usize::try_from(outcome.run_us / 1000 / COALESCE.as_millis() as u64).unwrap_or(0) + 2;
    assert!(batches.len() <= most, "{} batches", batches.len());
}
