//! `org_domains` probe: each organization has at least one domain, verified; with `routing`,
//! each verified domain also finds an active connection through `GET /connections?domain=`,
//! the lookup an app's SSO pre-check relies on.

use super::Ctx;
use super::api_common::{api_finding, per_org};
use crate::api;
use crate::checklist::spec::OrgDomainsSpec;
use crate::report::Finding;

/// Runs the check.
pub async fn run(spec: &OrgDomainsSpec, ctx: &Ctx) -> Vec<Finding> {
    let routing = spec.routing;
    per_org(ctx, "have verified domains", |id| async move {
        let reproduce = format!(
            "curl -s -H \"Authorization: Bearer $TOKEN\" \"$SCALEKIT_ENVIRONMENT_URL/api/v1/organizations/{id}/domains\""
        );
        let domains = match api::list_numbered(ctx, &format!("/api/v1/organizations/{id}/domains"), "domains").await {
            Ok(d) => d,
            Err(e) => return api_finding("listing domains", &e),
        };
        if domains.is_empty() {
            return Finding::fail(
                "has no domain: add the customer's email domains so users are routed to their SSO",
                "at least one verified domain",
                "no domain",
            )
            .reproduce(reproduce);
        }
        let list: Vec<String> = domains
            .iter()
            .map(|d| format!("{} {}", d["domain"].as_str().unwrap_or("?"), d["verification_status"].as_str().unwrap_or("?")))
            .collect();
        let unverified: Vec<&String> = list
            .iter()
            .filter(|d| d.ends_with("PENDING") || d.ends_with("FAILED"))
            .collect();
        if !unverified.is_empty() {
            return Finding::fail(
                format!(
                    "domain(s) not verified: {} (domain routing skips them)",
                    unverified.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ),
                "VERIFIED domains",
                list.join(", "),
            )
            .with("domains", list.clone())
            .reproduce(reproduce);
        }
        if routing {
            for d in &domains {
                let name = d["domain"].as_str().unwrap_or_default();
                match api::get(ctx, &format!("/api/v1/connections?domain={name}")).await {
                    Ok(v) if v["connections"].as_array().is_some_and(|a| !a.is_empty()) => {}
                    Ok(_) => {
                        return Finding::fail(
                            format!("verified domain {name} finds no active SSO connection: users of {name} are not sent to SSO"),
                            format!("an active connection for {name}"),
                            "GET /api/v1/connections?domain= returned none",
                        )
                        .with("domains", list.clone())
                        .reproduce(format!(
                            "curl -s -H \"Authorization: Bearer $TOKEN\" \"$SCALEKIT_ENVIRONMENT_URL/api/v1/connections?domain={name}\""
                        ));
                    }
                    Err(e) => return api_finding("looking up connections by domain", &e),
                }
            }
        }
        Finding::pass(format!("verified: {}", list.join(", "))).with("domains", list)
    })
    .await
}
