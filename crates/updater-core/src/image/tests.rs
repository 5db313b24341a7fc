//! Unit tests for image reference parsing and rendering.

use super::*;

const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn parse(input: &str) -> ImageRef {
    ImageRef::parse(input).unwrap_or_else(|e| panic!("`{input}` should parse: {e}"))
}

fn image(registry: &str, name: &str, tag: Option<&str>, digest: Option<&str>) -> ImageRef {
    ImageRef {
        alias: None,
        registry: registry.to_owned(),
        name: name.to_owned(),
        tag: tag.map(str::to_owned),
        digest: digest.map(str::to_owned),
    }
}

#[test]
fn docker_hub_implicit() {
    assert_eq!(parse("nginx"), image("", "nginx", None, None));
    assert_eq!(parse("nginx:1.25"), image("", "nginx", Some("1.25"), None));
    assert_eq!(
        parse("bitnami/redis:7"),
        image("", "bitnami/redis", Some("7"), None)
    );
}

#[test]
fn docker_hub_explicit_domain_is_kept() {
    assert_eq!(
        parse("docker.io/nginx"),
        image("docker.io", "nginx", None, None)
    );
    assert_eq!(
        parse("docker.io/bitnami/redis:7"),
        image("docker.io", "bitnami/redis", Some("7"), None)
    );
}

#[test]
fn docker_hub_library_prefix_is_stripped_after_domain() {
    assert_eq!(
        parse("docker.io/library/nginx"),
        image("docker.io", "nginx", None, None)
    );
}

#[test]
fn docker_hub_library_prefix_is_kept_when_written_first() {
    assert_eq!(
        parse("library/nginx"),
        image("", "library/nginx", None, None)
    );
    assert_eq!(
        parse("library/nginx:1"),
        image("", "library/nginx", Some("1"), None)
    );
}

#[test]
fn legacy_hub_domain_becomes_implicit() {
    assert_eq!(parse("index.docker.io/x"), image("", "x", None, None));
    assert_eq!(
        parse("index.docker.io/org/x:2"),
        image("", "org/x", Some("2"), None)
    );
}

#[test]
fn localhost_with_port_is_a_registry() {
    assert_eq!(
        parse("localhost:5000/x"),
        image("localhost:5000", "x", None, None)
    );
    assert_eq!(
        parse("localhost/x:1"),
        image("localhost", "x", Some("1"), None)
    );
    assert_eq!(parse("[::1]:5000/x"), image("[::1]:5000", "x", None, None));
}

#[test]
fn other_registries_keep_library() {
    assert_eq!(
        parse("quay.io/library/x"),
        image("quay.io", "library/x", None, None)
    );
    assert_eq!(
        parse("quay.io/org/x"),
        image("quay.io", "org/x", None, None)
    );
}

#[test]
fn tag_and_digest_together() {
    let digest = format!("sha256:{HEX}");
    assert_eq!(
        parse(&format!("gcr.io/a/b:1.2@{digest}")),
        image("gcr.io", "a/b", Some("1.2"), Some(&digest))
    );
}

#[test]
fn digest_only() {
    let digest = format!("sha256:{HEX}");
    assert_eq!(
        parse(&format!("nginx@{digest}")),
        image("", "nginx", None, Some(&digest))
    );
}

#[test]
fn grammar_rejects_bad_path_components_and_falls_back() {
    // `a--b` is fine in v0.6 (`[-]+`), `a-` and `-a` are not, so the fallback keeps them whole.
    assert_eq!(
        parse("quay.io/a--b:1"),
        image("quay.io", "a--b", Some("1"), None)
    );
    assert_eq!(
        parse("quay.io/a-:1"),
        image("quay.io", "a-", Some("1"), None)
    );
}

#[test]
fn bare_image_id_is_not_a_name() {
    // Go refuses a 64-hex name; the fallback keeps it as a name anyway.
    assert_eq!(parse(HEX), image("", HEX, None, None));
}

#[test]
fn legacy_fallback_constraints() {
    assert_eq!(parse("nginx:~1.2"), image("", "nginx", Some("~1.2"), None));
    assert_eq!(
        parse("quay.io/org/x:^1.0"),
        image("quay.io", "org/x", Some("^1.0"), None)
    );
    let ranged = parse("a=x:>=1.0,<2");
    assert_eq!(ranged.alias.as_deref(), Some("a"));
    assert_eq!(
        (ranged.name.as_str(), ranged.tag.as_deref()),
        ("x", Some(">=1.0,<2"))
    );
    assert_eq!(parse("nginx:1.x"), image("", "nginx", Some("1.x"), None));
    assert_eq!(parse("nginx:*"), image("", "nginx", Some("*"), None));
}

#[test]
fn legacy_fallback_library_is_not_touched() {
    // Without the grammar there is no Docker Hub normalisation at all.
    assert_eq!(
        parse("docker.io/library/x:~1"),
        image("docker.io", "library/x", Some("~1"), None)
    );
    assert_eq!(
        parse("index.docker.io/x:~1"),
        image("index.docker.io", "x", Some("~1"), None)
    );
}

#[test]
fn legacy_fallback_localhost_port_is_not_a_registry() {
    assert_eq!(
        parse("localhost:5000/x:~1"),
        image("", "localhost", Some("5000/x:~1"), None)
    );
}

#[test]
fn legacy_fallback_uppercase() {
    assert_eq!(
        parse("MyOrg/App:1.0"),
        image("", "MyOrg/App", Some("1.0"), None)
    );
    assert_eq!(
        parse("Quay.io/App:v1"),
        image("Quay.io", "App", Some("v1"), None)
    );
}

