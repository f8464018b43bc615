//! `webhook_signature` probe: real deliveries, correctly and incorrectly signed, to the app's
//! webhook URL. Each case is its own checklist item; the valid delivery is shared with the
//! redelivery case, which sends it again a second later with the same `webhook-id`, as the
//! provider's retries do.
//!
//! The event is harmless: a `launchcheck.probe` type no app handles (apps are told to answer 2xx
//! to unknown types), so accepting it changes nothing. The two malformed payloads are refused or
//! ignored by a correct app; only a 5xx fails them.

use super::Ctx;
use crate::checklist::spec::{WebhookCase, WebhookSpec};
use crate::net::{HttpResponse, NetError, Req};
use crate::report::Finding;
use crate::secret::Secret;
use crate::webhook::{self, events};
use std::sync::Arc;

/// One delivery: what was sent.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`.
    pub timestamp: i64,
    /// Exact body bytes.
    pub body: Vec<u8>,
    /// Headers besides content-type.
    pub headers: Vec<(String, String)>,
}

/// A delivery and the answer it got.
pub type Sent = (Delivery, Arc<Result<HttpResponse, NetError>>);

/// The webhook URL and signing secret, or the finding that says which is missing.
///
/// # Errors
/// A skip finding naming what to configure.
pub fn endpoint_and_secret(ctx: &Ctx) -> Result<(String, Secret), Box<Finding>> {
    let Some(url) = ctx.target.webhook_url.clone() else {
        return Err(Box::new(Finding::skip(
            "no webhook endpoint configured: set app.webhook_url",
        )));
    };
    let Some(secret) = ctx.target.webhook_secret.clone() else {
        return Err(Box::new(Finding::skip(
            "SCALEKIT_WEBHOOK_SECRET is not set: launchcheck cannot sign deliveries",
        )));
    };
    Ok((url, secret))
}

/// Now, Unix seconds.
#[must_use]
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A correctly signed delivery of `body`.
///
/// # Errors
/// The secret is not usable.
pub fn signed(
    secret: &Secret,
    id: &str,
    timestamp: i64,
    body: Vec<u8>,
) -> Result<Delivery, String> {
    let h = webhook::sign(secret, id, timestamp, &body)
        .map_err(|e| format!("SCALEKIT_WEBHOOK_SECRET: {e}"))?;
    Ok(Delivery {
        id: id.to_owned(),
        timestamp,
        headers: h
            .pairs()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        body,
    })
}

/// POSTs a delivery (never cached: every delivery is its own request).
pub async fn post(
    net: &crate::net::Net,
    url: &str,
    d: &Delivery,
) -> Arc<Result<HttpResponse, NetError>> {
    let mut req = Req::post(url, "application/json", d.body.clone());
    for (k, v) in &d.headers {
        req = req.header(k, v.clone());
    }
    net.fetch(&req).await
}

/// A curl command that reproduces a delivery (headers from `launchcheck webhook sign`).
#[must_use]
pub fn curl(url: &str, extra: &str) -> String {
    format!(
        "echo '{{\"type\":\"{}\",\"data\":{{}}}}' > body.json && launchcheck webhook sign --id msg_test < body.json {extra}| sed 's/^/-H /' | xargs curl -si -X POST -H 'content-type: application/json' --data-binary @body.json {url}",
        events::PROBE_EVENT
    )
}

/// What the probe says each case checks (for `explain`).
#[must_use]
pub const fn describe(case: WebhookCase) -> &'static str {
    match case {
        WebhookCase::Valid => {
            "POST a correctly signed harmless event (type launchcheck.probe) to app.webhook_url with webhook-id/-timestamp/-signature: must be 2xx."
        }
        WebhookCase::Tampered => {
            "POST the signed harmless event with one byte of the body changed after signing: must be 4xx (2xx: signatures are not verified; 5xx: the endpoint crashes instead of rejecting)."
        }
        WebhookCase::WrongSecret => {
            "POST the harmless event signed with a random secret: must be 4xx."
        }
        WebhookCase::Unsigned => {
            "POST the harmless event without any webhook-* header: must be 4xx."
        }
        WebhookCase::Stale => {
            "POST the harmless event correctly signed with a timestamp 10 minutes old (a replay): must be 4xx."
        }
        WebhookCase::Malformed => {
            "POST correctly signed invalid JSON, and (with --allow-writes) a correctly signed user_created without data.id and data.email: 2xx or 4xx, never 5xx."
        }
        WebhookCase::Redelivery => {
            "POST the valid delivery again a second later with the same webhook-id, as the provider retries: must be 2xx."
        }
    }
}

