//! `dhcp`: a host with no IPv4 address gets one, for real. A's eth0 starts
//! with no IPv4 address and no IPv4 route; a DHCP server runs in R (a UDP
//! socket on port 67, bound to R's eth0, answering with the dhcp lab's own
//! pool, [`crate::lab::dhcp::Pool`]); A's client (a UDP socket on port 68
//! bound to its eth0 with `SO_BINDTODEVICE`) broadcasts DHCPDISCOVER from
//! 0.0.0.0:68 to 255.255.255.255:67, takes the Offer, requests it, and on
//! the Ack applies the lease to eth0 through rtnetlink (the address with its
//! prefix, the default route through the router it was given). Then the
//! address is read back from the kernel and used: A pings the router from it.
//!
//! Facts from the frames captured at A, B and R (the message types as
//! option 53 says, their addresses and ports, who else got the broadcasts,
//! that none crossed R to LAN 2) and from the kernel's own tables — never
//! from what the client meant to send.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use dhcproto::v4::{DhcpOption, Message, MessageType, OptionCode};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use serde_json::{Value, json};

use super::probe::Pinger;
use super::{Experiment, Observed, Params, kernel, mac};
use crate::lab::dhcp::{self as lab, Pool};
use crate::vnet::VnetError;
use crate::vnet::capture::{Frame, Taps};
use crate::vnet::frames::{Upper, dissect};
use crate::vnet::network::{Network, route_message};
use crate::vnet::state;
use crate::vnet::topology::{R_LAN1_IP, Spec, end};

pub const DHCP: Experiment = Experiment {
    name: "dhcp",
    spec,
    run,
    takes_loss: false,
};

/// The lease the server grants, in seconds.
pub const LEASE_S: u32 = 600;
/// The last byte of the first address of the server's pool (192.168.1.100).
pub const POOL_FIRST: u8 = 100;
/// How long the client waits for an Ack.
const ANSWER_WAIT: Duration = Duration::from_secs(3);
/// How long it waits for an Offer before it sends its Discover again.
const OFFER_WAIT: Duration = Duration::from_secs(1);
/// How many Discovers it sends at most.
const DISCOVERS: u32 = 3;
/// The server stops after this, whatever happens.
const SERVER_LIFETIME: Duration = Duration::from_secs(15);

/// The standard lab, but A's eth0 has no IPv4 address and A no IPv4 route:
/// DHCP is how it gets them. (IPv6 stays as it is.)
pub fn spec() -> Spec {
    let mut s = Spec::standard();
    s.addresses
        .retain(|a| !(a.at.host == "A" && a.addr.addr().is_ipv4()));
    s.routes.retain(|r| !(r.host == "A" && r.via.is_ipv4()));
    s
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

/// A UDP socket on `port` of every address, bound to the interface `dev` of
/// the namespace the thread is in, allowed to send broadcasts.
fn dhcp_socket(port: u16, dev: &str) -> Result<UdpSocket, VnetError> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket =
        Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).map_err(io("UDP socket"))?;
    socket.set_reuse_address(true).map_err(io("SO_REUSEADDR"))?;
    socket.set_broadcast(true).map_err(io("SO_BROADCAST"))?;
    socket
        .bind_device(Some(dev.as_bytes()))
        .map_err(io("SO_BINDTODEVICE"))?;
    socket
        .bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port)).into())
        .map_err(io("bind DHCP port"))?;
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .map_err(io("SO_RCVTIMEO"))?;
    Ok(socket.into())
}

fn lab_err(e: crate::lab::LabError) -> VnetError {
    VnetError::Experiment(e.to_string())
}

/// The server in R: answers every client message the pool answers, by
/// broadcast to 255.255.255.255:68 when the client asked for broadcasts (it
/// has no address to receive a unicast on), else to the address offered.
fn serve(sock: &UdpSocket, stop: &AtomicBool) -> Result<u32, VnetError> {
    let mut pool = Pool::new(POOL_FIRST, LEASE_S);
    let started = Instant::now();
    let mut buf = vec![0u8; 1500];
    let mut answered = 0;
    while !stop.load(Ordering::SeqCst) && started.elapsed() < SERVER_LIFETIME {
        let n = match sock.recv_from(&mut buf) {
            Ok((n, _)) => n,
            Err(e) if crate::lab::io::is_timeout(&e) => {
                continue;
            }
            Err(e) => return Err(io("server recvfrom")(e)),
        };
        let Some(req) = lab::decode(&buf[..n]) else {
            continue;
        };
        let Some(reply) = pool.answer(&req) else {
            continue;
        };
        let to = if req.flags().broadcast() || reply.yiaddr().is_unspecified() {
            Ipv4Addr::BROADCAST
        } else {
            reply.yiaddr()
        };
        let bytes = lab::encode(&reply).map_err(lab_err)?;
        sock.send_to(&bytes, SocketAddrV4::new(to, lab::CLIENT_PORT))
            .map_err(io("server sendto"))?;
        answered += 1;
    }
    Ok(answered)
}

