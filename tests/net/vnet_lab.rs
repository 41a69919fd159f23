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
/// run must leave behind: no lab process, no namespace, no stray file, the
/// host's network as it was.
pub fn run(test: &str, name: &str) -> Option<Run> {
    run_with(test, name, &[])
}

/// The environment variable that makes every [`run_with`] of this test
/// binary run the lab as user nobody (uid 65534, through `setpriv`) when the
/// tests run as root: `.ci/run` runs the experiment tests a second time so,
/// and every assertion they make then holds for the unprivileged path too.
pub const AS_NOBODY_ENV: &str = "NETTUTOR_TEST_LAB_AS_NOBODY";

/// uid and gid of user nobody.
pub const NOBODY: u32 = 65534;

/// Whether [`run_with`] runs the lab as user nobody (see [`AS_NOBODY_ENV`]).
fn as_nobody() -> bool {
    std::env::var(AS_NOBODY_ENV).is_ok_and(|v| v == "1") && nix_is_root()
}

/// A temp folder user nobody may write in.
fn open_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut perms = std::fs::metadata(dir.path()).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o777);
    std::fs::set_permissions(dir.path(), perms).unwrap();
    dir
}

/// [`run`] with more arguments (`--loss 5 --seed 7`).
pub fn run_with(test: &str, name: &str, extra: &[&str]) -> Option<Run> {
    run_as(test, name, extra, as_nobody())
}

/// [`run_with`], as user nobody (through `setpriv`, the tests being root) or
/// as the test's own user. The run's TMPDIR is an empty folder that must
/// still be empty afterwards.
fn run_as(test: &str, name: &str, extra: &[&str], nobody: bool) -> Option<Run> {
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    if nobody && !common::have(test, "setpriv", "--version") {
        return None;
    }
    let dir = open_tempdir();
    let tmp = open_tempdir();
    let pcap = dir.path().join(format!("{name}.pcapng"));
    let before = host_network();
    let mut command = if nobody {
        let mut c = Command::new("setpriv");
        c.args([
            &format!("--reuid={NOBODY}"),
            &format!("--regid={NOBODY}"),
            "--clear-groups",
            BIN,
        ]);
        c
    } else {
        Command::new(BIN)
    };
    let out = command
        .args(["net", "run", name, "--json", "-o"])
        .arg(&pcap)
        .args(extra)
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let ended = ticks_now();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && stderr.contains("user namespaces") {
        // The kernel's own choice; one line with the remedy is what a
        // student sees. Under CI (whose kernel allows them) this fails.
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
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
    assert_nothing_left(&json, dir.path(), &pcap, ended);
    let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&pcap).unwrap());
    if nobody {
        // The capture was written by the unprivileged lab, not by root.
        assert_eq!(owner, NOBODY, "{name}: the pcap's owner");
    }
    assert_empty(tmp.path(), name);
    assert_eq!(
        before,
        host_network(),
        "{name}: the host's interfaces, addresses or routes changed"
    );
    Some(Run {
        json,
        pcap,
        _dir: dir,
    })
}

/// Now, in clock ticks since boot (the unit of a process's start time in
/// /proc/PID/stat).
pub fn ticks_now() -> u64 {
    let uptime = std::fs::read_to_string("/proc/uptime").unwrap();
    let secs: f64 = uptime.split_whitespace().next().unwrap().parse().unwrap();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (secs * hz as f64).ceil() as u64
}

/// A process's start time, in clock ticks since boot.
fn started_at(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    // Field 22 of stat; the 20th after the command's closing parenthesis.
    after.split_whitespace().nth(19)?.parse().ok()
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

/// The lab process is gone, no process holds one of its namespaces, and the
/// output folder holds the pcap and nothing else.
fn assert_nothing_left(json: &Value, dir: &Path, pcap: &Path, ended: u64) {
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
    assert_no_process_holds(&inodes, ended);
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

/// No process on the machine holds one of `inodes` (`net:[INODE]`) as its
/// namespace, a thread's namespace or a descriptor, and no namespace file
/// system mount (a bind mount of /proc/PID/ns/net) keeps one alive. A
/// process started after `ended` (clock ticks since boot) is left out: the
/// kernel hands a freed namespace's inode number to the next namespace made,
/// and a lab of another test run may be that one.
pub fn assert_no_process_holds(inodes: &[String], ended: u64) {
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(p) = name.parse::<u32>() else { continue };
        let mut links = net_links(&name);
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) {
            for task in tasks.flatten() {
                if let Ok(l) = std::fs::read_link(task.path().join("ns/net")) {
                    links.push(l.to_string_lossy().into_owned());
                }
            }
        }
        let held: Vec<&String> = links.iter().filter(|l| inodes.contains(l)).collect();
        if held.is_empty() || started_at(p).is_some_and(|t| t > ended) {
            continue;
        }
        panic!("process {p} still holds {held:?}");
    }
    for mounts in ["/proc/self/mountinfo", "/proc/1/mountinfo"] {
        let text = std::fs::read_to_string(mounts).unwrap_or_default();
        for line in text.lines().filter(|l| l.contains("nsfs")) {
            for inode in inodes {
                assert!(!line.contains(inode.as_str()), "{mounts}: {line}");
            }
        }
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
    // `run` itself compares the host's network before and after.
    let Some(run) = run(
        "the_lab_is_closed_and_the_host_namespace_is_untouched",
        "arp-same-lan",
    ) else {
        return;
    };
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

/// Every experiment of `nettutor net list` as user nobody, in the plain
/// test run: the impaired link's relay (AF_PACKET in a namespace of its
/// own), CUBIC chosen inside the lab, TCP_INFO, the capture written by an
/// unprivileged process; each with one effect it teaches and nothing left
/// behind. (With [`AS_NOBODY_ENV`] set, as `.ci/run`'s second pass does,
/// every experiment test makes all its assertions on runs as nobody.)
#[test]
fn every_experiment_runs_unprivileged() {
    let test = "every_experiment_runs_unprivileged";
    if !nix_is_root() {
        common::skip_here(test, "not root: every run already is the unprivileged path");
        return;
    }
    if as_nobody() {
        common::skip_here(test, "every run of this pass already is unprivileged");
        return;
    }
    if !common::have(test, "setpriv", "--version") {
        return;
    }
    let fact = |name: &str, r: &Value| -> bool {
        match name {
            "arp-same-lan" => r["arp_request"]["dst_mac"] == "ff:ff:ff:ff:ff:ff",
            "arp-via-gateway" => {
                r["echo_lan2"]["ttl"] == 63 && r["a_arp_requests"][0]["target_ip"] == "192.168.1.1"
            }
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
        // As nobody: the pcap is nobody's, nothing is left, the host unchanged.
        let Some(run) = run_as(test, e.name, &[], true) else {
            return;
        };
        assert!(fact(e.name, run.report()), "{}: {}", e.name, run.report());
    }
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

/// The pid of a child of `parent` whose command line holds `word`.
fn child_running(parent: u32, word: &str) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_string_lossy().parse().ok()?;
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            (parent_of(pid) == Some(parent) && String::from_utf8_lossy(&cmdline).contains(word))
                .then_some(pid)
        })
}

/// The parent pid of `pid`, from /proc/PID/stat.
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(1)?.parse().ok()
}

