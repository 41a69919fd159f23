//! The virtual network (`nettutor net run`) as a student runs it: the real
//! binary, its JSON report and its pcapng read by tshark. Here the runner and
//! what every run must leave behind (nothing), the isolation from the host's
//! namespace, and the unprivileged path (`setpriv` to user nobody).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;

use crate::common;
use crate::common::run::BIN;

/// One lab at a time: the machine is small, and a namespace inode a test
/// looks for after a run must not be a new lab's recycled number.
pub static ONE_LAB: Mutex<()> = Mutex::new(());

/// A finished run: its JSON report and the pcapng it wrote.
pub struct Run {
    pub json: Value,
    pub pcap: PathBuf,
    /// Holds the pcapng until the test is done with it.
    _dir: tempfile::TempDir,
}

impl Run {
    pub fn report(&self) -> &Value {
        &self.json["report"]
    }
}

/// Starts a lab process of the real binary for a test that talks to it
/// directly; None (with the printed reason) where user namespaces are not
/// available. Any other failure to start fails the test.
pub fn start_lab(test: &str) -> Option<nettutor::vnet::Lab> {
    match nettutor::vnet::Lab::start_from(Path::new(BIN)) {
        Ok(lab) => Some(lab),
        Err(nettutor::vnet::VnetError::NoUserNamespaces { .. }) => {
            common::skip(test, "no user namespaces here");
            None
        }
        Err(e) => panic!("the lab did not start: {e}"),
    }
}

/// Runs `nettutor net run NAME --json -o DIR/NAME.pcapng`; None (with the
/// printed reason) where user namespaces are not available. Checks what every
/// run must leave behind: no lab process, no namespace, no stray file.
pub fn run(test: &str, name: &str) -> Option<Run> {
    run_with(test, name, &[])
}

/// [`run`] with more arguments (`--loss 5 --seed 7`).
pub fn run_with(test: &str, name: &str, extra: &[&str]) -> Option<Run> {
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join(format!("{name}.pcapng"));
    let out = Command::new(BIN)
        .args(["net", "run", name, "--json", "-o"])
        .arg(&pcap)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && stderr.contains("user namespaces") {
        common::skip(test, &format!("no user namespaces here: {}", stderr.trim()));
        return None;
    }
    assert!(out.status.success(), "{name} failed: {stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["experiment"], name);
    assert_eq!(json["isolation"]["ok"], true, "{json}");
    // The kernel's own count: no capture point's queue overflowed, so the
    // pcap and every fact drawn from it hold all the frames the points saw.
    assert_eq!(json["capture_dropped"], 0, "{name}: capture incomplete");
    assert_nothing_left(&json, dir.path(), &pcap);
    Some(Run {
        json,
        pcap,
        _dir: dir,
    })
}

/// `net:[INODE]` links of a process: its own namespace and its descriptors.
pub fn net_links(pid: &str) -> Vec<String> {
    let mut links = Vec::new();
    let proc_dir = Path::new("/proc").join(pid);
    if let Ok(l) = std::fs::read_link(proc_dir.join("ns/net")) {
        links.push(l.to_string_lossy().into_owned());
    }
    if let Ok(fds) = std::fs::read_dir(proc_dir.join("fd")) {
        for fd in fds.flatten() {
            if let Ok(l) = std::fs::read_link(fd.path()) {
                links.push(l.to_string_lossy().into_owned());
            }
        }
    }
    links
}

/// The parent pid of `pid`, from /proc/PID/stat.
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(1)?.parse().ok()
}

/// The lab process is gone, and no process that could have inherited one of
/// its namespaces (this test's descendants; the lab passes its descriptors to
/// nobody) holds one; the output folder holds the pcap and nothing else.
fn assert_nothing_left(json: &Value, dir: &Path, pcap: &Path) {
    let pid = json["lab_pid"].as_u64().unwrap();
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    assert!(
        !String::from_utf8_lossy(&cmdline).contains("__vnet"),
        "lab process {pid} still runs"
    );
    let inodes: Vec<String> = json["isolation"]["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("net:[{}]", h["netns_inode"]))
        .collect();
    assert!(inodes.len() >= 5, "{inodes:?}");
    assert_no_descendant_holds(&inodes);
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(
        files,
        vec![pcap.to_path_buf()],
        "stray files in the output folder"
    );
}

/// No process that could have inherited a lab namespace (this test's
/// descendants; the lab passes its descriptors to nobody) holds one of
/// `inodes` (`net:[INODE]`), nor does the test process itself.
pub fn assert_no_descendant_holds(inodes: &[String]) {
    let me = std::process::id();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(p) = name.parse::<u32>() else { continue };
        let mut ancestor = Some(p);
        let mut ours = false;
        while let Some(a) = ancestor.filter(|&a| a > 1) {
            if a == me {
                ours = true;
                break;
            }
            ancestor = parent_of(a);
        }
        if !ours || p == me {
            continue;
        }
        for link in net_links(&name) {
            assert!(!inodes.contains(&link), "process {p} still holds {link}");
        }
    }
    // The test process itself never held a lab namespace.
    for link in net_links("self") {
        assert!(!inodes.contains(&link));
    }
}

