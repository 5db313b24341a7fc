//! The credential fields of one Argo CD repository or template secret, Argo CD's
//! `CopyCredentialsFrom` merge, `HasCredentials`, and the `GetGitCreds` priority.

use crate::credential::{GitCredentialValue, GitHubApp, client_cert};
use crate::secrets::{FieldError, Secret, SecretValue};

/// `url`: the repository or the template prefix.
pub(super) const URL: &str = "url";
/// `project`: restricts the secret to one AppProject.
pub(super) const PROJECT: &str = "project";

/// Every credential field; empty strings count as absent, as in Argo CD.
#[derive(Default)]
pub(super) struct RepoFields {
    username: Option<String>,
    password: Option<SecretValue>,
    ssh_private_key: Option<SecretValue>,
    insecure: bool,
    github_app_id: Option<u64>,
    github_app_installation_id: Option<u64>,
    github_app_private_key: Option<SecretValue>,
    github_app_enterprise_base_url: Option<String>,
    tls_client_cert_data: Option<String>,
    tls_client_cert_key: Option<SecretValue>,
    proxy: Option<SecretValue>,
    force_http_basic_auth: bool,
    gcp_service_account_key: Option<SecretValue>,
}

fn text(secret: &Secret, field: &str) -> Result<Option<String>, FieldError> {
    Ok(secret
        .text(field)?
        .filter(|text| !text.is_empty())
        .map(str::to_owned))
}

fn hidden(secret: &Secret, field: &str) -> Result<Option<SecretValue>, FieldError> {
    Ok(text(secret, field)?.map(SecretValue::from))
}

impl RepoFields {
    /// Reads a secret; `insecure` only counts on a `repository` entry.
    pub(super) fn read(secret: &Secret, is_entry: bool) -> Result<Self, FieldError> {
        let insecure =
            is_entry && (secret.flag("insecure")? || secret.flag("insecureIgnoreHostKey")?);
        Ok(Self {
            username: text(secret, "username")?,
            password: hidden(secret, "password")?,
            ssh_private_key: hidden(secret, "sshPrivateKey")?,
            insecure,
            github_app_id: secret.number("githubAppID")?,
            github_app_installation_id: secret.number("githubAppInstallationID")?,
            github_app_private_key: hidden(secret, "githubAppPrivateKey")?,
            github_app_enterprise_base_url: text(secret, "githubAppEnterpriseBaseUrl")?,
            tls_client_cert_data: text(secret, "tlsClientCertData")?,
            tls_client_cert_key: hidden(secret, "tlsClientCertKey")?,
            proxy: hidden(secret, "proxy")?,
            force_http_basic_auth: secret.flag("forceHttpBasicAuth")?,
            gcp_service_account_key: hidden(secret, "gcpServiceAccountKey")?,
        })
    }

    /// Argo CD's `HasCredentials`: any credential field is set.
    pub(super) fn has_credentials(&self) -> bool {
        self.username.is_some()
            || self.password.is_some()
            || self.ssh_private_key.is_some()
            || self.tls_client_cert_data.is_some()
            || self.github_app_private_key.is_some()
            || self.gcp_service_account_key.is_some()
    }

    /// Argo CD's `CopyCredentialsFrom`: fields this entry leaves empty come from the template.
    pub(super) fn fill_from(&mut self, template: Self) {
        fn fill<T>(mine: &mut Option<T>, theirs: Option<T>) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        fill(&mut self.username, template.username);
        fill(&mut self.password, template.password);
        fill(&mut self.ssh_private_key, template.ssh_private_key);
        fill(&mut self.github_app_id, template.github_app_id);
        let installation = template.github_app_installation_id;
        fill(&mut self.github_app_installation_id, installation);
        fill(
            &mut self.github_app_private_key,
            template.github_app_private_key,
        );
        let enterprise = template.github_app_enterprise_base_url;
        fill(&mut self.github_app_enterprise_base_url, enterprise);
        fill(
            &mut self.tls_client_cert_data,
            template.tls_client_cert_data,
        );
        fill(&mut self.tls_client_cert_key, template.tls_client_cert_key);
        fill(&mut self.proxy, template.proxy);
        fill(
            &mut self.gcp_service_account_key,
            template.gcp_service_account_key,
        );
        self.force_http_basic_auth |= template.force_http_basic_auth;
    }

    /// Argo CD's `GetGitCreds` priority: password, SSH key, GitHub App, GCP key.
    pub(super) fn into_value(mut self) -> GitCredentialValue {
        let key = self.tls_client_cert_key.take();
        let cert = client_cert(self.tls_client_cert_data.as_deref(), key);
        if let Some(password) = self.password.take() {
            return GitCredentialValue::Https {
                username: self.username.take().unwrap_or_default(),
                password,
                insecure: self.insecure,
                client_cert: cert,
                proxy: self.proxy,
                force_basic_auth: self.force_http_basic_auth,
            };
        }
        if let Some(private_key) = self.ssh_private_key.take() {
            let insecure = self.insecure;
            return GitCredentialValue::Ssh {
                private_key,
                insecure,
            };
        }
        if let Some(app) = self.github_app() {
            return GitCredentialValue::GitHubApp {
                app,
                insecure: self.insecure,
                client_cert: cert,
                proxy: self.proxy,
            };
        }
        match self.gcp_service_account_key {
            Some(service_account_key) => GitCredentialValue::Gcp {
                service_account_key,
            },
            None => GitCredentialValue::None,
        }
    }

    /// The GitHub App identity, when the key and both ids are set.
    fn github_app(&mut self) -> Option<GitHubApp> {
        let (Some(app_id), Some(installation_id)) =
            (self.github_app_id, self.github_app_installation_id)
        else {
            return None;
        };
        Some(GitHubApp {
            app_id,
            installation_id,
            private_key: self.github_app_private_key.take()?,
            enterprise_base_url: self.github_app_enterprise_base_url.take(),
        })
    }
}
