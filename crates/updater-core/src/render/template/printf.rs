//! Go's `printf`: directive parsing as in Go's `fmt` (flags, `[n]` argument indexes, `*`
//! widths and precisions, the 10^6 limit, `%%`) and per-verb formatting in [`verbs`].
//!
//! gtmpl's own `printf` prints `%%` as `%%`, panics on `%[0]d`, allocates without bound for a
//! huge width and pads on the wrong side (`%5s`, `%-4d`, `%05d`), so it is replaced whole.
//! Go's in-band markers are kept: `%!v(MISSING)`, `%!v(BADINDEX)`, `%!(NOVERB)`,
//! `%!(BADWIDTH)`, `%!(BADPREC)`, `%!d(string=x)`. Differences: extra operands are ignored
//! (Go appends `%!(EXTRA …)`), `%#v` is plain `%v`, floats do not take `%b`/`%x`, `#`
//! does not change float output, and float verbs accept integers (gtmpl turns `3.0` and every
//! negative float literal into an integer, truncating the latter, so they cannot be told
//! apart).

use gtmpl::{FuncError, Value};

mod verbs;

#[cfg(test)]
mod tests;

/// Go's `fmt` rejects widths and precisions above this.
const MAX_NUMBER: i64 = 1_000_000;

/// Flag characters, in the order Go accepts them before a width.
const FLAGS: &[u8] = b"#0+- ";

/// Go's `printf format args...`.
pub(super) fn printf(args: &[Value]) -> Result<Value, FuncError> {
    let Some((Value::String(format), operands)) = args.split_first() else {
        return Err(FuncError::Generic(
            "printf requires a format string as its first argument".into(),
        ));
    };
    let mut printer = Printer {
        operands,
        next: 0,
        good_index: true,
        out: String::with_capacity(format.len()),
    };
    let mut rest = format.as_str();
    while let Some(percent) = rest.find('%') {
        printer.out.push_str(&rest[..percent]);
        rest = printer.directive(&rest[percent + 1..]);
    }
    printer.out.push_str(rest);
    Ok(Value::from(printer.out))
}

/// The resolved flags, width and precision of one directive.
#[derive(Debug, Clone, Copy, Default)]
struct Spec {
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

impl Spec {
    /// Go's flag rules: `-` cancels `0`, and `0` after `-` is ignored.
    fn from_flags(flags: &str) -> Self {
        let mut spec = Self::default();
        for flag in flags.chars() {
            match flag {
                '#' => spec.sharp = true,
                '0' => spec.zero = !spec.minus,
                '+' => spec.plus = true,
                '-' => {
                    spec.minus = true;
                    spec.zero = false;
                }
                _ => spec.space = true,
            }
        }
        spec
    }
}

struct Printer<'a> {
    operands: &'a [Value],
    next: usize,
    good_index: bool,
    out: String,
}

