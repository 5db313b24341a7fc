//! Tag listing: `GET /v2/<name>/tags/list?n=…`, following `rel="next"` links in every form,
//! tolerating registries that ignore `n` or answer `"tags": null`, and stopping on a link
//! loop, a page that adds nothing new, or the page cap.

use std::collections::HashSet;

use reqwest::Method;
use reqwest::header::LINK;
use url::Url;

use super::counts::RequestKind;
use super::transport::{Exchange, Reply};
use super::{RegistryClient, RequestError, link};

/// One page of a tag list; `name` and anything else are ignored.
#[derive(serde::Deserialize)]
struct TagPage {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

/// Tags in first-seen order without duplicates (a registry ignoring `last` repeats pages).
#[derive(Default)]
struct TagSet {
    tags: Vec<String>,
    seen: HashSet<String>,
}

impl TagSet {
    /// Adds a page; the number of tags that were new.
    fn extend(&mut self, page: Vec<String>) -> usize {
        let before = self.tags.len();
        for tag in page {
            if self.seen.insert(tag.clone()) {
                self.tags.push(tag);
            }
        }
        self.tags.len() - before
    }
}

impl RegistryClient {
    pub(super) async fn collect_tags(&self, repository: &str) -> Result<Vec<String>, RequestError> {
        let mut url = self.v2_url(&format!(
            "{repository}/tags/list?n={}",
            self.options.page_size
        ));
        let mut visited = HashSet::new();
        let mut tags = TagSet::default();
        for _ in 0..self.options.max_pages.max(1) {
            visited.insert(url.clone());
            let reply = self.tag_page(url, repository).await?;
            let added = tags.extend(parse_page(&reply)?);
            let Some(next) = next_page(&reply)? else {
                return Ok(tags.tags);
            };
            if visited.contains(&next) || added == 0 {
                self.warn_stopped(repository, "pagination loops", tags.tags.len());
                return Ok(tags.tags);
            }
            url = next;
        }
        self.warn_stopped(repository, "page cap reached", tags.tags.len());
        Ok(tags.tags)
    }

    async fn tag_page(&self, url: Url, repository: &str) -> Result<Reply, RequestError> {
        let limit = self.options.max_tag_page_bytes;
        let exchange = Exchange::new(Method::GET, url, RequestKind::Tags, limit);
        self.fetch(exchange, repository).await?.expect_success()
    }

    fn warn_stopped(&self, repository: &str, reason: &str, count: usize) {
        tracing::warn!(
            registry = %self.registry, repository, reason, tags = count,
            "stopped following tag list pages; using the tags collected so far"
        );
    }
}

fn parse_page(reply: &Reply) -> Result<Vec<String>, RequestError> {
    let page: TagPage =
        serde_json::from_slice(&reply.body).map_err(|source| RequestError::Parse {
            path: reply.path(),
            source,
        })?;
    Ok(page.tags.unwrap_or_default())
}

/// The next page's URL: `None` without a `rel="next"` link, an error when the link is
/// malformed or leaves the registry's origin.
fn next_page(reply: &Reply) -> Result<Option<Url>, RequestError> {
    let target = reply
        .headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(link::next_target);
    let Some(target) = target else {
        return Ok(None);
    };
    match link::resolve(&reply.url, &target) {
        Some(next) => Ok(Some(next)),
        None => Err(RequestError::BadLink {
            path: reply.path(),
            link: target.split('?').next().unwrap_or_default().to_owned(),
        }),
    }
}
