//! `callback_state` probe: the OAuth callback refuses what it never asked for.
//!
//! `forged_state` sends a code and state the app never issued: a 4xx, or a redirect that sets no
//! cookie, is right; a 2xx/3xx that sets a cookie means a session was issued for a forged login
//! (login CSRF); a 5xx means the app crashes instead of rejecting. `error_param` sends what an IdP
//! sends on a refused login (`error=access_denied`), which must never produce a 5xx.

use super::Ctx;
use crate::checklist::spec::{CallbackCase, CallbackSpec};
use crate::net::Req;
use crate::report::Finding;

fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            u.query_pairs_mut().extend_pairs(pairs);
            u.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

/// Runs the check.
pub async fn run(spec: &CallbackSpec, ctx: &Ctx) -> Vec<Finding> {
    let uris: Vec<String> = ctx
        .target
        .redirect_uris
        .iter()
        .filter(|u| u.starts_with("https://"))
        .cloned()
        .collect();
    if uris.is_empty() {
        return vec![Finding::skip(
            "no https redirect URI configured: set app.redirect_uris",
        )];
    }
    let case = spec.case;
    let probes = uris.into_iter().map(|uri| async move {
        let url = match case {
            CallbackCase::ForgedState => with_query(
                &uri,
                &[("code", "launchcheck-forged-code"), ("state", "launchcheck-forged-state")],
            ),
            CallbackCase::ErrorParam => with_query(
                &uri,
                &[("error", "access_denied"), ("error_description", "launchcheck probe: the user declined")],
            ),
        };
        let reproduce = format!("curl -si '{url}' | head -20");
        let resp = ctx.net.fetch(&Req::get(&url)).await;
        let r = match resp.as_ref() {
            Ok(r) => r,
            Err(e) => return super::unreachable(&uri, e).reproduce(reproduce),
        };
        let cookies = r.cookie_names();
        let found = format!(
            "{}{}",
            r.status,
            if cookies.is_empty() { String::new() } else { format!(" with Set-Cookie: {}", cookies.join(", ")) }
        );
        let f = match (case, r.status) {
            (CallbackCase::ForgedState, 500..=599) => Finding::warn(
                format!("{uri} crashes ({}) on a forged state instead of rejecting it", r.status),
                "a 4xx (or a redirect to an error page) without a session cookie",
                found,
            ),
            (CallbackCase::ForgedState, 200..=399) if !cookies.is_empty() => Finding::fail(
                format!(
                    "{uri} accepted a forged state and code and set cookie(s) {}: the callback does not validate state (login CSRF)",
                    cookies.join(", ")
                ),
                "a 4xx (or a redirect to an error page) without a session cookie",
                found,
            ),
            (CallbackCase::ForgedState, _) => {
                Finding::pass(format!("{uri} rejects a forged state ({})", r.status))
            }
            (CallbackCase::ErrorParam, 500..=599) => Finding::fail(
                format!("{uri}?error=access_denied crashes with {}", r.status),
                "a 4xx page (or redirect) that explains the failed sign-in",
                found,
            ),
            (CallbackCase::ErrorParam, _) => Finding::pass(format!(
                "{uri} handles error=access_denied without a server error ({})",
                r.status
            )),
        };
        f.with("url", url.clone())
            .with("status", r.status)
            .with("cookies_set", cookies)
            .reproduce(reproduce)
    });
    futures_util::future::join_all(probes).await
}
