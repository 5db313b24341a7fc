//! [`ChildCensus`]: the live `git*`/`ssh*` processes descending from this test process, read from
//! `/proc`, so tests can assert that no child outlives the call that started it.
//!
//! Processes of the testkit's own servers (sshd, git daemon, `git http-backend`) and everything
//! they start are left out: they are registered in a process-wide set while they run.

use std::{
    collections::{BTreeSet, HashMap},
    fmt, fs,
    path::{Path, PathBuf},
    sync::{Mutex, PoisonError},
};

/// Pids of running testkit server processes; their subtrees are not counted.
static SERVER_PIDS: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());
/// Parent chains are short; this only stops a walk through a corrupt snapshot.
const MAX_DEPTH: usize = 1024;

/// Registration of a server process, removed when dropped.
#[derive(Debug)]
pub(crate) struct ServerPid(u32);

impl ServerPid {
    /// Marks `pid` and its descendants as part of a testkit server.
    pub(crate) fn register(pid: u32) -> Self {
        server_pids().insert(pid);
        Self(pid)
    }
}

impl Drop for ServerPid {
    fn drop(&mut self) {
        server_pids().remove(&self.0);
    }
}

/// The registered server pids; a panic elsewhere while holding the lock does not corrupt a set.
fn server_pids() -> std::sync::MutexGuard<'static, BTreeSet<u32>> {
    SERVER_PIDS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One process as `/proc` showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusProcess {
    /// Its pid.
    pub pid: u32,
    /// Its parent's pid.
    pub ppid: u32,
    /// Its command name (`comm`, at most 15 bytes), e.g. `git-remote-http`.
    pub name: String,
    /// Its state letter; `Z` is a zombie nobody has waited for.
    pub state: char,
    /// Its working directory, when readable.
    pub cwd: Option<PathBuf>,
    /// Its arguments, when readable.
    pub cmdline: Vec<String>,
}

/// The `git*` and `ssh*` processes below a root process at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildCensus {
    processes: Vec<CensusProcess>,
}

impl ChildCensus {
    /// The `git*`/`ssh*` descendants of this process, testkit servers excluded.
    ///
    /// Tests run as threads of one process, so this sees the children of concurrent tests too;
    /// narrow it with [`ChildCensus::touching`].
    pub fn snapshot() -> Self {
        Self::below(std::process::id())
    }

    /// The `git*`/`ssh*` descendants of `root`, testkit servers excluded.
    pub fn below(root: u32) -> Self {
        let stats = read_all_stats();
        let excluded = server_pids().clone();
        let mut processes = stats
            .iter()
            .filter(|(_, stat)| is_git_or_ssh(&stat.name))
            .filter(|(pid, _)| descends_from(**pid, root, &stats, &excluded))
            .map(|(pid, stat)| describe_process(*pid, stat))
            .collect::<Vec<_>>();
        processes.sort_by_key(|p| p.pid);
        Self { processes }
    }

    /// Only the processes whose working directory is under `path` or whose arguments mention it.
    ///
    /// Zombies (state `Z`) expose neither, so they are left out here; the unfiltered census
    /// still counts them.
    pub fn touching(&self, path: &Path) -> Self {
        let text = path.to_string_lossy();
        let processes = self
            .processes
            .iter()
            .filter(|p| {
                p.cwd.as_deref().is_some_and(|cwd| cwd.starts_with(path))
                    || p.cmdline.iter().any(|arg| arg.contains(text.as_ref()))
            })
            .cloned()
            .collect();
        Self { processes }
    }

    /// How many processes were seen.
    pub fn count(&self) -> usize {
        self.processes.len()
    }

    /// Whether none were seen.
    pub fn is_empty(&self) -> bool {
        self.processes.is_empty()
    }

    /// The processes seen, by ascending pid.
    pub fn processes(&self) -> &[CensusProcess] {
        &self.processes
    }
}

impl fmt::Display for ChildCensus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.processes {
            let cwd = p.cwd.as_deref().unwrap_or(Path::new("?")).display();
            writeln!(
                f,
                "{} ({}) {} ppid {} cwd {cwd}: {}",
                p.pid,
                p.name,
                p.state,
                p.ppid,
                p.cmdline.join(" ")
            )?;
        }
        Ok(())
    }
}

/// Every process below `root`, whatever its name (servers included).
pub(crate) fn descendants(root: u32) -> Vec<u32> {
    let stats = read_all_stats();
    let none = BTreeSet::new();
    stats
        .keys()
        .copied()
        .filter(|pid| descends_from(*pid, root, &stats, &none))
        .collect()
}

/// The fields of `/proc/<pid>/stat` the census uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stat {
    /// `comm`.
    pub(crate) name: String,
    /// The state letter.
    pub(crate) state: char,
    /// The parent pid.
    pub(crate) ppid: u32,
}

/// Parses `pid (comm) S ppid …`; `comm` may hold spaces and parentheses, so it ends at the
/// last `)`.
pub(crate) fn parse_stat(text: &str) -> Option<Stat> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text.get(open + 1..close)?.to_owned();
    let mut rest = text.get(close + 1..)?.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some(Stat { name, state, ppid })
}

/// The stat of every process now; processes that exit while being read are skipped.
fn read_all_stats() -> HashMap<u32, Stat> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return HashMap::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            Some((pid, parse_stat(&text)?))
        })
        .collect()
}

/// Whether `pid`'s parent chain reaches `root` without passing through an `excluded` process.
pub(crate) fn descends_from(
    pid: u32,
    root: u32,
    stats: &HashMap<u32, Stat>,
    excluded: &BTreeSet<u32>,
) -> bool {
    let mut current = pid;
    for _ in 0..MAX_DEPTH {
        if excluded.contains(&current) {
            return false;
        }
        let Some(stat) = stats.get(&current) else {
            return false;
        };
        if stat.ppid == root {
            return true;
        }
        if stat.ppid <= 1 {
            return false;
        }
        current = stat.ppid;
    }
    false
}

/// `git`, `git-remote-http`, `ssh`, `sshd`, …
fn is_git_or_ssh(name: &str) -> bool {
    name.starts_with("git") || name.starts_with("ssh")
}

/// Adds the working directory and arguments to a stat.
fn describe_process(pid: u32, stat: &Stat) -> CensusProcess {
    let cmdline = fs::read(format!("/proc/{pid}/cmdline"))
        .map(|raw| {
            raw.split(|byte| *byte == 0)
                .filter(|arg| !arg.is_empty())
                .map(|arg| String::from_utf8_lossy(arg).into_owned())
                .collect()
        })
        .unwrap_or_default();
    CensusProcess {
        pid,
        ppid: stat.ppid,
        name: stat.name.clone(),
        state: stat.state,
        cwd: fs::read_link(format!("/proc/{pid}/cwd")).ok(),
        cmdline,
    }
}

#[cfg(test)]
mod tests;
