//! The write rules of the apiserver's generic registry, applied to JSON objects: system fields
//! on create, optimistic concurrency, the status subresource split, generation bumps, no-op
//! updates, deletion preconditions.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{EventType, Store, key};
use crate::kube::{resource::ResourceType, status::ApiFailure};

/// The letters the apiserver uses for `generateName` suffixes (no vowels, no look-alikes).
const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// How an update treats the incoming object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UpdateMode {
    /// A write to `/status`: only `.status` is taken from the incoming object.
    pub(crate) status_only: bool,
    /// A PUT of a custom resource: `metadata.resourceVersion` must be given.
    pub(crate) require_version: bool,
}

impl Store {
    /// POST: stores a new object with the system fields set by the server.
    pub(crate) fn create(
        &mut self,
        resource: &ResourceType,
        namespace: &str,
        mut object: Value,
    ) -> Result<Value, ApiFailure> {
        check_is_object(resource, &object)?;
        check_namespace(resource, &mut object, namespace)?;
        let name = self.creation_name(resource, &mut object)?;
        if self.objects.contains_key(&key(resource, namespace, &name)) {
            return Err(ApiFailure::already_exists(resource, &name));
        }
        if object["metadata"]["resourceVersion"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
        {
            let message = "resourceVersion should not be set on objects to be created";
            return Err(ApiFailure::new(500, "InternalError", message));
        }
        if resource.has_status {
            remove_field(&mut object, "status");
        }
        // The server owns these; what the client sent is dropped, not kept.
        for field in [
            "uid",
            "creationTimestamp",
            "generation",
            "deletionTimestamp",
        ] {
            remove_field(&mut object["metadata"], field);
        }
        self.set_system_fields(resource, &mut object, None);
        Ok(self.commit(EventType::Added, resource, object, None))
    }

    /// Seeds an object as the test wrote it (status included), creating or replacing it.
    pub(crate) fn seed(
        &mut self,
        resource: &ResourceType,
        mut object: Value,
    ) -> Result<Value, ApiFailure> {
        check_is_object(resource, &object)?;
        let namespace = object["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if resource.namespaced && namespace.is_empty() {
            return Err(ApiFailure::bad_request(
                "a namespaced object needs `metadata.namespace`",
            ));
        }
        let name = self.creation_name(resource, &mut object)?;
        let previous = self.objects.get(&key(resource, &namespace, &name)).cloned();
        self.set_system_fields(resource, &mut object, previous.as_ref());
        let event = if previous.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        Ok(self.commit(event, resource, object, previous))
    }

    /// PUT or PATCH (after the patch is applied): replaces the object, keeping what the server
    /// owns; a no-op write changes nothing, not even the resourceVersion.
    pub(crate) fn update(
        &mut self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
        mut object: Value,
        mode: UpdateMode,
    ) -> Result<Value, ApiFailure> {
        let current = self.get(resource, namespace, name)?;
        check_is_object(resource, &object)?;
        check_namespace(resource, &mut object, namespace)?;
        check_name(&mut object, name)?;
        check_version(resource, name, &object, &current, mode.require_version)?;
        let next = if mode.status_only {
            with_status_of(&current, &object)
        } else {
            keep_server_fields(resource, &current, object)
        };
        if next == current {
            return Ok(current);
        }
        Ok(self.commit(EventType::Modified, resource, next, Some(current)))
    }

    /// DELETE: removes the object (with an optional resourceVersion precondition) and returns
    /// its last state.
    pub(crate) fn delete(
        &mut self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
        precondition: Option<&str>,
    ) -> Result<Value, ApiFailure> {
        let current = self.get(resource, namespace, name)?;
        if precondition.is_some_and(|wanted| current["metadata"]["resourceVersion"] != wanted) {
            return Err(ApiFailure::conflict(resource, name));
        }
        Ok(self.commit(EventType::Deleted, resource, current, None))
    }

    /// The object's name, generated from `generateName` if needed, validated like a DNS
    /// subdomain.
    fn creation_name(
        &mut self,
        resource: &ResourceType,
        object: &mut Value,
    ) -> Result<String, ApiFailure> {
        let metadata = &object["metadata"];
        let name = match (metadata["name"].as_str(), metadata["generateName"].as_str()) {
            (Some(name), _) if !name.is_empty() => name.to_owned(),
            (_, Some(prefix)) if !prefix.is_empty() => format!("{prefix}{}", self.name_suffix()),
            _ => {
                let message = format!(
                    "{} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                    resource.kind
                );
                return Err(ApiFailure::invalid(message));
            }
        };
        if !is_dns_subdomain(&name) {
            let message = format!(
                "{} \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a lowercase \
                 RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'",
                resource.kind
            );
            return Err(ApiFailure::invalid(message));
        }
        object["metadata"]["name"] = json!(name);
        Ok(name)
    }

    /// Five characters from the apiserver's alphabet, distinct for each call.
    fn name_suffix(&mut self) -> String {
        self.sequence += 1;
        let base = NAME_ALPHABET.len() as u64;
        let mut rest = self.sequence.wrapping_add(self.seed);
        (0..5)
            .map(|_| {
                let letter = NAME_ALPHABET[(rest % base) as usize];
                rest /= base;
                char::from(letter)
            })
            .collect()
    }

    /// apiVersion, kind, uid, creationTimestamp and generation: kept from `existing` (or the
    /// seed) when present, else new.
    fn set_system_fields(
        &mut self,
        resource: &ResourceType,
        object: &mut Value,
        existing: Option<&Value>,
    ) {
        object["apiVersion"] = json!(resource.api_version());
        object["kind"] = json!(resource.kind);
        let uid = existing.map(|old| old["metadata"]["uid"].clone());
        let metadata = &mut object["metadata"];
        if let Some(fields) = metadata.as_object_mut() {
            fields.remove("generateName");
            fields.remove("resourceVersion");
        }
        if let Some(uid) = uid.filter(Value::is_string) {
            metadata["uid"] = uid;
        } else if !metadata["uid"].is_string() {
            metadata["uid"] = json!(self.next_uid());
        }
        if !metadata["creationTimestamp"].is_string() {
            metadata["creationTimestamp"] = json!(now());
        }
        if resource.is_custom() && !metadata["generation"].is_u64() {
            metadata["generation"] = json!(1);
        }
    }
}

/// The current time as the apiserver writes `metav1.Time` (RFC 3339, seconds).
fn now() -> String {
    Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Whether `name` is a lowercase RFC 1123 subdomain of at most 253 characters.
fn is_dns_subdomain(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    name.len() <= 253
        && name.chars().all(allowed)
        && edge(name.chars().next())
        && edge(name.chars().last())
}

/// 400 unless the body is a JSON object (with an object or absent `metadata`).
fn check_is_object(resource: &ResourceType, object: &Value) -> Result<(), ApiFailure> {
    let metadata_ok = matches!(object.get("metadata"), None | Some(Value::Object(_)));
    if object.is_object() && metadata_ok {
        return Ok(());
    }
    let message = format!(
        "the body of the request is not a valid {} object",
        resource.kind
    );
    Err(ApiFailure::bad_request(message))
}

/// Sets the namespace from the path; 400 if the body names another one.
fn check_namespace(
    resource: &ResourceType,
    object: &mut Value,
    namespace: &str,
) -> Result<(), ApiFailure> {
    if !resource.namespaced {
        remove_field(&mut object["metadata"], "namespace");
        return Ok(());
    }
    match object["metadata"]["namespace"].as_str() {
        Some(given) if !given.is_empty() && given != namespace => Err(ApiFailure::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        )),
        _ => {
            object["metadata"]["namespace"] = json!(namespace);
            Ok(())
        }
    }
}

/// Fills an empty name from the path; 400 if the body names another object.
fn check_name(object: &mut Value, name: &str) -> Result<(), ApiFailure> {
    match object["metadata"]["name"].as_str() {
        Some(given) if !given.is_empty() && given != name => {
            let message = format!(
                "the name of the object ({given}) does not match the name on the URL ({name})"
            );
            Err(ApiFailure::bad_request(message))
        }
        _ => {
            object["metadata"]["name"] = json!(name);
            Ok(())
        }
    }
}

/// Optimistic concurrency: a given resourceVersion must be the current one.
fn check_version(
    resource: &ResourceType,
    name: &str,
    object: &Value,
    current: &Value,
    required: bool,
) -> Result<(), ApiFailure> {
    match object["metadata"]["resourceVersion"]
        .as_str()
        .filter(|v| !v.is_empty())
    {
        Some(given) if current["metadata"]["resourceVersion"] != given => {
            Err(ApiFailure::conflict(resource, name))
        }
        None if required => Err(ApiFailure::invalid(format!(
            "{}.{} \"{name}\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be \
             specified for an update",
            resource.kind, resource.group
        ))),
        _ => Ok(()),
    }
}

/// A `/status` write: the current object with only `.status` taken from `incoming`.
fn with_status_of(current: &Value, incoming: &Value) -> Value {
    let mut next = current.clone();
    match incoming.get("status") {
        Some(status) => next["status"] = status.clone(),
        None => remove_field(&mut next, "status"),
    }
    next
}

/// A main-resource write: `incoming` with the server-owned fields of `current`, `.status`
/// kept when it is a subresource, and `generation` bumped when anything but metadata (and
/// such a status) changed.
fn keep_server_fields(resource: &ResourceType, current: &Value, mut incoming: Value) -> Value {
    incoming["apiVersion"] = current["apiVersion"].clone();
    incoming["kind"] = current["kind"].clone();
    for field in ["uid", "creationTimestamp", "resourceVersion", "generation"] {
        match current["metadata"].get(field) {
            Some(value) => incoming["metadata"][field] = value.clone(),
            None => remove_field(&mut incoming["metadata"], field),
        }
    }
    if resource.has_status {
        incoming = with_status_of(&incoming, current);
    }
    if resource.is_custom() && without_metadata(&incoming) != without_metadata(current) {
        let generation = current["metadata"]["generation"].as_u64().unwrap_or(0);
        incoming["metadata"]["generation"] = json!(generation + 1);
    }
    incoming
}

/// The object minus `metadata`, for the generation rule.
fn without_metadata(object: &Value) -> Value {
    let mut rest = object.clone();
    remove_field(&mut rest, "metadata");
    rest
}

/// Removes `field` if `object` is an object.
fn remove_field(object: &mut Value, field: &str) {
    if let Some(fields) = object.as_object_mut() {
        fields.remove(field);
    }
}
