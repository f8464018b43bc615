//! Probes: one file per kind, each an async function from a spec and the shared context to
//! findings. Probes never print and never decide the final status of an item (waivers,
//! attestations and `--offline` belong to the runner); they only report what they saw.
//!
//! [`Ctx`] is everything a probe may use: the target, the run settings, and per-run caches
//! (the repository scan runs once however many items read it).

pub mod env;
pub mod file_exists;
pub mod https_scheme;
pub mod redirect_uris;
pub mod secrets;

use crate::checklist::ProbeSpec;
use crate::config::Target;
use crate::report::Finding;
use crate::scan::ScanResult;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// Run-wide settings a probe may consult.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Per network operation.
    pub timeout: Duration,
    /// Network operations in flight at once.
    pub concurrency: usize,
    /// Probes that change the app's data may run.
    pub allow_writes: bool,
    /// The day waivers and certificate ages are measured against.
    pub today: time::Date,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            concurrency: 64,
            allow_writes: false,
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
    scan: OnceCell<Arc<Result<ScanResult, String>>>,
}

impl Ctx {
    /// A context for one run.
    #[must_use]
    pub fn new(target: Arc<Target>, settings: Settings) -> Self {
        Self {
            target,
            settings,
            scan: OnceCell::new(),
        }
    }

    /// The repository scan, run on first use (on a blocking thread) and shared afterwards.
    pub async fn repo_scan(&self) -> Arc<Result<ScanResult, String>> {
        self.scan
            .get_or_init(|| async {
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
                let result = tokio::task::spawn_blocking(move || crate::scan::scan(&req))
                    .await
                    .unwrap_or_else(|e| Err(format!("repository scan stopped: {e}")));
                Arc::new(result)
            })
            .await
            .clone()
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
    }
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