/// `tshark -r PCAP -Y FILTER -T fields -e F…`: one row per frame, each field's
/// first occurrence (an ICMP error quotes a second IP header).
pub fn tshark(test: &str, pcap: &Path, filter: &str, fields: &[&str]) -> Option<Vec<Vec<String>>> {
    common::run::tshark_fields(test, pcap, &[], filter, fields)
}

/// [`tshark`] on the frames of one capture point only, analysed as if that
/// point were the only one (`-2 -R`): TCP's retransmission and duplicate-ACK
/// analysis must not take another point's copy of a segment for a resend.
pub fn tshark_at(
    test: &str,
    pcap: &Path,
    point: &str,
    filter: &str,
    fields: &[&str],
) -> Option<Vec<Vec<String>>> {
    let only = format!("frame.interface_name == \"{point}\"");
    common::run::tshark_fields(test, pcap, &["-2", "-R", &only], filter, fields)
}

/// The frames tshark reports malformed or in error, one line each (which
/// point, ports, protocols, tshark's complaint): none is allowed.
pub fn malformed(test: &str, pcap: &Path) -> Option<Vec<String>> {
    tshark(
        test,
        pcap,
        "_ws.malformed || _ws.expert.severity == error",
        &[
            "frame.number",
            "frame.interface_name",
            "tcp.port",
            "udp.port",
            "frame.protocols",
            "_ws.expert.message",
        ],
    )
    .map(|rows| rows.iter().map(|r| r.join(" ")).collect())
}

/// tshark finds no malformed frame and no error in `pcap` (None: no tshark).
pub fn assert_no_malformed(test: &str, pcap: &Path) {
    if let Some(bad) = malformed(test, pcap) {
        assert!(
            bad.is_empty(),
            "{} malformed frames, e.g. {:?}",
            bad.len(),
            &bad[..bad.len().min(5)]
        );
    }
}

/// The host namespace as /proc/net shows it: interface names, addresses and
/// routes (IPv4 and IPv6), without the counters that change by themselves.
pub fn host_network() -> BTreeSet<String> {
    let mut lines = BTreeSet::new();
    for file in ["route", "ipv6_route", "if_inet6", "fib_trie"] {
        let text = std::fs::read_to_string(format!("/proc/net/{file}")).unwrap_or_default();
        lines.extend(text.lines().map(|l| format!("{file}: {l}")));
    }
    let dev = std::fs::read_to_string("/proc/net/dev").unwrap_or_default();
    lines.extend(
        dev.lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(name, _)| format!("dev: {}", name.trim())),
    );
    lines
}

#[test]
fn the_lab_is_closed_and_the_host_namespace_is_untouched() {
    let before = host_network();
    let Some(run) = run(
        "the_lab_is_closed_and_the_host_namespace_is_untouched",
        "arp-same-lan",
    ) else {
        return;
    };
    assert_eq!(
        before,
        host_network(),
        "the host's interfaces, addresses or routes changed"
    );
    let expected = [
        ("A", vec!["eth0", "lo"]),
        ("B", vec!["eth0", "lo"]),
        ("C", vec!["eth0", "lo"]),
        ("R", vec!["eth0", "eth1", "lo"]),
        ("S", vec!["a", "b", "br0", "lo", "r"]),
    ];
    let hosts = run.json["isolation"]["hosts"].as_array().unwrap();
    for (host, links) in expected {
        let h = hosts.iter().find(|h| h["host"] == host).unwrap();
        assert_eq!(h["links"], serde_json::json!(links), "{host}");
        assert_eq!(h["routes_out"], serde_json::json!([]), "{host}");
        // Every gateway is an address of the lab itself: nothing routes out.
        for gw in h["gateways"].as_array().unwrap() {
            let gw = gw.as_str().unwrap();
            assert!(
                [
                    "192.168.1.1",
                    "192.168.2.1",
                    "2001:db8:1::1",
                    "2001:db8:2::1"
                ]
                .contains(&gw),
                "{host} routes through {gw}"
            );
        }
    }
    // The router has no default route: LAN 1 and LAN 2 are all it knows.
    let r = hosts.iter().find(|h| h["host"] == "R").unwrap();
    assert_eq!(r["gateways"], serde_json::json!([]));
}

