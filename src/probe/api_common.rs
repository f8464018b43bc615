//! What the provider-API probes share: the organization set, per-organization fan-out under
//! the run's concurrency limits, and folding thousands of per-organization results into a
//! readable handful of findings (every problem listed, up to a cap; the passes counted).

use super::Ctx;
use crate::api::{self, ApiError, OrgSet};
use crate::report::{Finding, Status};
use std::future::Future;

/// Problems listed one by one before the rest are only counted.
pub const LIST_CAP: usize = 50;

/// A finding for an API failure: `fail` for what the app must fix, `error` otherwise.
#[must_use]
pub fn api_finding(what: &str, e: &ApiError) -> Finding {
    match e {
        ApiError::NotConfigured(m) => Finding::skip(m.clone()),
        e if e.is_finding() => {
            Finding::fail(format!("{what}: {e}"), "found by the API", e.to_string())
        }
        e => Finding::error(format!("{what}: {e}")),
    }
}

/// Runs `check` for every organization of the run's set and folds the results.
///
/// With no organization configured, checks start on each page of the listing as soon as it
/// arrives instead of after the last one (the pages are shared with every other probe).
pub async fn per_org<F, Fut>(ctx: &Ctx, subject: &str, check: F) -> Vec<Finding>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Finding>,
{
    use futures_util::StreamExt;
    if ctx.target.organizations.is_empty() {
        // The listing feeds a channel; the checks run off it while later pages load.
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let max = ctx.settings.max_orgs;
        let producer = async move {
            let page_query = |token: &str| {
                let mut q = "/api/v1/organizations?page_size=100".to_owned();
                if !token.is_empty() {
                    q.push_str(&format!("&page_token={token}"));
                }
                q
            };
            let mut token = String::new();
            let mut page = api::get(ctx, &page_query(&token)).await?;
            let mut seen = 0usize;
            loop {
                let ids: Vec<String> = page["organizations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o["id"].as_str().map(str::to_owned))
                    .take(max.saturating_sub(seen))
                    .collect();
                seen += ids.len();
                let next = page["next_page_token"]
                    .as_str()
                    .filter(|t| !t.is_empty() && *t != token && seen < max)
                    .map(str::to_owned);
                let send = async {
                    for id in ids {
                        let _ = tx.send(id);
                    }
                };
                let Some(next) = next else {
                    send.await;
                    return Ok::<(), api::ApiError>(());
                };
                // Ask for the next page before this page's checks queue up behind the limits.
                let next_query = page_query(&next);
                let (fetched, ()) = futures_util::join!(api::get(ctx, &next_query), send);
                page = fetched?;
                token = next;
            }
        };
        let consumer =
            futures_util::stream::unfold(
                rx,
                |mut rx| async move { rx.recv().await.map(|id| (id, rx)) },
            )
            .map(|id| {
                let fut = check(id.clone());
                async move { (id, fut.await) }
            })
            .buffer_unordered(usize::MAX)
            .collect::<Vec<(String, Finding)>>();
        let (listed, results) = tokio::join!(producer, consumer);
        if let Err(e) = listed {
            return vec![api_finding("listing organizations", &e)];
        }
        // The same set the organizations check reports (and the names for messages).
        let set = api::orgs(ctx).await;
        let Ok(set) = set.as_ref() else {
            return vec![Finding::error(
                "the organization list changed during the run",
            )];
        };
        let order: std::collections::HashMap<&str, usize> = set
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut results = results;
        results.sort_by_key(|(id, _)| order.get(id.as_str()).copied().unwrap_or(usize::MAX));
        if results.is_empty() {
            return vec![Finding::fail(
                "the environment has no organizations",
                "one organization per enterprise customer",
                "0 organizations",
            )];
        }
        return fold(set, subject, results);
    }
    let set = api::orgs(ctx).await;
    let set: &OrgSet = match set.as_ref() {
        Ok(s) => s,
        Err(e) => return vec![api_finding("listing organizations", e)],
    };
    if set.ids.is_empty() {
        return vec![Finding::fail(
            "the environment has no organizations",
            "one organization per enterprise customer",
            "0 organizations",
        )];
    }
    let results = futures_util::future::join_all(set.ids.iter().cloned().map(|id| {
        let fut = check(id.clone());
        async move { (id, fut.await) }
    }))
    .await;
    fold(set, subject, results)
}

fn label(set: &OrgSet, id: &str) -> String {
    match set.names.get(id) {
        Some(n) if !n.is_empty() => format!("{id} ({n})"),
        _ => id.to_owned(),
    }
}

fn fold(set: &OrgSet, subject: &str, results: Vec<(String, Finding)>) -> Vec<Finding> {
    let total = results.len();
    let passing = results
        .iter()
        .filter(|(_, f)| f.status == Status::Pass)
        .count();
    let mut problems: Vec<Finding> = results
        .into_iter()
        .filter(|(_, f)| f.status != Status::Pass)
        .map(|(id, mut f)| {
            f.message = format!("{}: {}", label(set, &id), f.message);
            f.with("organization_id", id)
        })
        .collect();
    let hidden = problems.len().saturating_sub(LIST_CAP);
    problems.truncate(LIST_CAP);
    let mut summary = format!("{passing} of {total} organization(s): {subject}");
    if set.truncated {
        summary.push_str(&format!(
            " (only the first {total} organizations of the environment were checked: raise --max-orgs to check more)"
        ));
    }
    if hidden > 0 {
        summary.push_str(&format!("; {hidden} more problem(s) not listed"));
    }
    let mut s = Finding::pass(summary)
        .with("organizations_checked", total)
        .with("organizations_passing", passing);
    if let Some(t) = set.total {
        s = s.with("organizations_in_environment", t);
    }
    problems.push(s);
    problems
}
