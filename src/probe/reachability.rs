//! `reachability` probe: from this network, can the provider's domains be reached?
//!
//! For the environment host and `scalekit.extra_domains` (by default the environment host and
//! cdn.scalekit.com), each phase in turn: DNS, TCP connect, TLS handshake, one HTTPS request,
//! with the time of each. The first phase that fails names the likely cause, so a customer's IT
//! team can tell a DNS problem from a firewall that drops packets, one that resets them, a proxy
//! that accepts and stalls, or a TLS-inspecting proxy (a certificate trusted here only through a
//! local root, issued by someone other than a public CA).

use super::Ctx;
use crate::net::{NetError, Req};
use crate::report::{Finding, Status};
use std::time::Instant;

/// Default provider domains besides the environment host (reference §7).
pub const DEFAULT_EXTRA: &str = "cdn.scalekit.com";

/// The (host, port) pairs to check.
#[must_use]
pub fn domains(t: &crate::config::Target) -> Vec<(String, u16)> {
    let mut out: Vec<(String, u16)> = Vec::new();
    let mut push = |h: &str, p: u16| {
        let h = h.trim_end_matches('.').to_ascii_lowercase();
        if !h.is_empty() && !out.iter().any(|(x, y)| *x == h && *y == p) {
            out.push((h, p));
        }
    };
    if let Some(u) = t
        .environment_url
        .as_deref()
        .and_then(|u| reqwest::Url::parse(u).ok())
        && let Some(h) = u.host_str()
    {
        push(h, u.port_or_known_default().unwrap_or(443));
    }
    let extra: Vec<String> = if t.extra_domains.is_empty() {
        vec![DEFAULT_EXTRA.to_owned()]
    } else {
        t.extra_domains.clone()
    };
    for d in extra {
        let d = d.trim_start_matches("https://").trim_end_matches('/');
        match d.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => push(h, p.parse().unwrap_or(443)),
            _ => push(d, 443),
        }
    }
    out
}

fn ms(t: Instant) -> u64 {
    u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX)
}

async fn one(ctx: &Ctx, host: String, port: u16) -> Finding {
    let name = format!("{host}:{port}");
    let reproduce = format!(
        "dig +short {host}; nc -vz -w 5 {host} {port}; openssl s_client -connect {host}:{port} -servername {host} </dev/null | head -20"
    );
    let expected = "DNS answer, TCP connect, TLS handshake with a publicly trusted certificate, an HTTPS answer";
    let t = Instant::now();
    let lookup = ctx.net.resolver().lookup(&host).await;
    let dns_ms = ms(t);
    if let Err(e) = &lookup {
        let text = e.to_string();
        let why = if text.contains("NXDOMAIN") {
            "the name does not exist for this network's DNS (NXDOMAIN): a split-horizon or filtering resolver, or a typo"
        } else if text.contains("server failure") {
            "the DNS server failed to answer (SERVFAIL): its upstream or DNSSEC validation is broken"
        } else if text.contains("timeout") {
            "DNS queries time out: the resolver is unreachable or filtered"
        } else {
            "DNS resolution failed"
        };
        return Finding::fail(format!("{name}: {why}"), expected, text)
            .with("host", host)
            .with("phase", "dns")
            .with("dns_ms", dns_ms)
            .reproduce(reproduce);
    }
    let ips: Vec<String> = lookup
        .as_ref()
        .map(|v| v.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    let facts = ctx.net.inspect_tls(&host, port).await;
    let f = match facts.as_ref() {
        Err(e) => {
            let (phase, why) = match e {
                NetError::Refused(_) => (
                    "connect",
                    "the connection was refused: a firewall rejecting it, or nothing listening",
                ),
                NetError::ConnectTimeout(_) => (
                    "connect",
                    "no answer to the TCP connection: a firewall is likely dropping the traffic",
                ),
                NetError::Connect(m) if m.contains("reset") => (
                    "connect",
                    "the connection was reset: a firewall or proxy is cutting it",
                ),
                NetError::Connect(m) if m.contains("proxy") => {
                    ("connect", "the HTTPS proxy refused the tunnel")
                }
                NetError::Connect(_) => ("connect", "the TCP connection failed"),
                NetError::Tls(m) if m.contains("did not finish") => (
                    "tls",
                    "connected, then no TLS answer: something in the path accepts connections and stalls (a proxy or a filtering firewall)",
                ),
                NetError::Tls(_) => ("tls", "the TLS handshake failed"),
                NetError::Dns(_) => ("dns", "DNS resolution failed"),
                _ => ("request", "the connection failed"),
            };
            Finding::fail(format!("{name}: {why}"), expected, e.to_string()).with("phase", phase)
        }
        Ok(tls) => {
            let issuer = tls.leaf().map(|l| l.issuer.clone()).unwrap_or_default();
            let base = match &tls.verdict {
                Err(reason) => Some(
                    Finding::fail(
                        format!("{name}: the certificate is not trusted ({reason}), issued by {issuer}"),
                        expected,
                        format!("issuer {issuer}: {reason}"),
                    )
                    .with("phase", "tls"),
                ),
                Ok(()) => match ctx.net.publicly_trusted(&tls.chain_der, &host).await {
                    Ok(()) => None,
                    Err(_) => Some(
                        Finding::warn(
                            format!(
                                "{name}: the certificate is trusted only through a local root, issued by {issuer}: likely a TLS-inspecting proxy (or a private CA); browsers and SDKs without that root will refuse it"
                            ),
                            "a certificate from a public CA",
                            format!("issuer {issuer}"),
                        )
                        .with("phase", "tls"),
                    ),
                },
            };
            let base = match base {
                Some(f) if f.status == Status::Fail => f,
                other => {
                    let t = Instant::now();
                    let r = ctx
                        .net
                        .fetch(&Req::get(format!("https://{host}:{port}/")))
                        .await;
                    let http_ms = ms(t);
                    match (r.as_ref(), other) {
                        (Err(e), _) => Finding::fail(
                            format!("{name}: TLS works but the HTTPS request failed: {e}"),
                            expected,
                            e.to_string(),
                        )
                        .with("phase", "response"),
                        (Ok(resp), warn) => {
                            let f = warn.unwrap_or_else(|| {
                                Finding::pass(format!(
                                    "{name} reachable: DNS {dns_ms} ms, connect {} ms, TLS {} ms ({}), HTTPS {http_ms} ms ({})",
                                    tls.connect_ms, tls.handshake_ms, tls.protocol, resp.status
                                ))
                            });
                            f.with("http_ms", http_ms).with("http_status", resp.status)
                        }
                    }
                }
            };
            base.with("connect_ms", tls.connect_ms)
                .with("tls_ms", tls.handshake_ms)
                .with("issuer", issuer)
                .with("protocol", tls.protocol.clone())
        }
    };
    f.with("host", host)
        .with("port", port)
        .with("addresses", ips)
        .with("dns_ms", dns_ms)
        .reproduce(reproduce)
}

/// Runs the check.
pub async fn run(ctx: &Ctx) -> Vec<Finding> {
    let list = domains(&ctx.target);
    if list.is_empty() {
        return vec![Finding::skip(
            "no provider domain to check: set SCALEKIT_ENVIRONMENT_URL or scalekit.extra_domains",
        )];
    }
    futures_util::future::join_all(list.into_iter().map(|(h, p)| one(ctx, h, p))).await
}
