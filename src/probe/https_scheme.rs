//! `https_scheme` probe: every configured app URL is `https://`. The live TLS probe (chain,
//! expiry, protocol) is a separate kind; this one needs no network and runs even `--offline`.

use super::Ctx;
use crate::checklist::spec::{AppUrlSet, HttpsSchemeSpec};
use crate::config::Target;
use crate::report::Finding;
use reqwest::Url;

/// The configured URLs of the chosen sets, labelled by config key.
#[must_use]
pub fn app_urls(target: &Target, sets: &[AppUrlSet]) -> Vec<(&'static str, String)> {
    let all = [
        AppUrlSet::RedirectUris,
        AppUrlSet::InitiateLoginUrl,
        AppUrlSet::WebhookUrl,
        AppUrlSet::Endpoints,
    ];
    let sets = if sets.is_empty() { &all[..] } else { sets };
    let mut out = Vec::new();
    for set in sets {
        match set {
            AppUrlSet::RedirectUris => out.extend(
                target
                    .redirect_uris
                    .iter()
                    .map(|u| ("app.redirect_uris", u.clone())),
            ),
            AppUrlSet::InitiateLoginUrl => out.extend(
                target
                    .initiate_login_url
                    .iter()
                    .map(|u| ("app.initiate_login_url", u.clone())),
            ),
            AppUrlSet::WebhookUrl => {
                out.extend(
                    target
                        .webhook_url
                        .iter()
                        .map(|u| ("app.webhook_url", u.clone())),
                );
            }
            AppUrlSet::Endpoints => {
                out.extend(
                    target
                        .endpoints
                        .iter()
                        .map(|u| ("app.endpoints", u.clone())),
                );
            }
        }
    }
    out
}

fn key_names(sets: &[AppUrlSet]) -> String {
    if sets.is_empty() {
        return "app.redirect_uris, app.initiate_login_url, app.webhook_url or app.endpoints"
            .into();
    }
    sets.iter()
        .map(|s| match s {
            AppUrlSet::RedirectUris => "app.redirect_uris",
            AppUrlSet::InitiateLoginUrl => "app.initiate_login_url",
            AppUrlSet::WebhookUrl => "app.webhook_url",
            AppUrlSet::Endpoints => "app.endpoints",
        })
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
