//! The command line as clap builds it: Go-style bool flags, env seeding and its precedence,
//! and the env names shown in `--help`.

use std::path::Path;

use clap::CommandFactory;

use super::*;

/// Parses `argv` (after the binary name) with `env` as the environment.
fn parse(argv: &[&str], env: &[(&str, &str)]) -> Result<Cli, clap::Error> {
    let argv = std::iter::once("argocd-image-updater").chain(argv.iter().copied());
    let matches = Cli::command().try_get_matches_from(argv)?;
    let lookup = |name: &str| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    };
    Cli::from_matches_and_env(&matches, &lookup)
}

/// The `run` flags for `argv` (after `run`) with `env`.
fn run(argv: &[&str], env: &[(&str, &str)]) -> RunArgs {
    let argv: Vec<&str> = std::iter::once("run").chain(argv.iter().copied()).collect();
    match parse(&argv, env).unwrap().command {
        Command::Run(args) => *args,
        other => panic!("not run: {other:?}"),
    }
}

fn test_args(argv: &[&str], env: &[(&str, &str)]) -> TestArgs {
    let argv: Vec<&str> = ["test", "nginx"]
        .into_iter()
        .chain(argv.iter().copied())
        .collect();
    match parse(&argv, env).unwrap().command {
        Command::Test(args) => *args,
        other => panic!("not test: {other:?}"),
    }
}

#[test]
fn the_command_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn without_env_the_built_in_defaults_apply() {
    let args = run(&[], &[]);
    assert_eq!(args.interval, "2m0s");
    assert_eq!(args.loglevel, "info");
    assert_eq!(args.logformat, "text");
    assert_eq!(args.max_concurrent_apps, 10);
    assert_eq!(args.max_concurrent_reconciles, 1);
    assert_eq!(args.git_commit_user, "argocd-image-updater");
    assert_eq!(args.git_commit_email, "noreply@argoproj.io");
    assert_eq!(args.git_commit_signing_method, "openpgp");
    assert_eq!(args.git_commit_method, "git");
    assert!(!args.disable_kube_events && !args.git_commit_sign_off);
    assert_eq!(args.cache_dir, None);
    assert!(args.env_warnings.is_empty());
}

/// Each string flag and its env, with a getter.
type StringFlag = (&'static str, &'static str, fn(&RunArgs) -> &str);

const STRING_FLAGS: [StringFlag; 19] = [
    ("--loglevel", "IMAGE_UPDATER_LOGLEVEL", |a| &a.loglevel),
    ("--logformat", "IMAGE_UPDATER_LOGFORMAT", |a| &a.logformat),
    ("--argocd-namespace", "ARGOCD_NAMESPACE", |a| {
        &a.argocd_namespace
    }),
    (
        "--watch-namespaces",
        "IMAGE_UPDATER_WATCH_NAMESPACES",
        |a| &a.watch_namespaces,
    ),
    ("--git-commit-user", "GIT_COMMIT_USER", |a| {
        &a.git_commit_user
    }),
    ("--git-commit-email", "GIT_COMMIT_EMAIL", |a| {
        &a.git_commit_email
    }),
    ("--git-commit-signing-key", "GIT_COMMIT_SIGNING_KEY", |a| {
        &a.git_commit_signing_key
    }),
    (
        "--git-commit-signing-method",
        "GIT_COMMIT_SIGNING_METHOD",
        |a| &a.git_commit_signing_method,
    ),
    ("--git-commit-method", "GIT_COMMIT_METHOD", |a| {
        &a.git_commit_method
    }),
    ("--tlsminversion", "TLS_MIN_VERSION", |a| &a.tlsminversion),
    ("--tlsmaxversion", "TLS_MAX_VERSION", |a| &a.tlsmaxversion),
    ("--tlsciphers", "TLS_CIPHERS", |a| &a.tlsciphers),
    ("--docker-webhook-secret", "DOCKER_WEBHOOK_SECRET", |a| {
        a.docker_webhook_secret.expose()
    }),
    ("--ghcr-webhook-secret", "GHCR_WEBHOOK_SECRET", |a| {
        a.ghcr_webhook_secret.expose()
    }),
    ("--quay-webhook-secret", "QUAY_WEBHOOK_SECRET", |a| {
        a.quay_webhook_secret.expose()
    }),
    ("--harbor-webhook-secret", "HARBOR_WEBHOOK_SECRET", |a| {
        a.harbor_webhook_secret.expose()
    }),
    (
        "--aliyun-acr-webhook-secret",
        "ALIYUN_ACR_WEBHOOK_SECRET",
        |a| a.aliyun_acr_webhook_secret.expose(),
    ),
    ("--acr-webhook-secret", "ACR_WEBHOOK_SECRET", |a| {
        a.acr_webhook_secret.expose()
    }),
    (
        "--cloudevents-webhook-secret",
        "CLOUDEVENTS_WEBHOOK_SECRET",
        |a| a.cloudevents_webhook_secret.expose(),
    ),
];

