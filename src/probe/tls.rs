//! `tls` probe: every configured host serves a certificate that is trusted (system roots plus
//! `--ca-cert`), valid for the host name, not close to expiry, over TLS 1.2 or newer.
//!
//! One handshake per host and port per run (the network layer caches it), whichever checks
//! ask. A host that cannot be reached is an `error` with the phase that failed; a handshake the
//! server refuses (no TLS 1.2+, broken chain) is a `fail`.

use super::{Ctx, HostTarget, unique_hosts};
use crate::checklist::spec::TlsSpec;
use crate::net::NetError;
use crate::report::Finding;

fn openssl(h: &HostTarget) -> String {
    format!(
        "openssl s_client -connect {host}:{port} -servername {host} </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer -dates -ext subjectAltName",
        host = h.host,
        port = h.port
    )
}

async fn one(spec: &TlsSpec, ctx: &Ctx, h: HostTarget) -> Finding {
    let name = format!("{}:{}", h.host, h.port);
    let facts = ctx.net.inspect_tls(&h.host, h.port).await;
    let f = match facts.as_ref() {
        Err(e @ NetError::Tls(_)) => Finding::fail(
            format!("{name}: {e}"),
            "a TLS 1.2+ handshake with a trusted certificate",
            e.to_string(),
        )
        .with("phase", "tls"),
        Err(e) => super::unreachable(&name, e),
        Ok(f) => {
            let leaf = f.leaf();
            let issuer = leaf.map_or("", |l| l.issuer.as_str());
            let not_after = leaf.map_or("", |l| l.not_after.as_str());
            let days = leaf.map_or(0, |l| l.days_left);
            let names = leaf.map(|l| l.dns_names.join(", ")).unwrap_or_default();
            let found =
                format!("issued by {issuer}, valid until {not_after} ({days} days), for {names}");
            let base = match &f.verdict {
                Err(reason) => Finding::fail(
                    format!("{name}: {reason}"),
                    format!(
                        "a certificate for {} from a trusted CA, not expired",
                        h.host
                    ),
                    found,
                ),
                Ok(()) if days < spec.fail_days => Finding::fail(
                    format!("{name}: certificate expires in {days} days ({not_after})"),
                    format!("at least {} days of validity", spec.warn_days),
                    found,
                ),
                Ok(()) if days < spec.warn_days => Finding::warn(
                    format!("{name}: certificate expires in {days} days ({not_after})"),
                    format!("at least {} days of validity", spec.warn_days),
                    found,
                ),
                Ok(()) if !matches!(f.protocol.as_str(), "TLSv1_2" | "TLSv1_3") => Finding::fail(
                    format!("{name}: negotiated {} (below TLS 1.2)", f.protocol),
                    "TLS 1.2 or 1.3",
                    f.protocol.clone(),
                ),
                Ok(()) => Finding::pass(format!(
                    "{name}: valid until {not_after} ({days} days), issued by {issuer}, {}",
                    f.protocol
                )),
            };
            base.with("issuer", issuer)
                .with("subject", leaf.map_or("", |l| l.subject.as_str()))
                .with("not_after", not_after)
                .with("days_left", days)
                .with(
                    "dns_names",
                    leaf.map(|l| l.dns_names.clone()).unwrap_or_default(),
                )
                .with("protocol", f.protocol.clone())
                .with("cipher", f.cipher.clone())
                .with("address", f.addr.to_string())
                .with("handshake_ms", f.handshake_ms)
        }
    };
    f.with("host", h.host.clone())
        .with("port", h.port)
        .reproduce(openssl(&h))
}

/// Runs the check.
pub async fn run(spec: &TlsSpec, ctx: &Ctx) -> Vec<Finding> {
    let hosts = unique_hosts(&ctx.target, &spec.urls);
    if hosts.is_empty() {
        return vec![Finding::skip(format!(
            "no https URL configured: set {} in launchcheck.yaml",
            super::https_scheme::key_names(&spec.urls)
        ))];
    }
    futures_util::future::join_all(hosts.into_iter().map(|h| one(spec, ctx, h))).await
}
