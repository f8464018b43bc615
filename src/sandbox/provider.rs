//! The sandbox's provider environment, shaped like Scalekit's (reference §4): discovery, JWKS,
//! the token endpoint (client_credentials, client_secret_post) and the authorize endpoint with
//! its routing (connection_id > organization_id > domain_hint > login_hint).

use super::server::{Handler, Incoming, Outgoing};
use crate::jwt::SigningKey;
use serde_json::{Value, json};
use std::sync::Arc;

/// One organization of the sandbox.
#[derive(Debug, Clone)]
pub struct Org {
    /// `org_…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its SSO connection id.
    pub connection_id: String,
    /// `COMPLETED`, `DRAFT`, `IN_PROGRESS`.
    pub connection_status: String,
    /// Connection enabled.
    pub enabled: bool,
    /// Email domains (verified).
    pub domains: Vec<String>,
}

impl Org {
    fn active(&self) -> bool {
        self.connection_status == "COMPLETED" && self.enabled
    }
}

/// The organizations every sandbox has.
#[must_use]
pub fn default_orgs() -> Vec<Org> {
    let org = |id: &str, name: &str, conn: &str, status: &str, enabled: bool, domain: &str| Org {
        id: id.into(),
        name: name.into(),
        connection_id: conn.into(),
        connection_status: status.into(),
        enabled,
        domains: vec![domain.into()],
    };
    vec![
        org(
            "org_61000000000000001",
            "Megacorp",
            "conn_61000000000000001",
            "COMPLETED",
            true,
            "megacorp.com",
        ),
        org(
            "org_61000000000000002",
            "Initech",
            "conn_61000000000000002",
            "DRAFT",
            true,
            "initech.com",
        ),
        org(
            "org_61000000000000003",
            "Globex",
            "conn_61000000000000003",
            "COMPLETED",
            false,
            "globex.com",
        ),
    ]
}

/// Provider state.
#[derive(Debug)]
pub struct Provider {
    /// `https://host:port`.
    pub base: String,
    /// The environment's client id.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Organizations.
    pub orgs: Vec<Org>,
    /// Signing key published at /keys.
    pub key: Arc<SigningKey>,
}

impl Provider {
    /// The JWKS document.
    #[must_use]
    pub fn jwks(&self) -> Value {
        json!({"keys": [self.key.jwk()]})
    }

    /// Discovery as served under the name the request used: the environment answers under its
    /// own host and under its custom domain, each as its own issuer (as the provider does once a
    /// custom domain is live).
    fn discovery(&self, host: &str) -> Value {
        let b = if host.is_empty() {
            self.base.clone()
        } else {
            format!("https://{host}")
        };
        json!({
            "issuer": b,
            "authorization_endpoint": format!("{b}/oauth/authorize"),
            "token_endpoint": format!("{b}/oauth/token"),
            "userinfo_endpoint": format!("{b}/userinfo"),
            "jwks_uri": format!("{b}/keys"),
            "end_session_endpoint": format!("{b}/oidc/logout"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        })
    }

    fn token(&self, req: &Incoming) -> Outgoing {
        let form: Vec<(String, String)> =
            reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(&req.body)))
                .map(|u| {
                    u.query_pairs()
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect()
                })
                .unwrap_or_default();
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        if get("grant_type") != Some("client_credentials") {
            return Outgoing::json(
                400,
                &json!({"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"}),
            );
        }
        if get("client_id") != Some(self.client_id.as_str())
            || get("client_secret") != Some(self.client_secret.as_str())
        {
            return Outgoing::json(
                401,
                &json!({"error": "invalid_client", "error_description": "client authentication failed: unknown client or wrong secret"}),
            );
        }
        Outgoing::json(
            200,
            &json!({"access_token": "sandbox-access-token-not-a-real-jwt", "token_type": "Bearer", "expires_in": 86399, "scope": "openid"}),
        )
    }

    fn authorize(&self, req: &Incoming) -> Outgoing {
        if req.param("client_id") != Some(self.client_id.as_str()) {
            return Outgoing::html(400, "invalid_request: unknown client_id");
        }
        let Some(redirect) = req.param("redirect_uri") else {
            return Outgoing::html(400, "invalid_request: redirect_uri is required");
        };
        if !self.redirect_uris.iter().any(|r| r == redirect) {
            return Outgoing::html(
                400,
                "invalid_request: redirect_uri is not registered for this environment (add it under Redirect URLs)",
            );
        }
        let state = req.param("state").unwrap_or_default();
        let domain_of = |s: &str| s.rsplit('@').next().unwrap_or(s).to_ascii_lowercase();
        let org = if let Some(c) = req.param("connection_id") {
            self.orgs.iter().find(|o| o.connection_id == c)
        } else if let Some(o) = req.param("organization_id") {
            self.orgs.iter().find(|x| x.id == o)
        } else if let Some(d) = req.param("domain_hint") {
            self.orgs.iter().find(|o| o.domains.contains(&domain_of(d)))
        } else if let Some(l) = req.param("login_hint") {
            self.orgs.iter().find(|o| o.domains.contains(&domain_of(l)))
        } else {
            return Outgoing::html(200, "Sign in (hosted login page)");
        };
        let Ok(base) = reqwest::Url::parse(redirect) else {
            return Outgoing::html(400, "invalid_request: redirect_uri is not a URL");
        };
        let back = |error: &str, desc: &str| {
            let mut u = base.clone();
            u.query_pairs_mut()
                .append_pair("error", error)
                .append_pair("error_description", desc)
                .append_pair("state", state);
            Outgoing::redirect(302, u.as_str())
        };
        match org {
            None => back(
                "invalid_request",
                "no SSO connection matches the given selector",
            ),
            Some(o) if !o.active() => back(
                "connection_inactive",
                &format!(
                    "the SSO connection {} of organization {} is {}",
                    o.connection_id,
                    o.id,
                    if o.enabled {
                        o.connection_status.to_lowercase()
                    } else {
                        "disabled".into()
                    }
                ),
            ),
            Some(o) => Outgoing::redirect(
                302,
                &format!(
                    "https://idp.launchcheck-demo.com/sso/saml?connection={}&RelayState={state}",
                    o.connection_id
                ),
            ),
        }
    }

    /// The request handler.
    #[must_use]
    pub fn handler(self: Arc<Self>) -> Handler {
        Arc::new(move |req: Incoming| {
            let p = self.clone();
            Box::pin(async move {
                match (req.method.as_str(), req.path.as_str()) {
                    ("GET", "/.well-known/openid-configuration") => {
                        Outgoing::json(200, &p.discovery(&req.host))
                    }
                    ("GET", "/keys") => Outgoing::json(200, &p.jwks()),
                    ("POST", "/oauth/token") => p.token(&req),
                    ("GET", "/oauth/authorize") => p.authorize(&req),
                    _ => Outgoing::json(404, &json!({"code": 5, "message": "not found"})),
                }
            })
        })
    }
}
