//! Go `text/template` rendering (through gtmpl) of commit messages (spec §7.2.9, §2.5) and
//! write-branch names (spec §7.2.2), with the data the original passes to each.
//!
//! Differences from Go's `text/template` that a template author can notice:
//! - A missing **field** (e.g. `{{ .Nope }}`) is an execution error, as for Go structs; a
//!   missing **map key** (e.g. `{{ .Labels.nope }}`) prints `<no value>`, as in Go. `index` on
//!   a missing label returns `""`, the zero value, as in Go (gtmpl alone would give
//!   `<no value>`; `template/funcs.rs` overrides `index` for that).
//! - `range` over `.Labels` visits the labels in an unspecified order (Go sorts map keys), and
//!   `{{ .Labels }}` or `{{ .AppChanges }}` print Rust's debug form (Go: `map[k:v]`, `[a b]`).
//!   Iterate the ordered lists or use `index .Labels "key"` for stable output; `printf "%v"`
//!   prints maps sorted, as Go does.
//! - gtmpl lacks `html`, `js` and `slice`; they are added with Go's semantics, except that
//!   `slice` on a string must cut on character boundaries (Go cuts bytes and may emit invalid
//!   UTF-8). `printf` is replaced by a port of Go's `fmt` directives (`template/printf.rs`
//!   lists what differs).
//! - Refused at parse time, because gtmpl would panic, hang or overflow the stack on them
//!   (`template/scan.rs`): a non-ASCII character inside an action outside a string literal
//!   (Go allows Unicode identifiers), a non-ASCII string literal that also has escapes, a
//!   backslash in a raw string, and `template` inside a `define`/`block` body.
//! - Trim markers and comments are applied before gtmpl parses, and line breaks inside
//!   actions are allowed, as in Go. gtmpl's own error messages count lines in that
//!   normalised text, so they can be off from the original file.
//! - gtmpl keeps negative non-integral number literals as truncated integers (`-1.5` is `-1`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use gtmpl::{Context, Value};
use sha2::{Digest, Sha256};

mod funcs;
mod printf;
mod scan;

#[cfg(test)]
mod tests;

/// Name given to a commit message template parsed without a name of its own.
pub const DEFAULT_COMMIT_TEMPLATE_NAME: &str = "commit-message";

/// The original's default commit message template, byte for byte.
pub const DEFAULT_COMMIT_TEMPLATE: &str = "build: automatic update of {{ .AppName }}\n\n{{ range .AppChanges -}}\nupdates image {{ .Image }} tag '{{ .OldTag }}' to '{{ .NewTag }}'\n{{ end -}}\n";

/// The push branch used in pull-request mode.
pub const PULL_REQUEST_BRANCH_TEMPLATE: &str = "image-updater-{{.TargetKey}}-{{.SHA256}}";

/// Git refuses longer ref components; the original truncates branch names to this many bytes.
pub const MAX_BRANCH_NAME_BYTES: usize = 255;

/// Why a template could not be parsed or rendered.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The template text is not a valid Go template.
    #[error("cannot parse template `{name}`")]
    Parse {
        /// Where the template came from (a file path, or a fixed name).
        name: String,
        /// gtmpl's explanation, with the line (boxed: gtmpl's error is large).
        #[source]
        source: Box<gtmpl::TemplateError>,
    },
    /// The template uses a construct this port refuses before gtmpl sees it (see
    /// the module documentation), or an action or comment is not closed.
    #[error("cannot parse template `{name}`: {problem} at line {line}")]
    Unsupported {
        /// Where the template came from.
        name: String,
        /// 1-based line of the offending action.
        line: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// Executing the template failed (e.g. a missing field or a failing function).
    #[error("cannot render template `{name}`")]
    Execute {
        /// Where the template came from.
        name: String,
        /// gtmpl's explanation (boxed: gtmpl's error is large).
        #[source]
        source: Box<gtmpl::TemplateError>,
    },
    /// A branch name template rendered to nothing.
    #[error("branch name template `{template}` rendered an empty branch name")]
    EmptyBranchName {
        /// The template text.
        template: String,
    },
}

/// A parsed commit message template. Cheap to clone (the parsed form is shared).
#[derive(Clone)]
pub struct CommitTemplate {
    name: String,
    text: String,
    parsed: Arc<gtmpl::Template>,
}

impl fmt::Debug for CommitTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommitTemplate")
            .field("name", &self.name)
            .field("text", &self.text)
            .finish_non_exhaustive()
    }
}

