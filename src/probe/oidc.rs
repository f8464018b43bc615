//! `oidc_discovery` probe: the environment's discovery document is reachable, its `issuer` is
//! the environment URL (or its custom domain), its endpoints are https on that origin, and the
//! JWKS at `jwks_uri` holds RS256 signing keys with a `kid` — what the SDKs need to validate
//! tokens.

use super::Ctx;
use crate::net::Req;
use crate::report::Finding;
use serde_json::Value;

fn origin(u: &str) -> Option<String> {
    let u = reqwest::Url::parse(u).ok()?;
    Some(u.origin().ascii_serialization())
}

/// Runs the check.
pub async fn run(ctx: &Ctx) -> Vec<Finding> {
    let Some(env) = ctx.target.environment_url.as_deref() else {
        return vec![Finding::skip("SCALEKIT_ENVIRONMENT_URL is not set")];
    };
    let env = env.trim_end_matches('/');
    let url = format!("{env}/.well-known/openid-configuration");
    let reproduce = format!("curl -s {url}");
    let resp = ctx.net.fetch(&Req::get(&url)).await;
    let r = match resp.as_ref() {
        Err(e) => return vec![super::unreachable(&url, e).reproduce(reproduce)],
        Ok(r) => r,
    };
    if r.status != 200 {
        return vec![
            Finding::fail(
                format!("{url} answered {}", r.status),
                "200 with the discovery document",
                format!("{} {}", r.status, r.snippet(80)),
            )
            .reproduce(reproduce),
        ];
    }
    let Ok(doc) = serde_json::from_slice::<Value>(&r.body) else {
        return vec![
            Finding::fail(
                format!("{url} is not JSON"),
                "a JSON discovery document",
                r.snippet(80),
            )
            .reproduce(reproduce),
        ];
    };
    let mut findings = Vec::new();
    let issuer = doc["issuer"]
        .as_str()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    let mut accepted = vec![env.to_owned()];
    if let Some(d) = &ctx.target.custom_domain {
        let custom = format!("https://{}", d.trim_end_matches('.'));
        if !accepted.contains(&custom) {
            accepted.push(custom);
        }
    }
    if !accepted.contains(&issuer) {
        findings.push(
            Finding::fail(
                format!("the discovery issuer `{issuer}` is not the environment URL"),
                accepted.join(" or "),
                issuer.clone(),
            )
            .reproduce(format!("{reproduce} | grep issuer")),
        );
    }
    let issuer_origin = origin(&issuer);
    for key in ["authorization_endpoint", "token_endpoint", "jwks_uri"] {
        let v = doc[key].as_str().unwrap_or_default();
        if v.is_empty() {
            findings.push(Finding::fail(
                format!("the discovery document has no {key}"),
                format!("{key} on {issuer}"),
                "missing",
            ));
        } else if !v.starts_with("https://") || origin(v) != issuer_origin {
            findings.push(Finding::fail(
                format!("{key} {v} is not https on the issuer's origin"),
                format!("https URL on {issuer}"),
                v.to_owned(),
            ));
        }
    }
    let jwks_uri = doc["jwks_uri"].as_str().unwrap_or_default().to_owned();
    if !jwks_uri.is_empty() {
        let jr = ctx.net.fetch(&Req::get(&jwks_uri)).await;
        match jr.as_ref() {
            Err(e) => findings.push(super::unreachable(&jwks_uri, e)),
            Ok(j) => {
                let keys: Vec<Value> = serde_json::from_slice::<Value>(&j.body)
                    .ok()
                    .and_then(|v| v["keys"].as_array().cloned())
                    .unwrap_or_default();
                let signing: Vec<&Value> = keys
                    .iter()
                    .filter(|k| {
                        k["kty"] == "RSA"
                            && k["kid"].as_str().is_some_and(|s| !s.is_empty())
                            && (k["alg"].is_null() || k["alg"] == "RS256")
                            && (k["use"].is_null() || k["use"] == "sig")
                    })
                    .collect();
                if j.status != 200 || signing.is_empty() {
                    findings.push(
                        Finding::fail(
                            format!("{jwks_uri} has no RS256 signing key with a kid"),
                            "at least one RSA key with kid, alg RS256, use sig",
                            format!("status {}, {} key(s)", j.status, keys.len()),
                        )
                        .reproduce(format!("curl -s {jwks_uri}")),
                    );
                } else {
                    let kids: Vec<&str> =
                        signing.iter().filter_map(|k| k["kid"].as_str()).collect();
                    if findings.is_empty() {
                        findings.push(
                            Finding::pass(format!(
                                "issuer {issuer}; {} RS256 signing key(s): {}",
                                kids.len(),
                                kids.join(", ")
                            ))
                            .with("issuer", issuer.clone())
                            .with("jwks_uri", jwks_uri.clone())
                            .with(
                                "kids",
                                kids.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>(),
                            ),
                        );
                    }
                }
            }
        }
    }
    findings
}