#[test]
fn set_up_and_tear_down_are_reported() {
    let Some(run) = run("set_up_and_tear_down_are_reported", "arp-same-lan") else {
        return;
    };
    let timing = &run.json["timing_ms"];
    for key in ["lab_start", "setup", "run", "lab_exit"] {
        assert!(
            timing[key].as_f64().is_some_and(|ms| ms > 0.0),
            "{key}: {timing}"
        );
    }
    // Closing the descriptors can take less than the 0.1 ms shown.
    assert!(
        timing["teardown"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{timing}"
    );
}

#[test]
fn an_unprivileged_user_runs_the_lab_too() {
    let test = "an_unprivileged_user_runs_the_lab_too";
    if !nix_is_root() {
        common::skip_here(test, "not root: this run already is the unprivileged path");
        return;
    }
    if !common::have(test, "setpriv", "--version") {
        return;
    }
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
        .args(["net", "run", "arp-via-gateway", "--json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && stderr.contains("user namespaces") {
        // The kernel's own choice; the one-line remedy is what a student sees.
        assert!(
            stderr.lines().count() == 1 && stderr.contains("sysctl"),
            "{stderr}"
        );
        common::skip_here(
            test,
            &format!("unprivileged user namespaces are off: {stderr}"),
        );
        return;
    }
    assert!(out.status.success(), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["report"]["a_arp_requests"][0]["target_ip"],
        "192.168.1.1"
    );
    assert_eq!(json["isolation"]["ok"], true);
}

/// Every other experiment of `nettutor net list` as user nobody too: the
/// impaired link's relay (AF_PACKET in a namespace of its own), CUBIC chosen
/// inside the lab, TCP_INFO, the capture written by an unprivileged process;
/// each with one effect it teaches and nothing left behind.
#[test]
fn every_experiment_runs_unprivileged() {
    let test = "every_experiment_runs_unprivileged";
    if !nix_is_root() {
        common::skip_here(test, "not root: every run already is the unprivileged path");
        return;
    }
    if !common::have(test, "setpriv", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // nobody may write the capture there.
    let mut perms = std::fs::metadata(dir.path()).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o777);
    std::fs::set_permissions(dir.path(), perms).unwrap();
    let fact = |name: &str, r: &Value| -> bool {
        match name {
            "arp-same-lan" => r["arp_request"]["dst_mac"] == "ff:ff:ff:ff:ff:ff",
            "arp-via-gateway" => r["echo_lan2"]["ttl"] == 63,
            "traceroute" => r["reached"] == true,
            "routing" => r["next_hop_after"] == "192.168.1.20",
            "mtu" => r["udp"]["received_in_one_recvfrom"] == 3000,
            "tcp-loss" => r["tcp"]["in_order"] == true,
            "zero-window" => r["probes"].as_u64().is_some_and(|n| n > 0),
            // An experiment added later: the run itself must succeed.
            _ => true,
        }
    };
    for e in nettutor::vnet::experiments::ALL {
        let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
        let pcap = dir.path().join(format!("{}.pcapng", e.name));
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
            .args(["net", "run", e.name, "--json", "-o"])
            .arg(&pcap)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() && stderr.contains("user namespaces") {
            common::skip_here(
                test,
                &format!("unprivileged user namespaces are off: {stderr}"),
            );
            return;
        }
        assert!(out.status.success(), "{}: {stderr}", e.name);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["isolation"]["ok"], true, "{}", e.name);
        assert!(
            fact(e.name, &json["report"]),
            "{}: {}",
            e.name,
            json["report"]
        );
        let meta = std::fs::metadata(&pcap).unwrap();
        assert_eq!(
            std::os::unix::fs::MetadataExt::uid(&meta),
            65534,
            "{}",
            e.name
        );
        let pid = json["lab_pid"].as_u64().unwrap();
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&cmdline).contains("__vnet"),
            "{}: lab process {pid} still runs",
            e.name
        );
    }
    // The captures and nothing else.
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let mut expected: Vec<String> = nettutor::vnet::experiments::ALL
        .iter()
        .map(|e| format!("{}.pcapng", e.name))
        .collect();
    expected.sort();
    assert_eq!(left, expected);
}

pub fn nix_is_root() -> bool {
    // SAFETY: getuid has no preconditions.
    unsafe { libc::getuid() == 0 }
}

#[test]
fn an_unknown_experiment_is_a_clear_error() {
    let (code, out, err) = common::run::nettutor(&["net", "run", "no-such-thing"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("no-such-thing") && err.contains("arp-same-lan"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}