#[test]
fn a_string_env_seeds_its_flag() {
    for (_, name, get) in STRING_FLAGS {
        let args = run(&[], &[(name, "from-env")]);
        assert_eq!(get(&args), "from-env", "{name}");
    }
}

#[test]
fn an_empty_string_env_keeps_the_default() {
    for (flag, name, get) in STRING_FLAGS {
        let default = get(&run(&[], &[])).to_owned();
        let args = run(&[], &[(name, "")]);
        assert_eq!(get(&args), default, "{flag}");
    }
}

#[test]
fn a_string_flag_beats_its_env() {
    for (flag, name, get) in STRING_FLAGS {
        let given = format!("{flag}=from-flag");
        let args = run(&[&given], &[(name, "from-env")]);
        assert_eq!(get(&args), "from-flag", "{flag}");
    }
}

#[test]
fn a_bad_value_of_a_validated_string_env_is_passed_on_for_validation() {
    // Like the original, the env value is then checked as if it were the flag.
    let args = run(&[], &[("IMAGE_UPDATER_LOGFORMAT", "xml")]);
    assert_eq!(args.logformat, "xml");
    assert!(args.env_warnings.is_empty());
}

#[test]
fn the_concurrency_envs_seed_their_flags_within_bounds() {
    let env = [
        ("MAX_CONCURRENT_APPS", "100"),
        ("MAX_CONCURRENT_RECONCILES", "10"),
    ];
    let args = run(&[], &env);
    assert_eq!(
        (args.max_concurrent_apps, args.max_concurrent_reconciles),
        (100, 10)
    );
    assert!(args.env_warnings.is_empty());
}

#[test]
fn out_of_bounds_or_bad_concurrency_envs_keep_the_defaults_with_warnings() {
    for (apps, reconciles) in [("101", "11"), ("0", "0"), ("abc", "two")] {
        let env = [
            ("MAX_CONCURRENT_APPS", apps),
            ("MAX_CONCURRENT_RECONCILES", reconciles),
        ];
        let args = run(&[], &env);
        assert_eq!(
            (args.max_concurrent_apps, args.max_concurrent_reconciles),
            (10, 1)
        );
        assert_eq!(args.env_warnings.len(), 2, "{:?}", args.env_warnings);
        assert!(args.env_warnings[0].contains("MAX_CONCURRENT_APPS"));
        assert!(args.env_warnings[1].contains("MAX_CONCURRENT_RECONCILES"));
    }
}

#[test]
fn the_bounds_do_not_apply_to_the_flags() {
    let args = run(
        &[
            "--max-concurrent-apps=500",
            "--max-concurrent-reconciles=50",
        ],
        &[],
    );
    assert_eq!(
        (args.max_concurrent_apps, args.max_concurrent_reconciles),
        (500, 50)
    );
}

#[test]
fn a_flag_given_with_the_default_value_still_beats_the_env() {
    let env = [
        ("MAX_CONCURRENT_APPS", "50"),
        ("IMAGE_UPDATER_INTERVAL", "5m"),
    ];
    let args = run(&["--max-concurrent-apps", "10", "--interval", "2m0s"], &env);
    assert_eq!(args.max_concurrent_apps, 10);
    assert_eq!(args.interval, "2m0s");
}

