//! Cost of the lab machinery: the framing decoders on a 1 MiB stream, and whole
//! quick lab runs on loopback (socket setup, threads, teardown).
//! `cargo bench --bench labs`

use nettutor::lab::codec::{
    DelimiterDecoder, LengthPrefixDecoder, encode_delimited, encode_length_prefixed,
};
use nettutor::lab::{self, Cancel, LabName, LabParams, NullSink};

fn main() {
    divan::main();
}

fn messages() -> Vec<Vec<u8>> {
    (0..10_000u32)
        .map(|i| format!("message {i} with a\nnewline and a \\ backslash").into_bytes())
        .collect()
}

#[divan::bench]
fn decode_length_prefix_in_1k_chunks(bencher: divan::Bencher) {
    let stream: Vec<u8> = messages()
        .iter()
        .flat_map(|m| encode_length_prefixed(m))
        .collect();
    bencher.bench(|| {
        let mut decoder = LengthPrefixDecoder::default();
        let mut n = 0;
        for chunk in stream.chunks(1024) {
            n += decoder.push(chunk).map_or(0, |v| v.len());
        }
        n
    });
}

#[divan::bench]
fn decode_delimiter_in_1k_chunks(bencher: divan::Bencher) {
    let stream: Vec<u8> = messages()
        .iter()
        .flat_map(|m| encode_delimited(m))
        .collect();
    bencher.bench(|| {
        let mut decoder = DelimiterDecoder::default();
        stream
            .chunks(1024)
            .map(|chunk| decoder.push(chunk).len())
            .sum::<usize>()
    });
}

fn quick_run(lab_name: LabName, pairs: &[&str]) {
    if let Ok(params) = LabParams::from_pairs(lab_name, pairs.iter().copied()) {
        let _ = lab::run_lab(&params, &NullSink, &Cancel::new());
    }
}

#[divan::bench(sample_count = 20)]
fn lab_sticky_without_delay() {
    quick_run(LabName::Sticky, &["delay=0"]);
}

#[divan::bench(sample_count = 20)]
fn lab_udp_truncate() {
    quick_run(LabName::UdpTruncate, &[]);
}

#[divan::bench(sample_count = 20)]
fn lab_split_1mib() {
    quick_run(LabName::Split, &[]);
}

#[divan::bench(sample_count = 10)]
fn lab_unix_100_round_trips() {
    quick_run(LabName::Unix, &["count=100"]);
}
