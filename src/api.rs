//! The provider's REST API (reference §5), read with the app's own credentials.
//!
//! One bearer token per run (the `client_credentials` exchange, shared with the credentials
//! check), JSON with snake_case fields, the documented pagination (token-based for
//! organizations and directory users/groups, where `next_page_token` may be omitted at the end;
//! number-based for domains; none for connections and directories). 429 and 5xx are retried with
//! backoff, honouring `Retry-After`, within the run's deadline; the answer after the retries is
//! what every check sees (requests are cached like every other GET, so none is repeated).

use crate::net::{HttpResponse, Req};
use crate::probe::Ctx;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Why an API read failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Credentials missing.
    #[error("{0}")]
    NotConfigured(String),
    /// The token exchange was refused.
    #[error(
        "the token request was refused ({0}): fix the client credentials (see the credentials check)"
    )]
    TokenRefused(String),
    /// 401/403 from the API.
    #[error("the API refused the token ({status}): {message}")]
    Unauthorized {
        /// HTTP status.
        status: u16,
        /// Provider message.
        message: String,
    },
    /// 404.
    #[error("not found: {0}")]
    NotFound(String),
    /// 429 after every retry.
    #[error("rate limited (429) even after {0} retries")]
    RateLimited(u32),
    /// 5xx after every retry.
    #[error("the API failed ({status}) {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// Provider message.
        message: String,
    },
    /// No answer.
    #[error("{0}")]
    Network(String),
    /// An answer that is not the documented JSON.
    #[error("unexpected answer: {0}")]
    Decode(String),
}

impl ApiError {
    /// Whether this is the app's problem (a `fail`) rather than launchcheck's inability to
    /// look (an `error`).
    #[must_use]
    pub const fn is_finding(&self) -> bool {
        matches!(self, Self::NotFound(_))
    }
}

/// Retries of 429/5xx answers.
pub const RETRIES: u32 = 3;

/// The run's access token.
///
/// # Errors
/// Missing credentials or a refused exchange.
pub async fn token(ctx: &Ctx) -> Result<String, ApiError> {
    let req = crate::probe::client_credentials::token_request(ctx)
        .map_err(|f| ApiError::NotConfigured(f.message.clone()))?;
    let resp = ctx.net.fetch(&req).await;
    match resp.as_ref() {
        Err(e) => Err(ApiError::Network(e.to_string())),
        Ok(r) if r.status == 200 => serde_json::from_slice::<Value>(&r.body)
            .ok()
            .and_then(|v| v["access_token"].as_str().map(str::to_owned))
            .ok_or_else(|| ApiError::Decode("token response without access_token".into())),
        Ok(r) => {
            let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            Err(ApiError::TokenRefused(format!(
                "{} {}",
                r.status,
                v["error"].as_str().unwrap_or("")
            )))
        }
    }
}

fn message_of(r: &HttpResponse) -> String {
    serde_json::from_slice::<Value>(&r.body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| r.snippet(80))
}

fn retry_after(r: &HttpResponse, attempt: u32) -> Duration {
    r.header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or_else(
            || Duration::from_millis(250 * 2u64.pow(attempt)),
            |s| Duration::from_secs(s.min(30)),
        )
}

/// GETs an API path (relative to the environment URL) and returns its JSON.
///
/// # Errors
/// See [`ApiError`].
pub async fn get(ctx: &Ctx, path_and_query: &str) -> Result<Arc<Value>, ApiError> {
    let env = ctx
        .target
        .environment_url
        .as_deref()
        .ok_or_else(|| ApiError::NotConfigured("SCALEKIT_ENVIRONMENT_URL is not set".into()))?
        .trim_end_matches('/')
        .to_owned();
    let token = token(ctx).await?;
    let url = format!("{env}{path_and_query}");
    // The retried answer is shared: one logical request per run, whoever asks.
    let result = ctx
        .shared_keyed(format!("api {url}"), || async {
            let mut attempt = 0;
            loop {
                let req = Req::get(&url)
                    .header("authorization", format!("Bearer {token}"))
                    .header("accept", "application/json")
                    .cached(false);
                let resp = ctx.net.fetch(&req).await;
                let r = match resp.as_ref() {
                    Err(e) => return Err(ApiError::Network(e.to_string())),
                    Ok(r) => r.clone(),
                };
                match r.status {
                    200..=299 => {
                        return serde_json::from_slice::<Value>(&r.body)
                            .map(Arc::new)
                            .map_err(|e| ApiError::Decode(format!("{url}: {e}")));
                    }
                    401 | 403 => {
                        return Err(ApiError::Unauthorized {
                            status: r.status,
                            message: message_of(&r),
                        });
                    }
                    404 => return Err(ApiError::NotFound(message_of(&r))),
                    429 | 500..=599 if attempt < RETRIES => {
                        tokio::time::sleep(retry_after(&r, attempt)).await;
                        attempt += 1;
                    }
                    429 => return Err(ApiError::RateLimited(RETRIES)),
                    s => {
                        return Err(ApiError::Server {
                            status: s,
                            message: message_of(&r),
                        });
                    }
                }
            }
        })
        .await;
    (*result).clone()
}

