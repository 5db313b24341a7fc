//! Authentication (spec §10): answer the registry's challenge on the first refused request,
//! then authorize up front; Bearer tokens are cached per scope until shortly before expiry, and
//! a refusal after authenticating drops the token, refreshes credentials once and retries once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use base64::Engine as _;
use reqwest::Method;
use reqwest::header::{HeaderValue, WWW_AUTHENTICATE};
use tokio::time::Instant;
use url::Url;

use super::challenge::{Challenge, parse_challenges};
use super::counts::RequestKind;
use super::transport::{Exchange, Reply};
use super::{RegistryClient, RequestError};
use crate::secret::Secret;

/// Token lifetime when the service does not say (distribution's token spec).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// Tokens are dropped this long before they expire, so none expires in flight.
const TOKEN_EXPIRY_MARGIN: Duration = Duration::from_secs(10);
/// Largest token response accepted.
const TOKEN_BODY_LIMIT: usize = 1024 * 1024;
/// ACR's token service wants these actions for reading (the original's special case).
const ACR_ACTIONS: &str = "pull,metadata_read,content_read";

/// How the registry wants to be authenticated, learned from its challenge.
#[derive(Debug, Clone)]
enum Scheme {
    Basic,
    Bearer { realm: Url, service: Option<String> },
}

/// A bearer token ready to send.
struct CachedToken {
    header: HeaderValue,
    fresh_until: Instant,
}

/// One token slot per scope; its async lock makes concurrent misses wait for one fetch.
type TokenSlot = Arc<tokio::sync::Mutex<Option<CachedToken>>>;

/// What the client knows about authenticating to its registry.
#[derive(Default)]
pub(super) struct AuthState {
    scheme: RwLock<Option<Scheme>>,
    tokens: Mutex<HashMap<String, TokenSlot>>,
}

impl AuthState {
    fn scheme(&self) -> Option<Scheme> {
        self.scheme
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_scheme(&self, scheme: Scheme) {
        *self.scheme.write().unwrap_or_else(PoisonError::into_inner) = Some(scheme);
    }

    fn slot(&self, scope: &str) -> TokenSlot {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.entry(scope.to_owned()).or_default().clone()
    }
}

/// Progress through one request's authentication.
#[derive(Default)]
struct Progress {
    /// A challenge was answered (first refusal without credentials).
    challenged: bool,
    /// Credentials were refreshed after a refusal with credentials.
    refreshed: bool,
}

impl Progress {
    /// True the first time only: credentials are refreshed at most once per request.
    fn take_refresh(&mut self) -> bool {
        !std::mem::replace(&mut self.refreshed, true)
    }
}

/// What to do after a 401/403.
enum Next {
    Authenticate,
    Refresh,
    Fail(RequestError),
}

/// The token service's answer; extra fields ignored. Not `Debug`: it holds the token.
#[derive(serde::Deserialize)]
struct TokenResponse {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl RegistryClient {
    /// Sends `exchange` for `repository` with whatever authorization the registry asked for.
    /// 401/403 come back as errors; other statuses as replies.
    pub(super) async fn fetch(
        &self,
        mut exchange: Exchange,
        repository: &str,
    ) -> Result<Reply, RequestError> {
        let mut progress = Progress::default();
        let mut refresh = false;
        loop {
            let authorization = match self.authorization(repository, refresh).await {
                Ok(authorization) => authorization,
                Err(error) if error.is_auth_rejection() && progress.take_refresh() => {
                    refresh = true;
                    continue;
                }
                Err(error) => return Err(error),
            };
            refresh = false;
            let sent = authorization.is_some();
            exchange.authorization = authorization;
            let reply = self.send(&exchange).await?;
            if !matches!(reply.status.as_u16(), 401 | 403) {
                return Ok(reply);
            }
            match self.after_refusal(&reply, sent, &mut progress) {
                Next::Authenticate => {}
                Next::Refresh => refresh = true,
                Next::Fail(error) => return Err(error),
            }
        }
    }

