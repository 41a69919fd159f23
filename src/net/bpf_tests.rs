//! The port filter run on real frames by a small classic-BPF interpreter (the
//! kernel's semantics for the instructions the builder uses). The kernel itself
//! runs it in `tests/safety_labs.rs` (root only).

use std::net::SocketAddr;

use super::*;
use crate::net::frame::{
    ArpOp, ArpSpec, MacAddr, TcpSegmentSpec, UdpDatagramSpec, build_arp_frame, build_tcp_frame,
    build_udp_frame,
};

/// What the kernel would do with `frame`: bytes kept (0: dropped).
fn run(program: &[Insn], frame: &[u8]) -> u32 {
    let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
    let half = |at: usize| -> Option<u32> {
        Some(u32::from(u16::from_be_bytes([
            *frame.get(at)?,
            *frame.get(at + 1)?,
        ])))
    };
    loop {
        let Some(i) = program.get(pc) else {
            panic!("ran off the end of the program at {pc}");
        };
        pc += 1;
        let k = i.k as usize;
        // An out-of-bounds load ends the program with "drop", as in the kernel.
        match i.code {
            LD_H_ABS => match half(k) {
                Some(v) => a = v,
                None => return 0,
            },
            LD_B_ABS => match frame.get(k) {
                Some(b) => a = u32::from(*b),
                None => return 0,
            },
            LD_H_IND => match half(x as usize + k) {
                Some(v) => a = v,
                None => return 0,
            },
            LDX_B_MSH => match frame.get(k) {
                Some(b) => x = u32::from(b & 0x0f) * 4,
                None => return 0,
            },
            JEQ | JSET => {
                let yes = if i.code == JEQ {
                    a == i.k
                } else {
                    a & i.k != 0
                };
                pc += usize::from(if yes { i.jt } else { i.jf });
            }
            RET => return i.k,
            other => panic!("unknown instruction {other:#x}"),
        }
    }
}

const MAC: MacAddr = MacAddr(0, 0, 0, 0, 0, 0);

fn tcp(src: &str, dst: &str) -> Vec<u8> {
    build_tcp_frame(&TcpSegmentSpec {
        src_mac: MAC,
        dst_mac: MAC,
        src: src.parse::<SocketAddr>().expect("address"),
        dst: dst.parse::<SocketAddr>().expect("address"),
        seq: 1,
        ack: 0,
        flags: 2,
        window: 1000,
        mss: Some(1460),
        payload: b"",
    })
    .expect("frame")
}

fn udp(src: &str, dst: &str) -> Vec<u8> {
    build_udp_frame(&UdpDatagramSpec {
        src_mac: MAC,
        dst_mac: MAC,
        src: src.parse::<SocketAddr>().expect("address"),
        dst: dst.parse::<SocketAddr>().expect("address"),
        payload: b"hello",
    })
    .expect("frame")
}

#[test]
fn any_keeps_tcp_and_udp_of_the_port_over_both_ip_versions() {
    let program = port_program(Some(9000), PortMatch::ANY);
    for frame in [
        tcp("127.0.0.1:40000", "127.0.0.1:9000"),
        tcp("127.0.0.1:9000", "127.0.0.1:40000"),
        udp("127.0.0.1:40000", "127.0.0.1:9000"),
        udp("[::1]:9000", "[::1]:40000"),
        tcp("[::1]:40000", "[::1]:9000"),
    ] {
        assert_eq!(run(&program, &frame), SNAP, "{frame:02x?}");
    }
    for frame in [
        tcp("127.0.0.1:40000", "127.0.0.1:9001"),
        udp("[::1]:9001", "[::1]:40000"),
        build_arp_frame(&ArpSpec {
            op: ArpOp::Request,
            eth_dst: MacAddr::broadcast(),
            sender_mac: MAC,
            sender_ip: "192.168.1.10".parse().expect("ip"),
            target_mac: MAC,
            target_ip: "192.168.1.20".parse().expect("ip"),
        }),
    ] {
        assert_eq!(run(&program, &frame), 0, "{frame:02x?}");
    }
}

#[test]
fn tcp_v4_drops_udp_ipv6_and_later_fragments() {
    let program = port_program(Some(9000), PortMatch::TCP_V4);
    assert_eq!(
        run(&program, &tcp("127.0.0.1:40000", "127.0.0.1:9000")),
        SNAP
    );
    assert_eq!(run(&program, &udp("127.0.0.1:40000", "127.0.0.1:9000")), 0);
    assert_eq!(run(&program, &tcp("[::1]:40000", "[::1]:9000")), 0);
    // The same segment marked as a later fragment (offset 8): no ports in it.
    let mut fragment = tcp("127.0.0.1:40000", "127.0.0.1:9000");
    fragment[14 + 6] = 0x00;
    fragment[14 + 7] = 0x01;
    assert_eq!(run(&program, &fragment), 0);
}

#[test]
fn ports_are_found_behind_ipv4_options() {
    let program = port_program(Some(9000), PortMatch::ANY);
    let plain = udp("127.0.0.1:40000", "127.0.0.1:9000");
    // Insert 4 bytes of options (NOP NOP NOP EOL): header length 6 words.
    let mut frame = plain[..14 + 20].to_vec();
    frame[14] = 0x46;
    frame.extend_from_slice(&[1, 1, 1, 0]);
    frame.extend_from_slice(&plain[14 + 20..]);
    assert_eq!(run(&program, &frame), SNAP);
    assert_eq!(run(&program, &frame[..14 + 24]), 0, "cut before the ports");
}

#[test]
fn no_port_or_no_protocol_keeps_nothing() {
    let frame = tcp("127.0.0.1:40000", "127.0.0.1:9000");
    assert_eq!(run(&port_program(None, PortMatch::ANY), &frame), 0);
    let none = PortMatch {
        tcp: false,
        udp: false,
        ipv6: true,
    };
    assert_eq!(run(&port_program(Some(9000), none), &frame), 0);
    assert_eq!(port_filter(Some(9000), PortMatch::ANY).len(), 22);
}
