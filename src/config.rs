//! Configuration: `launchcheck.yaml` + environment + `.env` → one [`Target`].
//!
//! Every key of the file is optional and `${VAR}` in a value expands from the environment, so
//! one file serves every deployment. The environment is the process environment laid over the
//! `.env` file (real variables win); the [`Env`] keeps track of where each value came from so a
//! finding can say "from .env". Secrets are read from the environment only and live behind
//! [`Secret`]. Attestations and waivers are part of the target: the runner applies them.

use crate::secret::Secret;
use crate::yaml::{self, YamlError};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Names of the variables launchcheck reads.
pub mod vars {
    /// Provider environment origin.
    pub const ENVIRONMENT_URL: &str = "SCALEKIT_ENVIRONMENT_URL";
    /// OAuth client id.
    pub const CLIENT_ID: &str = "SCALEKIT_CLIENT_ID";
    /// OAuth client secret (a secret).
    pub const CLIENT_SECRET: &str = "SCALEKIT_CLIENT_SECRET";
    /// Webhook signing secret (a secret).
    pub const WEBHOOK_SECRET: &str = "SCALEKIT_WEBHOOK_SECRET";
}

/// The file's shape. Every section optional, unknown keys rejected.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Provider settings.
    #[serde(default)]
    pub scalekit: ScalekitSection,
    /// The app under test.
    #[serde(default)]
    pub app: AppSection,
    /// Admin portal custom domain.
    #[serde(default)]
    pub admin_portal: AdminPortalSection,
    /// Repository checks.
    #[serde(default)]
    pub repo: RepoSection,
    /// Manual items a person confirmed: id → statement.
    #[serde(default)]
    pub attestations: BTreeMap<String, String>,
    /// Known failures accepted until a date: id → waiver.
    #[serde(default)]
    pub waivers: BTreeMap<String, WaiverEntry>,
}

/// `scalekit:` section.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScalekitSection {
    /// Defaults to `SCALEKIT_ENVIRONMENT_URL`.
    pub environment_url: Option<String>,
    /// Defaults to `SCALEKIT_CLIENT_ID`.
    pub client_id: Option<String>,
    /// Provider hosts customers must reach.
    #[serde(default)]
    pub extra_domains: Vec<String>,
    /// Enterprise organizations to check through the API.
    #[serde(default)]
    pub organizations: Vec<String>,
    /// SSO connections to route to (`conn_…`).
    #[serde(default)]
    pub connections: Vec<String>,
    /// Email domains whose SSO routing to check (`megacorp.com`).
    #[serde(default)]
    pub test_domains: Vec<String>,
}

/// `app:` section.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppSection {
    /// OAuth callback URLs.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// IdP-initiated login entry point.
    pub initiate_login_url: Option<String>,
    /// Directory webhook receiver.
    pub webhook_url: Option<String>,
    /// Other endpoints that must be HTTPS.
    #[serde(default)]
    pub endpoints: Vec<String>,
    /// (extension) A GET URL template showing a provisioned user, `{email}` replaced, used to
    /// check the effect of lifecycle events (`--allow-writes`): 200 after user_created; 404, or
    /// a body saying the user is inactive, after user_deleted.
    pub verify_url: Option<String>,
}

/// `admin_portal:` section.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminPortalSection {
    /// e.g. `sso.example.com`.
    pub custom_domain: Option<String>,
    /// Defaults to the environment host.
    pub cname_target: Option<String>,
}

/// `repo:` section.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepoSection {
    /// Where to look for committed secrets (relative to the config file).
    pub path: Option<String>,
    /// Incident runbook (relative to `path`).
    pub runbook: Option<String>,
}

/// One waiver as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverEntry {
    /// Why the failure is accepted.
    pub reason: String,
    /// Last day it applies, `YYYY-MM-DD`.
    pub expires: String,
}

/// A waiver with its date parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// Why the failure is accepted.
    pub reason: String,
    /// Last day it applies.
    pub expires: time::Date,
}

/// Where a variable's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarSource {
    /// The process environment.
    Process,
    /// The dotenv file.
    DotEnv,
}

/// The variables launchcheck can see: process environment over the dotenv file.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, (String, VarSource)>,
    /// The dotenv file that was loaded, if any.
    pub dotenv_path: Option<PathBuf>,
}