/// Waits (at most `wait`) for the server's answer to `xid` of one of `kinds`.
fn wait_reply(
    sock: &UdpSocket,
    xid: u32,
    kinds: &[MessageType],
    wait: Duration,
) -> Result<Option<Message>, VnetError> {
    let deadline = Instant::now() + wait;
    let mut buf = vec![0u8; 1500];
    while Instant::now() < deadline {
        match sock.recv(&mut buf) {
            Ok(n) => {
                if let Some(msg) = lab::decode(&buf[..n])
                    && lab::answers(&msg, xid, kinds)
                {
                    return Ok(Some(msg));
                }
            }
            Err(e) if crate::lab::io::is_timeout(&e) => {}
            Err(e) => return Err(io("client recv")(e)),
        }
    }
    Ok(None)
}

/// The client in A: Discover, Offer, Request, Ack.
fn dora(sock: &UdpSocket, chaddr: &[u8; 6]) -> Result<Dora, VnetError> {
    let xid: u32 = rand::random();
    let server = SocketAddrV4::new(Ipv4Addr::BROADCAST, lab::SERVER_PORT);
    let send = |msg: &Message| -> Result<(), VnetError> {
        let bytes = lab::encode(msg).map_err(lab_err)?;
        sock.send_to(&bytes, server)
            .map_err(io("client sendto"))
            .map(|_| ())
    };
    // A real client retransmits its Discover when no Offer comes (RFC 2131
    // §4.1: after about 4 s, doubling); here after 1 s, at most DISCOVERS
    // times. The kernel may drop the very first frame of a link that has just
    // come up before it reaches the wire: the capture shows what left.
    let mut offer = None;
    let mut sent = 0;
    while offer.is_none() && sent < DISCOVERS {
        send(&lab::client_message(
            xid,
            chaddr,
            MessageType::Discover,
            true,
        ))?;
        sent += 1;
        offer = wait_reply(sock, xid, &[MessageType::Offer], OFFER_WAIT)?;
    }
    let Some(offer) = offer else {
        return Err(no_answer("DHCPOFFER", OFFER_WAIT * DISCOVERS));
    };
    let mut request = lab::client_message(xid, chaddr, MessageType::Request, true);
    let opts = request.opts_mut();
    opts.insert(DhcpOption::RequestedIpAddress(offer.yiaddr()));
    if let Some(DhcpOption::ServerIdentifier(id)) = offer.opts().get(OptionCode::ServerIdentifier) {
        opts.insert(DhcpOption::ServerIdentifier(*id));
    }
    send(&request)?;
    let ack = wait_reply(
        sock,
        xid,
        &[MessageType::Ack, MessageType::Nak],
        ANSWER_WAIT,
    )?
    .ok_or_else(|| no_answer("DHCPACK", ANSWER_WAIT))?;
    if ack.opts().msg_type() == Some(MessageType::Nak) {
        return Err(VnetError::Experiment("the server answered DHCPNAK".into()));
    }
    Ok(Dora {
        ack,
        discovers: sent,
    })
}

/// What the client got: the Ack, after this many Discovers.
struct Dora {
    ack: Message,
    discovers: u32,
}

fn no_answer(what: &str, waited: Duration) -> VnetError {
    VnetError::Experiment(format!(
        "no {what} from the DHCP server within {:.0} s",
        waited.as_secs_f64()
    ))
}

/// The prefix length of a subnet mask.
fn prefix_of(mask: Ipv4Addr) -> u8 {
    u8::try_from(u32::from(mask).count_ones()).unwrap_or(32)
}

