//! The `dhcp` experiment: a real lease inside the virtual network. A's eth0
//! starts without an IPv4 address; the DORA exchange with the server in R is
//! asserted from the JSON report (computed from the captures and from the
//! kernel's address table) and again from tshark's reading of the pcapng.

use serde_json::json;

use super::vnet_lab::{assert_no_malformed, host_network, run, tshark};

#[test]
fn dhcp_leases_an_address_to_a_host_that_had_none() {
    let test = "dhcp_leases_an_address_to_a_host_that_had_none";
    let host_before = host_network();
    // `run` also asserts the lab process, its namespaces and its files are gone.
    let Some(run) = run(test, "dhcp") else {
        return;
    };
    assert_eq!(
        host_before,
        host_network(),
        "the lease reached the host's own interfaces"
    );
    let r = run.report();
    // The lease, as the Ack carried it (options 1, 3, 6, 51, 54).
    assert_eq!(
        r["lease"],
        json!({
            "ip": "192.168.1.100",
            "mask": "255.255.255.0",
            "prefix_len": 24,
            "router": ["192.168.1.1"],
            "dns": ["192.168.1.1"],
            "lease_s": 600,
            "t1_s": 300,
            "t2_s": 525,
            "server_id": "192.168.1.1",
        }),
        "{r}"
    );
    // Discover, Offer, Request, Ack as captured at A, each once.
    assert_eq!(r["dora"], json!([1, 2, 3, 5]), "{r}");
    let m = r["messages"].as_array().unwrap();
    let client_mac = r["client"]["mac"].as_str().unwrap();
    for (msg, (src, dst, outgoing)) in m.iter().zip([
        ("0.0.0.0:68", "255.255.255.255:67", true),
        ("192.168.1.1:67", "255.255.255.255:68", false),
        ("0.0.0.0:68", "255.255.255.255:67", true),
        ("192.168.1.1:67", "255.255.255.255:68", false),
    ]) {
        assert_eq!(msg["src"], src, "{msg}");
        assert_eq!(msg["dst"], dst, "{msg}");
        assert_eq!(msg["outgoing"], outgoing, "{msg}");
        assert_eq!(msg["dst_mac"], "ff:ff:ff:ff:ff:ff", "{msg}");
        assert_eq!(msg["chaddr"], client_mac, "{msg}");
        assert_eq!(msg["xid"], m[0]["xid"], "one transaction");
    }
    assert_eq!(m[0]["src_mac"], client_mac);
    assert_eq!(m[1]["yiaddr"], "192.168.1.100");
    // The server got the client's two, B (same switch) all four, LAN 2 none.
    assert_eq!(r["seen_at_r"], json!([1, 2, 3, 5]));
    assert_eq!(r["seen_at_b"], json!([1, 2, 3, 5]));
    assert_eq!(r["seen_on_lan2"], json!([]));
    assert_eq!(r["server"]["answered"], 2);
    assert!(
        r["dora_ms"]
            .as_f64()
            .is_some_and(|ms| ms > 0.0 && ms < 1000.0),
        "{r}"
    );
    // The kernel's own table: no IPv4 address before, the lease after.
    assert_eq!(r["a_ipv4_before"], json!([]));
    assert_eq!(
        r["a_ipv4_after"],
        json!([{ "ip": "192.168.1.100", "prefix_len": 24, "broadcast": "192.168.1.255" }])
    );
    assert_eq!(r["applied"], true);
    assert_eq!(r["route_to_lan2"]["via"], "192.168.1.1", "{r}");
    // …and it works: an echo from the leased address, answered by the router.
    assert_eq!(r["ping_router"]["echo_src"], "192.168.1.100");
    assert_eq!(r["ping_router"]["from"], "192.168.1.1");
    assert_eq!(r["ping_router"]["icmp_type"], 0);

    // tshark reads the same exchange from the pcapng.
    let Some(dhcp) = tshark(
        test,
        &run.pcap,
        "frame.interface_name == \"A:eth0\" && dhcp",
        &[
            "dhcp.option.dhcp",
            "ip.src",
            "udp.srcport",
            "ip.dst",
            "udp.dstport",
            "eth.dst",
            "dhcp.ip.your",
        ],
    ) else {
        return;
    };
    let row = |t: &str, src: &str, sp: &str, dst: &str, dp: &str, your: &str| -> Vec<String> {
        [t, src, sp, dst, dp, "ff:ff:ff:ff:ff:ff", your]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    assert_eq!(
        dhcp,
        vec![
            row("1", "0.0.0.0", "68", "255.255.255.255", "67", "0.0.0.0"),
            row(
                "2",
                "192.168.1.1",
                "67",
                "255.255.255.255",
                "68",
                "192.168.1.100"
            ),
            row("3", "0.0.0.0", "68", "255.255.255.255", "67", "0.0.0.0"),
            row(
                "5",
                "192.168.1.1",
                "67",
                "255.255.255.255",
                "68",
                "192.168.1.100"
            ),
        ]
    );
    let ack = tshark(
        test,
        &run.pcap,
        "frame.interface_name == \"A:eth0\" && dhcp.option.dhcp == 5",
        &[
            "dhcp.option.subnet_mask",
            "dhcp.option.router",
            "dhcp.option.domain_name_server",
            "dhcp.option.ip_address_lease_time",
            "dhcp.option.dhcp_server_id",
        ],
    )
    .unwrap();
    assert_eq!(
        ack,
        vec![vec![
            "255.255.255.0".to_string(),
            "192.168.1.1".into(),
            "192.168.1.1".into(),
            "600".into(),
            "192.168.1.1".into(),
        ]]
    );
    let lan2 = tshark(
        test,
        &run.pcap,
        "frame.interface_name == \"R:eth1\" && dhcp",
        &["frame.number"],
    )
    .unwrap();
    assert!(lan2.is_empty(), "a broadcast crossed the router: {lan2:?}");
    assert_no_malformed(test, &run.pcap);
}

#[test]
fn the_dhcp_text_report_speaks_both_languages() {
    let test = "the_dhcp_text_report_speaks_both_languages";
    let _one = super::vnet_lab::ONE_LAB
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let cases: &[(&str, &[&str])] = &[
        (
            "en",
            &[
                "DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPACK (option 53: 1, 2, 3, 5)",
                "the Discover went 0.0.0.0:68 → 255.255.255.255:67, to ff:ff:ff:ff:ff:ff",
                "B's interface got the messages of types 1, 2, 3, 5 too",
                "The lease: 192.168.1.100/24 (mask 255.255.255.0), router 192.168.1.1",
                "before [], after [192.168.1.100/24]; A pinged 192.168.1.1 from 192.168.1.100",
            ],
        ),
        (
            "zh",
            &[
                "在 A 的 eth0 上抓到：DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPACK（选项 53：1, 2, 3, 5）",
                "Discover 从 0.0.0.0:68 发往 255.255.255.255:67",
                "交换机洪泛广播帧：B 的接口也收到了类型为 1, 2, 3, 5 的消息",
                "租约：192.168.1.100/24（掩码 255.255.255.0），路由器 192.168.1.1",
                "600 秒",
                "之前 []，之后 [192.168.1.100/24]；A 从 192.168.1.100 ping 192.168.1.1",
            ],
        ),
    ];
    for (lang, words) in cases {
        let (code, out, err) =
            crate::common::run::nettutor(&["--lang", lang, "net", "run", "dhcp"]);
        if code != 0 && err.contains("user namespaces") {
            crate::common::skip(test, &format!("no user namespaces here: {}", err.trim()));
            return;
        }
        assert_eq!(code, 0, "{err}");
        for w in *words {
            assert!(out.contains(w), "{lang}: '{w}' not in\n{out}");
        }
        assert!(!out.contains("—"), "{lang}: a fact is missing\n{out}");
    }
}