impl Env {
    /// An environment from explicit pairs (tests, the demo).
    #[must_use]
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), (v.into(), VarSource::Process)))
                .collect(),
            dotenv_path: None,
        }
    }

    /// The process environment over `dotenv` (when given and present).
    ///
    /// # Errors
    /// An explicitly named dotenv file that is missing, or a line it cannot parse.
    pub fn load(dotenv: Option<&Path>, explicit: bool) -> Result<Self, YamlError> {
        let mut env = Self::default();
        if let Some(path) = dotenv {
            let name = path.display().to_string();
            if path.exists() {
                let iter = dotenvy::from_path_iter(path)
                    .map_err(|e| YamlError::at(&name, 0, 0, format!("cannot read: {e}")))?;
                for item in iter {
                    let (k, v) = item.map_err(|e| dotenv_error(&name, &e))?;
                    env.vars.insert(k, (v, VarSource::DotEnv));
                }
                env.dotenv_path = Some(path.to_path_buf());
            } else if explicit {
                return Err(YamlError::at(&name, 0, 0, "env file not found")
                    .hint("check the path given to --env-file"));
            }
        }
        for (k, v) in std::env::vars_os() {
            if let (Ok(k), Ok(v)) = (k.into_string(), v.into_string()) {
                env.vars.insert(k, (v, VarSource::Process));
            }
        }
        Ok(env)
    }

    /// A non-empty variable's value.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|(v, _)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Where a variable came from.
    #[must_use]
    pub fn source(&self, name: &str) -> Option<VarSource> {
        self.vars.get(name).map(|(_, s)| *s)
    }

    /// Expands `${NAME}` from this environment; an unset variable expands to nothing.
    #[must_use]
    pub fn expand(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(end) = after.find('}') {
                out.push_str(self.get(&after[..end]).unwrap_or(""));
                rest = &after[end + 1..];
            } else {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
        out.push_str(rest);
        out
    }
}

/// A dotenv parse error that names the line and the variable but never shows the value: the
/// line may hold a secret.
fn dotenv_error(file: &str, e: &dotenvy::Error) -> YamlError {
    match e {
        dotenvy::Error::LineParse(line, idx) => {
            let first = line.lines().next().unwrap_or_default();
            let number = std::fs::read_to_string(file)
                .ok()
                .and_then(|text| text.lines().position(|l| l == first))
                .map_or(0, |n| n as u64 + 1);
            let name: String = first
                .trim_start()
                .trim_start_matches("export ")
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let what = if name.is_empty() {
                "this line".to_owned()
            } else {
                format!("the line of {name}")
            };
            YamlError::at(
                file,
                number,
                (*idx as u64) + 1,
                format!("cannot parse {what} (its value is not shown)"),
            )
            .hint("dotenv lines look like NAME=value; quote values with spaces or # in them")
        }
        other => YamlError::at(file, 0, 0, other.to_string()),
    }
}

/// Everything a run checks against.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// Provider environment origin.
    pub environment_url: Option<String>,
    /// OAuth client id.
    pub client_id: Option<String>,
    /// OAuth client secret.
    pub client_secret: Option<Secret>,
    /// Webhook signing secret.
    pub webhook_secret: Option<Secret>,
    /// Provider hosts customers must reach.
    pub extra_domains: Vec<String>,
    /// Organizations to check.
    pub organizations: Vec<String>,
    /// Connections to route to.
    pub connections: Vec<String>,
    /// Email domains to route.
    pub test_domains: Vec<String>,
    /// OAuth callbacks.
    pub redirect_uris: Vec<String>,
    /// IdP-initiated login entry.
    pub initiate_login_url: Option<String>,
    /// Webhook receiver.
    pub webhook_url: Option<String>,
    /// Other endpoints.
    pub endpoints: Vec<String>,
    /// Template to look a provisioned user up (`{email}`).
    pub verify_url: Option<String>,
    /// Admin-portal custom domain.
    pub custom_domain: Option<String>,
    /// Expected CNAME target.
    pub cname_target: Option<String>,
    /// Repository root for the secrets scan.
    pub repo_path: PathBuf,
    /// Incident runbook, resolved against `repo_path`.
    pub runbook: Option<PathBuf>,
    /// The runbook path as written.
    pub runbook_display: Option<String>,
    /// Manual items confirmed by a person.
    pub attestations: BTreeMap<String, String>,
    /// Accepted failures.
    pub waivers: BTreeMap<String, Waiver>,
    /// The config file, when one was read.
    pub config_path: Option<String>,
    /// The environment the values came from.
    pub env: Env,
}

impl Target {
    /// Every secret of this target (for the redactor).
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.client_secret.iter().chain(self.webhook_secret.iter())
    }
}

