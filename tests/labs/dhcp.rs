//! The dhcp lab through its report: DORA over real sockets, the lease, the
//! renewal at T1, the broadcast flag, the relay; and its frames in the
//! packet inspector's dissector.

use nettutor::lab::dhcp::wire;
use nettutor::lab::{self, Cancel, LabDetails, LabName, LabParams, NullSink};
use nettutor::net::frame::{LayerKind, dissect};
use serde_json::Value;

fn run(pairs: &[&str]) -> (Value, lab::LabReport) {
    let params = LabParams::from_pairs(LabName::Dhcp, pairs.iter().copied()).unwrap();
    let report = lab::run_lab(&params, &NullSink, &Cancel::new()).unwrap();
    (serde_json::to_value(&report).unwrap(), report)
}

#[test]
fn dhcp_dora_gives_the_client_its_lease_and_it_renews_by_unicast_at_t1() {
    let (json, _) = run(&["lease=4", "predict=2"]);
    let messages = json["messages"].as_array().unwrap();
    let types: Vec<u64> = messages
        .iter()
        .map(|m| m["code"].as_u64().unwrap())
        .collect();
    assert_eq!(types, [1, 2, 3, 5, 3, 5], "{json}");
    assert_eq!(json["dora"], serde_json::json!([1, 2, 3, 5]));
    // One transaction id for the four of DORA, another for the renewal.
    let xid = |i: usize| messages[i]["xid"].as_str().unwrap();
    assert!((1..4).all(|i| xid(i) == xid(0)), "{json}");
    assert_ne!(xid(4), xid(0));
    // The client has no address: 0.0.0.0:68 to 255.255.255.255:67, op 1.
    for m in [&messages[0], &messages[2]] {
        assert_eq!(m["lan_src"], "0.0.0.0:68");
        assert_eq!(m["lan_dst"], "255.255.255.255:67");
        assert_eq!(m["op"], 1);
        assert_eq!(m["ciaddr"], "0.0.0.0");
        assert_eq!(m["broadcast_flag"], true);
    }
    // The Request names the offered address (50) and the chosen server (54).
    assert_eq!(messages[2]["options"]["50"], "192.168.1.100");
    assert_eq!(messages[2]["options"]["54"], "192.168.1.1");
    // Offer and Ack: op 2, yiaddr, options 53/54/51/1/3/6, broadcast (the flag is set).
    for (m, kind) in [(&messages[1], 2), (&messages[3], 5)] {
        assert_eq!(m["op"], 2);
        assert_eq!(m["yiaddr"], "192.168.1.100");
        assert_eq!(m["options"]["53"], kind);
        assert_eq!(m["options"]["54"], "192.168.1.1");
        assert_eq!(m["options"]["51"], 4);
        assert_eq!(m["options"]["1"], "255.255.255.0");
        assert_eq!(m["options"]["3"], serde_json::json!(["192.168.1.1"]));
        assert_eq!(m["options"]["6"], serde_json::json!(["192.168.1.1"]));
        assert_eq!(m["options"]["58"], 2);
        assert_eq!(m["options"]["59"], 3);
        assert_eq!(m["lan_dst"], "255.255.255.255:68");
        // Really carried over loopback sockets, on ephemeral ports.
        assert!(
            m["loopback_src"]
                .as_str()
                .unwrap()
                .starts_with("127.0.0.1:")
        );
        assert!(m["bytes"].as_u64().unwrap() >= 300);
    }
    assert_eq!(json["lease"]["address"], "192.168.1.100");
    assert_eq!(json["lease"]["t1_s"], 2);
    // Renewing: ciaddr filled, unicast to the server, no broadcast flag, no 50/54.
    let renew = &messages[4];
    assert_eq!(renew["renewal"], true);
    assert_eq!(renew["ciaddr"], "192.168.1.100");
    assert_eq!(renew["lan_src"], "192.168.1.100:68");
    assert_eq!(renew["lan_dst"], "192.168.1.1:67");
    assert_eq!(renew["broadcast_flag"], false);
    assert!(renew["options"].get("50").is_none() && renew["options"].get("54").is_none());
    assert_eq!(messages[5]["lan_dst"], "192.168.1.100:68");
    // At T1 (half of the 4 s lease), not before.
    let after = json["renewal"]["after_s"].as_f64().unwrap();
    assert!((2.0..2.8).contains(&after), "{json}");
    assert_eq!(json["renewal"]["acked"], true);
    assert_eq!(json["prediction"]["observed"], 2);
    assert_eq!(json["prediction"]["matched"], true);
}

