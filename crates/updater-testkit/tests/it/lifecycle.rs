//! Servers use distinct free ports, log, and stop when dropped.

use std::{
    net::{SocketAddr, TcpStream},
    time::Duration,
};

use updater_testkit::{AuthMode, RegistryOptions, RegistryServer};

/// Whether something accepts connections at `addr` (`host:port`).
fn accepts(addr: &str) -> bool {
    let addr: SocketAddr = addr.parse().unwrap();
    TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
}

#[test]
fn drop_stops_registry_and_token_service() {
    let server = RegistryServer::start(RegistryOptions::new(AuthMode::Token)).unwrap();
    let (host, dir) = (server.host(), server.dir().to_path_buf());
    let realm = server.token_realm().unwrap();
    let token_host = realm
        .strip_prefix("http://")
        .and_then(|rest| rest.strip_suffix("/token"))
        .unwrap()
        .to_owned();
    assert!(accepts(&host) && accepts(&token_host));
    assert_ne!(host, token_host);
    assert!(
        server.log_tail().contains("listening on"),
        "{}",
        server.log_tail()
    );

    drop(server);
    assert!(!accepts(&host), "registry still listening on {host}");
    assert!(
        !accepts(&token_host),
        "token service still listening on {token_host}"
    );
    assert!(!dir.exists(), "temporary directory left behind");
}

#[test]
fn servers_get_distinct_ports() {
    let a = RegistryServer::start(RegistryOptions::default()).unwrap();
    let b = RegistryServer::start(RegistryOptions::default()).unwrap();
    assert_ne!(a.port(), b.port());
    assert_ne!(a.dir(), b.dir());
}
