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
    // The source MAC changes at R (A's on LAN 1, R's own on LAN 2), the IPs
    // stay: tshark's reading of the same frames.
    let macs =
        |point: &str| at(test, &run, point, "icmp.type == 8", &["eth.src", "eth.dst"]).unwrap();
    let mac = |k: &str| r["macs"][k].as_str().unwrap().to_string();
    assert_eq!(macs("R:eth0"), vec![vec![mac("A"), mac("R_eth0")]]);
    assert_eq!(macs("R:eth1"), vec![vec![mac("R_eth1"), mac("C")]]);
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
    // TCP, from tshark: every data segment A sends has DF set; before R's
    // "fragmentation needed" A sends packets too big for LAN 2, after it its
    // segments shrink to fit; nothing larger than 1280 bytes reaches C.
    let tcp_at_a = at(
        test,
        &run,
        "A:eth0",
        "tcp.len > 0 && ip.src == 192.168.1.10",
        &["frame.number", "ip.len", "ip.flags.df"],
    )
    .unwrap();
    assert!(!tcp_at_a.is_empty());
    assert!(
        tcp_at_a.iter().all(|row| row[2] == "1" || row[2] == "True"),
        "a TCP segment without DF: {tcp_at_a:?}"
    );
    let first_needed = at(
        test,
        &run,
        "A:eth0",
        "icmp.type == 3 && icmp.code == 4",
        &["frame.number"],
    )
    .unwrap()[0][0]
        .parse::<u64>()
        .unwrap();
    let sizes = |after: bool| -> Vec<u64> {
        tcp_at_a
            .iter()
            .filter(|row| (row[0].parse::<u64>().unwrap() > first_needed) == after)
            .map(|row| row[1].parse().unwrap())
            .collect()
    };
    assert!(
        sizes(false).iter().any(|&len| len > 1280),
        "nothing too big before the ICMP: {tcp_at_a:?}"
    );
    // Segments already queued go out at the old size for a moment; from A's
    // first segment sized for the path on, none is larger.
    let after = sizes(true);
    let shrunk = after
        .iter()
        .position(|&len| len <= 1280)
        .unwrap_or_else(|| panic!("A never shrank its segments: {after:?}"));
    assert!(after[shrunk..].iter().all(|&len| len <= 1280), "{after:?}");
    let tcp_at_c = at(test, &run, "C:eth0", "tcp.len > 0", &["ip.len"]).unwrap();
    assert!(!tcp_at_c.is_empty());
    assert!(
        tcp_at_c
            .iter()
            .all(|row| row[0].parse::<u64>().unwrap() <= 1280),
        "{tcp_at_c:?}"
    );
    assert_no_malformed(test, &run.pcap);
}