    /// Learns the challenge, then: authenticate when nothing was sent and the challenge can be
    /// answered; refresh once when something was sent; else fail.
    fn after_refusal(&self, reply: &Reply, sent: bool, progress: &mut Progress) -> Next {
        let learned = self.learn_challenge(reply);
        if !sent && learned && !progress.challenged && self.can_answer() {
            progress.challenged = true;
            return Next::Authenticate;
        }
        if sent && progress.take_refresh() {
            tracing::debug!(registry = %self.registry, "credentials refused; refreshing once");
            return Next::Refresh;
        }
        match self.auth.scheme() {
            Some(Scheme::Basic) if !sent => Next::Fail(RequestError::NoCredentials {
                path: reply.path(),
                scheme: "Basic".to_owned(),
            }),
            _ => Next::Fail(reply.error()),
        }
    }

    /// Bearer can always be tried (anonymous tokens exist); Basic needs credentials.
    fn can_answer(&self) -> bool {
        match self.auth.scheme() {
            Some(Scheme::Bearer { .. }) => true,
            Some(Scheme::Basic) => self.credentials.is_some(),
            None => false,
        }
    }

    /// Stores the preferred usable challenge of `reply` (Bearer over Basic); false if none.
    pub(super) fn learn_challenge(&self, reply: &Reply) -> bool {
        let challenges: Vec<Challenge> = reply
            .headers
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(parse_challenges)
            .collect();
        let Some(scheme) = self.usable_scheme(&challenges) else {
            return false;
        };
        self.auth.set_scheme(scheme);
        true
    }

    fn usable_scheme(&self, challenges: &[Challenge]) -> Option<Scheme> {
        let bearer = challenges
            .iter()
            .filter(|c| c.scheme == "bearer")
            .find_map(|c| self.bearer_scheme(c));
        bearer.or_else(|| {
            challenges
                .iter()
                .any(|c| c.scheme == "basic")
                .then_some(Scheme::Basic)
        })
    }

    fn bearer_scheme(&self, challenge: &Challenge) -> Option<Scheme> {
        let realm = self.base.join(challenge.param("realm")?).ok()?;
        if !matches!(realm.scheme(), "http" | "https") {
            return None;
        }
        let service = challenge.param("service").map(str::to_owned);
        Some(Scheme::Bearer { realm, service })
    }

    /// The `Authorization` value for a request, or `None` to go anonymous.
    async fn authorization(
        &self,
        repository: &str,
        refresh: bool,
    ) -> Result<Option<HeaderValue>, RequestError> {
        match self.auth.scheme() {
            None => Ok(None),
            Some(Scheme::Basic) => self.basic_authorization(refresh).await,
            Some(Scheme::Bearer { realm, service }) => {
                let scope = self.scope(repository);
                self.bearer_authorization(&realm, service.as_deref(), &scope, refresh)
                    .await
                    .map(Some)
            }
        }
    }

    /// `repository:<name>:pull`, with ACR's extra read actions on `*.azurecr.io`.
    fn scope(&self, repository: &str) -> String {
        let is_acr = self
            .base
            .host_str()
            .is_some_and(|host| host.ends_with(".azurecr.io"));
        let actions = if is_acr { ACR_ACTIONS } else { "pull" };
        format!("repository:{repository}:{actions}")
    }

