//! Go durations: a port of `time.ParseDuration` (used for `--interval`, `credsexpire` and other
//! duration settings) and of `time.Duration.String` for showing them back the way Go does.

use std::time::Duration;

#[cfg(test)]
mod tests;

/// Go's `time.Duration` is an `int64` of nanoseconds; nothing above this is representable.
const MAX_NANOS: u64 = i64::MAX as u64;

const NANOS_PER_MICRO: u64 = 1_000;
const NANOS_PER_MILLI: u64 = 1_000_000;
const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// The text does not follow `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` (Go: "invalid duration").
    #[error("invalid duration `{input}`")]
    Invalid {
        /// The rejected text.
        input: String,
    },
    /// A number is not followed by a unit (only a lone `0` may omit it).
    #[error("missing unit in duration `{input}`")]
    MissingUnit {
        /// The rejected text.
        input: String,
    },
    /// A unit other than `ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`.
    #[error("unknown unit `{unit}` in duration `{input}`")]
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The rejected text.
        input: String,
    },
    /// The duration is below zero; Go accepts it, but no setting here has a use for it.
    #[error("negative duration `{input}` is not allowed")]
    Negative {
        /// The rejected text.
        input: String,
    },
    /// The duration does not fit Go's `int64` nanoseconds (about 292 years).
    #[error("duration `{input}` is out of range")]
    OutOfRange {
        /// The rejected text.
        input: String,
    },
}

/// Parses a duration exactly like Go's `time.ParseDuration`, except that a negative result is
/// an error ([`DurationError::Negative`]). `-0` and `-0s` are zero, not negative, so they pass.
pub fn parse_go_duration(input: &str) -> Result<Duration, DurationError> {
    let (negative, rest) = split_sign(input);
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid(input));
    }
    let nanos = sum_components(rest, input)?;
    if negative && nanos > 0 {
        return Err(DurationError::Negative {
            input: input.to_owned(),
        });
    }
    if nanos > MAX_NANOS {
        return Err(out_of_range(input));
    }
    Ok(Duration::from_nanos(nanos))
}

/// Formats like Go's `time.Duration.String`: `0s`, `500ms`, `1.5µs`, `2m0s`, `1h0m0s`,
/// `1h30m0.5s`. Hours are the largest unit, as in Go.
pub fn format_go_duration(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0s".to_owned();
    }
    if nanos < u128::from(NANOS_PER_SECOND) {
        return format_sub_second(nanos);
    }
    format_seconds_and_up(nanos)
}

fn split_sign(input: &str) -> (bool, &str) {
    match input.as_bytes().first() {
        Some(b'-') => (true, &input[1..]),
        Some(b'+') => (false, &input[1..]),
        _ => (false, input),
    }
}

/// Adds up every `<number><unit>` component, failing on the first malformed one.
fn sum_components(mut rest: &str, input: &str) -> Result<u64, DurationError> {
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let (nanos, remaining) = parse_component(rest, input)?;
        total = total
            .checked_add(nanos)
            .filter(|t| *t <= MAX_NANOS + 1)
            .ok_or_else(|| out_of_range(input))?;
        rest = remaining;
    }
    Ok(total)
}

/// Parses one `<int>[.<frac>]<unit>` component and returns its value in nanoseconds.
fn parse_component<'a>(text: &'a str, input: &str) -> Result<(u64, &'a str), DurationError> {
    if !text.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
        return Err(invalid(input));
    }
    let (whole, after_int) = leading_int(text).ok_or_else(|| out_of_range(input))?;
    let had_int = after_int.len() != text.len();
    let (fraction, after_fraction) = match after_int.strip_prefix('.') {
        Some(after_dot) => leading_fraction(after_dot),
        None => (Fraction::NONE, after_int),
    };
    if !had_int && !fraction.had_digits {
        return Err(invalid(input));
    }
    let (unit, rest) = split_unit(after_fraction);
    if unit.is_empty() {
        return Err(DurationError::MissingUnit {
            input: input.to_owned(),
        });
    }
    let scale = unit_nanos(unit).ok_or_else(|| DurationError::UnknownUnit {
        unit: unit.to_owned(),
        input: input.to_owned(),
    })?;
    let nanos = scale_component(whole, fraction, scale).ok_or_else(|| out_of_range(input))?;
    Ok((nanos, rest))
}

