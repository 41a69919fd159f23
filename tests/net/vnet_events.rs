//! Kernel state as it changes: the lab process subscribes to rtnetlink's
//! multicast groups in every namespace as soon as the namespaces exist, and
//! streams each change to the tutor — the set-up's (links made and brought
//! up, routes) and then the experiment's; `net run --json` carries them as
//! `events`, each marked `"phase": "setup"` or `"run"`. The assertions read
//! those events — what the kernel announced — not a script.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use nettutor::vnet::Live;
use serde_json::Value;

use super::vnet_lab::{ONE_LAB, run, start_lab};

/// The run phase's events of `change` in `host`.
fn events<'a>(run: &'a super::vnet_lab::Run, host: &str, change: &str) -> Vec<&'a Value> {
    in_phase(run, "run", host, change)
}

fn in_phase<'a>(
    run: &'a super::vnet_lab::Run,
    phase: &str,
    host: &str,
    change: &str,
) -> Vec<&'a Value> {
    run.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["phase"] == phase && e["host"] == host && e["change"] == change)
        .collect()
}

#[test]
fn a_ping_on_the_lan_is_heard_as_an_arp_entry_on_a_and_two_learned_macs_on_the_bridge() {
    let test = "a_ping_on_the_lan_is_heard_as_an_arp_entry_on_a_and_two_learned_macs_on_the_bridge";
    let Some(run) = run(test, "arp-same-lan") else {
        return;
    };
    let r = run.report();
    let (a, b) = (r["macs"]["A"].clone(), r["macs"]["B"].clone());
    assert!(a.is_string() && b.is_string() && a != b, "{r}");

    // A's kernel announced B's entry with B's MAC once the reply came (an
    // entry waiting for its reply, INCOMPLETE, is not announced), and only
    // during the run: set-up left A's ARP cache empty.
    assert!(
        in_phase(&run, "setup", "A", "neighbour")
            .iter()
            .all(|e| e["ip"] != "192.168.1.20"),
        "{}",
        run.json["events"]
    );
    let neigh = events(&run, "A", "neighbour");
    let for_b: Vec<&&Value> = neigh
        .iter()
        .filter(|e| e["ip"] == "192.168.1.20" && e["removed"] == false)
        .collect();
    assert!(
        for_b
            .iter()
            .any(|e| e["mac"] == b && e["state"] == "REACHABLE" && e["dev"] == "eth0"),
        "{neigh:?}"
    );
    // Nobody told A about C, and C's kernel learned nothing about A.
    assert!(neigh.iter().all(|e| e["ip"] != "192.168.2.30"), "{neigh:?}");
    assert!(
        events(&run, "C", "neighbour")
            .iter()
            .all(|e| e["ip"] != "192.168.1.10"),
        "{:?}",
        events(&run, "C", "neighbour")
    );

    // B's kernel learned A from A's request (ARP requests teach the target
    // the sender's address).
    assert!(
        events(&run, "B", "neighbour")
            .iter()
            .any(|e| e["ip"] == "192.168.1.10" && e["mac"] == a && e["removed"] == false),
        "{:?}",
        events(&run, "B", "neighbour")
    );

    // The bridge (in S) learned A's MAC on port a and B's on port b, from the
    // frames' source addresses: the experiment first empties its table, so
    // the learning is this run's.
    let fdb = events(&run, "S", "fdb");
    let learned = |mac: &Value, port: &str| {
        fdb.iter().any(|e| {
            e["mac"] == *mac && e["port"] == port && e["learned"] == true && e["removed"] == false
        })
    };
    assert!(learned(&a, "a"), "A's MAC not learned on port a: {fdb:?}");
    assert!(learned(&b, "b"), "B's MAC not learned on port b: {fdb:?}");
    // Never on the wrong port.
    assert!(!learned(&a, "b") && !learned(&b, "a"), "{fdb:?}");
    // What the events built up is what the kernel's table holds afterwards.
    assert_eq!(r["bridge_port_of_a"], "a");
    assert_eq!(r["bridge_port_of_b"], "b");
}

#[test]
fn the_added_route_is_heard_when_the_kernel_installs_it() {
    let test = "the_added_route_is_heard_when_the_kernel_installs_it";
    let Some(run) = run(test, "routing") else {
        return;
    };
    // Set-up installed A's connected route and default route through R.
    let setup = in_phase(&run, "setup", "A", "route");
    assert!(
        setup
            .iter()
            .any(|e| e["dest"] == "192.168.1.0/24" && e["via"].is_null()),
        "{setup:?}"
    );
    assert!(
        setup
            .iter()
            .any(|e| e["dest"] == "0.0.0.0/0" && e["via"] == "192.168.1.1"),
        "{setup:?}"
    );
    let routes = events(&run, "A", "route");
    let added: Vec<&&Value> = routes
        .iter()
        .filter(|e| e["removed"] == false && e["dest"] == "192.168.2.0/24")
        .collect();
    assert_eq!(added.len(), 1, "{routes:?}");
    assert_eq!(added[0]["via"], "192.168.1.20");
    assert_eq!(added[0]["dev"], "eth0");
    assert_eq!(added[0]["prefix_len"], 24);
    // The report's table afterwards holds the route the event announced.
    assert!(
        run.report()["a_routes_after"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["dest"] == "192.168.2.0/24" && x["via"] == "192.168.1.20"),
        "{}",
        run.report()
    );
    // No other host's table changed.
    for host in ["B", "R", "C", "S"] {
        assert!(events(&run, host, "route").is_empty(), "{host}: {routes:?}");
    }
    // The event precedes the echo that used the route: it arrives before the
    // ARP request for B, announced as A's INCOMPLETE entry for .20.
    let route_at = added[0]["at_us"].as_u64().unwrap();
    let asked_b = events(&run, "A", "neighbour")
        .into_iter()
        .filter(|e| e["ip"] == "192.168.1.20")
        .filter_map(|e| e["at_us"].as_u64())
        .min()
        .unwrap();
    assert!(route_at <= asked_b, "{route_at} > {asked_b}");
}

