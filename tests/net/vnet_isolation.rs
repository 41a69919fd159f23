//! The lab's isolation, checked from outside its own report: the test holds a
//! lab's network (the hidden `hold` request of `nettutor __vnet`), finds every
//! network namespace the lab process holds among its descriptors
//! (`/proc/PID/fd/N` → `net:[INODE]`), enters each with `nsenter` and lists
//! with `ip` what is there. Each namespace holds only the links the topology
//! (docs/vnet.md) draws; every veth's peer is the other end of one of its
//! cables, in another lab namespace — so no interface leads into the host's
//! namespace or anywhere else; every route's interface is one of the
//! namespace's own and every gateway is an address of another lab host; only
//! A, B and C have a default route, through R. The host namespace's
//! interfaces, addresses and routes are the same before, during and after;
//! afterwards the namespaces are gone. Nothing is sent anywhere.
//! As root, and as user nobody (`setpriv`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::vnet_lab::{
    ONE_LAB, assert_no_process_holds, host_network, net_links, nix_is_root, ticks_now,
};
use crate::common;
use crate::common::run::BIN;

/// What runs a command as user nobody.
const NOBODY: &[&str] = &[
    "setpriv",
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
];

/// One expected lab: each host's links (sorted, `lo` included), its cables
/// (host, interface, host, interface) and the hosts that route by default
/// through which gateways.
struct Topology {
    links: &'static [(&'static str, &'static [&'static str])],
    cables: &'static [(&'static str, &'static str, &'static str, &'static str)],
    defaults: &'static [(&'static str, &'static [&'static str])],
}

const DEFAULTS: &[(&str, &[&str])] = &[
    ("A", &["192.168.1.1", "2001:db8:1::1"]),
    ("B", &["192.168.1.1", "2001:db8:1::1"]),
    ("C", &["192.168.2.1", "2001:db8:2::1"]),
];

/// The lessons' lab (every experiment but tcp-loss).
const STANDARD: Topology = Topology {
    links: &[
        ("A", &["eth0", "lo"]),
        ("B", &["eth0", "lo"]),
        ("C", &["eth0", "lo"]),
        ("R", &["eth0", "eth1", "lo"]),
        ("S", &["a", "b", "br0", "lo", "r"]),
    ],
    cables: &[
        ("S", "a", "A", "eth0"),
        ("S", "b", "B", "eth0"),
        ("S", "r", "R", "eth0"),
        ("R", "eth1", "C", "eth0"),
    ],
    defaults: DEFAULTS,
};

/// tcp-loss's lab: the cable R–C cut, W (the impaired wire) in between.
const IMPAIRED: Topology = Topology {
    links: &[
        ("A", &["eth0", "lo"]),
        ("B", &["eth0", "lo"]),
        ("C", &["eth0", "lo"]),
        ("R", &["eth0", "eth1", "lo"]),
        ("S", &["a", "b", "br0", "lo", "r"]),
        ("W", &["c", "lo", "r"]),
    ],
    cables: &[
        ("S", "a", "A", "eth0"),
        ("S", "b", "B", "eth0"),
        ("S", "r", "R", "eth0"),
        ("W", "r", "R", "eth1"),
        ("W", "c", "C", "eth0"),
    ],
    defaults: DEFAULTS,
};

/// A lab process holding a network (`{"request":"hold"}`); killed if the
/// test fails before it is released.
struct Held {
    child: Child,
    stdin: Option<ChildStdin>,
    replies: Receiver<String>,
    /// The `held` reply.
    held: Value,
}

