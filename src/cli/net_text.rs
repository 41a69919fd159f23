//! The sentences `nettutor net run NAME` prints: each fact of the report, in
//! the student's language, with the values the run observed.

use serde_json::Value;

use crate::i18n::{Lang, t, tf};
use crate::vnet::Outcome;

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_string(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The report's facts as sentences.
pub fn proofs(outcome: &Outcome, lang: Lang) -> Vec<String> {
    let r = &outcome.report;
    let line = |key: &str, args: &[(&str, &Value)]| {
        let owned: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, text(v))).collect();
        let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tf(lang, key, &pairs)
    };
    match outcome.experiment.as_str() {
        "arp-same-lan" => {
            let cache = r["a_arp_cache"].as_array().cloned().unwrap_or_default();
            let mut lines = vec![
                line(
                    "net.proof.arp_broadcast",
                    &[
                        ("target", &r["arp_request"]["target_ip"]),
                        ("dst", &r["arp_request"]["dst_mac"]),
                        ("points", &r["request_seen_at"]),
                    ],
                ),
                line(
                    "net.proof.arp_unicast",
                    &[
                        ("dst", &r["arp_reply"]["dst_mac"]),
                        ("points", &r["reply_seen_at"]),
                    ],
                ),
            ];
            for n in &cache {
                lines.push(line(
                    "net.proof.arp_cache",
                    &[("ip", &n["ip"]), ("mac", &n["mac"]), ("state", &n["state"])],
                ));
            }
            lines.push(line(
                "net.proof.fdb",
                &[("a", &r["bridge_port_of_a"]), ("b", &r["bridge_port_of_b"])],
            ));
            lines.push(line("net.proof.c_saw", &[("n", &r["frames_from_a_at_c"])]));
            lines
        }
        "arp-via-gateway" => vec![
            line(
                "net.proof.arp_gateway",
                &[
                    ("target", &r["a_arp_requests"][0]["target_ip"]),
                    ("dest", &r["ping"]["to"]),
                ],
            ),
            line(
                "net.proof.ttl",
                &[
                    ("before", &r["echo_lan1"]["ttl"]),
                    ("after", &r["echo_lan2"]["ttl"]),
                ],
            ),
            line(
                "net.proof.mac_change",
                &[
                    ("mac1", &r["echo_lan1"]["src_mac"]),
                    ("mac2", &r["echo_lan2"]["src_mac"]),
                    ("src", &r["echo_lan2"]["src_ip"]),
                    ("dst", &r["echo_lan2"]["dst_ip"]),
                ],
            ),
        ],
        "traceroute" => r["probes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|p| {
                let what = match p["answer"]["icmp_type"].as_u64() {
                    Some(11) => t(lang, "net.icmp.time_exceeded"),
                    Some(3) => t(lang, "net.icmp.port_unreachable"),
                    _ => "—",
                };
                let what = Value::String(what.to_string());
                line(
                    "net.proof.hop",
                    &[
                        ("ttl", &p["ttl"]),
                        ("from", &p["answer"]["from"]),
                        ("what", &what),
                    ],
                )
            })
            .collect(),
        "routing" => vec![
            line(
                "net.proof.route_before",
                &[
                    ("dest", &r["destination"]),
                    ("route", &r["chosen_before"]["dest"]),
                    ("via", &r["next_hop_before"]),
                    ("mac", &r["echo_dst_mac_before"]),
                ],
            ),
            line(
                "net.proof.route_after",
                &[
                    ("added", &r["added_route"]["dest"]),
                    ("route", &r["chosen_after"]["dest"]),
                    ("via", &r["next_hop_after"]),
                    ("mac", &r["echo_dst_mac_after"]),
                ],
            ),
        ],
        "mtu" => {
            let count = |v: &Value| Value::from(v.as_array().map_or(0, Vec::len));
            vec![
                line(
                    "net.proof.udp_frag",
                    &[
                        ("sent", &r["udp"]["sent"]),
                        ("a", &count(&r["udp"]["fragments_at_a"])),
                        ("c", &count(&r["udp"]["fragments_at_c"])),
                        ("got", &r["udp"]["received_in_one_recvfrom"]),
                    ],
                ),
                line(
                    "net.proof.pmtu",
                    &[
                        ("from", &r["tcp"]["frag_needed_from"]),
                        ("mtu", &r["tcp"]["frag_needed_mtu"]),
                        ("before", &r["tcp"]["largest_segment_before"]),
                        ("after", &r["tcp"]["largest_segment_after"]),
                        ("delivered", &r["tcp"]["delivered"]),
                        ("sent", &r["tcp"]["sent"]),
                    ],
                ),
            ]
        }
        _ => Vec::new(),
    }
}
