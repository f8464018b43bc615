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
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let verdict = crate::webhook::verify(
            &self.webhook_secret,
            req.header("webhook-id"),
            req.header("webhook-timestamp"),
            req.header("webhook-signature"),
            &req.body,
            now,
        );
        match verdict {
            Ok(()) => match serde_json::from_slice::<Value>(&req.body) {
                Ok(_) => Outgoing::json(201, &serde_json::json!({"status": "processed"})),
                Err(_) => Outgoing::json(400, &serde_json::json!({"error": "invalid JSON"})),
            },
            Err(e) => Outgoing::json(400, &serde_json::json!({"error": e.to_string()})),
        }
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
                    ("POST", "/api/webhooks/scalekit") => app.webhook(&req),
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
