//! Every experiment of the virtual network: the effect it teaches, asserted
//! from its JSON report (computed from captured frames and kernel state) and
//! again from tshark's reading of the pcapng it wrote.

use serde_json::json;

use super::vnet_lab::{assert_no_malformed, run, tshark};

/// Frames at capture point `point` matching `filter`: the given fields.
fn at(
    test: &str,
    run: &super::vnet_lab::Run,
    point: &str,
    filter: &str,
    fields: &[&str],
) -> Option<Vec<Vec<String>>> {
    let filter = format!("frame.interface_name == \"{point}\" && ({filter})");
    tshark(test, &run.pcap, &filter, fields)
}

#[test]
fn arp_same_lan_broadcasts_the_request_and_unicasts_the_reply() {
    let test = "arp_same_lan_broadcasts_the_request_and_unicasts_the_reply";
    let Some(run) = run(test, "arp-same-lan") else {
        return;
    };
    let r = run.report();
    let (a, b) = (r["macs"]["A"].clone(), r["macs"]["B"].clone());
    assert_eq!(r["arp_request"]["target_ip"], "192.168.1.20");
    assert_eq!(r["arp_request"]["dst_mac"], "ff:ff:ff:ff:ff:ff");
    assert_eq!(r["arp_reply"]["sender_mac"], b);
    assert_eq!(r["arp_reply"]["dst_mac"], a);
    assert_eq!(r["arp_reply"]["broadcast"], false);
    // The switch floods the broadcast to every port, but sends the reply only to A's.
    assert_eq!(
        r["request_seen_at"],
        json!(["A:eth0", "B:eth0", "R:eth0", "S:a", "S:b", "S:r"])
    );
    assert_eq!(
        r["reply_seen_at"],
        json!(["A:eth0", "B:eth0", "S:a", "S:b"])
    );
    let cache = r["a_arp_cache"].as_array().unwrap();
    assert!(
        cache
            .iter()
            .any(|n| n["ip"] == "192.168.1.20" && n["mac"] == b),
        "{cache:?}"
    );
    assert_eq!(r["bridge_port_of_a"], "a");
    assert_eq!(r["bridge_port_of_b"], "b");
    assert_eq!(r["frames_from_a_at_c"], 0);
    assert_eq!(r["frames_at_c"], 0);

    let Some(requests) = at(
        test,
        &run,
        "B:eth0",
        "arp.opcode == 1",
        &["eth.dst", "arp.dst.proto_ipv4"],
    ) else {
        return;
    };
    assert_eq!(
        requests,
        vec![vec![
            "ff:ff:ff:ff:ff:ff".to_string(),
            "192.168.1.20".to_string()
        ]]
    );
    let replies = at(
        test,
        &run,
        "A:eth0",
        "arp.opcode == 2",
        &["eth.dst", "eth.src"],
    )
    .unwrap();
    assert_eq!(
        replies,
        vec![vec![
            a.as_str().unwrap().to_string(),
            b.as_str().unwrap().to_string()
        ]]
    );
    let replies_at_r = at(test, &run, "R:eth0", "arp.opcode == 2", &["frame.number"]).unwrap();
    assert!(
        replies_at_r.is_empty(),
        "the switch flooded a unicast reply"
    );
    let at_c = at(test, &run, "C:eth0", "arp || icmp", &["frame.number"]).unwrap();
    assert!(at_c.is_empty());
    assert_no_malformed(test, &run.pcap);
}

