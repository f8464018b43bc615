//! `env` probe: the `SCALEKIT_*` variables are present and look like production values.
//!
//! Shapes come from the provider's SDKs and docs (reference §1): environment hosts under
//! `*.scalekit.dev` or with a `-dev`/`-staging`/`sandbox` label are development; client ids are
//! `skc_<digits>` or `prd_skc_<digits>`; webhook secrets are `whsec_<base64>`. Secrets are only
//! ever described by length and source.

use super::Ctx;
use crate::checklist::spec::{EnvCheck, EnvSpec};
use crate::config::{Env, VarSource, vars};
use crate::report::Finding;
use crate::secret::Secret;
use reqwest::Url;

/// Runs the check.
#[must_use]
pub fn run(spec: &EnvSpec, ctx: &Ctx) -> Vec<Finding> {
    let t = &ctx.target;
    let see = match spec.check {
        EnvCheck::EnvironmentUrl | EnvCheck::CustomDomainInUse => {
            format!("printenv {}", vars::ENVIRONMENT_URL)
        }
        EnvCheck::ClientId => format!("printenv {}", vars::CLIENT_ID),
        // Secrets: their length or their prefix only, never the value.
        EnvCheck::ClientSecret => format!(
            "printenv {} | awk '{{print length($0) \" chars\"}}'",
            vars::CLIENT_SECRET
        ),
        EnvCheck::WebhookSecret => format!("printenv {} | cut -c1-6", vars::WEBHOOK_SECRET),
    };
    let f = match spec.check {
        EnvCheck::EnvironmentUrl => environment_url(t.environment_url.as_deref(), &t.env),
        EnvCheck::ClientId => client_id(t.client_id.as_deref(), &t.env),
        EnvCheck::ClientSecret => client_secret(t.client_secret.as_ref(), &t.env),
        EnvCheck::WebhookSecret => webhook_secret(t.webhook_secret.as_ref(), &t.env),
        EnvCheck::CustomDomainInUse => {
            custom_domain_in_use(t.custom_domain.as_deref(), t.environment_url.as_deref())
        }
    };
    let f = if f.reproduce.is_none()
        && matches!(
            f.status,
            crate::report::Status::Fail | crate::report::Status::Warn
        ) {
        f.reproduce(see)
    } else {
        f
    };
    vec![f]
}

fn source(env: &Env, name: &str) -> &'static str {
    match env.source(name) {
        Some(VarSource::DotEnv) => "from .env",
        Some(VarSource::Process) => "from the environment",
        None => "from launchcheck.yaml",
    }
}

fn missing(name: &str) -> Finding {
    Finding::fail(
        format!("{name} is not set"),
        format!("{name} set in the environment or .env"),
        "not set",
    )
    .reproduce(format!(
        "printenv {name} >/dev/null && echo set || echo missing"
    ))
}

/// Why a host is not a production environment host, if it is not.
#[must_use]
pub fn dev_host_reason(host: &str) -> Option<String> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if let Some(kind) = super::non_public_host(&h) {
        return Some(format!("{h} is {kind}"));
    }
    if h.ends_with(".scalekit.dev") {
        return Some(format!("{h} is a development environment (*.scalekit.dev)"));
    }
    let first = h.split('.').next().unwrap_or("");
    for marker in [
        "-dev",
        "-development",
        "-staging",
        "-stg",
        "-test",
        "-sandbox",
    ] {
        if first.ends_with(marker) || first.contains(&format!("{marker}-")) {
            return Some(format!(
                "{h} looks like a non-production environment ({marker})"
            ));
        }
    }
    h.split('.')
        .find(|label| ["dev", "staging", "sandbox", "test"].contains(label))
        .map(|label| format!("{h} looks like a non-production environment ({label})"))
}

