//! The student's program as a child process: in its own process group, with
//! its output drained into bounded buffers, its CPU time limited, run as
//! `nobody` when the checker runs as root, and killed with its whole group.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How much of each output stream is kept (the end of it: a traceback is there).
const TAIL: usize = 8 * 1024;
/// CPU seconds the program may use (a busy loop is stopped by the kernel).
const CPU_SECONDS: libc::rlim_t = 30;
/// Processes and threads `nobody` may have while the program runs.
const MAX_TASKS: libc::rlim_t = 256;

/// Whose identity the program runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// The checker's own user (it is not root).
    Same,
    /// Root dropped to this uid/gid (the `nobody` account).
    Dropped { uid: u32, gid: u32 },
}

impl Identity {
    /// `nobody` when we are root and the account exists; else our own user.
    pub fn for_child() -> Identity {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Identity::Same;
        }
        let name = c"nobody";
        // SAFETY: getpwnam takes a NUL-terminated name; the result is read at once,
        // before any other call that might reuse its static buffer.
        let pw = unsafe { libc::getpwnam(name.as_ptr()) };
        if pw.is_null() {
            return Identity::Same;
        }
        // SAFETY: pw is non-null and points to a valid passwd record.
        let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
        Identity::Dropped { uid, gid }
    }
}

type Tail = Arc<Mutex<Vec<u8>>>;

/// A running student program.
pub struct Student {
    child: Child,
    pgid: i32,
    stderr: Tail,
    stdout: Tail,
    drained: Vec<mpsc::Receiver<()>>,
}

/// The command line with every `{port}` replaced.
pub fn substitute(command: &[String], port: u16) -> Vec<String> {
    command
        .iter()
        .map(|a| a.replace("{port}", &port.to_string()))
        .collect()
}

impl Student {
    pub fn start(argv: &[String], identity: Identity) -> std::io::Result<Student> {
        let Some((program, args)) = argv.split_first() else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "empty command",
            ));
        };
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Python buffers a pipe's output; unbuffered, a traceback is never lost.
            .env("PYTHONUNBUFFERED", "1")
            .process_group(0);
        // SAFETY: the closure runs in the child between fork and exec and calls only
        // async-signal-safe functions (setrlimit, setgroups, setgid, setuid).
        unsafe {
            command.pre_exec(move || {
                let cpu = libc::rlimit {
                    rlim_cur: CPU_SECONDS,
                    rlim_max: CPU_SECONDS,
                };
                if libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if let Identity::Dropped { uid, gid } = identity {
                    let tasks = libc::rlimit {
                        rlim_cur: MAX_TASKS,
                        rlim_max: MAX_TASKS,
                    };
                    if libc::setrlimit(libc::RLIMIT_NPROC, &tasks) != 0
                        || libc::setgroups(0, std::ptr::null()) != 0
                        || libc::setgid(gid) != 0
                        || libc::setuid(uid) != 0
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let mut child = command.spawn()?;
        let pgid = i32::try_from(child.id()).unwrap_or(0);
        let (stdout, stderr) = (Tail::default(), Tail::default());
        let mut drained = Vec::new();
        if let Some(out) = child.stdout.take() {
            drained.push(drain(out, Arc::clone(&stdout)));
        }
        if let Some(err) = child.stderr.take() {
            drained.push(drain(err, Arc::clone(&stderr)));
        }
        Ok(Student {
            child,
            pgid,
            stderr,
            stdout,
            drained,
        })
    }

    /// The exit status, if the program has ended.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The exit status once the program has ended, waiting at most `bound` for it:
    /// a program that crashes on an input ends a moment after it (longer on a busy
    /// machine, where its traceback takes a while to print).
    pub fn exited_within(&mut self, bound: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// [`Student::output_tail`] of a program that has ended: its pipes are read to
    /// their end first (bounded: a grandchild may hold them open), so the last lines
    /// it wrote before exiting — its traceback — are never missed.
    pub fn final_output(&self) -> String {
        for done in &self.drained {
            let _ = done.recv_timeout(Duration::from_millis(500));
        }
        self.output_tail()
    }

    /// The end of what the program wrote to stderr (or stdout, if stderr is empty).
    pub fn output_tail(&self) -> String {
        let pick = |t: &Tail| t.lock().map(|b| b.clone()).unwrap_or_default();
        let err = pick(&self.stderr);
        let text = if err.iter().all(u8::is_ascii_whitespace) {
            pick(&self.stdout)
        } else {
            err
        };
        String::from_utf8_lossy(&text).trim_end().to_string()
    }

    /// Kills the whole process group and reaps the program. Returns its status.
    pub fn stop(mut self) -> Option<ExitStatus> {
        let already = self.exited();
        if self.pgid > 0 {
            // SAFETY: kill with a negative pid signals that process group only.
            unsafe {
                libc::kill(-self.pgid, libc::SIGKILL);
            }
        }
        let status = already.or_else(|| self.child.wait().ok());
        // The pipes close when the group is gone; a grandchild that left the group
        // could hold them open, so wait a bounded time and then let go.
        for done in &self.drained {
            let _ = done.recv_timeout(Duration::from_millis(500));
        }
        status
    }
}

/// Reads `from` to its end, keeping the last TAIL bytes; signals when done.
fn drain(mut from: impl Read + Send + 'static, into: Tail) -> mpsc::Receiver<()> {
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Ok(mut tail) = into.lock() {
                        tail.extend_from_slice(&buf[..n]);
                        if tail.len() > TAIL {
                            let cut = tail.len() - TAIL;
                            tail.drain(..cut);
                        }
                    }
                }
            }
        }
        let _ = done.send(());
    });
    finished
}

/// "exit status 1", "killed by signal 9", for the report.
pub fn describe_status(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(sig)) => format!("signal {sig}"),
        _ => status.to_string(),
    }
}

impl Drop for Student {
    fn drop(&mut self) {
        if self.pgid > 0 && self.child.try_wait().ok().flatten().is_none() {
            // SAFETY: as in stop(): signals only the program's own group.
            unsafe {
                libc::kill(-self.pgid, libc::SIGKILL);
            }
            let _ = self.child.wait();
        }
    }
}
