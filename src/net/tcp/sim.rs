//! The conversation engine behind the simulated scenarios: two ends that follow
//! the state machine and do real sequence arithmetic, recording each step.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use pnet_packet::tcp::TcpFlags;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::state::{InvalidTransition, SegmentKind, TcpEvent, TcpState};
use super::timeline::{
    Endpoint, Ends, Fate, Flight, Moment, Queues, Segment, Side, Step, Taken, Timeline,
};

/// The receive window both simulated ends advertise (44 × 1460, Linux's usual
/// first window on Ethernet).
pub const WINDOW: u16 = 64_240;
/// The MSS both simulated ends announce on Ethernet (1500 − 20 − 20).
pub const MSS: u16 = 1460;
/// The listening port of the simulated server.
pub const SERVER_PORT: u16 = 8080;
/// One-way delay between the two simulated hosts.
pub const ONE_WAY: Duration = Duration::from_millis(5);

/// Why a scenario could not be computed (a defect in its script).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error(transparent)]
    Transition(#[from] InvalidTransition),
    #[error("the {0:?} end has no segment waiting to be sent")]
    NothingToSend(Side),
}

/// Which segment arrival event a segment is for a receiver in `state` whose next
/// sequence number to send is `snd_nxt`; `None` when the segment changes nothing
/// (an acknowledgment that does not cover our outstanding SYN or FIN).
pub fn classify_arrival(segment: &Segment, state: TcpState, snd_nxt: u32) -> Option<TcpEvent> {
    let acks_all_we_sent = segment.has(TcpFlags::ACK) && segment.ack == snd_nxt;
    let our_fin_outstanding = matches!(
        state,
        TcpState::FinWait1 | TcpState::Closing | TcpState::LastAck
    );
    if segment.has(TcpFlags::RST) {
        Some(TcpEvent::RcvRst)
    } else if segment.has(TcpFlags::SYN) {
        Some(if segment.has(TcpFlags::ACK) {
            TcpEvent::RcvSynAck
        } else {
            TcpEvent::RcvSyn
        })
    } else if segment.has(TcpFlags::FIN) {
        Some(if our_fin_outstanding && acks_all_we_sent {
            TcpEvent::RcvFinAck
        } else {
            TcpEvent::RcvFin
        })
    } else if !segment.is_empty() {
        Some(TcpEvent::RcvData)
    } else if (our_fin_outstanding || state == TcpState::SynReceived) && !acks_all_we_sent {
        None
    } else {
        Some(TcpEvent::RcvAck)
    }
}

#[derive(Debug, Clone)]
struct EndState {
    state: TcpState,
    snd_nxt: u32,
    rcv_nxt: u32,
    /// The reply the last transition asked for, not sent yet.
    pending: Option<SegmentKind>,
    last_sent: Option<Segment>,
    last_received: Option<Segment>,
}

impl EndState {
    fn new(state: TcpState, iss: u32) -> EndState {
        EndState {
            state,
            snd_nxt: iss,
            rcv_nxt: 0,
            pending: None,
            last_sent: None,
            last_received: None,
        }
    }
}

#[derive(Debug, Clone)]
struct Conn {
    client: Endpoint,
    ends: Ends<EndState>,
    /// The server's application has taken it with `accept()`.
    accepted: bool,
}

/// Builds a [`Timeline`] step by step.
#[derive(Debug)]
pub struct Sim {
    name: String,
    rng: ChaCha8Rng,
    now: Duration,
    server: Endpoint,
    conns: Vec<Conn>,
    current: usize,
    steps: Vec<Step>,
    /// The listening socket's (backlog, somaxconn), when its queues are shown.
    listener: Option<(usize, usize)>,
    // The transitions of the step being assembled.
    taken: Vec<Taken>,
    initial: Ends<TcpState>,
}

const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 10);
const SERVER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 20);
const CLIENT_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x10];
const SERVER_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x20];

