//! Probes: one file per kind, each an async function from a spec and the shared context to
//! findings. Probes never print and never decide the final status of an item (waivers,
//! attestations and `--offline` belong to the runner); they only report what they saw.
//!
//! [`Ctx`] is everything a probe may use: the target, the run settings, and per-run caches
//! (the repository scan runs once however many items read it).

pub mod admin_portal_dns;
pub mod admin_portal_link;
pub mod api_common;
pub mod authorize;
pub mod callback;
pub mod client_credentials;
pub mod directory;
pub mod env;
pub mod file_exists;
pub mod hsts;
pub mod https_redirect;
pub mod https_scheme;
pub mod idp_initiated;
pub mod oidc;
pub mod org_domains;
pub mod organizations;
pub mod reachability;
pub mod redirect_uris;
pub mod secrets;
pub mod sso_connection;
pub mod tls;
pub mod webhook;
pub mod webhook_latency;
pub mod webhook_lifecycle;

use crate::checklist::ProbeSpec;
use crate::checklist::spec::UrlSet;
use crate::config::Target;
use crate::net::{Net, NetError, NetOptions};
use crate::report::Finding;
use crate::scan::ScanResult;
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// The forgery key (PKCS#8 DER, base64): see [`Ctx::forged_key`].
const FORGERY_KEY_B64: &str = include_str!("data/forgery-key.pk8.b64");

/// Run-wide settings a probe may consult.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The network layer's settings (timeout, concurrency, roots, resolver).
    pub net: NetOptions,
    /// Probes that change the app's data may run.
    pub allow_writes: bool,
    /// How many organizations the API checks look at when none is configured.
    pub max_orgs: usize,
    /// The day waivers and certificate ages are measured against.
    pub today: time::Date,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            net: NetOptions::default(),
            allow_writes: false,
            max_orgs: 2_000,
            today: time::OffsetDateTime::now_utc().date(),
        }
    }
}

/// The shared probe context.
#[derive(Debug)]
pub struct Ctx {
    /// What is being checked.
    pub target: Arc<Target>,
    /// Run settings.
    pub settings: Settings,
    /// The network layer (client, resolver, limits, caches).
    pub net: Arc<Net>,
    shared: std::sync::Mutex<HashMap<String, SharedCell>>,
}

type SharedCell = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

impl Ctx {
    /// A context for one run.
    ///
    /// # Errors
    /// The network layer cannot be built (an unusable `--ca-cert`).
    pub fn new(target: Arc<Target>, settings: Settings) -> Result<Self, String> {
        let net = Arc::new(Net::new(settings.net.clone())?);
        Ok(Self {
            target,
            settings,
            net,
            shared: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// A value computed once per run and shared by every probe that asks for `key` (a webhook
    /// delivery that two checks judge, the ordered lifecycle session). Concurrent callers wait
    /// for the first one's result.
    ///
    /// # Panics
    /// If two call sites use one key with different types (a programming error).
    pub async fn shared<T, F, Fut>(&self, key: &'static str, init: F) -> Arc<T>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        self.shared_keyed(key.to_owned(), init).await
    }

    /// [`Ctx::shared`] with a key built at run time (one value per URL, say).
    ///
    /// # Panics
    /// If two call sites use one key with different types (a programming error).
    pub async fn shared_keyed<T, F, Fut>(&self, key: String, init: F) -> Arc<T>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let cell = {
            let mut map = self
                .shared
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry(key).or_default().clone()
        };
        let value = cell
            .get_or_init(|| async { Arc::new(init().await) as Arc<dyn Any + Send + Sync> })
            .await
            .clone();
        #[allow(
            clippy::expect_used,
            reason = "a key is used with one type; a mismatch is a bug, not input"
        )]
        value
            .downcast::<T>()
            .expect("shared key used with a single type")
    }