async fn valid_delivery(ctx: &Ctx, url: &str, secret: &Secret) -> Arc<Result<Sent, String>> {
    ctx.shared("webhook.valid", || async {
        let body = events::probe_event().to_string().into_bytes();
        let d = signed(secret, &events::message_id(), now(), body)?;
        let r = post(&ctx.net, url, &d).await;
        Ok((d, r))
    })
    .await
}

fn judge_negative(what: &str, url: &str, r: &HttpResponse, replay: bool) -> Finding {
    let expected = "a 4xx (the delivery must be refused)";
    let found = format!("{} {}", r.status, r.snippet(60));
    match r.status {
        400..=499 => Finding::pass(format!("{url} refuses {what} ({})", r.status)),
        200..=299 if replay => Finding::fail(
            format!(
                "{url} accepted {what}: the timestamp window is not enforced, so captured deliveries can be replayed"
            ),
            expected,
            found,
        ),
        200..=299 => Finding::fail(
            format!("{url} accepted {what}: the endpoint does not verify signatures"),
            expected,
            found,
        ),
        500..=599 => Finding::fail(
            format!(
                "{url} crashes ({}) on {what} instead of refusing it",
                r.status
            ),
            expected,
            found,
        ),
        _ => Finding::warn(
            format!("{url} answered {} to {what}", r.status),
            expected,
            found,
        ),
    }
}

fn with_delivery(f: Finding, d: &Delivery, r: Option<&HttpResponse>) -> Finding {
    let mut f = f
        .with("webhook_id", d.id.clone())
        .with("webhook_timestamp", d.timestamp);
    if let Some(r) = r {
        f = f.with("status", r.status).with("elapsed_ms", r.elapsed_ms);
    }
    f
}

