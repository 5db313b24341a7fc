//! A tree of every document of a YAML stream with byte spans, built from granit-parser's events
//! (the parser serde-saphyr uses), for the in-place editors (kustomizations, Application
//! manifests). Each editor keeps children only down to the depth it reads; deeper collections
//! keep only their span, so arbitrarily nested input builds no deep structure; the builder is
//! iterative.

use serde_saphyr::granit_parser::{Event, Marker, Parser, ScalarStyle, ScanError, StructureStyle};

/// Spellings of null for a plain, untagged scalar.
const NULLS: [&str; 5] = ["", "~", "null", "Null", "NULL"];

/// A node and where it is in the text.
#[derive(Debug)]
pub(in crate::render) struct Node {
    /// What the node is.
    pub(in crate::render) kind: Kind,
    /// Byte offset where the content starts (after any tag or anchor; a block scalar starts at
    /// its first content line; a block collection at its first key or `-`).
    pub(in crate::render) start: usize,
    /// Byte offset after the last content (a block collection ends with its last descendant, a
    /// flow collection after its closing bracket).
    pub(in crate::render) end: usize,
    /// Character column of `start`.
    pub(in crate::render) col: usize,
    /// Carries an anchor (`&a`), so aliases elsewhere may repeat it.
    pub(in crate::render) anchored: bool,
    /// Carries an explicit tag.
    pub(in crate::render) tagged: bool,
    /// Is, or holds somewhere below, an anchor or an alias.
    pub(in crate::render) shared: bool,
}

/// The kinds of node.
#[derive(Debug)]
pub(in crate::render) enum Kind {
    /// A scalar.
    Scalar(Scalar),
    /// A sequence; `items` is empty below the depth kept.
    Sequence {
        /// Written `[...]`.
        flow: bool,
        /// The elements.
        items: Vec<Node>,
        /// Byte offset of the closing `]` (flow) or `end` (block).
        close: usize,
    },
    /// A mapping; `entries` is empty below the depth kept.
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
pub(in crate::render) struct Scalar {
    /// The value after escape processing (empty for an implicit null).
    pub(in crate::render) value: String,
    /// How it is written.
    pub(in crate::render) style: ScalarStyle,
    /// Reads as null.
    pub(in crate::render) null: bool,
}

impl Scalar {
    /// Written plain (so YAML's type resolution applies to it unless tagged).
    pub(in crate::render) fn plain(&self) -> bool {
        self.style == ScalarStyle::Plain
    }

    /// A `|` or `>` block scalar, whose span starts at its first content line.
    pub(in crate::render) fn block(&self) -> bool {
        matches!(self.style, ScalarStyle::Literal | ScalarStyle::Folded)
    }
}

impl Node {
    /// What the node is, for error messages.
    pub(in crate::render) fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar(s) if s.null => "null",
            Kind::Scalar(_) => "a scalar",
            Kind::Sequence { .. } => "a sequence",
            Kind::Mapping { .. } => "a mapping",
            Kind::Alias => "an alias",
        }
    }

    /// Carries a tag or an anchor, so rewriting it in place could change more than its value.
    pub(in crate::render) fn decorated(&self) -> bool {
        self.anchored || self.tagged
    }

    /// The scalar, when the node is one.
    pub(in crate::render) fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The value of a non-null scalar.
    pub(in crate::render) fn as_str(&self) -> Option<&str> {
        self.scalar().filter(|s| !s.null).map(|s| s.value.as_str())
    }

    /// Whether the node is a null scalar, or an empty `{}` / `[]`: a place a list may be
    /// created in.
    pub(in crate::render) fn is_empty_value(&self) -> bool {
        match &self.kind {
            Kind::Scalar(s) => s.null,
            Kind::Sequence { flow, items, .. } => *flow && items.is_empty(),
            Kind::Mapping { flow, entries, .. } => *flow && entries.is_empty(),
            Kind::Alias => false,
        }
    }

    /// Whether the node is a flow collection.
    pub(in crate::render) fn is_flow(&self) -> bool {
        matches!(
            self.kind,
            Kind::Sequence { flow: true, .. } | Kind::Mapping { flow: true, .. }
        )
    }

    /// The entries of a mapping (none for other nodes).
    pub(in crate::render) fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Mapping { entries, .. } => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (none for other nodes).
    pub(in crate::render) fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Sequence { items, .. } => items,
            _ => &[],
        }
    }

    /// The first entry of a mapping whose key is the scalar `key`.
    pub(in crate::render) fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.entries()
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// The string value at `key` of a mapping.
    pub(in crate::render) fn str_at(&self, key: &str) -> Option<&str> {
        self.entry(key).and_then(|(_, value)| value.as_str())
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
    anchored: bool,
    tagged: bool,
    shared: bool,
    children: Vec<Node>,
}

