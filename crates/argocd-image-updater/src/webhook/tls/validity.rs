//! The validity period of an X.509 certificate, read from its DER, so that an expired or
//! not-yet-valid webhook certificate fails startup as in the original (rustls would serve it
//! and leave the clients to refuse it).
//!
//! Only the path to `tbsCertificate.validity` is walked (RFC 5280 §4.1): a full X.509 parser
//! would be a large dependency for two timestamps.

use std::time::SystemTime;

use anyhow::{Context, bail};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use rustls::pki_types::CertificateDer;

/// DER tags on the path.
const SEQUENCE: u8 = 0x30;
const VERSION: u8 = 0xa0;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

/// Fails when `now` is outside the certificate's validity period (or it cannot be read).
pub fn check(cert: &CertificateDer<'_>, now: SystemTime) -> anyhow::Result<()> {
    let (not_before, not_after) =
        validity(cert).context("cannot read the validity period of the certificate")?;
    let now = Timestamp::try_from(now).context("the system clock is out of range")?;
    if now < not_before {
        bail!("the certificate is not valid before {not_before}");
    }
    if now > not_after {
        bail!("the certificate expired at {not_after}");
    }
    Ok(())
}

/// `notBefore` and `notAfter` of a DER certificate.
pub fn validity(der: &[u8]) -> Option<(Timestamp, Timestamp)> {
    let (certificate, _) = expect(SEQUENCE, der)?;
    let (tbs, _) = expect(SEQUENCE, certificate)?;
    let mut rest = tbs;
    if let Some((_, after_version)) = expect(VERSION, rest) {
        rest = after_version;
    }
    // serialNumber, signature, issuer
    for _ in 0..3 {
        rest = element(rest)?.2;
    }
    let (validity, _) = expect(SEQUENCE, rest)?;
    let (tag, not_before, rest) = element(validity)?;
    let not_before = time(tag, not_before)?;
    let (tag, not_after, _) = element(rest)?;
    Some((not_before, time(tag, not_after)?))
}

/// The contents and the rest after an element that must have `tag`.
fn expect(tag: u8, input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (found, content, rest) = element(input)?;
    (found == tag).then_some((content, rest))
}

/// One DER element (single-byte tag, definite length): its tag, its contents and the rest.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let length = bytes
            .iter()
            .fold(0usize, |length, &byte| (length << 8) | usize::from(byte));
        (length, rest)
    };
    if rest.len() < length {
        return None;
    }
    let (content, rest) = rest.split_at(length);
    Some((tag, content, rest))
}

/// A `UTCTime` (`YYMMDDHHMMSSZ`, years 1950..2049) or `GeneralizedTime` (`YYYYMMDDHHMMSSZ`),
/// the two forms RFC 5280 allows.
fn time(tag: u8, content: &[u8]) -> Option<Timestamp> {
    let text = std::str::from_utf8(content).ok()?.strip_suffix('Z')?;
    let (year, rest) = match tag {
        UTC_TIME => {
            let short: i16 = number(text.get(..2)?)?;
            let century = if short < 50 { 2000 } else { 1900 };
            (century + short, text.get(2..)?)
        }
        GENERALIZED_TIME => (number(text.get(..4)?)?, text.get(4..)?),
        _ => return None,
    };
    if rest.len() != 10 {
        return None;
    }
    let field = |at: usize| -> Option<i8> { number(rest.get(at..at + 2)?) };
    let civil = DateTime::new(
        year,
        field(0)?,
        field(2)?,
        field(4)?,
        field(6)?,
        field(8)?,
        0,
    );
    civil
        .ok()?
        .to_zoned(TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp())
}

/// Plain ASCII digits only (`parse` would also take a sign).
fn number<T: std::str::FromStr>(digits: &str) -> Option<T> {
    if !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}
