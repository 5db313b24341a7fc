//! The distribution (`docker-registry`) configuration file, rendered from typed parameters.

use std::path::Path;

/// How the registry authenticates clients.
#[derive(Debug)]
pub(crate) enum AuthConfig<'a> {
    /// No `auth` section: anyone may pull and push.
    None,
    /// `auth.htpasswd` with the given file.
    Htpasswd {
        /// The bcrypt htpasswd file.
        path: &'a Path,
    },
    /// `auth.token`: clients fetch a bearer token at `realm`.
    Token {
        /// The token endpoint, `http://127.0.0.1:<port>/token`.
        realm: &'a str,
        /// Certificate(s) whose keys may sign tokens.
        rootcertbundle: &'a Path,
    },
}

/// Everything the configuration depends on.
#[derive(Debug)]
pub(crate) struct ConfigParams<'a> {
    /// Where blobs and manifests are stored.
    pub(crate) data_dir: &'a Path,
    /// The loopback port to listen on.
    pub(crate) port: u16,
    /// Server certificate and key, for HTTPS.
    pub(crate) tls: Option<(&'a Path, &'a Path)>,
    /// The `auth` section.
    pub(crate) auth: AuthConfig<'a>,
}

/// The issuer and service names the token service and the registry agree on.
pub(crate) const TOKEN_ISSUER: &str = "test-issuer";
/// See [`TOKEN_ISSUER`].
pub(crate) const TOKEN_SERVICE: &str = "test-registry";

/// Renders `config.yml` as `registry.sh` writes it.
pub(crate) fn render(params: &ConfigParams<'_>) -> String {
    format!(
        "version: 0.1\n\
         log:\n  level: info\n  accesslog:\n    disabled: true\n\
         storage:\n  filesystem:\n    rootdirectory: {data}\n  delete:\n    enabled: true\n  \
         cache:\n    blobdescriptor: inmemory\n\
         http:\n  addr: 127.0.0.1:{port}\n  secret: not-a-secret-test-only\n{tls}\
         health:\n  storagedriver:\n    enabled: false\n{auth}",
        data = quote(params.data_dir),
        port = params.port,
        tls = render_tls(params.tls),
        auth = render_auth(&params.auth),
    )
}

/// The `http.tls` subsection, or nothing for plain HTTP.
fn render_tls(tls: Option<(&Path, &Path)>) -> String {
    tls.map_or_else(String::new, |(cert, key)| {
        format!(
            "  tls:\n    certificate: {}\n    key: {}\n",
            quote(cert),
            quote(key)
        )
    })
}

/// The `auth` section.
fn render_auth(auth: &AuthConfig<'_>) -> String {
    match auth {
        AuthConfig::None => String::new(),
        AuthConfig::Htpasswd { path } => format!(
            "auth:\n  htpasswd:\n    realm: test-realm\n    path: {}\n",
            quote(path)
        ),
        AuthConfig::Token {
            realm,
            rootcertbundle,
        } => format!(
            "auth:\n  token:\n    realm: {realm}\n    service: {TOKEN_SERVICE}\n    \
             issuer: {TOKEN_ISSUER}\n    rootcertbundle: {}\n",
            quote(rootcertbundle)
        ),
    }
}

/// A path as a single-quoted YAML scalar, so unusual temp-dir names cannot break the file.
fn quote(path: &Path) -> String {
    format!("'{}'", path.to_string_lossy().replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_config_has_no_auth_or_tls() {
        let yaml = render(&ConfigParams {
            data_dir: Path::new("/tmp/x/data"),
            port: 41234,
            tls: None,
            auth: AuthConfig::None,
        });
        assert!(yaml.contains("  addr: 127.0.0.1:41234\n"));
        assert!(yaml.contains("    rootdirectory: '/tmp/x/data'\n"));
        assert!(!yaml.contains("auth:") && !yaml.contains("tls:"));
    }

    #[test]
    fn token_and_tls_sections_are_rendered() {
        let yaml = render(&ConfigParams {
            data_dir: Path::new("/d"),
            port: 1,
            tls: Some((Path::new("/c.pem"), Path::new("/k'ey.pem"))),
            auth: AuthConfig::Token {
                realm: "http://127.0.0.1:2/token",
                rootcertbundle: Path::new("/t/cert.pem"),
            },
        });
        assert!(yaml.contains("  tls:\n    certificate: '/c.pem'\n    key: '/k''ey.pem'\n"));
        assert!(yaml.contains("    realm: http://127.0.0.1:2/token\n    service: test-registry\n"));
        assert!(yaml.contains("    issuer: test-issuer\n    rootcertbundle: '/t/cert.pem'\n"));
    }
}
