//! `directory` probe (SCIM): each organization has an enabled directory whose users and groups
//! can be listed; provider, last sync and totals are reported; a directory that never synced
//! warns.

use super::Ctx;
use super::api_common::{api_finding, per_org};
use crate::api;
use crate::report::Finding;

/// Runs the check.
pub async fn run(ctx: &Ctx) -> Vec<Finding> {
    per_org(ctx, "have an enabled, synced directory", |id| async move {
        let base = format!("/api/v1/organizations/{id}/directories");
        let reproduce = format!("curl -s -H \"Authorization: Bearer $TOKEN\" \"$SCALEKIT_ENVIRONMENT_URL{base}\"");
        let v = match api::get(ctx, &base).await {
            Ok(v) => v,
            Err(e) => return api_finding("listing directories", &e),
        };
        let dirs = v["directories"].as_array().cloned().unwrap_or_default();
        let Some(dir) = dirs.iter().find(|d| d["enabled"].as_bool() == Some(true)) else {
            let found = if dirs.is_empty() { "no directory".to_owned() } else { format!("{} directory(ies), none enabled", dirs.len()) };
            return Finding::fail(
                format!("has no enabled directory ({found}): the customer sets it up in the admin portal"),
                "an enabled SCIM directory",
                found,
            )
            .reproduce(reproduce);
        };
        let dir_id = dir["id"].as_str().unwrap_or_default();
        let provider = dir["directory_provider"].as_str().unwrap_or("?").to_owned();
        let (users_path, groups_path) = (
            format!("{base}/{dir_id}/users?page_size=10"),
            format!("{base}/{dir_id}/groups?page_size=10"),
        );
        let (users, groups) = tokio::join!(api::get(ctx, &users_path), api::get(ctx, &groups_path));
        let (users, groups) = match (users, groups) {
            (Ok(u), Ok(g)) => (u, g),
            (Err(e), _) | (_, Err(e)) => return api_finding(&format!("listing the users and groups of {dir_id}"), &e),
        };
        let total_users = users["total_size"].as_u64().unwrap_or(0);
        let total_groups = groups["total_size"].as_u64().unwrap_or(0);
        let last_sync = dir["last_synced_at"].as_str().map(str::to_owned);
        let f = match &last_sync {
            None => Finding::warn(
                format!("directory {dir_id} ({provider}) has never synced: no user has been provisioned yet"),
                "a recent sync",
                "last_synced_at is empty",
            ),
            Some(t) => Finding::pass(format!(
                "directory {dir_id} ({provider}): {total_users} user(s), {total_groups} group(s), last sync {t}"
            )),
        };
        f.with("directory_id", dir_id)
            .with("provider", provider)
            .with("total_users", total_users)
            .with("total_groups", total_groups)
            .with("last_synced_at", last_sync)
    })
    .await
}
