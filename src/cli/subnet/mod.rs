//! `nettutor subnet …`: the subnet calculator on the command line.
//!
//! Everything the student asks for is parsed and checked before anything is printed,
//! so a bad input gives exactly one line on stderr and exit status 2, and a good one
//! gives a complete report (or one JSON object).

mod json;
mod report;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Args;
use ipnet::IpNet;

use crate::i18n::Lang;
use crate::net::subnet::{
    AddressRange, SubnetError, SubnetRequest, parse_host, parse_host_counts, parse_input,
    parse_network, parse_split_prefix,
};

const CONVENTIONS: &str = "\
Conventions:
  A bare address (no prefix, no mask) is a single host: /32 for IPv4, /128 for IPv6;
  the report says so. Add /24 or a mask such as 255.255.255.0 for a network.
  IPv4 /31 is a point-to-point link (RFC 3021): 2 usable hosts, first = the lower
  address, last = the higher, and no broadcast address.
  IPv4 /32 is a single host: 1 usable, first = last = the address, no broadcast.
  IPv6 has no broadcast; first_host, last_host and usable_hosts count every address
  of the prefix (first = the network address, last = the last address), as ipcalc-ng
  does. Not all of them are for hosts: interface ID 0 is the Subnet-Router anycast
  address (RFC 4291 2.6.1), and in a /64 the interface IDs fdff:ffff:ffff:ff80 to
  fdff:ffff:ffff:ffff are reserved subnet anycast addresses (RFC 2526).
  Octets with leading zeros (010.1.1.1) are rejected: some parsers read them as octal.
  --vlsm sizes each IPv4 subnet as a LAN (hosts + network + broadcast, rounded up to a
  power of two), so 2 hosts get a /30; IPv6 subnets are sized for the hosts alone.
  --json prints one object: address, network, prefix, netmask, wildcard, broadcast
  (null for IPv6, /31, /32), first_host, last_host, usable_hosts and total_addresses
  (decimal strings), class (null for IPv6), scope; plus same_network, gateway, split,
  vlsm, aggregate, range when those options are given. scope is one of: unspecified,
  this-network, loopback, private, shared, link-local, protocol-assignments,
  documentation, benchmarking, multicast, limited-broadcast, reserved, unique-local,
  ipv4-mapped, nat64, global.
  Bad input: one line naming the problem and its column on stderr, exit status 2.

Examples:
  nettutor subnet 192.168.21.36/24
  nettutor subnet 192.168.21.36 255.255.255.0 --same 192.168.21.99 --gateway 192.168.21.1
  nettutor subnet 192.168.1.0/24 --vlsm 50,20,10,2
  nettutor subnet 10.0.0.0/8 --split 30 --limit 5
  nettutor subnet --aggregate 192.168.0.0/24,192.168.1.0/24
  nettutor subnet --range 192.168.1.10-192.168.1.20";

/// Subnet calculator: bits, network, broadcast, hosts, splitting.
#[derive(Debug, Args)]
#[command(after_help = CONVENTIONS)]
pub struct SubnetArgs {
    /// ADDRESS[/PREFIX|/MASK], e.g. 192.168.21.36/24 or 2001:db8::1/64
    // Hyphen values allowed so that `-1.2.3.4` reaches our parser and gets a clear
    // message; one value only, so that flags after it are still flags.
    #[arg(allow_hyphen_values = true, value_name = "ADDRESS")]
    pub address: Option<String>,

    /// A dotted mask, when not given after a slash: 192.168.21.36 255.255.255.0
    #[arg(value_name = "MASK")]
    pub mask: Option<String>,

    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub json: bool,

    /// The questions about the network (boxed: clap's argument structs are large).
    #[command(flatten)]
    pub ops: Box<SubnetOps>,

    /// List at most this many subnets of a split (0 = all of them).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LIMIT)]
    pub limit: u64,
}

/// What to do besides the facts: same-network check, splitting, VLSM, summarising.
#[derive(Debug, Default, Args)]
pub struct SubnetOps {
    /// Split the network into subnets of this prefix length.
    #[arg(long, value_name = "PREFIX")]
    pub split: Option<String>,

    /// Split the network into N equal subnets (rounded up to a power of two).
    #[arg(long, value_name = "N", conflicts_with = "split")]
    pub count: Option<String>,

