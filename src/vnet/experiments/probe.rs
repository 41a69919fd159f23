//! Sending from inside a lab host: an ICMP socket (raw, which the lab's user
//! namespace allows) that sends echo requests with a chosen TTL and waits,
//! time-bound, for the answer the kernel of another host sends back — echo
//! reply, time exceeded or destination unreachable.

use std::mem::MaybeUninit;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use pnet_packet::Packet as _;
use pnet_packet::icmp::echo_request::MutableEchoRequestPacket;
use pnet_packet::icmp::{IcmpPacket, IcmpTypes, checksum};
use pnet_packet::ipv4::Ipv4Packet;
use socket2::{Domain, Protocol, Socket, Type};

use crate::vnet::VnetError;
use crate::vnet::network::Network;

/// How long a probe waits for its answer (the lab answers in microseconds).
pub const ANSWER_WAIT: Duration = Duration::from_secs(2);
/// The echo identifier nettutor's probes carry.
const IDENT: u16 = 0x6e74;

/// An ICMP answer: who sent it and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub from: Ipv4Addr,
    /// 0 echo reply, 3 destination unreachable, 11 time exceeded.
    pub kind: u8,
    pub code: u8,
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

/// A raw ICMP socket opened in one host.
pub struct Pinger {
    socket: Socket,
}

impl Pinger {
    pub fn open(net: &Network, host: &str) -> Result<Pinger, VnetError> {
        net.enter(host)?;
        let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4))
            .map_err(io("ICMP socket"))?;
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .map_err(io("ICMP socket"))?;
        Ok(Pinger { socket })
    }

    /// Sends echo request `seq` to `dst` with `ttl` and waits for its answer.
    pub fn echo(&self, dst: Ipv4Addr, ttl: u32, seq: u16) -> Result<Answer, VnetError> {
        self.send_echo(dst, ttl, seq)?;
        self.wait(|icmp, inner_seq| inner_seq == Some(seq) || icmp_seq(icmp) == Some(seq))
    }

    /// Sends echo request `seq` to `dst` with `ttl`, without waiting.
    pub fn send_echo(&self, dst: Ipv4Addr, ttl: u32, seq: u16) -> Result<(), VnetError> {
        self.socket.set_ttl_v4(ttl).map_err(io("TTL"))?;
        let mut buf = [0u8; 8 + 32];
        {
            let mut echo = MutableEchoRequestPacket::new(&mut buf)
                .ok_or_else(|| VnetError::Experiment("echo buffer".into()))?;
            echo.set_icmp_type(IcmpTypes::EchoRequest);
            echo.set_identifier(IDENT);
            echo.set_sequence_number(seq);
            echo.set_payload(b"nettutor virtual network probe!!");
        }
        let sum = IcmpPacket::new(&buf)
            .map(|p| checksum(&p))
            .unwrap_or_default();
        if let Some(c) = buf.get_mut(2..4) {
            c.copy_from_slice(&sum.to_be_bytes());
        }
        let to = SocketAddr::new(IpAddr::V4(dst), 0);
        self.socket
            .send_to(&buf, &to.into())
            .map_err(io("send echo"))?;
        Ok(())
    }

    /// Waits for an ICMP message about one of our probes (`matches` gets the
    /// ICMP bytes and, for errors, the sequence number quoted from our packet).
    pub fn wait(&self, matches: impl Fn(&[u8], Option<u16>) -> bool) -> Result<Answer, VnetError> {
        self.wait_within(ANSWER_WAIT, matches)
    }

    /// [`Pinger::wait`], at most `timeout`.
    pub fn wait_within(
        &self,
        timeout: Duration,
        matches: impl Fn(&[u8], Option<u16>) -> bool,
    ) -> Result<Answer, VnetError> {
        let deadline = Instant::now() + timeout;
        let mut buf = [MaybeUninit::<u8>::uninit(); 2048];
        while Instant::now() < deadline {
            let Ok(n) = self.socket.recv(&mut buf) else {
                continue;
            };
            // SAFETY: recv initialised the first `n` bytes.
            let bytes: Vec<u8> = buf
                .iter()
                .take(n)
                .map(|b| unsafe { b.assume_init() })
                .collect();
            let Some(ip) = Ipv4Packet::new(&bytes) else {
                continue;
            };
            let icmp = ip.payload();
            let (Some(&kind), Some(&code)) = (icmp.first(), icmp.get(1)) else {
                continue;
            };
            if kind == 8 {
                continue; // our own request, looped back to a raw socket
            }
            if kind == 0 && icmp_ident(icmp) != Some(IDENT) {
                continue;
            }
            let quoted = quoted_seq(icmp);
            if matches(icmp, quoted) {
                return Ok(Answer {
                    from: ip.get_source(),
                    kind,
                    code,
                });
            }
        }
        Err(VnetError::Experiment("no ICMP answer in time".into()))
    }
}

fn icmp_ident(icmp: &[u8]) -> Option<u16> {
    icmp.get(4..6).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn icmp_seq(icmp: &[u8]) -> Option<u16> {
    (icmp.first() == Some(&0))
        .then(|| icmp.get(6..8).map(|b| u16::from_be_bytes([b[0], b[1]])))
        .flatten()
}

/// For an ICMP error: the sequence number (echo) or destination port (UDP)
/// of the packet it quotes.
pub fn quoted_seq(icmp: &[u8]) -> Option<u16> {
    if !matches!(icmp.first(), Some(3 | 11)) {
        return None;
    }
    let inner = Ipv4Packet::new(icmp.get(8..)?)?;
    let body = inner.payload();
    match inner.get_next_level_protocol().0 {
        1 => body.get(6..8).map(|b| u16::from_be_bytes([b[0], b[1]])),
        17 => body.get(2..4).map(|b| u16::from_be_bytes([b[0], b[1]])),
        _ => None,
    }
}
