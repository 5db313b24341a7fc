//! The git credentials read from Argo CD repository secrets or a `git:secret:` secret, as plain
//! values for the binary to hand to the git crate. Every secret part is a [`SecretValue`].

use crate::secrets::SecretValue;

/// A TLS client certificate for HTTPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsClientCert {
    /// The PEM certificate (`tlsClientCertData`; public).
    pub cert: String,
    /// The PEM private key (`tlsClientCertKey`).
    pub key: SecretValue,
}

/// A GitHub App identity; the binary exchanges it for an installation token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubApp {
    /// `githubAppID`.
    pub app_id: u64,
    /// `githubAppInstallationID`.
    pub installation_id: u64,
    /// `githubAppPrivateKey` (PEM).
    pub private_key: SecretValue,
    /// `githubAppEnterpriseBaseUrl`, for GitHub Enterprise Server.
    pub enterprise_base_url: Option<String>,
}

/// Credentials for one repository, in the priority order Argo CD applies (spec §7.2.6).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GitCredentialValue {
    /// No usable credentials (for example a username without a password).
    #[default]
    None,
    /// HTTPS basic authentication.
    Https {
        /// `username` (may be empty: token-only servers).
        username: String,
        /// `password` or token.
        password: SecretValue,
        /// Skip TLS verification (`insecure: "true"`).
        insecure: bool,
        /// `tlsClientCertData` + `tlsClientCertKey`, when both are set.
        client_cert: Option<TlsClientCert>,
        /// `proxy`; secret because proxy URLs can carry credentials.
        proxy: Option<SecretValue>,
        /// `forceHttpBasicAuth`: send basic auth without waiting for a challenge.
        force_basic_auth: bool,
    },
    /// SSH with a private key.
    Ssh {
        /// `sshPrivateKey`.
        private_key: SecretValue,
        /// Skip host-key verification (`insecure: "true"`).
        insecure: bool,
    },
    /// A GitHub App installation.
    GitHubApp {
        /// The app identity.
        app: GitHubApp,
        /// Skip TLS verification (`insecure: "true"`).
        insecure: bool,
        /// `tlsClientCertData` + `tlsClientCertKey`, when both are set.
        client_cert: Option<TlsClientCert>,
        /// `proxy`.
        proxy: Option<SecretValue>,
    },
    /// A Google Cloud service account (Cloud Source Repositories).
    Gcp {
        /// `gcpServiceAccountKey` (JSON).
        service_account_key: SecretValue,
    },
}

/// Builds a client certificate when both halves are present and non-empty.
pub(crate) fn client_cert(cert: Option<&str>, key: Option<SecretValue>) -> Option<TlsClientCert> {
    match (cert, key) {
        (Some(cert), Some(key)) if !cert.is_empty() && !key.expose().is_empty() => {
            Some(TlsClientCert {
                cert: cert.to_owned(),
                key,
            })
        }
        _ => None,
    }
}
