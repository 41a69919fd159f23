//! The dns lab's exchange as frames for a pcap file: each DNS message exactly
//! as it crossed the resolver's socket (the 2-byte length prefix included over
//! TCP), inside the UDP or TCP/IPv4/Ethernet headers a capture on loopback
//! shows (all-zero MAC addresses, checksums right). The kernel's own TCP
//! segments around a query (handshake, ACKs, FINs) are not seen by the lab:
//! each TCP query gets the handshake and teardown Linux sends on loopback.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use pnet_packet::tcp::TcpFlags;

use crate::net::frame::{
    FrameError, MacAddr, TcpSegmentSpec, UdpDatagramSpec, build_tcp_frame, build_udp_frame,
};

/// One message as the resolver sent or received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireMessage {
    /// When, since the Unix epoch.
    pub at: Duration,
    pub tcp: bool,
    /// The resolver's port for this message.
    pub client_port: u16,
    /// Query (resolver → server) or response.
    pub to_server: bool,
    /// Which TCP connection (0 for UDP).
    pub conn: u32,
    /// The bytes of the datagram, or of the TCP write (length prefix included).
    pub payload: Vec<u8>,
}

/// The MSS and window Linux announces on loopback (as a capture of `lo` shows).
const LOOPBACK_MSS: u16 = 65_495;
const WINDOW: u16 = 65_495;

fn client(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// Frames of the whole exchange, in time order, with the server shown on
/// `server_port` (the export uses 53, DNS's port, so Wireshark decodes it).
pub fn pcap_frames(
    wire: &[WireMessage],
    server_port: u16,
) -> Result<Vec<(Duration, Vec<u8>)>, FrameError> {
    let server = SocketAddr::from((Ipv4Addr::LOCALHOST, server_port));
    let zero = MacAddr::zero();
    let mut frames = Vec::new();
    let mut index = 0;
    while index < wire.len() {
        let message = &wire[index];
        if !message.tcp {
            let (src, dst) = if message.to_server {
                (client(message.client_port), server)
            } else {
                (server, client(message.client_port))
            };
            frames.push((
                message.at,
                build_udp_frame(&UdpDatagramSpec {
                    src_mac: zero,
                    dst_mac: zero,
                    src,
                    dst,
                    payload: &message.payload,
                })?,
            ));
            index += 1;
            continue;
        }
        // A TCP connection: its query and its answer.
        let conn: Vec<&WireMessage> = wire[index..]
            .iter()
            .take_while(|m| m.tcp && m.conn == message.conn)
            .collect();
        index += conn.len();
        frames.extend(tcp_connection(&conn, server)?);
    }
    frames.sort_by_key(|(at, _)| *at);
    Ok(frames)
}

fn tcp_connection(
    messages: &[&WireMessage],
    server: SocketAddr,
) -> Result<Vec<(Duration, Vec<u8>)>, FrameError> {
    let Some(first) = messages.first() else {
        return Ok(Vec::new());
    };
    let cli = client(first.client_port);
    // Initial sequence numbers: any will do; fixed per port so a file is reproducible.
    let mut seq_c: u32 = 0x1000_0000u32.wrapping_add(u32::from(first.client_port) << 8);
    let mut seq_s: u32 = 0x5000_0000u32.wrapping_add(u32::from(first.client_port) << 4);
    let micro = Duration::from_micros(1);
    let mut out = Vec::new();
    let seg = |from_client: bool, seq, ack, flags, mss, payload: &[u8]| {
        let (src, dst) = if from_client {
            (cli, server)
        } else {
            (server, cli)
        };
        build_tcp_frame(&TcpSegmentSpec {
            src_mac: MacAddr::zero(),
            dst_mac: MacAddr::zero(),
            src,
            dst,
            seq,
            ack,
            flags,
            window: WINDOW,
            mss,
            payload,
        })
    };
    let t0 = first.at.saturating_sub(micro * 3);
    out.push((
        t0,
        seg(true, seq_c, 0, TcpFlags::SYN, Some(LOOPBACK_MSS), &[])?,
    ));
    out.push((
        t0 + micro,
        seg(
            false,
            seq_s,
            seq_c.wrapping_add(1),
            TcpFlags::SYN | TcpFlags::ACK,
            Some(LOOPBACK_MSS),
            &[],
        )?,
    ));
    seq_c = seq_c.wrapping_add(1);
    seq_s = seq_s.wrapping_add(1);
    out.push((
        t0 + micro * 2,
        seg(true, seq_c, seq_s, TcpFlags::ACK, None, &[])?,
    ));
    let mut last = first.at;
    for m in messages {
        let flags = TcpFlags::PSH | TcpFlags::ACK;
        let len = u32::try_from(m.payload.len()).unwrap_or(0);
        if m.to_server {
            out.push((m.at, seg(true, seq_c, seq_s, flags, None, &m.payload)?));
            seq_c = seq_c.wrapping_add(len);
            out.push((
                m.at + micro,
                seg(false, seq_s, seq_c, TcpFlags::ACK, None, &[])?,
            ));
        } else {
            out.push((m.at, seg(false, seq_s, seq_c, flags, None, &m.payload)?));
            seq_s = seq_s.wrapping_add(len);
            out.push((
                m.at + micro,
                seg(true, seq_c, seq_s, TcpFlags::ACK, None, &[])?,
            ));
        }
        last = m.at + micro;
    }
    // The resolver closes first; the server answers with its own FIN.
    let fin = TcpFlags::FIN | TcpFlags::ACK;
    out.push((last + micro, seg(true, seq_c, seq_s, fin, None, &[])?));
    out.push((
        last + micro * 2,
        seg(false, seq_s, seq_c.wrapping_add(1), fin, None, &[])?,
    ));
    out.push((
        last + micro * 3,
        seg(
            true,
            seq_c.wrapping_add(1),
            seq_s.wrapping_add(1),
            TcpFlags::ACK,
            None,
            &[],
        )?,
    ));
    Ok(out)
}