fn environment_url(value: Option<&str>, env: &Env) -> Finding {
    let name = vars::ENVIRONMENT_URL;
    let Some(raw) = value else {
        return missing(name);
    };
    let src = source(env, name);
    let expected = "https://<env>.scalekit.com (or your custom domain)";
    let url = match Url::parse(raw.trim()) {
        Ok(u) => u,
        Err(e) => {
            return Finding::fail(format!("{name} is not a URL: {e}"), expected, raw)
                .with("source", src);
        }
    };
    if url.scheme() != "https" {
        return Finding::fail(
            format!("{name} uses {}:// instead of https://", url.scheme()),
            expected,
            raw,
        )
        .with("source", src);
    }
    let host = url.host_str().unwrap_or_default();
    if let Some(reason) = dev_host_reason(host) {
        return Finding::fail(format!("{name} is not production: {reason}"), expected, raw)
            .with("source", src)
            .with("host", host);
    }
    if raw.trim() != raw {
        return Finding::fail(
            format!("{name} has leading or trailing whitespace"),
            "the URL alone",
            format!("{raw:?}"),
        );
    }
    if !matches!(url.path(), "" | "/") || url.query().is_some() {
        return Finding::warn(
            format!("{name} has a path or query; the SDKs expect the bare origin"),
            format!("https://{host}"),
            raw,
        )
        .with("source", src);
    }
    let kind = if host.ends_with(".scalekit.com") || host.ends_with(".scalekit.cloud") {
        "provider host"
    } else {
        "custom domain"
    };
    Finding::pass(format!("{name} is a production {kind}: {host} ({src})"))
        .with("url", raw)
        .with("host", host)
        .with("source", src)
}

fn client_id(value: Option<&str>, env: &Env) -> Finding {
    let name = vars::CLIENT_ID;
    let Some(v) = value else {
        return missing(name);
    };
    let src = source(env, name);
    let expected = "skc_<digits> or prd_skc_<digits>";
    let digits = v
        .strip_prefix("prd_skc_")
        .or_else(|| v.strip_prefix("skc_"));
    match digits {
        Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => {
            Finding::pass(format!("{name} has the expected shape ({src})"))
                .with("client_id", v)
                .with("source", src)
        }
        _ if v.trim() != v || v.contains(['"', '\'']) => Finding::fail(
            format!("{name} contains quotes or whitespace"),
            expected,
            format!("{v:?}"),
        ),
        _ => Finding::fail(
            format!("{name} does not look like a client id"),
            expected,
            v,
        )
        .with("source", src),
    }
}

fn client_secret(value: Option<&Secret>, env: &Env) -> Finding {
    let name = vars::CLIENT_SECRET;
    let Some(s) = value else {
        return missing(name);
    };
    let src = source(env, name);
    let v = s.expose();
    if v.trim() != v || v.starts_with(['"', '\'']) {
        return Finding::fail(
            format!("{name} has surrounding whitespace or quotes"),
            "the secret alone",
            format!("{} with extra characters", s.describe()),
        );
    }
    let lower = v.to_ascii_lowercase();
    if ["test_abcdef", "your", "changeme", "placeholder", "xxxx"]
        .iter()
        .any(|p| lower.contains(p))
    {
        return Finding::fail(
            format!("{name} is a placeholder from the docs, not a real secret"),
            "the production client secret",
            format!("a placeholder, {}", s.describe()),
        );
    }
    Finding::pass(format!("{name} is {} ({src})", s.describe())).with("source", src)
}

fn webhook_secret(value: Option<&Secret>, env: &Env) -> Finding {
    let name = vars::WEBHOOK_SECRET;
    let Some(s) = value else {
        return missing(name);
    };
    let src = source(env, name);
    let expected = "whsec_<base64>";
    let Some(b64) = s.expose().strip_prefix("whsec_") else {
        return Finding::fail(
            format!("{name} does not start with whsec_"),
            expected,
            format!("{} without the whsec_ prefix", s.describe()),
        );
    };
    // The SDKs decode the part between the first and a second `_`.
    let b64 = b64.split('_').next().unwrap_or_default();
    match crate::webhook::decode_key_part(b64) {
        Some(crate::webhook::KeyDecode::Strict(key)) => Finding::pass(format!(
            "{name} is {} ({src}), a {}-byte key",
            s.describe(),
            key.len()
        ))
        .with("source", src),
        Some(crate::webhook::KeyDecode::NeedsPadding(_)) => Finding::warn(
            format!(
                "{name} decodes only without strict padding: the Python and Node SDKs accept it, the Go SDK rejects it"
            ),
            "whsec_ followed by padded standard base64",
            format!("{}, unpadded", s.describe()),
        ),
        None => Finding::fail(
            format!("{name}: the part after whsec_ is not valid base64"),
            expected,
            format!("{}, not base64", s.describe()),
        ),
    }
}

