//! The sandbox's sample app: a login page, an OAuth callback, an IdP-initiated login entry and
//! a webhook receiver, each with faults that can be switched on so tests (and the demo) can show
//! that the check meant to catch a fault does catch it.

use super::server::{Handler, Incoming, Outgoing};
use crate::secret::Secret;
use serde_json::Value;
use std::sync::Arc;

/// Faults of the sample app. `Default` is a healthy app.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppFaults {
    /// The callback accepts any state/code and issues a session (login CSRF).
    pub accept_forged_state: bool,
    /// `?error=` on the callback crashes with 500.
    pub crash_on_error_param: bool,
    /// The initiate-login endpoint forwards an unverified `idp_initiated_login` token's claims.
    pub forward_unverified_idp_token: bool,
    /// No `Strict-Transport-Security` header.
    pub no_hsts: bool,
    /// Plain HTTP is served instead of redirected.
    pub plain_http_served: bool,
    /// The certificate expired in 2021.
    pub expired_cert: bool,
    /// The certificate is for another host name.
    pub wrong_host_cert: bool,
    /// The webhook receiver does not verify signatures at all.
    pub webhook_skip_verify: bool,
    /// The webhook receiver verifies the signature but not the timestamp window.
    pub webhook_ignore_timestamp: bool,
    /// The webhook receiver crashes (500) on invalid JSON or missing fields.
    pub webhook_crash_on_malformed: bool,
    /// user_deleted is acknowledged but changes nothing.
    pub webhook_ignores_deletes: bool,
}

/// What the webhook receiver saw (for tests).
#[derive(Debug, Default)]
pub struct WebhookLog {
    /// `type` of each delivery whose body parsed, in order of arrival.
    pub event_types: Vec<String>,
    /// Deliveries in which the signing secret itself appeared (header or body).
    pub secret_leaks: usize,
    /// Directory user ids created and not deleted.
    pub users: std::collections::BTreeSet<String>,
    /// Users by email: active or deactivated (the app deactivates on user_deleted).
    pub by_email: std::collections::BTreeMap<String, bool>,
}

/// App state.
pub struct App {
    /// The provider's base URL (where logins are sent).
    pub provider_base: String,
    /// The provider's client id.
    pub client_id: String,
    /// The app's callback URL.
    pub callback: String,
    /// The provider's JWKS (the app verifies IdP-initiated tokens with it).
    pub jwks: Value,
    /// Webhook signing secret.
    pub webhook_secret: Secret,
    /// Faults switched on.
    pub faults: AppFaults,
    /// Extra delay of the webhook receiver.
    pub webhook_delay: std::time::Duration,
    /// What the receiver saw.
    pub webhooks: std::sync::Mutex<WebhookLog>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

impl App {
    fn authorize_url(&self, params: &[(&str, &str)]) -> String {
        let Ok(mut u) = reqwest::Url::parse(&format!("{}/oauth/authorize", self.provider_base))
        else {
            return "/login-error".to_owned();
        };
        {
            let mut q = u.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &self.client_id)
                .append_pair("redirect_uri", &self.callback)
                .append_pair("scope", "openid profile email");
            for (k, v) in params {
                q.append_pair(k, v);
            }
        }
        u.to_string()
    }

    fn callback(&self, req: &Incoming) -> Outgoing {
        if let Some(err) = req.param("error") {
            if self.faults.crash_on_error_param {
                return Outgoing::html(500, "Internal Server Error");
            }
            return Outgoing::html(
                400,
                &format!("Sign-in failed: {err}. Contact your administrator."),
            );
        }
        let state = req.param("state").unwrap_or_default();
        if self.faults.accept_forged_state {
            return Outgoing::redirect(302, "/dashboard").with(
                "set-cookie",
                "session=sandbox-session-id; Path=/; HttpOnly; Secure",
            );
        }
        match req.cookie("lc_state") {
            Some(s) if !s.is_empty() && s == state => Outgoing::redirect(302, "/dashboard")
                .with(
                    "set-cookie",
                    "session=sandbox-session-id; Path=/; HttpOnly; Secure",
                )
                .with("set-cookie", "lc_state=; Max-Age=0; Path=/"),
            _ => Outgoing::html(400, "Sign-in failed: invalid state"),
        }
    }

    fn login(&self, req: &Incoming) -> Outgoing {
        let Some(token) = req.param("idp_initiated_login") else {
            // SP-initiated start: remember the state in a cookie, send the user to the provider.
            let state = "sandbox-state";
            return Outgoing::redirect(302, &self.authorize_url(&[("state", state)])).with(
                "set-cookie",
                format!("lc_state={state}; Path=/; HttpOnly; Secure"),
            );
        };
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let claims = if self.faults.forward_unverified_idp_token {
            crate::jwt::insecure_claims(token).ok()
        } else {
            crate::jwt::verify(token, &self.jwks, now).ok()
        };
        let Some(claims) = claims else {
            return Outgoing::html(400, "Invalid IdP-initiated login token");
        };
        let s = |k: &str| claims[k].as_str().unwrap_or_default().to_owned();
        let params = [
            ("organization_id", s("organization_id")),
            ("connection_id", s("connection_id")),
            ("login_hint", s("login_hint")),
        ];
        let params: Vec<(&str, &str)> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        Outgoing::redirect(302, &self.authorize_url(&params))
    }

