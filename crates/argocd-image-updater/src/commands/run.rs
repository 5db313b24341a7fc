//! `run`: passes over every ImageUpdater (or, with `--legacy-annotations`, every annotated
//! Application) of the watched namespaces. With `--once`, one pass, a summary, and exit code 1
//! when anything failed; without, a pass every `--interval` with health probes until SIGTERM.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use updater_argocd::kube::ClusterClient;
use updater_argocd::lease::{LEASE_NAME, LeaseLock};
use updater_argocd::secrets::SecretStore;
use updater_core::discover::{LegacyFilter, parse_selector};
use updater_core::duration::parse_go_duration;
use updater_git::{Author, GitOptions, GitWriter, Signing, SigningMethod};
use updater_registry::cache::MetadataCache;
use updater_registry::client::ClientOptions;
use updater_registry::credentials::SecretSource;
use updater_registry::tag_digests::{DEFAULT_TAG_DIGEST_TTL, TagDigests};

use crate::adapters::StoreSecrets;
use crate::cli::RunArgs;
use crate::cluster::{ClusterSource, WatchScope};
use crate::controller::{self, Triggers};
use crate::failure::Failure;
use crate::health::{self, HealthState};
use crate::leader::{self, Leadership};
use crate::metrics::{self, Metrics};
use crate::pass_requests::{COALESCE_WINDOW, PassRequests};
use crate::pipeline::{self, AppSource, CommitSettings, PassSettings, Services};
use crate::settings;
use crate::telemetry;
use crate::webhook::{self, EventSink, WebhookSettings};

mod standalone;

/// Runs `webhook`: the webhook server and the passes its events ask for, nothing else
/// (spec §2.3); the flags were set for it when parsed.
pub fn webhook(args: &RunArgs) -> Result<(), Failure> {
    if args.once {
        return Err(Failure::bad_input(anyhow!(
            "`webhook` does not take --once"
        )));
    }
    if args.webhook_port == 0 {
        return Err(Failure::bad_input(anyhow!(
            "`webhook` needs a --webhook-port"
        )));
    }
    run(args)
}

/// Runs `run`.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let level = telemetry::parse_level(&args.loglevel).map_err(Failure::bad_input)?;
    telemetry::init(level, &args.logformat).map_err(Failure::bad_input)?;
    for warning in &args.env_warnings {
        tracing::warn!("{warning}");
    }
    check_flags(args).map_err(Failure::bad_input)?;
    updater_registry::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the async runtime")
        .map_err(Failure::failed)?;
    if args.once {
        runtime.block_on(run_once(args))
    } else {
        runtime.block_on(run_continuously(args))
    }
}

fn check_flags(args: &RunArgs) -> anyhow::Result<()> {
    interval(args)?;
    health::parse_bind_address(&args.health_probe_bind_address)
        .context("invalid --health-probe-bind-address")?;
    health::parse_bind_address(&args.metrics_bind_address)
        .context("invalid --metrics-bind-address")?;
    match args.git_commit_method.trim() {
        "git" => {}
        "api" => bail!("--git-commit-method=api (GitHub API commits) is not built yet; use git"),
        other => bail!("invalid --git-commit-method `{other}` (expected git or api)"),
    }
    let filters = !args.match_application_name.is_empty() || args.match_application_label.is_some();
    if filters && !args.legacy_annotations {
        bail!("--match-application-name and --match-application-label need --legacy-annotations");
    }
    if args.max_concurrent_apps == 0 {
        bail!("--max-concurrent-apps must be at least 1");
    }
    if args.max_concurrent_reconciles == 0 {
        bail!("--max-concurrent-reconciles must be at least 1");
    }
    if args.metrics_secure {
        bail!(
            "--metrics-secure=true (HTTPS metrics with Kubernetes authentication) is not built \
             yet; metrics are served over plain HTTP, put them behind a NetworkPolicy"
        );
    }
    Ok(())
}

fn interval(args: &RunArgs) -> anyhow::Result<Duration> {
    parse_go_duration(&args.interval)
        .with_context(|| format!("invalid --interval `{}`", args.interval))
}

async fn run_continuously(args: &RunArgs) -> Result<(), Failure> {
    let webhook = webhook::settings_from(args).map_err(Failure::bad_input)?;
    let wake = Arc::new(tokio::sync::Notify::new());
    let requests = Arc::new(PassRequests::default());
    let triggers = Triggers {
        wake: &wake,
        requests: &requests,
        window: COALESCE_WINDOW,
        timed: !args.webhook_only,
    };
    let webhook = webhook.map(|settings| (settings, requests.clone() as Arc<dyn EventSink>));
    if let Some(manifests) = &args.manifests {
        let (services, source) = standalone::prepare(args, manifests)?;
        return control(args, &services, &source, &triggers, webhook).await;
    }
    let (mut services, source) = prepare(args).await?;
    let election = elect(args, &source, &mut services);
    requests.follow(services.leadership.clone());
    let watch = (!args.legacy_annotations && !args.webhook_only)
        .then(|| crate::wake::spawn(&source.client, &source.scope, wake.clone()));
    let result = control(args, &services, &source, &triggers, webhook).await;
    if let Some(watch) = watch {
        watch.abort();
    }
    if let Some(election) = election {
        election.resign().await;
    }
    result
}