    /// launchcheck's forgery key, for tokens a correct app must refuse. It is public on
    /// purpose (it ships in the binary, `probe/data/forgery-key.pk8.b64`) and is never the
    /// provider's: anything it signs is forged by construction. Shipping it avoids generating an
    /// RSA key on every run (50–250 ms on the critical path of the IdP-initiated probe).
    pub async fn forged_key(&self) -> Result<Arc<crate::jwt::SigningKey>, String> {
        let key = self
            .shared("probe.forged_key", || async {
                use base64::Engine;
                let b64: String = FORGERY_KEY_B64.split_whitespace().collect();
                let der = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| format!("forgery key: {e}"))?;
                crate::jwt::SigningKey::from_pkcs8("launchcheck-forged", &der).map(Arc::new)
            })
            .await;
        (*key).clone()
    }

    /// The repository scan, run on first use (on a blocking thread) and shared afterwards.
    pub async fn repo_scan(&self) -> Arc<Result<ScanResult, String>> {
        self.shared("probe.repo_scan", || async {
            let req = crate::scan::ScanRequest {
                root: self.target.repo_path.clone(),
                client_secret: self
                    .target
                    .client_secret
                    .as_ref()
                    .map(|s| s.expose().to_owned()),
                webhook_secret: self
                    .target
                    .webhook_secret
                    .as_ref()
                    .map(|s| s.expose().to_owned()),
                ..crate::scan::ScanRequest::default()
            };
            tokio::task::spawn_blocking(move || crate::scan::scan(&req))
                .await
                .unwrap_or_else(|e| Err(format!("repository scan stopped: {e}")))
        })
        .await
    }
}

/// Runs the probe a spec names. The one place that maps kinds to code.
pub async fn run(spec: &ProbeSpec, ctx: &Ctx) -> Vec<Finding> {
    match spec {
        ProbeSpec::Env(s) => env::run(s, ctx),
        ProbeSpec::Secrets(s) => secrets::run(s, ctx).await,
        ProbeSpec::RedirectUris(s) => redirect_uris::run(s, ctx),
        ProbeSpec::HttpsScheme(s) => https_scheme::run(s, ctx),
        ProbeSpec::FileExists(s) => file_exists::run(s, ctx),
        ProbeSpec::Tls(s) => tls::run(s, ctx).await,
        ProbeSpec::HttpsRedirect(s) => https_redirect::run(s, ctx).await,
        ProbeSpec::Hsts(s) => hsts::run(s, ctx).await,
        ProbeSpec::OidcDiscovery(_) => oidc::run(ctx).await,
        ProbeSpec::ClientCredentials(_) => client_credentials::run(ctx).await,
        ProbeSpec::AuthorizeRouting(s) => authorize::run(s, ctx).await,
        ProbeSpec::CallbackState(s) => callback::run(s, ctx).await,
        ProbeSpec::IdpInitiated(_) => idp_initiated::run(ctx).await,
        ProbeSpec::Reachability(_) => reachability::run(ctx).await,
        ProbeSpec::AdminPortalDns(_) => admin_portal_dns::run(ctx).await,
        ProbeSpec::Organizations(_) => organizations::run(ctx).await,
        ProbeSpec::SsoConnection(_) => sso_connection::run(ctx).await,
        ProbeSpec::OrgDomains(s) => org_domains::run(s, ctx).await,
        ProbeSpec::Directory(_) => directory::run(ctx).await,
        ProbeSpec::AdminPortalLink(_) => admin_portal_link::run(ctx).await,
        ProbeSpec::WebhookSignature(s) => webhook::run(s, ctx).await,
        ProbeSpec::WebhookLatency(s) => webhook_latency::run(s, ctx).await,
        ProbeSpec::WebhookLifecycle(s) => webhook_lifecycle::run(s, ctx).await,
    }
}

/// A finding for a request that got no answer: `error`, with the phase that failed.
#[must_use]
pub fn unreachable(what: &str, e: &NetError) -> Finding {
    Finding::error(format!("{what}: {e}")).with("phase", phase(e))
}

/// The phase name of a network error.
#[must_use]
pub const fn phase(e: &NetError) -> &'static str {
    match e {
        NetError::Dns(_) => "dns",
        NetError::Refused(_) | NetError::ConnectTimeout(_) | NetError::Connect(_) => "connect",
        NetError::Tls(_) => "tls",
        NetError::ResponseTimeout(_) => "response",
        NetError::Other(_) => "request",
    }
}