impl Frame {
    /// The node, given where its end event is.
    fn finish(self, end_event: At) -> Node {
        let (close, end) = if self.flow {
            (end_event.start, end_event.end)
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
            anchored: self.anchored,
            tagged: self.tagged,
            shared: self.shared || self.anchored,
        }
    }
}

/// Where an event is: start and end offsets, and the start's column.
#[derive(Clone, Copy)]
struct At {
    start: usize,
    end: usize,
    col: usize,
}

/// Every document's root node, in order; collections at `keep_depth` or above (the root is at
/// depth 1) keep their children.
pub(in crate::render) fn parse(text: &str, keep_depth: usize) -> Result<Vec<Node>, ScanError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut roots = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, span) = next?;
        let at = At {
            start: offset(text, span.start),
            end: offset(text, span.end),
            col: span.start.col(),
        };
        if let Some(node) = step(&mut stack, event, at, keep_depth) {
            attach(&mut stack, &mut roots, node);
        }
    }
    Ok(roots)
}

/// Handles one event: returns the node it completes, if any.
fn step(stack: &mut Vec<Frame>, event: Event<'_>, at: At, keep_depth: usize) -> Option<Node> {
    match event {
        Event::Scalar(value, style, anchor, tag) => Some(scalar_node(
            value.into_owned(),
            style,
            (anchor != 0, tag.is_some()),
            at,
        )),
        Event::Alias(_) => Some(Node {
            kind: Kind::Alias,
            start: at.start,
            end: at.end,
            col: at.col,
            anchored: false,
            tagged: false,
            shared: true,
        }),
        Event::SequenceStart(style, anchor, tag) => {
            let keep = stack.len() < keep_depth;
            stack.push(open(false, style, (anchor != 0, tag.is_some()), at, keep));
            None
        }
        Event::MappingStart(style, anchor, tag) => {
            let keep = stack.len() < keep_depth;
            stack.push(open(true, style, (anchor != 0, tag.is_some()), at, keep));
            None
        }
        Event::SequenceEnd | Event::MappingEnd => stack.pop().map(|f| f.finish(at)),
        _ => None,
    }
}

fn open(mapping: bool, style: StructureStyle, marks: (bool, bool), at: At, keep: bool) -> Frame {
    let (anchored, tagged) = marks;
    Frame {
        mapping,
        flow: style == StructureStyle::Flow,
        start: at.start,
        col: at.col,
        end: at.start,
        keep,
        anchored,
        tagged,
        shared: false,
        children: Vec::new(),
    }
}

fn scalar_node(value: String, style: ScalarStyle, marks: (bool, bool), at: At) -> Node {
    let (anchored, tagged) = marks;
    let plain = style == ScalarStyle::Plain;
    // granit reports an implicit null as `~` with an empty span.
    let empty = at.start == at.end && plain;
    let null = plain && !tagged && (empty || NULLS.contains(&value.as_str()));
    let value = if empty { String::new() } else { value };
    Node {
        kind: Kind::Scalar(Scalar { value, style, null }),
        start: at.start,
        end: at.end,
        col: at.col,
        anchored,
        tagged,
        shared: anchored,
    }
}

/// Adds a finished node to its parent (or to the documents) and extends the parent's end.
fn attach(stack: &mut [Frame], roots: &mut Vec<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => {
            parent.end = parent.end.max(node.end);
            parent.shared |= node.shared;
            if parent.keep {
                parent.children.push(node);
            }
        }
        None => roots.push(node),
    }
}

/// The byte offset of `marker`; a parser over a `&str` always reports it, the character index
/// is converted as a fallback.
fn offset(text: &str, marker: Marker) -> usize {
    marker.byte_offset().unwrap_or_else(|| {
        text.char_indices()
            .nth(marker.index())
            .map_or(text.len(), |(byte, _)| byte)
    })
}
