//! `https_scheme` probe: every configured app URL is `https://`. The live TLS probe (chain,
//! expiry, protocol) is a separate kind; this one needs no network and runs even `--offline`.

use super::Ctx;
use super::configured_urls as app_urls;
use crate::checklist::spec::{HttpsSchemeSpec, UrlSet};
use crate::report::Finding;
use reqwest::Url;

/// The config keys of URL sets, for "set … in launchcheck.yaml" messages.
#[must_use]
pub fn key_names(sets: &[UrlSet]) -> String {
    let sets = if sets.is_empty() {
        &UrlSet::APP[..]
    } else {
        sets
    };
    sets.iter()
        .map(|s| super::url_set_key(*s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the check.
#[must_use]
pub fn run(spec: &HttpsSchemeSpec, ctx: &Ctx) -> Vec<Finding> {
    let urls = app_urls(&ctx.target, &spec.urls);
    if urls.is_empty() {
        return vec![Finding::skip(format!(
            "no URL configured: set {} in launchcheck.yaml",
            key_names(&spec.urls)
        ))];
    }
    let mut findings = Vec::new();
    let mut ok = Vec::new();
    for (key, raw) in urls {
        match Url::parse(&raw) {
            Ok(u) if u.scheme() == "https" && u.host_str().is_some() => ok.push(raw),
            Ok(u) => findings.push(
                Finding::fail(
                    format!("{key} {raw} uses {}:// instead of https://", u.scheme()),
                    "an https:// URL",
                    raw.clone(),
                )
                .with("url", raw.clone())
                .with("key", key)
                .reproduce(format!("curl -sv {}", shell_quote(&raw))),
            ),
            Err(e) => findings.push(
                Finding::fail(
                    format!("{key} `{raw}` is not a valid URL: {e}"),
                    "an https:// URL",
                    raw.clone(),
                )
                .with("key", key),
            ),
        }
    }
    if findings.is_empty() {
        findings.push(Finding::pass(format!("{} URL(s) use https://", ok.len())).with("urls", ok));
    }
    findings
}

/// Quotes a string for a POSIX shell when it needs it.
#[must_use]
pub fn shell_quote(s: &str) -> String {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
