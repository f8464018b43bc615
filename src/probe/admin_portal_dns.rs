//! `admin_portal_dns` probe: the admin-portal custom domain's CNAME chain ends at the provider
//! environment (or `admin_portal.cname_target`).
//!
//! The chain is walked one CNAME query at a time, so each outcome is its own failure: no record
//! (NXDOMAIN), an A record where a CNAME belongs, a chain ending somewhere else, a chain that
//! loops. With several `--resolver`s each is asked, and disagreement (propagation still under
//! way) is a warning that lists every answer.

use super::Ctx;
use crate::net::dns::{Answer, Dns};
use crate::report::Finding;
use hickory_resolver::proto::rr::RecordType;

/// Where a chain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chain {
    /// Reached the target through these names.
    Reached(Vec<String>),
    /// The name does not exist.
    Missing,
    /// The name has an address record, not a CNAME.
    ARecord(Vec<String>),
    /// The chain ends at another name.
    Elsewhere(Vec<String>),
    /// The chain comes back to a name it passed.
    Loop(Vec<String>),
    /// The resolver could not answer.
    Error(String),
}

impl Chain {
    fn describe(&self, domain: &str) -> String {
        match self {
            Self::Reached(c) | Self::Elsewhere(c) | Self::Loop(c) => {
                format!("{domain} -> {}", c.join(" -> "))
            }
            Self::Missing => format!("{domain}: NXDOMAIN"),
            Self::ARecord(ips) => format!("{domain} A {}", ips.join(", ")),
            Self::Error(e) => format!("{domain}: {e}"),
        }
    }
}

/// Walks the CNAME chain from `domain` with resolver `idx`, stopping at `target`.
pub async fn walk(dns: &Dns, idx: usize, domain: &str, target: &str) -> Chain {
    let mut chain = Vec::new();
    let mut name = domain.to_owned();
    for _ in 0..10 {
        match dns.query(idx, &name, RecordType::CNAME).await {
            Answer::Records(r) => {
                let next = r.first().cloned().unwrap_or_default();
                if chain.contains(&next) || next == domain {
                    chain.push(next);
                    return Chain::Loop(chain);
                }
                chain.push(next.clone());
                if next == target {
                    return Chain::Reached(chain);
                }
                name = next;
            }
            Answer::NoData if chain.is_empty() => {
                return match dns.query(idx, &name, RecordType::A).await {
                    Answer::Records(ips) => Chain::ARecord(ips),
                    Answer::NxDomain => Chain::Missing,
                    Answer::NoData => Chain::Elsewhere(vec!["(no CNAME and no address)".into()]),
                    other => Chain::Error(other.describe()),
                };
            }
            Answer::NoData => return Chain::Elsewhere(chain),
            Answer::NxDomain if chain.is_empty() => return Chain::Missing,
            Answer::NxDomain => {
                // A dangling chain: it ends at a name that does not exist.
                return Chain::Elsewhere(chain);
            }
            other => return Chain::Error(other.describe()),
        }
    }
    Chain::Loop(chain)
}

/// Runs the check.
pub async fn run(ctx: &Ctx) -> Vec<Finding> {
    let t = &ctx.target;
    // `custom_domain` may carry a port (a staging setup); DNS is about the host.
    let Some(domain) = t.custom_domain.as_deref().map(|d| {
        let host = d
            .rsplit_once(':')
            .filter(|(_, p)| p.parse::<u16>().is_ok())
            .map_or(d, |(h, _)| h);
        host.trim_end_matches('.').to_ascii_lowercase()
    }) else {
        return vec![Finding::skip("no admin_portal.custom_domain is configured")];
    };
    let target = t
        .cname_target
        .clone()
        .or_else(|| {
            t.environment_url
                .as_deref()
                .and_then(|u| reqwest::Url::parse(u).ok())
                .and_then(|u| u.host_str().map(str::to_owned))
        })
        .map(|h| h.trim_end_matches('.').to_ascii_lowercase());
    // With the environment URL already moved to the custom domain, the target must be given.
    let target = match target {
        Some(tg) if tg != domain => tg,
        _ => {
            return vec![Finding::skip(
                "set admin_portal.cname_target to the CNAME target shown in the dashboard (the environment URL cannot tell it once it uses the custom domain)",
            )];
        }
    };
    let dns = match ctx.net.dns().await {
        Ok(d) => d,
        Err(e) => return vec![Finding::error(e)],
    };
    let labels = dns.labels();
    let mut chains = Vec::new();
    for idx in 0..labels.len() {
        chains.push(walk(&dns, idx, &domain, &target).await);
    }
    let reproduce = labels
        .iter()
        .map(|l| {
            if l == "system" {
                format!("dig CNAME {domain} +short")
            } else {
                let (ip, port) = l.rsplit_once(':').unwrap_or((l, "53"));
                format!("dig @{ip} -p {port} CNAME {domain} +short")
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let answers: Vec<String> = labels
        .iter()
        .zip(&chains)
        .map(|(l, c)| format!("{l}: {}", c.describe(&domain)))
        .collect();
    let expected = format!("{domain} CNAME (chain) ending at {target}");
    let disagree = chains.windows(2).any(|w| w[0] != w[1]);
    let f = if disagree {
        Finding::warn(
            format!("resolvers disagree about {domain}: propagation may still be under way"),
            expected,
            answers.join("; "),
        )
    } else {
        match &chains[0] {
            Chain::Reached(c) => {
                Finding::pass(format!("{domain} -> {} reaches {target}", c.join(" -> ")))
            }
            Chain::Missing => Finding::fail(
                format!("{domain} has no DNS record (NXDOMAIN): create the CNAME"),
                expected,
                answers.join("; "),
            ),
            Chain::ARecord(ips) => Finding::fail(
                format!(
                    "{domain} has an A record ({}) instead of a CNAME to {target}",
                    ips.join(", ")
                ),
                expected,
                answers.join("; "),
            ),
            Chain::Elsewhere(c) => Finding::fail(
                format!(
                    "{domain} points at {}, not at {target}",
                    c.last().cloned().unwrap_or_default()
                ),
                expected,
                answers.join("; "),
            ),
            Chain::Loop(c) => Finding::fail(
                format!("{domain}: the CNAME chain loops ({})", c.join(" -> ")),
                expected,
                answers.join("; "),
            ),
            Chain::Error(e) => Finding::error(format!("{domain}: {e}")),
        }
    };
    vec![
        f.with("domain", domain)
            .with("target", target)
            .with("answers", answers)
            .reproduce(reproduce),
    ]
}