/// Every link of the standard lab: (host, interface).
const LINKS: [(&str, &str); 9] = [
    ("A", "eth0"),
    ("B", "eth0"),
    ("C", "eth0"),
    ("R", "eth0"),
    ("R", "eth1"),
    ("S", "a"),
    ("S", "b"),
    ("S", "r"),
    ("S", "br0"),
];

#[test]
fn the_set_up_is_heard_link_by_link_and_an_mtu_change_during_the_run() {
    let test = "the_set_up_is_heard_link_by_link_and_an_mtu_change_during_the_run";
    let Some(run) = run(test, "mtu") else {
        return;
    };
    for (host, link) in LINKS {
        let seen: Vec<&Value> = in_phase(&run, "setup", host, "link")
            .into_iter()
            .filter(|e| e["name"] == link)
            .collect();
        // Made down, then up with carrier; all before the experiment began.
        assert!(
            seen.first().is_some_and(|e| e["up"] == false),
            "{host}:{link} {seen:?}"
        );
        // A bridge's own operational state follows its ports a while later
        // (the set-up does not wait for it: forwarding does not need it).
        let bridge = link == "br0";
        assert!(
            seen.iter()
                .any(|e| e["up"] == true && (bridge || e["running"] == true) && e["mtu"] == 1500),
            "{host}:{link} never came up: {seen:?}"
        );
    }
    // Only links nettutor made (and lo, which is never announced: it was up
    // before the watch began).
    let named: BTreeSet<(String, String)> = run.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["change"] == "link")
        .map(|e| {
            (
                e["host"].as_str().unwrap().to_string(),
                e["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let made: BTreeSet<(String, String)> = LINKS
        .iter()
        .map(|(h, l)| (h.to_string(), l.to_string()))
        .collect();
    assert_eq!(named, made);
    // The experiment set R's LAN 2 link to MTU 1280: heard during the run,
    // and nothing else about any link changed — but for the bridge's own
    // interface coming to "running": its operational state follows its
    // ports through the kernel's link-watch queue, up to a second late, and
    // the set-up does not wait for it (forwarding does not need it). Under
    // load that lands in the run; it must be exactly that.
    let during: Vec<&Value> = run.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["phase"] == "run" && e["change"] == "link")
        .filter(|e| {
            let late_bridge = e["host"] == "S" && e["name"] == "br0";
            if late_bridge {
                assert!(
                    e["up"] == true && e["running"] == true && e["removed"] == false,
                    "the bridge changed otherwise during the run: {e}"
                );
            }
            !late_bridge
        })
        .collect();
    assert_eq!(during.len(), 1, "{during:?}");
    assert_eq!(during[0]["host"], "R");
    assert_eq!(during[0]["name"], "eth1");
    assert_eq!(during[0]["mtu"], 1280);
    assert_eq!(during[0]["up"], true);
    // Set-up precedes the run in the stream.
    let phases: Vec<&str> = run.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["phase"].as_str().unwrap())
        .collect();
    let first_run = phases.iter().position(|p| *p == "run").unwrap();
    assert!(
        phases[first_run..].iter().all(|p| *p == "run"),
        "{phases:?}"
    );
}

/// The lab process's threads and open descriptors (what each links to).
fn threads_and_fds(pid: u32) -> (usize, BTreeSet<String>) {
    let threads = std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|d| d.count())
        .unwrap_or_default();
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.flatten()
                .map(|e| {
                    let target = std::fs::read_link(e.path()).unwrap_or_default();
                    format!("{} {}", e.file_name().to_string_lossy(), target.display())
                })
                .collect()
        })
        .unwrap_or_default();
    (threads, fds)
}

#[test]
fn events_stream_while_the_run_goes_and_the_watcher_leaves_no_thread_or_descriptor() {
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let test = "events_stream_while_the_run_goes_and_the_watcher_leaves_no_thread_or_descriptor";
    let Some(mut lab) = start_lab(test) else {
        return;
    };
    let pid = lab.pid();
    let (threads_before, fds_before) = threads_and_fds(pid);
    assert_eq!(threads_before, 1, "the idle lab process is single-threaded");
    for round in 0..2 {
        let mut streamed = Vec::new();
        let mut most_threads = 0;
        let mut most_fds = 0;
        let outcome = lab
            .run_watching("arp-same-lan", Default::default(), |live| {
                let Live::Event(event) = live else { return };
                // Read while the lab runs: the watcher's thread and sockets exist.
                let (threads, fds) = threads_and_fds(pid);
                most_threads = most_threads.max(threads);
                most_fds = most_fds.max(fds.len());
                streamed.push(event.clone());
            })
            .unwrap();
        assert!(!streamed.is_empty());
        assert_eq!(streamed, outcome.events, "round {round}");
        assert!(most_threads >= 2, "round {round}: {most_threads}");
        // Five namespaces' descriptors, their sockets and the watcher's.
        assert!(
            most_fds >= fds_before.len() + 10,
            "round {round}: {most_fds}"
        );
        // A thread that has been joined leaves /proc a moment later.
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut now = threads_and_fds(pid);
        while now.0 != 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
            now = threads_and_fds(pid);
        }
        assert_eq!(now.0, 1, "round {round}: a thread outlived the run");
        assert_eq!(now.1, fds_before, "round {round}: descriptors left open");
    }
    lab.shutdown().unwrap();
}
