//! Handing the listening sockets to a new process, and taking them.
//!
//! `kill -USR2` (or `systemctl reload`) makes the serving process start the
//! binary now at its path, with its arguments and environment, and pass it
//! the listening sockets themselves over a Unix socket (`SCM_RIGHTS`): the
//! kernel's queue of connections is never closed, so none is dropped, and
//! both processes accept from it until the new one says it is ready. Then
//! the old one stops accepting, drains and exits (the nginx convention).
//! Under systemd socket activation the first process takes its sockets
//! from `LISTEN_FDS` instead of binding them.

use std::io::{IoSlice, IoSliceMut, Write};
use std::mem::MaybeUninit;
use std::net::{SocketAddr, TcpListener};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags, recvmsg, sendmsg,
};

/// The variable that tells a new process where to take its sockets from.
pub const HANDOVER_ENV: &str = "HEARTH_HANDOVER_SOCKET";

/// How long a new process may take to become ready (opening the store and
/// applying migrations included) before the old one gives up on it.
const READY_TIMEOUT: Duration = Duration::from_secs(600);

/// The sockets a serving process listens on.
#[derive(Debug)]
pub struct Listeners {
    /// The site.
    pub main: TcpListener,
    /// `/metrics` on an address of its own, if asked for.
    pub metrics: Option<TcpListener>,
}

impl Listeners {
    /// Copies of the sockets (the same sockets, new descriptors): kept to
    /// hand over while the originals serve.
    pub fn try_clone(&self) -> std::io::Result<Listeners> {
        Ok(Listeners {
            main: self.main.try_clone()?,
            metrics: self
                .metrics
                .as_ref()
                .map(TcpListener::try_clone)
                .transpose()?,
        })
    }
}

/// Where this process's sockets came from.
pub enum Origin {
    /// Bound by this process.
    Bound,
    /// Passed by systemd (`LISTEN_FDS`).
    Systemd,
    /// Handed over by the process before, which waits to hear it is ready.
    HandedOver(UnixStream),
}

/// Takes the listening sockets: from the process handing over, from
/// systemd, or bound here.
pub fn take(
    listen: SocketAddr,
    metrics: Option<SocketAddr>,
) -> Result<(Listeners, Origin), String> {
    if let Some(path) = std::env::var_os(HANDOVER_ENV) {
        let (listeners, stream) = receive(Path::new(&path), metrics.is_some())
            .map_err(|e| format!("cannot take the sockets from the process before: {e}"))?;
        return Ok((listeners, Origin::HandedOver(stream)));
    }
    let mut systemd = listenfd::ListenFd::from_env();
    if systemd.len() > 0 {
        let mut taken = |idx| {
            systemd.take_tcp_listener(idx).map_err(|e| {
                format!("the socket systemd passed (#{idx}) is not a TCP listener: {e}")
            })
        };
        let main = taken(0)?.ok_or("systemd passed no socket")?;
        let metrics = match metrics {
            Some(addr) => Some(match taken(1)? {
                Some(l) => l,
                None => bind(addr)?,
            }),
            None => None,
        };
        return Ok((Listeners { main, metrics }, Origin::Systemd));
    }
    let main = bind(listen)?;
    let metrics = metrics.map(bind).transpose()?;
    Ok((Listeners { main, metrics }, Origin::Bound))
}

fn bind(addr: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))
}

/// Connects to the process handing over and receives its sockets.
fn receive(path: &Path, metrics: bool) -> std::io::Result<(Listeners, UnixStream)> {
    let stream = UnixStream::connect(path)?;
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(2))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let mut byte = [0u8; 1];
    recvmsg(
        &stream,
        &mut [IoSliceMut::new(&mut byte)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC,
    )?;
    let mut fds: Vec<OwnedFd> = Vec::new();
    for message in control.drain() {
        if let RecvAncillaryMessage::ScmRights(passed) = message {
            fds.extend(passed);
        }
    }
    let mut fds = fds.into_iter().map(TcpListener::from);
    let main = fds
        .next()
        .ok_or_else(|| std::io::Error::other("no socket was passed"))?;
    // A metrics socket passed but no longer asked for closes here.
    let metrics = fds.next().filter(|_| metrics);
    Ok((Listeners { main, metrics }, stream))
}

/// Tells whoever waits that this process serves: the process that handed
/// over (which then drains and exits), systemd, and the pid file.
pub fn announce_ready(origin: Origin, pid_file: Option<&Path>) {
    if let Some(path) = pid_file
        && let Err(e) = write_pid_file(path)
    {
        tracing::error!(error = %e, path = %path.display(), "cannot write the pid file");
    }
    let handed_over = matches!(origin, Origin::HandedOver(_));
    notify_systemd(&if handed_over {
        // The new main process, for `systemctl reload` and `stop`.
        format!("MAINPID={}\nREADY=1", std::process::id())
    } else {
        "READY=1".to_owned()
    });
    if let Origin::HandedOver(mut stream) = origin
        && let Err(e) = stream.write_all(b"ready\n")
    {
        tracing::warn!(error = %e, "the process before is gone: serving alone");
    }
}