    fn webhook(&self, req: &Incoming) -> Outgoing {
        let secret = self.webhook_secret.expose();
        let parsed = serde_json::from_slice::<Value>(&req.body).ok();
        if let Ok(mut log) = self.webhooks.lock() {
            let leaked = req.headers.iter().any(|(_, v)| v.contains(secret))
                || memchr::memmem::find(&req.body, secret.as_bytes()).is_some();
            if leaked {
                log.secret_leaks += 1;
            }
            if let Some(t) = parsed.as_ref().and_then(|v| v["type"].as_str()) {
                log.event_types.push(t.to_owned());
            }
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let ts = req
            .header("webhook-timestamp")
            .and_then(|t| t.parse::<i64>().ok());
        let verify_at = if self.faults.webhook_ignore_timestamp {
            ts.unwrap_or(now)
        } else {
            now
        };
        if !self.faults.webhook_skip_verify
            && let Err(e) = crate::webhook::verify(
                &self.webhook_secret,
                req.header("webhook-id"),
                req.header("webhook-timestamp"),
                req.header("webhook-signature"),
                &req.body,
                verify_at,
            )
        {
            return Outgoing::json(400, &serde_json::json!({"error": e.to_string()}));
        }
        let bad = |what: &str| {
            if self.faults.webhook_crash_on_malformed {
                Outgoing::html(500, "Internal Server Error")
            } else {
                Outgoing::json(400, &serde_json::json!({"error": what}))
            }
        };
        let Some(event) = parsed else {
            return bad("invalid JSON");
        };
        let kind = event["type"].as_str().unwrap_or_default();
        let data = &event["data"];
        if kind.starts_with("organization.directory.user_") {
            let (Some(id), Some(email)) = (data["id"].as_str(), data["email"].as_str()) else {
                return bad("user event without data.id or data.email");
            };
            if let Ok(mut log) = self.webhooks.lock() {
                match kind {
                    "organization.directory.user_deleted"
                        if self.faults.webhook_ignores_deletes => {}
                    "organization.directory.user_deleted" => {
                        log.by_email.insert(email.to_ascii_lowercase(), false);
                    }
                    _ => {
                        log.by_email.insert(email.to_ascii_lowercase(), true);
                    }
                }
                match kind {
                    "organization.directory.user_created" if !log.users.insert(id.to_owned()) => {
                        return Outgoing::json(
                            200,
                            &serde_json::json!({"status": "already provisioned"}),
                        );
                    }
                    "organization.directory.user_deleted"
                        if !self.faults.webhook_ignores_deletes =>
                    {
                        log.users.remove(id);
                    }
                    _ => {}
                }
            }
        }
        Outgoing::json(201, &serde_json::json!({"status": "processed"}))
    }

    /// The request handler.
    #[must_use]
    pub fn handler(self: Arc<Self>) -> Handler {
        Arc::new(move |req: Incoming| {
            let app = self.clone();
            Box::pin(async move {
                if !req.tls && !app.faults.plain_http_served {
                    return Outgoing::redirect(308, &format!("https://{}{}", req.host, req.path));
                }
                let mut out = match (req.method.as_str(), req.path.as_str()) {
                    ("GET", "/auth/callback") => app.callback(&req),
                    ("GET", "/login") => app.login(&req),
                    ("GET", "/internal/users") => {
                        let email = req.param("email").unwrap_or_default().to_ascii_lowercase();
                        match app
                            .webhooks
                            .lock()
                            .ok()
                            .and_then(|l| l.by_email.get(&email).copied())
                        {
                            Some(active) => Outgoing::json(
                                200,
                                &serde_json::json!({"email": email, "active": active}),
                            ),
                            None => {
                                Outgoing::json(404, &serde_json::json!({"error": "no such user"}))
                            }
                        }
                    }
                    ("POST", "/api/webhooks/scalekit") => {
                        if !app.webhook_delay.is_zero() {
                            tokio::time::sleep(app.webhook_delay).await;
                        }
                        app.webhook(&req)
                    }
                    ("GET", _) => Outgoing::html(200, "Acme app"),
                    _ => Outgoing::html(405, "Method Not Allowed"),
                };
                if req.tls && !app.faults.no_hsts {
                    out = out.with(
                        "strict-transport-security",
                        "max-age=63072000; includeSubDomains",
                    );
                }
                out
            })
        })
    }
}
