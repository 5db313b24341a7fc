//! The parsed values file: its root mapping, and walking a value path to the node it names (for a
//! read) or to the place a write goes, with the original's key rules and error texts.

use super::path::{Index, Segment, SegmentError};
use super::scalar::Style;
use super::{HelmValuesError, NodeKind};
use std::ops::Range;
use yaml_edit::{AnchorRegistry, Document, Mapping, MappingEntry, Sequence, YamlFile, YamlNode};

/// A parsed values file.
pub(super) struct Values<'t> {
    text: &'t str,
    doc: Option<Document>,
    anchors: AnchorRegistry,
}

/// The root of the first document.
pub(super) enum Root {
    /// No node at all (empty, comments only, or a bare `---`): a new mapping goes at `end`.
    Empty {
        /// Where the first document ends (or the file, if there is no document).
        end: usize,
    },
    /// A mapping, the only root Helm values can have.
    Mapping(Mapping),
}

/// Where a write goes.
pub(super) enum Target {
    /// Overwrite (or fill in) an existing value.
    Slot(Slot),
    /// Create `keys` (nested, the last one holding the value) at the end of `mapping`.
    Insert {
        /// The deepest existing mapping on the path.
        mapping: Mapping,
        /// The missing keys, outermost first.
        keys: Vec<String>,
    },
    /// Create the whole path as the document's root mapping.
    NewRoot {
        /// Where the new mapping goes.
        at: usize,
        /// The keys of the path, outermost first.
        keys: Vec<String>,
    },
}

/// An existing value that a write replaces.
#[derive(Debug)]
pub(super) struct Slot {
    /// The bytes of the value's text (empty for the implicit null of `tag:`).
    pub range: Range<usize>,
    /// How the current value is written.
    pub style: Style,
    /// Whether the value sits inside a flow collection, where more characters need quotes.
    pub flow: bool,
    /// The current value as Helm reads it, when it is a string scalar (not an alias or a
    /// non-`!!str` tagged node, which are replaced whole).
    pub current: Option<String>,
    /// Where the value's key ends, for an implicit null in a mapping (the text goes after `:`).
    pub key_end: Option<usize>,
}

/// Parses `text`, refusing text the parser finds errors in.
pub(super) fn parse(text: &str) -> Result<Values<'_>, HelmValuesError> {
    let parse = YamlFile::parse(text);
    if let Some(message) = parse.errors().into_iter().next() {
        return Err(HelmValuesError::Parse { message });
    }
    let doc = parse.tree().document();
    let anchors = doc
        .as_ref()
        .map(AnchorRegistry::from_document)
        .unwrap_or_default();
    Ok(Values { text, doc, anchors })
}

impl Values<'_> {
    /// The root of the first document (the one Helm reads).
    pub(super) fn root(&self) -> Result<Root, HelmValuesError> {
        let Some(doc) = &self.doc else {
            return Ok(Root::Empty {
                end: self.text.len(),
            });
        };
        let Some(node) = root_node(doc) else {
            return Ok(Root::Empty {
                end: doc.byte_range().end as usize,
            });
        };
        mapping_of(&node)
            .map(Root::Mapping)
            .ok_or_else(|| HelmValuesError::UnexpectedRoot {
                kind: kind_of(&node),
            })
    }

    /// Reads `path`: the nested walk first, then a literal dotted key at the root.
    pub(super) fn read(&self, root: &Mapping, path: &str) -> Option<String> {
        let walker = Walker { values: self, path };
        let nested = match walker.walk(root) {
            Ok(Walk::Found(found)) => string_of(&self.follow(found.node)),
            _ => None,
        };
        nested.or_else(|| {
            let entry = literal_entry(root, path)?;
            string_of(&self.follow(entry.value_node()?))
        })
    }

    /// Where a write of `path` goes: a literal dotted key at the root first, then the nested walk.
    pub(super) fn locate(&self, root: &Mapping, path: &str) -> Result<Target, HelmValuesError> {
        let walker = Walker { values: self, path };
        if let Some(entry) = literal_entry(root, path) {
            let found = found_at(&entry, path, is_flow(self.text, root))?;
            return walker.slot(found).map(Target::Slot);
        }
        match walker.walk(root)? {
            Walk::Found(found) => walker.slot(found).map(Target::Slot),
            Walk::Missing { mapping, keys } => Ok(Target::Insert { mapping, keys }),
        }
    }

    /// The keys of `path` for a new root mapping (no segment may index a sequence).
    pub(super) fn new_root(&self, path: &str, at: usize) -> Result<Target, HelmValuesError> {
        let walker = Walker { values: self, path };
        let keys = walker.missing_keys(&path.split('.').collect::<Vec<_>>())?;
        Ok(Target::NewRoot { at, keys })
    }

    /// The node an alias refers to, or `node` itself when it is not an alias (or its anchor is
    /// not defined before it).
    fn follow(&self, node: YamlNode) -> YamlNode {
        match &node {
            YamlNode::Alias(alias) => self.anchors.resolve_alias(alias).unwrap_or(node),
            _ => node,
        }
    }
}

