//! The lab process (`nettutor __vnet`): started by [`super::Lab`], single-threaded
//! when it enters its user namespace, killed by the kernel when its parent
//! dies (`PR_SET_PDEATHSIG`). It answers [`Request`]s line by line until
//! stdin closes or a `shutdown` arrives; every namespace it made dies with it.

use std::fs::File;
use std::io::{BufRead as _, BufReader, Write as _};
use std::os::fd::AsFd as _;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::proto::{HOLD_LIMIT, HeldNamespace, Outcome, Params, Reply, Request};
use super::watch::{KernelEvent, Watcher};
use super::{VnetError, check, experiments, network::Network, ns};

/// The environment variable carrying the tutor's pid: a child whose parent is
/// already gone when it starts exits at once.
pub const PARENT_ENV: &str = "NETTUTOR_VNET_PARENT";

/// Runs the lab process; returns the exit status.
pub fn serve() -> u8 {
    // Die with the tutor, however it ends.
    if nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL).is_err() {
        return 1;
    }
    let parent = std::env::var(PARENT_ENV)
        .ok()
        .and_then(|p| p.parse::<i32>().ok());
    if parent.is_some_and(|p| p != nix::unistd::getppid().as_raw()) {
        return 1;
    }
    let say = |reply: &Reply| say(reply);
    // The namespace the process sits in between experiments: empty but for lo.
    let _home = match ns::enter_lab_user_namespace() {
        Ok(home) => home,
        Err(ns::NsError::NoUserNamespaces { errno, remedy }) => {
            say(&Reply::Refused {
                remedy,
                errno: errno.desc().to_string(),
            });
            return 3;
        }
        Err(e) => {
            say(&Reply::Failed {
                message: e.to_string(),
            });
            return 1;
        }
    };
    // Frames stamped as they cross the wires, from the first experiment's
    // first frame on (see `Stamping`); without it stamps may lag, no more.
    let _stamping = super::capture::Stamping::on().ok();
    // Requests read from a buffer of our own, so that a hold can tell a
    // request already buffered from one still to come (and wait for that
    // with a bound, in `poll`) — without a thread: the idle lab process stays
    // single-threaded. Made before "ready": the descriptors a test sees
    // then are all the idle process has.
    let Ok(stdin) = std::io::stdin().as_fd().try_clone_to_owned() else {
        return 1;
    };
    let mut input = BufReader::new(File::from(stdin));
    if !say(&Reply::Ready) {
        return 1;
    }
    loop {
        let mut line = String::new();
        if !matches!(input.read_line(&mut line), Ok(n) if n > 0) {
            break;
        }
        let reply = match serde_json::from_str::<Request>(&line) {
            Ok(Request::Shutdown) => break,
            Ok(Request::Run { experiment, params }) => match run(&experiment, &params) {
                Ok(outcome) => Reply::Outcome(Box::new(outcome)),
                Err(e) => Reply::Failed {
                    message: e.to_string(),
                },
            },
            Ok(Request::Hold {
                experiment,
                seconds,
            }) => {
                let limit = Duration::from_secs(seconds).min(HOLD_LIMIT);
                match hold(&experiment, limit, &mut input) {
                    Ok((reply, go_on)) => {
                        if !say(&reply) || !go_on {
                            break;
                        }
                        continue;
                    }
                    Err(e) => Reply::Failed {
                        message: e.to_string(),
                    },
                }
            }
            Ok(Request::Release) => Reply::Failed {
                message: "nothing is held".into(),
            },
            Err(e) => Reply::Failed {
                message: format!("bad request: {e}"),
            },
        };
        if !say(&reply) {
            break;
        }
    }
    0
}

