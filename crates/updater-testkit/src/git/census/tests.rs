//! Parsing `/proc/<pid>/stat` and walking parent chains.

use super::*;

fn stat(name: &str, ppid: u32) -> Stat {
    Stat {
        name: name.to_owned(),
        state: 'S',
        ppid,
    }
}

#[test]
fn parses_names_with_spaces_and_parentheses() {
    let parsed = parse_stat("42 (git (remote) x) S 7 42 42 0 -1").unwrap();
    assert_eq!(
        parsed,
        Stat {
            name: "git (remote) x".to_owned(),
            state: 'S',
            ppid: 7,
        }
    );
    assert_eq!(parse_stat("42 git S 7"), None);
    assert_eq!(parse_stat("42 (git) S notanumber"), None);
    assert_eq!(parse_stat(""), None);
}

#[test]
fn descent_stops_at_excluded_processes_and_init() {
    // 10 is us; 11 our child; 12 its child; 13 a server; 14 the server's child; 20 unrelated.
    let stats: HashMap<u32, Stat> = [
        (10, stat("test", 1)),
        (11, stat("git", 10)),
        (12, stat("ssh", 11)),
        (13, stat("sshd", 10)),
        (14, stat("git-upload-pack", 13)),
        (20, stat("git", 1)),
    ]
    .into_iter()
    .collect();
    let excluded = BTreeSet::from([13]);
    let below: Vec<u32> = [11, 12, 13, 14, 20, 99]
        .into_iter()
        .filter(|pid| descends_from(*pid, 10, &stats, &excluded))
        .collect();
    assert_eq!(below, [11, 12]);
    assert!(descends_from(14, 10, &stats, &BTreeSet::new()));
}

#[test]
fn a_parent_cycle_does_not_hang() {
    let stats: HashMap<u32, Stat> = [(5, stat("git", 6)), (6, stat("git", 5))]
        .into_iter()
        .collect();
    assert!(!descends_from(5, 10, &stats, &BTreeSet::new()));
}

#[test]
fn registered_servers_are_left_out_until_dropped() {
    let child = std::process::Command::new("git")
        .args(["hash-object", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = crate::process::KillOnDrop(child);
    let pid = child.0.id();
    let seen = |census: &ChildCensus| census.processes().iter().any(|p| p.pid == pid);
    assert!(seen(&ChildCensus::snapshot()));
    let registered = ServerPid::register(pid);
    assert!(!seen(&ChildCensus::snapshot()));
    drop(registered);
    assert!(seen(&ChildCensus::snapshot()));
    let _ = child.0.kill();
    let _ = child.0.wait();
    assert!(!seen(&ChildCensus::snapshot()));
}