    /// Is HOST on the same network as ADDRESS? (uses ADDRESS's mask)
    #[arg(long, value_name = "HOST")]
    pub same: Option<String>,

    /// Check a default gateway: is it a host on ADDRESS's network?
    #[arg(long, value_name = "IP")]
    pub gateway: Option<String>,

    /// Plan subnets for these host counts inside the network (VLSM).
    #[arg(long, value_name = "N,N,…")]
    pub vlsm: Option<String>,

    /// Aggregate networks into the fewest prefixes covering exactly them.
    #[arg(long, value_name = "NET", num_args = 1.., value_delimiter = ',')]
    pub aggregate: Vec<String>,

    /// Turn an address range A-B into CIDR blocks.
    #[arg(long, value_name = "A-B")]
    pub range: Option<String>,
}

/// Everything asked for, parsed and checked.
pub(crate) struct Plan {
    /// The main input with its options (absent with only --aggregate/--range).
    pub request: Option<SubnetRequest>,
    pub aggregate: Option<(usize, Vec<IpNet>)>,
    pub range: Option<AddressRange>,
    pub limit: Option<u128>,
}

/// `nettutor subnet ADDRESS [MASK] [--json]`, the calculator's everyday call,
/// recognised without building clap's whole command tree (a third of the
/// instructions of a run went there). Anything else — another option, `--help`,
/// a value starting with `-` — returns `None` and goes through clap, so both
/// paths accept and refuse exactly the same command lines.
pub fn fast_args(args: &[std::ffi::OsString]) -> Option<SubnetArgs> {
    let [_, command, rest @ ..] = args else {
        return None;
    };
    if command != "subnet" || rest.is_empty() || rest.len() > 3 {
        return None;
    }
    let mut json = false;
    let mut positional: Vec<String> = Vec::with_capacity(2);
    for arg in rest {
        let text = arg.to_str()?;
        if text == "--json" && !json {
            json = true;
        } else if text.starts_with('-') || positional.len() == 2 {
            return None;
        } else {
            positional.push(text.to_string());
        }
    }
    let mut positional = positional.into_iter();
    let address = Some(positional.next()?);
    Some(SubnetArgs {
        address,
        mask: positional.next(),
        json,
        ops: Box::default(),
        limit: DEFAULT_LIMIT,
    })
}

/// Subnets listed by `--split` unless `--limit` says otherwise.
const DEFAULT_LIMIT: u64 = 64;

