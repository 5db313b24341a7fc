//! Log output: level parsing and the stderr subscriber.

use std::io::IsTerminal;

use anyhow::bail;
use tracing::level_filters::LevelFilter;

/// Parses the original's `--loglevel` values.
pub fn parse_level(input: &str) -> anyhow::Result<LevelFilter> {
    Ok(match input.trim().to_ascii_lowercase().as_str() {
        "trace" => LevelFilter::TRACE,
        "debug" => LevelFilter::DEBUG,
        "info" => LevelFilter::INFO,
        "warn" | "warning" => LevelFilter::WARN,
        "error" => LevelFilter::ERROR,
        _ => bail!("invalid log level `{input}` (expected trace, debug, info, warn or error)"),
    })
}

/// Installs a text logger on stderr at `level`, so stdout stays for results.
pub fn init_text(level: LevelFilter) {
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// Installs the logger in the original's `--logformat`: `text` or `json`, on stderr.
pub fn init(level: LevelFilter, format: &str) -> anyhow::Result<()> {
    match format.trim().to_ascii_lowercase().as_str() {
        "text" => init_text(level),
        "json" => {
            let _ = tracing_subscriber::fmt()
                .json()
                .with_max_level(level)
                .with_writer(std::io::stderr)
                .with_target(false)
                .try_init();
        }
        _ => bail!("invalid log format `{format}` (expected text or json)"),
    }
    Ok(())
}
