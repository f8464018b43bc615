//! `idp_initiated` probe: the initiate-login endpoint refuses an `idp_initiated_login` token
//! that the provider did not sign.
//!
//! launchcheck signs a token with a key of its own, using the provider's `kid` when it can read
//! one (so only the signature is wrong), with recognisable claims. If the app answers by
//! redirecting to the authorize endpoint with those claims, it trusted an unverified token: anyone
//! could start a login as any organization.

use super::Ctx;
use crate::net::Req;
use crate::report::Finding;
use serde_json::{Value, json};

const FORGED_ORG: &str = "org_launchcheck_forged";
const FORGED_CONN: &str = "conn_launchcheck_forged";
const FORGED_USER: &str = "forged-user@launchcheck.invalid";

async fn provider_kid(ctx: &Ctx) -> Option<String> {
    let env = ctx.target.environment_url.as_deref()?;
    let resp = ctx
        .net
        .fetch(&Req::get(format!("{}/keys", env.trim_end_matches('/'))))
        .await;
    let r = resp.as_ref().as_ref().ok()?;
    let doc: Value = serde_json::from_slice(&r.body).ok()?;
    doc["keys"][0]["kid"].as_str().map(str::to_owned)
}

/// Runs the check.
pub async fn run(ctx: &Ctx) -> Vec<Finding> {
    let Some(login) = ctx.target.initiate_login_url.clone() else {
        return vec![Finding::skip(
            "no initiate-login URL configured: set app.initiate_login_url",
        )];
    };
    // Key generation and the JWKS read are independent: overlap them.
    let (key, kid) = tokio::join!(ctx.forged_key(), provider_kid(ctx));
    let key = match key {
        Ok(k) => k,
        Err(e) => return vec![Finding::error(format!("cannot make a forged token: {e}"))],
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = json!({
        "iss": ctx.target.environment_url.clone().unwrap_or_default(),
        "organization_id": FORGED_ORG,
        "connection_id": FORGED_CONN,
        "login_hint": FORGED_USER,
        "iat": now, "nbf": now, "exp": now + 300,
    });
    let token = match key.sign_as(kid.as_deref().unwrap_or(&key.kid), &claims) {
        Ok(t) => t,
        Err(e) => return vec![Finding::error(format!("cannot sign a forged token: {e}"))],
    };
    let url = match reqwest::Url::parse(&login) {
        Ok(mut u) => {
            u.query_pairs_mut()
                .append_pair("idp_initiated_login", &token);
            u.to_string()
        }
        Err(e) => {
            return vec![Finding::fail(
                format!("app.initiate_login_url is not a URL: {e}"),
                "a URL",
                login,
            )];
        }
    };
    let reproduce = format!(
        "curl -si '{login}?idp_initiated_login=<a JWT signed with a key of your own>' | head -20"
    );
    let resp = ctx.net.fetch(&Req::get(&url).cached(false)).await;
    let r = match resp.as_ref() {
        Ok(r) => r,
        Err(e) => return vec![super::unreachable(&login, e).reproduce(reproduce)],
    };
    let loc = r.header("location").unwrap_or_default().to_owned();
    let decoded = loc.replace("%40", "@");
    let forwarded = [FORGED_ORG, FORGED_CONN, FORGED_USER]
        .iter()
        .any(|c| decoded.contains(c));
    let expected = "a 4xx (the token's signature does not verify against the provider's keys)";
    let f = match r.status {
        300..=399 if forwarded => Finding::fail(
            format!(
                "{login} accepted an idp_initiated_login token signed by a foreign key and forwarded its claims to {}",
                loc.split('?').next().unwrap_or_default()
            ),
            expected,
            format!(
                "{} Location with the forged organization_id/connection_id",
                r.status
            ),
        ),
        400..=499 => Finding::pass(format!(
            "{login} rejects a forged IdP-initiated token ({})",
            r.status
        )),
        300..=399 => Finding::pass(format!(
            "{login} did not forward the forged token's claims (redirected to {})",
            loc.split('?').next().unwrap_or_default()
        )),
        500..=599 => Finding::warn(
            format!(
                "{login} crashes ({}) on a forged token instead of rejecting it",
                r.status
            ),
            expected,
            r.status.to_string(),
        ),
        s => Finding::warn(
            format!("{login} answered {s}: launchcheck cannot tell whether the token was verified"),
            expected,
            format!("{s} {}", r.snippet(60)),
        ),
    };
    vec![
        f.with("status", r.status)
            .with(
                "kid_used",
                kid.unwrap_or_else(|| "launchcheck-forged".into()),
            )
            .reproduce(reproduce),
    ]
}