impl Sim {
    /// A client and a server, both CLOSED, with ISNs and the client's ephemeral
    /// port drawn from `seed`.
    pub fn new(name: &str, seed: u64, server_state: TcpState) -> Sim {
        let mut sim = Sim {
            name: name.to_string(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            now: Duration::ZERO,
            server: Endpoint {
                addr: SocketAddr::new(IpAddr::V4(SERVER_IP), SERVER_PORT),
                mac: SERVER_MAC,
            },
            conns: Vec::new(),
            current: 0,
            steps: Vec::new(),
            listener: None,
            taken: Vec::new(),
            initial: Ends {
                client: TcpState::Closed,
                server: server_state,
            },
        };
        sim.new_conn(
            IpAddr::V4(CLIENT_IP),
            CLIENT_MAC,
            TcpState::Closed,
            server_state,
        );
        sim
    }

    /// Start another connection to the same server and make it current; returns
    /// its index for [`Sim::use_conn`].
    pub fn new_conn(
        &mut self,
        ip: IpAddr,
        mac: [u8; 6],
        client_state: TcpState,
        server_state: TcpState,
    ) -> usize {
        // Linux picks ephemeral ports from 32768–60999 (ip_local_port_range).
        let port: u16 = self.rng.random_range(32_768..=60_999);
        let client_iss: u32 = self.rng.random();
        let server_iss: u32 = self.rng.random();
        self.conns.push(Conn {
            client: Endpoint {
                addr: SocketAddr::new(ip, port),
                mac,
            },
            ends: Ends {
                client: EndState::new(client_state, client_iss),
                server: EndState::new(server_state, server_iss),
            },
            accepted: false,
        });
        self.current = self.conns.len().saturating_sub(1);
        self.current
    }

    /// Choose the current connection's initial sequence numbers (before any
    /// segment is sent).
    pub fn set_isns(&mut self, client: u32, server: u32) {
        let conn = self.conn();
        conn.ends.client.snd_nxt = client;
        conn.ends.server.snd_nxt = server;
    }

    pub fn use_conn(&mut self, index: usize) {
        if index < self.conns.len() {
            self.current = index;
        }
    }

    /// Show the listening socket's queues from the next recorded step on: the
    /// server called `listen(fd, backlog)` under `net.core.somaxconn`. From then
    /// on a SYN that finds the SYN queue full is dropped (SYN cookies off).
    pub fn set_listener(&mut self, backlog: usize, somaxconn: usize) {
        self.listener = Some((backlog, somaxconn));
    }

    /// The server's application takes connection `index` with `accept()`.
    pub fn accept(&mut self, index: usize) {
        if let Some(conn) = self.conns.get_mut(index) {
            conn.accepted = true;
        }
    }

    /// The listener's queues as the kernel holds them now: every connection
    /// whose server end is half-open, and every finished one not yet accepted.
    fn queues(&self) -> Option<Queues> {
        let (backlog, somaxconn) = self.listener?;
        let with = |f: &dyn Fn(&Conn) -> bool| {
            self.conns
                .iter()
                .filter(|c| f(c))
                .map(|c| c.client.addr)
                .collect::<Vec<_>>()
        };
        Some(Queues {
            backlog,
            somaxconn,
            syn_queue: with(&|c| c.ends.server.state == TcpState::SynReceived),
            accept_queue: with(&|c| c.ends.server.state == TcpState::Established && !c.accepted),
        })
    }

    fn syn_queue_full(&self) -> bool {
        self.queues()
            .is_some_and(|q| q.syn_queue.len() >= q.limit())
    }

    /// Let time pass before the next step.
    pub fn wait(&mut self, duration: Duration) {
        self.now = self.now.saturating_add(duration);
    }

    fn conn(&mut self) -> &mut Conn {
        // `current` always indexes an existing connection (set by new_conn).
        let last = self.conns.len().saturating_sub(1);
        let index = self.current.min(last);
        &mut self.conns[index]
    }

    fn states(&self) -> Ends<TcpState> {
        let conn = &self.conns[self.current.min(self.conns.len().saturating_sub(1))];
        Ends {
            client: conn.ends.client.state,
            server: conn.ends.server.state,
        }
    }

    fn take(&mut self, side: Side, moment: Moment, event: TcpEvent) -> Result<(), ScenarioError> {
        let end = self.conn().ends.get_mut(side);
        let transition = end.state.next(event)?;
        end.state = transition.to;
        end.pending = transition.send;
        self.taken.push(Taken {
            side,
            moment,
            transition,
        });
        Ok(())
    }

    /// Build the segment `side` sends now, advancing its sequence number.
    fn make(&mut self, side: Side, kind: SegmentKind, payload: &[u8]) -> Segment {
        let server = self.server;
        let conn = self.conn();
        let client = conn.client;
        let (src, dst) = match side {
            Side::Client => (client, server),
            Side::Server => (server, client),
        };
        let end = conn.ends.get_mut(side);
        let flags = kind.flags();
        let (seq, ack) = match (kind, &end.last_received) {
            // RFC 9293 3.10.7.1: a RST answering a SYN has SEQ=0, ACK=SEG.SEQ+SEG.LEN.
            (SegmentKind::RstAck, Some(got)) => (0, got.next_seq()),
            // … and one answering an ACK takes its sequence number from SEG.ACK.
            (SegmentKind::Rst, Some(got)) => (got.ack, 0),
            _ => (
                end.snd_nxt,
                if flags & TcpFlags::ACK != 0 {
                    end.rcv_nxt
                } else {
                    0
                },
            ),
        };
        let segment = Segment {
            from: side,
            src: src.addr,
            dst: dst.addr,
            src_mac: src.mac,
            dst_mac: dst.mac,
            flags,
            seq,
            ack,
            window: if flags & TcpFlags::RST != 0 {
                0
            } else {
                WINDOW
            },
            mss: (flags & TcpFlags::SYN != 0).then_some(MSS),
            payload: if kind == SegmentKind::Data {
                payload.to_vec()
            } else {
                Vec::new()
            },
        };
        if flags & TcpFlags::RST == 0 {
            end.snd_nxt = segment.next_seq();
        }
        // Any segment with ACK carries the acknowledgment a pending reply owed.
        if end.pending == Some(kind)
            || (end.pending == Some(SegmentKind::Ack) && flags & TcpFlags::ACK != 0)
        {
            end.pending = None;
        }
        end.last_sent = Some(segment.clone());
        segment
    }

    /// Put a segment on the wire and, when delivered, let the receiver react.
    fn fly(&mut self, segment: Segment, fate: Fate) -> Result<Flight, ScenarioError> {
        // A new connection's SYN that finds the listener's SYN queue full is
        // discarded by the kernel (with SYN cookies off).
        let opening = segment.from == Side::Client
            && segment.has(TcpFlags::SYN)
            && !segment.has(TcpFlags::ACK);
        let fate = if fate == Fate::Delivered && opening && self.syn_queue_full() {
            Fate::Dropped
        } else {
            fate
        };
        let flight = Flight {
            segment: segment.clone(),
            fate,
            at: self.now,
            captured: None,
        };
        if fate != Fate::Delivered {
            return Ok(flight);
        }
        let receiver = segment.from.peer();
        let end = self.conn().ends.get_mut(receiver);
        let event = classify_arrival(&segment, end.state, end.snd_nxt);
        if segment.has(TcpFlags::SYN) || segment.seq == end.rcv_nxt {
            end.rcv_nxt = segment.next_seq();
        }
        end.last_received = Some(segment);
        if let Some(event) = event {
            self.take(receiver, Moment::Arrive, event)?;
        }
        Ok(flight)
    }

    fn record(&mut self, caption: &'static str, on_send: Ends<TcpState>, flights: Vec<Flight>) {
        let step = Step {
            at: self.now,
            caption,
            on_send,
            after: self.states(),
            flights,
            transitions: std::mem::take(&mut self.taken),
            queues: self.queues(),
            note: None,
        };
        self.steps.push(step);
        self.now = self.now.saturating_add(ONE_WAY);
    }

    /// An application call (or other event) at `side`; the segment it sends, if
    /// any, meets `fate`.
    pub fn app_with(
        &mut self,
        side: Side,
        event: TcpEvent,
        payload: &[u8],
        fate: Fate,
        caption: &'static str,
    ) -> Result<(), ScenarioError> {
        self.take(side, Moment::Send, event)?;
        let on_send = self.states();
        let mut flights = Vec::new();
        if let Some(kind) = self.conn().ends.get(side).pending {
            let segment = self.make(side, kind, payload);
            flights.push(self.fly(segment, fate)?);
        }
        self.record(caption, on_send, flights);
        Ok(())
    }

    /// An application call whose segment (if any) is delivered.
    pub fn app(
        &mut self,
        side: Side,
        event: TcpEvent,
        caption: &'static str,
    ) -> Result<(), ScenarioError> {
        self.app_with(side, event, &[], Fate::Delivered, caption)
    }

    /// `send()` of `payload` (an ACK the end owed rides along).
    pub fn send(
        &mut self,
        side: Side,
        payload: &[u8],
        caption: &'static str,
    ) -> Result<(), ScenarioError> {
        self.app_with(side, TcpEvent::Send, payload, Fate::Delivered, caption)
    }

    /// Send the reply the last arrival asked of `side` (SYN+ACK, ACK, RST).
    pub fn reply_with(
        &mut self,
        side: Side,
        fate: Fate,
        caption: &'static str,
    ) -> Result<(), ScenarioError> {
        let kind = self
            .conn()
            .ends
            .get(side)
            .pending
            .ok_or(ScenarioError::NothingToSend(side))?;
        let on_send = self.states();
        let segment = self.make(side, kind, &[]);
        let flight = self.fly(segment, fate)?;
        self.record(caption, on_send, vec![flight]);
        Ok(())
    }

    pub fn reply(&mut self, side: Side, caption: &'static str) -> Result<(), ScenarioError> {
        self.reply_with(side, Fate::Delivered, caption)
    }

    /// The retransmission timer of `side` fires after `rto`: the last segment goes
    /// again with the same sequence number.
    pub fn retransmit(
        &mut self,
        side: Side,
        rto: Duration,
        caption: &'static str,
    ) -> Result<(), ScenarioError> {
        self.wait(rto.saturating_sub(ONE_WAY));
        self.take(side, Moment::Send, TcpEvent::RetransmissionTimeout)?;
        let on_send = self.states();
        let end = self.conn().ends.get_mut(side);
        end.pending = None;
        let segment = end
            .last_sent
            .clone()
            .ok_or(ScenarioError::NothingToSend(side))?;
        let flight = self.fly(segment, Fate::Delivered)?;
        self.record(caption, on_send, vec![flight]);
        Ok(())
    }

    /// A timer without a segment (2 MSL) at the given sides, after `after`.
    pub fn timer(
        &mut self,
        sides: &[Side],
        event: TcpEvent,
        after: Duration,
        caption: &'static str,
    ) -> Result<(), ScenarioError> {
        self.wait(after.saturating_sub(ONE_WAY));
        for &side in sides {
            self.take(side, Moment::Send, event)?;
        }
        let on_send = self.states();
        self.record(caption, on_send, Vec::new());
        Ok(())
    }

    /// Both ends act at the same moment (e.g. both call `close()`), or both send
    /// their pending replies (`event = None`): the segments cross on the wire.
    pub fn both(
        &mut self,
        event: Option<TcpEvent>,
        caption: &'static str,
    ) -> Result<(), ScenarioError> {
        let mut segments = Vec::new();
        for side in [Side::Client, Side::Server] {
            if let Some(event) = event {
                self.take(side, Moment::Send, event)?;
            }
            let kind = self
                .conn()
                .ends
                .get(side)
                .pending
                .ok_or(ScenarioError::NothingToSend(side))?;
            segments.push(self.make(side, kind, &[]));
        }
        let on_send = self.states();
        let mut flights = Vec::new();
        for segment in segments {
            flights.push(self.fly(segment, Fate::Delivered)?);
        }
        self.record(caption, on_send, flights);
        Ok(())
    }

    /// A SYN from a forged source address the attacker keeps no state for.
    pub fn forged_syn(&mut self, caption: &'static str) -> Result<(), ScenarioError> {
        let on_send = self.states();
        let segment = self.make(Side::Client, SegmentKind::Syn, &[]);
        let flight = self.fly(segment, Fate::Delivered)?;
        self.record(caption, on_send, vec![flight]);
        Ok(())
    }

    /// A step that only explains (no segment, no transition); `label` is the
    /// key of its short text on the diagram.
    pub fn note(&mut self, caption: &'static str, label: &'static str) {
        let states = self.states();
        self.record(caption, states, Vec::new());
        if let Some(step) = self.steps.last_mut() {
            step.note = Some(label);
        }
    }

    pub fn finish(self) -> Timeline {
        Timeline {
            name: self.name,
            client: self.conns.first().map_or(self.server, |c| c.client),
            server: self.server,
            initial: self.initial,
            steps: self.steps,
        }
    }
}
