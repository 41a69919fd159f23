//! Kernel state as it changes: the lab process subscribes to rtnetlink's
//! multicast groups in every namespace and streams each change to the tutor
//! while the experiment runs; `net run --json` carries them as `events`. The
//! assertions read those events — what the kernel announced — not a script.

use serde_json::Value;

use super::vnet_lab::run;

fn events<'a>(run: &'a super::vnet_lab::Run, host: &str, change: &str) -> Vec<&'a Value> {
    run.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["host"] == host && e["change"] == change)
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

    // A's kernel announced B's entry: first without a MAC (INCOMPLETE, the
    // request is out), then with B's MAC once the reply came.
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

    // The bridge (in S) learned A's MAC on port a and B's on port b, from the
    // frames' source addresses.
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
    let routes = events(&run, "A", "route");
    let added: Vec<&&Value> = routes
        .iter()
        .filter(|e| e["removed"] == false && e["dest"] == "192.168.2.0/24")
        .collect();
    assert_eq!(added.len(), 1, "{routes:?}");
    assert_eq!(added[0]["via"], "192.168.1.20");
    assert_eq!(added[0]["dev"], "eth0");
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
