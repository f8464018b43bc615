//! `authorize_routing` probe: the provider's authorize endpoint, asked exactly as the SDKs ask,
//! routes each configured organization, connection and test domain to an identity provider,
//! and accepts each of the app's redirect URIs.
//!
//! Requests are never followed: the answer itself says what happened (a 302 to an IdP, a 302
//! back to the app with `error=`, or a 400 page for an unregistered redirect URI). The URLs use
//! a fixed state and nonce, so the routing and redirect checks share their common request.

use super::Ctx;
use crate::checklist::spec::{AuthorizeCheck, AuthorizeSpec};
use crate::net::{HttpResponse, Req};
use crate::report::Finding;

/// A selector the SDKs put in the authorization URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// `organization_id`, `connection_id` or `domain_hint`.
    pub param: &'static str,
    /// Its value.
    pub value: String,
}

/// The selectors configured for the target, in routing-precedence order of kind.
#[must_use]
pub fn selectors(t: &crate::config::Target) -> Vec<Selector> {
    let mk = |param, v: &String| Selector {
        param,
        value: v.clone(),
    };
    t.connections
        .iter()
        .map(|v| mk("connection_id", v))
        .chain(t.organizations.iter().map(|v| mk("organization_id", v)))
        .chain(t.test_domains.iter().map(|v| mk("domain_hint", v)))
        .collect()
}

/// The authorization URL as the Python SDK builds it (only non-empty values, `+` for spaces).
#[must_use]
pub fn authorize_url(env: &str, client_id: &str, redirect: &str, sel: Option<&Selector>) -> String {
    let mut u = match reqwest::Url::parse(&format!("{}/oauth/authorize", env.trim_end_matches('/')))
    {
        Ok(u) => u,
        Err(_) => return format!("{env}/oauth/authorize"),
    };
    {
        let mut q = u.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect)
            .append_pair("scope", "openid profile email")
            .append_pair("state", "launchcheck-probe-state")
            .append_pair("nonce", "launchcheck-probe-nonce");
        if let Some(s) = sel {
            q.append_pair(s.param, &s.value);
        }
    }
    u.to_string()
}

/// What the authorize endpoint did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Redirected to an identity provider.
    Idp(String),
    /// Redirected back to the app with an error.
    ErrorBack {
        /// `error`.
        error: String,
        /// `error_description`.
        description: String,
    },
    /// Refused the redirect URI.
    Unregistered(String),
    /// Refused the client id.
    InvalidClient(String),
    /// Showed the provider's own login page.
    Hosted,
    /// Anything else.
    Other(u16, String),
}

/// Reads an authorize response.
#[must_use]
pub fn classify(r: &HttpResponse, redirect: &str) -> Outcome {
    let text = r.snippet(160);
    let lower = text.to_ascii_lowercase();
    match r.status {
        300..=399 => {
            let loc = r.header("location").unwrap_or_default().to_owned();
            let back = redirect.split('?').next().unwrap_or(redirect);
            if loc.starts_with(back) {
                let pairs: Vec<(String, String)> = reqwest::Url::parse(&loc)
                    .map(|u| {
                        u.query_pairs()
                            .map(|(k, v)| (k.into_owned(), v.into_owned()))
                            .collect()
                    })
                    .unwrap_or_default();
                let get = |k: &str| {
                    pairs
                        .iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                Outcome::ErrorBack {
                    error: get("error"),
                    description: get("error_description"),
                }
            } else {
                Outcome::Idp(loc)
            }
        }
        400..=499 if lower.contains("redirect") => Outcome::Unregistered(text),
        400..=499 if lower.contains("client") => Outcome::InvalidClient(text),
        200 => Outcome::Hosted,
        s => Outcome::Other(s, text),
    }
}

fn host_of(u: &str) -> String {
    reqwest::Url::parse(u)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| u.to_owned())
}

/// Runs the check.
pub async fn run(spec: &AuthorizeSpec, ctx: &Ctx) -> Vec<Finding> {
    let t = &ctx.target;
    let (Some(env), Some(client_id)) = (t.environment_url.as_deref(), t.client_id.as_deref())
    else {
        return vec![Finding::skip(
            "needs SCALEKIT_ENVIRONMENT_URL and SCALEKIT_CLIENT_ID",
        )];
    };
    let Some(first_redirect) = t.redirect_uris.first() else {
        return vec![Finding::skip(
            "no redirect URI configured: set app.redirect_uris",
        )];
    };
    let sels = selectors(t);
    let cases: Vec<(String, Option<Selector>)> = match spec.check {
        AuthorizeCheck::Routing => {
            if sels.is_empty() {
                return vec![Finding::skip(
                    "nothing to route: list enterprise customers in scalekit.organizations (or scalekit.connections / scalekit.test_domains)",
                )];
            }
            sels.into_iter()
                .map(|s| (first_redirect.clone(), Some(s)))
                .collect()
        }
        AuthorizeCheck::RedirectRegistered => t
            .redirect_uris
            .iter()
            .map(|r| (r.clone(), sels.first().cloned()))
            .collect(),
    };
    let check = spec.check;
    let probes = cases.into_iter().map(|(redirect, sel)| async move {
        let url = authorize_url(env, client_id, &redirect, sel.as_ref());
        let what = sel
            .as_ref()
            .map_or_else(|| redirect.clone(), |s| format!("{}={}", s.param, s.value));
        let resp = ctx.net.fetch(&Req::get(&url)).await;
        let r = match resp.as_ref() {
            Ok(r) => r,
            Err(e) => return super::unreachable(&what, e).reproduce(format!("curl -sI '{url}'")),
        };
        let outcome = classify(r, &redirect);
        let unregistered = |text: &str| {
            Finding::fail(
                format!("the provider refuses the redirect URI {redirect}: register it under Redirect URLs"),
                format!("{redirect} registered for this environment"),
                format!("{} {text}", r.status),
            )
        };
        let f = match (check, outcome) {
            (_, Outcome::Unregistered(text)) => unregistered(&text),
            (_, Outcome::InvalidClient(text)) => Finding::fail(
                format!("the provider does not know client id {client_id}"),
                "the environment's client id",
                format!("{} {text}", r.status),
            ),
            (AuthorizeCheck::Routing, Outcome::Idp(loc)) => {
                Finding::pass(format!("{what} routes to an identity provider at {}", host_of(&loc)))
                    .with("location_host", host_of(&loc))
            }
            (AuthorizeCheck::Routing, Outcome::ErrorBack { error, description }) => Finding::fail(
                format!("{what} does not reach an identity provider: {error}: {description}"),
                "a redirect to the customer's identity provider",
                format!("redirect back to the app with error={error}"),
            )
            .with("error", error)
            .with("error_description", description),
            (AuthorizeCheck::Routing, Outcome::Hosted) => Finding::fail(
                format!("{what} shows the provider's own login page instead of routing to an identity provider"),
                "a redirect to the customer's identity provider",
                format!("{} login page", r.status),
            ),
            (AuthorizeCheck::RedirectRegistered, Outcome::Idp(_) | Outcome::ErrorBack { .. } | Outcome::Hosted) => {
                Finding::pass(format!("the provider accepts the redirect URI {redirect}"))
            }
            (_, Outcome::Other(status, text)) => {
                Finding::error(format!("the authorize endpoint answered {status} for {what}: {text}"))
            }
        };
        f.with("authorize_url", url.clone())
            .with("status", r.status)
            .reproduce(format!("curl -sI '{url}'"))
    });
    futures_util::future::join_all(probes).await
}
