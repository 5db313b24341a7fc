//! The token service: credentials, anonymous pull, claims, the libtrust key id and counting.

use std::process::Command;

use reqwest::StatusCode;
use updater_testkit::{AuthMode, RegistryOptions, RegistryServer, libtrust_key_id};

use crate::{jwt_parts, list_tags, request_token, token_of};

const SCOPE: &str = "repository:myorg/app:pull,push";

#[tokio::test]
async fn token_service_rules_and_claims() {
    let server = RegistryServer::start(RegistryOptions::new(AuthMode::Token)).unwrap();
    let before = server.token_requests();

    let wrong = request_token(&server, SCOPE, Some(("testuser", "wrong"))).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let unknown = request_token(&server, SCOPE, Some(("mallory", "testpass"))).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

    let token = token_of(request_token(&server, SCOPE, Some(("testuser", "testpass"))).await).await;
    let (header, claims) = jwt_parts(&token);
    assert_eq!(
        (header["typ"].as_str(), header["alg"].as_str()),
        (Some("JWT"), Some("RS256"))
    );
    assert_eq!(header["kid"], signing_key_id(&server));
    assert_eq!(claims["iss"], "test-issuer");
    assert_eq!(claims["aud"], "test-registry");
    assert_eq!(claims["sub"], "testuser");
    let access = &claims["access"][0];
    assert_eq!(access["type"], "repository");
    assert_eq!(access["name"], "myorg/app");
    assert_eq!(access["actions"], serde_json::json!(["pull", "push"]));
    let (iat, exp, nbf) = (
        claims["iat"].as_i64(),
        claims["exp"].as_i64(),
        claims["nbf"].as_i64(),
    );
    assert_eq!(exp.unwrap() - iat.unwrap(), 300);
    assert!(nbf.unwrap() < iat.unwrap());

    let anonymous = token_of(request_token(&server, SCOPE, None).await).await;
    let (_, claims) = jwt_parts(&anonymous);
    assert_eq!(claims["sub"], "anonymous");
    assert_eq!(claims["access"][0]["actions"], serde_json::json!(["pull"]));

    assert_eq!(server.token_requests() - before, 4);
}

#[tokio::test]
async fn anonymous_pull_can_be_refused() {
    let options = RegistryOptions::new(AuthMode::Token).without_anonymous_pull();
    let server = RegistryServer::start(options).unwrap();
    let anonymous = request_token(&server, SCOPE, None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let challenge = anonymous.headers()["www-authenticate"].to_str().unwrap();
    assert_eq!(challenge, "Basic realm=\"token\"");
    // Credentials still work, and the registry accepts what they buy.
    server
        .seeder()
        .unwrap()
        .push_tags("myorg/app", &["v1"])
        .await
        .unwrap();
    assert_eq!(list_tags(&server, "myorg/app").await, ["v1"]);
}

#[test]
fn libtrust_key_id_format() {
    let kid = libtrust_key_id(b"any public key bytes");
    let groups: Vec<&str> = kid.split(':').collect();
    assert_eq!(groups.len(), 12, "{kid}");
    for group in groups {
        assert_eq!(group.len(), 4, "{kid}");
        assert!(
            group
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        );
    }
    // Same algorithm as token-server.py: sha256, first 30 bytes, base32.
    assert_eq!(
        libtrust_key_id(b""),
        "4OYM:IQUY:7QOB:JGX3:6TEJ:S35Z:EQT2:4QPE:MSNZ:GTFE:SWMR:W6CS"
    );
}

/// The libtrust id of the public key in the registry's `rootcertbundle`, computed independently
/// of the token service with the openssl CLI.
fn signing_key_id(server: &RegistryServer) -> String {
    let cert = server.dir().join("token/cert.pem");
    let script = format!(
        "openssl x509 -in '{}' -pubkey -noout | openssl pkey -pubin -outform DER",
        cert.display()
    );
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    libtrust_key_id(&out.stdout)
}