/// Whether `pid` has ended (gone, or a zombie waiting for a parent that
/// does not reap: a zombie holds no namespace and no descriptor).
fn ended(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| Some(s.rsplit_once(')')?.1.split_whitespace().next()? == "Z"))
        .unwrap_or(true)
}

/// `nettutor net run` killed mid-run with SIGKILL, which no handler can
/// catch: the kernel kills its lab process too (`PR_SET_PDEATHSIG`), and
/// with the lab go all its namespaces; no temp file is left. The experiment
/// is keepalive-vanished, which runs 4 s: long enough to tell the kernel's
/// kill from the lab ending by itself.
#[test]
fn killing_the_tutor_mid_run_takes_the_lab_and_its_namespaces_with_it() {
    let test = "killing_the_tutor_mid_run_takes_the_lab_and_its_namespaces_with_it";
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = open_tempdir();
    let mut tutor = Command::new(BIN)
        .args(["net", "run", "keepalive-vanished", "--json"])
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let own = net_links("self").into_iter().next().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    // The lab (the tutor's `__vnet` child) with the experiment's network up:
    // a namespace per host, none of them this test's own.
    let (lab, inodes) = loop {
        if let Some(status) = tutor.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut tutor.stderr.take().unwrap(), &mut stderr).unwrap();
            if stderr.contains("user namespaces") {
                common::skip(test, &format!("no user namespaces here: {}", stderr.trim()));
                return;
            }
            panic!("the run ended ({status}) before it was killed: {stderr}");
        }
        if let Some(lab) = child_running(tutor.id(), "__vnet") {
            let mut held: BTreeSet<String> = net_links(&lab.to_string()).into_iter().collect();
            if let Ok(tasks) = std::fs::read_dir(format!("/proc/{lab}/task")) {
                for task in tasks.flatten() {
                    if let Ok(l) = std::fs::read_link(task.path().join("ns/net")) {
                        held.insert(l.to_string_lossy().into_owned());
                    }
                }
            }
            held.retain(|l| l.starts_with("net:") && *l != own);
            if held.len() >= 6 {
                break (lab, held.into_iter().collect::<Vec<_>>());
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no lab with its network appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    tutor.kill().unwrap();
    tutor.wait().unwrap();
    // The experiment needs 4 s more. Killed by the kernel, the lab ends at
    // once; left alone, it would end only after that, on its closed stdin.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while !ended(lab) {
        assert!(
            std::time::Instant::now() < deadline,
            "the lab {lab} outlived the tutor"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_no_process_holds(&inodes, ticks_now());
    assert_empty(tmp.path(), "the killed run");
}

/// The run's TMPDIR holds nothing afterwards.
fn assert_empty(tmp: &Path, what: &str) {
    let left: Vec<PathBuf> = std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "{what} left temp files: {left:?}");
}

/// `nettutor net list`: every experiment once, in teaching order, each
/// description starting in the same column, two spaces after the longest
/// name.
#[test]
fn net_list_names_every_experiment_in_one_column() {
    let (code, out, err) = common::run::nettutor(&["net", "list"]);
    assert_eq!(code, 0, "{err}");
    let names: Vec<&str> = nettutor::vnet::experiments::ALL
        .iter()
        .map(|e| e.name)
        .collect();
    let longest = names.iter().map(|n| n.len()).max().unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), names.len(), "{out}");
    for (line, name) in lines.iter().zip(&names) {
        let (head, about) = line.split_at(longest + 2);
        assert_eq!(head.trim_end(), *name, "{line}");
        assert!(
            !about.starts_with(' ') && !about.is_empty(),
            "the description of {name} is not in the column: {line:?}"
        );
    }
}
