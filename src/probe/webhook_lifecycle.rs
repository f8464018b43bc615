//! `webhook_lifecycle` probe: realistic, correctly signed directory events, sent in the order a
//! directory produces them, for a clearly synthetic organization and an example.com user.
//!
//! These deliveries can change the app's data, so the runner runs this probe only with
//! `--allow-writes`. One ordered session serves every item (created → duplicate created →
//! updated → deleted → group created/updated/deleted); each item judges its own step.

use super::Ctx;
use super::webhook::{now, post, signed};
use crate::checklist::spec::{LifecycleEvent, LifecycleSpec};
use crate::report::Finding;
use crate::webhook::events::{self, SYNTHETIC_ORG};

/// One step of the session.
#[derive(Debug, Clone)]
pub struct Step {
    /// Which item judges it.
    pub event: LifecycleEvent,
    /// The event type sent.
    pub event_type: String,
    /// Status, or why there was none.
    pub outcome: Result<u16, String>,
    /// Response time.
    pub elapsed_ms: u64,
    /// Webhook id used.
    pub webhook_id: String,
    /// What `app.verify_url` showed right after this step (status, body), when configured.
    pub verified: Option<Result<(u16, String), String>>,
}

/// Looks the synthetic user up through `app.verify_url` (never cached: the answer changes).
async fn verify(ctx: &Ctx, email: &str) -> Option<Result<(u16, String), String>> {
    let template = ctx.target.verify_url.as_deref()?;
    let encoded: String = reqwest::Url::parse("http://x/")
        .ok()
        .map(|mut u| {
            u.query_pairs_mut().append_pair("e", email);
            u.query()
                .unwrap_or_default()
                .trim_start_matches("e=")
                .to_owned()
        })
        .unwrap_or_else(|| email.to_owned());
    let url = template.replace("{email}", &encoded);
    let r = ctx
        .net
        .fetch(&crate::net::Req::get(url).cached(false))
        .await;
    Some(match r.as_ref() {
        Ok(resp) => Ok((resp.status, resp.snippet(200))),
        Err(e) => Err(e.to_string()),
    })
}

/// A person-readable name of a step.
#[must_use]
pub const fn label(e: LifecycleEvent) -> &'static str {
    match e {
        LifecycleEvent::UserCreated => "user_created",
        LifecycleEvent::UserUpdated => "user_updated",
        LifecycleEvent::UserDeleted => "user_deleted",
        LifecycleEvent::Groups => "group_created, group_updated and group_deleted",
        LifecycleEvent::DuplicateUser => "a duplicate user_created (same event, new webhook-id)",
    }
}

async fn session(ctx: &Ctx, url: &str, secret: &crate::secret::Secret) -> Vec<Step> {
    let uid = format!("diruser_launchcheck{}", events::numeric_id());
    let email = format!("launchcheck-{}@example.com", &uid[uid.len() - 6..]);
    let user = events::user(&uid, SYNTHETIC_ORG, &email, "Launch", "Check", true);
    let created = events::user_event("user_created", user.clone(), SYNTHETIC_ORG);
    let mut updated_user = user;
    updated_user["given_name"] = "Launched".into();
    let updated = events::user_event("user_updated", updated_user, SYNTHETIC_ORG);
    let deleted = events::user_event(
        "user_deleted",
        serde_json::json!({"id": uid, "organization_id": SYNTHETIC_ORG, "dp_id": format!("launchcheck-{uid}"), "email": email}),
        SYNTHETIC_ORG,
    );
    let gid = format!("dirgroup_launchcheck{}", events::numeric_id());
    let plan = vec![
        (LifecycleEvent::UserCreated, created.clone()),
        (LifecycleEvent::DuplicateUser, created),
        (LifecycleEvent::UserUpdated, updated),
        (LifecycleEvent::UserDeleted, deleted),
        (
            LifecycleEvent::Groups,
            events::group_event(
                "group_created",
                &gid,
                "launchcheck synthetic group",
                SYNTHETIC_ORG,
            ),
        ),
        (
            LifecycleEvent::Groups,
            events::group_event(
                "group_updated",
                &gid,
                "launchcheck synthetic group (renamed)",
                SYNTHETIC_ORG,
            ),
        ),
        (
            LifecycleEvent::Groups,
            events::group_event(
                "group_deleted",
                &gid,
                "launchcheck synthetic group (renamed)",
                SYNTHETIC_ORG,
            ),
        ),
    ];
    let mut steps = Vec::new();
    for (event, body) in plan {
        let event_type = body["type"].as_str().unwrap_or_default().to_owned();
        let webhook_id = events::message_id();
        let d = match signed(secret, &webhook_id, now(), body.to_string().into_bytes()) {
            Ok(d) => d,
            Err(e) => {
                steps.push(Step {
                    event,
                    event_type,
                    outcome: Err(e),
                    elapsed_ms: 0,
                    webhook_id,
                    verified: None,
                });
                continue;
            }
        };
        let r = post(&ctx.net, url, &d).await;
        let (outcome, elapsed_ms) = match r.as_ref() {
            Ok(resp) => (Ok(resp.status), resp.elapsed_ms),
            Err(e) => (Err(e.to_string()), 0),
        };
        let verified = if matches!(
            event,
            LifecycleEvent::UserCreated | LifecycleEvent::UserDeleted
        ) {
            verify(ctx, &email).await
        } else {
            None
        };
        steps.push(Step {
            event,
            event_type,
            outcome,
            elapsed_ms,
            webhook_id,
            verified,
        });
    }
    steps
}

