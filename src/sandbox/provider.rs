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
    /// Email domains.
    pub domains: Vec<String>,
    /// Verification status of the domains (`VERIFIED`, `PENDING`, `FAILED`).
    pub domain_status: String,
    /// Its directory, if one was set up.
    pub directory: Option<Directory>,
}

/// A directory (SCIM) of an organization.
#[derive(Debug, Clone)]
pub struct Directory {
    /// `dir_…`.
    pub id: String,
    /// Enabled.
    pub enabled: bool,
    /// `OKTA`, `MICROSOFT_AD`, …
    pub provider: String,
    /// Last sync time (RFC 3339), `None` when it never synced.
    pub last_synced_at: Option<String>,
    /// Users in it.
    pub users: usize,
    /// Groups in it.
    pub groups: usize,
}

/// API behaviour of the sandbox provider (for tests and benchmarks).
#[derive(Debug, Default)]
pub struct ApiControl {
    /// Delay before each API answer.
    pub latency: std::time::Duration,
    /// The next N API requests get 429 with `Retry-After: 1`.
    pub rate_limit_next: std::sync::atomic::AtomicUsize,
    /// Every API request gets 500.
    pub fail_500: bool,
    /// API requests being answered now.
    pub in_flight: std::sync::atomic::AtomicUsize,
    /// The most API requests ever in flight at once.
    pub peak_in_flight: std::sync::atomic::AtomicUsize,
    /// API requests answered.
    pub requests: std::sync::atomic::AtomicUsize,
}

impl Org {
    fn active(&self) -> bool {
        self.connection_status == "COMPLETED" && self.enabled
    }
}

/// The organizations every sandbox has, one per state the API checks tell apart.
#[must_use]
pub fn default_orgs() -> Vec<Org> {
    let dir =
        |id: &str, enabled: bool, provider: &str, synced: bool, users: usize, groups: usize| {
            Some(Directory {
                id: id.into(),
                enabled,
                provider: provider.into(),
                last_synced_at: synced.then(|| "2026-11-20T08:00:00Z".to_owned()),
                users,
                groups,
            })
        };
    let org = |n: u8,
               name: &str,
               status: &str,
               enabled: bool,
               domain: Option<&str>,
               domain_status: &str,
               directory| Org {
        id: format!("org_6100000000000000{n}"),
        name: name.into(),
        connection_id: format!("conn_6100000000000000{n}"),
        connection_status: status.into(),
        enabled,
        domains: domain.map(|d| vec![d.to_owned()]).unwrap_or_default(),
        domain_status: domain_status.into(),
        directory,
    };
    vec![
        // Everything in place.
        org(
            1,
            "Megacorp",
            "COMPLETED",
            true,
            Some("megacorp.com"),
            "VERIFIED",
            dir("dir_61000000000000001", true, "OKTA", true, 42, 5),
        ),
        // Connection still a draft, domain pending, no directory.
        org(
            2,
            "Initech",
            "DRAFT",
            true,
            Some("initech.com"),
            "PENDING",
            None,
        ),
        // Connection disabled, directory that never synced.
        org(
            3,
            "Globex",
            "COMPLETED",
            false,
            Some("globex.com"),
            "VERIFIED",
            dir("dir_61000000000000003", true, "MICROSOFT_AD", false, 0, 0),
        ),
        // No domain at all, directory switched off.
        org(
            4,
            "Hooli",
            "COMPLETED",
            true,
            None,
            "VERIFIED",
            dir("dir_61000000000000004", false, "GOOGLE", true, 7, 1),
        ),
    ]
}