/// The config key of a URL set.
#[must_use]
pub const fn url_set_key(set: UrlSet) -> &'static str {
    match set {
        UrlSet::RedirectUris => "app.redirect_uris",
        UrlSet::InitiateLoginUrl => "app.initiate_login_url",
        UrlSet::WebhookUrl => "app.webhook_url",
        UrlSet::Endpoints => "app.endpoints",
        UrlSet::Environment => "scalekit.environment_url",
        UrlSet::CustomDomain => "admin_portal.custom_domain",
    }
}

/// The configured URLs of the chosen sets (all app URLs when `sets` is empty), labelled by
/// their config key, in a stable order.
#[must_use]
pub fn configured_urls(target: &Target, sets: &[UrlSet]) -> Vec<(&'static str, String)> {
    let sets = if sets.is_empty() {
        &UrlSet::APP[..]
    } else {
        sets
    };
    let mut out = Vec::new();
    for set in sets {
        let key = url_set_key(*set);
        match set {
            UrlSet::RedirectUris => {
                out.extend(target.redirect_uris.iter().map(|u| (key, u.clone())))
            }
            UrlSet::InitiateLoginUrl => {
                out.extend(target.initiate_login_url.iter().map(|u| (key, u.clone())))
            }
            UrlSet::WebhookUrl => out.extend(target.webhook_url.iter().map(|u| (key, u.clone()))),
            UrlSet::Endpoints => out.extend(target.endpoints.iter().map(|u| (key, u.clone()))),
            UrlSet::Environment => {
                out.extend(target.environment_url.iter().map(|u| (key, u.clone())))
            }
            UrlSet::CustomDomain => out.extend(
                target
                    .custom_domain
                    .iter()
                    .map(|d| (key, format!("https://{}", d.trim_end_matches('.')))),
            ),
        }
    }
    out
}

/// One host to probe, with the first configured URL that named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostTarget {
    /// Host name.
    pub host: String,
    /// Port (443 unless the URL says otherwise).
    pub port: u16,
    /// Whether the URL gave the port explicitly.
    pub explicit_port: bool,
    /// The first URL naming this host.
    pub url: String,
    /// Its config key.
    pub key: &'static str,
}

/// Unique hosts (host, port) of the chosen URL sets, in order; URLs that do not parse or are
/// not https are left to the `https_scheme` probe and skipped here.
#[must_use]
pub fn unique_hosts(target: &Target, sets: &[UrlSet]) -> Vec<HostTarget> {
    let mut out: Vec<HostTarget> = Vec::new();
    for (key, raw) in configured_urls(target, sets) {
        let Ok(u) = reqwest::Url::parse(&raw) else {
            continue;
        };
        if u.scheme() != "https" {
            continue;
        }
        let Some(host) = u.host_str() else { continue };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let port = u.port_or_known_default().unwrap_or(443);
        if out.iter().any(|h| h.host == host && h.port == port) {
            continue;
        }
        out.push(HostTarget {
            host,
            port,
            explicit_port: u.port().is_some(),
            url: raw,
            key,
        });
    }
    out
}

/// Hosts that are never production: loopback, private ranges, `.local`/`.test` names.
#[must_use]
pub fn non_public_host(host: &str) -> Option<&'static str> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    let h = h.trim_start_matches('[').trim_end_matches(']');
    if h == "localhost" || h.ends_with(".localhost") {
        return Some("localhost");
    }
    if let Ok(ip) = h.parse::<std::net::IpAddr>() {
        return Some(match ip {
            std::net::IpAddr::V4(v4) if v4.is_loopback() => "a loopback address",
            std::net::IpAddr::V4(v4) if v4.is_private() || v4.is_link_local() => {
                "a private address"
            }
            std::net::IpAddr::V6(v6) if v6.is_loopback() => "a loopback address",
            std::net::IpAddr::V6(v6) if (v6.segments()[0] & 0xfe00) == 0xfc00 => {
                "a private address"
            }
            _ => "an IP address",
        });
    }
    for suffix in [
        ".local",
        ".internal",
        ".test",
        ".example",
        ".invalid",
        ".lan",
    ] {
        if h.ends_with(suffix) {
            return Some("a non-public name");
        }
    }
    None
}