#[test]
fn uppercase_first_segment_is_a_domain() {
    // distribution v0.6: a first segment that is not all lower case is a domain.
    assert_eq!(parse("MyOrg/app:1"), image("MyOrg", "app", Some("1"), None));
    assert_eq!(
        parse("myorg/app:1"),
        image("", "myorg/app", Some("1"), None)
    );
}

#[test]
fn uppercase_domain_is_valid_grammar() {
    assert_eq!(
        parse("Quay.IO/app:v1"),
        image("Quay.IO", "app", Some("v1"), None)
    );
}

#[test]
fn legacy_fallback_short_digest() {
    assert_eq!(
        parse("nginx@sha256:abc"),
        image("", "nginx", None, Some("sha256:abc"))
    );
    assert_eq!(
        parse("reg.io/a/b:~1@sha256:abc"),
        image("reg.io", "a/b", Some("~1"), Some("sha256:abc"))
    );
    // The tag is only taken from a `:` after the last `/`.
    assert_eq!(
        parse("host:5000/x@sha256:abc"),
        image("", "host:5000/x", None, Some("sha256:abc"))
    );
}

#[test]
fn legacy_fallback_empty_tag_or_digest_is_none() {
    assert_eq!(parse("nginx:"), image("", "nginx", None, None));
    assert_eq!(parse("nginx@"), image("", "nginx", None, None));
}

#[test]
fn alias_is_split_at_first_equals_and_not_trimmed() {
    let aliased = parse("web=nginx:1.0");
    assert_eq!(aliased.alias.as_deref(), Some("web"));
    assert_eq!(aliased.name, "nginx");
    assert_eq!(aliased.tag.as_deref(), Some("1.0"));
    assert_eq!(parse(" web =nginx").alias.as_deref(), Some(" web "));
    let constrained = parse("a=x:=1.0");
    assert_eq!(constrained.alias.as_deref(), Some("a"));
    assert_eq!(constrained.tag.as_deref(), Some("=1.0"));
}

#[test]
fn equals_in_an_unaliased_constraint_is_read_as_an_alias() {
    // As in Go: the first `=` always separates the alias, so `>=` needs an explicit alias.
    let quirk = parse("x:>=1.0");
    assert_eq!(quirk.alias.as_deref(), Some("x:>"));
    assert_eq!(quirk.name, "1.0");
}

#[test]
fn empty_alias_is_none() {
    assert_eq!(parse("=nginx"), image("", "nginx", None, None));
}

#[test]
fn missing_image_after_alias_is_an_error() {
    assert_eq!(
        ImageRef::parse("web="),
        Err(ImageRefError::MissingImage {
            input: "web=".into()
        })
    );
}

#[test]
fn empty_input_is_an_error() {
    assert_eq!(ImageRef::parse(""), Err(ImageRefError::Empty));
    assert_eq!(ImageRef::parse("="), Err(ImageRefError::Empty));
}

#[test]
fn full_name_without_tag() {
    assert_eq!(parse("nginx:1").full_name_without_tag(), "nginx");
    assert_eq!(
        parse("quay.io/a/b:1").full_name_without_tag(),
        "quay.io/a/b"
    );
    let repeated = image("quay.io", "quay.io/a", None, None);
    assert_eq!(repeated.full_name_without_tag(), "quay.io/a");
    let similar = image("quay.io", "quay.iox/a", None, None);
    assert_eq!(similar.full_name_without_tag(), "quay.io/quay.iox/a");
}

#[test]
fn full_name_with_tag() {
    let digest = format!("sha256:{HEX}");
    assert_eq!(parse("quay.io/a:1").full_name_with_tag(), "quay.io/a:1");
    assert_eq!(
        parse(&format!("x:1@{digest}")).full_name_with_tag(),
        format!("x:1@{digest}")
    );
    assert_eq!(
        parse(&format!("x@{digest}")).full_name_with_tag(),
        format!("x@{digest}")
    );
    assert_eq!(parse("x").full_name_with_tag(), "x");
    assert_eq!(image("", "x", Some(""), None).full_name_with_tag(), "x");
}

#[test]
fn tag_with_digest() {
    assert_eq!(parse("x").tag_with_digest(), None);
    assert_eq!(parse("x:1").tag_with_digest().as_deref(), Some("1"));
    assert_eq!(
        parse("x@sha256:ab").tag_with_digest().as_deref(),
        Some("latest@sha256:ab")
    );
    assert_eq!(
        parse("x:1@sha256:ab").tag_with_digest().as_deref(),
        Some("1@sha256:ab")
    );
}

#[test]
fn display_prefixes_alias() {
    assert_eq!(parse("web=quay.io/a:1").to_string(), "web=quay.io/a:1");
    assert_eq!(parse("=nginx").to_string(), "nginx");
    assert_eq!(
        parse("docker.io/library/nginx:1").to_string(),
        "docker.io/nginx:1"
    );
}

#[test]
fn same_repository_treats_implicit_and_explicit_hub_alike() {
    assert!(parse("nginx").same_repository(&parse("docker.io/nginx:2")));
    assert!(parse("a=quay.io/x:1").same_repository(&parse("quay.io/x")));
    assert!(!parse("nginx").same_repository(&parse("quay.io/nginx")));
    assert!(!parse("nginx").same_repository(&parse("library/nginx")));
    assert!(!parse("quay.io/x").same_repository(&parse("quay.io/y")));
}