fn custom_domain_in_use(custom: Option<&str>, env_url: Option<&str>) -> Finding {
    let Some(domain) = custom else {
        return Finding::skip("no admin_portal.custom_domain is configured");
    };
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let expected = format!("https://{domain}");
    // A configured port (staging) is part of the origin the URL must use.
    let (domain, port) = match domain.rsplit_once(':') {
        Some((h, p)) if p.parse::<u16>().is_ok() => (h.to_owned(), p.parse::<u16>().ok()),
        _ => (domain.clone(), None),
    };
    let Some(raw) = env_url else {
        return Finding::fail(
            format!("{} is not set", vars::ENVIRONMENT_URL),
            expected,
            "not set",
        );
    };
    let parsed = Url::parse(raw.trim()).ok();
    let host = parsed
        .as_ref()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let port_ok = port.is_none_or(|p| parsed.as_ref().and_then(reqwest::Url::port) == Some(p));
    if host == domain && port_ok {
        Finding::pass(format!(
            "the environment URL uses the custom domain {domain}"
        ))
        .with("custom_domain", domain)
    } else {
        Finding::fail(
            format!(
                "a custom domain ({domain}) is configured but {} still points at {host}",
                vars::ENVIRONMENT_URL
            ),
            expected,
            raw,
        )
        .with("custom_domain", domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;

    #[test]
    fn development_hosts_are_flagged() {
        assert!(dev_host_reason("acme.scalekit.dev").is_some());
        assert!(dev_host_reason("acme-dev.scalekit.cloud").is_some());
        assert!(dev_host_reason("b2b-app-dev.scalekit.com").is_some());
        assert!(dev_host_reason("acme-staging.scalekit.com").is_some());
        assert!(dev_host_reason("localhost").is_some());
        assert!(dev_host_reason("10.0.0.4").is_some());
        assert!(dev_host_reason("acme.scalekit.com").is_none());
        assert!(dev_host_reason("auth.acme.com").is_none());
        assert!(dev_host_reason("devramp.scalekit.com").is_none());
    }

    #[test]
    fn environment_url_pass_and_fail() {
        let env = Env::default();
        assert_eq!(
            environment_url(Some("https://acme.scalekit.com"), &env).status,
            Status::Pass
        );
        let f = environment_url(Some("http://acme.scalekit.com"), &env);
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("http://"));
        assert_eq!(
            environment_url(Some("https://acme.scalekit.dev"), &env).status,
            Status::Fail
        );
        assert_eq!(environment_url(None, &env).status, Status::Fail);
        assert_eq!(
            environment_url(Some("https://acme.scalekit.com/api"), &env).status,
            Status::Warn
        );
    }

    #[test]
    fn client_id_shapes() {
        let env = Env::default();
        assert_eq!(
            client_id(Some("skc_58327482062864390"), &env).status,
            Status::Pass
        );
        assert_eq!(client_id(Some("prd_skc_1234"), &env).status, Status::Pass);
        assert_eq!(client_id(Some("client-123"), &env).status, Status::Fail);
        assert_eq!(client_id(Some("skc_"), &env).status, Status::Fail);
    }

    #[test]
    fn webhook_secret_shapes_never_show_the_value() {
        let env = Env::default();
        let good = Secret::new("whsec_bGF1bmNoY2hlY2stZ29sZGVuLXZlY3Rvci1rZXktMDE=".into());
        assert_eq!(webhook_secret(Some(&good), &env).status, Status::Pass);
        let unpadded = Secret::new("whsec_dGVzdHNlY3JldA".into());
        assert_eq!(webhook_secret(Some(&unpadded), &env).status, Status::Warn);
        let bad = Secret::new("whsec_!!!not-base64!!!".into());
        let f = webhook_secret(Some(&bad), &env);
        assert_eq!(f.status, Status::Fail);
        let shown = serde_json::to_string(&f).unwrap();
        assert!(!shown.contains("not-base64"), "{shown}");
        let plain = Secret::new("0123456789abcdef".into());
        assert_eq!(webhook_secret(Some(&plain), &env).status, Status::Fail);
    }

    #[test]
    fn custom_domain_rule() {
        assert_eq!(custom_domain_in_use(None, None).status, Status::Skip);
        assert_eq!(
            custom_domain_in_use(Some("sso.acme.com"), Some("https://sso.acme.com")).status,
            Status::Pass
        );
        assert_eq!(
            custom_domain_in_use(Some("sso.acme.com"), Some("https://acme.scalekit.com")).status,
            Status::Fail
        );
    }
}