/// IPv6 on LAN 1 (RFC 4861): no ARP, no broadcast. A's neighbour solicitation
/// for B goes to B's solicited-node multicast group ff02::1:ff00:20 (RFC 4291
/// 2.7.1: ff02::1:ff and the low 24 bits), on MAC 33:33:ff:00:00:20 (RFC 2464
/// 7: 33:33 and the group's low 32 bits), hop limit 255; B's advertisement
/// comes back unicast to A, solicited and override set, router not.
#[test]
fn arp_same_lan_over_ipv6_solicits_the_solicited_node_group_and_gets_a_unicast_answer() {
    let test = "arp_same_lan_over_ipv6_solicits_the_solicited_node_group_and_gets_a_unicast_answer";
    let Some(run) = run(test, "arp-same-lan") else {
        return;
    };
    let r = run.report();
    let v6 = &r["ipv6"];
    let (a, b) = (r["macs"]["A"].clone(), r["macs"]["B"].clone());
    assert_eq!(v6["delivered"], true);
    let ns = &v6["neighbour_solicitation"];
    assert_eq!(ns["target"], "2001:db8:1::20");
    assert_eq!(ns["src_ip"], "2001:db8:1::10");
    assert_eq!(ns["dst_ip"], "ff02::1:ff00:20");
    assert_eq!(ns["dst_mac"], "33:33:ff:00:00:20");
    assert_eq!(ns["solicited_node_of_target"], ns["dst_ip"]);
    assert_eq!(ns["mac_of_group"], ns["dst_mac"]);
    assert_eq!(ns["hop_limit"], 255);
    assert_eq!(ns["link_addr_option"], a);
    let na = &v6["neighbour_advertisement"];
    assert_eq!(na["target"], "2001:db8:1::20");
    assert_eq!(na["src_ip"], "2001:db8:1::20");
    assert_eq!(na["dst_ip"], "2001:db8:1::10");
    assert_eq!(na["multicast"], false);
    assert_eq!(na["dst_mac"], a);
    assert_eq!(na["src_mac"], b);
    assert_eq!(na["link_addr_option"], b);
    assert_eq!(
        (&na["solicited"], &na["override"], &na["router"]),
        (&json!(true), &json!(true), &json!(false))
    );
    assert_eq!(na["hop_limit"], 255);
    // The switch (no MLD querier on it) floods the multicast to every port;
    // the unicast answer goes only to A's.
    assert_eq!(
        v6["solicitation_seen_at"],
        json!(["A:eth0", "B:eth0", "R:eth0", "S:a", "S:b", "S:r"])
    );
    assert_eq!(
        v6["advertisement_seen_at"],
        json!(["A:eth0", "B:eth0", "S:a", "S:b"])
    );
    let cache = v6["a_neighbour_cache"].as_array().unwrap();
    assert!(
        cache
            .iter()
            .any(|n| n["ip"] == "2001:db8:1::20" && n["mac"] == b),
        "{cache:?}"
    );
    assert_eq!(r["frames_at_c"], 0);

    let ns_filter = "icmpv6.type == 135 && icmpv6.nd.ns.target_address == 2001:db8:1::20";
    let Some(ns) = at(
        test,
        &run,
        "A:eth0",
        ns_filter,
        &["ipv6.src", "ipv6.dst", "eth.dst", "ipv6.hlim"],
    ) else {
        return;
    };
    assert_eq!(
        ns,
        vec![vec![
            "2001:db8:1::10",
            "ff02::1:ff00:20",
            "33:33:ff:00:00:20",
            "255"
        ]]
    );
    let at_b = at(test, &run, "B:eth0", ns_filter, &["eth.dst"]).unwrap();
    assert_eq!(at_b, vec![vec!["33:33:ff:00:00:20"]]);
    let na = at(
        test,
        &run,
        "A:eth0",
        "icmpv6.type == 136 && icmpv6.nd.na.target_address == 2001:db8:1::20",
        &[
            "ipv6.dst",
            "eth.dst",
            "icmpv6.nd.na.flag.s",
            "icmpv6.nd.na.flag.o",
            "icmpv6.nd.na.flag.r",
        ],
    )
    .unwrap();
    assert_eq!(
        na,
        vec![vec![
            "2001:db8:1::10".to_string(),
            a.as_str().unwrap().to_string(),
            "1".into(),
            "1".into(),
            "0".into()
        ]]
    );
    let na_at_r = at(
        test,
        &run,
        "R:eth0",
        "icmpv6.type == 136",
        &["frame.number"],
    )
    .unwrap();
    assert!(
        na_at_r.is_empty(),
        "the switch flooded a unicast advertisement"
    );
    let arp_for_v6 = at(
        test,
        &run,
        "A:eth0",
        "arp.dst.proto_ipv4 == 192.168.1.20 && arp.opcode == 1",
        &["frame.number"],
    )
    .unwrap();
    assert_eq!(
        arp_for_v6.len(),
        1,
        "one ARP request (for IPv4), none for IPv6"
    );
    assert_no_malformed(test, &run.pcap);
}

