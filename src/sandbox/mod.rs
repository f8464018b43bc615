//! The local sandbox: a provider environment and a sample app on loopback, with a throwaway CA.
//!
//! `launchcheck demo` and the tests start it. Every host name it uses resolves to 127.0.0.1
//! through launchcheck's own resolver in "hosts only" mode, so a sandbox run cannot reach
//! anything outside loopback even though its names look like production names (which they
//! must, for the production-readiness checks to have something realistic to judge).
//!
//! The core never imports this module; it imports the core (config, net, jwt, webhook).

pub mod app;
pub mod dns;
pub mod pki;
pub mod provider;
pub mod server;

pub use app::AppFaults;
pub use server::{Logged, RequestLog};

use crate::config::{Env, Target};
use crate::net::NetOptions;
use crate::secret::Secret;
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Host name of the sandbox provider environment.
pub const PROVIDER_HOST: &str = "launchcheck-demo.scalekit.com";
/// Host name of the sandbox app.
pub const APP_HOST: &str = "app.launchcheck-demo.com";
/// The admin-portal custom domain, a CNAME to the provider host.
pub const CUSTOM_DOMAIN: &str = "sso.launchcheck-demo.com";
/// A static-asset host (served by the provider listener).
pub const CDN_HOST: &str = "cdn.launchcheck-demo.com";
/// Names with deliberately broken DNS, for the DNS probes' tests.
pub mod broken_dns {
    /// CNAME to a host that is not the provider.
    pub const WRONG_CNAME: &str = "wrong-cname.launchcheck-demo.com";
    /// An A record where a CNAME belongs.
    pub const A_RECORD: &str = "a-record.launchcheck-demo.com";
    /// Part of a CNAME loop.
    pub const LOOP: &str = "loop-a.launchcheck-demo.com";
    /// No record at all.
    pub const MISSING: &str = "missing.launchcheck-demo.com";
    /// The server answers SERVFAIL.
    pub const SERVFAIL: &str = "servfail.launchcheck-demo.com";
    /// The server never answers.
    pub const SILENT: &str = "silent.launchcheck-demo.com";
}

/// How to set the sandbox up.
#[derive(Debug, Clone, Default)]
pub struct SandboxOptions {
    /// Faults of the sample app.
    pub faults: AppFaults,
    /// Delay before the app answers each request.
    pub app_latency: Duration,
    /// Number of extra app endpoints to list in the target (`/ep/0` …).
    pub extra_endpoints: usize,
    /// Leave the app's callback out of the provider's registered redirect URIs.
    pub unregistered_callback: bool,
    /// Organizations to put in the target (ids of `provider::default_orgs`).
    pub organizations: Vec<String>,
    /// Extra delay of the webhook receiver (a slow receiver).
    pub webhook_delay: Duration,
    /// Put the admin-portal custom domain in the target.
    pub custom_domain: bool,
    /// Healthy organizations added to the provider after the default ones.
    pub api_extra_orgs: usize,
    /// Delay of every API answer.
    pub api_latency: Duration,
    /// The first N API requests get 429 with `Retry-After: 1`.
    pub api_rate_limit_first: usize,
    /// Every API request gets 500.
    pub api_fail_500: bool,
}

/// A running sandbox. Dropping it stops its servers.
#[derive(Debug)]
pub struct Sandbox {
    /// `https://launchcheck-demo.scalekit.com:PORT`.
    pub provider_url: String,
    /// `https://app.launchcheck-demo.com:PORT`.
    pub app_url: String,
    /// The throwaway CA, PEM.
    pub ca_pem: String,
    /// The environment's client id.
    pub client_id: String,
    /// The environment's client secret.
    pub client_secret: Secret,
    /// The webhook signing secret.
    pub webhook_secret: Secret,
    /// Every request the sandbox served.
    pub log: RequestLog,
    /// Options it was started with.
    pub options: SandboxOptions,
    app: Arc<app::App>,
    /// The provider's API counters (requests, peak in flight).
    pub api: Arc<provider::ApiControl>,
    /// The sandbox's DNS server (UDP, loopback).
    pub dns_addr: std::net::SocketAddr,
    _dns: dns::DnsServer,
    _provider: server::Server,
    _app: server::Server,
}

fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    let _ = aws_lc_rs::rand::fill(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

impl Sandbox {
    /// Starts the provider and the app.
    ///
    /// # Errors
    /// Certificate generation or binding a loopback port failed.
    pub async fn start(options: SandboxOptions) -> Result<Self, String> {
        let ca = pki::Ca::new()?;
        let log = RequestLog::default();
        let client_id = "skc_61000000000000042".to_owned();
        let client_secret = Secret::new(format!("sandbox_secret_{}", random_hex(16)));
        let webhook_secret = Secret::new(format!(
            "whsec_{}",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, random_hex(24))
        ));
        let key = Arc::new(crate::jwt::SigningKey::generate("snk_61000000000000001")?);

        // Bind both first: each needs the other's URL.
        let provider_tls =
            ca.server_config(&[PROVIDER_HOST, CUSTOM_DOMAIN, CDN_HOST], pki::Leaf::Valid)?;
        let leaf = match (options.faults.expired_cert, options.faults.wrong_host_cert) {
            (true, _) => pki::Leaf::Expired,
            (_, true) => pki::Leaf::WrongHost,
            _ => pki::Leaf::Valid,
        };
        let app_tls = ca.server_config(&[APP_HOST], leaf)?;
        let provider_slot: Arc<std::sync::OnceLock<Arc<provider::Provider>>> = Arc::default();
        let app_slot: Arc<std::sync::OnceLock<Arc<app::App>>> = Arc::default();
        let late = |slot: Arc<std::sync::OnceLock<Arc<provider::Provider>>>| -> server::Handler {
            Arc::new(move |req| {
                let slot = slot.clone();
                Box::pin(async move {
                    match slot.get() {
                        Some(p) => (p.clone().handler())(req).await,
                        None => server::Outgoing::html(503, "starting"),
                    }
                })
            })
        };
        let late_app = |slot: Arc<std::sync::OnceLock<Arc<app::App>>>| -> server::Handler {
            Arc::new(move |req| {
                let slot = slot.clone();
                Box::pin(async move {
                    match slot.get() {
                        Some(a) => (a.clone().handler())(req).await,
                        None => server::Outgoing::html(503, "starting"),
                    }
                })
            })
        };
        let provider_srv = server::start(
            "provider",
            Some(provider_tls),
            late(provider_slot.clone()),
            log.clone(),
            Duration::ZERO,
        )
        .await?;
        let app_srv = server::start(
            "app",
            Some(app_tls),
            late_app(app_slot.clone()),
            log.clone(),
            options.app_latency,
        )
        .await?;
        let provider_url = format!("https://{PROVIDER_HOST}:{}", provider_srv.addr.port());
        let mut zone = dns::Zone::default();
        let lo = Ipv4Addr::LOCALHOST;
        zone.a(PROVIDER_HOST, lo)
            .a(APP_HOST, lo)
            .a(CDN_HOST, lo)
            .cname(CUSTOM_DOMAIN, PROVIDER_HOST)
            .cname(broken_dns::WRONG_CNAME, "elsewhere.example-cdn.net")
            .a(broken_dns::A_RECORD, lo)
            .cname(broken_dns::LOOP, "loop-b.launchcheck-demo.com")
            .cname("loop-b.launchcheck-demo.com", broken_dns::LOOP)
            .servfail(broken_dns::SERVFAIL)
            .silent(broken_dns::SILENT);
        let dns_srv = dns::start(zone).await?;
        let app_url = format!("https://{APP_HOST}:{}", app_srv.addr.port());
        let callback = format!("{app_url}/auth/callback");
        let p = Arc::new(provider::Provider {
            base: provider_url.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.expose().to_owned(),
            redirect_uris: if options.unregistered_callback {
                vec![format!("{app_url}/other/callback")]
            } else {
                vec![callback.clone()]
            },
            orgs: {
                let mut o = provider::default_orgs();
                o.extend(provider::extra_orgs(options.api_extra_orgs));
                o
            },
            key,
            api: Arc::new(provider::ApiControl {
                latency: options.api_latency,
                rate_limit_next: options.api_rate_limit_first.into(),
                fail_500: options.api_fail_500,
                ..provider::ApiControl::default()
            }),
        });
        let api = p.api.clone();
        let a = Arc::new(app::App {
            provider_base: provider_url.clone(),
            client_id: client_id.clone(),
            callback,
            jwks: p.jwks(),
            webhook_secret: webhook_secret.clone(),
            faults: options.faults,
            webhook_delay: options.webhook_delay,
            webhooks: std::sync::Mutex::default(),
        });
        let _ = provider_slot.set(p);
        let _ = app_slot.set(a.clone());
        Ok(Self {
            provider_url,
            app_url,
            ca_pem: ca.pem(),
            client_id,
            client_secret,
            webhook_secret,
            log,
            options,
            app: a,
            api,
            dns_addr: dns_srv.addr,
            _dns: dns_srv,
            _provider: provider_srv,
            _app: app_srv,
        })
    }

    /// Event types the webhook receiver saw, in order.
    #[must_use]
    pub fn webhook_event_types(&self) -> Vec<String> {
        self.app
            .webhooks
            .lock()
            .map(|l| l.event_types.clone())
            .unwrap_or_default()
    }

    /// Deliveries in which the signing secret itself appeared.
    #[must_use]
    pub fn webhook_secret_leaks(&self) -> usize {
        self.app
            .webhooks
            .lock()
            .map(|l| l.secret_leaks)
            .unwrap_or(0)
    }

    /// Directory users the receiver holds (created and not deleted).
    #[must_use]
    pub fn webhook_users(&self) -> Vec<String> {
        self.app
            .webhooks
            .lock()
            .map(|l| l.users.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Network settings that reach the sandbox and nothing else: every lookup goes to the
    /// sandbox's own DNS server (which never forwards), the CA is the only trusted root and the
    /// "public" one.
    #[must_use]
    pub fn net_options(&self, timeout: Duration) -> NetOptions {
        NetOptions {
            timeout,
            extra_roots_pem: vec![self.ca_pem.clone().into_bytes()],
            public_roots_pem: Some(self.ca_pem.clone().into_bytes()),
            system_roots: false,
            hosts: HashMap::new(),
            hosts_only: false,
            resolvers: vec![self.dns_addr],
            proxy: crate::net::ProxySetting::None,
            ..NetOptions::default()
        }
    }

    /// The provider listener's port (the custom domain and CDN host are served there too).
    #[must_use]
    pub fn provider_port(&self) -> u16 {
        self._provider.addr.port()
    }

    /// A target describing the sample app, as a user's launchcheck.yaml and .env would.
    #[must_use]
    pub fn target(&self, repo_path: PathBuf) -> Target {
        let mut endpoints = vec![self.app_url.clone()];
        endpoints
            .extend((0..self.options.extra_endpoints).map(|i| format!("{}/ep/{i}", self.app_url)));
        Target {
            environment_url: Some(self.provider_url.clone()),
            client_id: Some(self.client_id.clone()),
            client_secret: Some(self.client_secret.clone()),
            webhook_secret: Some(self.webhook_secret.clone()),
            organizations: self.options.organizations.clone(),
            extra_domains: vec![format!("{CDN_HOST}:{}", self.provider_port())],
            custom_domain: self
                .options
                .custom_domain
                .then(|| format!("{CUSTOM_DOMAIN}:{}", self.provider_port())),
            redirect_uris: vec![format!("{}/auth/callback", self.app_url)],
            initiate_login_url: Some(format!("{}/login", self.app_url)),
            webhook_url: Some(format!("{}/api/webhooks/scalekit", self.app_url)),
            verify_url: Some(format!("{}/internal/users?email={{email}}", self.app_url)),
            endpoints,
            repo_path,
            attestations: BTreeMap::new(),
            waivers: BTreeMap::new(),
            config_path: Some("(sandbox)".into()),
            env: Env::default(),
            ..Target::default()
        }
    }
}
