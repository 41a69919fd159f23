//! `dhcp` — how a host with no address gets one. The lab runs a DHCP server of
//! its own and a client that has no address yet; they exchange the four
//! messages of DHCP (Discover, Offer, Request, Ack) as real DHCPv4 messages
//! (built and parsed with `dhcproto`) over real UDP sockets, then the client
//! stays bound and at T1 (half the lease) renews its lease with a unicast
//! Request. With `--relay` a relay agent sits between them: it fills `giaddr`,
//! counts a hop, and the server picks the address from the relay's subnet.
//!
//! Loopback carries no broadcasts and ports 67/68 need root, so the three
//! sockets sit on 127.0.0.1, ephemeral ports; each message also carries the
//! addresses it has on a LAN (`0.0.0.0:68 → 255.255.255.255:67`…, worked out
//! by RFC 2131's rules in [`lan_view`]), which the lab shows and
//! `nettutor export dhcp` writes as Ethernet frames ([`wire`]).

pub mod wire;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::AsFd;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use dhcproto::v4::{DhcpOption, Flags, Message, MessageType, Opcode, OptionCode};
use dhcproto::{Decodable, Decoder, Encodable, Encoder};
use serde::Serialize;
use serde_json::{Value, json};

use super::io::{self, POLL};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, tf};
use crate::net::frame::MacAddr;

lab_params! {
    /// Options of the dhcp lab.
    pub struct DhcpParams for Dhcp {
        /// Seconds of the lease the server grants (T1 is half of it, T2 seven eighths).
        lease: u64 = "8", "lease", Int { min: 4, max: 60 }, "lab.opt.lease";
        /// Stay bound until T1 and renew the lease (a unicast Request and Ack).
        renew: bool = "true", "renew", Flag, "lab.opt.renew";
        /// The client sets the broadcast flag: the server's answers are broadcast.
        broadcast: bool = "true", "broadcast", Flag, "lab.opt.broadcast-flag";
        /// A relay agent between client and server (giaddr, hops).
        relay: bool = "false", "relay", Flag, "lab.opt.relay";
        /// The last byte of the pool's first address.
        first: u64 = "100", "first", Int { min: 2, max: 250 }, "lab.opt.first";
    }
}

/// DHCP's ports on a LAN (the lab's sockets use ephemeral ones on loopback).
pub const SERVER_PORT: u16 = 67;
pub const CLIENT_PORT: u16 = 68;
/// The server's address on its LAN (also the router and DNS server it hands out).
pub const SERVER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);
/// The relay agent's address on the client's LAN: the `giaddr` it fills in.
pub const RELAY_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 2, 1);
/// The subnet mask handed out (option 1).
pub const MASK: Ipv4Addr = Ipv4Addr::new(255, 255, 255, 0);
/// Locally administered MAC addresses of the three machines.
pub const CLIENT_MAC: MacAddr = MacAddr(0x02, 0x4e, 0x54, 0x00, 0x00, 0x0c);
pub const SERVER_MAC: MacAddr = MacAddr(0x02, 0x4e, 0x54, 0x00, 0x00, 0x01);
pub const RELAY_MAC: MacAddr = MacAddr(0x02, 0x4e, 0x54, 0x00, 0x00, 0x02);
/// A BOOTP message is padded to at least 300 bytes (RFC 1542 §2.1).
pub const MIN_MESSAGE: usize = 300;
/// The most the lab reads in one datagram.
const MAX_MESSAGE: usize = 1500;

/// One of the three machines of the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Node {
    Client,
    Relay,
    Server,
}

/// Where a message travels on a LAN: IP addresses and ports, and the
/// Ethernet addresses of the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanView {
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub eth_src: MacAddr,
    pub eth_dst: MacAddr,
}

impl LanView {
    /// Sent to everyone on the link (255.255.255.255, ff:ff:ff:ff:ff:ff).
    pub fn is_broadcast(&self) -> bool {
        *self.dst.ip() == Ipv4Addr::BROADCAST
    }
}

/// The name tools print for a message type: `DHCPDISCOVER`.
pub fn type_name(kind: MessageType) -> String {
    format!("DHCP{kind:?}").to_ascii_uppercase()
}

