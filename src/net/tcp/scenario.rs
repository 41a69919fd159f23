//! The named scenarios: each one a short script for [`Sim`], turned into a
//! [`Timeline`] up front.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use super::sim::{ScenarioError, Sim};
use super::state::{TcpEvent, TcpState};
use super::timeline::{Fate, Side, Timeline};

/// The seed used when none is given, so exports are the same on every machine.
pub const DEFAULT_SEED: u64 = 9293;
/// Initial retransmission timeout (RFC 6298; Linux's `TCP_TIMEOUT_INIT`).
pub const INITIAL_RTO: Duration = Duration::from_secs(1);
/// How long Linux keeps a connection in TIME-WAIT (`TCP_TIMEWAIT_LEN`); RFC 9293's
/// 2 MSL would be 4 minutes.
pub const TIME_WAIT: Duration = Duration::from_secs(60);
/// The teaching-size backlog of the SYN flood scenario: `listen(fd, 2)`.
pub const FLOOD_BACKLOG: usize = 2;
/// `net.core.somaxconn`, Linux's default since 5.4.
pub const SOMAXCONN: usize = 4096;
/// Since Linux 4.4 the SYN queue counts as full at min(backlog, somaxconn) entries
/// (then SYN cookies start; this scenario has them off, so the next SYN is dropped).
pub const FLOOD_SYN_QUEUE: usize = if FLOOD_BACKLOG < SOMAXCONN {
    FLOOD_BACKLOG
} else {
    SOMAXCONN
};

/// A handshake/teardown story.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::VariantNames,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Scenario {
    Normal,
    ServerClosesFirst,
    SimultaneousClose,
    HalfClose,
    LostSyn,
    RstClosedPort,
    SynFlood,
    TimeWait,
}

impl Scenario {
    /// Every scenario, the normal one first.
    pub const ALL: &'static [Scenario] = <Scenario as strum::VariantArray>::VARIANTS;

