//! The sentences `nettutor net run NAME` prints (and the LAN panel's real
//! mode lists): each fact of the report, in
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

/// A flag as the packet carries it: 1 or 0 (— when absent).
fn flag(v: &Value) -> Value {
    match v.as_bool() {
        Some(b) => Value::from(u8::from(b)),
        None => Value::Null,
    }
}

/// What of A's frames the link dropped (tcp-loss's `tcp.dropped`), the kinds
/// it dropped none of left out: "1 data segment, 1 bare ACK"; empty when
/// it dropped nothing.
fn dropped_kinds(dropped: &Value, lang: Lang) -> String {
    [
        ("data", "noun.data-segment"),
        ("bare_acks", "noun.bare-ack"),
        ("syn_fin_rst", "noun.syn-fin-rst"),
    ]
    .iter()
    .filter_map(|(field, noun)| {
        let n = dropped[field].as_u64().filter(|&n| n > 0)?;
        Some(crate::words::count(lang, n, noun))
    })
    .collect::<Vec<_>>()
    .join(t(lang, "list.sep"))
}

/// The report's facts as sentences.
pub fn proofs(outcome: &Outcome, lang: Lang) -> Vec<String> {
    report_proofs(&outcome.experiment, &outcome.report, lang)
}

/// [`proofs`] from an experiment's name and its report.
pub fn report_proofs(experiment: &str, r: &Value, lang: Lang) -> Vec<String> {
    let line = |key: &str, args: &[(&str, &Value)]| {
        let owned: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, text(v))).collect();
        let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tf(lang, key, &pairs)
    };
    match experiment {
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
            let v6 = &r["ipv6"];
            if v6.is_object() {
                let (ns, na) = (
                    &v6["neighbour_solicitation"],
                    &v6["neighbour_advertisement"],
                );
                lines.push(line(
                    "net.proof.nd_solicit",
                    &[
                        ("target", &ns["target"]),
                        ("dst", &ns["dst_ip"]),
                        ("mac", &ns["dst_mac"]),
                        ("hl", &ns["hop_limit"]),
                        ("points", &v6["solicitation_seen_at"]),
                    ],
                ));
                lines.push(line(
                    "net.proof.nd_advert",
                    &[
                        ("dst", &na["dst_ip"]),
                        ("mac", &na["dst_mac"]),
                        ("s", &flag(&na["solicited"])),
                        ("points", &v6["advertisement_seen_at"]),
                    ],
                ));
            }
            lines
        }
        "arp-via-gateway" => {
            let mut lines = vec![
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
            ];
            let v6 = &r["ipv6"];
            if v6.is_object() {
                let ns = &v6["a_solicitations"][0];
                lines.push(line(
                    "net.proof.nd_gateway",
                    &[
                        ("target", &ns["target"]),
                        ("dest", &v6["to"]),
                        ("dst", &ns["dst_ip"]),
                        ("mac", &ns["dst_mac"]),
                        ("r", &flag(&v6["r_advertisement"]["router"])),
                    ],
                ));
                let (l1, l2) = (&v6["datagram_lan1"], &v6["datagram_lan2"]);
                lines.push(line(
                    "net.proof.hop_limit",
                    &[
                        ("before", &l1["hop_limit"]),
                        ("after", &l2["hop_limit"]),
                        ("mac1", &l1["src_mac"]),
                        ("mac2", &l2["src_mac"]),
                    ],
                ));
            }
            lines
        }
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
            let mut lines = vec![
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
            ];
            let v6 = &r["ipv6"];
            if v6.is_object() {
                let (first, second) = (&v6["first_datagram"], &v6["second_datagram"]);
                if v6["router_fragmented"] != false {
                    lines.push(line("net.proof.ptb_router_fragmented", &[]));
                }
                lines.push(line(
                    "net.proof.ptb",
                    &[
                        ("first", &first["largest_at_a"]),
                        ("from", &v6["packet_too_big_from"]),
                        ("mtu", &v6["packet_too_big_mtu"]),
                        ("before", &v6["path_mtu_before"]),
                        ("learned", &v6["path_mtu_learned"]),
                    ],
                ));
                lines.push(line(
                    "net.proof.ptb_resend",
                    &[
                        ("n", &count(&second["fragments_at_a"])),
                        ("max", &second["largest_at_a"]),
                        ("c", &count(&second["fragments_at_c"])),
                        ("got", &v6["received_in_one_recvfrom"]),
                    ],
                ));
            }
            lines
        }
        "tcp-loss" => {
            let (link, udp, tcp) = (&r["link"], &r["udp"], &r["tcp"]);
            let retrans = &tcp["retransmissions"];
            let pct = Value::String(format!("{:.1}", udp["lost_pct"].as_f64().unwrap_or(0.0)));
            let ms = Value::String(format!("{:.0}", tcp["transfer_ms"].as_f64().unwrap_or(0.0)));
            let delivered_key = if tcp["in_order"] == true {
                "net.proof.loss_tcp"
            } else {
                "net.proof.loss_tcp_broken"
            };
            let cwnd_key = if retrans["total"] == 0 {
                "net.proof.loss_cwnd_slow_start"
            } else {
                "net.proof.loss_cwnd"
            };
            let dropped = &tcp["dropped"];
            let kinds = Value::String(dropped_kinds(dropped, lang));
            let link_key = if kinds == "" {
                "net.proof.loss_link"
            } else {
                "net.proof.loss_link_kinds"
            };
            let recovery = &tcp["recovery"];
            let recovery_key = if recovery["mode"] == "classic" {
                "net.proof.loss_recovery_classic"
            } else {
                "net.proof.loss_recovery_linux"
            };
            let mut lines = vec![
                line(
                    link_key,
                    &[
                        ("seed", &link["seed"]),
                        ("loss", &link["loss_pct"]),
                        ("tcp", &link["forward"]["tcp"]["dropped"]),
                        ("tcp_frames", &link["forward"]["tcp"]["offered"]),
                        ("kinds", &kinds),
                    ],
                ),
                line(
                    recovery_key,
                    &[
                        ("rec", &recovery["tcp_recovery"]),
                        ("early", &recovery["tcp_early_retrans"]),
                        ("sack", &recovery["tcp_sack"]),
                    ],
                ),
                line(
                    "net.proof.loss_udp",
                    &[
                        ("lost", &udp["lost"]),
                        ("sent", &udp["sent"]),
                        ("pct", &pct),
                    ],
                ),
                line(
                    delivered_key,
                    &[
                        ("cc", &tcp["congestion_control"]),
                        ("delivered", &tcp["bytes_delivered"]),
                        ("sent", &tcp["bytes_sent"]),
                        ("ms", &ms),
                    ],
                ),
                line(
                    if recovery["mode"] == "classic" {
                        "net.proof.loss_retrans_classic"
                    } else {
                        "net.proof.loss_retrans"
                    },
                    &[
                        ("total", &retrans["total"]),
                        ("timeout", &retrans["timeout"]),
                        ("fast", &retrans["fast"]),
                        ("early", &retrans["early"]),
                        ("dupacks", &tcp["duplicate_acks"]),
                        ("kernel", &tcp["tcp_info"]["total_retrans"]),
                    ],
                ),
            ];
            if dropped["bare_acks"].as_u64().is_some_and(|n| n > 0) {
                lines.push(line("net.proof.loss_bare_ack", &[]));
            }
            lines.push(line(
                cwnd_key,
                &[
                    ("first", &tcp["cwnd_first"]),
                    ("max", &tcp["cwnd_max"]),
                    ("ssthresh", &tcp["ssthresh_last"]),
                ],
            ));
            lines
        }
        "zero-window" => {
            let windows: Vec<Value> = r["windows_advertised"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .take(6)
                .map(|w| w["window"].clone())
                .collect();
            vec![
                line(
                    "net.proof.zw_shrink",
                    &[
                        ("buffer", &r["receiver_buffer"]),
                        ("windows", &Value::Array(windows)),
                        ("at", &r["zero_window_at_ms"]),
                    ],
                ),
                line(
                    "net.proof.zw_stop",
                    &[("data", &r["data_segments_while_zero"])],
                ),
                line(
                    "net.proof.zw_probes",
                    &[
                        ("n", &r["probes"]),
                        ("times", &r["probe_times_ms"]),
                        ("gaps", &r["probe_gaps_ms"]),
                        ("answered", &r["probes_answered_with_zero"]),
                    ],
                ),
                line(
                    "net.proof.zw_resume",
                    &[
                        ("read", &r["receiver_read_at_ms"]),
                        ("update", &r["window_update_at_ms"]),
                        ("after", &r["data_segments_after_update"]),
                        ("delivered", &r["bytes_delivered"]),
                        ("sent", &r["bytes_sent"]),
                        ("intact", &r["intact"]),
                    ],
                ),
            ]
        }
        "dhcp" => {
            let messages = r["messages"].as_array().cloned().unwrap_or_default();
            let field = |key: &str| -> Value {
                Value::Array(messages.iter().map(|m| m[key].clone()).collect())
            };
            let discover = messages
                .iter()
                .find(|m| m["code"] == 1)
                .cloned()
                .unwrap_or(Value::Null);
            let addresses = |list: &Value| -> Value {
                Value::Array(
                    list.as_array()
                        .cloned()
                        .unwrap_or_default()
                        .iter()
                        .map(|a| {
                            Value::String(format!("{}/{}", text(&a["ip"]), text(&a["prefix_len"])))
                        })
                        .collect(),
                )
            };
            vec![
                line(
                    "net.proof.dhcp_exchange",
                    &[
                        ("types", &field("type")),
                        ("codes", &field("code")),
                        ("src", &discover["src"]),
                        ("dst", &discover["dst"]),
                        ("mac", &discover["dst_mac"]),
                    ],
                ),
                line("net.proof.dhcp_flooded", &[("codes", &r["seen_at_b"])]),
                line(
                    "net.proof.dhcp_lease",
                    &[
                        ("ip", &r["lease"]["ip"]),
                        ("prefix", &r["lease"]["prefix_len"]),
                        ("mask", &r["lease"]["mask"]),
                        ("router", &r["lease"]["router"]),
                        ("dns", &r["lease"]["dns"]),
                        ("lease", &r["lease"]["lease_s"]),
                        ("server", &r["lease"]["server_id"]),
                    ],
                ),
                line(
                    "net.proof.dhcp_applied",
                    &[
                        ("before", &addresses(&r["a_ipv4_before"])),
                        ("after", &addresses(&r["a_ipv4_after"])),
                        ("to", &r["ping_router"]["to"]),
                        ("src", &r["ping_router"]["echo_src"]),
                        ("from", &r["ping_router"]["from"]),
                    ],
                ),
            ]
        }
        "keepalive-vanished" => vec![
            line(
                "net.proof.ka_probes",
                &[
                    ("n", &r["probes_sent"]),
                    ("times", &r["probe_times_ms"]),
                    ("allowed", &r["probes_allowed"]),
                    ("interval", &r["interval_s"]),
                    ("idle", &r["idle_s"]),
                    ("answers", &r["segments_from_b_after_cut"]),
                ],
            ),
            line(
                "net.proof.ka_error",
                &[
                    ("ms", &r["error_after_ms"]),
                    ("errno", &r["errno"]),
                    ("python", &r["python"]),
                    ("rst", &r["rst_from_a"]),
                ],
            ),
        ],
        _ => Vec::new(),
    }
}
