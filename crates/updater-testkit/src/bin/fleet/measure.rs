//! Runs one updater process and measures it from outside: wall time, CPU time (its own, and
//! with the git processes it ran), and peak RSS (`VmHWM`, sampled every 10 ms from `/proc`;
//! the high-water mark only grows, so the last sample misses at most the final 10 ms).

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// Clock ticks per second in `/proc` times (`USER_HZ`, 100 on every Linux ABI in use).
const TICKS_PER_SECOND: f64 = 100.0;

/// How often `/proc` is sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(10);

/// What one process run cost.
#[derive(Debug, Clone, Default)]
pub struct ProcessCost {
    /// Its exit code.
    pub code: Option<i32>,
    /// Wall time.
    pub wall: Duration,
    /// User plus system CPU time of the updater itself.
    pub cpu_self_secs: f64,
    /// The same, plus every process it waited for (git).
    pub cpu_total_secs: f64,
    /// Peak resident set size of the updater, in KiB.
    pub peak_rss_kib: u64,
    /// Its stdout.
    pub stdout: String,
    /// Its stderr.
    pub stderr: String,
}

/// Runs `command` to its end, its output going to `log_stem.{out,err}`.
pub fn run(mut command: Command, log_stem: &Path) -> anyhow::Result<ProcessCost> {
    let out_path = log_stem.with_extension("out");
    let err_path = log_stem.with_extension("err");
    let stdout = fs::File::create(&out_path).context("cannot create the pass's stdout file")?;
    let stderr = fs::File::create(&err_path).context("cannot create the pass's stderr file")?;
    let children_before = children_cpu_secs();
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .context("cannot start the updater")?;
    let pid = child.id();
    let mut sample = Sample::default();
    let status = loop {
        if let Some(status) = child.try_wait().context("cannot wait for the updater")? {
            break status;
        }
        sample = Sample::read(pid).unwrap_or(sample);
        std::thread::sleep(SAMPLE_EVERY);
    };
    let wall = started.elapsed();
    let cpu_total_secs = children_cpu_secs() - children_before;
    Ok(ProcessCost {
        code: status.code(),
        wall,
        cpu_self_secs: sample.cpu_secs,
        cpu_total_secs,
        peak_rss_kib: sample.peak_rss_kib,
        stdout: fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: fs::read_to_string(&err_path).unwrap_or_default(),
    })
}

/// The last `/proc` reading of the running updater.
#[derive(Debug, Clone, Copy, Default)]
struct Sample {
    cpu_secs: f64,
    peak_rss_kib: u64,
}

impl Sample {
    fn read(pid: u32) -> Option<Self> {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let peak_rss_kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())?;
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let times = stat_fields(&stat, &[13, 14])?;
        Some(Self {
            cpu_secs: times.iter().sum::<u64>() as f64 / TICKS_PER_SECOND,
            peak_rss_kib,
        })
    }
}

/// CPU seconds of every child this process has waited for (`cutime + cstime`).
fn children_cpu_secs() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    stat_fields(&stat, &[15, 16]).map_or(0.0, |t| t.iter().sum::<u64>() as f64 / TICKS_PER_SECOND)
}

/// Fields of a `/proc/<pid>/stat` line by 0-based index, counted after the `(comm)` field,
/// whose name may hold spaces (index 2 is the state).
fn stat_fields(stat: &str, indexes: &[usize]) -> Option<Vec<u64>> {
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    indexes
        .iter()
        .map(|&index| fields.get(index.checked_sub(2)?)?.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_skip_a_command_name_with_spaces() {
        let stat = "42 (a b) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15";
        assert_eq!(stat_fields(stat, &[13, 14]), Some(vec![11, 12]));
        assert_eq!(stat_fields(stat, &[2]), None, "the state is not a number");
    }

    #[test]
    fn a_child_is_measured() {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "head -c 20000000 /dev/zero | tail -c 1 >/dev/null; echo done",
        ]);
        let cost = run(command, &dir.path().join("child")).unwrap();
        assert_eq!(cost.code, Some(0));
        assert_eq!(cost.stdout, "done\n");
        assert!(cost.peak_rss_kib > 0);
    }
}
