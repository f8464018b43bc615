//! `sso_connection` probe: each organization has at least one SSO connection that is
//! `COMPLETED` and enabled; a draft, in-progress or disabled one fails with its provider and
//! type named.

use super::Ctx;
use super::api_common::{api_finding, per_org};
use crate::api;
use crate::report::Finding;

/// Runs the check.
pub async fn run(ctx: &Ctx) -> Vec<Finding> {
    per_org(ctx, "have an active SSO connection", |id| async move {
        let reproduce = format!(
            "curl -s -H \"Authorization: Bearer $TOKEN\" \"$SCALEKIT_ENVIRONMENT_URL/api/v1/connections?organization_id={id}\""
        );
        let v = match api::get(ctx, &format!("/api/v1/connections?organization_id={id}")).await {
            Ok(v) => v,
            Err(e) => return api_finding("listing connections", &e),
        };
        let conns = v["connections"].as_array().cloned().unwrap_or_default();
        let describe = |c: &serde_json::Value| {
            format!(
                "{} ({} {}, {}, {})",
                c["id"].as_str().unwrap_or("?"),
                c["provider"].as_str().unwrap_or("?"),
                c["type"].as_str().unwrap_or("?"),
                c["status"].as_str().unwrap_or("?").to_lowercase(),
                if c["enabled"].as_bool() == Some(true) { "enabled" } else { "disabled" }
            )
        };
        let active: Vec<_> = conns
            .iter()
            .filter(|c| c["status"] == "COMPLETED" && c["enabled"].as_bool() == Some(true))
            .collect();
        let all: Vec<String> = conns.iter().map(describe).collect();
        if let Some(c) = active.first() {
            Finding::pass(format!("active connection {}", describe(c))).with("connections", all)
        } else if conns.is_empty() {
            Finding::fail(
                "has no SSO connection: share the admin portal so the customer's IT admin can set one up",
                "a COMPLETED, enabled connection",
                "no connection",
            )
            .reproduce(reproduce)
        } else {
            Finding::fail(
                format!("has no active SSO connection: {}", all.join("; ")),
                "a COMPLETED, enabled connection",
                all.join("; "),
            )
            .with("connections", all)
            .reproduce(reproduce)
        }
    })
    .await
}