/// Where `msg`, sent by `from` to `to`, travels on a LAN (RFC 2131 §4.1,
/// §4.3.2, §4.4.5). A client without an address sends from 0.0.0.0 to the
/// broadcast address; a server answers a relay at `giaddr`, port 67; to the
/// client it broadcasts a NAK, or an answer whose broadcast flag is set while
/// the client has no address, and unicasts to `ciaddr` or else `yiaddr`.
pub fn lan_view(from: Node, to: Node, msg: &Message, relay: bool) -> LanView {
    let bcast = SocketAddrV4::new(Ipv4Addr::BROADCAST, 0);
    let on = |ip: Ipv4Addr, port: u16| SocketAddrV4::new(ip, port);
    let chaddr = mac_of(msg.chaddr());
    let all = MacAddr::broadcast();
    match (from, to) {
        (Node::Client, _) => {
            if msg.ciaddr().is_unspecified() {
                LanView {
                    src: on(Ipv4Addr::UNSPECIFIED, CLIENT_PORT),
                    dst: on(*bcast.ip(), SERVER_PORT),
                    eth_src: chaddr,
                    eth_dst: all,
                }
            } else {
                // Renewing: unicast to the server that granted the lease,
                // through the router (the relay) when there is one.
                LanView {
                    src: on(msg.ciaddr(), CLIENT_PORT),
                    dst: on(server_id(msg).unwrap_or(SERVER_IP), SERVER_PORT),
                    eth_src: chaddr,
                    eth_dst: if relay { RELAY_MAC } else { SERVER_MAC },
                }
            }
        }
        (Node::Relay, Node::Server) => LanView {
            src: on(msg.giaddr(), SERVER_PORT),
            dst: on(SERVER_IP, SERVER_PORT),
            eth_src: RELAY_MAC,
            eth_dst: SERVER_MAC,
        },
        (Node::Server, Node::Relay) => LanView {
            src: on(SERVER_IP, SERVER_PORT),
            dst: on(msg.giaddr(), SERVER_PORT),
            eth_src: SERVER_MAC,
            eth_dst: RELAY_MAC,
        },
        (sender, _) => {
            let src_ip = if sender == Node::Relay {
                RELAY_IP
            } else {
                SERVER_IP
            };
            let eth_src = if sender == Node::Relay || relay {
                RELAY_MAC
            } else {
                SERVER_MAC
            };
            let nak = msg.opts().msg_type() == Some(MessageType::Nak);
            let (dst, eth_dst) =
                if nak || (msg.ciaddr().is_unspecified() && msg.flags().broadcast()) {
                    (Ipv4Addr::BROADCAST, all)
                } else if !msg.ciaddr().is_unspecified() {
                    (msg.ciaddr(), chaddr)
                } else {
                    (msg.yiaddr(), chaddr)
                };
            LanView {
                src: on(src_ip, SERVER_PORT),
                dst: on(dst, CLIENT_PORT),
                eth_src,
                eth_dst,
            }
        }
    }
}

fn mac_of(chaddr: &[u8]) -> MacAddr {
    match chaddr {
        [a, b, c, d, e, f, ..] => MacAddr(*a, *b, *c, *d, *e, *f),
        _ => MacAddr::zero(),
    }
}

fn server_id(msg: &Message) -> Option<Ipv4Addr> {
    match msg.opts().get(OptionCode::ServerIdentifier) {
        Some(DhcpOption::ServerIdentifier(ip)) => Some(*ip),
        _ => None,
    }
}

fn requested_ip(msg: &Message) -> Option<Ipv4Addr> {
    match msg.opts().get(OptionCode::RequestedIpAddress) {
        Some(DhcpOption::RequestedIpAddress(ip)) => Some(*ip),
        _ => None,
    }
}

fn u32_option(msg: &Message, code: OptionCode) -> Option<u32> {
    match msg.opts().get(code) {
        Some(
            DhcpOption::AddressLeaseTime(n) | DhcpOption::Renewal(n) | DhcpOption::Rebinding(n),
        ) => Some(*n),
        _ => None,
    }
}

fn addrs_option(msg: &Message, code: OptionCode) -> Vec<Ipv4Addr> {
    match msg.opts().get(code) {
        Some(DhcpOption::Router(list) | DhcpOption::DomainNameServer(list)) => list.clone(),
        _ => Vec::new(),
    }
}

/// Encode `msg`, padded to [`MIN_MESSAGE`] bytes.
pub fn encode(msg: &Message) -> Result<Vec<u8>, LabError> {
    let mut bytes = Vec::new();
    msg.encode(&mut Encoder::new(&mut bytes))
        .map_err(|e| LabError::Failed(format!("encode DHCP message: {e}")))?;
    if bytes.len() < MIN_MESSAGE {
        bytes.resize(MIN_MESSAGE, 0);
    }
    Ok(bytes)
}

/// Decode a DHCP message; `None` for anything else.
pub fn decode(bytes: &[u8]) -> Option<Message> {
    if bytes.get(236..240) != Some(&dhcproto::v4::MAGIC[..]) {
        return None;
    }
    let msg = Message::decode(&mut Decoder::new(bytes)).ok()?;
    msg.opts().msg_type().is_some().then_some(msg)
}

/// A client's message (BOOTREQUEST) of transaction `xid` from the hardware
/// address `chaddr`: option 53 `kind` and the parameters a client asks for
/// (1, 3, 6), with the broadcast flag when `broadcast` (a client with no
/// address yet to take a unicast on asks for one).
pub fn client_message(xid: u32, chaddr: &[u8], kind: MessageType, broadcast: bool) -> Message {
    let mut msg = Message::default();
    msg.set_opcode(Opcode::BootRequest)
        .set_xid(xid)
        .set_chaddr(chaddr);
    if broadcast {
        msg.set_flags(Flags::default().set_broadcast());
    }
    let opts = msg.opts_mut();
    opts.insert(DhcpOption::MessageType(kind));
    opts.insert(DhcpOption::ParameterRequestList(vec![
        OptionCode::SubnetMask,
        OptionCode::Router,
        OptionCode::DomainNameServer,
    ]));
    msg
}

