//! `Link` headers (RFC 8288) for tag pagination: find the `rel="next"` target and resolve it
//! against the page's URL, whatever form it takes (absolute, `/v2/…?last=`, `?next_page=`).

use url::Url;

/// The raw `rel="next"` target among one header value's links, if any.
pub(super) fn next_target(header: &str) -> Option<String> {
    split_links(header)
        .into_iter()
        .find(|(_, params)| has_rel_next(params))
        .map(|(target, _)| target)
}

/// Resolves `target` against `page`; `None` when it is malformed or leaves the page's origin
/// (credentials must not follow a link to another host).
pub(super) fn resolve(page: &Url, target: &str) -> Option<Url> {
    let next = page.join(target).ok()?;
    (next.origin() == page.origin()).then_some(next)
}

/// `(target, params)` per link; commas inside `<…>` or quotes do not split.
fn split_links(header: &str) -> Vec<(String, String)> {
    let mut links = Vec::new();
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let target = rest[open + 1..open + close].trim().to_owned();
        let after = &rest[open + close + 1..];
        let end = params_end(after);
        links.push((target, after[..end].to_owned()));
        rest = &after[end..];
    }
    links
}

/// Where a link's parameters end: the first comma outside quotes.
fn params_end(params: &str) -> usize {
    let mut quoted = false;
    for (i, c) in params.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => return i,
            _ => {}
        }
    }
    params.len()
}

/// True when the parameters hold `rel=next` (quoted or not, among several relations).
fn has_rel_next(params: &str) -> bool {
    params.split(';').any(|param| {
        let Some((name, value)) = param.split_once('=') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("rel")
            && value
                .trim()
                .trim_matches('"')
                .split_ascii_whitespace()
                .any(|rel| rel.eq_ignore_ascii_case("next"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://reg.example/v2/org/app/tags/list?n=2").unwrap()
    }

    fn follow(header: &str) -> Option<String> {
        resolve(&page(), &next_target(header)?).map(String::from)
    }

    #[test]
    fn every_form_of_next() {
        let cases = [
            (
                r#"</v2/org/app/tags/list?n=2&last=b>; rel="next""#,
                "https://reg.example/v2/org/app/tags/list?n=2&last=b",
            ),
            (
                r#"<https://reg.example/v2/org/app/tags/list?next_page=gAAA%3D>; rel=next"#,
                "https://reg.example/v2/org/app/tags/list?next_page=gAAA%3D",
            ),
            (
                r#"<?last=b&n=2>;rel="next""#,
                "https://reg.example/v2/org/app/tags/list?last=b&n=2",
            ),
            (
                r#"</x?a=1,2>; rel="prev", </v2/o/a/tags/list?last=c>; title="a,b"; rel="first next""#,
                "https://reg.example/v2/o/a/tags/list?last=c",
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(follow(header).as_deref(), Some(expected), "{header}");
        }
    }

    #[test]
    fn no_next_or_foreign_host() {
        assert_eq!(follow(r#"</v2/x>; rel="prev""#), None);
        assert_eq!(follow("garbage"), None);
        assert_eq!(follow(r#"<https://evil.example/v2/x>; rel="next""#), None);
        assert_eq!(follow(r#"<http://reg.example/v2/x>; rel="next""#), None);
    }
}