/// A node reached by the walk, with what a write there needs to know.
struct Found {
    node: YamlNode,
    key: String,
    flow: bool,
    key_end: Option<usize>,
}

/// The result of walking a path.
enum Walk {
    Found(Found),
    Missing { mapping: Mapping, keys: Vec<String> },
}

/// Walks one path, building its errors.
struct Walker<'a> {
    values: &'a Values<'a>,
    path: &'a str,
}

impl Walker<'_> {
    /// Descends mapping by mapping; stops at the final node or the first missing key.
    fn walk(&self, root: &Mapping) -> Result<Walk, HelmValuesError> {
        let segments: Vec<&str> = self.path.split('.').collect();
        let mut current = root.clone();
        for (i, raw) in segments.iter().enumerate() {
            let segment = self.segment(raw)?;
            let Some(entry) = find_entry(&current, segment.key) else {
                let keys = self.missing_keys(&segments[i..])?;
                return Ok(Walk::Missing {
                    mapping: current,
                    keys,
                });
            };
            let found = self.step(&entry, &segment, is_flow(self.values.text, &current))?;
            if i + 1 == segments.len() {
                return Ok(Walk::Found(found));
            }
            current = self.descend(found)?;
        }
        // `split` yields at least one segment, so the loop always returns.
        Ok(Walk::Missing {
            mapping: current,
            keys: Vec::new(),
        })
    }

    /// From a found entry to its value, or to the item its index names.
    fn step(
        &self,
        entry: &MappingEntry,
        segment: &Segment<'_>,
        flow: bool,
    ) -> Result<Found, HelmValuesError> {
        let found = found_at(entry, segment.key, flow)?;
        let Some(index) = segment.index else {
            if sequence_of(&self.values.follow(found.node.clone())).is_some() {
                return Err(self.no_id(segment.key));
            }
            return Ok(found);
        };
        let target = self.values.follow(found.node);
        let sequence = sequence_of(&target).ok_or_else(|| self.not_array(index, segment.key))?;
        let item = self.item(&sequence, index)?;
        Ok(Found {
            node: item,
            key: segment.key.to_owned(),
            flow: starts_with(self.values.text, sequence.byte_range(), '['),
            key_end: None,
        })
    }

    /// The mapping under a found intermediate node.
    fn descend(&self, found: Found) -> Result<Mapping, HelmValuesError> {
        let node = self.values.follow(found.node);
        mapping_of(&node).ok_or_else(|| HelmValuesError::UnexpectedType {
            kind: kind_of(&node),
            key: found.key,
            path: self.path.to_owned(),
        })
    }

    /// The write slot for the final node of a path.
    fn slot(&self, found: Found) -> Result<Slot, HelmValuesError> {
        let whole = |range: Range<usize>| Slot {
            range,
            style: Style::Plain,
            flow: found.flow,
            current: None,
            key_end: found.key_end,
        };
        match &found.node {
            YamlNode::Scalar(scalar) => Ok(Slot {
                range: range_of(scalar.byte_range()),
                style: Style::of(&scalar.value()),
                flow: found.flow,
                current: Some(scalar.as_string()),
                key_end: found.key_end,
            }),
            YamlNode::TaggedNode(tagged) => match tagged.value() {
                // `!!str` keeps its tag; any other tag would make Helm read a non-string.
                Some(inner) if is_str_tag(tagged) && !inner.value().is_empty() => Ok(Slot {
                    range: range_of(inner.byte_range()),
                    style: Style::of(&inner.value()),
                    flow: found.flow,
                    current: Some(inner.as_string()),
                    key_end: None,
                }),
                Some(_) => Ok(whole(range_of(found.node.byte_range()))),
                None => Err(self.unexpected(&found.node, &found.key)),
            },
            YamlNode::Alias(_) => Ok(whole(range_of(found.node.byte_range()))),
            YamlNode::Sequence(_) => Err(self.no_id(&found.key)),
            YamlNode::Mapping(_) => Err(self.unexpected(&found.node, &found.key)),
        }
    }

    /// The keys of the segments from the first missing one on, which cannot index a sequence
    /// that does not exist.
    fn missing_keys(&self, segments: &[&str]) -> Result<Vec<String>, HelmValuesError> {
        segments
            .iter()
            .map(|raw| {
                let segment = self.segment(raw)?;
                match segment.index {
                    Some(index) => Err(self.not_array(index, segment.key)),
                    None => Ok(segment.key.to_owned()),
                }
            })
            .collect()
    }

    fn segment<'s>(&self, raw: &'s str) -> Result<Segment<'s>, HelmValuesError> {
        Segment::parse(raw).map_err(|error| match error {
            SegmentError::NoId => self.no_id(raw.split('[').next().unwrap_or(raw)),
            SegmentError::BadId => HelmValuesError::BadId {
                segment: raw.to_owned(),
                path: self.path.to_owned(),
            },
        })
    }

    fn item(&self, sequence: &Sequence, index: Index<'_>) -> Result<YamlNode, HelmValuesError> {
        let len = sequence.len();
        usize::try_from(index.value)
            .ok()
            .and_then(|i| sequence.get(i))
            .ok_or_else(|| HelmValuesError::OutOfRange {
                id: index.value,
                len,
                path: self.path.to_owned(),
            })
    }

    fn no_id(&self, key: &str) -> HelmValuesError {
        HelmValuesError::NoId {
            key: key.to_owned(),
            path: self.path.to_owned(),
        }
    }

    fn not_array(&self, index: Index<'_>, key: &str) -> HelmValuesError {
        HelmValuesError::NotArray {
            id: index.raw.to_owned(),
            key: key.to_owned(),
            path: self.path.to_owned(),
        }
    }

    fn unexpected(&self, node: &YamlNode, key: &str) -> HelmValuesError {
        HelmValuesError::UnexpectedType {
            kind: kind_of(node),
            key: key.to_owned(),
            path: self.path.to_owned(),
        }
    }
}