/// Probes and metrics served while passes run every interval (and on `wake`), until SIGTERM.
async fn control<S: AppSource>(
    args: &RunArgs,
    services: &Services,
    source: &S,
    triggers: &Triggers<'_>,
    webhook: Option<(WebhookSettings, Arc<dyn EventSink>)>,
) -> Result<(), Failure> {
    let interval = interval(args).map_err(Failure::bad_input)?;
    if !interval.is_zero() && interval < Duration::from_secs(60) {
        tracing::warn!(
            "--interval {} is below 1m: registries may throttle",
            args.interval
        );
    }
    let health = Arc::new(HealthState::new(
        args.warmup_cache,
        services.leadership.clone(),
    ));
    let (stop_servers, servers_stopped) = tokio::sync::watch::channel(false);
    let mut servers = Vec::new();
    let endpoints = [
        (
            &args.health_probe_bind_address,
            health::router(health.clone()),
        ),
        (
            &args.metrics_bind_address,
            metrics::router(services.metrics.clone()),
        ),
    ];
    for (address, router) in endpoints {
        let Some(addr) = health::parse_bind_address(address).map_err(Failure::bad_input)? else {
            continue;
        };
        let mut stopped = servers_stopped.clone();
        let stopped = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        servers.push(tokio::spawn(health::serve(addr, router, stopped)));
    }
    if let Some((settings, sink)) = webhook {
        let mut stopped = servers_stopped.clone();
        let metrics = services.metrics.clone();
        servers.push(tokio::spawn(async move {
            let stopped = async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            };
            webhook::serve(&settings, sink, metrics, stopped).await
        }));
    }
    let shutdown = controller::shutdown_signal();
    let end = controller::run_loop(services, source, interval, &health, triggers, shutdown).await;
    let _ = stop_servers.send(true);
    for server in servers {
        match server.await {
            Ok(Err(error)) => tracing::error!("{error:#}"),
            Err(error) => tracing::error!("an http server panicked: {error}"),
            Ok(Ok(())) => {}
        }
    }
    tracing::info!(
        "stopped after {} pass(es), {} with errors",
        end.passes,
        end.failed_passes
    );
    Ok(())
}

/// The services and the cluster source of a run.
async fn prepare(args: &RunArgs) -> Result<(Services, ClusterSource), Failure> {
    let client = connect(args.kubeconfig.as_deref())
        .await
        .map_err(Failure::failed)?;
    let client_namespace = client.default_namespace().to_owned();
    let own = settings::own_namespace(&client_namespace);
    let scope = match settings::watch_namespaces(&args.watch_namespaces, &own)
        .map_err(Failure::bad_input)?
    {
        None => WatchScope::All,
        Some(list) => WatchScope::Namespaces(list),
    };
    let services = cluster_services(args, &client).map_err(Failure::bad_input)?;
    let source = ClusterSource {
        client,
        scope,
        legacy: args.legacy_annotations,
        metrics: services.metrics.clone(),
    };
    Ok((services, source))
}

/// Starts campaigning for the Lease when `--leader-election` is on and hands the pass its
/// [`Leadership`]; `None` when every write is allowed. A dry run writes nothing, so it does
/// not campaign: it must neither wait for nor displace the replica that writes.
fn elect(
    args: &RunArgs,
    source: &ClusterSource,
    services: &mut Services,
) -> Option<leader::Running> {
    if !args.leader_election || args.dry_run {
        return None;
    }
    let namespace = match args.leader_election_namespace.trim() {
        "" => settings::own_namespace(source.client.default_namespace()),
        namespace => namespace.to_owned(),
    };
    let identity = leader::identity(settings::hostname());
    let timing = leader::Timing::default();
    let lock = LeaseLock::new(
        source.client.client().clone(),
        &namespace,
        LEASE_NAME,
        &identity,
        timing.lease_duration,
    );
    let (campaign, leadership) = leader::Campaign::new(lock, timing);
    services.leadership = leadership;
    Some(campaign.spawn())
}

async fn run_once(args: &RunArgs) -> Result<(), Failure> {
    if let Some(manifests) = &args.manifests {
        let (services, source) = standalone::prepare(args, manifests)?;
        return conclude(pipeline::run_pass(&services, &source).await);
    }
    let (mut services, source) = prepare(args).await?;
    let election = elect(args, &source, &mut services);
    if election.is_some() {
        // Like the controller, a signal once the pass runs lets the pass finish.
        let interrupted = tokio::select! {
            () = services.leadership.until_leading() => false,
            () = controller::shutdown_signal() => true,
        };
        if interrupted {
            if let Some(election) = election {
                election.resign().await;
            }
            return Err(Failure::failed(anyhow!(
                "stopped while waiting for the lease"
            )));
        }
    }
    let report = pipeline::run_pass(&services, &source).await;
    if let Some(election) = election {
        election.resign().await;
    }
    conclude(report)
}