/// Whether `msg` is the server's answer to transaction `xid`, of one of
/// `kinds`: a client ignores anything else (another transaction, its own
/// broadcast coming back).
pub fn answers(msg: &Message, xid: u32, kinds: &[MessageType]) -> bool {
    msg.xid() == xid
        && msg.opcode() == Opcode::BootReply
        && msg.opts().msg_type().is_some_and(|k| kinds.contains(&k))
}

/// One option as the report shows it: numbers as numbers, addresses as text.
fn option_value(opt: &DhcpOption) -> Value {
    match opt {
        DhcpOption::MessageType(kind) => json!(u8::from(*kind)),
        DhcpOption::ServerIdentifier(ip)
        | DhcpOption::SubnetMask(ip)
        | DhcpOption::RequestedIpAddress(ip) => json!(ip.to_string()),
        DhcpOption::AddressLeaseTime(n) | DhcpOption::Renewal(n) | DhcpOption::Rebinding(n) => {
            json!(n)
        }
        DhcpOption::Router(list) | DhcpOption::DomainNameServer(list) => {
            json!(list.iter().map(Ipv4Addr::to_string).collect::<Vec<_>>())
        }
        DhcpOption::ParameterRequestList(codes) => {
            json!(codes.iter().map(|c| u8::from(*c)).collect::<Vec<_>>())
        }
        DhcpOption::ClientIdentifier(bytes) => json!(
            bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        ),
        other => json!(format!("{other:?}")),
    }
}

/// One DHCP message as it crossed a socket of the lab.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DhcpMessage {
    /// `DHCPDISCOVER`, `DHCPOFFER`, `DHCPREQUEST`, `DHCPACK`, `DHCPNAK`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Option 53: 1 Discover, 2 Offer, 3 Request, 5 Ack, 6 Nak.
    pub code: u8,
    pub from: Node,
    pub to: Node,
    /// 1 BOOTREQUEST (client to server), 2 BOOTREPLY.
    pub op: u8,
    /// The transaction id that ties a reply to its request, `0x…`.
    pub xid: String,
    pub broadcast_flag: bool,
    pub hops: u8,
    pub ciaddr: Ipv4Addr,
    pub yiaddr: Ipv4Addr,
    pub siaddr: Ipv4Addr,
    pub giaddr: Ipv4Addr,
    pub chaddr: String,
    /// The options by number (53, 54, 51, 1, 3, 6, 50, 55, 58, 59…).
    pub options: BTreeMap<u8, Value>,
    /// On a LAN: from and to, and whether the frame is a broadcast.
    pub lan_src: SocketAddrV4,
    pub lan_dst: SocketAddrV4,
    pub lan_broadcast: bool,
    /// What carried it in the lab: loopback sockets.
    pub loopback_src: SocketAddr,
    pub loopback_dst: SocketAddr,
    pub bytes: usize,
    /// When it was sent, ms after the lab started.
    pub at_ms: f64,
    /// Part of the renewal at T1, not of the first exchange.
    pub renewal: bool,
    /// The datagram's bytes (for the export and the inspector).
    #[serde(skip)]
    pub payload: Vec<u8>,
    /// When it was sent, since the Unix epoch (pcap time stamps).
    #[serde(skip)]
    pub at: Duration,
    #[serde(skip)]
    pub lan: LanView,
}

/// The lease the client holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lease {
    pub address: Ipv4Addr,
    pub mask: Ipv4Addr,
    pub router: Vec<Ipv4Addr>,
    pub dns: Vec<Ipv4Addr>,
    /// Option 54: the server that granted it.
    pub server_id: Ipv4Addr,
    pub lease_s: u32,
    /// Options 58 and 59: renew (unicast) and rebind (broadcast) times.
    pub t1_s: u32,
    pub t2_s: u32,
    /// When the Ack arrived, ms after the lab started.
    pub bound_at_ms: f64,
}

/// The renewal at T1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Renewal {
    /// Seconds from the first Ack to the renewing Request.
    pub after_s: f64,
    /// The Request went to the server alone (not to the broadcast address).
    pub unicast: bool,
    pub acked: bool,
    /// The lease granted again, from the renewal's Ack.
    pub lease_s: u32,
}

/// What the dhcp lab observed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DhcpReport {
    /// Every datagram, in the order sent.
    pub messages: Vec<DhcpMessage>,
    /// The message types the client sent and got until it was bound: 1, 2, 3, 5.
    pub dora: Vec<u8>,
    pub lease: Lease,
    pub renewal: Option<Renewal>,
    /// The lab's sockets (loopback, ephemeral ports).
    pub server: SocketAddr,
    pub client: SocketAddr,
    pub relay: Option<SocketAddr>,
}

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Every message sent, by whichever thread sent it.
struct Recorder<'a> {
    start: Instant,
    relay: bool,
    messages: Mutex<Vec<DhcpMessage>>,
    sink: &'a dyn LabSink,
}

