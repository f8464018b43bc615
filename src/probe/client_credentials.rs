//! `client_credentials` probe: the client id and secret authenticate at the environment's token
//! endpoint (client_secret_post, as the SDKs send it). The secret goes to the token endpoint and
//! nowhere else; the token that comes back is never shown. The answer is shared with any other
//! check that needs a token (one exchange per run).

use super::Ctx;
use crate::net::Req;
use crate::report::Finding;
use serde_json::Value;

/// The token request for the target, or why it cannot be made.
///
/// # Errors
/// A missing environment URL, client id or secret.
pub fn token_request(ctx: &Ctx) -> Result<Req, Box<Finding>> {
    let t = &ctx.target;
    let (Some(env), Some(id), Some(secret)) = (
        t.environment_url.as_deref(),
        t.client_id.as_deref(),
        t.client_secret.as_ref(),
    ) else {
        return Err(Box::new(Finding::skip(
            "needs SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET",
        )));
    };
    let mut form = reqwest::Url::parse("http://form.invalid/")
        .map_err(|e| Box::new(Finding::error(e.to_string())))?;
    form.query_pairs_mut()
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", id)
        .append_pair("client_secret", secret.expose());
    let body = form.query().unwrap_or_default().as_bytes().to_vec();
    Ok(Req::post(
        format!("{}/oauth/token", env.trim_end_matches('/')),
        "application/x-www-form-urlencoded",
        body,
    )
    .cached(true))
}

/// Runs the check.
pub async fn run(ctx: &Ctx) -> Vec<Finding> {
    let req = match token_request(ctx) {
        Ok(r) => r,
        Err(f) => return vec![*f],
    };
    let reproduce = "curl -s -X POST \"$SCALEKIT_ENVIRONMENT_URL/oauth/token\" -d grant_type=client_credentials -d client_id=\"$SCALEKIT_CLIENT_ID\" -d client_secret=\"$SCALEKIT_CLIENT_SECRET\"";
    let resp = ctx.net.fetch(&req).await;
    let f = match resp.as_ref() {
        Err(e) => super::unreachable(&req.url, e),
        Ok(r) => {
            let doc: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            let has_token = doc["access_token"].as_str().is_some_and(|s| !s.is_empty());
            match r.status {
                200 if has_token => Finding::pass(format!(
                    "the client credentials authenticate at {} (token type {}, expires in {} s)",
                    req.url,
                    doc["token_type"].as_str().unwrap_or("?"),
                    doc["expires_in"]
                ))
                .with("token_type", doc["token_type"].clone())
                .with("expires_in", doc["expires_in"].clone()),
                200 => Finding::fail(
                    "the token endpoint answered 200 without an access_token",
                    "an access_token",
                    r.snippet(80),
                ),
                400 | 401 | 403 => {
                    let err = doc["error"].as_str().unwrap_or("");
                    let desc = doc["error_description"].as_str().unwrap_or("");
                    Finding::fail(
                        format!(
                            "the token endpoint refused the credentials ({}): {err} {desc}",
                            r.status
                        ),
                        "200 with an access token",
                        format!(
                            "{} {}",
                            r.status,
                            if err.is_empty() {
                                r.snippet(80)
                            } else {
                                format!("{err}: {desc}")
                            }
                        ),
                    )
                    .with("error", err)
                }
                s => Finding::error(format!(
                    "the token endpoint answered {s}: {}",
                    r.snippet(80)
                )),
            }
        }
    };
    vec![f.reproduce(reproduce)]
}
