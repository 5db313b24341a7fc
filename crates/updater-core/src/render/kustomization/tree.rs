//! A shallow tree of a YAML stream with byte spans, built from granit-parser's events (the
//! parser serde-saphyr uses). It keeps just enough to edit `images:`: the root, its entries,
//! the `images` elements and their fields. Deeper collections are kept as spans only, so
//! arbitrarily nested input builds no deep structure; the builder is iterative.

use serde_saphyr::granit_parser::{Event, Marker, Parser, ScalarStyle, ScanError, StructureStyle};

/// Collections at this depth or above keep their children (root = 1, `images` value = 2,
/// element = 3); deeper ones keep only their span.
const KEEP_DEPTH: usize = 3;

/// Spellings of null for a plain, untagged scalar.
const NULLS: [&str; 5] = ["", "~", "null", "Null", "NULL"];

/// A node and where it is in the text.
#[derive(Debug)]
pub(super) struct Node {
    /// What the node is.
    pub(super) kind: Kind,
    /// Byte offset where the node's content starts (after any tag or anchor; a block scalar
    /// starts at its first content line).
    pub(super) start: usize,
    /// Byte offset just after the node's last content (for a block collection, after its last
    /// descendant; a flow collection ends after its closing bracket).
    pub(super) end: usize,
    /// Character column of `start`.
    pub(super) col: usize,
}

/// The kinds of node.
#[derive(Debug)]
pub(super) enum Kind {
    /// A scalar with its decoded value.
    Scalar(Scalar),
    /// A sequence; `items` is empty when deeper than [`KEEP_DEPTH`].
    Sequence {
        /// Written `[...]`.
        flow: bool,
        /// The elements.
        items: Vec<Node>,
        /// Byte offset of the closing `]` (flow) or `end` (block).
        close: usize,
    },
    /// A mapping; `entries` is empty when deeper than [`KEEP_DEPTH`].
    Mapping {
        /// Written `{...}`.
        flow: bool,
        /// Key/value pairs in order.
        entries: Vec<(Node, Node)>,
        /// Byte offset of the closing `}` (flow) or `end` (block).
        close: usize,
    },
    /// `*name`.
    Alias,
}

/// A scalar's value and how it was written.
#[derive(Debug)]
pub(super) struct Scalar {
    /// The value after escape processing.
    pub(super) value: String,
    /// Written plain (so YAML's type resolution applies to it unless tagged).
    pub(super) plain: bool,
    /// Carries an explicit tag or an anchor (so rewriting it in place could change more than
    /// this value).
    pub(super) decorated: bool,
    /// A `|` or `>` block scalar, whose span starts at its first content line.
    pub(super) block: bool,
    /// Reads as null.
    pub(super) null: bool,
}

impl Node {
    /// What the node is, for error messages.
    pub(super) fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar(s) if s.null => "null",
            Kind::Scalar(_) => "a scalar",
            Kind::Sequence { .. } => "a sequence",
            Kind::Mapping { .. } => "a mapping",
            Kind::Alias => "an alias",
        }
    }

    /// The scalar's value when the node is a non-null scalar.
    pub(super) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) if !s.null => Some(&s.value),
            _ => None,
        }
    }
}

/// A collection being read.
struct Frame {
    mapping: bool,
    flow: bool,
    start: usize,
    col: usize,
    end: usize,
    keep: bool,
    children: Vec<Node>,
}

impl Frame {
    fn finish(self, end_span: (usize, usize)) -> Node {
        let (close, end) = if self.flow {
            end_span
        } else {
            (self.end, self.end)
        };
        let kind = if self.mapping {
            let mut children = self.children.into_iter();
            let mut entries = Vec::new();
            while let (Some(key), Some(value)) = (children.next(), children.next()) {
                entries.push((key, value));
            }
            Kind::Mapping {
                flow: self.flow,
                entries,
                close,
            }
        } else {
            Kind::Sequence {
                flow: self.flow,
                items: self.children,
                close,
            }
        };
        Node {
            kind,
            start: self.start,
            end,
            col: self.col,
        }
    }
}

/// Every document's root node, in order.
pub(super) fn parse(text: &str) -> Result<Vec<Node>, ScanError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut roots = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, span) = next?;
        let at = (
            offset(text, span.start),
            offset(text, span.end),
            span.start.col(),
        );
        if let Some(node) = step(&mut stack, event, at) {
            attach(&mut stack, &mut roots, node);
        }
    }
    Ok(roots)
}

/// Handles one event at `(start, end, col)`: returns the node it completes, if any.
fn step(stack: &mut Vec<Frame>, event: Event<'_>, at: (usize, usize, usize)) -> Option<Node> {
    let (start, end, col) = at;
    match event {
        Event::Scalar(value, style, anchor, tag) => {
            let decorated = tag.is_some() || anchor != 0;
            Some(scalar_node(value.into_owned(), style, decorated, at))
        }
        Event::Alias(_) => Some(Node {
            kind: Kind::Alias,
            start,
            end,
            col,
        }),
        Event::SequenceStart(style, ..) => {
            stack.push(open(false, style, start, col, stack.len() + 1));
            None
        }
        Event::MappingStart(style, ..) => {
            stack.push(open(true, style, start, col, stack.len() + 1));
            None
        }
        Event::SequenceEnd | Event::MappingEnd => stack.pop().map(|f| f.finish((start, end))),
        _ => None,
    }
}

fn open(mapping: bool, style: StructureStyle, start: usize, col: usize, depth: usize) -> Frame {
    Frame {
        mapping,
        flow: style == StructureStyle::Flow,
        start,
        col,
        end: start,
        keep: depth <= KEEP_DEPTH,
        children: Vec::new(),
    }
}

/// A scalar node at `(start, end, col)`.
fn scalar_node(
    value: String,
    style: ScalarStyle,
    decorated: bool,
    at: (usize, usize, usize),
) -> Node {
    let (start, end, col) = at;
    let plain = style == ScalarStyle::Plain;
    // granit reports an empty value as `~` with an empty span.
    let null = plain && !decorated && (start == end || NULLS.contains(&value.as_str()));
    let value = if start == end && plain {
        String::new()
    } else {
        value
    };
    let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
    let kind = Kind::Scalar(Scalar {
        value,
        plain,
        decorated,
        null,
        block,
    });
    Node {
        kind,
        start,
        end,
        col,
    }
}

/// Adds a finished node to its parent (or to the documents) and extends the parent's end.
fn attach(stack: &mut [Frame], roots: &mut Vec<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => {
            parent.end = parent.end.max(node.end);
            if parent.keep {
                parent.children.push(node);
            }
        }
        None => roots.push(node),
    }
}

/// The byte offset of `marker`; a parser over a `&str` always reports it, the character
/// index is converted as a fallback.
fn offset(text: &str, marker: Marker) -> usize {
    marker.byte_offset().unwrap_or_else(|| {
        text.char_indices()
            .nth(marker.index())
            .map_or(text.len(), |(byte, _)| byte)
    })
}