pub fn run(args: SubnetArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let json = args.json;
    let plan = match build_plan(&args) {
        Ok(plan) => plan,
        Err((context, err)) => {
            let message = err.message(lang);
            match context {
                Some(option) => eprintln!("nettutor subnet: {option}: {message}"),
                None => eprintln!("nettutor subnet: {message}"),
            }
            return Ok(ExitCode::from(2));
        }
    };
    let stdout = io::stdout();
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut out = super::out::buffered();
    let written = if json {
        json::write(&mut out, &plan)
    } else {
        report::write(&mut out, &plan, lang, colour)
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // `nettutor subnet 10.0.0.0/8 --split 30 --limit 0 | head` is fine.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

type PlanError = (Option<&'static str>, SubnetError);

fn build_plan(args: &SubnetArgs) -> Result<Plan, PlanError> {
    let ops = &args.ops;
    let in_option = |option: &'static str| move |e: SubnetError| (Some(option), e);
    let wants_main = args.address.is_some()
        || ops.same.is_some()
        || ops.gateway.is_some()
        || ops.split.is_some()
        || ops.count.is_some()
        || ops.vlsm.is_some()
        || (ops.aggregate.is_empty() && ops.range.is_none());

    let request = if wants_main {
        let typed: Vec<&str> = args
            .address
            .iter()
            .chain(&args.mask)
            .map(String::as_str)
            .collect();
        let input = parse_input(&typed.join(" ")).map_err(|e| (None, e))?;
        let mut request = SubnetRequest::new(input);
        if let Some(same) = &ops.same {
            request.same = Some(parse_host(same, 0, "--same").map_err(in_option("--same"))?);
        }
        if let Some(gw) = &ops.gateway {
            request.gateway = Some(parse_host(gw, 0, "--gateway").map_err(in_option("--gateway"))?);
        }
        if let Some(split) = &ops.split {
            request.split =
                Some(parse_split_prefix(split, &request.input).map_err(in_option("--split"))?);
        }
        if let Some(count) = &ops.count {
            let n = count.trim().parse::<u128>().map_err(|_| {
                (
                    Some("--count"),
                    SubnetError::VlsmBadCount {
                        text: count.clone(),
                        column: 1,
                    },
                )
            })?;
            request.count = Some(n);
        }
        if let Some(vlsm) = &ops.vlsm {
            request.vlsm = Some(parse_host_counts(vlsm, 0).map_err(in_option("--vlsm"))?);
        }
        // Same order of checks as the options are listed, each error naming its option.
        if let Some(r) = request.same_network() {
            r.map_err(in_option("--same"))?;
        }
        if let Some(r) = request.gateway_check() {
            r.map_err(in_option("--gateway"))?;
        }
        if let Some(r) = request.split_plan() {
            r.map_err(in_option(if request.split.is_some() {
                "--split"
            } else {
                "--count"
            }))?;
        }
        if let Some(r) = request.vlsm_plan() {
            r.map_err(in_option("--vlsm"))?;
        }
        Some(request)
    } else {
        None
    };

    let aggregate = if ops.aggregate.is_empty() {
        None
    } else {
        let mut nets = Vec::with_capacity(ops.aggregate.len());
        for text in &ops.aggregate {
            let trimmed = text.trim();
            nets.push(parse_network(trimmed, 0).map_err(in_option("--aggregate"))?);
        }
        let count = nets.len();
        Some((count, crate::net::subnet::aggregate(&nets)))
    };
    let range = match &ops.range {
        Some(text) => Some(AddressRange::parse(text).map_err(in_option("--range"))?),
        None => None,
    };
    Ok(Plan {
        request,
        aggregate,
        range,
        limit: (args.limit != 0).then_some(u128::from(args.limit)),
    })
}

/// Write `text` padded with spaces to `width` display columns (CJK counts double).
pub(crate) fn pad(text: &str, width: usize) -> String {
    let shown = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(shown)))
}

/// Write one line, for the report modules.
pub(crate) fn line(out: &mut impl Write, text: impl AsRef<str>) -> io::Result<()> {
    writeln!(out, "{}", text.as_ref())
}

#[cfg(test)]
mod fast_path_tests {
    use std::ffi::OsString;

    use clap::Parser as _;

    use super::fast_args;
    use crate::cli::{Cli, Command};

    fn argv(line: &str) -> Vec<OsString> {
        line.split(' ').map(OsString::from).collect()
    }

    /// What clap makes of the same command line, for comparison.
    fn by_clap(line: &str) -> String {
        match Cli::try_parse_from(argv(line)) {
            Ok(Cli {
                command: Some(Command::Subnet(args)),
                ..
            }) => format!("{args:?}"),
            other => panic!("{line}: clap did not parse a subnet command: {other:?}"),
        }
    }

    #[test]
    fn the_fast_path_reads_a_line_exactly_as_clap_does() {
        for line in [
            "nettutor subnet 192.168.21.36/24",
            "nettutor subnet 192.168.21.36/24 --json",
            "nettutor subnet --json 192.168.21.36/24",
            "nettutor subnet 192.168.21.36 255.255.255.0",
            "nettutor subnet 192.168.21.36 255.255.255.0 --json",
            "nettutor subnet 2001:db8::1/64",
            "nettutor subnet not-an-address",
        ] {
            let fast = fast_args(&argv(line)).map(|args| format!("{args:?}"));
            assert_eq!(fast, Some(by_clap(line)), "{line}");
        }
    }

    #[test]
    fn every_other_line_is_left_to_clap() {
        for line in [
            "nettutor",
            "nettutor subnet",
            "nettutor subnet --json",
            "nettutor subnet --help",
            "nettutor subnet 10.0.0.0/8 --split 10",
            "nettutor subnet 10.0.0.0/8 --lang zh",
            "nettutor subnet -1.2.3.4",
            "nettutor subnet 1.2.3.4 --json --json",
            "nettutor subnet 1.2.3.4 255.0.0.0 extra",
            "nettutor lessons list",
        ] {
            assert!(fast_args(&argv(line)).is_none(), "{line}");
        }
    }
}
