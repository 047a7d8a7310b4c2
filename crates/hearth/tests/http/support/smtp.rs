//! A real SMTP server for the mail tests: `scripts/lib/smtp_sink.py`
//! (aiosmtpd) on a loopback port, keeping what it receives as files the
//! tests read.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// One message as the server received and parsed it.
#[derive(Debug, Clone, Deserialize)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub content_type: String,
    headers: Vec<(String, String)>,
    pub raw_headers: String,
    pub text: Option<String>,
    pub html: Option<String>,
}

impl Received {
    /// The value of header `name`, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many times header `name` appears.
    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .count()
    }

    /// The text part.
    pub fn text(&self) -> &str {
        self.text.as_deref().expect("a text part")
    }

    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        let text = self.text();
        let at = text
            .find(prefix)
            .unwrap_or_else(|| panic!("no {prefix} link in {text}"));
        text[at..]
            .split_whitespace()
            .next()
            .expect("a link")
            .to_owned()
    }
}

/// The interpreter that has aiosmtpd: `HEARTH_TEST_PYTHON`, Debian's, or
/// the one on the path.
fn python() -> String {
    let candidates = std::env::var("HEARTH_TEST_PYTHON")
        .into_iter()
        .chain(["/usr/bin/python3".to_owned(), "python3".to_owned()]);
    for candidate in candidates {
        let has = Command::new(&candidate)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if has {
            return candidate;
        }
    }
    panic!("no python3 with aiosmtpd: run scripts/test, or apt-get install python3-aiosmtpd")
}

/// A running SMTP server; stopped when dropped.
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`.
    pub url: String,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    /// Starts a server on a free loopback port.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("sink dir");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/lib/smtp_sink.py");
        let mut child = Command::new(python())
            .arg(&script)
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the sink's port");
        let port: u16 = line.trim().parse().expect("a port");
        Self {
            url: format!("smtp://127.0.0.1:{port}"),
            dir,
            child,
        }
    }

    /// What it received so far, in no particular order.
    pub fn received(&self) -> Vec<Received> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(self.dir.path()).expect("read the sink dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("read a message");
                out.push(serde_json::from_str(&text).expect("a message record"));
            }
        }
        out
    }

    /// Waits until at least `n` messages arrived (failing after a minute).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} messages arrived",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The messages to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|m| m.rcpt_tos.iter().any(|r| r == address))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