impl Recorder<'_> {
    /// Record `msg` and send it on `sock` to `dest`.
    fn send(
        &self,
        sock: &UdpSocket,
        dest: SocketAddr,
        from: Node,
        to: Node,
        msg: &Message,
        renewal: bool,
    ) -> Result<(), LabError> {
        let bytes = encode(msg)?;
        let lan = lan_view(from, to, msg, self.relay);
        let kind = msg.opts().msg_type().unwrap_or(MessageType::Unknown(0));
        let options: BTreeMap<u8, Value> = msg
            .opts()
            .iter()
            .map(|(code, opt)| (u8::from(*code), option_value(opt)))
            .collect();
        let record = DhcpMessage {
            kind: type_name(kind),
            code: u8::from(kind),
            from,
            to,
            op: u8::from(msg.opcode()),
            xid: format!("0x{:08x}", msg.xid()),
            broadcast_flag: msg.flags().broadcast(),
            hops: msg.hops(),
            ciaddr: msg.ciaddr(),
            yiaddr: msg.yiaddr(),
            siaddr: msg.siaddr(),
            giaddr: msg.giaddr(),
            chaddr: mac_of(msg.chaddr()).to_string(),
            options,
            lan_src: lan.src,
            lan_dst: lan.dst,
            lan_broadcast: lan.is_broadcast(),
            loopback_src: sock.local_addr().map_err(|e| LabError::io("address", e))?,
            loopback_dst: dest,
            bytes: bytes.len(),
            at_ms: io::ms_f64_since(self.start),
            renewal,
            payload: bytes.clone(),
            at: since_epoch(),
            lan,
        };
        // Recorded before it leaves: the answer cannot be recorded first.
        self.sink.event(sent_event(&record, msg));
        if let Ok(mut list) = self.messages.lock() {
            list.push(record);
        }
        sock.send_to(&bytes, dest)
            .map_err(|e| LabError::io("sendto", e))?;
        Ok(())
    }
}

/// The log line of one message: who sent what, from where to where on a LAN.
fn sent_event(m: &DhcpMessage, msg: &Message) -> LabEvent {
    let key = match (m.from, m.lan_broadcast) {
        (Node::Client, true) => "lab.dhcp.sent.client-broadcast",
        (Node::Client, false) => "lab.dhcp.sent.client-unicast",
        (Node::Relay, true) => "lab.dhcp.sent.relay-broadcast",
        (Node::Relay, false) => "lab.dhcp.sent.relay-unicast",
        (Node::Server, true) => "lab.dhcp.sent.server-broadcast",
        (Node::Server, false) => "lab.dhcp.sent.server-unicast",
    };
    let mut detail = Vec::new();
    if !msg.yiaddr().is_unspecified() {
        detail.push(format!("yiaddr {}", msg.yiaddr()));
    }
    if !msg.ciaddr().is_unspecified() {
        detail.push(format!("ciaddr {}", msg.ciaddr()));
    }
    if let Some(ip) = requested_ip(msg) {
        detail.push(format!("50={ip}"));
    }
    if !msg.giaddr().is_unspecified() {
        detail.push(format!("giaddr {} hops {}", msg.giaddr(), msg.hops()));
    }
    if let Some(lease) = u32_option(msg, OptionCode::AddressLeaseTime) {
        detail.push(format!("51={lease} s"));
    }
    LabEvent::log_with(
        key,
        &[
            ("type", m.kind.clone()),
            ("xid", m.xid.clone()),
            ("src", m.lan_src.to_string()),
            ("dst", m.lan_dst.to_string()),
            ("detail", detail.join(", ")),
        ],
    )
}

/// The server's addresses: one per client hardware address, from the pool of
/// the subnet the request came from (the relay's `giaddr`, or the server's own).
/// Also the server of the virtual network's `dhcp` experiment (`crate::vnet`).
pub struct Pool {
    first: u8,
    lease_s: u32,
    bound: Vec<(Vec<u8>, Ipv4Addr)>,
}

impl Pool {
    /// A pool handing out 192.168.1.`first`, … for `lease_s` seconds.
    pub fn new(first: u8, lease_s: u32) -> Pool {
        Pool {
            first,
            lease_s,
            bound: Vec::new(),
        }
    }

    fn subnet(giaddr: Ipv4Addr) -> (Ipv4Addr, Ipv4Addr) {
        let router = if giaddr.is_unspecified() {
            SERVER_IP
        } else {
            giaddr
        };
        let [a, b, c, _] = router.octets();
        (Ipv4Addr::new(a, b, c, 0), router)
    }

    fn address_for(&mut self, chaddr: &[u8], giaddr: Ipv4Addr) -> Ipv4Addr {
        if let Some((_, ip)) = self.bound.iter().find(|(mac, _)| mac == chaddr) {
            return *ip;
        }
        let (net, _) = Pool::subnet(giaddr);
        let [a, b, c, _] = net.octets();
        let n = u8::try_from(self.bound.len()).unwrap_or(0);
        let ip = Ipv4Addr::new(a, b, c, self.first.saturating_add(n));
        self.bound.push((chaddr.to_vec(), ip));
        ip
    }

    fn holds(&self, chaddr: &[u8], ip: Ipv4Addr) -> bool {
        self.bound
            .iter()
            .any(|(mac, bound)| mac == chaddr && *bound == ip)
    }

