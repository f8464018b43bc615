//! `https_redirect` probe: `http://` on each app host answers with a redirect to `https://`.
//!
//! Production hosts serve plain HTTP on port 80; when a URL names its port explicitly, the
//! same port is tried (the sandbox serves both on one port). Nothing listening on plain HTTP
//! is a warning: nothing is served insecurely, but a user typing the bare host gets an error.

use super::{Ctx, HostTarget, unique_hosts};
use crate::checklist::spec::UrlsSpec;
use crate::net::{NetError, Req};
use crate::report::Finding;

async fn one(ctx: &Ctx, h: HostTarget) -> Finding {
    let url = if h.explicit_port {
        format!("http://{}:{}/", h.host, h.port)
    } else {
        format!("http://{}/", h.host)
    };
    let reproduce = format!("curl -sI {url}");
    let resp = ctx.net.fetch(&Req::get(&url)).await;
    let f = match resp.as_ref() {
        Ok(r) if (300..400).contains(&r.status) => {
            let loc = r.header("location").unwrap_or_default();
            if loc.starts_with("https://") {
                Finding::pass(format!("{url} redirects ({}) to {loc}", r.status))
            } else {
                Finding::fail(
                    format!("{url} redirects ({}) to {loc}, not to https://", r.status),
                    "a 301/308 redirect to https://",
                    format!("{} Location: {loc}", r.status),
                )
            }
        }
        Ok(r) => Finding::fail(
            format!(
                "{url} is served over plain HTTP ({}) instead of redirecting",
                r.status
            ),
            "a 301/308 redirect to https://",
            format!("{} {}", r.status, r.snippet(60)),
        ),
        Err(NetError::Refused(_) | NetError::ConnectTimeout(_)) => Finding::warn(
            format!(
                "nothing answers on {url}: users typing http:// get an error instead of a redirect"
            ),
            "a 301/308 redirect to https://",
            "no answer on plain HTTP",
        ),
        Err(e) => super::unreachable(&url, e),
    };
    f.with("url", url).reproduce(reproduce)
}

/// Runs the check.
pub async fn run(spec: &UrlsSpec, ctx: &Ctx) -> Vec<Finding> {
    let hosts = unique_hosts(&ctx.target, &spec.urls);
    if hosts.is_empty() {
        return vec![Finding::skip(format!(
            "no https URL configured: set {} in launchcheck.yaml",
            super::https_scheme::key_names(&spec.urls)
        ))];
    }
    futures_util::future::join_all(hosts.into_iter().map(|h| one(ctx, h))).await
}