#[test]
fn a_bad_env_is_reported_even_when_its_flag_is_given() {
    let args = run(
        &["--max-concurrent-apps", "3"],
        &[("MAX_CONCURRENT_APPS", "abc")],
    );
    assert_eq!(args.max_concurrent_apps, 3);
    assert_eq!(args.env_warnings.len(), 1, "{:?}", args.env_warnings);
}

#[test]
fn the_interval_env_is_a_go_duration() {
    let args = run(&[], &[("IMAGE_UPDATER_INTERVAL", "30s")]);
    assert_eq!(args.interval, "30s");
    let args = run(&[], &[("IMAGE_UPDATER_INTERVAL", "5")]);
    assert_eq!(args.interval, "2m0s");
    assert_eq!(args.env_warnings.len(), 1);
    assert!(args.env_warnings[0].contains("IMAGE_UPDATER_INTERVAL"));
    assert!(args.env_warnings[0].contains("missing unit"));
}

#[test]
fn the_interval_flag_is_not_checked_here() {
    // `--interval 5` stays an error, raised by `run` where it is parsed.
    let args = run(&["--interval", "5"], &[("IMAGE_UPDATER_INTERVAL", "1m")]);
    assert_eq!(args.interval, "5");
}

#[test]
fn kube_events_env_false_disables_events_and_true_keeps_them() {
    let env = |value| [("IMAGE_UPDATER_KUBE_EVENTS", value)];
    assert!(run(&[], &env("false")).disable_kube_events);
    assert!(run(&[], &env("FALSE")).disable_kube_events);
    assert!(!run(&[], &env("true")).disable_kube_events);
    let ignored = run(&[], &env("off"));
    assert!(!ignored.disable_kube_events);
    assert_eq!(ignored.env_warnings.len(), 1);
    assert!(ignored.env_warnings[0].contains("IMAGE_UPDATER_KUBE_EVENTS"));
}

#[test]
fn the_kube_events_flag_beats_its_env() {
    let env = [("IMAGE_UPDATER_KUBE_EVENTS", "false")];
    assert!(!run(&["--disable-kube-events=false"], &env).disable_kube_events);
    let env = [("IMAGE_UPDATER_KUBE_EVENTS", "true")];
    assert!(run(&["--disable-kube-events"], &env).disable_kube_events);
}

#[test]
fn sign_off_env_is_a_bool_that_the_flag_beats() {
    let env = |value| [("GIT_COMMIT_SIGN_OFF", value)];
    assert!(run(&[], &env("True")).git_commit_sign_off);
    assert!(!run(&[], &env("false")).git_commit_sign_off);
    assert!(!run(&["--git-commit-sign-off=false"], &env("true")).git_commit_sign_off);
    let ignored = run(&[], &env("yes"));
    assert!(!ignored.git_commit_sign_off);
    assert!(ignored.env_warnings[0].contains("GIT_COMMIT_SIGN_OFF"));
}

#[test]
fn cache_dir_env_seeds_run_and_test_unless_given_or_empty() {
    let env = [("IMAGE_UPDATER_CACHE_DIR", "/env/cache")];
    assert_eq!(
        run(&[], &env).cache_dir.as_deref(),
        Some(Path::new("/env/cache"))
    );
    assert_eq!(
        test_args(&[], &env).cache_dir.as_deref(),
        Some(Path::new("/env/cache"))
    );
    let given = test_args(&["--cache-dir", "/flag"], &env);
    assert_eq!(given.cache_dir.as_deref(), Some(Path::new("/flag")));
    assert_eq!(run(&[], &[("IMAGE_UPDATER_CACHE_DIR", "")]).cache_dir, None);
}