    fn reply(&self, req: &Message, kind: MessageType, yiaddr: Ipv4Addr) -> Message {
        let mut msg = Message::default();
        msg.set_opcode(Opcode::BootReply)
            .set_xid(req.xid())
            .set_flags(req.flags())
            .set_giaddr(req.giaddr())
            .set_chaddr(req.chaddr())
            .set_yiaddr(yiaddr);
        if kind == MessageType::Ack {
            msg.set_ciaddr(req.ciaddr());
        }
        let (_, router) = Pool::subnet(req.giaddr());
        let opts = msg.opts_mut();
        opts.insert(DhcpOption::MessageType(kind));
        opts.insert(DhcpOption::ServerIdentifier(SERVER_IP));
        if kind != MessageType::Nak {
            opts.insert(DhcpOption::AddressLeaseTime(self.lease_s));
            opts.insert(DhcpOption::Renewal(self.lease_s / 2));
            opts.insert(DhcpOption::Rebinding(self.lease_s * 7 / 8));
            opts.insert(DhcpOption::SubnetMask(MASK));
            opts.insert(DhcpOption::Router(vec![router]));
            opts.insert(DhcpOption::DomainNameServer(vec![router]));
        }
        msg
    }

    /// The server's answer to a client's message, if it gives one.
    pub fn answer(&mut self, req: &Message) -> Option<Message> {
        if req.opcode() != Opcode::BootRequest {
            return None;
        }
        match req.opts().msg_type()? {
            MessageType::Discover => {
                let ip = self.address_for(req.chaddr(), req.giaddr());
                Some(self.reply(req, MessageType::Offer, ip))
            }
            MessageType::Request => {
                // A Request naming another server: the client chose that offer.
                if server_id(req).is_some_and(|id| id != SERVER_IP) {
                    return None;
                }
                let wanted = requested_ip(req).unwrap_or(req.ciaddr());
                if self.holds(req.chaddr(), wanted) {
                    Some(self.reply(req, MessageType::Ack, wanted))
                } else {
                    Some(self.reply(req, MessageType::Nak, Ipv4Addr::UNSPECIFIED))
                }
            }
            _ => None,
        }
    }
}

/// The server (and the relay, when there is one): one thread polling both
/// sockets until `stop`.
struct Network<'a> {
    server: UdpSocket,
    relay: Option<UdpSocket>,
    pool: Pool,
    rec: &'a Recorder<'a>,
    /// The client's socket, as the relay learned it from the client's messages.
    client_seen: Option<SocketAddr>,
}

impl Network<'_> {
    fn serve(&mut self, stop: &AtomicBool, cancel: &Cancel) -> Result<(), LabError> {
        use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
        let mut buf = vec![0u8; MAX_MESSAGE];
        while !stop.load(Ordering::SeqCst) {
            cancel.check()?;
            let (server_ready, relay_ready) = {
                let mut fds = vec![PollFd::new(self.server.as_fd(), PollFlags::POLLIN)];
                if let Some(relay) = &self.relay {
                    fds.push(PollFd::new(relay.as_fd(), PollFlags::POLLIN));
                }
                let timeout = PollTimeout::try_from(POLL).unwrap_or(PollTimeout::MAX);
                match poll(&mut fds, timeout) {
                    Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                    Err(e) => return Err(LabError::io("poll", e.into())),
                }
                let ready = |fd: Option<&PollFd>| {
                    fd.and_then(PollFd::revents).is_some_and(|r| !r.is_empty())
                };
                (ready(fds.first()), ready(fds.get(1)))
            };
            if server_ready {
                match self.server.recv_from(&mut buf) {
                    Ok((n, from)) => {
                        if let Some(req) = decode(&buf[..n])
                            && let Some(reply) = self.pool.answer(&req)
                        {
                            let to = if self.relay.is_some() && !req.giaddr().is_unspecified() {
                                Node::Relay
                            } else {
                                Node::Client
                            };
                            self.rec.send(
                                &self.server,
                                from,
                                Node::Server,
                                to,
                                &reply,
                                is_renewal(&req),
                            )?;
                        }
                    }
                    Err(e) if super::io::is_transient_udp(&e) => {}
                    Err(e) => return Err(LabError::io("recvfrom", e)),
                }
            }
            if relay_ready {
                self.relay_one(&mut buf)?;
            }
        }
        Ok(())
    }

    /// The relay agent: a client's message goes on to the server with
    /// `giaddr` and one more hop; the server's answer goes back to the client.
    fn relay_one(&mut self, buf: &mut [u8]) -> Result<(), LabError> {
        let Some(relay) = &self.relay else {
            return Ok(());
        };
        let server = self
            .server
            .local_addr()
            .map_err(|e| LabError::io("address", e))?;
        match relay.recv_from(buf) {
            Ok((n, from)) => {
                let Some(mut msg) = decode(&buf[..n]) else {
                    return Ok(());
                };
                if from == server {
                    if let Some(client) = self.client_seen {
                        self.rec
                            .send(relay, client, Node::Relay, Node::Client, &msg, false)?;
                    }
                } else {
                    self.client_seen = Some(from);
                    if msg.giaddr().is_unspecified() {
                        msg.set_giaddr(RELAY_IP);
                    }
                    msg.set_hops(msg.hops().saturating_add(1));
                    self.rec
                        .send(relay, server, Node::Relay, Node::Server, &msg, false)?;
                }
                Ok(())
            }
            Err(e) if super::io::is_transient_udp(&e) => Ok(()),
            Err(e) => Err(LabError::io("recvfrom", e)),
        }
    }
}