#[test]
fn dhcp_without_the_broadcast_flag_the_server_unicasts_to_yiaddr() {
    let (json, _) = run(&["broadcast=false", "renew=false"]);
    let messages = json["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[0]["lan_dst"], "255.255.255.255:67");
    assert_eq!(messages[1]["broadcast_flag"], false);
    assert_eq!(messages[1]["lan_dst"], "192.168.1.100:68");
    assert_eq!(messages[1]["lan_broadcast"], false);
    assert!(json["renewal"].is_null());
    // Without a renewal, what was predicted is the T1 the Ack named.
    assert_eq!(json["lease"]["t1_s"], 4);
}

#[test]
fn dhcp_through_a_relay_giaddr_picks_the_subnet_and_the_server_answers_the_relay() {
    let (json, _) = run(&["relay", "renew=false", "first=50"]);
    let messages = json["messages"].as_array().unwrap();
    let hops: Vec<(String, String)> = messages
        .iter()
        .map(|m| {
            (
                m["from"].as_str().unwrap().into(),
                m["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    let once = [
        pair("client", "relay"),
        pair("relay", "server"),
        pair("server", "relay"),
        pair("relay", "client"),
    ];
    assert_eq!(hops[..4], once, "{json}");
    assert_eq!(hops[4..], once, "{json}");
    let to_server = &messages[1];
    assert_eq!(to_server["giaddr"], "192.168.2.1");
    assert_eq!(to_server["hops"], 1);
    assert_eq!(to_server["lan_dst"], "192.168.1.1:67");
    // The server answers the relay on port 67; the address is from giaddr's subnet.
    assert_eq!(messages[2]["lan_dst"], "192.168.2.1:67");
    assert_eq!(messages[2]["yiaddr"], "192.168.2.50");
    assert_eq!(json["lease"]["router"], serde_json::json!(["192.168.2.1"]));
    assert_eq!(json["lease"]["server_id"], "192.168.1.1");
    assert!(json["relay"].as_str().unwrap().starts_with("127.0.0.1:"));
}

#[test]
fn dhcp_frames_dissect_as_dhcp_with_every_field_of_the_exchange() {
    let (_, report) = run(&["renew=false"]);
    let LabDetails::Dhcp(details) = &report.details else {
        panic!("not a dhcp report");
    };
    let frames = wire::pcap_frames(&details.messages).unwrap();
    assert_eq!(frames.len(), 4);
    let offer = dissect(&frames[1].1);
    assert!(!offer.is_malformed());
    assert!(offer.bad_checksums().is_empty());
    assert!(offer.layer(LayerKind::Dhcp).is_some());
    let shown = |id: &str| offer.field(id).unwrap().shown.clone();
    assert_eq!(shown("eth.dst"), "ff:ff:ff:ff:ff:ff (broadcast)");
    assert_eq!(shown("dhcp.type"), "Boot Reply (2)");
    assert_eq!(shown("dhcp.id"), details.messages[1].xid);
    assert_eq!(shown("dhcp.ip.your"), "192.168.1.100");
    assert_eq!(shown("dhcp.option.dhcp"), "Offer (2)");
    assert_eq!(shown("dhcp.option.dhcp_server_id"), "192.168.1.1");
    assert_eq!(shown("dhcp.option.ip_address_lease_time"), "8 s");
    assert_eq!(shown("dhcp.option.subnet_mask"), "255.255.255.0");
    assert_eq!(shown("dhcp.option.router"), "192.168.1.1");
    assert_eq!(shown("dhcp.option.domain_name_server"), "192.168.1.1");
    let discover = dissect(&frames[0].1);
    assert_eq!(discover.field("ip.src").unwrap().shown, "0.0.0.0");
    assert_eq!(
        discover.field("dhcp.option.dhcp").unwrap().shown,
        "Discover (1)"
    );
    assert_eq!(discover.field("dhcp.flags.bc").unwrap().shown, "Set");
}

#[test]
fn dhcp_options_out_of_range_are_refused_clearly() {
    for bad in ["lease=3", "lease=61", "first=251", "relay=maybe"] {
        let err = LabParams::from_pairs(LabName::Dhcp, [bad]).unwrap_err();
        assert!(err.is_usage(), "{bad}: {err}");
    }
}