/// Writes one reply line to the tutor (stdout, locked per line: the watcher's
/// thread writes events between them).
fn say(reply: &Reply) -> bool {
    let Ok(line) = serde_json::to_string(reply) else {
        return false;
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
}

/// One experiment on a network of its own: built, checked, run, dropped.
/// Kernel changes, captured frames and `TCP_INFO` samples are streamed to the
/// tutor while it runs.
fn run(name: &str, params: &Params) -> Result<Outcome, VnetError> {
    let experiment =
        experiments::find(name).ok_or_else(|| VnetError::UnknownExperiment(name.to_string()))?;
    let mut net = Network::begin((experiment.spec)())?;
    net.frames_to = Some(std::sync::Arc::new(|frames| {
        say(&Reply::Frames { frames });
    }));
    net.samples_to = Some(std::sync::Arc::new(|samples| {
        say(&Reply::Samples { samples });
    }));
    // Subscribed in every namespace before the first link exists: the
    // set-up's changes are heard (links made and brought up, routes), then
    // every change the run causes.
    let mut watcher = Watcher::start(
        &net,
        Box::new(|event: &KernelEvent| {
            say(&Reply::Event(Box::new(event.clone())));
        }),
    )?;
    net.complete()?;
    let isolation = check::check(&mut net)?;
    if !isolation.ok {
        return Err(VnetError::Isolation(
            serde_json::to_string(&isolation).unwrap_or_default(),
        ));
    }
    watcher.begin_run()?;
    let started = Instant::now();
    let result = (experiment.run)(&mut net, params);
    let run_us = micros(started.elapsed());
    // Its sockets hold the namespaces: stopped before they are dropped.
    watcher.finish();
    let setup_us = micros(net.setup);
    let capture_dropped = net
        .capture_dropped
        .load(std::sync::atomic::Ordering::Relaxed);
    let dropped = Instant::now();
    drop(net);
    let teardown_us = micros(dropped.elapsed());
    let (report, frames) = result?;
    Ok(Outcome {
        experiment: name.to_string(),
        report,
        frames,
        isolation,
        setup_us,
        run_us,
        teardown_us,
        capture_dropped,
        events: Vec::new(),
    })
}

/// A test's hold ([`Request::Hold`]): `name`'s network built and kept, no
/// traffic, until a request arrives (release; a shutdown or a closed stdin
/// also ends the process: `false`) or `limit` passes. The lab's own check is
/// reported, not enforced: the test enters the namespaces and judges.
fn hold(
    name: &str,
    limit: Duration,
    input: &mut BufReader<File>,
) -> Result<(Reply, bool), VnetError> {
    let experiment =
        experiments::find(name).ok_or_else(|| VnetError::UnknownExperiment(name.to_string()))?;
    let mut net = Network::build((experiment.spec)())?;
    let isolation = check::check(&mut net)?;
    let hosts = net
        .hosts
        .iter()
        .map(|h| HeldNamespace {
            host: h.name.to_string(),
            fd: h.ns.raw_fd(),
            netns_inode: h.ns.inode,
        })
        .collect();
    if !say(&Reply::Held {
        pid: std::process::id(),
        hosts,
        isolation,
    }) {
        return Ok((Reply::Released { timed_out: false }, false));
    }
    // Anything on stdin ends the hold; the network goes first, so even a
    // half-written line cannot keep it.
    let pending = !input.buffer().is_empty() || readable(input.get_ref(), limit);
    drop(net);
    let go_on = !pending || {
        let mut line = String::new();
        matches!(input.read_line(&mut line), Ok(n) if n > 0)
            && !matches!(serde_json::from_str(&line), Ok(Request::Shutdown))
    };
    let timed_out = !pending;
    Ok((Reply::Released { timed_out }, go_on))
}

/// Whether `file` has something to read (or is closed) within `limit`.
fn readable(file: &File, limit: Duration) -> bool {
    let ms = u16::try_from(limit.as_millis()).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(file.as_fd(), PollFlags::POLLIN)];
    // An error (EINTR included) ends the hold as a timeout would.
    matches!(poll(&mut fds, PollTimeout::from(ms)), Ok(n) if n > 0)
}

fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
