//! Servers take distinct free ports and leave nothing behind: dropping them closes the ports,
//! kills the server processes and their connection handlers, and deletes their directories;
//! the child census sees live git children and none after a finished clone.

use std::{
    io::{Read, Write},
    net::{Ipv4Addr, TcpStream},
    path::Path,
    process::{Command, Stdio},
    sync::mpsc,
    thread,
    time::Duration,
};

use updater_testkit::git::{ChildCensus, GitDaemon, GitEnv, GitServers, Transport};

use crate::git::{PASS, USER, VALUES};

/// Whether something accepts connections on loopback `port`.
fn accepts(port: u16) -> bool {
    let addr = (Ipv4Addr::LOCALHOST, port).into();
    TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
}

/// Whether process `pid` exists (zombies included).
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// A client environment for `transport` on `servers`.
fn client_env(servers: &GitServers, transport: Transport) -> GitEnv {
    let env = GitEnv::new().unwrap();
    match transport {
        Transport::Git => env,
        Transport::Ssh => env.with_ssh_command(&servers.ssh.git_ssh_command()),
        Transport::Http => env.with_http_credentials(USER, PASS),
    }
}

#[test]
fn drop_closes_ports_kills_processes_and_removes_directories() {
    let servers = GitServers::start(Some((USER, PASS))).unwrap();
    servers
        .create_repo("app.git", &[("values.yaml", VALUES)], "main")
        .unwrap();
    let work = tempfile::tempdir().unwrap();
    for transport in Transport::ALL {
        let env = client_env(&servers, transport);
        let url = servers.url(transport, "app.git");
        env.run_ok(
            work.path(),
            &["clone", "-q", &url, &format!("{transport:?}")],
        )
        .unwrap();
    }
    // Nothing started for the clones outlived them.
    let left = ChildCensus::snapshot().touching(work.path());
    assert!(left.is_empty(), "{left}");
    // Server processes are not counted as leftovers.
    let pids = [servers.daemon.pid(), servers.ssh.pid()];
    let census = ChildCensus::snapshot();
    assert!(
        census.processes().iter().all(|p| !pids.contains(&p.pid)),
        "{census}"
    );

    let ports = [
        servers.daemon.port(),
        servers.ssh.port(),
        servers.http.port(),
    ];
    let dirs = [
        servers.root().to_path_buf(),
        servers.daemon.dir().to_path_buf(),
        servers.ssh.dir().to_path_buf(),
        servers.http.dir().to_path_buf(),
    ];
    assert!(ports.iter().all(|port| accepts(*port)));
    drop(servers);
    for port in ports {
        assert!(!accepts(port), "port {port} still accepts");
    }
    for pid in pids {
        assert!(!alive(pid), "server {pid} still alive");
    }
    for dir in dirs {
        assert!(!dir.exists(), "{} left behind", dir.display());
    }
}

#[test]
fn drop_kills_sessions_in_flight() {
    let servers = GitServers::start(None).unwrap();
    let repo = servers
        .create_repo("app.git", &[("f", "1\n")], "main")
        .unwrap();

    // An upload-pack over ssh that has advertised its refs and now waits for our wants.
    let command = format!(
        "{} -p {} {}@127.0.0.1 \"git-upload-pack '{}'\"",
        servers.ssh.git_ssh_command(),
        servers.ssh.port(),
        servers.ssh.user(),
        repo.path().display()
    );
    let mut ssh = Command::new("sh")
        .args(["-c", &command])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut ssh_out = ssh.stdout.take().unwrap();
    let mut first = [0u8; 4];
    ssh_out.read_exact(&mut first).unwrap();

    // The same over git://: the daemon forked a handler that waits too.
    let mut daemon = TcpStream::connect((Ipv4Addr::LOCALHOST, servers.daemon.port())).unwrap();
    let request = "git-upload-pack /app.git\0host=127.0.0.1\0";
    write!(daemon, "{:04x}{request}", request.len() + 4).unwrap();
    daemon.read_exact(&mut first).unwrap();

    drop(servers);
    // With the handlers killed, both connections reach end of input promptly.
    let ssh_eof = read_to_end_within(ssh_out, Duration::from_secs(5));
    let daemon_eof = read_to_end_within(daemon, Duration::from_secs(5));
    assert!(ssh_eof, "ssh session survived the server");
    assert!(daemon_eof, "git daemon handler survived the server");
    let _ = ssh.kill();
    let _ = ssh.wait();
}

/// Whether `input` reaches its end within `limit`.
fn read_to_end_within(mut input: impl Read + Send + 'static, limit: Duration) -> bool {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = input.read_to_end(&mut sink);
        let _ = sender.send(());
    });
    receiver.recv_timeout(limit).is_ok()
}

#[test]
fn census_counts_a_live_git_child_until_it_is_reaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new("git")
        .args(["hash-object", "--stdin"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let census = ChildCensus::snapshot().touching(dir.path());
    assert_eq!(census.count(), 1, "{census}");
    let seen = &census.processes()[0];
    assert_eq!((seen.pid, seen.ppid), (child.id(), std::process::id()));
    assert_eq!(seen.name, "git");
    assert_eq!(seen.cmdline, ["git", "hash-object", "--stdin"]);

    child.kill().unwrap();
    // Killed but not yet waited for: the full census still counts the zombie, since nobody
    // reaped it; `touching` cannot attribute it (a zombie has no cwd or arguments).
    let pid = child.id();
    let zombie = (0..200).find_map(|_| {
        thread::sleep(Duration::from_millis(10));
        let census = ChildCensus::snapshot();
        census
            .processes()
            .iter()
            .find(|p| p.pid == pid && p.state == 'Z')
            .cloned()
    });
    assert!(zombie.is_some(), "no zombie seen for {pid}");
    assert!(ChildCensus::snapshot().touching(dir.path()).is_empty());
    child.wait().unwrap();
    assert!(ChildCensus::snapshot().touching(dir.path()).is_empty());
}

#[test]
fn daemons_on_one_root_get_distinct_ports() {
    let root = tempfile::tempdir().unwrap();
    let a = GitDaemon::start(root.path()).unwrap();
    let b = GitDaemon::start(root.path()).unwrap();
    assert_ne!(a.port(), b.port());
    assert_ne!(a.pid(), b.pid());
    assert_eq!(a.root(), root.path().canonicalize().unwrap());
    assert_eq!(
        a.url("x.git"),
        format!("git://127.0.0.1:{}/x.git", a.port())
    );
}
