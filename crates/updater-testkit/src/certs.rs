//! Key material made with the `openssl` CLI, and the htpasswd file made with `htpasswd`.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use crate::{
    error::{TestkitError, file_error},
    process::run_tool,
};

/// Files for serving HTTPS: a CA the clients trust and a leaf certificate the registry serves.
#[derive(Debug)]
pub(crate) struct TlsFiles {
    /// PEM of the CA certificate; what tests trust.
    pub(crate) ca_pem: PathBuf,
    /// DER of the same CA certificate, for the readiness probe.
    pub(crate) ca_der: Vec<u8>,
    /// PEM of the server certificate (SAN `IP:127.0.0.1`, `DNS:localhost`).
    pub(crate) cert_pem: PathBuf,
    /// PEM of the server key.
    pub(crate) key_pem: PathBuf,
}

/// Makes a CA and a server certificate signed by it under `dir/tls`.
///
/// A CA plus leaf rather than one self-signed certificate: webpki (rustls) refuses a
/// certificate with `CA:TRUE` as a server certificate, and openssl's self-signed default is one.
/// P-256 keys because they are generated in milliseconds.
pub(crate) fn make_tls(dir: &Path) -> Result<TlsFiles, TestkitError> {
    let tls = dir.join("tls");
    fs::create_dir_all(&tls).map_err(file_error(&tls))?;
    let (ca_pem, ca_key) = (tls.join("ca.pem"), tls.join("ca.key"));
    let (cert_pem, key_pem) = (tls.join("server.pem"), tls.join("server.key"));
    run_tool(
        Command::new("openssl")
            .args(["req", "-x509", "-nodes", "-days", "3650"])
            .args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"])
            .args(["-subj", "/CN=updater-testkit-ca"])
            .args(["-addext", "basicConstraints=critical,CA:TRUE"])
            .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
            .arg("-keyout")
            .arg(&ca_key)
            .arg("-out")
            .arg(&ca_pem),
        b"",
    )?;
    run_tool(
        Command::new("openssl")
            .args(["req", "-x509", "-nodes", "-days", "3650"])
            .args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"])
            .args(["-subj", "/CN=127.0.0.1"])
            .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .args(["-addext", "extendedKeyUsage=serverAuth"])
            .arg("-CA")
            .arg(&ca_pem)
            .arg("-CAkey")
            .arg(&ca_key)
            .arg("-keyout")
            .arg(&key_pem)
            .arg("-out")
            .arg(&cert_pem),
        b"",
    )?;
    let ca_der = run_tool(
        Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&ca_pem),
        b"",
    )?;
    Ok(TlsFiles {
        ca_pem,
        ca_der,
        cert_pem,
        key_pem,
    })
}

/// The token service's signing key, in the forms each party needs.
#[derive(Debug)]
pub(crate) struct SigningFiles {
    /// Self-signed certificate of the key: the registry's `rootcertbundle`.
    pub(crate) cert_pem: PathBuf,
    /// The private key as PKCS#8 DER, what `ring` loads.
    pub(crate) pkcs8_der: Vec<u8>,
    /// The public key as DER SubjectPublicKeyInfo, what the libtrust key id hashes.
    pub(crate) spki_der: Vec<u8>,
}

/// Makes an RSA 2048 key and its self-signed certificate under `dir/token`.
pub(crate) fn make_signing_key(dir: &Path) -> Result<SigningFiles, TestkitError> {
    let token = dir.join("token");
    fs::create_dir_all(&token).map_err(file_error(&token))?;
    let (cert_pem, key_pem) = (token.join("cert.pem"), token.join("key.pem"));
    run_tool(
        Command::new("openssl")
            .args([
                "req", "-x509", "-nodes", "-days", "3650", "-newkey", "rsa:2048",
            ])
            .args(["-subj", "/CN=test-token-issuer", "-keyout"])
            .arg(&key_pem)
            .arg("-out")
            .arg(&cert_pem),
        b"",
    )?;
    let pkcs8_der = run_tool(
        Command::new("openssl")
            .args(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in"])
            .arg(&key_pem),
        b"",
    )?;
    let spki_der = run_tool(
        Command::new("openssl")
            .args(["pkey", "-pubout", "-outform", "DER", "-in"])
            .arg(&key_pem),
        b"",
    )?;
    Ok(SigningFiles {
        cert_pem,
        pkcs8_der,
        spki_der,
    })
}

/// Writes a bcrypt htpasswd file with one user and returns its path.
///
/// The password goes through stdin (`-i`), not argv, per the process-hygiene convention.
pub(crate) fn make_htpasswd(
    dir: &Path,
    user: &str,
    password: &str,
) -> Result<PathBuf, TestkitError> {
    let path = dir.join("htpasswd");
    run_tool(
        Command::new("htpasswd")
            .args(["-B", "-i", "-c"])
            .arg(&path)
            .arg(user),
        password.as_bytes(),
    )?;
    Ok(path)
}