/// Go's `leadingInt`: digits up to 2^63, `None` past that.
fn leading_int(text: &str) -> Option<(u64, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let mut value: u64 = 0;
    for digit in text.bytes().take(digits) {
        value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
        if value > MAX_NANOS + 1 {
            return None;
        }
    }
    Some((value, &text[digits..]))
}

/// The digits after a decimal point: `value / scale` is the fraction.
#[derive(Debug, Clone, Copy)]
struct Fraction {
    value: u64,
    scale: f64,
    had_digits: bool,
}

impl Fraction {
    const NONE: Fraction = Fraction {
        value: 0,
        scale: 1.0,
        had_digits: false,
    };
}

/// Go's `leadingFraction`: stops gaining precision on overflow instead of failing.
fn leading_fraction(text: &str) -> (Fraction, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let mut fraction = Fraction {
        had_digits: digits > 0,
        ..Fraction::NONE
    };
    let mut overflowed = false;
    for digit in text.bytes().take(digits) {
        let next = fraction
            .value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit - b'0')))
            .filter(|v| *v <= MAX_NANOS + 1);
        match (overflowed, next) {
            (false, Some(v)) => {
                fraction.value = v;
                fraction.scale *= 10.0;
            }
            _ => overflowed = true,
        }
    }
    (fraction, &text[digits..])
}

/// The unit runs until the next digit or `.`, as in Go (so `1 h` has the unit ` h`).
fn split_unit(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| c == '.' || c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(end)
}

fn unit_nanos(unit: &str) -> Option<u64> {
    match unit {
        "ns" => Some(1),
        // U+00B5 (micro sign) and U+03BC (Greek mu) are both accepted by Go.
        "us" | "\u{b5}s" | "\u{3bc}s" => Some(NANOS_PER_MICRO),
        "ms" => Some(NANOS_PER_MILLI),
        "s" => Some(NANOS_PER_SECOND),
        "m" => Some(60 * NANOS_PER_SECOND),
        "h" => Some(3600 * NANOS_PER_SECOND),
        _ => None,
    }
}

/// `whole * scale + fraction * scale`, with Go's float arithmetic for the fraction so that
/// results agree to the nanosecond.
fn scale_component(whole: u64, fraction: Fraction, scale: u64) -> Option<u64> {
    let mut nanos = whole.checked_mul(scale).filter(|n| *n <= MAX_NANOS + 1)?;
    if fraction.value > 0 {
        let extra = (fraction.value as f64 * (scale as f64 / fraction.scale)) as u64;
        nanos = nanos.checked_add(extra).filter(|n| *n <= MAX_NANOS + 1)?;
    }
    Some(nanos)
}

fn invalid(input: &str) -> DurationError {
    DurationError::Invalid {
        input: input.to_owned(),
    }
}

fn out_of_range(input: &str) -> DurationError {
    DurationError::OutOfRange {
        input: input.to_owned(),
    }
}

/// Below one second Go picks the largest of ns, µs, ms that keeps an integer part.
fn format_sub_second(nanos: u128) -> String {
    let (unit, precision) = if nanos < u128::from(NANOS_PER_MICRO) {
        ("ns", 0)
    } else if nanos < u128::from(NANOS_PER_MILLI) {
        ("\u{b5}s", 3)
    } else {
        ("ms", 6)
    };
    let (integer, fraction) = split_fraction(nanos, precision);
    format!("{integer}{fraction}{unit}")
}

fn format_seconds_and_up(nanos: u128) -> String {
    let (total_seconds, fraction) = split_fraction(nanos, 9);
    let seconds = total_seconds % 60;
    let total_minutes = total_seconds / 60;
    if total_minutes == 0 {
        return format!("{seconds}{fraction}s");
    }
    let minutes = total_minutes % 60;
    let hours = total_minutes / 60;
    if hours == 0 {
        return format!("{minutes}m{seconds}{fraction}s");
    }
    format!("{hours}h{minutes}m{seconds}{fraction}s")
}

/// Go's `fmtFrac`: splits `value / 10^precision` into the integer part and `.digits` with
/// trailing zeros removed (empty when the fraction is zero).
fn split_fraction(value: u128, precision: u32) -> (u128, String) {
    let divisor = 10u128.pow(precision);
    let fraction = value % divisor;
    if fraction == 0 {
        return (value / divisor, String::new());
    }
    let width = usize::try_from(precision).unwrap_or(0);
    let digits = format!("{fraction:0width$}");
    (
        value / divisor,
        format!(".{}", digits.trim_end_matches('0')),
    )
}
