//! Probe specifications: which probe decides an item, with its parameters.
//!
//! One variant per probe kind, each with a parameter struct that rejects unknown fields. The
//! runner dispatches on this enum with an exhaustive `match`, so adding a kind is one variant,
//! one file in `probe/`, and one match arm the compiler asks for.

use serde::{Deserialize, Serialize};

/// Which probe decides an item, and with what parameters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeSpec {
    /// A `SCALEKIT_*` variable is present and well formed.
    Env(EnvSpec),
    /// No secret is committed to the repository.
    Secrets(SecretsSpec),
    /// Static rules on the configured redirect URIs.
    RedirectUris(RedirectUrisSpec),
    /// Configured app URLs use `https://`.
    HttpsScheme(HttpsSchemeSpec),
    /// A configured file exists and is not empty.
    FileExists(FileExistsSpec),
}

impl ProbeSpec {
    /// The kind's name, as written in checklists.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Env(_) => "env",
            Self::Secrets(_) => "secrets",
            Self::RedirectUris(_) => "redirect_uris",
            Self::HttpsScheme(_) => "https_scheme",
            Self::FileExists(_) => "file_exists",
        }
    }

    /// True when the probe talks to the network (and is skipped with `--offline`).
    #[must_use]
    pub const fn is_network(&self) -> bool {
        match self {
            Self::Env(_)
            | Self::Secrets(_)
            | Self::RedirectUris(_)
            | Self::HttpsScheme(_)
            | Self::FileExists(_) => false,
        }
    }
}

/// Parameters of the `env` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSpec {
    /// Which variable (or rule) to check.
    pub check: EnvCheck,
}

/// What the `env` probe looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvCheck {
    /// `SCALEKIT_ENVIRONMENT_URL`: https, a production host.
    EnvironmentUrl,
    /// `SCALEKIT_CLIENT_ID`: `skc_…` / `prd_skc_…`.
    ClientId,
    /// `SCALEKIT_CLIENT_SECRET`: present.
    ClientSecret,
    /// `SCALEKIT_WEBHOOK_SECRET`: `whsec_` + base64.
    WebhookSecret,
    /// With an admin-portal custom domain configured, the environment URL uses it.
    CustomDomainInUse,
}

/// Parameters of the `secrets` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsSpec {
    /// What to look for in the repository.
    pub look_for: SecretTarget,
}

/// What the `secrets` probe reports on (one repository scan serves all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretTarget {
    /// The client secret's value, or a `SCALEKIT_CLIENT_SECRET=…` assignment.
    ClientSecret,
    /// The webhook secret's value, or any `whsec_…` literal.
    WebhookSecret,
    /// A `.env` file tracked by git, or not ignored.
    Dotenv,
}

/// Parameters of the `redirect_uris` probe (none yet).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectUrisSpec {}

/// Parameters of the `https_scheme` probe.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HttpsSchemeSpec {
    /// Which configured URLs to look at; all of them when empty.
    #[serde(default)]
    pub urls: Vec<AppUrlSet>,
}

/// A group of URLs from the `app:` section of the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppUrlSet {
    /// `app.redirect_uris`.
    RedirectUris,
    /// `app.initiate_login_url`.
    InitiateLoginUrl,
    /// `app.webhook_url`.
    WebhookUrl,
    /// `app.endpoints`.
    Endpoints,
}

/// Parameters of the `file_exists` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileExistsSpec {
    /// Which configured file.
    pub file: RepoFile,
}

/// A file named in the `repo:` section of the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepoFile {
    /// `repo.runbook`.
    Runbook,
}

/// Probe kinds that are designed but not built yet. An item naming one stays manual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlannedProbe {
    /// Live TLS: chain, hostname, expiry, protocol version.
    Tls,
    /// Plain HTTP redirects to HTTPS.
    HttpsRedirect,
    /// `Strict-Transport-Security` present and long enough.
    Hsts,
    /// OIDC discovery document and JWKS.
    OidcDiscovery,
    /// `client_credentials` exchange at the token endpoint.
    ClientCredentials,
    /// Authorization URL routing per organization, connection or domain.
    AuthorizeRouting,
    /// Callback rejects forged state/code and survives `error=`.
    CallbackState,
    /// Initiate-login rejects forged `idp_initiated_login` tokens.
    IdpInitiated,
    /// Admin-portal custom domain CNAME.
    AdminPortalDns,
    /// Provider domains reachable over DNS, TCP and TLS.
    Reachability,
    /// Webhook endpoint verifies signatures.
    WebhookSignature,
    /// Webhook endpoint acknowledges quickly.
    WebhookLatency,
    /// Directory lifecycle events are handled (needs `--allow-writes`).
    WebhookLifecycle,
    /// Organizations exist (provider API).
    Organizations,
    /// Each organization has an active SSO connection (provider API).
    SsoConnection,
    /// Organization domains are registered and verified (provider API).
    OrgDomains,
    /// Each organization has an enabled directory (provider API).
    Directory,
    /// An admin-portal link can be generated (provider API, needs `--allow-writes`).
    AdminPortalLink,
}

impl PlannedProbe {
    /// The kind's name, as written in checklists.
    #[must_use]
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}
