//! A blocking rtnetlink client: one `NETLINK_ROUTE` socket per network
//! namespace (a netlink socket talks to the namespace it was opened in), the
//! messages typed by `netlink-packet-route`. Requests wait for the kernel's
//! acknowledgement; dumps collect every part until `NLMSG_DONE`. Every receive
//! is time-bound (`SO_RCVTIMEO`).

use std::io;
use std::time::Duration;

use netlink_packet_core::{
    NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, NetlinkMessage, NetlinkPayload,
};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_ROUTE};

/// How long one answer from the kernel may take (it is microseconds in practice).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

/// A route netlink socket in one namespace.
pub struct Rtnl {
    socket: Socket,
    sequence: u32,
}

impl Rtnl {
    /// Opens a socket in the calling thread's network namespace.
    pub fn open() -> io::Result<Rtnl> {
        let mut socket = Socket::new(NETLINK_ROUTE)?;
        socket.bind_auto()?;
        socket.connect(&SocketAddr::new(0, 0))?;
        socket2::SockRef::from(&socket).set_read_timeout(Some(ANSWER_TIMEOUT))?;
        Ok(Rtnl {
            socket,
            sequence: 0,
        })
    }

    fn send(&mut self, message: RouteNetlinkMessage, flags: u16) -> io::Result<u32> {
        let mut request = NetlinkMessage::from(message);
        self.sequence = self.sequence.wrapping_add(1);
        request.header.flags = flags;
        request.header.sequence_number = self.sequence;
        request.finalize();
        let mut buf = vec![0; request.buffer_len()];
        request.serialize(&mut buf);
        self.socket.send(&buf, 0)?;
        Ok(self.sequence)
    }

    /// Sends a change (a new link, address, route…) and waits for the kernel's
    /// answer: `Ok` on its acknowledgement, the kernel's errno otherwise.
    pub fn change(&mut self, message: RouteNetlinkMessage) -> io::Result<()> {
        self.request(message, NLM_F_REQUEST | NLM_F_ACK)
    }

    /// Like [`Rtnl::change`] for something new: `NLM_F_CREATE | NLM_F_EXCL`.
    pub fn create(&mut self, message: RouteNetlinkMessage) -> io::Result<()> {
        self.request(
            message,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        )
    }

    fn request(&mut self, message: RouteNetlinkMessage, flags: u16) -> io::Result<()> {
        let sequence = self.send(message, flags)?;
        loop {
            for answer in self.receive()? {
                if answer.header.sequence_number != sequence {
                    continue;
                }
                match answer.payload {
                    NetlinkPayload::Error(e) => {
                        return match e.code {
                            None => Ok(()),
                            Some(_) => Err(e.to_io()),
                        };
                    }
                    NetlinkPayload::Done(_) => return Ok(()),
                    _ => {}
                }
            }
        }
    }

    /// Asks for one object (`RTM_GETROUTE` for a destination, say) and returns
    /// the kernel's answer.
    pub fn get(&mut self, message: RouteNetlinkMessage) -> io::Result<RouteNetlinkMessage> {
        let sequence = self.send(message, NLM_F_REQUEST)?;
        loop {
            for answer in self.receive()? {
                if answer.header.sequence_number != sequence {
                    continue;
                }
                match answer.payload {
                    NetlinkPayload::InnerMessage(inner) => return Ok(inner),
                    NetlinkPayload::Error(e) => return Err(e.to_io()),
                    _ => {}
                }
            }
        }
    }

    /// A dump (`NLM_F_DUMP`): every object of the kind asked for.
    pub fn dump(&mut self, message: RouteNetlinkMessage) -> io::Result<Vec<RouteNetlinkMessage>> {
        let sequence = self.send(message, NLM_F_REQUEST | NLM_F_DUMP)?;
        let mut objects = Vec::new();
        loop {
            for answer in self.receive()? {
                if answer.header.sequence_number != sequence {
                    continue;
                }
                match answer.payload {
                    NetlinkPayload::InnerMessage(inner) => objects.push(inner),
                    NetlinkPayload::Done(_) => return Ok(objects),
                    NetlinkPayload::Error(e) if e.code.is_some() => return Err(e.to_io()),
                    _ => {}
                }
            }
        }
    }

    /// One datagram from the kernel: one or more netlink messages.
    fn receive(&mut self) -> io::Result<Vec<NetlinkMessage<RouteNetlinkMessage>>> {
        let (bytes, _) = self.socket.recv_from_full()?;
        let mut messages = Vec::new();
        let mut offset = 0;
        while offset < bytes.len() {
            let rest = bytes.get(offset..).unwrap_or_default();
            let message = NetlinkMessage::<RouteNetlinkMessage>::deserialize(rest)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            let length = message.header.length as usize;
            if length == 0 {
                break;
            }
            // Messages are aligned to 4 bytes.
            offset += (length + 3) & !3;
            messages.push(message);
        }
        Ok(messages)
    }
}
