//! The port of Go's `path/filepath.Match` (Unix, Go 1.16+), over chars instead of bytes.

use super::BadPattern;

/// `filepath.Separator` on Unix.
const SEPARATOR: char = '/';

/// A pattern or name position: always on a character boundary.
type Chars<'a> = &'a [char];

pub(super) fn glob_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    match_chars(&pattern, &name)
}

/// Go's `Match` loop: one chunk (stars + literal run) at a time, no backtracking across chunks.
fn match_chars(mut pattern: Chars<'_>, mut name: Chars<'_>) -> Result<bool, BadPattern> {
    while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&SEPARATOR));
        }
        let last = pattern.is_empty();
        // The last chunk only counts when it exhausts the name; otherwise a star may still help.
        if let Some(tail) = match_chunk(chunk, name)?
            && (tail.is_empty() || !last)
        {
            name = tail;
            continue;
        }
        if star && let Some(tail) = match_after_star(chunk, name, last)? {
            name = tail;
            continue;
        }
        check_rest(pattern)?;
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Retries `chunk` after skipping 1, 2, … characters of `name`, never skipping a `/`.
fn match_after_star<'a>(
    chunk: Chars<'_>,
    name: Chars<'a>,
    last: bool,
) -> Result<Option<Chars<'a>>, BadPattern> {
    let mut rest = name;
    while let Some((&skipped, tail)) = rest.split_first() {
        if skipped == SEPARATOR {
            break;
        }
        rest = tail;
        if let Some(matched) = match_chunk(chunk, rest)? {
            if last && !matched.is_empty() {
                continue;
            }
            return Ok(Some(matched));
        }
    }
    Ok(None)
}

/// Go 1.16+: a failed match still reports a syntax error anywhere in the rest of the pattern.
fn check_rest(mut pattern: Chars<'_>) -> Result<(), BadPattern> {
    while !pattern.is_empty() {
        let (_, chunk, rest) = scan_chunk(pattern);
        match_chunk(chunk, &[])?;
        pattern = rest;
    }
    Ok(())
}

/// Splits off leading stars and the following run up to the next unbracketed `*`.
fn scan_chunk(pattern: Chars<'_>) -> (bool, Chars<'_>, Chars<'_>) {
    let stars = pattern.iter().take_while(|&&c| c == '*').count();
    let pattern = pattern.get(stars..).unwrap_or_default();
    let mut in_range = false;
    let mut end = 0;
    while let Some(&c) = pattern.get(end) {
        match c {
            '\\' if end + 1 < pattern.len() => end += 1,
            '[' => in_range = true,
            ']' => in_range = false,
            '*' if !in_range => break,
            _ => {}
        }
        end += 1;
    }
    let (chunk, rest) = pattern.split_at(end.min(pattern.len()));
    (stars > 0, chunk, rest)
}

/// Matches one star-free chunk at the start of `s`, returning what is left of `s`.
///
/// After the first mismatch it keeps walking the chunk (without reading `s`) so that syntax
/// errors are reported regardless of the name, as Go does.
fn match_chunk<'a>(
    mut chunk: Chars<'_>,
    mut s: Chars<'a>,
) -> Result<Option<Chars<'a>>, BadPattern> {
    let mut failed = false;
    while let Some((&c, rest)) = chunk.split_first() {
        let current = if failed { None } else { s.split_first() };
        failed = current.is_none();
        let (next, accepted) = match c {
            '[' => match_class(rest, current.map(|(&r, _)| r))?,
            '?' => (rest, current.is_some_and(|(&r, _)| r != SEPARATOR)),
            '\\' => {
                let (&literal, after) = rest.split_first().ok_or(BadPattern)?;
                (after, current.is_some_and(|(&r, _)| r == literal))
            }
            literal => (rest, current.is_some_and(|(&r, _)| r == literal)),
        };
        chunk = next;
        if let Some((_, tail)) = current {
            s = tail;
        }
        failed = failed || !accepted;
    }
    Ok(if failed { None } else { Some(s) })
}

/// Parses a `[...]` class (after the `[`) and tests `r` against it; `None` means nothing to test.
fn match_class(mut chunk: Chars<'_>, r: Option<char>) -> Result<(Chars<'_>, bool), BadPattern> {
    let negated = chunk.first() == Some(&'^');
    if negated {
        chunk = chunk.get(1..).unwrap_or_default();
    }
    let mut matched = false;
    let mut ranges = 0;
    loop {
        if let (Some((']', rest)), true) = (chunk.split_first(), ranges > 0) {
            chunk = rest;
            break;
        }
        let (lo, rest) = get_esc(chunk)?;
        let (hi, rest) = match rest.split_first() {
            Some(('-', after)) => get_esc(after)?,
            _ => (lo, rest),
        };
        chunk = rest;
        matched = matched || r.is_some_and(|r| lo <= r && r <= hi);
        ranges += 1;
    }
    Ok((chunk, r.is_some() && matched != negated))
}

/// One possibly escaped class character; something must follow it (at least the closing `]`).
fn get_esc(chunk: Chars<'_>) -> Result<(char, Chars<'_>), BadPattern> {
    let chunk = match chunk.split_first() {
        None | Some(('-' | ']', _)) => return Err(BadPattern),
        Some(('\\', rest)) => rest,
        Some(_) => chunk,
    };
    match chunk.split_first() {
        Some((&r, rest)) if !rest.is_empty() => Ok((r, rest)),
        _ => Err(BadPattern),
    }
}
