//! End to end in tmux: a student types a message in the OSI panel, presses `w`,
//! and the pcap the real binary wrote opens cleanly in tshark; the same for the
//! LAN panel. Skips with a printed reason when tmux or tshark is missing.

use crate::common;

use common::{Tmux, have};

use std::process::Command;

fn tshark_clean(file: &std::path::Path) {
    let text = common::run::tshark_verbose(file);
    assert!(
        !text.contains("Malformed") && !text.contains("incorrect"),
        "{text}"
    );
}

#[test]
fn w_in_the_osi_and_lan_panels_writes_clean_pcaps_where_it_says() {
    if !have("w_in_the_osi_and_lan_panels", "tshark", "--version") {
        return;
    }
    let Some(t) = Tmux::start("frames") else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_nettutor");
    t.tmux(&["send-keys", "-t", "main", "-l", &format!("{bin} --lang en")]);
    t.send(&["Enter"]);
    t.wait_for("Home");
    t.send(&["2", "m", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace"]);
    t.tmux(&["send-keys", "-t", "main", "-l", "ping over UDP"]);
    t.send(&["Enter", "t", "Right", "Right", "w"]);
    let osi = t.dir().join("nettutor-encapsulation-udp-ipv4.pcap");
    t.wait_for("nettutor-encapsulation-udp-ipv4.pcap");
    assert!(osi.exists());
    let text = String::from_utf8_lossy(
        &Command::new("tshark")
            .arg("-r")
            .arg(&osi)
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(text.contains("UDP") || text.contains("ECHO"), "{text}");
    tshark_clean(&osi);

    t.send(&["3", "s", "w"]);
    t.wait_for("nettutor-arp-via-gateway.pcap");
    let lan = t.dir().join("nettutor-arp-via-gateway.pcap");
    tshark_clean(&lan);
    t.send(&["q"]);
}
