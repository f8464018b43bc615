//! `admin_portal_link` probe: a portal link can be generated for an organization (the first of
//! the run's set). Generating one creates a link, so the runner runs this only with
//! `--allow-writes`. The link itself grants portal access and is never shown.

use super::Ctx;
use super::api_common::api_finding;
use crate::api;
use crate::net::Req;
use crate::report::Finding;

/// Runs the check.
pub async fn run(ctx: &Ctx) -> Vec<Finding> {
    let set = api::orgs(ctx).await;
    let id = match set.as_ref() {
        Ok(s) => match s.ids.first() {
            Some(id) => id.clone(),
            None => {
                return vec![Finding::fail(
                    "no organization to generate a link for",
                    "an organization",
                    "none",
                )];
            }
        },
        Err(e) => return vec![api_finding("listing organizations", e)],
    };
    let token = match api::token(ctx).await {
        Ok(t) => t,
        Err(e) => return vec![api_finding("authenticating", &e)],
    };
    let Some(env) = ctx.target.environment_url.as_deref() else {
        return vec![Finding::skip("SCALEKIT_ENVIRONMENT_URL is not set")];
    };
    let url = format!(
        "{}/api/v1/organizations/{id}/portal_links",
        env.trim_end_matches('/')
    );
    let mut req = Req::post(&url, "application/json", b"{}".to_vec())
        .header("authorization", format!("Bearer {token}"));
    req.method = reqwest::Method::PUT;
    let resp = ctx.net.fetch(&req).await;
    let f = match resp.as_ref() {
        Err(e) => super::unreachable(&url, e),
        Ok(r) if (200..300).contains(&r.status) => {
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            if v["link"]["location"]
                .as_str()
                .is_some_and(|l| !l.is_empty())
            {
                Finding::pass(format!(
                    "a portal link was generated for {id} (expires {}; the link is not shown)",
                    v["link"]["expire_time"].as_str().unwrap_or("?")
                ))
            } else {
                Finding::fail(
                    "the API answered without a link",
                    "link.location",
                    r.snippet(80),
                )
            }
        }
        Ok(r) => Finding::fail(
            format!("generating a portal link for {id} failed ({})", r.status),
            "2xx with a link",
            format!("{} {}", r.status, r.snippet(80)),
        ),
    };
    vec![f.with("organization_id", id.clone()).reproduce(format!(
        "curl -s -X PUT -H \"Authorization: Bearer $TOKEN\" \"$SCALEKIT_ENVIRONMENT_URL/api/v1/organizations/{id}/portal_links\""
    ))]
}