/// IPv6 through R: A solicits its gateway R (2001:db8:1::1), not C; R
/// answers with the router flag set; the datagram's hop limit is 64 on LAN 1
/// and 63 on LAN 2 (RFC 8200 3: each node that forwards a packet decrements it
/// by 1), its source MAC becomes R's, its addresses stay.
#[test]
fn arp_via_gateway_over_ipv6_solicits_the_router_and_the_hop_limit_drops_at_it() {
    let test = "arp_via_gateway_over_ipv6_solicits_the_router_and_the_hop_limit_drops_at_it";
    let Some(run) = run(test, "arp-via-gateway") else {
        return;
    };
    let r = run.report();
    let v6 = &r["ipv6"];
    assert_eq!(v6["delivered"], true);
    let asked: Vec<&str> = v6["a_solicitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["target"].as_str().unwrap())
        .collect();
    // At least one solicitation, and every one for R: a second one is the
    // kernel's retransmission (RetransTimer, 1 s) on a loaded machine.
    assert!(!asked.is_empty(), "A solicited nobody");
    assert!(
        asked.iter().all(|t| *t == "2001:db8:1::1"),
        "A asks for R, never for C: {asked:?}"
    );
    let ns = &v6["a_solicitations"][0];
    assert_eq!(ns["dst_ip"], "ff02::1:ff00:1");
    assert_eq!(ns["dst_mac"], "33:33:ff:00:00:01");
    assert_eq!(v6["r_advertisement"]["router"], true);
    assert_eq!(v6["r_advertisement"]["solicited"], true);
    assert_eq!(v6["r_advertisement"]["dst_mac"], r["macs"]["A"]);
    assert_eq!(v6["r_solicitations"][0]["target"], "2001:db8:2::30");
    assert_eq!(v6["r_solicitations"][0]["dst_ip"], "ff02::1:ff00:30");
    assert_eq!(v6["r_solicitations"][0]["dst_mac"], "33:33:ff:00:00:30");
    let (lan1, lan2) = (&v6["datagram_lan1"], &v6["datagram_lan2"]);
    assert_eq!(lan1["hop_limit"], 64);
    assert_eq!(lan2["hop_limit"], 63);
    assert_eq!(lan1["src_mac"], r["macs"]["A"]);
    assert_eq!(lan1["dst_mac"], r["macs"]["R_eth0"]);
    assert_eq!(lan2["src_mac"], r["macs"]["R_eth1"]);
    assert_eq!(lan2["dst_mac"], r["macs"]["C"]);
    for side in [lan1, lan2] {
        assert_eq!(side["src_ip"], "2001:db8:1::10");
        assert_eq!(side["dst_ip"], "2001:db8:2::30");
    }

    let Some(targets) = at(
        test,
        &run,
        "A:eth0",
        "icmpv6.type == 135 && ipv6.src == 2001:db8:1::10",
        &["icmpv6.nd.ns.target_address", "ipv6.dst", "eth.dst"],
    ) else {
        return;
    };
    assert!(!targets.is_empty(), "tshark finds no solicitation from A");
    assert!(
        targets
            .iter()
            .all(|t| *t == ["2001:db8:1::1", "ff02::1:ff00:1", "33:33:ff:00:00:01"]),
        "A solicits R only, at its solicited-node group: {targets:?}"
    );
    let hops = |point: &str| {
        at(
            test,
            &run,
            point,
            "udp && ipv6.dst == 2001:db8:2::30",
            &["ipv6.hlim", "ipv6.src"],
        )
        .unwrap()
    };
    assert_eq!(hops("R:eth0"), vec![vec!["64", "2001:db8:1::10"]]);
    assert_eq!(hops("C:eth0"), vec![vec!["63", "2001:db8:1::10"]]);
    let flag_r = at(
        test,
        &run,
        "A:eth0",
        "icmpv6.type == 136 && icmpv6.nd.na.target_address == 2001:db8:1::1",
        &["icmpv6.nd.na.flag.r"],
    )
    .unwrap();
    assert!(!flag_r.is_empty(), "R never advertised");
    assert!(
        flag_r.iter().all(|f| *f == ["1"]),
        "R advertises as a router: {flag_r:?}"
    );
    assert_no_malformed(test, &run.pcap);
}

/// IPv6 routers never fragment (RFC 8200 5): R drops A's 1,496-byte
/// fragments and answers ICMPv6 Packet Too Big with MTU 1280 (RFC 4443 3.2);
/// A's kernel learns a path MTU of 1280 and fragments the next datagram
/// itself into pieces of at most 1280 bytes, which reach C as they left A and
/// are reassembled into one 3,000-byte recvfrom.
#[test]
fn mtu_over_ipv6_the_router_says_packet_too_big_and_the_sender_fragments() {
    let test = "mtu_over_ipv6_the_router_says_packet_too_big_and_the_sender_fragments";
    let Some(run) = run(test, "mtu") else { return };
    let v6 = &run.report()["ipv6"];
    assert_eq!(v6["packet_too_big_seen"], true);
    assert_eq!(v6["packet_too_big_mtu"], 1280);
    assert_eq!(v6["packet_too_big_from"], "2001:db8:1::1");
    assert!(v6["packet_too_big_count"].as_u64().unwrap() >= 1);
    assert_eq!(v6["path_mtu_before"], 1500);
    assert_eq!(v6["path_mtu_learned"], 1280);
    assert_eq!(v6["router_fragmented"], false);
    let first = &v6["first_datagram"];
    assert_eq!(
        first["largest_at_a"], 1496,
        "sized for A's own 1500-byte link"
    );
    // Only the last, small fragment of the first datagram fitted through.
    assert_eq!(first["fragments_at_c"].as_array().unwrap().len(), 1);
    assert_eq!(v6["first_delivered"], false);
    let second = &v6["second_datagram"];
    assert_eq!(second["largest_at_a"], 1280);
    // 3,008 bytes (UDP header and data) in 1,232-byte pieces: 1232 + 1232 + 544.
    let lens = |d: &serde_json::Value, side: &str| -> Vec<u64> {
        d[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["ip_len"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(lens(second, "fragments_at_a"), vec![1280, 1280, 592]);
    assert_eq!(second["fragments_at_c"], second["fragments_at_a"]);
    assert_eq!(v6["received_in_one_recvfrom"], 3000);
    assert_eq!(v6["intact"], true);

    let Some(ptb) = at(
        test,
        &run,
        "A:eth0",
        "icmpv6.type == 2",
        &["icmpv6.mtu", "ipv6.src", "icmpv6.code"],
    ) else {
        return;
    };
    assert!(!ptb.is_empty());
    assert!(
        ptb.iter()
            .all(|row| row == &vec!["1280", "2001:db8:1::1", "0"]),
        "{ptb:?}"
    );
    // Fragments (not the ones quoted inside Packet Too Big): R forwarded the
    // second datagram's three unchanged and fragmented nothing.
    let frags = |point: &str| {
        at(
            test,
            &run,
            point,
            "ipv6.fraghdr && !icmpv6",
            &["ipv6.fraghdr.ident", "ipv6.plen", "ipv6.fraghdr.offset"],
        )
        .unwrap()
    };
    let (at_a, at_c) = (frags("A:eth0"), frags("C:eth0"));
    assert_eq!(at_a.len(), 6, "two datagrams of three fragments: {at_a:?}");
    let second_id = &at_a[3][0];
    let second_at_a: Vec<&Vec<String>> = at_a.iter().filter(|f| &f[0] == second_id).collect();
    let second_at_c: Vec<&Vec<String>> = at_c.iter().filter(|f| &f[0] == second_id).collect();
    assert_eq!(second_at_a, second_at_c);
    assert!(
        at_c.iter()
            .all(|f| f[1].parse::<u32>().unwrap() + 40 <= 1280),
        "{at_c:?}"
    );
    assert_eq!(
        at_c.len(),
        4,
        "the first datagram's tail and the second's three"
    );
    assert_no_malformed(test, &run.pcap);
}

/// The text report prints the IPv6 facts, in English and in Chinese.
#[test]
fn the_text_reports_print_the_ipv6_facts_in_both_languages() {
    let test = "the_text_reports_print_the_ipv6_facts_in_both_languages";
    let _one = super::vnet_lab::ONE_LAB
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "en",
            "arp-same-lan",
            &[
                "neighbour solicitation for 2001:db8:1::20 went to ff02::1:ff00:20, the solicited-node multicast group",
                "on MAC 33:33:ff:00:00:20 (hop limit 255)",
                "came back unicast to 2001:db8:1::10",
                "solicited flag 1",
            ],
        ),
        (
            "zh",
            "arp-same-lan",
            &[
                "邻居请求发往 ff02::1:ff00:20，即 2001:db8:1::20 的请求节点组播组，目的 MAC 33:33:ff:00:00:20",
                "邻居通告单播回到 2001:db8:1::10",
            ],
        ),
        (
            "en",
            "arp-via-gateway",
            &[
                "A solicited 2001:db8:1::1 (R, its gateway), not 2001:db8:2::30, at ff02::1:ff00:1 (MAC 33:33:ff:00:00:01)",
                "router flag 1",
                "hop limit: 64 on LAN 1, 63 on LAN 2",
            ],
        ),
        (
            "zh",
            "arp-via-gateway",
            &["跳数限制在局域网 1 上是 64，在局域网 2 上是 63"],
        ),
        (
            "en",
            "mtu",
            &[
                "A's 1496-byte fragments did not cross R; R sent ICMPv6 Packet Too Big from 2001:db8:1::1 with MTU 1280; A's path MTU went 1500 → 1280",
                "left A in 3 fragments of at most 1280 bytes, reached C as the same 3, and one recvfrom returned 3000 bytes",
            ],
        ),
        (
            "zh",
            "mtu",
            &[
                "ICMPv6“分组过大”，MTU 1280；A 的路径 MTU 从 1500 变成 1280",
                "一次 recvfrom 收到 3000 字节",
            ],
        ),
    ];
    for (lang, name, words) in cases {
        let (code, out, err) = crate::common::run::nettutor(&["--lang", lang, "net", "run", name]);
        if code != 0 && err.contains("user namespaces") {
            crate::common::skip(test, &format!("no user namespaces here: {}", err.trim()));
            return;
        }
        assert_eq!(code, 0, "{name}: {err}");
        for w in *words {
            assert!(out.contains(w), "{lang} {name}: '{w}' not in\n{out}");
        }
        assert!(
            !out.contains("—"),
            "{lang} {name}: a fact is missing\n{out}"
        );
    }
}