impl Printer<'_> {
    /// Handles the directive after a `%` and returns the text after it.
    fn directive<'f>(&mut self, text: &'f str) -> &'f str {
        self.good_index = true;
        let flags_end = text.bytes().take_while(|b| FLAGS.contains(b)).count();
        let mut spec = Spec::from_flags(&text[..flags_end]);
        let (rest, after_index) = self.arg_index(&text[flags_end..]);
        let Some((rest, after_index)) = self.width(rest, after_index, &mut spec) else {
            self.out.push_str("%!(NOVERB)");
            return "";
        };
        let Some((rest, after_index)) = self.precision(rest, after_index, &mut spec) else {
            self.out.push_str("%!(NOVERB)");
            return "";
        };
        let rest = if after_index {
            rest
        } else {
            self.arg_index(rest).0
        };
        let Some(verb) = rest.chars().next() else {
            self.out.push_str("%!(NOVERB)");
            return "";
        };
        self.verb(verb, &spec);
        &rest[verb.len_utf8()..]
    }

    /// `*` or digits; `None` when the number is too large (Go then stops at `%!(NOVERB)`).
    fn width<'f>(
        &mut self,
        text: &'f str,
        after_index: bool,
        spec: &mut Spec,
    ) -> Option<(&'f str, bool)> {
        if let Some(rest) = text.strip_prefix('*') {
            match self.star_operand() {
                None => self.out.push_str("%!(BADWIDTH)"),
                Some(width) => {
                    if width < 0 {
                        spec.minus = true;
                        spec.zero = false;
                    }
                    spec.width = usize::try_from(width.unsigned_abs()).ok();
                }
            }
            return Some((rest, false));
        }
        let (width, rest) = parse_number(text)?;
        if after_index && width.is_some() {
            self.good_index = false;
        }
        spec.width = width.and_then(|w| usize::try_from(w).ok());
        Some((rest, after_index))
    }

    /// `.` then `[n]`, `*` or digits (none means 0); only when a character follows the `.`.
    fn precision<'f>(
        &mut self,
        text: &'f str,
        after_index: bool,
        spec: &mut Spec,
    ) -> Option<(&'f str, bool)> {
        let Some(after_dot) = text.strip_prefix('.').filter(|r| !r.is_empty()) else {
            return Some((text, after_index));
        };
        if after_index {
            self.good_index = false;
        }
        let (rest, after_index) = self.arg_index(after_dot);
        if let Some(rest) = rest.strip_prefix('*') {
            spec.precision = self.star_operand().and_then(|p| usize::try_from(p).ok());
            if spec.precision.is_none() {
                self.out.push_str("%!(BADPREC)");
            }
            return Some((rest, false));
        }
        let (precision, rest) = parse_number(rest)?;
        spec.precision = Some(precision.and_then(|p| usize::try_from(p).ok()).unwrap_or(0));
        Some((rest, after_index))
    }

    /// Go's `argNumber`: an optional `[n]` (1-based) selecting the next operand.
    fn arg_index<'f>(&mut self, text: &'f str) -> (&'f str, bool) {
        let Some(inside) = text.strip_prefix('[') else {
            return (text, false);
        };
        let Some(close) = inside.find(']') else {
            self.good_index = false;
            return (inside, false);
        };
        let digits = &inside[..close];
        let parsed = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<usize>().ok())
            .flatten()
            .filter(|n| i64::try_from(*n).is_ok_and(|n| n <= MAX_NUMBER));
        match parsed
            .and_then(|n| n.checked_sub(1))
            .filter(|i| *i < self.operands.len())
        {
            Some(index) => self.next = index,
            None => self.good_index = false,
        }
        (&inside[close + 1..], parsed.is_some())
    }

    /// Takes the next operand as a `*` width or precision: an integer within Go's limit.
    fn star_operand(&mut self) -> Option<i64> {
        let operand = self.operands.get(self.next)?;
        self.next += 1;
        match operand {
            Value::Number(n) => n
                .as_i64()
                .filter(|v| v.unsigned_abs() <= MAX_NUMBER.unsigned_abs()),
            _ => None,
        }
    }

    fn verb(&mut self, verb: char, spec: &Spec) {
        if verb == '%' {
            self.out.push('%');
            return;
        }
        if !self.good_index {
            self.out.push_str(&format!("%!{verb}(BADINDEX)"));
            return;
        }
        let Some(operand) = self.operands.get(self.next) else {
            self.out.push_str(&format!("%!{verb}(MISSING)"));
            return;
        };
        self.next += 1;
        self.out
            .push_str(&verbs::format_operand(spec, verb, operand));
    }
}

/// Leading digits as a number; `None` when over Go's limit (`Some((None, _))` when absent).
fn parse_number(text: &str) -> Option<(Option<i64>, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Some((None, text));
    }
    let mut value: i64 = 0;
    for digit in text.bytes().take(digits) {
        value = value * 10 + i64::from(digit - b'0');
        if value > MAX_NUMBER {
            return None;
        }
    }
    Some((Some(value), &text[digits..]))
}