impl CommitTemplate {
    /// Parses a commit message template named [`DEFAULT_COMMIT_TEMPLATE_NAME`].
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        Self::parse_named(DEFAULT_COMMIT_TEMPLATE_NAME, text)
    }

    /// Parses a commit message template; `name` (e.g. the file it was read from) appears in
    /// errors.
    pub fn parse_named(name: &str, text: &str) -> Result<Self, TemplateError> {
        let parsed = parse_template(name, text)?;
        Ok(Self {
            name: name.to_owned(),
            text: text.to_owned(),
            parsed: Arc::new(parsed),
        })
    }

    /// The original's default template ([`DEFAULT_COMMIT_TEMPLATE`]).
    pub fn default_template() -> Self {
        // The default is a constant known to parse; should gtmpl ever disagree, fall back to a
        // template without actions rather than panic.
        Self::parse(DEFAULT_COMMIT_TEMPLATE)
            .or_else(|_| Self::parse("build: automatic update"))
            .unwrap_or_else(|_| Self {
                name: DEFAULT_COMMIT_TEMPLATE_NAME.to_owned(),
                text: String::new(),
                parsed: Arc::new(gtmpl::Template::with_name(DEFAULT_COMMIT_TEMPLATE_NAME)),
            })
    }

    /// The name given at parse time.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The template text as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Renders the message for `data`.
    pub fn render_commit_message(&self, data: &CommitMessageData) -> Result<String, TemplateError> {
        render(&self.name, &self.parsed, data.to_value())
    }

    /// Renders the message, or the original's fallback `build: update of application <app>`
    /// when the template fails to execute.
    pub fn render_commit_message_or_fallback(&self, data: &CommitMessageData) -> String {
        self.render_commit_message(data)
            .unwrap_or_else(|_| fallback_commit_message(&data.app_name))
    }

    /// The message of one commit carrying the changes of several applications (we batch by
    /// repository and branch; the original commits per application): each application's
    /// message in order, separated by a blank line. One application gives exactly the
    /// original's message.
    pub fn render_batch_commit_message(&self, apps: &[CommitMessageData]) -> String {
        if let [single] = apps {
            return self.render_commit_message_or_fallback(single);
        }
        let messages: Vec<String> = apps
            .iter()
            .map(|app| {
                let message = self.render_commit_message_or_fallback(app);
                message.trim_end_matches('\n').to_owned()
            })
            .collect();
        format!("{}\n", messages.join("\n\n"))
    }
}

/// The message the original commits when the template fails.
pub fn fallback_commit_message(app_name: &str) -> String {
    format!("build: update of application {app_name}")
}

/// The data a commit message template sees: `.AppName` and `.AppChanges`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitMessageData {
    /// `.AppName`.
    pub app_name: String,
    /// `.AppChanges`, in update order.
    pub changes: Vec<CommitChange>,
}

/// One entry of `.AppChanges`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitChange {
    /// `.Image`: the image name **without** registry, e.g. `example/example`.
    pub image: String,
    /// `.OldTag`: the old digest when set, else the old tag.
    pub old_tag: String,
    /// `.NewTag`: the new digest when set, else the new tag.
    pub new_tag: String,
    /// `.Labels`: OCI labels of the new image; empty when no metadata was fetched.
    pub labels: BTreeMap<String, String>,
}

impl CommitMessageData {
    /// The fixed sample data of the original's `template` command.
    pub fn sample() -> Self {
        let change = |image: &str, old_tag: &str, new_tag: &str| CommitChange {
            image: image.to_owned(),
            old_tag: old_tag.to_owned(),
            new_tag: new_tag.to_owned(),
            labels: BTreeMap::new(),
        };
        Self {
            app_name: "example-app".to_owned(),
            changes: vec![
                change("example/example", "1.0.0", "1.0.1"),
                change(
                    "example/updater",
                    "sha256:01d09d19c2139a46aebfb577780d123d7396e97201bc7ead210a2ebff8239dee",
                    "sha256:7aa7a5359173d05b63cfd682e3c38487f3cb4f7f1d60659fe59fab1505977d4c",
                ),
            ],
        }
    }

    fn to_value(&self) -> Value {
        let changes: Vec<Value> = self.changes.iter().map(CommitChange::to_value).collect();
        object([
            ("AppName", Value::from(self.app_name.as_str())),
            ("AppChanges", Value::Array(changes)),
        ])
    }
}

impl CommitChange {
    fn to_value(&self) -> Value {
        let labels = self
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        object([
            ("Image", Value::from(self.image.as_str())),
            ("OldTag", Value::from(self.old_tag.as_str())),
            ("NewTag", Value::from(self.new_tag.as_str())),
            ("Labels", Value::Map(labels)),
        ])
    }
}

