//! Evidence of a failing property: the frames of its loopback conversation,
//! captured with the project's AF_PACKET tap on `lo` (root or CAP_NET_RAW), and
//! the files written for the student: `PROPERTY.pcap` and `PROPERTY.log`.

use std::mem::MaybeUninit;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pnet_packet::Packet;
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::ip::{IpNextHeaderProtocol, IpNextHeaderProtocols};
use pnet_packet::ipv4::Ipv4Packet;
use pnet_packet::ipv6::Ipv6Packet;
use serde::{Deserialize, Serialize};
use socket2::Socket;

use super::log::{LogEntry, log_text};
use crate::lab::capture::{PACKET_OUTGOING, open_loopback_capture, pkttype};
use crate::net::bpf::{PortMatch, port_filter};
use crate::net::pcap::{SNAPLEN, write_pcap};
use crate::net::tcp::frames::fill_tcp_checksum;

/// The most frame bytes kept for one property (a 1 MiB exchange is ~2.2 MiB).
const MAX_BYTES: usize = 16 << 20;

/// One captured frame: when (since the Unix epoch) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub at: Duration,
    #[serde(with = "hex_bytes")]
    pub bytes: Vec<u8>,
}

#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    /// The server port whose frames are kept (0: none).
    port: AtomicU16,
    frames: Mutex<(Vec<Frame>, usize)>,
}

/// A tap on `lo` running for the whole check.
pub struct Recorder {
    shared: Arc<Shared>,
    socket: Arc<Socket>,
    tapper: Option<JoinHandle<()>>,
}

impl Recorder {
    /// Starts the tap, or says why it cannot (usually: not root).
    pub fn start() -> Result<Recorder, String> {
        let socket = Arc::new(open_loopback_capture().map_err(|e| e.to_string())?);
        // Nothing passes until `follow` names a port.
        socket
            .attach_filter(&port_filter(None, PortMatch::ANY))
            .map_err(|e| e.to_string())?;
        let shared = Arc::new(Shared::default());
        let tap = Arc::clone(&shared);
        let reader = Arc::clone(&socket);
        let tapper = thread::spawn(move || {
            let socket = reader;
            let mut buf = vec![MaybeUninit::<u8>::uninit(); 70_000];
            while !tap.stop.load(Ordering::Acquire) {
                // The socket's read timeout (50 ms) bounds each wait.
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                if pkttype(&from) != Some(PACKET_OUTGOING) {
                    continue;
                }
                let at = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                // SAFETY: recv_from initialised the first `n` bytes.
                let bytes: Vec<u8> = buf[..n]
                    .iter()
                    .map(|b| unsafe { b.assume_init() })
                    .collect();
                let port = tap.port.load(Ordering::Acquire);
                if port == 0 || !ports(&bytes).is_some_and(|(s, d)| s == port || d == port) {
                    continue;
                }
                if let Ok(mut frames) = tap.frames.lock()
                    && frames.1 + bytes.len() <= MAX_BYTES
                {
                    frames.1 += bytes.len();
                    frames.0.push(Frame { at, bytes });
                }
            }
        });
        Ok(Recorder {
            shared,
            socket,
            tapper: Some(tapper),
        })
    }

    /// Keeps frames to or from `port` from now on, dropping what was kept so far.
    pub fn follow(&self, port: u16) {
        if let Ok(mut frames) = self.shared.frames.lock() {
            *frames = (Vec::new(), 0);
        }
        self.shared.port.store(port, Ordering::Release);
        // The kernel drops every other frame, so a busy loopback (other programs'
        // traffic) neither fills our buffer nor costs us a copy.
        let _ = self
            .socket
            .attach_filter(&port_filter(Some(port), PortMatch::ANY));
    }

    /// The frames kept since `follow`, after a moment for the last ones to pass.
    pub fn take(&self) -> Vec<Frame> {
        thread::sleep(Duration::from_millis(60));
        self.shared.port.store(0, Ordering::Release);
        let mut frames = self
            .shared
            .frames
            .lock()
            .map(|mut f| std::mem::take(&mut f.0))
            .unwrap_or_default();
        for f in &mut frames {
            fill_tcp_checksum(&mut f.bytes);
        }
        frames
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        if let Some(t) = self.tapper.take() {
            let _ = t.join();
        }
    }
}

/// The IP payload of an Ethernet frame carrying IPv4 or IPv6, with its protocol.
pub fn ip_payload(frame: &[u8]) -> Option<(IpNextHeaderProtocol, Vec<u8>)> {
    let eth = EthernetPacket::new(frame)?;
    match eth.get_ethertype() {
        EtherTypes::Ipv4 => {
            let ip = Ipv4Packet::new(eth.payload())?;
            Some((ip.get_next_level_protocol(), ip.payload().to_vec()))
        }
        EtherTypes::Ipv6 => {
            let ip = Ipv6Packet::new(eth.payload())?;
            Some((ip.get_next_header(), ip.payload().to_vec()))
        }
        _ => None,
    }
}

/// The TCP or UDP ports of an Ethernet frame carrying IPv4 or IPv6.
fn ports(frame: &[u8]) -> Option<(u16, u16)> {
    let (proto, payload) = ip_payload(frame)?;
    if proto != IpNextHeaderProtocols::Tcp && proto != IpNextHeaderProtocols::Udp {
        return None;
    }
    let p = payload.get(..4)?;
    Some((
        u16::from_be_bytes([p[0], p[1]]),
        u16::from_be_bytes([p[2], p[3]]),
    ))
}

/// Whether an address is one the checker may talk to.
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}

/// Writes `NAME.pcap` (when frames were captured) and `NAME.log` into `dir`.
pub fn write_evidence(
    dir: &Path,
    name: &str,
    frames: &[Frame],
    log: &[LogEntry],
    lang: crate::i18n::Lang,
) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    if !frames.is_empty() {
        let path = dir.join(format!("{name}.pcap"));
        // Loopback frames can be 65,550 bytes (MTU 65,536); the file keeps the first
        // SNAPLEN bytes of each, as tcpdump's default snap length would.
        let pairs: Vec<(Duration, Vec<u8>)> = frames
            .iter()
            .map(|f| {
                (
                    f.at,
                    f.bytes[..f.bytes.len().min(SNAPLEN as usize)].to_vec(),
                )
            })
            .collect();
        write_pcap(&path, &pairs).map_err(|e| e.message(lang))?;
        written.push(path);
    }
    let path = dir.join(format!("{name}.log"));
    std::fs::write(&path, log_text(log)).map_err(|e| {
        crate::i18n::tf(
            lang,
            "output.err.io",
            &[
                ("path", &path.display().to_string()),
                ("reason", &crate::output_file::io_text(&e, lang)),
            ],
        )
    })?;
    written.push(path);
    Ok(written)
}

/// Frames serialised as hex strings (compact, and readable in a JSON viewer).
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        s.serialize_str(&hex)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        (0..text.len())
            .step_by(2)
            .map(|i| {
                text.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| serde::de::Error::custom("bad hex"))
            })
            .collect()
    }
}