/// `n` more healthy organizations (for pagination and benchmarks).
#[must_use]
pub fn extra_orgs(n: usize) -> Vec<Org> {
    (0..n)
        .map(|i| Org {
            id: format!("org_62{i:015}"),
            name: format!("Customer {i}"),
            connection_id: format!("conn_62{i:015}"),
            connection_status: "COMPLETED".into(),
            enabled: true,
            domains: vec![format!("customer{i}.example.com")],
            domain_status: "VERIFIED".into(),
            directory: Some(Directory {
                id: format!("dir_62{i:015}"),
                enabled: true,
                provider: "OKTA".into(),
                last_synced_at: Some("2026-11-20T08:00:00Z".into()),
                users: 3,
                groups: 1,
            }),
        })
        .collect()
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
    /// API behaviour and counters.
    pub api: Arc<ApiControl>,
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

    async fn api(&self, req: &Incoming) -> Outgoing {
        use std::sync::atomic::Ordering::SeqCst;
        let now = self.api.in_flight.fetch_add(1, SeqCst) + 1;
        self.api.peak_in_flight.fetch_max(now, SeqCst);
        self.api.requests.fetch_add(1, SeqCst);
        if !self.api.latency.is_zero() {
            tokio::time::sleep(self.api.latency).await;
        }
        let out = self.api_answer(req);
        self.api.in_flight.fetch_sub(1, SeqCst);
        out
    }

    fn api_answer(&self, req: &Incoming) -> Outgoing {
        use std::sync::atomic::Ordering::SeqCst;
        let err = |status: u16, code: u32, message: &str| {
            Outgoing::json(
                status,
                &json!({"code": code, "message": message, "details": []}),
            )
        };
        if req.header("authorization") != Some("Bearer sandbox-access-token-not-a-real-jwt") {
            return err(401, 16, "Token empty");
        }
        if self
            .api
            .rate_limit_next
            .fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return err(429, 8, "rate limit exceeded").with("retry-after", "1");
        }
        if self.api.fail_500 {
            return err(500, 13, "internal error");
        }
        let parts: Vec<&str> = req.path.trim_start_matches("/api/v1/").split('/').collect();
        let num = |k: &str, d: usize| req.param(k).and_then(|v| v.parse().ok()).unwrap_or(d);
        let find = |id: &str| self.orgs.iter().find(|o| o.id == id);
        let org_json = |o: &Org| json!({"id": o.id, "display_name": o.name, "external_id": null, "region_code": "US", "create_time": "2026-01-01T00:00:00Z", "metadata": {}});
        let conn_json = |o: &Org| json!({"id": o.connection_id, "provider": "OKTA", "type": "SAML", "status": o.connection_status, "enabled": o.enabled, "organization_id": o.id, "domains": o.domains});
        match (req.method.as_str(), parts.as_slice()) {
            ("GET", ["organizations"]) => {
                let size = num("page_size", 10).clamp(1, 100);
                let start: usize = req
                    .param("page_token")
                    .and_then(|t| t.strip_prefix("pt_"))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let page: Vec<_> = self
                    .orgs
                    .iter()
                    .skip(start)
                    .take(size)
                    .map(org_json)
                    .collect();
                let mut body = json!({"organizations": page, "total_size": self.orgs.len(), "prev_page_token": ""});
                if start + size < self.orgs.len() {
                    body["next_page_token"] = json!(format!("pt_{}", start + size));
                }
                // At the end the field is omitted (proto3 default on REST).
                Outgoing::json(200, &body)
            }
            ("GET", ["organizations", id]) => match find(id) {
                Some(o) => Outgoing::json(200, &json!({"organization": org_json(o)})),
                None => err(404, 5, "organization not found"),
            },
            ("GET", ["connections"]) => {
                if let Some(org) = req.param("organization_id") {
                    let list: Vec<_> = find(org).map(conn_json).into_iter().collect();
                    return Outgoing::json(200, &json!({"connections": list}));
                }
                let domain = req.param("domain").unwrap_or_default().to_ascii_lowercase();
                let all = req.param("include") == Some("all");
                let list: Vec<_> = self
                    .orgs
                    .iter()
                    .filter(|o| o.domains.contains(&domain) && (all || o.active()))
                    .map(conn_json)
                    .collect();
                Outgoing::json(200, &json!({"connections": list}))
            }
            ("GET", ["organizations", id, "domains"]) => {
                let Some(o) = find(id) else {
                    return err(404, 5, "organization not found");
                };
                let size = num("page_size", 30).clamp(1, 100);
                let page_number = num("page_number", 0);
                let list: Vec<_> = o
                    .domains
                    .iter()
                    .enumerate()
                    .skip(page_number * size)
                    .take(size)
                    .map(|(i, d)| json!({"id": format!("dom_{}{i}", &o.id[4..]), "domain": d, "organization_id": o.id, "verification_status": o.domain_status, "domain_type": "ORGANIZATION_DOMAIN", "verification_method": "ADMIN"}))
                    .collect();
                Outgoing::json(
                    200,
                    &json!({"domains": list, "page_size": size, "page_number": page_number}),
                )
            }
            ("GET", ["organizations", id, "directories"]) => {
                let Some(o) = find(id) else {
                    return err(404, 5, "organization not found");
                };
                let list: Vec<_> = o
                    .directory
                    .iter()
                    .map(|d| json!({"id": d.id, "name": "Directory", "directory_type": "SCIM", "organization_id": o.id, "enabled": d.enabled, "directory_provider": d.provider, "last_synced_at": d.last_synced_at, "total_users": d.users, "total_groups": d.groups, "status": if d.enabled { "ACTIVE" } else { "INACTIVE" }}))
                    .collect();
                Outgoing::json(200, &json!({"directories": list}))
            }
            (
                "GET",
                [
                    "organizations",
                    id,
                    "directories",
                    dir,
                    kind @ ("users" | "groups"),
                ],
            ) => {
                let Some(d) = find(id)
                    .and_then(|o| o.directory.as_ref())
                    .filter(|d| d.id == *dir)
                else {
                    return err(404, 5, "directory not found");
                };
                let total = if *kind == "users" { d.users } else { d.groups };
                let size = num("page_size", 10).clamp(1, 30);
                let items: Vec<_> = (0..total.min(size))
                    .map(|i| if *kind == "users" {
                        json!({"id": format!("diruser_{i}"), "email": format!("user{i}@example.com")})
                    } else {
                        json!({"id": format!("dirgroup_{i}"), "display_name": format!("Group {i}")})
                    })
                    .collect();
                let mut body = json!({*kind: items, "total_size": total});
                if total > size {
                    body["next_page_token"] = json!("pt_1");
                }
                Outgoing::json(200, &body)
            }
            ("PUT", ["organizations", id, "portal_links"]) => match find(id) {
                Some(_) => Outgoing::json(
                    200,
                    &json!({"link": {"id": "8930509d-0000-4000-8000-000000000001", "location": format!("{}/magicLink/8930509d-0000-4000-8000-000000000001", self.base), "expire_time": "2099-01-01T00:00:00Z"}}),
                ),
                None => err(404, 5, "organization not found"),
            },
            _ => err(404, 5, "not found"),
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
                    (_, path) if path.starts_with("/api/") => p.api(&req).await,
                    _ => Outgoing::json(404, &json!({"code": 5, "message": "not found"})),
                }
            })
        })
    }
}
