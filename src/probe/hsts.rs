//! `hsts` probe: every configured app URL answers with `Strict-Transport-Security` and a
//! max-age of at least a year. Each URL is checked (routes behind one host can be served by
//! different backends); the requests are shared with any other check that GETs the same URL.

use super::{Ctx, configured_urls};
use crate::checklist::spec::HstsSpec;
use crate::net::Req;
use crate::report::Finding;

/// A parsed `Strict-Transport-Security` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sts {
    /// Seconds.
    pub max_age: u64,
    /// `includeSubDomains` present.
    pub include_subdomains: bool,
    /// `preload` present.
    pub preload: bool,
}

/// Parses a header value; `None` when there is no valid `max-age`.
#[must_use]
pub fn parse_sts(value: &str) -> Option<Sts> {
    let mut max_age = None;
    let mut include_subdomains = false;
    let mut preload = false;
    for directive in value.split(';') {
        let d = directive.trim();
        let (name, val) = d
            .split_once('=')
            .map_or((d, None), |(n, v)| (n.trim(), Some(v.trim())));
        match name.to_ascii_lowercase().as_str() {
            "max-age" => {
                max_age = val
                    .map(|v| v.trim_matches('"'))
                    .and_then(|v| v.parse().ok())
            }
            "includesubdomains" => include_subdomains = true,
            "preload" => preload = true,
            _ => {}
        }
    }
    max_age.map(|max_age| Sts {
        max_age,
        include_subdomains,
        preload,
    })
}

/// Runs the check.
pub async fn run(spec: &HstsSpec, ctx: &Ctx) -> Vec<Finding> {
    let urls: Vec<(&str, String)> = configured_urls(&ctx.target, &spec.urls)
        .into_iter()
        .filter(|(_, u)| u.starts_with("https://"))
        .collect();
    if urls.is_empty() {
        return vec![Finding::skip(format!(
            "no https URL configured: set {} in launchcheck.yaml",
            super::https_scheme::key_names(&spec.urls)
        ))];
    }
    let min = spec.min_max_age;
    let checks = urls.into_iter().map(|(_, url)| async move {
        let resp = ctx.net.fetch(&Req::get(&url)).await;
        let expected = format!("Strict-Transport-Security: max-age>={min}");
        let f = match resp.as_ref() {
            Err(e) => super::unreachable(&url, e),
            Ok(r) => match r.header("strict-transport-security") {
                None => Finding::fail(
                    format!("{url} sends no Strict-Transport-Security header"),
                    expected,
                    format!("no header (status {})", r.status),
                ),
                Some(v) => match parse_sts(v) {
                    None => Finding::fail(
                        format!("{url}: Strict-Transport-Security has no valid max-age"),
                        expected,
                        v,
                    ),
                    Some(s) if s.max_age == 0 => {
                        Finding::fail(format!("{url}: max-age=0 switches HSTS off"), expected, v)
                    }
                    Some(s) if s.max_age < min => Finding::warn(
                        format!(
                            "{url}: HSTS max-age is {} s, shorter than {min} s",
                            s.max_age
                        ),
                        expected,
                        v,
                    ),
                    Some(s) => Finding::pass(format!(
                        "{url}: max-age={}{}{}",
                        s.max_age,
                        if s.include_subdomains {
                            "; includeSubDomains"
                        } else {
                            ""
                        },
                        if s.preload { "; preload" } else { "" }
                    )),
                }
                .with("header", v),
            },
        };
        f.with("url", url.clone())
            .reproduce(format!("curl -sI {url} | grep -i strict-transport"))
    });
    futures_util::future::join_all(checks).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sts_parsing() {
        assert_eq!(
            parse_sts("max-age=63072000; includeSubDomains; preload"),
            Some(Sts {
                max_age: 63_072_000,
                include_subdomains: true,
                preload: true
            })
        );
        assert_eq!(parse_sts("max-age=\"300\"").map(|s| s.max_age), Some(300));
        assert_eq!(parse_sts("includeSubDomains"), None);
        assert_eq!(parse_sts("max-age=abc"), None);
    }
}