/// A Request from a client that already has its address (RENEWING).
fn is_renewal(req: &Message) -> bool {
    !req.ciaddr().is_unspecified()
}

/// The client: no address at first, then bound, then renewing.
struct Client<'a> {
    sock: UdpSocket,
    /// Where its broadcasts arrive in the lab: the relay, or the server.
    first_hop: SocketAddr,
    first_hop_node: Node,
    server: SocketAddr,
    broadcast: bool,
    rec: &'a Recorder<'a>,
}

impl Client<'_> {
    fn request_base(&self, xid: u32, kind: MessageType) -> Message {
        client_message(xid, &CLIENT_MAC.octets(), kind, self.broadcast)
    }

    /// Wait for a reply to transaction `xid` of one of the `kinds`.
    fn wait(&self, xid: u32, kinds: &[MessageType], cancel: &Cancel) -> Result<Message, LabError> {
        let mut buf = vec![0u8; MAX_MESSAGE];
        let end = io::deadline();
        loop {
            let n = io::patiently(cancel, end, "the DHCP server's answer", || {
                self.sock.recv(&mut buf)
            })?;
            // Not ours (another transaction, garbage): a real client ignores it too.
            if let Some(msg) = decode(&buf[..n])
                && answers(&msg, xid, kinds)
            {
                return Ok(msg);
            }
        }
    }

    /// Discover, Offer, Request, Ack: the lease.
    fn dora(&self, cancel: &Cancel) -> Result<Message, LabError> {
        let xid: u32 = rand::random();
        let discover = self.request_base(xid, MessageType::Discover);
        self.rec.send(
            &self.sock,
            self.first_hop,
            Node::Client,
            self.first_hop_node,
            &discover,
            false,
        )?;
        let offer = self.wait(xid, &[MessageType::Offer], cancel)?;
        let mut request = self.request_base(xid, MessageType::Request);
        let opts = request.opts_mut();
        opts.insert(DhcpOption::RequestedIpAddress(offer.yiaddr()));
        opts.insert(DhcpOption::ServerIdentifier(
            server_id(&offer).unwrap_or(SERVER_IP),
        ));
        self.rec.send(
            &self.sock,
            self.first_hop,
            Node::Client,
            self.first_hop_node,
            &request,
            false,
        )?;
        let ack = self.wait(xid, &[MessageType::Ack, MessageType::Nak], cancel)?;
        if ack.opts().msg_type() == Some(MessageType::Nak) {
            return Err(LabError::Failed("the server answered DHCPNAK".into()));
        }
        Ok(ack)
    }

    /// RENEWING (RFC 2131 §4.4.5): `ciaddr` filled in, no server identifier
    /// or requested address, unicast to the server, no broadcast flag.
    fn renew(&self, address: Ipv4Addr, cancel: &Cancel) -> Result<Message, LabError> {
        let xid: u32 = rand::random();
        let mut request = self.request_base(xid, MessageType::Request);
        request.set_flags(Flags::default()).set_ciaddr(address);
        self.rec.send(
            &self.sock,
            self.server,
            Node::Client,
            Node::Server,
            &request,
            true,
        )?;
        self.wait(xid, &[MessageType::Ack, MessageType::Nak], cancel)
    }
}

/// The lease an Ack grants, bound at `bound_at_ms`.
pub fn lease_of(ack: &Message, bound_at_ms: f64) -> Lease {
    let lease_s = u32_option(ack, OptionCode::AddressLeaseTime).unwrap_or(0);
    Lease {
        address: ack.yiaddr(),
        mask: match ack.opts().get(OptionCode::SubnetMask) {
            Some(DhcpOption::SubnetMask(m)) => *m,
            _ => Ipv4Addr::UNSPECIFIED,
        },
        router: addrs_option(ack, OptionCode::Router),
        dns: addrs_option(ack, OptionCode::DomainNameServer),
        server_id: server_id(ack).unwrap_or(Ipv4Addr::UNSPECIFIED),
        lease_s,
        t1_s: u32_option(ack, OptionCode::Renewal).unwrap_or(lease_s / 2),
        t2_s: u32_option(ack, OptionCode::Rebinding).unwrap_or(lease_s * 7 / 8),
        bound_at_ms,
    }
}

