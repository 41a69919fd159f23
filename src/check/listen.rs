//! Is anything listening on a port? Read from `/proc/net/{tcp,tcp6,udp,udp6}`
//! rather than by connecting, so the check does not cost the program a client
//! (an iterative server would be busy serving our probe).

use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::exercise::Transport;

/// TCP_LISTEN in the kernel's state numbering; UDP sockets show 07 (CLOSE).
const TCP_LISTEN: &str = "0A";

/// Where a socket bound to `port` can be reached on loopback: `Ok(Some(addr))`,
/// `Ok(None)` when nothing is bound yet, `Err(addr)` when the program bound an
/// address loopback cannot reach (e.g. a LAN address).
pub fn loopback_address(transport: Transport, port: u16) -> Result<Option<SocketAddr>, IpAddr> {
    let (v4, v6) = match transport {
        Transport::Tcp => ("/proc/net/tcp", "/proc/net/tcp6"),
        Transport::Udp => ("/proc/net/udp", "/proc/net/udp6"),
    };
    let mut elsewhere = None;
    for (path, is_v6) in [(v4, false), (v6, true)] {
        let Ok(table) = fs::read_to_string(path) else {
            continue;
        };
        for ip in bound(&table, is_v6, port, transport) {
            let reach: Option<IpAddr> = match ip {
                IpAddr::V4(a) if a.is_loopback() || a.is_unspecified() => {
                    Some(Ipv4Addr::LOCALHOST.into())
                }
                IpAddr::V6(a) if a.is_loopback() || a.is_unspecified() => {
                    Some(Ipv6Addr::LOCALHOST.into())
                }
                IpAddr::V6(a) => match a.to_ipv4_mapped() {
                    Some(m) if m.is_loopback() || m.is_unspecified() => {
                        Some(Ipv4Addr::LOCALHOST.into())
                    }
                    _ => None,
                },
                IpAddr::V4(_) => None,
            };
            match reach {
                Some(addr) => return Ok(Some(SocketAddr::new(addr, port))),
                None => elsewhere = Some(ip),
            }
        }
    }
    elsewhere.map_or(Ok(None), Err)
}

/// The local addresses of the table's sockets bound to `port` (listening, for TCP).
fn bound(table: &str, is_v6: bool, port: u16, transport: Transport) -> Vec<IpAddr> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let local = fields.nth(1)?;
            let state = fields.nth(1)?;
            if transport == Transport::Tcp && state != TCP_LISTEN {
                return None;
            }
            let (addr, p) = local.split_once(':')?;
            if u16::from_str_radix(p, 16).ok()? != port {
                return None;
            }
            parse_addr(addr, is_v6)
        })
        .collect()
}

/// The kernel prints addresses as host-order 32-bit words in hex.
fn parse_addr(hex: &str, is_v6: bool) -> Option<IpAddr> {
    let word = |i: usize| -> Option<[u8; 4]> {
        let w = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
        Some(w.to_ne_bytes())
    };
    if is_v6 {
        let mut octets = [0u8; 16];
        for i in 0..4 {
            octets[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
        }
        Some(Ipv6Addr::from(octets).into())
    } else {
        Some(Ipv4Addr::from(word(0)?).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, UdpSocket};

    #[test]
    fn a_listening_socket_is_found_and_a_connected_one_is_not() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        assert_eq!(
            loopback_address(Transport::Tcp, port),
            Ok(Some(SocketAddr::from((Ipv4Addr::LOCALHOST, port))))
        );
        drop(listener);
        assert_eq!(loopback_address(Transport::Tcp, port), Ok(None));
    }

    #[test]
    fn udp_sockets_on_v6_loopback_are_reached_on_v6() {
        let Ok(socket) = UdpSocket::bind("[::1]:0") else {
            eprintln!("skipped: no IPv6 loopback on this machine");
            return;
        };
        let port = socket.local_addr().expect("addr").port();
        assert_eq!(
            loopback_address(Transport::Udp, port),
            Ok(Some(SocketAddr::from((Ipv6Addr::LOCALHOST, port))))
        );
    }
}