/// The end of a `--once` run: the summary on stdout, exit code 1 when anything failed.
fn conclude(report: pipeline::PassReport) -> Result<(), Failure> {
    tracing::info!("{}", report.registry_line());
    println!("{}", report.summary_line());
    if report.errors > 0 {
        return Err(Failure::failed(anyhow!(
            "{} error(s) during the pass; the other applications were processed",
            report.errors
        )));
    }
    Ok(())
}

async fn connect(kubeconfig: Option<&Path>) -> anyhow::Result<ClusterClient> {
    let client = match kubeconfig {
        Some(path) => ClusterClient::from_kubeconfig(path).await,
        None => ClusterClient::infer().await,
    };
    client.context("cannot connect to the kubernetes api")
}

fn cluster_services(args: &RunArgs, client: &ClusterClient) -> anyhow::Result<Services> {
    let argocd_namespace = match args.argocd_namespace.trim() {
        "" => client.default_namespace().to_owned(),
        namespace => namespace.to_owned(),
    };
    let secrets: Arc<dyn SecretStore> = Arc::new(client.secrets());
    let registry_secrets: Arc<dyn SecretSource> = Arc::new(StoreSecrets::new(secrets.clone()));
    services(args, argocd_namespace, secrets, Some(registry_secrets))
}

/// The services of a pass; `registry_secrets` serves `pullsecret:` and `secret:` credentials.
pub(crate) fn services(
    args: &RunArgs,
    argocd_namespace: String,
    secrets: Arc<dyn SecretStore>,
    registry_secrets: Option<Arc<dyn SecretSource>>,
) -> anyhow::Result<Services> {
    let table = settings::load_registries(Path::new(&args.registries_conf_path))?;
    let cache_dir = cache_dir(args);
    let cache = MetadataCache::persistent(
        cache_dir.join("metadata"),
        settings::METADATA_CACHE_MAX_FILES,
    );
    let tag_digests = TagDigests::persistent(cache_dir.join("tag-digests"), DEFAULT_TAG_DIGEST_TTL);
    let git = GitWriter::new(cache_dir.join("git"), GitOptions::default())
        .context("cannot prepare the git working copies")?;
    let metrics = Arc::new(Metrics::new());
    let registry_options = ClientOptions {
        observer: Some(metrics.clone()),
        ..ClientOptions::default()
    };
    Ok(Services {
        settings: pass_settings(args, argocd_namespace)?,
        registries: pipeline::registry::RegistryPool::new(
            table,
            registry_secrets,
            cache,
            tag_digests,
            registry_options,
        ),
        git,
        secrets,
        metrics,
        leadership: Leadership::unconditional(),
    })
}

/// Where caches and working copies live across runs.
fn cache_dir(args: &RunArgs) -> std::path::PathBuf {
    settings::cache_dir(args.cache_dir.as_deref())
        .unwrap_or_else(|| std::env::temp_dir().join("argocd-image-updater"))
}

fn pass_settings(args: &RunArgs, argocd_namespace: String) -> anyhow::Result<PassSettings> {
    Ok(PassSettings {
        dry_run: args.dry_run,
        events: events_enabled(args),
        controller_namespace: argocd_namespace.clone(),
        argocd_namespace,
        max_concurrent_apps: args
            .max_concurrent_apps
            .saturating_mul(args.max_concurrent_reconciles),
        default_platforms: vec![settings::runtime_platform()],
        legacy: legacy_filter(args)?,
        ssh_known_hosts: settings::ssh_known_hosts(),
        commit: CommitSettings {
            author: Author {
                name: args.git_commit_user.clone(),
                email: args.git_commit_email.clone(),
            },
            signing: signing(args)?,
            sign_off: args.git_commit_sign_off,
            template: settings::load_commit_template(&args.git_commit_message_path)?,
        },
    })
}

/// Events unless `--disable-kube-events` (seeded by `IMAGE_UPDATER_KUBE_EVENTS=false`).
fn events_enabled(args: &RunArgs) -> bool {
    !args.disable_kube_events
}

fn legacy_filter(args: &RunArgs) -> anyhow::Result<Option<LegacyFilter>> {
    if !args.legacy_annotations {
        return Ok(None);
    }
    let label_selector = args
        .match_application_label
        .as_deref()
        .map(parse_selector)
        .transpose()
        .context("invalid --match-application-label")?;
    Ok(Some(LegacyFilter {
        name_patterns: args.match_application_name.clone(),
        label_selector,
    }))
}

fn signing(args: &RunArgs) -> anyhow::Result<Option<Signing>> {
    let method = match args.git_commit_signing_method.trim() {
        "openpgp" => SigningMethod::OpenPgp,
        "ssh" => SigningMethod::Ssh,
        other => bail!("invalid --git-commit-signing-method `{other}` (expected openpgp or ssh)"),
    };
    let key = args.git_commit_signing_key.trim();
    Ok((!key.is_empty()).then(|| Signing {
        key: key.to_owned(),
        method,
    }))
}