/// The data a write-branch template sees (spec §7.2.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BranchTemplateData {
    /// `.AppName`; the original leaves it empty outside pull-request mode.
    pub app_name: String,
    /// `.AppNamespace`; the original leaves it empty outside pull-request mode.
    pub app_namespace: String,
    /// `.TargetKey`: see [`target_key`].
    pub target_key: String,
    /// `.SHA256`: see [`changes_sha256`].
    pub sha256: String,
    /// `.Images`, in update order.
    pub images: Vec<BranchImage>,
}

/// One entry of `.Images`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BranchImage {
    /// `.Name`: the image name without registry.
    pub name: String,
    /// `.Alias`.
    pub alias: String,
    /// `.OldTag`: the old digest when set, else the old tag.
    pub old_tag: String,
    /// `.NewTag`: the new digest when set, else the new tag.
    pub new_tag: String,
}

impl BranchTemplateData {
    fn to_value(&self) -> Value {
        let images: Vec<Value> = self.images.iter().map(BranchImage::to_value).collect();
        object([
            ("AppName", Value::from(self.app_name.as_str())),
            ("AppNamespace", Value::from(self.app_namespace.as_str())),
            ("TargetKey", Value::from(self.target_key.as_str())),
            ("SHA256", Value::from(self.sha256.as_str())),
            ("Images", Value::Array(images)),
        ])
    }
}

impl BranchImage {
    fn to_value(&self) -> Value {
        object([
            ("Name", Value::from(self.name.as_str())),
            ("Alias", Value::from(self.alias.as_str())),
            ("OldTag", Value::from(self.old_tag.as_str())),
            ("NewTag", Value::from(self.new_tag.as_str())),
        ])
    }
}

/// Renders a write-branch template, truncated to [`MAX_BRANCH_NAME_BYTES`]. An empty result is
/// an error.
///
/// Deliberate differences: the original panics on an unparsable template (`template.Must`)
/// and cuts at exactly 255 bytes even inside a multi-byte character; here the first is an
/// error and the cut moves back to the previous character boundary.
pub fn render_branch_name(
    template: &str,
    data: &BranchTemplateData,
) -> Result<String, TemplateError> {
    let name = "branch";
    let parsed = parse_template(name, template)?;
    let mut rendered = render(name, &parsed, data.to_value())?;
    truncate_on_char_boundary(&mut rendered, MAX_BRANCH_NAME_BYTES);
    if rendered.is_empty() {
        return Err(TemplateError::EmptyBranchName {
            template: template.to_owned(),
        });
    }
    Ok(rendered)
}

/// `.SHA256`: hex SHA-256 over `<name>-<old>-<new>,` for every change, in order.
pub fn changes_sha256(images: &[BranchImage]) -> String {
    let mut hasher = Sha256::new();
    for image in images {
        hasher.update(format!(
            "{}-{}-{},",
            image.name, image.old_tag, image.new_tag
        ));
    }
    hex::encode(hasher.finalize())
}

/// `.TargetKey`: the first 8 hex characters of SHA-256 over `<repo>|<branch>|<target>`.
pub fn target_key(repo: &str, branch: &str, target: &str) -> String {
    let digest = Sha256::digest(format!("{repo}|{branch}|{target}"));
    let mut key = hex::encode(digest);
    key.truncate(8);
    key
}

fn parse_template(name: &str, text: &str) -> Result<gtmpl::Template, TemplateError> {
    let prepared = scan::prepare(text).map_err(|e| TemplateError::Unsupported {
        name: name.to_owned(),
        line: e.line,
        problem: e.problem,
    })?;
    let mut template = gtmpl::Template::with_name(name);
    funcs::add_missing_builtins(&mut template);
    template
        .parse(prepared)
        .map_err(|source| TemplateError::Parse {
            name: name.to_owned(),
            source: Box::new(source.into()),
        })?;
    Ok(template)
}

fn render(name: &str, template: &gtmpl::Template, data: Value) -> Result<String, TemplateError> {
    template
        .render(&Context::from(data))
        .map_err(|source| TemplateError::Execute {
            name: name.to_owned(),
            source: Box::new(source.into()),
        })
}

/// A struct-like value: a missing field is an execution error, as for a Go struct.
fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    let map: HashMap<String, Value> = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    Value::Object(map)
}

fn truncate_on_char_boundary(text: &mut String, max_bytes: usize) {
    if text.len() <= max_bytes {
        return;
    }
    let cut = (0..=max_bytes)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    text.truncate(cut);
}