/// Writes this process's id to `path`, replacing the file whole.
fn write_pid_file(path: &Path) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, format!("{}\n", std::process::id()))?;
    std::fs::rename(&partial, path)
}

/// Removes the pid file if it still names this process (after a hand-over
/// it names the new one).
pub fn remove_pid_file(path: &Path) {
    let ours =
        std::fs::read_to_string(path).is_ok_and(|s| s.trim() == std::process::id().to_string());
    if ours {
        let _ = std::fs::remove_file(path);
    }
}

/// Sends `state` to systemd's notification socket, when run by systemd.
fn notify_systemd(state: &str) {
    let Some(socket) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let sent = (|| -> std::io::Result<()> {
        let datagram = std::os::unix::net::UnixDatagram::unbound()?;
        let socket = socket.to_string_lossy();
        match socket.strip_prefix('@') {
            Some(name) => {
                use std::os::linux::net::SocketAddrExt;
                let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
                datagram.send_to_addr(state.as_bytes(), &addr)?;
            }
            None => {
                datagram.send_to(state.as_bytes(), &*socket)?;
            }
        }
        Ok(())
    })();
    if let Err(e) = sent {
        tracing::warn!(error = %e, "cannot notify systemd");
    }
}

/// Starts the binary now at this process's path with its arguments and
/// environment, hands it `listeners` and waits until it serves. On an
/// error the new process is stopped (if it still runs) and this one
/// serves on.
pub async fn hand_over(listeners: &Listeners) -> Result<u32, String> {
    static ATTEMPT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "hearth-handover-{}-{}",
        std::process::id(),
        ATTEMPT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    crate::transfer::private_dir(&dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let outcome = hand_over_through(&dir.join("socket"), listeners).await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn hand_over_through(path: &Path, listeners: &Listeners) -> Result<u32, String> {
    let rendezvous = tokio::net::UnixListener::bind(path)
        .map_err(|e| format!("cannot listen on {}: {e}", path.display()))?;
    let exe = current_exe()?;
    let mut child = std::process::Command::new(&exe)
        .args(std::env::args_os().skip(1))
        .env(HANDOVER_ENV, path)
        .stdin(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let pid = child.id();
    match wait_ready(&rendezvous, &mut child, listeners).await {
        Ok(()) => Ok(pid),
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(e)
        }
    }
}

/// The binary at this process's path now: a new release installed over
/// the running one is what an upgrade starts.
fn current_exe() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let name = exe.to_string_lossy();
    Ok(match name.strip_suffix(" (deleted)") {
        Some(path) => PathBuf::from(path),
        None => exe,
    })
}

/// How often a waiting hand-over looks whether the new process died.
const CHILD_CHECK: Duration = Duration::from_millis(100);

/// Waits for the new process to connect, passes it the sockets, and waits
/// for its word that it serves.
async fn wait_ready(
    rendezvous: &tokio::net::UnixListener,
    child: &mut std::process::Child,
    listeners: &Listeners,
) -> Result<(), String> {
    use tokio::io::AsyncBufReadExt;
    let deadline = Instant::now() + READY_TIMEOUT;
    let mut alive = || -> Result<(), String> {
        match child.try_wait() {
            Ok(Some(status)) => Err(format!(
                "the new process exited ({status}) before it served"
            )),
            Ok(None) if Instant::now() > deadline => Err(format!(
                "the new process was not ready within {} s",
                READY_TIMEOUT.as_secs()
            )),
            Ok(None) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    };
    let stream = loop {
        tokio::select! {
            accepted = rendezvous.accept() => break accepted.map_err(|e| e.to_string())?.0,
            () = tokio::time::sleep(CHILD_CHECK) => alive()?,
        }
    };
    pass(&stream, listeners)
        .await
        .map_err(|e| format!("cannot pass the sockets: {e}"))?;
    let mut reader = tokio::io::BufReader::new(stream);
    let mut line = String::new();
    loop {
        tokio::select! {
            read = reader.read_line(&mut line) => {
                return match read {
                    Ok(_) if line.trim() == "ready" => Ok(()),
                    Ok(0) => Err("the new process closed the hand-over before it served".into()),
                    Ok(_) => Err(format!("unexpected word from the new process: {line:?}")),
                    Err(e) => Err(e.to_string()),
                };
            }
            () = tokio::time::sleep(CHILD_CHECK) => alive()?,
        }
    }
}

/// Sends the sockets, the main one first.
async fn pass(stream: &tokio::net::UnixStream, listeners: &Listeners) -> std::io::Result<()> {
    let mut fds = vec![listeners.main.as_fd()];
    fds.extend(listeners.metrics.as_ref().map(|m| m.as_fd()));
    loop {
        stream.writable().await?;
        let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(2))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        if !control.push(SendAncillaryMessage::ScmRights(&fds)) {
            return Err(std::io::Error::other("too many sockets"));
        }
        match sendmsg(
            stream,
            &[IoSlice::new(b"L")],
            &mut control,
            SendFlags::empty(),
        ) {
            Err(rustix::io::Errno::AGAIN) => continue,
            sent => return sent.map(|_| ()).map_err(std::io::Error::from),
        }
    }
}