#[test]
fn arp_via_gateway_asks_for_the_router_and_the_ttl_drops_at_it() {
    let test = "arp_via_gateway_asks_for_the_router_and_the_ttl_drops_at_it";
    let Some(run) = run(test, "arp-via-gateway") else {
        return;
    };
    let r = run.report();
    let requests = r["a_arp_requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["target_ip"], "192.168.1.1");
    assert_eq!(r["r_arp_requests"][0]["target_ip"], "192.168.2.30");
    assert_eq!(r["echo_lan1"]["ttl"], 64);
    assert_eq!(r["echo_lan2"]["ttl"], 63);
    assert_eq!(r["echo_lan1"]["src_mac"], r["macs"]["A"]);
    assert_eq!(r["echo_lan1"]["dst_mac"], r["macs"]["R_eth0"]);
    assert_eq!(r["echo_lan2"]["src_mac"], r["macs"]["R_eth1"]);
    assert_eq!(r["echo_lan2"]["dst_mac"], r["macs"]["C"]);
    for side in ["echo_lan1", "echo_lan2"] {
        assert_eq!(r[side]["src_ip"], "192.168.1.10");
        assert_eq!(r[side]["dst_ip"], "192.168.2.30");
    }
    assert_eq!(r["ping"]["answer_from"], "192.168.2.30");

    let Some(arps) = at(
        test,
        &run,
        "A:eth0",
        "arp.opcode == 1",
        &["arp.dst.proto_ipv4"],
    ) else {
        return;
    };
    assert_eq!(arps, vec![vec!["192.168.1.1".to_string()]]);
    let lan1 = at(
        test,
        &run,
        "R:eth0",
        "icmp.type == 8",
        &["ip.ttl", "ip.src", "ip.dst"],
    )
    .unwrap();
    let lan2 = at(
        test,
        &run,
        "R:eth1",
        "icmp.type == 8",
        &["ip.ttl", "ip.src", "ip.dst"],
    )
    .unwrap();
    assert_eq!(lan1, vec![vec!["64", "192.168.1.10", "192.168.2.30"]]);
    assert_eq!(lan2, vec![vec!["63", "192.168.1.10", "192.168.2.30"]]);
    assert_no_malformed(test, &run.pcap);
}

#[test]
fn traceroute_lists_the_router_then_the_destination() {
    let test = "traceroute_lists_the_router_then_the_destination";
    let Some(run) = run(test, "traceroute") else {
        return;
    };
    let r = run.report();
    assert_eq!(r["hops"], json!(["192.168.1.1", "192.168.2.30"]));
    assert_eq!(r["reached"], true);
    let probes = r["probes"].as_array().unwrap();
    assert_eq!(probes[0]["ttl"], 1);
    assert_eq!(probes[0]["answer"]["icmp_type"], 11);
    assert_eq!(probes[0]["ttl_at_c"], json!(null));
    assert_eq!(probes[1]["ttl"], 2);
    assert_eq!(probes[1]["answer"]["icmp_type"], 3);
    assert_eq!(probes[1]["answer"]["icmp_code"], 3);
    assert_eq!(probes[1]["ttl_at_c"], 1);

    let Some(answers) = at(
        test,
        &run,
        "A:eth0",
        "icmp.type == 11 || icmp.type == 3",
        &["ip.src", "icmp.type"],
    ) else {
        return;
    };
    assert_eq!(
        answers,
        vec![vec!["192.168.1.1", "11"], vec!["192.168.2.30", "3"]]
    );
    assert_no_malformed(test, &run.pcap);
}

#[test]
fn routing_picks_the_longest_prefix() {
    let test = "routing_picks_the_longest_prefix";
    let Some(run) = run(test, "routing") else {
        return;
    };
    let r = run.report();
    assert_eq!(r["chosen_before"]["dest"], "0.0.0.0/0");
    assert_eq!(r["next_hop_before"], "192.168.1.1");
    assert_eq!(r["chosen_after"]["dest"], "192.168.2.0/24");
    assert_eq!(r["next_hop_after"], "192.168.1.20");
    assert_eq!(r["echo_dst_mac_before"], r["macs"]["R_eth0"]);
    assert_eq!(r["echo_dst_mac_after"], r["macs"]["B"]);
    assert_eq!(r["echo_reached_b"], true);
    let r_routes: Vec<&str> = r["r_routes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["dest"].as_str().is_some_and(|d| d.starts_with("192.")))
        .map(|x| x["dest"].as_str().unwrap())
        .collect();
    assert_eq!(r_routes, vec!["192.168.1.0/24", "192.168.2.0/24"]);

    let Some(echoes) = at(
        test,
        &run,
        "A:eth0",
        "icmp.type == 8",
        &["eth.dst", "icmp.seq"],
    ) else {
        return;
    };
    assert_eq!(echoes.len(), 2, "{echoes:?}");
    assert_eq!(echoes[0][0], r["macs"]["R_eth0"].as_str().unwrap());
    assert_eq!(echoes[1][0], r["macs"]["B"].as_str().unwrap());
    assert_no_malformed(test, &run.pcap);
}

#[test]
fn mtu_fragments_udp_and_shrinks_tcp_segments() {
    let test = "mtu_fragments_udp_and_shrinks_tcp_segments";
    let Some(run) = run(test, "mtu") else { return };
    let r = run.report();
    assert_eq!(r["udp"]["received_in_one_recvfrom"], 3000);
    assert_eq!(r["udp"]["intact"], true);
    let at_a = r["udp"]["fragments_at_a"].as_array().unwrap();
    let at_c = r["udp"]["fragments_at_c"].as_array().unwrap();
    assert_eq!(at_a.len(), 3, "{at_a:?}");
    assert!(
        at_c.len() > at_a.len(),
        "R did not fragment again: {at_c:?}"
    );
    assert!(at_c.iter().all(|f| f["ip_len"].as_u64().unwrap() <= 1280));
    assert_eq!(r["tcp"]["delivered"], 20_000);
    assert_eq!(r["tcp"]["intact"], true);
    assert_eq!(r["tcp"]["dont_fragment"], true);
    assert_eq!(r["tcp"]["frag_needed_from"], "192.168.1.1");
    assert_eq!(r["tcp"]["frag_needed_mtu"], 1280);
    assert_eq!(r["tcp"]["largest_segment_before"], 1500);
    assert!(r["tcp"]["largest_segment_after"].as_u64().unwrap() <= 1280);
    assert!(r["tcp"]["largest_at_c"].as_u64().unwrap() <= 1280);

    let Some(needed) = at(
        test,
        &run,
        "A:eth0",
        "icmp.type == 3 && icmp.code == 4",
        &["icmp.mtu", "ip.src"],
    ) else {
        return;
    };
    assert!(!needed.is_empty());
    assert!(needed.iter().all(|row| row[0] == "1280"), "{needed:?}");
    let frags_at_c = at(
        test,
        &run,
        "C:eth0",
        "ip.flags.mf == 1 || ip.frag_offset > 0",
        &["ip.len"],
    )
    .unwrap();
    assert_eq!(frags_at_c.len(), at_c.len());
    assert_no_malformed(test, &run.pcap);
}