impl Held {
    /// Starts `[as_user…] nettutor __vnet` and holds `experiment`'s network;
    /// None (with the reason printed) where user namespaces are not available.
    fn start(test: &str, as_user: &[&str], experiment: &str, seconds: u64) -> Option<Held> {
        let mut cmd = match as_user.split_first() {
            Some((tool, args)) => {
                let mut c = Command::new(tool);
                c.args(args).arg(BIN);
                c
            }
            None => Command::new(BIN),
        };
        let mut child = cmd
            .arg("__vnet")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let out = child.stdout.take().unwrap();
        let (tx, replies) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lab = Held {
            child,
            stdin,
            replies,
            held: Value::Null,
        };
        let ready = lab.reply();
        if ready["reply"] == "refused" {
            common::skip(test, &format!("no user namespaces here: {ready}"));
            return None;
        }
        assert_eq!(ready["reply"], "ready", "{ready}");
        lab.send(&json!({"request": "hold", "experiment": experiment, "seconds": seconds}));
        lab.held = lab.reply();
        assert_eq!(lab.held["reply"], "held", "{}", lab.held);
        Some(lab)
    }

    fn send(&mut self, request: &Value) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{request}").unwrap();
        stdin.flush().unwrap();
    }

    fn reply(&self) -> Value {
        let line = self
            .replies
            .recv_timeout(Duration::from_secs(30))
            .expect("the lab process did not answer");
        serde_json::from_str(&line).unwrap()
    }

    fn pid(&self) -> u64 {
        self.held["pid"].as_u64().unwrap()
    }

    /// Asks the lab to end and waits (bounded) for it to exit.
    fn shutdown(mut self) {
        self.send(&json!({"request": "shutdown"}));
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the lab process did not end");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The host namespace as `ip` lists it (links, addresses, IPv4 and IPv6
/// routes of every table) without what changes by itself (counters, address
/// lifetimes, route expiry), and as /proc/net shows it.
fn host_state() -> BTreeSet<String> {
    let mut lines = host_network();
    let keep = |v: &Value, keys: &[&str]| -> String {
        keys.iter()
            .filter_map(|k| v.get(*k).map(|x| format!("{k}={x}")))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for link in ip(&[], &["-d", "link", "show"]) {
        let k = [
            "ifindex",
            "ifname",
            "link_type",
            "address",
            "mtu",
            "master",
            "link_index",
            "link_netnsid",
            "linkinfo",
        ];
        lines.insert(format!("ip link: {}", keep(&link, &k)));
    }
    for link in ip(&[], &["addr", "show"]) {
        for a in link["addr_info"].as_array().into_iter().flatten() {
            let k = ["family", "local", "prefixlen", "scope"];
            lines.insert(format!("ip addr: {} {}", link["ifname"], keep(a, &k)));
        }
    }
    for family in ["-4", "-6"] {
        for r in ip(&[], &[family, "route", "show", "table", "all"]) {
            let k = [
                "type", "dst", "gateway", "dev", "table", "protocol", "scope", "prefsrc", "metric",
            ];
            lines.insert(format!("ip route {family}: {}", keep(&r, &k)));
        }
    }
    lines
}

/// `[prefix…] ip -j ARGS` as JSON rows.
fn ip(prefix: &[String], args: &[&str]) -> Vec<Value> {
    let (tool, rest) = match prefix.split_first() {
        Some((tool, rest)) => (tool.as_str(), rest),
        None => ("ip", &[][..]),
    };
    let mut cmd = Command::new(tool);
    cmd.args(rest);
    if !prefix.is_empty() {
        cmd.arg("ip");
    }
    let out = cmd.arg("-j").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{prefix:?} ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() {
        return Vec::new();
    }
    serde_json::from_str::<Vec<Value>>(&text).unwrap()
}

/// What one lab namespace holds, as `ip` lists it from inside.
struct Inside {
    links: Vec<Value>,
    addrs: Vec<Value>,
    routes: Vec<Value>,
}

/// Enters the namespace the lab process `pid` holds as descriptor `fd` (through
/// the lab's user namespace: that is what lets user nobody in) and lists it.
fn look_inside(as_user: &[&str], pid: u64, fd: u32) -> Inside {
    let mut prefix: Vec<String> = as_user.iter().map(|s| s.to_string()).collect();
    prefix.extend([
        "nsenter".to_string(),
        // The lab's user namespace refuses setgroups (`setgroups deny`).
        "--preserve-credentials".to_string(),
        format!("--user=/proc/{pid}/ns/user"),
        format!("--net=/proc/{pid}/fd/{fd}"),
    ]);
    let mut routes = ip(&prefix, &["-4", "route", "show", "table", "all"]);
    routes.extend(ip(&prefix, &["-6", "route", "show", "table", "all"]));
    Inside {
        links: ip(&prefix, &["-d", "link", "show"]),
        addrs: ip(&prefix, &["addr", "show"]),
        routes,
    }
}

/// Every network namespace among the descriptors of `pid`: inode → fd.
fn held_namespaces(pid: u64) -> BTreeMap<u64, u32> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .flatten()
    {
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue;
        };
        let target = target.to_string_lossy().into_owned();
        if let Some(inode) = target
            .strip_prefix("net:[")
            .and_then(|t| t.strip_suffix(']'))
        {
            let fd = entry.file_name().to_string_lossy().parse().unwrap();
            found.entry(inode.parse().unwrap()).or_insert(fd);
        }
    }
    found
}

