//! A throwaway PostgreSQL cluster of the suite's own, which it may stop hard, freeze and restart without
//! touching the machine's shared server. Made with the server binaries of the machine (the ones
//! `scripts/test-postgres` installs when missing); fails loudly, saying how to get them, if there are none.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

/// `PG_TEST_BIN` if set, else the newest `/usr/lib/postgresql/*/bin` holding `initdb`.
fn server_binaries() -> PathBuf {
    if let Some(bin) = std::env::var_os("PG_TEST_BIN") {
        return PathBuf::from(bin);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!(
            "the reliability suite needs PostgreSQL's server binaries (initdb, pg_ctl) for a cluster of \
             its own: run it through scripts/test, which installs them from Debian's packages, or \
             `apt-get install postgresql`, or set PG_TEST_BIN to their directory"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// initdb and the server refuse to run as root; as root, they run as the `postgres` system user.
fn run(bin: &Path, program: &str, args: &[&str]) -> std::process::Output {
    let path = bin.join(program);
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&path);
        c
    } else {
        Command::new(&path)
    };
    command
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", path.display()))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Cluster {
    /// Makes the cluster; it is not running until [`Cluster::start`].
    pub fn create() -> Self {
        let bin = server_binaries();
        let dir = tempfile::Builder::new()
            .prefix("jobber-auth-reliability-")
            .tempdir()
            .expect("a temporary directory");
        if is_root() {
            let chown = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(chown.success(), "could not hand the cluster to postgres");
        }
        let data = dir.path().join("data");
        let out = run(
            &bin,
            "initdb",
            &[
                "-D",
                data.to_str().expect("UTF-8 path"),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
            ],
        );
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self {
            dir,
            bin,
            port: free_port(),
        }
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl(&self, args: &[&str]) -> std::process::Output {
        let data = self.dir.path().join("data");
        let mut all = vec!["-D", data.to_str().expect("UTF-8 path")];
        all.extend_from_slice(args);
        run(&self.bin, "pg_ctl", &all)
    }

    pub fn start(&self) {
        let log = self.dir.path().join("server.log");
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.dir.path().display()
        );
        let out = self.pg_ctl(&[
            "-w",
            "-l",
            log.to_str().expect("UTF-8 path"),
            "-o",
            &options,
            "start",
        ]);
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// `pg_ctl stop -m immediate`: every backend is killed at once, as in a crash.
    pub fn stop_immediate(&self) {
        let out = self.pg_ctl(&["-w", "-m", "immediate", "stop"]);
        assert!(
            out.status.success(),
            "pg_ctl stop failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Cluster {
    fn processes_if_running(&self) -> Vec<String> {
        if self.dir.path().join("data").join("postmaster.pid").exists() {
            self.processes()
        } else {
            Vec::new()
        }
    }

    fn postmaster(&self) -> String {
        let pid_file = self.dir.path().join("data").join("postmaster.pid");
        std::fs::read_to_string(&pid_file)
            .expect("postmaster.pid")
            .lines()
            .next()
            .expect("a pid")
            .trim()
            .to_owned()
    }

    fn children(postmaster: &str) -> Vec<String> {
        let children = Command::new("pgrep")
            .args(["-P", postmaster])
            .output()
            .expect("pgrep");
        String::from_utf8_lossy(&children.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }

    /// The postmaster and every process it started.
    fn processes(&self) -> Vec<String> {
        let postmaster = self.postmaster();
        let mut all = Self::children(&postmaster);
        all.push(postmaster);
        all
    }

    /// A process that has exited in between is no failure: its work is over either way.
    fn signal(signal: &str, pids: &[String]) {
        if !pids.is_empty() {
            let _ = Command::new("kill")
                .arg(signal)
                .args(pids)
                .stderr(std::process::Stdio::null())
                .status();
        }
    }

    /// SIGSTOP to every server process: connections stay open, and nothing answers.
    ///
    /// The postmaster is stopped first and seen stopped before its children are listed: a backend it
    /// forks while the list is taken would otherwise stay awake and keep answering on its connection.
    pub fn freeze(&self) {
        let postmaster = self.postmaster();
        Self::signal("-STOP", std::slice::from_ref(&postmaster));
        wait_until_stopped(&postmaster);
        assert!(
            Path::new("/proc").join(&postmaster).exists(),
            "the postmaster ({postmaster}) is not running, so there is nothing to freeze"
        );
        let children = Self::children(&postmaster);
        Self::signal("-STOP", &children);
        for child in &children {
            wait_until_stopped(child);
        }
    }

    pub fn thaw(&self) {
        Self::signal("-CONT", &self.processes());
    }
}

/// Waits until the kernel reports the process stopped (`T`), or gone: a zombie (`Z`) or no entry.
fn wait_until_stopped(pid: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            // The command name in parentheses may hold spaces; the state follows its closing one.
            .and_then(|stat| {
                stat.rsplit_once(')')
                    .map(|(_, rest)| rest.trim_start().to_owned())
            })
            .and_then(|rest| rest.chars().next());
        match state {
            None | Some('T' | 't' | 'Z' | 'X') => return,
            Some(_) => {}
        }
        assert!(
            std::time::Instant::now() < deadline,
            "server process {pid} did not stop within 5 s of SIGSTOP"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // A frozen server ignores the stop request.
        Self::signal("-CONT", &self.processes_if_running());
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]);
    }
}
