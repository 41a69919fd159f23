//! Classic BPF programs (`SO_ATTACH_FILTER`) that keep the frames of one port:
//! the one builder behind the handshake capture (`lab::capture`) and the
//! checker's evidence (`check::evidence`). The kernel runs the program on each
//! frame before it is queued or copied, so a busy interface costs nothing.
//!
//! The program is written with named jump targets and assembled here (classic
//! BPF jumps are relative 8-bit offsets, easy to get wrong by hand). It reads a
//! 14-byte Ethernet header (what a packet socket sees on `lo` and on veth).

use socket2::SockFilter;

/// Which frames a port filter lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortMatch {
    pub tcp: bool,
    pub udp: bool,
    /// IPv6 as well as IPv4.
    pub ipv6: bool,
}

impl PortMatch {
    /// TCP over IPv4 only (the handshake capture's own connection).
    pub const TCP_V4: PortMatch = PortMatch {
        tcp: true,
        udp: false,
        ipv6: false,
    };
    /// TCP or UDP, over IPv4 or IPv6 (`tcpdump port P` without SCTP).
    pub const ANY: PortMatch = PortMatch {
        tcp: true,
        udp: true,
        ipv6: true,
    };
}

/// A frame passes whole up to this many bytes (more than loopback's MTU).
const SNAP: u32 = 0x0004_0000;

// Instruction codes (linux/filter.h).
const LD_H_ABS: u16 = 0x28; // A = 16 bits at k
const LD_B_ABS: u16 = 0x30; // A = 8 bits at k
const LD_H_IND: u16 = 0x48; // A = 16 bits at X + k
const LDX_B_MSH: u16 = 0xb1; // X = 4 * (byte at k & 0xf): the IPv4 header length
const JEQ: u16 = 0x15; // jump if A == k
const JSET: u16 = 0x45; // jump if A & k
const RET: u16 = 0x06; // return k bytes of the frame (0: drop)

const ETHERTYPE_IPV4: u32 = 0x0800;
const ETHERTYPE_IPV6: u32 = 0x86dd;
const PROTO_TCP: u32 = 6;
const PROTO_UDP: u32 = 17;

/// One instruction, as `struct sock_filter` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

/// Where a conditional jump goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum To {
    Next,
    Label(&'static str),
}

#[derive(Debug, Default)]
struct Asm {
    code: Vec<(u16, To, To, u32)>,
    labels: Vec<(&'static str, usize)>,
}

impl Asm {
    fn op(&mut self, code: u16, k: u32) {
        self.code.push((code, To::Next, To::Next, k));
    }

    fn jump(&mut self, code: u16, k: u32, yes: To, no: To) {
        self.code.push((code, yes, no, k));
    }

    fn label(&mut self, name: &'static str) {
        self.labels.push((name, self.code.len()));
    }

    /// Jumps if A is one of `values`, else goes to `otherwise`.
    fn one_of(&mut self, values: &[u32], yes: To, otherwise: To) {
        for (i, v) in values.iter().enumerate() {
            let no = if i + 1 == values.len() {
                otherwise
            } else {
                To::Next
            };
            self.jump(JEQ, *v, yes, no);
        }
    }

    /// Resolves the labels into the kernel's relative offsets.
    fn assemble(self) -> Vec<Insn> {
        let at = |to: To, here: usize| -> u8 {
            match to {
                To::Next => 0,
                To::Label(name) => self
                    .labels
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(0, |(_, i)| {
                        u8::try_from(i.saturating_sub(here + 1)).unwrap_or(0)
                    }),
            }
        };
        self.code
            .iter()
            .enumerate()
            .map(|(i, &(code, yes, no, k))| Insn {
                code,
                jt: at(yes, i),
                jf: at(no, i),
                k,
            })
            .collect()
    }
}

/// The program that keeps frames whose TCP or UDP source or destination port is
/// `port` (as `which` says); `None` keeps nothing (a tap that waits for its port).
pub fn port_filter(port: Option<u16>, which: PortMatch) -> Vec<SockFilter> {
    port_program(port, which)
        .iter()
        .map(|i| SockFilter::new(i.code, i.jt, i.jf, i.k))
        .collect()
}

const DROP_ALL: Insn = Insn {
    code: RET,
    jt: 0,
    jf: 0,
    k: 0,
};

/// [`port_filter`]'s program, readable (tests run it on frames).
pub fn port_program(port: Option<u16>, which: PortMatch) -> Vec<Insn> {
    let Some(port) = port else {
        return vec![DROP_ALL];
    };
    let port = u32::from(port);
    let mut protocols = Vec::new();
    if which.tcp {
        protocols.push(PROTO_TCP);
    }
    if which.udp {
        protocols.push(PROTO_UDP);
    }
    if protocols.is_empty() {
        return vec![DROP_ALL];
    }
    let (accept, drop) = (To::Label("accept"), To::Label("drop"));
    let mut a = Asm::default();
    a.op(LD_H_ABS, 12); // EtherType
    if which.ipv6 {
        a.jump(JEQ, ETHERTYPE_IPV6, To::Label("v6"), To::Next);
    }
    a.jump(JEQ, ETHERTYPE_IPV4, To::Next, drop);
    // IPv4: the protocol, no later fragment (it has no ports), then the ports
    // behind a header of variable length.
    a.op(LD_B_ABS, 14 + 9);
    a.one_of(&protocols, To::Label("v4 ports"), drop);
    a.label("v4 ports");
    a.op(LD_H_ABS, 14 + 6);
    a.jump(JSET, 0x1fff, drop, To::Next);
    a.op(LDX_B_MSH, 14);
    a.op(LD_H_IND, 14);
    a.jump(JEQ, port, accept, To::Next);
    a.op(LD_H_IND, 16);
    a.jump(JEQ, port, accept, drop);
    if which.ipv6 {
        // IPv6: the next header right after the fixed 40-byte header (extension
        // headers are not followed, as tcpdump's `port` does not either).
        a.label("v6");
        a.op(LD_B_ABS, 14 + 6);
        a.one_of(&protocols, To::Label("v6 ports"), drop);
        a.label("v6 ports");
        a.op(LD_H_ABS, 14 + 40);
        a.jump(JEQ, port, accept, To::Next);
        a.op(LD_H_ABS, 14 + 42);
        a.jump(JEQ, port, accept, drop);
    }
    a.label("accept");
    a.op(RET, SNAP);
    a.label("drop");
    a.op(RET, 0);
    a.assemble()
}

#[cfg(test)]
#[path = "bpf_tests.rs"]
mod tests;