    /// Every name, in the same order.
    pub const NAMES: &'static [&'static str] = <Scenario as strum::VariantNames>::VARIANTS;

    /// The name used on the command line and in lesson files.
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL
            .iter()
            .copied()
            .find(|s| s.name() == name.trim())
    }

    /// Key of the one-line description in `ui.toml`.
    pub fn description_key(self) -> &'static str {
        match self {
            Scenario::Normal => "hs.scn.normal",
            Scenario::ServerClosesFirst => "hs.scn.server-closes-first",
            Scenario::SimultaneousClose => "hs.scn.simultaneous-close",
            Scenario::HalfClose => "hs.scn.half-close",
            Scenario::LostSyn => "hs.scn.lost-syn",
            Scenario::RstClosedPort => "hs.scn.rst-closed-port",
            Scenario::SynFlood => "hs.scn.syn-flood",
            Scenario::TimeWait => "hs.scn.time-wait",
        }
    }

    /// The scenario's timeline with ISNs and the client port drawn from `seed`.
    pub fn timeline(self, seed: u64) -> Result<Timeline, ScenarioError> {
        self.timeline_with_isns(seed, None)
    }

    /// [`Scenario::timeline`] with the first connection's ISNs (client, server)
    /// chosen, e.g. just below 2^32 to show sequence numbers wrapping around.
    pub fn timeline_with_isns(
        self,
        seed: u64,
        isns: Option<(u32, u32)>,
    ) -> Result<Timeline, ScenarioError> {
        // Different scenarios get different numbers even with the same seed.
        let seed = seed ^ (self as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let server_start = TcpState::Closed;
        let mut sim = Sim::new(self.name(), seed, server_start);
        if let Some((client, server)) = isns {
            sim.set_isns(client, server);
        }
        match self {
            Scenario::Normal => normal(&mut sim)?,
            Scenario::ServerClosesFirst => server_closes_first(&mut sim)?,
            Scenario::SimultaneousClose => simultaneous_close(&mut sim)?,
            Scenario::HalfClose => half_close(&mut sim)?,
            Scenario::LostSyn => lost_syn(&mut sim)?,
            Scenario::RstClosedPort => rst_closed_port(&mut sim)?,
            Scenario::SynFlood => syn_flood(&mut sim)?,
            Scenario::TimeWait => time_wait(&mut sim)?,
        }
        Ok(sim.finish())
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

use Side::{Client, Server};

fn handshake(sim: &mut Sim) -> Result<(), ScenarioError> {
    sim.app(Server, TcpEvent::PassiveOpen, "hs.cap.listen")?;
    sim.app(Client, TcpEvent::ActiveOpen, "hs.cap.syn")?;
    sim.reply(Server, "hs.cap.synack")?;
    sim.reply(Client, "hs.cap.ack")
}

fn request_reply(sim: &mut Sim) -> Result<(), ScenarioError> {
    sim.send(Client, b"hello from the client\n", "hs.cap.data_client")?;
    sim.send(Server, b"hello from the server\n", "hs.cap.data_server")?;
    sim.reply(Client, "hs.cap.data_ack")
}

fn normal(sim: &mut Sim) -> Result<(), ScenarioError> {
    handshake(sim)?;
    request_reply(sim)?;
    sim.app(Client, TcpEvent::Close, "hs.cap.fin_client")?;
    sim.reply(Server, "hs.cap.ack_fin_client")?;
    sim.app(Server, TcpEvent::Close, "hs.cap.fin_server_last")?;
    sim.reply(Client, "hs.cap.last_ack_client")?;
    sim.timer(
        &[Client],
        TcpEvent::TimeWaitTimeout,
        TIME_WAIT,
        "hs.cap.time_wait_over",
    )
}

fn server_closes_first(sim: &mut Sim) -> Result<(), ScenarioError> {
    handshake(sim)?;
    request_reply(sim)?;
    server_teardown(sim)?;
    sim.timer(
        &[Server],
        TcpEvent::TimeWaitTimeout,
        TIME_WAIT,
        "hs.cap.time_wait_over",
    )
}

/// The server closes first: it becomes the active closer and ends in TIME-WAIT.
fn server_teardown(sim: &mut Sim) -> Result<(), ScenarioError> {
    sim.app(Server, TcpEvent::Close, "hs.cap.fin_server")?;
    sim.reply(Client, "hs.cap.ack_fin_server")?;
    sim.app(Client, TcpEvent::Close, "hs.cap.fin_client_last")?;
    sim.reply(Server, "hs.cap.last_ack_server")
}

fn simultaneous_close(sim: &mut Sim) -> Result<(), ScenarioError> {
    handshake(sim)?;
    request_reply(sim)?;
    sim.both(Some(TcpEvent::Close), "hs.cap.sim_fins")?;
    sim.both(None, "hs.cap.sim_acks")?;
    sim.timer(
        &[Client, Server],
        TcpEvent::TimeWaitTimeout,
        TIME_WAIT,
        "hs.cap.sim_time_wait_over",
    )
}

fn half_close(sim: &mut Sim) -> Result<(), ScenarioError> {
    handshake(sim)?;
    sim.send(Client, b"GET /report.txt\n", "hs.cap.half_request")?;
    sim.reply(Server, "hs.cap.half_request_ack")?;
    sim.app(Client, TcpEvent::ShutdownWrite, "hs.cap.half_shutdown")?;
    sim.reply(Server, "hs.cap.half_shutdown_ack")?;
    sim.send(Server, b"report part 1\n", "hs.cap.half_data")?;
    sim.reply(Client, "hs.cap.half_data_ack")?;
    sim.send(Server, b"report part 2\n", "hs.cap.half_data")?;
    sim.reply(Client, "hs.cap.half_data_ack")?;
    sim.app(Server, TcpEvent::Close, "hs.cap.fin_server_last")?;
    sim.reply(Client, "hs.cap.last_ack_client")?;
    sim.timer(
        &[Client],
        TcpEvent::TimeWaitTimeout,
        TIME_WAIT,
        "hs.cap.time_wait_over",
    )
}

fn lost_syn(sim: &mut Sim) -> Result<(), ScenarioError> {
    sim.app(Server, TcpEvent::PassiveOpen, "hs.cap.listen")?;
    sim.app_with(
        Client,
        TcpEvent::ActiveOpen,
        &[],
        Fate::Lost,
        "hs.cap.syn_lost",
    )?;
    sim.retransmit(Client, INITIAL_RTO, "hs.cap.syn_retransmit")?;
    sim.reply(Server, "hs.cap.synack")?;
    sim.reply(Client, "hs.cap.ack")
}

fn rst_closed_port(sim: &mut Sim) -> Result<(), ScenarioError> {
    sim.note("hs.cap.rst_nobody", "hs.note.no_listener");
    sim.app(Client, TcpEvent::ActiveOpen, "hs.cap.syn_closed_port")?;
    sim.reply(Server, "hs.cap.rst")
}

fn syn_flood(sim: &mut Sim) -> Result<(), ScenarioError> {
    sim.set_listener(FLOOD_BACKLOG, SOMAXCONN);
    sim.app(Server, TcpEvent::PassiveOpen, "hs.cap.flood_listen")?;
    let legit = 0;
    sim.app(Client, TcpEvent::ActiveOpen, "hs.cap.flood_a_syn")?;
    sim.reply(Server, "hs.cap.flood_a_synack")?;
    sim.reply(Client, "hs.cap.flood_a_queued")?;
    // Forged sources from TEST-NET-3 (RFC 5737), behind the LAN's router; one
    // more than the queue holds would be dropped like B's below.
    let router_mac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
    for host in [7u8, 23, 42].into_iter().take(FLOOD_SYN_QUEUE) {
        let ip = IpAddr::V4(Ipv4Addr::new(203, 0, 113, host));
        sim.new_conn(ip, router_mac, TcpState::Closed, TcpState::Listen);
        sim.forged_syn("hs.cap.flood_syn")?;
        sim.reply_with(Server, Fate::Unanswered, "hs.cap.flood_synack")?;
    }
    // Client B's genuine SYN: the simulated kernel finds the SYN queue full.
    sim.new_conn(
        IpAddr::V4(Ipv4Addr::new(192, 168, 1, 11)),
        [0x02, 0x00, 0x00, 0x00, 0x00, 0x11],
        TcpState::Closed,
        TcpState::Listen,
    );
    sim.app(Client, TcpEvent::ActiveOpen, "hs.cap.flood_dropped")?;
    sim.use_conn(legit);
    sim.accept(legit);
    sim.note("hs.cap.flood_accept", "hs.note.accept");
    sim.note("hs.cap.flood_summary", "hs.note.queues");
    Ok(())
}

fn time_wait(sim: &mut Sim) -> Result<(), ScenarioError> {
    handshake(sim)?;
    request_reply(sim)?;
    server_teardown(sim)?;
    sim.note("hs.cap.tw_restart", "hs.note.eaddrinuse");
    sim.note("hs.cap.tw_reuseaddr", "hs.note.reuseaddr");
    sim.timer(
        &[Server],
        TcpEvent::TimeWaitTimeout,
        TIME_WAIT,
        "hs.cap.tw_expired",
    )
}
