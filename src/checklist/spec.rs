//! Probe specifications: which probe decides an item, with its parameters.
//!
//! One variant per probe kind, each with a parameter struct that rejects unknown fields. The
//! runner dispatches on this enum with an exhaustive `match`, so adding a kind is one variant,
//! one file in `probe/`, and one match arm the compiler asks for.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which probe decides an item, and with what parameters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
    /// Live TLS: chain, host name, expiry, protocol version.
    Tls(TlsSpec),
    /// Plain HTTP answers with a redirect to HTTPS.
    HttpsRedirect(UrlsSpec),
    /// `Strict-Transport-Security` is sent with a long max-age.
    Hsts(HstsSpec),
    /// The discovery document and JWKS are reachable and consistent.
    OidcDiscovery(EmptySpec),
    /// The client credentials authenticate at the token endpoint.
    ClientCredentials(EmptySpec),
    /// The authorize endpoint routes to an IdP / accepts the redirect URIs.
    AuthorizeRouting(AuthorizeSpec),
    /// The callback rejects forged state and survives `error=`.
    CallbackState(CallbackSpec),
    /// The initiate-login endpoint refuses a forged `idp_initiated_login` token.
    IdpInitiated(EmptySpec),
    /// Provider domains resolve and answer over TLS from this network.
    Reachability(EmptySpec),
    /// The admin-portal custom domain's CNAME reaches the environment.
    AdminPortalDns(EmptySpec),
    /// Organizations exist (provider API).
    Organizations(EmptySpec),
    /// Each organization has an active SSO connection (provider API).
    SsoConnection(EmptySpec),
    /// Organization domains are registered and verified (provider API).
    OrgDomains(OrgDomainsSpec),
    /// Each organization has an enabled directory (provider API).
    Directory(EmptySpec),
    /// An admin-portal link can be generated (provider API; needs `--allow-writes`).
    AdminPortalLink(EmptySpec),
    /// The webhook endpoint verifies signatures (one delivery case per item).
    WebhookSignature(WebhookSpec),
    /// The webhook endpoint acknowledges quickly.
    WebhookLatency(LatencySpec),
    /// Directory lifecycle events are accepted (needs `--allow-writes`).
    WebhookLifecycle(LifecycleSpec),
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
            Self::Tls(_) => "tls",
            Self::HttpsRedirect(_) => "https_redirect",
            Self::Hsts(_) => "hsts",
            Self::OidcDiscovery(_) => "oidc_discovery",
            Self::ClientCredentials(_) => "client_credentials",
            Self::AuthorizeRouting(_) => "authorize_routing",
            Self::CallbackState(_) => "callback_state",
            Self::IdpInitiated(_) => "idp_initiated",
            Self::Reachability(_) => "reachability",
            Self::AdminPortalDns(_) => "admin_portal_dns",
            Self::Organizations(_) => "organizations",
            Self::SsoConnection(_) => "sso_connection",
            Self::OrgDomains(_) => "org_domains",
            Self::Directory(_) => "directory",
            Self::AdminPortalLink(_) => "admin_portal_link",
            Self::WebhookSignature(_) => "webhook_signature",
            Self::WebhookLatency(_) => "webhook_latency",
            Self::WebhookLifecycle(_) => "webhook_lifecycle",
        }
    }

    /// True when the probe may change the app's data (and runs only with `--allow-writes`).
    #[must_use]
    pub const fn writes(&self) -> bool {
        matches!(self, Self::WebhookLifecycle(_) | Self::AdminPortalLink(_))
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
            Self::Tls(_)
            | Self::HttpsRedirect(_)
            | Self::Hsts(_)
            | Self::OidcDiscovery(_)
            | Self::ClientCredentials(_)
            | Self::AuthorizeRouting(_)
            | Self::CallbackState(_)
            | Self::IdpInitiated(_)
            | Self::Reachability(_)
            | Self::AdminPortalDns(_)
            | Self::Organizations(_)
            | Self::SsoConnection(_)
            | Self::OrgDomains(_)
            | Self::Directory(_)
            | Self::AdminPortalLink(_)
            | Self::WebhookSignature(_)
            | Self::WebhookLatency(_)
            | Self::WebhookLifecycle(_) => true,
        }
    }
}

/// Parameters of the `env` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvSpec {
    /// Which variable (or rule) to check.
    pub check: EnvCheck,
}

/// What the `env` probe looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretsSpec {
    /// What to look for in the repository.
    pub look_for: SecretTarget,
}

/// What the `secrets` probe reports on (one repository scan serves all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RedirectUrisSpec {}

/// Parameters of the `https_scheme` probe.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpsSchemeSpec {
    /// Which configured URLs to look at; all app URLs when empty.
    #[serde(default)]
    pub urls: Vec<UrlSet>,
}

/// A group of configured URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UrlSet {
    /// `app.redirect_uris`.
    RedirectUris,
    /// `app.initiate_login_url`.
    InitiateLoginUrl,
    /// `app.webhook_url`.
    WebhookUrl,
    /// `app.endpoints`.
    Endpoints,
    /// The provider environment URL.
    Environment,
    /// `https://<admin_portal.custom_domain>`.
    CustomDomain,
}

