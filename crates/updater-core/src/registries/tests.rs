//! Tests for `registries.conf` parsing, merging with the built-ins and endpoint lookup.

use super::*;
use crate::credentials::CredentialSource;
use proptest::prelude::*;

fn parse(text: &str) -> RegistryTable {
    RegistriesConf::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_err(text: &str) -> RegistriesError {
    RegistriesConf::parse(text).expect_err("configuration must be rejected")
}

/// A one-entry configuration with extra `key: value` lines.
fn one_entry(extra: &str) -> String {
    let mut text =
        String::from("registries:\n- name: GCR\n  api_url: https://gcr.io/\n  prefix: gcr.io\n");
    for line in extra.lines() {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

fn gcr(table: &RegistryTable) -> &RegistryEndpoint {
    table.get("gcr.io").expect("gcr.io is configured")
}

const FULL_ENTRY: &str = "\
registries:
- name: Google Container Registry
  api_url: https://gcr.io/
  prefix: gcr.io
  credentials: pullsecret:argocd/gcr
  credsexpire: 5h
  defaultns: team
  default: true
  insecure: true
  ca_file: /etc/ca.pem
  ca_data: inline-pem
  ping: true
  tagsortmode: latest-first
  limit: 5
";

#[test]
fn parses_every_field() {
    let table = parse(FULL_ENTRY);
    let want = RegistryEndpoint {
        name: "Google Container Registry".into(),
        api_url: "https://gcr.io".into(),
        prefix: "gcr.io".into(),
        credentials: Some(CredentialRef {
            registry: None,
            source: CredentialSource::PullSecret {
                namespace: "argocd".into(),
                name: "gcr".into(),
            },
        }),
        creds_expire: Some(Duration::from_secs(5 * 3600)),
        default_ns: Some("team".into()),
        is_default: true,
        insecure: true,
        ca_file: Some("/etc/ca.pem".into()),
        ca_data: Some("inline-pem".into()),
        ping: true,
        tag_sort_mode: TagSortMode::LatestFirst,
        limit: Some(5),
        origin: EndpointOrigin::Configured,
    };
    assert_eq!(gcr(&table), &want);
}

#[test]
fn optional_fields_default_to_unset() {
    let table = parse(&one_entry(""));
    let endpoint = gcr(&table);
    assert_eq!(endpoint.credentials, None);
    assert_eq!(endpoint.creds_expire, None);
    assert_eq!(endpoint.default_ns, None);
    assert!(!endpoint.is_default && !endpoint.insecure && !endpoint.ping);
    assert_eq!(
        (endpoint.ca_file.as_deref(), endpoint.ca_data.as_deref()),
        (None, None)
    );
    assert_eq!(endpoint.tag_sort_mode, TagSortMode::None);
    assert_eq!(endpoint.limit, None);
}

#[test]
fn empty_document_and_null_list_keep_the_builtins() {
    for text in ["", "# nothing here\n", "registries:\n", "registries: []\n"] {
        assert_eq!(parse(text), RegistryTable::builtin(), "{text:?}");
    }
}

#[test]
fn trims_one_or_more_trailing_slashes_from_api_url() {
    let table = parse(&one_entry("").replace("https://gcr.io/", "https://gcr.io//"));
    assert_eq!(gcr(&table).api_url, "https://gcr.io");
}

#[test]
fn unknown_keys_are_rejected_anywhere() {
    let err = parse_err(&one_entry("ratelimit: 5"));
    assert!(
        matches!(err, RegistriesError::Malformed { line: Some(5), .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("`ratelimit`"), "{err}");
    assert!(err.to_string().contains("line 5"), "{err}");

    let err = parse_err("registries: []\nmirrors: []\n");
    assert!(
        matches!(err, RegistriesError::Malformed { line: Some(2), .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("`mirrors`"), "{err}");
}

#[test]
fn duplicate_keys_are_rejected() {
    let err = parse_err(&one_entry("prefix: quay.io"));
    assert!(
        matches!(err, RegistriesError::Malformed { line: Some(5), .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("prefix"), "{err}");
}

#[test]
fn malformed_yaml_names_the_line() {
    let err = parse_err("registries:\n- name: a\n  api_url: [unclosed\n");
    assert!(
        matches!(err, RegistriesError::Malformed { line: Some(_), .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("line 3"), "{err}");
    let err = parse_err("- just a list\n");
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn wrong_value_types_are_rejected() {
    let err = parse_err(&one_entry("insecure: maybe"));
    assert!(
        matches!(err, RegistriesError::Malformed { line: Some(5), .. }),
        "{err:?}"
    );
    let err = parse_err(&one_entry("limit: fast"));
    assert!(
        matches!(err, RegistriesError::Malformed { line: Some(5), .. }),
        "{err:?}"
    );
}

#[test]
fn name_is_required() {
    let table = parse(&one_entry(""));
    assert_eq!(gcr(&table).name, "GCR");
    let err = parse_err(
        "registries:\n- name: ok\n  api_url: https://a\n  prefix: a\n- api_url: https://b\n  prefix: b.io\n",
    );
    assert_eq!(
        err,
        RegistriesError::MissingName {
            entry: 2,
            prefix: "b.io".into(),
            api_url: "https://b".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "registry name is missing for entry #2 (prefix `b.io`, api_url `https://b`)"
    );
    let err = parse_err("registries:\n- name: \"\"\n  api_url: https://b\n");
    assert!(matches!(err, RegistriesError::MissingName { entry: 1, .. }));
}

#[test]
fn api_url_is_required() {
    let err = parse_err("registries:\n- name: Quay\n  prefix: quay.io\n");
    assert_eq!(
        err,
        RegistriesError::MissingApiUrl {
            name: "Quay".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "API URL must be specified for registry `Quay`"
    );
}

#[test]
fn one_entry_may_omit_the_prefix() {
    let table = parse("registries:\n- name: Local\n  api_url: http://localhost:5000\n");
    let local = table.get("").expect("stored under the empty prefix");
    assert_eq!(local.name, "Local");
}

#[test]
fn a_second_entry_without_prefix_is_rejected() {
    let err = parse_err(
        "registries:\n- name: First\n  api_url: https://a\n- name: Second\n  api_url: https://b\n",
    );
    assert_eq!(
        err,
        RegistriesError::SecondPrefixless {
            first: "First".into(),
            second: "Second".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "there must be only one default registry (already is `First`), `Second` needs a prefix"
    );
}

#[test]
fn a_second_default_is_rejected() {
    let text = "registries:\n- name: A\n  api_url: https://a\n  prefix: a.io\n  default: true\n- name: B\n  api_url: https://b\n  prefix: b.io\n  default: true\n";
    let err = parse_err(text);
    assert_eq!(
        err,
        RegistriesError::SecondDefault {
            prefix: "b.io".into(),
            current: "a.io".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot set registry `b.io` as default - only one default registry allowed, currently set to `a.io`"
    );
}

#[test]
fn tag_sort_modes() {
    for (mode, want) in [
        ("none", TagSortMode::None),
        ("\"\"", TagSortMode::None),
        ("latest-first", TagSortMode::LatestFirst),
        ("latest-last", TagSortMode::LatestLast),
    ] {
        let table = parse(&one_entry(&format!("tagsortmode: {mode}")));
        assert_eq!(gcr(&table).tag_sort_mode, want, "{mode}");
    }
    let err = parse_err(&one_entry("tagsortmode: Latest-First"));
    assert_eq!(
        err,
        RegistriesError::UnknownTagSortMode {
            name: "GCR".into(),
            mode: "Latest-First".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "unknown tag sort mode for registry `GCR`: `Latest-First`"
    );
}

#[test]
fn credentials_are_parsed_and_errors_name_the_registry() {
    let table = parse(&one_entry("credentials: env:GCR_CREDS"));
    assert_eq!(
        gcr(&table).credentials.as_ref().map(ToString::to_string),
        Some("env:GCR_CREDS".into())
    );
    let err = parse_err(&one_entry("credentials: vault:x"));
    assert!(matches!(&err, RegistriesError::InvalidCredentials { name, .. } if name == "GCR"));
    assert_eq!(err.to_string(), "invalid credentials for registry `GCR`");
    let source = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(
        source.as_deref(),
        Some("unknown credential source `vault` in `vault:x`")
    );
}

#[test]
fn credsexpire_is_a_go_duration() {
    let table = parse(&one_entry("credsexpire: 1h30m"));
    assert_eq!(gcr(&table).creds_expire, Some(Duration::from_secs(5400)));
    for zero in ["0", "0s"] {
        let table = parse(&one_entry(&format!("credsexpire: {zero}")));
        assert_eq!(gcr(&table).creds_expire, None, "{zero} never expires");
    }
    for bad in ["5", "5d", "-5m"] {
        let err = parse_err(&one_entry(&format!("credsexpire: {bad}")));
        assert!(
            matches!(&err, RegistriesError::InvalidCredsExpire { name, .. } if name == "GCR"),
            "{bad}: {err:?}"
        );
        assert_eq!(err.to_string(), "invalid credsexpire for registry `GCR`");
    }
}

#[test]
fn limit_is_kept_as_configured() {
    assert_eq!(gcr(&parse(&one_entry("limit: 50"))).limit, Some(50));
    assert_eq!(gcr(&parse(&one_entry("limit: 0"))).limit, Some(0));
    assert_eq!(gcr(&parse(&one_entry("limit: -3"))).limit, Some(0));
    let err = parse_err(&one_entry("limit: 5000000000"));
    assert_eq!(
        err,
        RegistriesError::LimitOutOfRange {
            name: "GCR".into(),
            limit: 5_000_000_000
        }
    );
    assert!(err.to_string().contains("`GCR`"));
}

#[test]
fn builtin_table_has_docker_hub() {
    let table = RegistryTable::builtin();
    let hub = table.get("docker.io").expect("built in");
    assert_eq!(hub.name, "Docker Hub");
    assert_eq!(hub.api_url, "https://registry-1.docker.io");
    assert_eq!(hub.default_ns.as_deref(), Some("library"));
    assert!(hub.is_default && hub.ping);
    assert_eq!(hub.origin, EndpointOrigin::BuiltIn);
    assert_eq!(table.endpoints().count(), 1);
}

#[test]
fn configuration_merges_with_builtins() {
    let table = parse(&one_entry(""));
    assert_eq!(table.endpoints().count(), 2);
    assert_eq!(
        table.get("docker.io"),
        Some(&RegistryEndpoint::docker_hub())
    );
    assert_eq!(
        table.default_endpoint().map(|e| e.prefix.as_str()),
        Some("docker.io")
    );
}

#[test]
fn same_prefix_replaces_the_builtin_and_keeps_the_default_role() {
    let table = parse(
        "registries:\n- name: Hub mirror\n  api_url: https://mirror.example\n  prefix: docker.io\n",
    );
    let hub = table.get("docker.io").expect("replaced, not removed");
    assert_eq!(hub.name, "Hub mirror");
    assert_eq!(hub.origin, EndpointOrigin::Configured);
    assert_eq!(hub.default_ns, None);
    assert_eq!(table.endpoints().count(), 1);
    assert!(hub.is_default);
}

#[test]
fn a_configured_default_takes_over_from_docker_hub() {
    let table = parse(&one_entry("default: true"));
    assert_eq!(
        table.default_endpoint().map(|e| e.prefix.as_str()),
        Some("gcr.io")
    );
    assert!(!table.get("docker.io").expect("still present").is_default);
    assert_eq!(table.endpoints().filter(|e| e.is_default).count(), 1);
}

#[test]
fn later_entries_with_the_same_prefix_win() {
    let text = "registries:\n- name: One\n  api_url: https://one\n  prefix: x.io\n- name: Two\n  api_url: https://two\n  prefix: x.io\n";
    assert_eq!(
        parse(text).get("x.io").map(|e| e.name.as_str()),
        Some("Two")
    );
}

fn lookup_table() -> RegistryTable {
    parse(
        "registries:
- name: GHCR
  api_url: https://ghcr.io
  prefix: ghcr.io
- name: Team
  api_url: https://team.example
  prefix: foo.bar/team
- name: Team app
  api_url: https://app.example
  prefix: foo.bar/team/app
",
    )
}

fn lookup(table: &RegistryTable, registry: &str, name: &str) -> RegistryEndpoint {
    table
        .endpoint_for(registry, name)
        .unwrap_or_else(|e| panic!("{registry}/{name}: {e}"))
        .into_owned()
}

#[test]
fn lookup_without_registry_uses_the_default() {
    let table = lookup_table();
    assert_eq!(lookup(&table, "", "nginx").prefix, "docker.io");
}

#[test]
fn lookup_without_a_default_fails() {
    let table = RegistryTable {
        endpoints: BTreeMap::new(),
    };
    assert_eq!(
        table.endpoint_for("", "nginx"),
        Err(RegistriesError::NoDefault)
    );
    assert_eq!(
        RegistriesError::NoDefault.to_string(),
        "no default endpoint configured"
    );
}

#[test]
fn lookup_by_exact_prefix() {
    let table = lookup_table();
    let endpoint = table
        .endpoint_for("ghcr.io", "org/app")
        .expect("configured");
    assert!(matches!(endpoint, Cow::Borrowed(_)));
    assert_eq!(endpoint.name, "GHCR");
    assert_eq!(lookup(&table, "docker.io", "nginx").name, "Docker Hub");
}

#[test]
fn lookup_by_longest_prefix() {
    let table = lookup_table();
    assert_eq!(lookup(&table, "foo.bar", "team/other").name, "Team");
    assert_eq!(lookup(&table, "foo.bar", "team/app").name, "Team app");
    assert_eq!(lookup(&table, "foo.bar", "team/app/sub").name, "Team app");
}

#[test]
fn prefix_matches_only_on_path_boundaries() {
    let table = lookup_table();
    assert_eq!(
        lookup(&table, "foo.bar", "teamster/x").origin,
        EndpointOrigin::Inferred
    );
    assert_eq!(
        lookup(&table, "ghcr.io.evil.example", "x").origin,
        EndpointOrigin::Inferred
    );
    assert!(prefix_matches("foo.bar/", "foo.bar/x"));
    assert!(!prefix_matches("", "foo.bar/x"));
}

#[test]
fn lookup_infers_unknown_registries_without_storing_them() {
    let table = lookup_table();
    let endpoint = table.endpoint_for("quay.io", "org/app").expect("inferred");
    assert!(matches!(endpoint, Cow::Owned(_)));
    let want = RegistryEndpoint {
        name: "quay.io".into(),
        api_url: "https://quay.io".into(),
        prefix: "quay.io".into(),
        ..RegistryEndpoint::bare(EndpointOrigin::Inferred)
    };
    assert_eq!(endpoint.into_owned(), want);
    assert!(table.get("quay.io").is_none());
}

#[test]
fn an_entry_without_prefix_is_not_a_catch_all() {
    let table = parse("registries:\n- name: Local\n  api_url: http://localhost:5000\n");
    assert_eq!(
        lookup(&table, "quay.io", "x").origin,
        EndpointOrigin::Inferred
    );
}

#[test]
fn repository_path_applies_default_namespace_to_single_segment_names() {
    let hub = RegistryEndpoint::docker_hub();
    assert_eq!(hub.repository_path("nginx"), "library/nginx");
    assert_eq!(hub.repository_path("bitnami/nginx"), "bitnami/nginx");
    let quay = RegistryEndpoint::inferred("quay.io");
    assert_eq!(quay.repository_path("nginx"), "nginx");
}

#[test]
fn rate_limit_defaults() {
    assert_eq!(RegistryEndpoint::docker_hub().effective_rate_limit(), 10);
    assert_eq!(
        RegistryEndpoint::inferred("quay.io").effective_rate_limit(),
        20
    );
    assert_eq!(gcr(&parse(&one_entry(""))).effective_rate_limit(), 20);
    assert_eq!(
        gcr(&parse(&one_entry("limit: 0"))).effective_rate_limit(),
        20
    );
    assert_eq!(
        gcr(&parse(&one_entry("limit: 7"))).effective_rate_limit(),
        7
    );
    let hub = RegistryEndpoint {
        limit: Some(3),
        ..RegistryEndpoint::docker_hub()
    };
    assert_eq!(hub.effective_rate_limit(), 3);
}

#[test]
fn tag_sort_mode_round_trips_its_spelling() {
    for mode in [
        TagSortMode::None,
        TagSortMode::LatestFirst,
        TagSortMode::LatestLast,
    ] {
        assert_eq!(TagSortMode::parse(&mode.to_string()), Some(mode));
    }
}

proptest! {
    #[test]
    fn parse_never_panics(text in ".{0,200}") {
        let _ = RegistriesConf::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_yaml_like_text(
        text in "(registries:\n)?(- |  )?(name|api_url|prefix|limit|default|credsexpire|tagsortmode|credentials)?: ?[a-z0-9:/.#=\\-\\[\\]{}\"' ]{0,20}\n(  [a-z_]{0,10}: [a-z0-9:/. ]{0,10}\n){0,4}"
    ) {
        let _ = RegistriesConf::parse(&text);
    }

    #[test]
    fn lookup_never_panics(registry in ".{0,20}", name in ".{0,20}") {
        let table = lookup_table();
        let _ = table.endpoint_for(&registry, &name);
    }
}
