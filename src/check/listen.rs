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

/// How many bytes the program has not read yet on its end of the connection
/// from `client` to `server` (`rx_queue` in `/proc/net/tcp*`); `None` when the
/// connection is not in the table (closed, or not ours).
pub fn unread_bytes(server: SocketAddr, client: SocketAddr) -> Option<u64> {
    let path = if server.is_ipv4() {
        "/proc/net/tcp"
    } else {
        "/proc/net/tcp6"
    };
    let table = fs::read_to_string(path).ok()?;
    let is_v6 = server.is_ipv6();
    let endpoint = |text: &str| -> Option<SocketAddr> {
        let (addr, port) = text.split_once(':')?;
        Some(SocketAddr::new(
            parse_addr(addr, is_v6)?,
            u16::from_str_radix(port, 16).ok()?,
        ))
    };
    table.lines().skip(1).find_map(|line| {
        let mut fields = line.split_whitespace();
        let local = endpoint(fields.nth(1)?)?;
        let remote = endpoint(fields.next()?)?;
        let queues = fields.nth(1)?;
        if local != server || remote != client {
            return None;
        }
        let (_, rx) = queues.split_once(':')?;
        u64::from_str_radix(rx, 16).ok()
    })
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
    fn unread_bytes_are_the_servers_receive_queue() {
        use std::io::{Read, Write};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let server = listener.local_addr().expect("addr");
        let mut client = std::net::TcpStream::connect(server).expect("connect");
        let (mut conn, from) = listener.accept().expect("accept");
        client.write_all(b"hello").expect("write");
        // Loopback delivers at once; the bytes wait in the server's queue.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while unread_bytes(server, from) != Some(5) && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        assert_eq!(unread_bytes(server, from), Some(5));
        let mut buf = [0u8; 5];
        conn.read_exact(&mut buf).expect("read");
        assert_eq!(unread_bytes(server, from), Some(0));
        assert_eq!(unread_bytes(server, server), None);
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