/// The found value of a mapping entry.
fn found_at(entry: &MappingEntry, key: &str, flow: bool) -> Result<Found, HelmValuesError> {
    let node = entry.value_node().ok_or_else(|| HelmValuesError::Parse {
        message: format!("the entry `{key}` has no value node"),
    })?;
    Ok(Found {
        node,
        key: key.to_owned(),
        flow,
        key_end: entry.key_node().map(|k| k.byte_range().end as usize),
    })
}

/// The first entry of `mapping` whose key reads as `key` (the original compares decoded text,
/// so `"a"` and `a` are the same key).
fn find_entry(mapping: &Mapping, key: &str) -> Option<MappingEntry> {
    mapping
        .entries()
        .find(|entry| entry.key_node().and_then(|k| string_of(&k)).as_deref() == Some(key))
}

/// A root key spelled like the whole dotted path (`image.tag: v1`).
fn literal_entry(root: &Mapping, path: &str) -> Option<MappingEntry> {
    find_entry(root, path)
}

/// The decoded text of a scalar (or tagged scalar) node.
fn string_of(node: &YamlNode) -> Option<String> {
    match node {
        YamlNode::Scalar(scalar) => Some(scalar.as_string()),
        YamlNode::TaggedNode(tagged) => tagged.value().map(|s| s.as_string()),
        _ => None,
    }
}

fn root_node(doc: &Document) -> Option<YamlNode> {
    doc.as_mapping()
        .map(YamlNode::Mapping)
        .or_else(|| doc.as_sequence().map(YamlNode::Sequence))
        .or_else(|| doc.as_tagged().map(YamlNode::TaggedNode))
        .or_else(|| doc.as_scalar().map(YamlNode::Scalar))
}

fn mapping_of(node: &YamlNode) -> Option<Mapping> {
    match node {
        YamlNode::Mapping(mapping) => Some(mapping.clone()),
        YamlNode::TaggedNode(tagged) => tagged.as_mapping(),
        _ => None,
    }
}

fn sequence_of(node: &YamlNode) -> Option<Sequence> {
    match node {
        YamlNode::Sequence(sequence) => Some(sequence.clone()),
        YamlNode::TaggedNode(tagged) => tagged.as_sequence(),
        _ => None,
    }
}

/// The node kind as the original names it in errors.
fn kind_of(node: &YamlNode) -> NodeKind {
    match node {
        YamlNode::Mapping(_) => NodeKind::Mapping,
        YamlNode::Sequence(_) => NodeKind::Sequence,
        YamlNode::Alias(_) => NodeKind::Alias,
        YamlNode::Scalar(_) => NodeKind::Scalar,
        YamlNode::TaggedNode(tagged) if tagged.as_mapping().is_some() => NodeKind::Mapping,
        YamlNode::TaggedNode(tagged) if tagged.as_sequence().is_some() => NodeKind::Sequence,
        YamlNode::TaggedNode(_) => NodeKind::Scalar,
    }
}

fn is_str_tag(tagged: &yaml_edit::TaggedNode) -> bool {
    tagged.resolved_tag().as_deref() == Some("!!str")
}

/// Whether a mapping is written `{...}`.
pub(super) fn is_flow(text: &str, mapping: &Mapping) -> bool {
    starts_with(text, mapping.byte_range(), '{')
}

fn starts_with(text: &str, position: yaml_edit::TextPosition, c: char) -> bool {
    text.get(position.start as usize..)
        .is_some_and(|rest| rest.starts_with(c))
}

pub(super) fn range_of(position: yaml_edit::TextPosition) -> Range<usize> {
    position.start as usize..position.end as usize
}
