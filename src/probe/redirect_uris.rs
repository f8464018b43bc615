//! `redirect_uris` probe: static rules on the configured callback URLs.
//!
//! Production callbacks must be exact (no wildcard), HTTPS, on a public host that belongs to the
//! app (same registrable domain as the app's other URLs), without a fragment, and listed once.
//! Whether the provider has them registered is a network question for another probe.

use super::Ctx;
use super::configured_urls as app_urls;
use crate::checklist::spec::{RedirectUrisSpec, UrlSet};
use crate::report::Finding;
use reqwest::Url;
use std::collections::BTreeSet;

/// The registrable domain of a host (naive public-suffix rule: last two labels, three under a
/// known two-level suffix such as `co.uk`).
#[must_use]
pub fn registrable_domain(host: &str) -> String {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = h.split('.').collect();
    if labels.len() <= 2 {
        return h;
    }
    let two = labels[labels.len() - 2..].join(".");
    const TWO_LEVEL: [&str; 10] = [
        "co.uk", "org.uk", "ac.uk", "com.au", "net.au", "co.jp", "co.in", "com.br", "co.nz",
        "co.za",
    ];
    let n = if TWO_LEVEL.contains(&two.as_str()) {
        3
    } else {
        2
    };
    labels[labels.len() - n..].join(".")
}

/// Runs the check.
#[must_use]
pub fn run(_spec: &RedirectUrisSpec, ctx: &Ctx) -> Vec<Finding> {
    let t = &ctx.target;
    if t.redirect_uris.is_empty() {
        return vec![Finding::skip(
            "no redirect URI configured: list the app's callbacks in app.redirect_uris",
        )];
    }
    let app_domains: BTreeSet<String> = app_urls(
        t,
        &[
            UrlSet::InitiateLoginUrl,
            UrlSet::WebhookUrl,
            UrlSet::Endpoints,
        ],
    )
    .iter()
    .filter_map(|(_, u)| Url::parse(u).ok())
    .filter_map(|u| u.host_str().map(registrable_domain))
    .collect();
    let mut findings = Vec::new();
    let mut seen = BTreeSet::new();
    for raw in &t.redirect_uris {
        let fail = |msg: String, expected: &str| {
            Finding::fail(msg, expected, raw.clone()).with("redirect_uri", raw.clone())
        };
        if !seen.insert(raw.as_str()) {
            findings.push(
                Finding::warn(
                    format!("{raw} is listed twice"),
                    "each redirect URI once",
                    "a duplicate entry",
                )
                .with("redirect_uri", raw.clone()),
            );
            continue;
        }
        if raw.contains('*') {
            findings.push(fail(
                format!("{raw} contains a wildcard"),
                "an exact URL, no wildcard",
            ));
            continue;
        }
        let url = match Url::parse(raw) {
            Ok(u) => u,
            Err(e) => {
                findings.push(fail(
                    format!("`{raw}` is not a valid URL: {e}"),
                    "an absolute https:// URL",
                ));
                continue;
            }
        };
        let host = url.host_str().unwrap_or_default().to_owned();
        if let Some(kind) = super::non_public_host(&host) {
            findings.push(fail(
                format!(
                    "{raw} points at {kind} ({host}), which must not be registered in production"
                ),
                "a public host of the app",
            ));
            continue;
        }
        if url.scheme() != "https" {
            findings.push(fail(
                format!("{raw} uses {}:// instead of https://", url.scheme()),
                "an https:// URL",
            ));
            continue;
        }
        if url.fragment().is_some() {
            findings.push(fail(
                format!("{raw} has a #fragment, which OAuth forbids in redirect URIs"),
                "a URL without #fragment",
            ));
            continue;
        }
        let domain = registrable_domain(&host);
        if !app_domains.is_empty() && !app_domains.contains(&domain) {
            findings.push(
                fail(
                    format!("{raw} is on {domain}, not on the app's domain"),
                    &format!(
                        "a host under {}",
                        app_domains.iter().cloned().collect::<Vec<_>>().join(" or ")
                    ),
                )
                .with(
                    "app_domains",
                    app_domains.iter().cloned().collect::<Vec<_>>(),
                ),
            );
            continue;
        }
    }
    for f in &mut findings {
        if f.reproduce.is_none() {
            f.reproduce = Some("grep -n -A5 redirect_uris launchcheck.yaml".into());
        }
    }
    if findings.is_empty() {
        let mut f = Finding::pass(format!(
            "{} redirect URI(s): exact, https, public, on the app's domain",
            t.redirect_uris.len()
        ))
        .with("redirect_uris", t.redirect_uris.clone());
        if app_domains.is_empty() {
            f.message
                .push_str(" (domain rule not applied: no other app URL configured)");
        }
        findings.push(f);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::registrable_domain;

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("app.example.com"), "example.com");
        assert_eq!(registrable_domain("example.com"), "example.com");
        assert_eq!(registrable_domain("a.b.example.co.uk"), "example.co.uk");
    }
}