/// Puts the lease on A's eth0: the address with its prefix and broadcast
/// address, then the default route through the router.
fn apply(net: &mut Network, lease: &lab::Lease) -> Result<(), VnetError> {
    let index = net.index(end("A", "eth0"))?;
    let prefix = prefix_of(lease.mask);
    let subnet = ipnet::Ipv4Net::new(lease.address, prefix)
        .map_err(|e| VnetError::Experiment(format!("the lease's mask: {e}")))?;
    let mut msg = AddressMessage::default();
    msg.header.family = netlink_packet_route::AddressFamily::Inet;
    msg.header.index = index;
    msg.header.prefix_len = prefix;
    msg.attributes
        .push(AddressAttribute::Local(IpAddr::V4(lease.address)));
    msg.attributes
        .push(AddressAttribute::Address(IpAddr::V4(lease.address)));
    msg.attributes
        .push(AddressAttribute::Broadcast(subnet.broadcast()));
    let a = net.host_mut("A")?;
    a.rtnl
        .create(RouteNetlinkMessage::NewAddress(msg))
        .map_err(io("add the leased address"))?;
    if let Some(router) = lease.router.first() {
        let any = ipnet::IpNet::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0).unwrap_or_default();
        a.rtnl
            .create(RouteNetlinkMessage::NewRoute(route_message(
                any,
                IpAddr::V4(*router),
            )))
            .map_err(io("add the default route"))?;
    }
    Ok(())
}

/// The IPv4 addresses of interface `index`, as the kernel holds them (`RTM_GETADDR`).
fn ipv4_addresses(net: &mut Network, host: &str, index: u32) -> Result<Vec<Value>, VnetError> {
    let mut ask = AddressMessage::default();
    ask.header.family = netlink_packet_route::AddressFamily::Inet;
    let rows = net
        .host_mut(host)?
        .rtnl
        .dump(RouteNetlinkMessage::GetAddress(ask))
        .map_err(io("address dump"))?;
    let mut out = Vec::new();
    for row in rows {
        let RouteNetlinkMessage::NewAddress(a) = row else {
            continue;
        };
        if a.header.index != index {
            continue;
        }
        let local = a.attributes.iter().find_map(|x| match x {
            AddressAttribute::Local(ip) => Some(*ip),
            _ => None,
        });
        let broadcast = a.attributes.iter().find_map(|x| match x {
            AddressAttribute::Broadcast(ip) => Some(ip.to_string()),
            _ => None,
        });
        if let Some(ip) = local {
            out.push(json!({
                "ip": ip.to_string(),
                "prefix_len": a.header.prefix_len,
                "broadcast": broadcast,
            }));
        }
    }
    Ok(out)
}

/// A captured DHCP message: where it was seen and what it was.
fn dhcp_of(f: &Frame) -> Option<Value> {
    let s = dissect(f)?;
    let ip = s.ip.as_ref()?;
    let Some(Upper::Udp { src, dst }) = s.upper else {
        return None;
    };
    if ![67, 68].contains(&src) || ![67, 68].contains(&dst) {
        return None;
    }
    let ihl = usize::from(f.data.get(14)? & 0x0f) * 4;
    let payload = f.data.get(14 + ihl + 8..)?;
    let msg = lab::decode(payload)?;
    let kind = msg.opts().msg_type()?;
    Some(json!({
        "point": s.point,
        "outgoing": f.outgoing,
        "ts_ns": f.ts_ns,
        "type": lab::type_name(kind),
        "code": u8::from(kind),
        "src": format!("{}:{src}", ip.src),
        "dst": format!("{}:{dst}", ip.dst),
        "src_mac": s.src_mac,
        "dst_mac": s.dst_mac,
        "broadcast": s.is_broadcast(),
        "xid": format!("0x{:08x}", msg.xid()),
        "yiaddr": msg.yiaddr().to_string(),
        "chaddr": state::mac_text(msg.chaddr().get(..6).unwrap_or_default()),
        "bytes": payload.len(),
    }))
}

/// Discover to Ack as A's capture timed them (kernel timestamps), in ms.
fn dora_ms(at_a: &[Value]) -> Option<f64> {
    let ts = |code: u64| {
        at_a.iter()
            .find(|m| m["code"].as_u64() == Some(code))
            .and_then(|m| m["ts_ns"].as_u64())
    };
    let (discover, ack) = (ts(1)?, ts(5)?);
    let us = ack.checked_sub(discover)? / 1000;
    Some(us as f64 / 1000.0)
}