/// Bound: the lease counting down once a second until T1, then the renewal.
fn stay_bound(
    client: &Client,
    lease: &Lease,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<Option<Renewal>, LabError> {
    sink.event(LabEvent::Phase {
        key: "lab.dhcp.phase.bound",
    });
    let bound = Instant::now();
    let t1 = Duration::from_secs(u64::from(lease.t1_s));
    let mut second = 0u32;
    while bound.elapsed() < t1 {
        let next = Duration::from_secs(u64::from(second) + 1).min(t1);
        io::pause(cancel, next.saturating_sub(bound.elapsed()))?;
        second = u32::try_from(bound.elapsed().as_secs()).unwrap_or(u32::MAX);
        sink.event(LabEvent::log_with(
            "lab.dhcp.tick",
            &[
                ("second", second.to_string()),
                ("address", lease.address.to_string()),
                ("left", lease.lease_s.saturating_sub(second).to_string()),
                ("t1", lease.t1_s.saturating_sub(second).to_string()),
            ],
        ));
    }
    let after_s = bound.elapsed().as_secs_f64();
    sink.event(LabEvent::log_with(
        "lab.dhcp.renewing",
        &[("t1", lease.t1_s.to_string())],
    ));
    let ack = client.renew(lease.address, cancel)?;
    let acked = ack.opts().msg_type() == Some(MessageType::Ack);
    Ok(Some(Renewal {
        after_s: (after_s * 1000.0).round() / 1000.0,
        unicast: true,
        acked,
        lease_s: u32_option(&ack, OptionCode::AddressLeaseTime).unwrap_or(0),
    }))
}

/// Run the lab: DORA, then (with `--renew`) the renewal at T1.
pub fn run(
    params: &DhcpParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<DhcpReport, LabError> {
    let server = io::udp_socket()?;
    let relay = if params.relay {
        Some(io::udp_socket()?)
    } else {
        None
    };
    let client_sock = io::udp_socket()?;
    // A real client must ask for broadcasts before it may send to 255.255.255.255.
    client_sock
        .set_broadcast(true)
        .map_err(|e| LabError::io("SO_BROADCAST", e))?;
    let addr = |s: &UdpSocket| s.local_addr().map_err(|e| LabError::io("address", e));
    let server_addr = addr(&server)?;
    let relay_addr = relay.as_ref().map(addr).transpose()?;
    let client_addr = addr(&client_sock)?;
    sink.event(LabEvent::log_with(
        "lab.dhcp.ports",
        &[
            ("server", server_addr.to_string()),
            ("client", client_addr.to_string()),
        ],
    ));
    let rec = Recorder {
        start: Instant::now(),
        relay: params.relay,
        messages: Mutex::new(Vec::new()),
        sink,
    };
    let mut network = Network {
        server,
        relay,
        pool: Pool {
            first: u8::try_from(params.first).unwrap_or(100),
            lease_s: u32::try_from(params.lease).unwrap_or(8),
            bound: Vec::new(),
        },
        rec: &rec,
        client_seen: None,
    };
    let client = Client {
        sock: client_sock,
        first_hop: relay_addr.unwrap_or(server_addr),
        first_hop_node: if params.relay {
            Node::Relay
        } else {
            Node::Server
        },
        server: server_addr,
        broadcast: params.broadcast,
        rec: &rec,
    };
    let stop = AtomicBool::new(false);
    let ((), (lease, renewal)) = io::both(
        cancel,
        |cancel| network.serve(&stop, cancel),
        |cancel| {
            let result = (|| {
                let ack = client.dora(cancel)?;
                let lease = lease_of(&ack, io::ms_f64_since(rec.start));
                sink.event(LabEvent::log_with(
                    "lab.dhcp.bound",
                    &[
                        ("address", lease.address.to_string()),
                        ("mask", lease.mask.to_string()),
                        ("router", join(&lease.router)),
                        ("dns", join(&lease.dns)),
                        ("lease", lease.lease_s.to_string()),
                        ("t1", lease.t1_s.to_string()),
                        ("t2", lease.t2_s.to_string()),
                    ],
                ));
                let renewal = if params.renew {
                    stay_bound(&client, &lease, sink, cancel)?
                } else {
                    None
                };
                Ok((lease, renewal))
            })();
            stop.store(true, Ordering::SeqCst);
            result
        },
    )?;
    let messages = rec.messages.into_inner().unwrap_or_default();
    let dora = messages
        .iter()
        .filter(|m| !m.renewal && (m.from == Node::Client || m.to == Node::Client))
        .map(|m| m.code)
        .collect();
    Ok(DhcpReport {
        messages,
        dora,
        lease,
        renewal,
        server: server_addr,
        client: client_addr,
        relay: relay_addr,
    })
}

fn join(list: &[Ipv4Addr]) -> String {
    list.iter()
        .map(Ipv4Addr::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl LabOutcome for DhcpReport {
    /// Seconds after the Ack at which the client asked to renew (T1), as seen
    /// — or, without `--renew`, the T1 its Ack named.
    fn observed(&self) -> u64 {
        match &self.renewal {
            Some(r) => r.after_s.round() as u64,
            None => u64::from(self.lease.t1_s),
        }
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let l = &self.lease;
        let mut lines = vec![tf(
            lang,
            "lab.dhcp.result-ports",
            &[
                ("server", &self.server.to_string()),
                ("client", &self.client.to_string()),
            ],
        )];
        for m in self.messages.iter().filter(|m| !m.renewal) {
            lines.push(message_line(m, lang));
        }
        lines.push(tf(
            lang,
            "lab.dhcp.result-lease",
            &[
                ("address", &l.address.to_string()),
                ("mask", &l.mask.to_string()),
                ("router", &join(&l.router)),
                ("dns", &join(&l.dns)),
                ("server", &l.server_id.to_string()),
                ("lease", &l.lease_s.to_string()),
                ("t1", &l.t1_s.to_string()),
                ("t2", &l.t2_s.to_string()),
            ],
        ));
        if let Some(r) = &self.renewal {
            for m in self.messages.iter().filter(|m| m.renewal) {
                lines.push(message_line(m, lang));
            }
            lines.push(tf(
                lang,
                "lab.dhcp.result-renewed",
                &[
                    ("after", &format!("{:.1}", r.after_s)),
                    ("lease", &r.lease_s.to_string()),
                ],
            ));
        }
        if self.relay.is_some() {
            lines.push(tf(
                lang,
                "lab.dhcp.result-relay",
                &[("giaddr", &RELAY_IP.to_string())],
            ));
        }
        lines.push(crate::i18n::t(lang, "lab.dhcp.lesson").to_string());
        lines
    }
}

/// `  client → DHCPDISCOVER xid 0x… 0.0.0.0:68 → 255.255.255.255:67`
pub fn message_line(m: &DhcpMessage, lang: Lang) -> String {
    let who = |n: Node| {
        crate::i18n::t(
            lang,
            match n {
                Node::Client => "lab.dhcp.node.client",
                Node::Relay => "lab.dhcp.node.relay",
                Node::Server => "lab.dhcp.node.server",
            },
        )
    };
    format!(
        "  {} → {}: {} xid {} {} → {}{}",
        who(m.from),
        who(m.to),
        m.kind,
        m.xid,
        m.lan_src,
        m.lan_dst,
        if m.yiaddr.is_unspecified() {
            String::new()
        } else {
            format!(" yiaddr {}", m.yiaddr)
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_msg(kind: MessageType, broadcast: bool) -> Message {
        let mut msg = Message::default();
        msg.set_chaddr(&CLIENT_MAC.octets());
        if broadcast {
            msg.set_flags(Flags::default().set_broadcast());
        }
        msg.opts_mut().insert(DhcpOption::MessageType(kind));
        msg
    }

    #[test]
    fn a_client_without_an_address_broadcasts_from_zero() {
        let discover = client_msg(MessageType::Discover, false);
        let lan = lan_view(Node::Client, Node::Server, &discover, false);
        assert_eq!(lan.src.to_string(), "0.0.0.0:68");
        assert_eq!(lan.dst.to_string(), "255.255.255.255:67");
        assert_eq!(lan.eth_dst, MacAddr::broadcast());
        assert_eq!(lan.eth_src, CLIENT_MAC);
    }

    #[test]
    fn the_broadcast_flag_decides_how_the_server_answers() {
        let mut pool = Pool {
            first: 100,
            lease_s: 8,
            bound: Vec::new(),
        };
        for broadcast in [true, false] {
            let offer = pool
                .answer(&client_msg(MessageType::Discover, broadcast))
                .unwrap();
            assert_eq!(offer.yiaddr(), Ipv4Addr::new(192, 168, 1, 100));
            let lan = lan_view(Node::Server, Node::Client, &offer, false);
            if broadcast {
                assert_eq!(lan.dst.to_string(), "255.255.255.255:68");
            } else {
                assert_eq!(lan.dst.to_string(), "192.168.1.100:68");
                assert_eq!(lan.eth_dst, CLIENT_MAC);
            }
        }
    }

    #[test]
    fn a_request_for_an_address_not_offered_gets_a_broadcast_nak() {
        let mut pool = Pool {
            first: 100,
            lease_s: 8,
            bound: Vec::new(),
        };
        let mut request = client_msg(MessageType::Request, false);
        request
            .opts_mut()
            .insert(DhcpOption::RequestedIpAddress(Ipv4Addr::new(10, 0, 0, 9)));
        let nak = pool.answer(&request).unwrap();
        assert_eq!(nak.opts().msg_type(), Some(MessageType::Nak));
        let lan = lan_view(Node::Server, Node::Client, &nak, false);
        assert!(lan.is_broadcast());
        // A Request naming another server is not ours to answer.
        request
            .opts_mut()
            .insert(DhcpOption::ServerIdentifier(Ipv4Addr::new(192, 168, 1, 2)));
        assert!(pool.answer(&request).is_none());
    }

    #[test]
    fn through_a_relay_the_pool_is_the_relays_subnet() {
        let mut pool = Pool {
            first: 50,
            lease_s: 8,
            bound: Vec::new(),
        };
        let mut discover = client_msg(MessageType::Discover, true);
        discover.set_giaddr(RELAY_IP).set_hops(1);
        let offer = pool.answer(&discover).unwrap();
        assert_eq!(offer.yiaddr(), Ipv4Addr::new(192, 168, 2, 50));
        assert_eq!(offer.giaddr(), RELAY_IP);
        let lan = lan_view(Node::Server, Node::Relay, &offer, true);
        assert_eq!(lan.dst.to_string(), "192.168.2.1:67");
        assert_eq!(addrs_option(&offer, OptionCode::Router), vec![RELAY_IP]);
    }

    #[test]
    fn messages_are_padded_to_300_bytes_and_decode_again() {
        let msg = client_msg(MessageType::Discover, true);
        let bytes = encode(&msg).unwrap();
        assert_eq!(bytes.len(), MIN_MESSAGE);
        assert_eq!(&bytes[236..240], &[99, 130, 83, 99]);
        let back = decode(&bytes).unwrap();
        assert_eq!(back.opts().msg_type(), Some(MessageType::Discover));
        assert!(back.flags().broadcast());
        assert!(decode(b"not dhcp").is_none());
    }
}