/// Reads `path` (if any) and builds the target.
///
/// # Errors
/// Unreadable or invalid file (with line and column), a malformed waiver date.
pub fn load(path: Option<&Path>, explicit: bool, env: Env) -> Result<Target, YamlError> {
    let (file, base, shown) = match path {
        Some(p) if p.exists() || explicit => {
            let name = p.display().to_string();
            let text = std::fs::read_to_string(p)
                .map_err(|e| YamlError::at(&name, 0, 0, format!("cannot read config: {e}")))?;
            let file: ConfigFile = if text.trim().is_empty() {
                ConfigFile::default()
            } else {
                yaml::parse(&name, &text)?
            };
            let base = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            (file, base, Some(name))
        }
        _ => (ConfigFile::default(), PathBuf::from("."), None),
    };
    build(file, &base, shown, env)
}

/// Builds a target from a parsed file.
///
/// # Errors
/// A waiver whose `expires` is not a `YYYY-MM-DD` date.
pub fn build(
    file: ConfigFile,
    base: &Path,
    config_path: Option<String>,
    env: Env,
) -> Result<Target, YamlError> {
    let x = |v: Option<String>| v.map(|s| env.expand(&s)).filter(|s| !s.trim().is_empty());
    let xs = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|s| env.expand(&s))
            .filter(|s| !s.trim().is_empty())
            .collect()
    };
    let from_env = |name: &str| env.get(name).map(str::to_owned);
    let repo_path = x(file.repo.path).map_or_else(|| base.to_path_buf(), |p| base.join(p));
    let runbook_display = x(file.repo.runbook);
    let runbook = runbook_display.as_ref().map(|r| repo_path.join(r));
    let shown = config_path
        .clone()
        .unwrap_or_else(|| "launchcheck.yaml".into());
    let mut waivers = BTreeMap::new();
    for (id, w) in file.waivers {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let date = time::Date::parse(w.expires.trim(), &fmt).map_err(|_| {
            YamlError::at(
                &shown,
                0,
                0,
                format!("waiver `{id}`: expires `{}` is not a date", w.expires),
            )
            .hint("write the last day the waiver applies as YYYY-MM-DD")
        })?;
        waivers.insert(
            id,
            Waiver {
                reason: w.reason,
                expires: date,
            },
        );
    }
    Ok(Target {
        environment_url: x(file.scalekit.environment_url)
            .or_else(|| from_env(vars::ENVIRONMENT_URL)),
        client_id: x(file.scalekit.client_id).or_else(|| from_env(vars::CLIENT_ID)),
        client_secret: from_env(vars::CLIENT_SECRET).map(Secret::new),
        webhook_secret: from_env(vars::WEBHOOK_SECRET).map(Secret::new),
        extra_domains: xs(file.scalekit.extra_domains),
        organizations: xs(file.scalekit.organizations),
        connections: xs(file.scalekit.connections),
        test_domains: xs(file.scalekit.test_domains),
        redirect_uris: xs(file.app.redirect_uris),
        initiate_login_url: x(file.app.initiate_login_url),
        webhook_url: x(file.app.webhook_url),
        endpoints: xs(file.app.endpoints),
        verify_url: x(file.app.verify_url),
        custom_domain: x(file.admin_portal.custom_domain),
        cname_target: x(file.admin_portal.cname_target),
        repo_path,
        runbook,
        runbook_display,
        attestations: file.attestations,
        waivers,
        config_path,
        env,
    })
}

/// The commented template `launchcheck init` writes.
pub const TEMPLATE: &str = include_str!("../fixtures/launchcheck.template.yaml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_uses_the_environment() {
        let env = Env::from_pairs([("HOST", "app.example.com")]);
        assert_eq!(
            env.expand("https://${HOST}/cb"),
            "https://app.example.com/cb"
        );
        assert_eq!(env.expand("${MISSING}x"), "x");
        assert_eq!(env.expand("keep ${open"), "keep ${open");
    }

    #[test]
    fn template_parses_and_has_every_section() {
        let f: ConfigFile = yaml::parse("template", TEMPLATE).unwrap();
        assert!(!f.app.redirect_uris.is_empty());
        assert!(f.admin_portal.custom_domain.is_some());
    }

    #[test]
    fn environment_url_defaults_to_the_variable() {
        let env = Env::from_pairs([(vars::ENVIRONMENT_URL, "https://acme.scalekit.com")]);
        let t = build(ConfigFile::default(), Path::new("."), None, env).unwrap();
        assert_eq!(
            t.environment_url.as_deref(),
            Some("https://acme.scalekit.com")
        );
    }

    #[test]
    fn bad_waiver_date_is_an_error() {
        let f: ConfigFile =
            yaml::parse("c.yaml", "waivers:\n  a.b: {reason: r, expires: soon}\n").unwrap();
        let e = build(f, Path::new("."), Some("c.yaml".into()), Env::default()).unwrap_err();
        assert!(e.message.contains("not a date"), "{e}");
    }
}
