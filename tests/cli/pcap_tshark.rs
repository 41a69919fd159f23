//! Exports every pcap the CLI can write and has tshark check it: no malformed
//! packets, no bad checksums, and the expected protocols. Skips without tshark.

use crate::common;
use crate::common::run::tshark_verbose;

use std::path::Path;
use std::process::Command;

use nettutor::net::pcap::read_pcap;

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn export(args: &[&str], out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(["--lang", "en", "export"])
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn assert_clean(text: &str, what: &str) {
    for bad in [
        "Malformed",
        "malformed",
        "incorrect",
        "Bad checksum",
        "[Checksum Status: Bad]",
    ] {
        assert!(
            !text.contains(bad),
            "{what}: tshark reports '{bad}':\n{text}"
        );
    }
}

#[test]
fn exported_pcaps_are_clean_in_tshark() {
    if !tshark_available() {
        common::skip("pcap_tshark", "tshark is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], usize, &[&str]); 6] = [
        (
            &["encapsulation", "--message", "hello"],
            1,
            &[
                "Transmission Control Protocol",
                "Internet Protocol Version 4",
                "[correct]",
            ],
        ),
        (
            &["encapsulation", "--message", "hello", "--udp"],
            1,
            &["User Datagram Protocol", "[Checksum Status: Good]"],
        ),
        (
            &["encapsulation", "--message", "你好, world", "--ipv6"],
            1,
            &[
                "Internet Protocol Version 6",
                "Transmission Control Protocol",
            ],
        ),
        (
            &["encapsulation", "--message", "x", "--udp", "--ipv6"],
            1,
            &["User Datagram Protocol", "Internet Protocol Version 6"],
        ),
        (
            &["arp", "--scenario", "same-network"],
            4,
            &[
                "Address Resolution Protocol (request)",
                "Target IP address: 192.168.1.20",
                "Address Resolution Protocol (reply)",
                "Sender MAC address: 02:00:00:00:00:0b",
                "Multicast Domain Name System",
                "Type: ARP (0x0806)",
            ],
        ),
        (
            &["arp", "--scenario", "via-gateway"],
            3,
            &[
                "Target IP address: 192.168.1.1",
                "Destination Address: 203.0.113.7",
            ],
        ),
    ];
    for (i, (args, count, expected)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("case{i}.pcap"));
        export(args, &file);
        assert_eq!(read_pcap(&file).unwrap().len(), *count, "{args:?}");
        let text = tshark_verbose(&file);
        assert_clean(&text, &format!("{args:?}"));
        for needle in *expected {
            assert!(
                text.contains(needle),
                "{args:?}: missing '{needle}' in\n{text}"
            );
        }
    }
}

#[test]
fn a_corrupted_frame_is_flagged_by_tshark_too() {
    // Guards the test above: the same check must fail when a checksum is wrong.
    if !tshark_available() {
        common::skip("pcap_tshark", "tshark is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.pcap");
    export(&["encapsulation", "--udp"], &file);
    let mut frames = read_pcap(&file).unwrap();
    let last = frames[0].data.len() - 1;
    frames[0].data[last] ^= 0x01;
    let pairs: Vec<_> = frames.into_iter().map(|f| (f.timestamp, f.data)).collect();
    nettutor::net::pcap::write_pcap(&file, &pairs).unwrap();
    let text = tshark_verbose(&file);
    assert!(text.contains("incorrect") || text.contains("Bad"), "{text}");
}

#[test]
fn export_errors_are_clear_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(1461);
    let out = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args([
            "--lang",
            "en",
            "export",
            "encapsulation",
            "--message",
            &long,
            "-o",
        ])
        .arg(dir.path().join("a.pcap"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 1460 bytes (MTU 1500)"));
    assert!(!dir.path().join("a.pcap").exists());

    let missing = dir.path().join("no/such/dir/a.pcap");
    let out = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(["export", "arp", "-o"])
        .arg(&missing)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot write") && err.contains("no/such/dir/a.pcap"),
        "{err}"
    );
    // Nothing is left behind in the output directory.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// tshark's fields `fields` of every DNS message in `file`, one line each.
fn dns_fields(file: &Path, fields: &[&str]) -> Vec<String> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(file).args(["-Y", "dns", "-T", "fields"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_dns_export_is_real_dns_to_tshark_truncated_over_udp_then_whole_over_tcp() {
    if !tshark_available() {
        common::skip("pcap_tshark", "tshark is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dns.pcap");
    export(&["dns"], &file);
    let text = tshark_verbose(&file);
    assert_clean(&text, "export dns");
    assert!(text.contains("Domain Name System (query)"), "{text}");
    assert!(text.contains("Domain Name System (response)"), "{text}");
    // name, type, over TCP?, response?, TC, answers, rcode
    let rows = dns_fields(
        &file,
        &[
            "dns.qry.name",
            "dns.qry.type",
            "tcp.port",
            "dns.flags.response",
            "dns.flags.truncated",
            "dns.count.answers",
            "dns.flags.rcode",
        ],
    );
    let many: Vec<&String> = rows
        .iter()
        .filter(|r| r.starts_with("many.lab.test\t"))
        .collect();
    assert_eq!(many.len(), 4, "{rows:#?}");
    let cols = |row: &str| row.split('\t').map(str::to_string).collect::<Vec<_>>();
    // UDP (no TCP port): the query, then a response with TC set and only the
    // 30 records that fit. Columns: name, type, tcp port, QR, TC, answers, rcode.
    assert_eq!(cols(many[0])[1..6], ["1", "", "0", "0", "0"], "{}", many[0]);
    assert_eq!(cols(many[1])[2..], ["", "1", "1", "30", "0"], "{}", many[1]);
    // TCP (port 53): the same question, and all 40 records.
    assert!(cols(many[2])[2].contains("53"), "{}", many[2]);
    assert_eq!(cols(many[3])[3..], ["1", "0", "40", "0"], "{}", many[3]);
    let nx: Vec<&String> = rows
        .iter()
        .filter(|r| r.starts_with("nosuch.lab.test\t"))
        .collect();
    assert_eq!(
        cols(nx[1])[5..],
        ["0", "3"],
        "NXDOMAIN is rcode 3: {}",
        nx[1]
    );
    // Six questions over UDP and one over TCP: 7 queries, 7 responses (the
    // cache answered the last www without a message).
    assert_eq!(rows.len(), 14, "{rows:#?}");
}

/// tshark's fields `fields` of every DHCP message in `file`, one line each.
fn dhcp_fields(file: &Path, fields: &[&str]) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(file).args(["-Y", "dhcp", "-T", "fields"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn the_dhcp_export_is_four_dhcp_messages_to_tshark_broadcast_from_zero() {
    if !tshark_available() {
        common::skip("pcap_tshark", "tshark is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dhcp.pcap");
    export(&["dhcp"], &file);
    let text = tshark_verbose(&file);
    assert_clean(&text, "export dhcp");
    let fields = [
        "dhcp.option.dhcp",
        "ip.src",
        "ip.dst",
        "udp.srcport",
        "udp.dstport",
        "dhcp.flags.bc",
        "dhcp.ip.your",
        "dhcp.option.dhcp_server_id",
        "dhcp.option.ip_address_lease_time",
        "dhcp.option.subnet_mask",
        "dhcp.option.router",
        "dhcp.option.domain_name_server",
        "dhcp.id",
    ];
    let rows = dhcp_fields(&file, &fields);
    let types: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(types, ["1", "2", "3", "5"], "{rows:#?}");
    // The client has no address: from 0.0.0.0:68 to the broadcast address, port 67.
    for r in [&rows[0], &rows[2]] {
        assert_eq!(r[1..5], ["0.0.0.0", "255.255.255.255", "68", "67"], "{r:?}");
    }
    // The broadcast flag is set, so the server broadcasts Offer and Ack to port 68.
    for r in [&rows[1], &rows[3]] {
        assert_eq!(
            r[1..5],
            ["192.168.1.1", "255.255.255.255", "67", "68"],
            "{r:?}"
        );
        assert!(matches!(r[5].as_str(), "1" | "True"), "{r:?}");
        assert_eq!(
            r[6..12],
            [
                "192.168.1.100",
                "192.168.1.1",
                "8",
                "255.255.255.0",
                "192.168.1.1",
                "192.168.1.1"
            ],
            "{r:?}"
        );
    }
    // One transaction: the same xid on all four.
    assert!(rows.iter().all(|r| r[12] == rows[0][12]), "{rows:#?}");
    // Without the broadcast flag, the Offer and Ack are unicast to yiaddr; a
    // relay doubles the messages and fills giaddr.
    let unicast = dir.path().join("unicast.pcap");
    export(&["dhcp", "--unicast", "--relay"], &unicast);
    assert_clean(&tshark_verbose(&unicast), "export dhcp --unicast --relay");
    let rows = dhcp_fields(
        &unicast,
        &["dhcp.option.dhcp", "ip.dst", "dhcp.ip.relay", "dhcp.hops"],
    );
    assert_eq!(rows.len(), 8, "{rows:#?}");
    assert_eq!(
        rows[1][1..],
        ["192.168.1.1", "192.168.2.1", "1"],
        "{rows:#?}"
    );
    assert_eq!(rows[3][..2], ["2", "192.168.2.100"], "{rows:#?}");
}