/// A bool flag of `run`, with a getter.
type BoolFlag = (&'static str, fn(&RunArgs) -> bool);

const RUN_BOOLS: [BoolFlag; 12] = [
    ("--once", |a| a.once),
    ("--dry-run", |a| a.dry_run),
    ("--disable-kube-events", |a| a.disable_kube_events),
    ("--git-commit-sign-off", |a| a.git_commit_sign_off),
    ("--legacy-annotations", |a| a.legacy_annotations),
    ("--leader-election", |a| a.leader_election),
    ("--warmup-cache", |a| a.warmup_cache),
    ("--metrics-secure", |a| a.metrics_secure),
    ("--enable-webhook", |a| a.enable_webhook),
    ("--webhook-require-secret", |a| a.webhook_require_secret),
    ("--disable-tls", |a| a.disable_tls),
    ("--enable-http2", |a| a.enable_http2),
];

#[test]
fn run_bool_flags_take_go_forms() {
    for (flag, get) in RUN_BOOLS {
        assert!(get(&run(&[flag], &[])), "{flag}");
        for value in ["true", "True", "TRUE", "t", "T", "1"] {
            assert!(
                get(&run(&[&format!("{flag}={value}")], &[])),
                "{flag}={value}"
            );
        }
        for value in ["false", "False", "FALSE", "f", "F", "0"] {
            assert!(
                !get(&run(&[&format!("{flag}={value}")], &[])),
                "{flag}={value}"
            );
        }
    }
}

#[test]
fn run_bool_flags_refuse_other_values_and_a_separate_value() {
    for (flag, _) in RUN_BOOLS {
        for argv in [
            vec!["run", flag, "false"],
            vec!["run", &format!("{flag}=yes")],
        ] {
            assert!(parse(&argv, &[]).is_err(), "{argv:?}");
        }
        let empty = format!("{flag}=");
        assert!(parse(&["run", &empty], &[]).is_err(), "{empty}");
    }
}

#[test]
fn version_short_and_test_allow_downgrade_take_go_forms() {
    let short = |argv: &[&str]| match parse(argv, &[]).unwrap().command {
        Command::Version(args) => args.short,
        other => panic!("not version: {other:?}"),
    };
    assert!(!short(&["version"]));
    assert!(short(&["version", "--short"]));
    assert!(!short(&["version", "--short=false"]));
    assert!(test_args(&["--allow-downgrade"], &[]).allow_downgrade);
    assert!(!test_args(&["--allow-downgrade=false"], &[]).allow_downgrade);
    assert!(!test_args(&[], &[]).allow_downgrade);
}

#[test]
fn help_names_the_env_of_each_seeded_flag() {
    let mut command = Cli::command();
    let run_help = command
        .find_subcommand_mut("run")
        .unwrap()
        .render_long_help()
        .to_string();
    let names = STRING_FLAGS.iter().map(|(_, name, _)| *name).chain([
        "IMAGE_UPDATER_INTERVAL",
        "MAX_CONCURRENT_APPS",
        "MAX_CONCURRENT_RECONCILES",
        "IMAGE_UPDATER_KUBE_EVENTS",
        "GIT_COMMIT_SIGN_OFF",
        "IMAGE_UPDATER_CACHE_DIR",
        "ENABLE_WEBHOOK",
        "WEBHOOK_PORT",
        "WEBHOOK_REQUIRE_SECRET",
        "WEBHOOK_RATELIMIT_ALLOWED",
        "DISABLE_TLS",
    ]);
    for name in names {
        assert!(run_help.contains(&format!("[env: {name}")), "{name}");
    }
    let test_help = command
        .find_subcommand_mut("test")
        .unwrap()
        .render_long_help()
        .to_string();
    assert!(test_help.contains("[env: IMAGE_UPDATER_CACHE_DIR]"));
}

#[test]
fn the_webhook_flags_default_as_the_originals() {
    let args = run(&[], &[]);
    assert!(!args.enable_webhook && args.webhook_require_secret);
    assert_eq!(args.webhook_port, 8082);
    assert_eq!(args.webhook_ratelimit_allowed, 0);
    assert!(!args.disable_tls && !args.enable_http2);
    assert_eq!(
        (args.tlsminversion.as_str(), args.tlsmaxversion.as_str()),
        ("1.3", "1.3")
    );
    assert_eq!(args.tlsciphers, "");
    assert_eq!(args.docker_webhook_secret.expose(), "");
}

#[test]
fn the_webhook_bool_envs_seed_their_flags_and_the_flags_win() {
    let env = [
        ("ENABLE_WEBHOOK", "TRUE"),
        ("WEBHOOK_REQUIRE_SECRET", "false"),
        ("DISABLE_TLS", "True"),
    ];
    let args = run(&[], &env);
    assert!(args.enable_webhook && !args.webhook_require_secret && args.disable_tls);
    assert!(args.env_warnings.is_empty(), "{:?}", args.env_warnings);
    let given = [
        "--enable-webhook=false",
        "--webhook-require-secret",
        "--disable-tls=0",
    ];
    let args = run(&given, &env);
    assert!(!args.enable_webhook && args.webhook_require_secret && !args.disable_tls);
    let args = run(&[], &[("ENABLE_WEBHOOK", "1"), ("DISABLE_TLS", "yes")]);
    assert!(!args.enable_webhook && !args.disable_tls);
    assert_eq!(args.env_warnings.len(), 2, "{:?}", args.env_warnings);
    assert!(args.env_warnings[0].contains("ENABLE_WEBHOOK"));
    assert!(args.env_warnings[1].contains("DISABLE_TLS"));
}

#[test]
fn the_webhook_port_env_is_bounded_to_ports() {
    let port = |value| run(&[], &[("WEBHOOK_PORT", value)]);
    assert_eq!(port("8080").webhook_port, 8080);
    assert_eq!(port("0").webhook_port, 0);
    assert_eq!(port("65535").webhook_port, 65535);
    for bad in ["65536", "-1", "http"] {
        let args = port(bad);
        assert_eq!(args.webhook_port, 8082, "{bad}");
        assert_eq!(args.env_warnings.len(), 1, "{bad}");
        assert!(args.env_warnings[0].contains("WEBHOOK_PORT"));
    }
    let args = run(&["--webhook-port=9000"], &[("WEBHOOK_PORT", "8080")]);
    assert_eq!(args.webhook_port, 9000);
}

#[test]
fn the_rate_limit_env_is_a_non_negative_int() {
    let allowed = |value| run(&[], &[("WEBHOOK_RATELIMIT_ALLOWED", value)]);
    assert_eq!(allowed("60").webhook_ratelimit_allowed, 60);
    let max = allowed("9223372036854775807");
    assert_eq!(max.webhook_ratelimit_allowed, 9_223_372_036_854_775_807);
    for bad in ["-5", "9223372036854775808", "ten"] {
        let args = allowed(bad);
        assert_eq!(args.webhook_ratelimit_allowed, 0, "{bad}");
        assert!(args.env_warnings[0].contains("WEBHOOK_RATELIMIT_ALLOWED"));
    }
    let args = run(
        &["--webhook-ratelimit-allowed", "5"],
        &[("WEBHOOK_RATELIMIT_ALLOWED", "60")],
    );
    assert_eq!(args.webhook_ratelimit_allowed, 5);
}

#[test]
fn webhook_secrets_never_show_in_debug_output() {
    let args = run(
        &["--docker-webhook-secret=from-flag-s3cret"],
        &[("GHCR_WEBHOOK_SECRET", "from-env-s3cret")],
    );
    assert_eq!(args.ghcr_webhook_secret.expose(), "from-env-s3cret");
    let debug = format!("{args:?}");
    assert!(!debug.contains("s3cret"), "{debug}");
}

#[test]
fn the_webhook_command_serves_webhooks_only_on_8080_unless_told_otherwise() {
    let webhook = |argv: &[&str], env: &[(&str, &str)]| {
        let mut full = vec!["argocd-image-updater", "webhook"];
        full.extend_from_slice(argv);
        let matches = Cli::command().get_matches_from(full);
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        let lookup = move |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        match Cli::from_matches_and_env(&matches, &lookup)
            .unwrap()
            .command
        {
            Command::Webhook(args) => args,
            other => panic!("parsed {other:?}"),
        }
    };
    let args = webhook(&[], &[]);
    assert_eq!(args.webhook_port, 8080);
    assert!(args.webhook_only && args.enable_webhook && !args.leader_election);
    assert_eq!(args.health_probe_bind_address, "0");
    assert_eq!(webhook(&["--webhook-port", "9000"], &[]).webhook_port, 9000);
    let updaters = webhook(&["--max-concurrent-updaters", "3"], &[]);
    assert_eq!(updaters.max_concurrent_reconciles, 3);
    assert_eq!(webhook(&[], &[("WEBHOOK_PORT", "9100")]).webhook_port, 9100);
    assert_eq!(
        webhook(&["--webhook-port=9000"], &[("WEBHOOK_PORT", "9100")]).webhook_port,
        9000
    );
}
