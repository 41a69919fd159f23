//! `nettutor subnet` as a real process: JSON keys and values, exit status 2 with one
//! line for bad input, the report in both languages, and the help text.

use std::process::{Command, Output};

use serde_json::Value;

fn nettutor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(args)
        .env_remove("NO_COLOR")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap()
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["subnet"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = nettutor(&all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "one object on one line: {text}");
    serde_json::from_str(&text).unwrap()
}

const KEYS: [&str; 12] = [
    "address",
    "network",
    "prefix",
    "netmask",
    "wildcard",
    "broadcast",
    "first_host",
    "last_host",
    "usable_hosts",
    "total_addresses",
    "class",
    "scope",
];

#[test]
fn json_has_exactly_the_documented_keys_and_values() {
    let v = json(&["192.168.21.36/24"]);
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = KEYS.to_vec();
    want.sort_unstable();
    assert_eq!(keys, want);
    assert_eq!(v["address"], "192.168.21.36");
    assert_eq!(v["network"], "192.168.21.0");
    assert_eq!(v["prefix"], 24);
    assert_eq!(v["netmask"], "255.255.255.0");
    assert_eq!(v["wildcard"], "0.0.0.255");
    assert_eq!(v["broadcast"], "192.168.21.255");
    assert_eq!(v["first_host"], "192.168.21.1");
    assert_eq!(v["last_host"], "192.168.21.254");
    assert_eq!(v["usable_hosts"], "254");
    assert_eq!(v["total_addresses"], "256");
    assert_eq!(v["class"], "C");
    assert_eq!(v["scope"], "private");
    // The other two input forms give the same object.
    assert_eq!(json(&["192.168.21.36", "255.255.255.0"]), v);
    assert_eq!(json(&["192.168.21.36/255.255.255.0"]), v);
}