    /// Basic credentials from the provider, or `None` without one.
    async fn basic_authorization(
        &self,
        refresh: bool,
    ) -> Result<Option<HeaderValue>, RequestError> {
        let Some(provider) = &self.credentials else {
            return Ok(None);
        };
        let credentials = provider
            .credentials(refresh)
            .await
            .map_err(|source| RequestError::Credentials { source })?;
        let pair = format!("{}:{}", credentials.username, credentials.password.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        Ok(sensitive_header(&format!("Basic {encoded}")))
    }

    /// A token for `scope`: cached, or fetched once while concurrent callers wait for it.
    async fn bearer_authorization(
        &self,
        realm: &Url,
        service: Option<&str>,
        scope: &str,
        refresh: bool,
    ) -> Result<HeaderValue, RequestError> {
        let slot = self.auth.slot(scope);
        let mut cached = slot.lock().await;
        if refresh {
            *cached = None;
        }
        if let Some(token) = cached.as_ref().filter(|t| t.fresh_until > Instant::now()) {
            return Ok(token.header.clone());
        }
        let token = self.fetch_token(realm, service, scope, refresh).await?;
        let header = token.header.clone();
        *cached = Some(token);
        Ok(header)
    }

    async fn fetch_token(
        &self,
        realm: &Url,
        service: Option<&str>,
        scope: &str,
        refresh: bool,
    ) -> Result<CachedToken, RequestError> {
        let shown = super::transport::shown_url(realm);
        let wrap = |source| RequestError::Token {
            realm: shown.clone(),
            source: Box::new(source),
        };
        let mut exchange = Exchange::new(
            Method::GET,
            token_url(realm, service, scope),
            RequestKind::Token,
            TOKEN_BODY_LIMIT,
        );
        exchange.authorization = self.token_credentials(realm, refresh).await?;
        let reply = self.send(&exchange).await.map_err(wrap)?;
        let reply = reply.expect_success().map_err(wrap)?;
        parse_token(&reply, &shown)
    }

    /// Basic credentials for the token service, refusing to send them over plain http when
    /// the registry itself is https.
    async fn token_credentials(
        &self,
        realm: &Url,
        refresh: bool,
    ) -> Result<Option<HeaderValue>, RequestError> {
        if self.credentials.is_some() && realm.scheme() == "http" && self.base.scheme() == "https" {
            return Err(RequestError::InsecureRealm {
                realm: super::transport::shown_url(realm),
            });
        }
        self.basic_authorization(refresh).await
    }
}

/// `realm?service=…&scope=…`, keeping any query the realm already has.
fn token_url(realm: &Url, service: Option<&str>, scope: &str) -> Url {
    let mut url = realm.clone();
    {
        let mut query = url.query_pairs_mut();
        if let Some(service) = service {
            query.append_pair("service", service);
        }
        query.append_pair("scope", scope);
    }
    url
}

fn parse_token(reply: &Reply, realm: &str) -> Result<CachedToken, RequestError> {
    let response: TokenResponse =
        serde_json::from_slice(&reply.body).map_err(|source| RequestError::Parse {
            path: reply.path(),
            source,
        })?;
    let missing = || RequestError::TokenMissing {
        realm: realm.to_owned(),
    };
    let token = response
        .token
        .or(response.access_token)
        .filter(|t| !t.is_empty())
        .map(Secret::new)
        .ok_or_else(missing)?;
    let header = sensitive_header(&format!("Bearer {}", token.expose())).ok_or_else(missing)?;
    let lifetime = response
        .expires_in
        .filter(|&s| s > 0)
        .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs);
    let margin = TOKEN_EXPIRY_MARGIN.min(lifetime / 2);
    Ok(CachedToken {
        header,
        fresh_until: Instant::now() + lifetime - margin,
    })
}

/// A header value marked sensitive (hidden from `Debug` and HTTP/2 header compression);
/// `None` when the text holds characters a header cannot carry.
fn sensitive_header(text: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(text).ok()?;
    value.set_sensitive(true);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientOptions, RegistryClient};
    use updater_core::registries::RegistryEndpoint;

    fn client_for(api_url: &str) -> RegistryClient {
        let mut endpoint = RegistryEndpoint::inferred("registry.example");
        endpoint.api_url = api_url.to_owned();
        RegistryClient::new(endpoint, None, ClientOptions::default()).unwrap()
    }

    #[test]
    fn scope_is_pull_with_acr_read_actions_on_azurecr() {
        assert_eq!(
            client_for("https://ghcr.io").scope("org/app"),
            "repository:org/app:pull"
        );
        assert_eq!(
            client_for("https://myreg.azurecr.io").scope("team/app"),
            "repository:team/app:pull,metadata_read,content_read"
        );
        assert_eq!(
            client_for("https://azurecr.io.example.com").scope("a"),
            "repository:a:pull"
        );
    }

    #[test]
    fn token_url_adds_service_and_scope() {
        let realm = Url::parse("https://auth.docker.io/token?x=1").unwrap();
        let url = token_url(
            &realm,
            Some("registry.docker.io"),
            "repository:library/nginx:pull",
        );
        assert_eq!(
            url.as_str(),
            "https://auth.docker.io/token?x=1&service=registry.docker.io\
             &scope=repository%3Alibrary%2Fnginx%3Apull"
        );
    }

    #[test]
    fn client_and_its_futures_are_shareable() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        fn send<T: Send>(_: T) {}
        let client = client_for("https://registry.example");
        send_sync(&client);
        send(client.list_tags("a"));
        send(client.get_manifest("a", "b"));
        send(client.head_manifest("a", "b"));
        send(client.get_blob("a", "b"));
    }
}
