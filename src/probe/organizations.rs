//! `organizations` probe: every configured enterprise customer exists as an organization; with
//! none configured, the environment's organizations are listed (all pages) and counted.

use super::Ctx;
use super::api_common::api_finding;
use crate::api;
use crate::report::Finding;

/// Runs the check.
pub async fn run(ctx: &Ctx) -> Vec<Finding> {
    let set = api::orgs(ctx).await;
    let set = match set.as_ref() {
        Ok(s) => s,
        Err(e) => return vec![api_finding("listing organizations", e)],
    };
    let reproduce = "curl -s -H \"Authorization: Bearer $TOKEN\" \"$SCALEKIT_ENVIRONMENT_URL/api/v1/organizations?page_size=100\"";
    if !set.configured {
        let n = set.ids.len();
        if n == 0 {
            return vec![
                Finding::fail(
                    "the environment has no organizations: create one per enterprise customer",
                    "at least one organization",
                    "0",
                )
                .reproduce(reproduce),
            ];
        }
        let mut msg = format!(
            "{} organization(s) in the environment (list them in scalekit.organizations to check specific customers)",
            set.total.unwrap_or(n as u64)
        );
        if set.truncated {
            msg.push_str(&format!(
                "; the checks that follow look at the first {n} (--max-orgs)"
            ));
        }
        return vec![
            Finding::pass(msg)
                .with("organizations", n)
                .reproduce(reproduce),
        ];
    }
    super::api_common::per_org(ctx, "exist", |id| async move {
        match api::get(ctx, &format!("/api/v1/organizations/{id}")).await {
            Ok(v) => Finding::pass(format!("exists: {}", v["organization"]["display_name"].as_str().unwrap_or(""))),
            Err(api::ApiError::NotFound(_)) => Finding::fail(
                "does not exist in this environment (wrong id, or created in another environment)",
                "the organization",
                "404 not found",
            )
            .reproduce(format!("curl -s -H \"Authorization: Bearer $TOKEN\" \"$SCALEKIT_ENVIRONMENT_URL/api/v1/organizations/{id}\"")),
            Err(e) => api_finding("reading the organization", &e),
        }
    })
    .await
}