#[test]
fn json_nulls_for_ipv6_and_slash_31_32() {
    let v6 = json(&["2001:DB8:0:0::1/64"]);
    assert_eq!(v6["address"], "2001:db8::1");
    assert_eq!(v6["network"], "2001:db8::");
    assert!(v6["broadcast"].is_null());
    assert!(v6["class"].is_null());
    assert_eq!(v6["first_host"], "2001:db8::");
    assert_eq!(v6["last_host"], "2001:db8::ffff:ffff:ffff:ffff");
    assert_eq!(v6["usable_hosts"], "18446744073709551616");
    let all = json(&["::/0"]);
    assert_eq!(
        all["total_addresses"],
        "340282366920938463463374607431768211456"
    );
    let p2p = json(&["10.0.0.1/31"]);
    assert!(p2p["broadcast"].is_null());
    assert_eq!(p2p["first_host"], "10.0.0.0");
    assert_eq!(p2p["last_host"], "10.0.0.1");
    assert_eq!(p2p["usable_hosts"], "2");
    let host = json(&["10.0.0.1/32"]);
    assert!(host["broadcast"].is_null());
    assert_eq!(host["usable_hosts"], "1");
    assert_eq!(host["first_host"], host["last_host"]);
    let unspecified = json(&["0.0.0.0/0"]);
    assert_eq!(unspecified["scope"], "unspecified");
    assert_eq!(unspecified["broadcast"], "255.255.255.255");
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_place() {
    for (args, needle) in [
        (vec!["subnet", "256.1.1.1/24"], "octet 1 is 256 at column 1"),
        (vec!["subnet", "010.1.1.1", "--json"], "leading zero"),
        (vec!["subnet", "1.2.3.4/33"], "column 9"),
        (
            vec!["subnet", "1.2.3.4/"],
            "nothing after the '/' at column 8",
        ),
        (vec!["subnet", "1.2.3.4", "255.0.255.0"], "bit 17"),
        (vec!["subnet", "-1.2.3.4"], "looks like an option"),
        (vec!["subnet", ""], "empty input"),
        (vec!["subnet"], "empty input"),
        (
            vec!["subnet", "1.2.3.4/24", "--same", "1.2.3"],
            "--same: '1.2.3' has 3 octets",
        ),
        (
            vec!["subnet", "1.2.3.4/24", "--vlsm", "200,100"],
            "--vlsm: the subnets need 384",
        ),
        (
            vec!["subnet", "1.2.3.4/24", "--split", "8"],
            "--split: cannot split /24 into /8",
        ),
        (
            vec!["subnet", "--range", "10.0.0.9-10.0.0.1"],
            "--range: the range starts",
        ),
    ] {
        let out = nettutor(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let zh = nettutor(&["--lang", "zh", "subnet", "1.2.3.4/33"]);
    assert_eq!(zh.status.code(), Some(2));
    assert!(
        String::from_utf8(zh.stderr)
            .unwrap()
            .contains("前缀 /33 太长")
    );
}

#[test]
fn report_shows_bits_and_follows_lang() {
    let en = nettutor(&["subnet", "192.168.21.36/24"]);
    assert!(en.status.success());
    let text = String::from_utf8(en.stdout).unwrap();
    assert!(text.contains("11000000.10101000.00010101.00100100  192.168.21.36"));
    assert!(text.contains("11111111.11111111.11111111.00000000  255.255.255.0"));
    assert!(text.contains("11000000.10101000.00010101.00000000  192.168.21.0"));
    assert!(text.contains("^ /24"));
    assert!(text.contains("historical"));
    // Not a terminal: no colour escapes.
    assert!(!text.contains('\u{1b}'));
    let zh = nettutor(&["subnet", "192.168.21.36/24", "--lang", "zh"]);
    let text = String::from_utf8(zh.stdout).unwrap();
    assert!(text.contains("网络地址"), "{text}");
    assert!(text.contains("私有地址（RFC 1918）"), "{text}");
    let bare = String::from_utf8(nettutor(&["subnet", "10.1.2.3"]).stdout).unwrap();
    assert!(bare.contains("taken as a single host (/32)"), "{bare}");
}

#[test]
fn same_split_vlsm_aggregate_range_in_json() {
    let v = json(&[
        "192.168.1.10/24",
        "--same",
        "192.168.2.1",
        "--gateway",
        "192.168.1.1",
        "--split",
        "26",
        "--vlsm",
        "50,20,10,2",
    ]);
    assert_eq!(v["same_network"]["same"], false);
    assert_eq!(v["same_network"]["network_b"], "192.168.2.0");
    assert_eq!(v["same_network"]["lan_scenario"], "via-gateway");
    assert_eq!(v["gateway"]["valid"], true);
    assert_eq!(v["split"]["count"], "4");
    assert_eq!(v["split"]["subnets"][3], "192.168.1.192/26");
    assert_eq!(v["vlsm"]["subnets"][0]["subnet"], "192.168.1.0/26");
    assert_eq!(v["vlsm"]["subnets"][3]["subnet"], "192.168.1.112/30");
    let huge = json(&["10.0.0.0/8", "--split", "30", "--limit", "3"]);
    assert_eq!(huge["split"]["count"], "4194304");
    assert_eq!(huge["split"]["subnets"].as_array().unwrap().len(), 3);
    let agg = json(&[
        "--aggregate",
        "192.168.0.0/24,192.168.1.0/24",
        "192.168.2.0/23",
    ]);
    assert_eq!(agg["aggregate"], serde_json::json!(["192.168.0.0/22"]));
    assert!(agg.get("address").is_none());
    let range = json(&["--range", "192.168.1.10-192.168.1.20"]);
    assert_eq!(
        range["range"],
        serde_json::json!([
            "192.168.1.10/31",
            "192.168.1.12/30",
            "192.168.1.16/30",
            "192.168.1.20/32"
        ])
    );
}

#[test]
fn help_states_the_conventions() {
    let out = nettutor(&["subnet", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "/31",
        "RFC 3021",
        "/32",
        "IPv6 has no broadcast",
        "bare address",
        "single host",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}:\n{help}");
    }
}

#[test]
fn help_lists_every_scope_id() {
    let help = String::from_utf8(nettutor(&["subnet", "--help"]).stdout).unwrap();
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for scope in nettutor::net::subnet::Scope::ALL {
        assert!(
            flat.contains(scope.id()),
            "--help lacks scope {}",
            scope.id()
        );
    }
}