fn run(net: &mut Network, _: &Params) -> Result<Observed, VnetError> {
    let a_eth0 = net.index(end("A", "eth0"))?;
    let before = ipv4_addresses(net, "A", a_eth0)?;
    // R's eth1 (LAN 2): a router does not forward broadcasts.
    let mut taps = Taps::open(
        net,
        &[
            end("A", "eth0"),
            end("B", "eth0"),
            end("R", "eth0"),
            end("R", "eth1"),
        ],
    )?;
    net.enter("R")?;
    let server_sock = dhcp_socket(lab::SERVER_PORT, "eth0")?;
    net.enter("A")?;
    let client_sock = dhcp_socket(lab::CLIENT_PORT, "eth0")?;
    let chaddr = net.mac(end("A", "eth0"))?;
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let (served, ack) = std::thread::scope(|scope| {
        let server = scope.spawn(|| serve(&server_sock, &stop));
        let ack = dora(&client_sock, &chaddr).map(|d| (d, started.elapsed()));
        stop.store(true, Ordering::SeqCst);
        let served = server
            .join()
            .unwrap_or_else(|_| Err(VnetError::Experiment("the DHCP server panicked".into())));
        (served, ack)
    });
    let (Dora { ack, discovers }, bound_after) = ack?;
    let served = served?;
    drop(client_sock);
    drop(server_sock);
    let lease = lab::lease_of(&ack, bound_after.as_secs_f64() * 1000.0);
    apply(net, &lease)?;
    let after = ipv4_addresses(net, "A", a_eth0)?;
    let prefix = prefix_of(lease.mask);
    let applied = after.iter().any(|a| {
        a["ip"] == lease.address.to_string() && a["prefix_len"].as_u64() == Some(u64::from(prefix))
    });
    let route = {
        let h = net.host_mut("A")?;
        let names = h.names();
        state::route_to(
            &mut h.rtnl,
            &names,
            IpAddr::V4(Ipv4Addr::new(192, 168, 2, 30)),
        )
        .map_err(kernel("route lookup"))?
    };
    // The address works: A pings the router from it.
    let router = lease.router.first().copied().unwrap_or(R_LAN1_IP);
    let pinger = Pinger::open(net, "A")?;
    let answer = pinger.echo(router, 64, 1)?;
    drop(pinger);
    // The echo request as captured: its source is the leased address.
    taps.wait_for(
        |f| {
            f.point == "A:eth0"
                && f.outgoing
                && dissect(f).is_some_and(|s| s.icmp(8) && s.ip.is_some_and(|ip| ip.dst == router))
        },
        Duration::from_secs(1),
    );
    let frames = taps.finish();
    let at = |point: &str| -> Vec<Value> {
        frames
            .iter()
            .filter(|f| f.point == point)
            .filter_map(dhcp_of)
            .collect()
    };
    let at_a = at("A:eth0");
    let at_b = at("B:eth0");
    let at_r = at("R:eth0");
    let on_lan2 = at("R:eth1");
    let codes =
        |list: &[Value]| -> Vec<u64> { list.iter().filter_map(|m| m["code"].as_u64()).collect() };
    let echo_src = frames
        .iter()
        .filter(|f| f.point == "A:eth0" && f.outgoing)
        .filter_map(dissect)
        .find(|s| s.icmp(8) && s.ip.as_ref().is_some_and(|ip| ip.dst == router))
        .and_then(|s| s.ip.map(|ip| ip.src.to_string()));
    let join = |list: &[Ipv4Addr]| list.iter().map(Ipv4Addr::to_string).collect::<Vec<_>>();
    let report = json!({
        "client": { "host": "A", "dev": "eth0", "mac": mac(net, end("A", "eth0"))?, "port": lab::CLIENT_PORT },
        "server": { "host": "R", "dev": "eth0", "ip": R_LAN1_IP.to_string(), "port": lab::SERVER_PORT, "answered": served },
        "lease": {
            "ip": lease.address.to_string(),
            "mask": lease.mask.to_string(),
            "prefix_len": prefix,
            "router": join(&lease.router),
            "dns": join(&lease.dns),
            "lease_s": lease.lease_s,
            "t1_s": lease.t1_s,
            "t2_s": lease.t2_s,
            "server_id": lease.server_id.to_string(),
        },
        "dora_ms": dora_ms(&at_a),
        "discovers_sent": discovers,
        "messages": at_a,
        "dora": codes(&at_a),
        "seen_at_b": codes(&at_b),
        "seen_at_r": codes(&at_r),
        "seen_on_lan2": codes(&on_lan2),
        "a_ipv4_before": before,
        "a_ipv4_after": after,
        "applied": applied,
        "route_to_lan2": route,
        "ping_router": {
            "to": router.to_string(),
            "from": answer.from.to_string(),
            "icmp_type": answer.kind,
            "echo_src": echo_src,
        },
    });
    Ok((report, frames))
}