fn names(links: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = links
        .iter()
        .map(|l| l["ifname"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// Holds `experiment`'s network (as `as_user`), checks it from inside
/// against `topology`, releases it, and checks what is left.
fn isolation_from_inside(test: &str, as_user: &[&str], experiment: &str, topology: &Topology) {
    for (tool, arg) in [("ip", "-V"), ("nsenter", "--version")] {
        if !common::have(test, tool, arg) {
            return;
        }
    }
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let before = host_state();
    let Some(mut lab) = Held::start(test, as_user, experiment, 10) else {
        return;
    };
    let pid = lab.pid();
    assert_eq!(u64::from(lab.child.id()), pid);
    // The hosts by the lab's word: name → namespace inode.
    let reported: BTreeMap<u64, String> = lab.held["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["netns_inode"].as_u64().unwrap(),
                h["host"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Every namespace the process holds, found by the test itself: the
    // hosts, and the home it sits in between runs (nothing but `lo`).
    let found = held_namespaces(pid);
    for inode in reported.keys() {
        assert!(found.contains_key(inode), "{experiment}: {inode} not held");
    }
    let others: Vec<u64> = found
        .keys()
        .filter(|i| !reported.contains_key(i))
        .copied()
        .collect();
    assert!(others.len() <= 1, "{experiment}: namespaces {others:?}");
    // Its threads sit in namespaces among those.
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .flatten()
    {
        let ns = std::fs::read_link(task.path().join("ns/net")).unwrap();
        let ns = ns.to_string_lossy();
        assert!(
            found.keys().any(|i| ns == format!("net:[{i}]")),
            "{experiment}: a thread in {ns}"
        );
    }
    let expected: BTreeMap<&str, Vec<String>> = topology
        .links
        .iter()
        .map(|(h, l)| (*h, l.iter().map(|s| s.to_string()).collect()))
        .collect();
    let mut inside: BTreeMap<String, Inside> = BTreeMap::new();
    for (inode, fd) in &found {
        let host = reported
            .get(inode)
            .cloned()
            .unwrap_or_else(|| "home".into());
        inside.insert(host, look_inside(as_user, pid, *fd));
    }
    let hosts: Vec<&str> = inside.keys().map(String::as_str).collect();
    let mut want: Vec<&str> = expected.keys().copied().collect();
    if !others.is_empty() {
        want.push("home");
    }
    want.sort_unstable();
    assert_eq!(hosts, want, "{experiment}: namespaces");
    // Nothing changed in the host namespace while the lab exists.
    assert_eq!(before, host_state(), "{experiment}: the host changed");

    // Only the links the topology draws, each of a kind nettutor makes.
    let mut veths: Vec<(String, String, u64, u64, u64)> = Vec::new();
    for (host, seen) in &inside {
        let want = expected
            .get(host.as_str())
            .cloned()
            .unwrap_or(vec!["lo".into()]);
        assert_eq!(names(&seen.links), want, "{experiment}: links of {host}");
        for link in &seen.links {
            let name = link["ifname"].as_str().unwrap();
            match link["linkinfo"]["info_kind"].as_str() {
                None => assert_eq!(link["link_type"], "loopback", "{host} {link}"),
                Some("bridge") => {}
                Some("veth") => {
                    // The peer in another namespace (`link_netnsid`), never this one.
                    assert!(link.get("link").is_none(), "{host} {link}");
                    veths.push((
                        host.clone(),
                        name.to_string(),
                        link["ifindex"].as_u64().unwrap(),
                        link["link_index"]
                            .as_u64()
                            .expect("veth without a peer index"),
                        link["link_netnsid"]
                            .as_u64()
                            .expect("veth without a peer namespace"),
                    ));
                }
                Some(other) => panic!("{experiment}: {host} has a {other} link: {link}"),
            }
        }
    }
    // Every veth's peer is the other end of one of the topology's cables: in a
    // lab namespace listed here, pointing back at it. A peer in the host's
    // namespace (or any other) would match none.
    let mut cables = BTreeSet::new();
    // Per namespace: peer namespace id → the host it is.
    let mut ids: BTreeMap<(&str, u64), &str> = BTreeMap::new();
    for (host, name, index, peer, nsid) in &veths {
        let ends: Vec<_> = veths
            .iter()
            .filter(|(h, _, i, p, _)| h != host && i == peer && p == index)
            .collect();
        assert_eq!(
            ends.len(),
            1,
            "{experiment}: peer of {host}:{name}: {ends:?}"
        );
        let (other, other_name, ..) = ends[0];
        let known = ids.entry((host.as_str(), *nsid)).or_insert(other.as_str());
        assert_eq!(known, other, "{experiment}: {host}'s namespace id {nsid}");
        let mut pair = [format!("{host}:{name}"), format!("{other}:{other_name}")];
        pair.sort();
        cables.insert(pair);
    }
    // One id per peer namespace, in each namespace's own numbering.
    let distinct: BTreeSet<(&str, &str)> = ids.iter().map(|((h, _), o)| (*h, *o)).collect();
    assert_eq!(
        distinct.len(),
        ids.len(),
        "{experiment}: namespace ids {ids:?}"
    );
    let want_cables: BTreeSet<[String; 2]> = topology
        .cables
        .iter()
        .map(|(h1, l1, h2, l2)| {
            let mut pair = [format!("{h1}:{l1}"), format!("{h2}:{l2}")];
            pair.sort();
            pair
        })
        .collect();
    assert_eq!(cables, want_cables, "{experiment}: cables");
    // The switch: its three ports in br0.
    for port in ["a", "b", "r"] {
        let link = inside["S"]
            .links
            .iter()
            .find(|l| l["ifname"] == port)
            .unwrap();
        assert_eq!(link["master"], "br0", "{experiment}: S:{port}");
    }

    // No route leads out: every route's interface is the namespace's own, and
    // every gateway an address of another lab namespace.
    let mut addresses: BTreeMap<String, String> = BTreeMap::new();
    for (host, seen) in &inside {
        for link in &seen.addrs {
            for a in link["addr_info"].as_array().into_iter().flatten() {
                addresses.insert(a["local"].as_str().unwrap().to_string(), host.clone());
            }
        }
    }
    for (host, seen) in &inside {
        let own = names(&seen.links);
        let mut defaults = Vec::new();
        for route in &seen.routes {
            assert!(route.get("nexthops").is_none(), "{host}: {route}");
            if let Some(dev) = route["dev"].as_str() {
                assert!(
                    own.iter().any(|l| l == dev),
                    "{experiment}: {host}: {route}"
                );
            }
            if let Some(gw) = route["gateway"].as_str() {
                let at = addresses.get(gw);
                assert!(
                    at.is_some_and(|h| h != host),
                    "{experiment}: {host} routes through {gw}, no other lab host's: {route}"
                );
            }
            if route["dst"] == "default" {
                defaults.push(route["gateway"].as_str().unwrap_or("-").to_string());
            }
        }
        defaults.sort();
        let want: Vec<String> = topology
            .defaults
            .iter()
            .find(|(h, _)| h == host)
            .map(|(_, g)| g.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        assert_eq!(defaults, want, "{experiment}: default routes of {host}");
    }

    // Released: the network is dropped; then the process ends.
    lab.send(&json!({"request": "release"}));
    let released = lab.reply();
    assert_eq!(released, json!({"reply": "released", "timed_out": false}));
    let fds: Vec<String> = found
        .iter()
        .filter(|(i, _)| reported.contains_key(i))
        .map(|(_, fd)| format!("/proc/{pid}/fd/{fd}"))
        .collect();
    for fd in &fds {
        let now = std::fs::read_link(fd).map(|l| l.to_string_lossy().into_owned());
        assert!(
            !now.is_ok_and(|l| l.starts_with("net:")),
            "{experiment}: {fd} still a namespace"
        );
    }
    lab.shutdown();
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "{experiment}: lab process {pid} remains"
    );
    let inodes: Vec<String> = found.keys().map(|i| format!("net:[{i}]")).collect();
    assert_no_process_holds(&inodes, ticks_now());
    assert!(
        net_links("self").iter().all(|l| !inodes.contains(l)),
        "{experiment}: the test holds a lab namespace"
    );
    assert_eq!(before, host_state(), "{experiment}: the host changed");
}

#[test]
fn each_lab_namespace_holds_only_its_links_and_no_route_out_seen_from_inside() {
    let test = "each_lab_namespace_holds_only_its_links_and_no_route_out_seen_from_inside";
    isolation_from_inside(test, &[], "arp-same-lan", &STANDARD);
    isolation_from_inside(test, &[], "tcp-loss", &IMPAIRED);
}

#[test]
fn the_isolation_seen_from_inside_holds_for_an_unprivileged_user_too() {
    let test = "the_isolation_seen_from_inside_holds_for_an_unprivileged_user_too";
    if !nix_is_root() {
        common::skip_here(
            test,
            "not root: the other test already is the unprivileged path",
        );
        return;
    }
    if !common::have(test, "setpriv", "--version") {
        return;
    }
    isolation_from_inside(test, NOBODY, "arp-same-lan", &STANDARD);
    isolation_from_inside(test, NOBODY, "tcp-loss", &IMPAIRED);
}

/// A hold nobody releases ends by itself, its network dropped; a release
/// that is already waiting ends the next one at once.
#[test]
fn a_hold_ends_by_itself() {
    let test = "a_hold_ends_by_itself";
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let begun = Instant::now();
    let Some(lab) = Held::start(test, &[], "arp-same-lan", 1) else {
        return;
    };
    let pid = lab.pid();
    let fds: Vec<String> = lab.held["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("/proc/{pid}/fd/{}", h["fd"]))
        .collect();
    let released = lab.reply();
    assert_eq!(released, json!({"reply": "released", "timed_out": true}));
    assert!(begun.elapsed() < Duration::from_secs(25));
    for fd in &fds {
        let now = std::fs::read_link(fd).map(|l| l.to_string_lossy().into_owned());
        assert!(!now.is_ok_and(|l| l.starts_with("net:")), "{fd}");
    }
    // A release sent right behind the hold (already buffered when the hold
    // begins) ends it at once, not at its limit.
    let again = Instant::now();
    let mut lab = lab;
    lab.send(&json!({"request": "hold", "experiment": "arp-same-lan", "seconds": 10}));
    lab.send(&json!({"request": "release"}));
    assert_eq!(lab.reply()["reply"], "held");
    let released = lab.reply();
    assert_eq!(released, json!({"reply": "released", "timed_out": false}));
    assert!(again.elapsed() < Duration::from_secs(8));
    lab.shutdown();
}