/// Every page of a token-paginated list (`page_size`/`page_token` → `next_page_token`, which
/// may be empty or omitted at the end), up to `limit` items. Returns the items and whether the
/// limit cut the list.
///
/// # Errors
/// See [`ApiError`].
pub async fn list_all(
    ctx: &Ctx,
    path: &str,
    field: &str,
    limit: usize,
) -> Result<(Vec<Value>, bool), ApiError> {
    let mut items = Vec::new();
    let mut token = String::new();
    for _ in 0..10_000 {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut q = format!("{path}{sep}page_size=100");
        if !token.is_empty() {
            q.push_str(&format!("&page_token={token}"));
        }
        let page = get(ctx, &q).await?;
        items.extend(page[field].as_array().cloned().unwrap_or_default());
        if items.len() >= limit {
            let cut = items.len() > limit
                || page["next_page_token"]
                    .as_str()
                    .is_some_and(|t| !t.is_empty());
            items.truncate(limit);
            return Ok((items, cut));
        }
        match page["next_page_token"].as_str() {
            Some(t) if !t.is_empty() && t != token => token = t.to_owned(),
            _ => break,
        }
    }
    Ok((items, false))
}

/// Every page of a number-paginated list (`page_size`/`page_number`, 0-based), until a short page.
///
/// # Errors
/// See [`ApiError`].
pub async fn list_numbered(ctx: &Ctx, path: &str, field: &str) -> Result<Vec<Value>, ApiError> {
    let mut items = Vec::new();
    for n in 0..1_000 {
        let page = get(ctx, &format!("{path}?page_size=100&page_number={n}")).await?;
        let got = page[field].as_array().cloned().unwrap_or_default();
        let short = got.len() < 100;
        items.extend(got);
        if short {
            break;
        }
    }
    Ok(items)
}

/// The organizations the checks look at: the configured ones, or every organization of the
/// environment up to `max` (with a note when the bound cut the list).
#[derive(Debug, Clone)]
pub struct OrgSet {
    /// Organization ids.
    pub ids: Vec<String>,
    /// Display names by id, when known.
    pub names: std::collections::BTreeMap<String, String>,
    /// True when they came from `scalekit.organizations`.
    pub configured: bool,
    /// Total in the environment, when listed.
    pub total: Option<u64>,
    /// True when `max` cut the list.
    pub truncated: bool,
}

/// The run's organization set (computed once).
///
/// # Errors
/// See [`ApiError`].
pub async fn orgs(ctx: &Ctx) -> Arc<Result<OrgSet, ApiError>> {
    ctx.shared("api.orgs", || async {
        let configured = ctx.target.organizations.clone();
        if !configured.is_empty() {
            return Ok(OrgSet {
                ids: configured,
                names: std::collections::BTreeMap::new(),
                configured: true,
                total: None,
                truncated: false,
            });
        }
        let max = ctx.settings.max_orgs;
        let (items, truncated) =
            list_all(ctx, "/api/v1/organizations", "organizations", max).await?;
        let first = get(ctx, "/api/v1/organizations?page_size=100").await.ok();
        Ok(OrgSet {
            ids: items
                .iter()
                .filter_map(|o| o["id"].as_str().map(str::to_owned))
                .collect(),
            names: items
                .iter()
                .filter_map(|o| {
                    Some((
                        o["id"].as_str()?.to_owned(),
                        o["display_name"].as_str().unwrap_or("").to_owned(),
                    ))
                })
                .collect(),
            configured: false,
            total: first.and_then(|p| p["total_size"].as_u64()),
            truncated,
        })
    })
    .await
}
