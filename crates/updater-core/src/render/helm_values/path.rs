//! Helm value paths (`image.tag`, `images[1].tag`): one dot-separated segment at a time.

/// One segment of a value path: a mapping key, optionally followed by a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Segment<'a> {
    /// The mapping key (the text before `[` for an indexed segment).
    pub key: &'a str,
    /// The sequence index of `key[n]`.
    pub index: Option<Index<'a>>,
}

/// The `[...]` part of a segment, as written and as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Index<'a> {
    /// The text between the brackets, as written.
    pub raw: &'a str,
    /// That text as a number (negative numbers are kept so the range error can show them).
    pub value: i64,
}

/// Why a segment is not a key or a `key[n]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum SegmentError {
    /// `key[]`: brackets without an id.
    NoId,
    /// Brackets that do not close the segment, or an id that is not a number.
    BadId,
}

impl<'a> Segment<'a> {
    /// Splits `raw` like the original's `^(.*)\[(.*)\]$`: the id is the text inside the LAST
    /// bracket pair, which must end the segment; a segment without brackets is a plain key.
    pub(super) fn parse(raw: &'a str) -> Result<Self, SegmentError> {
        if !raw.contains('[') && !raw.contains(']') {
            return Ok(Self {
                key: raw,
                index: None,
            });
        }
        let inner = raw.strip_suffix(']').ok_or(SegmentError::BadId)?;
        let open = inner.rfind('[').ok_or(SegmentError::BadId)?;
        let (key, id) = (&inner[..open], &inner[open + 1..]);
        if id.is_empty() {
            return Err(SegmentError::NoId);
        }
        let value = id.parse::<i64>().map_err(|_| SegmentError::BadId)?;
        Ok(Self {
            key,
            index: Some(Index { raw: id, value }),
        })
    }
}
