//! Tag pagination: every `Link` form, registries ignoring `n`, loops, the page cap, big lists.

use std::time::Instant;

use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{client, client_with, fast_options, tags_body};

const TAGS: &str = "/v2/org/app/tags/list";

fn page(tags: &[&str], next: Option<&str>) -> ResponseTemplate {
    let response = ResponseTemplate::new(200).set_body_json(tags_body(tags));
    match next {
        Some(link) => response.insert_header("link", format!(r#"<{link}>; rel="next""#)),
        None => response,
    }
}

async fn mount_first(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(TAGS))
        .and(query_param("n", "1000"))
        .and(query_param_is_missing("last"))
        .and(query_param_is_missing("next_page"))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn relative_links_with_n_and_last() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        page(&["a", "b"], Some("/v2/org/app/tags/list?n=2&last=b")),
    )
    .await;
    Mock::given(path(TAGS))
        .and(query_param("last", "b"))
        .respond_with(page(&["c", "d"], Some("/v2/org/app/tags/list?n=2&last=d")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(TAGS))
        .and(query_param("last", "d"))
        .respond_with(page(&["e"], None))
        .expect(1)
        .mount(&server)
        .await;
    let tags = client(&server).list_tags("org/app").await.unwrap();
    assert_eq!(tags, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn quay_opaque_next_page() {
    let server = MockServer::start().await;
    let token = "gAAAAABk0_opaque-Token%3D%3D";
    let next = format!("/v2/org/app/tags/list?n=50&next_page={token}");
    mount_first(&server, page(&["1.0", "1.1"], Some(&next))).await;
    Mock::given(path(TAGS))
        .and(query_param("next_page", "gAAAAABk0_opaque-Token=="))
        .respond_with(page(&["2.0"], None))
        .expect(1)
        .mount(&server)
        .await;
    let tags = client(&server).list_tags("org/app").await.unwrap();
    assert_eq!(tags, ["1.0", "1.1", "2.0"]);
}

#[tokio::test]
async fn absolute_link_on_the_same_host_and_query_only_link() {
    let server = MockServer::start().await;
    let absolute = format!("{}/v2/org/app/tags/list?last=b&n=2", server.uri());
    mount_first(&server, page(&["a", "b"], Some(&absolute))).await;
    Mock::given(path(TAGS))
        .and(query_param("last", "b"))
        .respond_with(page(&["c"], Some("?last=c&n=2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(TAGS))
        .and(query_param("last", "c"))
        .respond_with(page(&["d"], None))
        .expect(1)
        .mount(&server)
        .await;
    let tags = client(&server).list_tags("org/app").await.unwrap();
    assert_eq!(tags, ["a", "b", "c", "d"]);
}

#[tokio::test]
async fn registry_ignoring_n_returns_everything_at_once() {
    let server = MockServer::start().await;
    // distribution 2.8 ignores `n` and `last` and sends no Link.
    Mock::given(path(TAGS))
        .respond_with(page(&["latest", "v1.0.0", "v1.1.0", "v1.0.1"], None))
        .expect(1)
        .mount(&server)
        .await;
    let tags = client(&server).list_tags("org/app").await.unwrap();
    assert_eq!(tags, ["latest", "v1.0.0", "v1.1.0", "v1.0.1"]);
}

#[tokio::test]
async fn registry_ignoring_last_stops_when_a_page_adds_nothing() {
    let server = MockServer::start().await;
    let responder = |request: &Request| {
        let last = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "last")
            .map(|(_, v)| format!("{v}x"))
            .unwrap_or_else(|| "a".to_owned());
        page(
            &["a", "b"],
            Some(&format!("/v2/org/app/tags/list?last={last}")),
        )
    };
    Mock::given(path(TAGS))
        .respond_with(responder)
        .expect(2)
        .mount(&server)
        .await;
    let tags = client(&server).list_tags("org/app").await.unwrap();
    assert_eq!(tags, ["a", "b"]);
}

#[tokio::test]
async fn link_loop_stops_and_keeps_the_tags() {
    let server = MockServer::start().await;
    mount_first(&server, page(&["a"], Some("/v2/org/app/tags/list?last=a"))).await;
    Mock::given(path(TAGS))
        .and(query_param("last", "a"))
        .respond_with(page(&["b"], Some("/v2/org/app/tags/list?n=1000")))
        .expect(1)
        .mount(&server)
        .await;
    let tags = client(&server).list_tags("org/app").await.unwrap();
    assert_eq!(tags, ["a", "b"]);
}

#[tokio::test]
async fn page_cap_bounds_an_endless_listing() {
    let server = MockServer::start().await;
    let responder = |request: &Request| {
        let n: u64 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "last")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let tag = (n + 1).to_string();
        page(&[&tag], Some(&format!("/v2/org/app/tags/list?last={tag}")))
    };
    Mock::given(path(TAGS))
        .respond_with(responder)
        .expect(5)
        .mount(&server)
        .await;
    let options = updater_registry::client::ClientOptions {
        max_pages: 5,
        ..fast_options()
    };
    let tags = client_with(&server, None, options)
        .list_tags("org/app")
        .await
        .unwrap();
    assert_eq!(tags, ["1", "2", "3", "4", "5"]);
}

#[tokio::test]
async fn null_tags_is_an_empty_list() {
    let server = MockServer::start().await;
    Mock::given(path(TAGS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"name": "org/app", "tags": null})),
        )
        .mount(&server)
        .await;
    let tags = client(&server).list_tags("org/app").await.unwrap();
    assert!(tags.is_empty());
}

#[tokio::test]
async fn link_to_another_host_is_refused() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        page(
            &["a"],
            Some("https://elsewhere.example/v2/org/app/tags/list?last=a"),
        ),
    )
    .await;
    let error = client(&server).list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "pagination", "{error:?}");
    assert!(crate::support::chain(&error).contains("https://elsewhere.example"));
}