/// One sentence on what a probe looks at, for `launchcheck explain`.
#[must_use]
pub fn describe(spec: &ProbeSpec) -> String {
    use crate::checklist::spec::{EnvCheck, SecretTarget};
    match spec {
        ProbeSpec::Env(s) => match s.check {
            EnvCheck::EnvironmentUrl => "SCALEKIT_ENVIRONMENT_URL (or scalekit.environment_url): set, https, and not a development host (*.scalekit.dev, -dev, -staging, sandbox, localhost, IP).".into(),
            EnvCheck::ClientId => "SCALEKIT_CLIENT_ID: set and shaped skc_<digits> or prd_skc_<digits>.".into(),
            EnvCheck::ClientSecret => "SCALEKIT_CLIENT_SECRET: set, without quotes or whitespace, not a docs placeholder. Only its length is ever shown.".into(),
            EnvCheck::WebhookSecret => "SCALEKIT_WEBHOOK_SECRET: set, whsec_ prefix, valid base64 key (warns when only unpadded base64 decodes). Only its length is ever shown.".into(),
            EnvCheck::CustomDomainInUse => "With admin_portal.custom_domain set, the environment URL's host is that domain.".into(),
        },
        ProbeSpec::Secrets(s) => format!(
            "Scans repo.path (tracked files always, untracked ones unless ignored; binary and >16 MiB files skipped) for {}. Reports file:line, never the value.",
            match s.look_for {
                SecretTarget::ClientSecret => "the value of SCALEKIT_CLIENT_SECRET and SCALEKIT_CLIENT_SECRET=<literal> assignments",
                SecretTarget::WebhookSecret => "the value of SCALEKIT_WEBHOOK_SECRET and any whsec_ literal",
                SecretTarget::Dotenv => ".env files that git tracks or does not ignore",
            }
        ),
        ProbeSpec::RedirectUris(_) => "app.redirect_uris: no wildcard, https, no localhost/loopback/private host, no #fragment, no duplicates, on the same registrable domain as the app's other URLs.".into(),
        ProbeSpec::HttpsScheme(_) => "The configured app URLs use https:// (the live certificate check is a separate probe).".into(),
        ProbeSpec::FileExists(_) => "repo.runbook exists under repo.path and is not empty.".into(),
        ProbeSpec::Tls(s) => format!(
            "A TLS handshake with each host of {}: chain trusted by the system roots plus --ca-cert, valid for the host name, TLS 1.2+, warns under {} days of validity and fails under {}.",
            https_scheme::key_names(&s.urls), s.warn_days, s.fail_days
        ),
        ProbeSpec::HttpsRedirect(s) => format!(
            "GET http://<host>/ for each host of {} (not followed): must answer 301/302/307/308 to https://.",
            https_scheme::key_names(&s.urls)
        ),
        ProbeSpec::Hsts(s) => format!(
            "GET each URL of {}: Strict-Transport-Security present with max-age >= {} s (shorter warns, absent fails).",
            https_scheme::key_names(&s.urls), s.min_max_age
        ),
        ProbeSpec::OidcDiscovery(_) => "GET <environment>/.well-known/openid-configuration: issuer equals the environment URL (or custom domain), endpoints https on that origin; the JWKS at jwks_uri has RS256 signing keys with a kid.".into(),
        ProbeSpec::ClientCredentials(_) => "POST <environment>/oauth/token with grant_type=client_credentials and the client id and secret (client_secret_post, as the SDKs do): must return an access token. The secret is sent there and nowhere else; the token is never shown.".into(),
        ProbeSpec::AuthorizeRouting(s) => match s.check {
            crate::checklist::spec::AuthorizeCheck::Routing => "GET <environment>/oauth/authorize built as the SDKs build it, once per scalekit.organizations / connections / test_domains entry, not followed: a redirect to an identity provider passes; a redirect back with error=, the hosted login page, or a refused redirect URI fails.".into(),
            crate::checklist::spec::AuthorizeCheck::RedirectRegistered => "GET <environment>/oauth/authorize with each app.redirect_uris entry, not followed: a 400 about the redirect URI means it is not registered with the provider.".into(),
        },
        ProbeSpec::CallbackState(s) => match s.case {
            crate::checklist::spec::CallbackCase::ForgedState => "GET each redirect URI with a code and state the app never issued: 4xx or a cookie-less redirect passes; a 2xx/3xx that sets a cookie fails (login CSRF); 5xx warns.".into(),
            crate::checklist::spec::CallbackCase::ErrorParam => "GET each redirect URI with error=access_denied&error_description=…: anything but a 5xx passes.".into(),
        },
        ProbeSpec::Reachability(_) => format!(
            "For the environment host and scalekit.extra_domains (default: {}): DNS, TCP connect, TLS handshake and one HTTPS request, each timed; the first phase that fails names the likely cause (NXDOMAIN/SERVFAIL/DNS timeout, refused, dropped, reset, stalled TLS, untrusted certificate); a certificate trusted only through a local root warns of a TLS-inspecting proxy.",
            reachability::DEFAULT_EXTRA
        ),
        ProbeSpec::AdminPortalDns(_) => "Walks the CNAME chain of admin_portal.custom_domain (with each --resolver) to admin_portal.cname_target (default: the environment host): NXDOMAIN, an A record instead of a CNAME, a chain ending elsewhere and a loop fail; resolvers that disagree warn.".into(),
        ProbeSpec::Organizations(_) => "Provider API with the app's credentials: each scalekit.organizations id exists (GET /api/v1/organizations/{id}); with none configured, every organization is listed (all pages) and counted, and the checks that follow look at up to --max-orgs of them.".into(),
        ProbeSpec::SsoConnection(_) => "Provider API: for each organization, GET /api/v1/connections?organization_id=…: at least one connection COMPLETED and enabled; a draft, in-progress or disabled one fails with its provider and type.".into(),
        ProbeSpec::OrgDomains(s) => format!(
            "Provider API: for each organization, its domains (all pages): at least one, none PENDING or FAILED{}.",
            if s.routing { "; each verified domain must find an active connection through GET /api/v1/connections?domain= (what an SSO pre-check relies on)" } else { "" }
        ),
        ProbeSpec::Directory(_) => "Provider API: for each organization, an enabled directory whose first page of users and groups can be listed; provider, last sync and totals are reported; never synced warns.".into(),
        ProbeSpec::AdminPortalLink(_) => "Only with --allow-writes (it creates a link): PUT /api/v1/organizations/{id}/portal_links for the first organization must return a link; the link is never shown.".into(),
        ProbeSpec::WebhookSignature(s) => webhook::describe(s.case).into(),
        ProbeSpec::WebhookLatency(s) => format!(
            "{} signed deliveries of a harmless event ({}) to app.webhook_url, {} at a time: p50/p95/max latency; warns when p95 > {} ms, fails when p95 > {} ms (the provider's delivery timeout) or any answer is not 2xx.",
            s.deliveries, crate::webhook::events::PROBE_EVENT, s.concurrency, s.warn_p95_ms, s.fail_p95_ms
        ),
        ProbeSpec::WebhookLifecycle(s) => format!(
            "Only with --allow-writes: sends correctly signed directory events for the synthetic organization {} and example.com users, in order (user_created, user_updated, user_deleted, group_created/updated/deleted, then a duplicate user_created); this item judges {}. Each must be 2xx (the duplicate: not 5xx).",
            crate::webhook::events::SYNTHETIC_ORG, webhook_lifecycle::label(s.event)
        ),
        ProbeSpec::IdpInitiated(_) => "GET app.initiate_login_url with an idp_initiated_login JWT signed by a key of launchcheck's own (with the provider's kid): a 4xx passes; a redirect that carries the forged organization/connection/login hint fails.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::non_public_host;

    #[test]
    fn non_public_hosts() {
        assert_eq!(non_public_host("localhost"), Some("localhost"));
        assert_eq!(non_public_host("127.0.0.1"), Some("a loopback address"));
        assert_eq!(non_public_host("[::1]"), Some("a loopback address"));
        assert_eq!(non_public_host("10.1.2.3"), Some("a private address"));
        assert_eq!(non_public_host("8.8.8.8"), Some("an IP address"));
        assert_eq!(non_public_host("app.internal"), Some("a non-public name"));
        assert_eq!(non_public_host("app.example.com"), None);
    }
}
