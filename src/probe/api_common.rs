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
pub async fn per_org<F, Fut>(ctx: &Ctx, subject: &str, check: F) -> Vec<Finding>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Finding>,
{
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