impl UrlSet {
    /// The four sets of app URLs (the default).
    pub const APP: [Self; 4] = [
        Self::RedirectUris,
        Self::InitiateLoginUrl,
        Self::WebhookUrl,
        Self::Endpoints,
    ];
}

/// Parameters of probes that look at a set of URLs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UrlsSpec {
    /// Which configured URLs; all app URLs when empty.
    #[serde(default)]
    pub urls: Vec<UrlSet>,
}

/// Parameters of the `tls` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsSpec {
    /// Which configured URLs' hosts; all app URLs when empty.
    #[serde(default)]
    pub urls: Vec<UrlSet>,
    /// Warn when the certificate expires within this many days.
    #[serde(default = "default_warn_days")]
    pub warn_days: i64,
    /// Fail when it expires within this many days.
    #[serde(default = "default_fail_days")]
    pub fail_days: i64,
}

const fn default_warn_days() -> i64 {
    30
}
const fn default_fail_days() -> i64 {
    7
}

/// Parameters of the `hsts` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HstsSpec {
    /// Which configured URLs' hosts; all app URLs when empty.
    #[serde(default)]
    pub urls: Vec<UrlSet>,
    /// Shortest acceptable max-age, seconds.
    #[serde(default = "default_max_age")]
    pub min_max_age: u64,
}

const fn default_max_age() -> u64 {
    31_536_000
}

/// No parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptySpec {}

/// Parameters of the `authorize_routing` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeSpec {
    /// What to check.
    pub check: AuthorizeCheck,
}

/// What the `authorize_routing` probe checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizeCheck {
    /// Each configured organization, connection and test domain reaches an IdP.
    Routing,
    /// Each redirect URI is accepted by the provider.
    RedirectRegistered,
}

/// Parameters of the `callback_state` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackSpec {
    /// Which request to send.
    pub case: CallbackCase,
}

/// Which forged callback request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallbackCase {
    /// `?code=…&state=…` with values the app never issued.
    ForgedState,
    /// `?error=access_denied&error_description=…`.
    ErrorParam,
}

/// Parameters of the `file_exists` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileExistsSpec {
    /// Which configured file.
    pub file: RepoFile,
}

/// A file named in the `repo:` section of the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RepoFile {
    /// `repo.runbook`.
    Runbook,
}

/// Parameters of the `org_domains` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgDomainsSpec {
    /// Also check that each verified domain finds an active connection (SSO routing).
    #[serde(default = "yes")]
    pub routing: bool,
}

const fn yes() -> bool {
    true
}

/// Parameters of the `webhook_signature` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookSpec {
    /// Which delivery to send.
    pub case: WebhookCase,
}

/// One delivery case of the `webhook_signature` probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookCase {
    /// Correctly signed harmless event: must be 2xx.
    Valid,
    /// The same body with one byte changed: must be 4xx.
    Tampered,
    /// Signed with another secret: must be 4xx.
    WrongSecret,
    /// No signature headers: must be 4xx.
    Unsigned,
    /// Correctly signed, timestamp 10 minutes old (a replay): must be 4xx.
    Stale,
    /// Correctly signed invalid JSON, and a user event missing `data.id`/`data.email`: never 5xx.
    Malformed,
    /// The valid delivery again, same `webhook-id` (a provider retry): must be 2xx.
    Redelivery,
}

/// Parameters of the `webhook_latency` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LatencySpec {
    /// How many deliveries.
    #[serde(default = "default_deliveries")]
    pub deliveries: usize,
    /// How many at a time.
    #[serde(default = "default_latency_concurrency")]
    pub concurrency: usize,
    /// Warn above this p95.
    #[serde(default = "default_warn_p95")]
    pub warn_p95_ms: u64,
    /// Fail above this p95.
    #[serde(default = "default_fail_p95")]
    pub fail_p95_ms: u64,
}

const fn default_deliveries() -> usize {
    20
}
const fn default_latency_concurrency() -> usize {
    4
}
const fn default_warn_p95() -> u64 {
    1_000
}
const fn default_fail_p95() -> u64 {
    10_000
}

/// Parameters of the `webhook_lifecycle` probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifecycleSpec {
    /// Which step this item judges.
    pub event: LifecycleEvent,
}

/// A step of the lifecycle session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleEvent {
    /// `user_created`.
    UserCreated,
    /// `user_updated`.
    UserUpdated,
    /// `user_deleted`.
    UserDeleted,
    /// `group_created`, `group_updated`, `group_deleted`.
    Groups,
    /// `user_created` again for the same user, new `webhook-id`.
    DuplicateUser,
}

/// Every probe kind launchcheck has, by name.
pub const KINDS: [&str; 23] = [
    "env",
    "secrets",
    "redirect_uris",
    "https_scheme",
    "file_exists",
    "tls",
    "https_redirect",
    "hsts",
    "oidc_discovery",
    "client_credentials",
    "authorize_routing",
    "callback_state",
    "idp_initiated",
    "reachability",
    "admin_portal_dns",
    "organizations",
    "sso_connection",
    "org_domains",
    "directory",
    "admin_portal_link",
    "webhook_signature",
    "webhook_latency",
    "webhook_lifecycle",
];

/// Whether `name` is a probe kind launchcheck has.
#[must_use]
pub fn is_kind(name: &str) -> bool {
    KINDS.contains(&name)
}