fn many_tags(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("v1.{}.{}", i / 1000, i % 1000))
        .collect()
}

#[tokio::test]
async fn a_hundred_thousand_tags_in_one_page() {
    let server = MockServer::start().await;
    let tags = many_tags(100_000);
    let body = serde_json::to_vec(&serde_json::json!({"name": "org/app", "tags": tags})).unwrap();
    Mock::given(path(TAGS))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let listed = client(&server).list_tags("org/app").await.unwrap();
    let elapsed = started.elapsed();
    println!(
        "listed 100000 tags ({} KiB, one page) in {elapsed:?}",
        body.len() / 1024
    );
    assert_eq!(listed, tags);
    assert!(elapsed.as_secs() < 5, "{elapsed:?}");
}

#[tokio::test]
async fn a_hundred_thousand_tags_in_pages_of_a_thousand() {
    let server = MockServer::start().await;
    let tags = many_tags(100_000);
    let pages: Vec<Vec<String>> = tags.chunks(1000).map(<[String]>::to_vec).collect();
    let responder = move |request: &Request| {
        let index: usize = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let body = serde_json::json!({"name": "org/app", "tags": pages[index]});
        let response = ResponseTemplate::new(200).set_body_json(body);
        if index + 1 < pages.len() {
            let link = format!(
                r#"</v2/org/app/tags/list?n=1000&page={}>; rel="next""#,
                index + 1
            );
            response.insert_header("link", link)
        } else {
            response
        }
    };
    Mock::given(path(TAGS))
        .respond_with(responder)
        .expect(100)
        .mount(&server)
        .await;
    let client = client(&server);
    let started = Instant::now();
    let listed = client.list_tags("org/app").await.unwrap();
    let elapsed = started.elapsed();
    println!("listed 100000 tags in 100 pages in {elapsed:?}");
    assert_eq!(listed, tags);
    assert_eq!(client.request_counts().tags, 100);
    assert!(elapsed.as_secs() < 10, "{elapsed:?}");
}