/// Runs the check (the runner only calls it with `--allow-writes`).
pub async fn run(spec: &LifecycleSpec, ctx: &Ctx) -> Vec<Finding> {
    let (url, secret) = match super::webhook::endpoint_and_secret(ctx) {
        Ok(v) => v,
        Err(f) => return vec![*f],
    };
    let steps = ctx
        .shared("webhook.lifecycle", || session(ctx, &url, &secret))
        .await;
    let mine: Vec<&Step> = steps.iter().filter(|s| s.event == spec.event).collect();
    let duplicate = spec.event == LifecycleEvent::DuplicateUser;
    mine.iter()
        .map(|s| {
            let f = match &s.outcome {
                Err(e) => Finding::error(format!("{} to {url}: {e}", s.event_type)),
                Ok(code) if (200..300).contains(code) => Finding::pass(format!(
                    "{url} accepted {} ({code} in {} ms)",
                    if duplicate {
                        label(s.event)
                    } else {
                        s.event_type.as_str()
                    },
                    s.elapsed_ms
                )),
                Ok(code) if duplicate && *code < 500 => Finding::pass(format!(
                    "{url} refused a duplicate user_created without crashing ({code})"
                )),
                Ok(code) => Finding::fail(
                    format!(
                        "{url} answered {code} to {}",
                        if duplicate {
                            label(s.event)
                        } else {
                            s.event_type.as_str()
                        }
                    ),
                    if duplicate {
                        "anything but a 5xx"
                    } else {
                        "a 2xx"
                    },
                    code.to_string(),
                ),
            };
            let f = match (&s.verified, f.status) {
                (Some(v), crate::report::Status::Pass) => judge_effect(s.event, v, f),
                _ => f,
            };
            f.with("event_type", s.event_type.clone())
                .with("webhook_id", s.webhook_id.clone())
                .with("organization_id", SYNTHETIC_ORG)
                .reproduce(format!(
                    "launchcheck webhook send --url {url} --event {} --org {SYNTHETIC_ORG}",
                    s.event_type
                ))
        })
        .collect()
}

/// Judges what `app.verify_url` showed after a step that passed delivery.
fn judge_effect(
    event: LifecycleEvent,
    seen: &Result<(u16, String), String>,
    delivered: Finding,
) -> Finding {
    let (status, body) = match seen {
        Err(e) => {
            return Finding::error(format!(
                "{} (app.verify_url could not be read: {e})",
                delivered.message
            ));
        }
        Ok(v) => v,
    };
    let lower = body.to_ascii_lowercase();
    let inactive = lower.contains("\"active\":false")
        || lower.contains("\"active\": false")
        || lower.contains("inactive")
        || lower.contains("deactivated");
    match event {
        LifecycleEvent::UserCreated if *status == 200 && !inactive => Finding::pass(format!(
            "{}; app.verify_url shows the user",
            delivered.message
        )),
        LifecycleEvent::UserCreated => Finding::fail(
            "user_created was acknowledged but app.verify_url does not show the user",
            "200 from app.verify_url for the new user",
            format!("{status} {body}"),
        ),
        LifecycleEvent::UserDeleted
            if *status == 404 || *status == 410 || (*status == 200 && inactive) =>
        {
            Finding::pass(format!(
                "{}; app.verify_url shows the user {}",
                delivered.message,
                if *status == 200 {
                    "deactivated"
                } else {
                    "gone"
                }
            ))
        }
        LifecycleEvent::UserDeleted => Finding::fail(
            "user_deleted was acknowledged but app.verify_url still shows the user as active",
            "404, or the user marked inactive",
            format!("{status} {body}"),
        ),
        _ => delivered,
    }
    .with("verify_status", *status)
}