/// Runs one case.
pub async fn run(spec: &WebhookSpec, ctx: &Ctx) -> Vec<Finding> {
    let Some(url) = ctx.target.webhook_url.clone() else {
        return vec![Finding::skip(
            "no webhook endpoint configured: set app.webhook_url",
        )];
    };
    if !url.starts_with("https://") && !url.starts_with("http://") {
        return vec![Finding::fail(
            format!("app.webhook_url `{url}` is not an http(s) URL"),
            "an https:// URL",
            url,
        )];
    }
    let needs_secret = !matches!(spec.case, WebhookCase::Unsigned | WebhookCase::WrongSecret);
    let secret = match (&ctx.target.webhook_secret, needs_secret) {
        (Some(s), _) => s.clone(),
        (None, false) => Secret::new("whsec_bm90LXRoZS1zZWNyZXQ=".into()),
        (None, true) => {
            return vec![Finding::skip(
                "SCALEKIT_WEBHOOK_SECRET is not set: launchcheck cannot sign deliveries",
            )];
        }
    };
    let reproduce = curl(&url, "");
    let f = match spec.case {
        WebhookCase::Valid | WebhookCase::Redelivery => {
            let sent = valid_delivery(ctx, &url, &secret).await;
            let (d, r) = match sent.as_ref() {
                Ok(v) => v,
                Err(e) => return vec![Finding::error(e.clone())],
            };
            let (d, r) = if spec.case == WebhookCase::Redelivery {
                // A provider retry: same id and body, a new timestamp and signature.
                let retry = match signed(&secret, &d.id, d.timestamp + 1, d.body.clone()) {
                    Ok(x) => x,
                    Err(e) => return vec![Finding::error(e)],
                };
                let r2 = post(&ctx.net, &url, &retry).await;
                (retry, r2)
            } else {
                (d.clone(), r.clone())
            };
            match r.as_ref() {
                Err(e) => super::unreachable(&url, e),
                Ok(resp) => {
                    let what = if spec.case == WebhookCase::Valid {
                        "a correctly signed delivery"
                    } else {
                        "a redelivery of the same event (same webhook-id)"
                    };
                    let f = if (200..300).contains(&resp.status) {
                        Finding::pass(format!(
                            "{url} accepts {what} ({} in {} ms)",
                            resp.status, resp.elapsed_ms
                        ))
                    } else {
                        let hint = if spec.case == WebhookCase::Valid
                            && (400..500).contains(&resp.status)
                        {
                            ": check that SCALEKIT_WEBHOOK_SECRET is this endpoint's signing secret and that the raw body is verified"
                        } else if spec.case == WebhookCase::Redelivery {
                            ": the provider retries non-2xx deliveries for hours; repeats must be acknowledged"
                        } else {
                            ""
                        };
                        Finding::fail(
                            format!("{url} answered {} to {what}{hint}", resp.status),
                            "a 2xx",
                            format!("{} {}", resp.status, resp.snippet(60)),
                        )
                    };
                    with_delivery(f, &d, Some(resp))
                }
            }
        }
        WebhookCase::Tampered
        | WebhookCase::WrongSecret
        | WebhookCase::Unsigned
        | WebhookCase::Stale => {
            let body = events::probe_event().to_string().into_bytes();
            let id = events::message_id();
            let built = match spec.case {
                WebhookCase::Tampered => signed(&secret, &id, now(), body.clone()).map(|mut d| {
                    // Change one byte after signing: "launchcheck" -> "launchcheCk".
                    if let Some(pos) = memchr::memmem::find(&d.body, b"launchcheck readiness") {
                        d.body[pos + 9] = b'C';
                    }
                    d
                }),
                WebhookCase::WrongSecret => {
                    let other = Secret::new(format!(
                        "whsec_{}",
                        base64::Engine::encode(
                            &base64::engine::general_purpose::STANDARD,
                            events::numeric_id()
                        )
                    ));
                    signed(&other, &id, now(), body)
                }
                WebhookCase::Stale => signed(&secret, &id, now() - 600, body),
                _ => Ok(Delivery {
                    id: id.clone(),
                    timestamp: now(),
                    body,
                    headers: Vec::new(),
                }),
            };
            let d = match built {
                Ok(d) => d,
                Err(e) => return vec![Finding::error(e)],
            };
            let what = match spec.case {
                WebhookCase::Tampered => "a delivery whose body was changed after signing",
                WebhookCase::WrongSecret => "a delivery signed with another secret",
                WebhookCase::Unsigned => "a delivery without signature headers",
                _ => "a correctly signed delivery with a 10-minute-old timestamp (a replay)",
            };
            let r = post(&ctx.net, &url, &d).await;
            match r.as_ref() {
                Err(e) => super::unreachable(&url, e),
                Ok(resp) => with_delivery(
                    judge_negative(what, &url, resp, spec.case == WebhookCase::Stale),
                    &d,
                    Some(resp),
                ),
            }
        }
        WebhookCase::Malformed => {
            let bad_json = b"{\"type\": \"launchcheck.probe\", \"data\": {".to_vec();
            let missing = events::user_event(
                "user_created",
                serde_json::json!({"organization_id": events::SYNTHETIC_ORG, "given_name": "Missing", "family_name": "Fields"}),
                events::SYNTHETIC_ORG,
            )
            .to_string()
            .into_bytes();
            let mut findings = Vec::new();
            let mut cases = vec![("signed invalid JSON", bad_json)];
            if ctx.settings.allow_writes {
                cases.push((
                    "a signed user_created without data.id and data.email",
                    missing,
                ));
            } else {
                findings.push(Finding::skip(
                    "the user_created without data.id/data.email is sent only with --allow-writes (it is a directory event type)",
                ));
            }
            for (what, body) in cases {
                let d = match signed(&secret, &events::message_id(), now(), body) {
                    Ok(d) => d,
                    Err(e) => return vec![Finding::error(e)],
                };
                let r = post(&ctx.net, &url, &d).await;
                let f = match r.as_ref() {
                    Err(e) => super::unreachable(&url, e),
                    Ok(resp) if resp.status >= 500 => Finding::fail(
                        format!(
                            "{url} crashes ({}) on {what} instead of refusing it",
                            resp.status
                        ),
                        "a 4xx (or a 2xx that ignores it)",
                        format!("{} {}", resp.status, resp.snippet(60)),
                    ),
                    Ok(resp) => Finding::pass(format!(
                        "{url} handles {what} without a server error ({})",
                        resp.status
                    )),
                };
                findings.push(
                    with_delivery(f, &d, r.as_ref().as_ref().ok()).reproduce(reproduce.clone()),
                );
            }
            return findings;
        }
    };
    vec![f.with("url", url.clone()).reproduce(reproduce)]
}
