//! DNS through hickory-resolver: the system's configuration, or the `--resolver` servers.
//!
//! Used for address lookups (when `--resolver` is given, every connection the tool makes resolves
//! through it) and for the record-level questions the DNS probes ask (CNAME chains, NXDOMAIN vs
//! SERVFAIL vs no answer). Names are queried fully qualified so search domains never add
//! queries; caching is off so a run sees what the servers say now.

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// What a query returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Records of the asked type (rendered: IPs, or target names without the final dot).
    Records(Vec<String>),
    /// The name does not exist.
    NxDomain,
    /// The name exists but has no record of this type.
    NoData,
    /// The server failed (SERVFAIL, REFUSED, …).
    ServerFailure(String),
    /// No answer in time.
    Timeout,
    /// Anything else (network error).
    Other(String),
}

impl Answer {
    /// Short text for messages and evidence.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Records(r) => r.join(", "),
            Self::NxDomain => "NXDOMAIN (the name does not exist)".into(),
            Self::NoData => "no record of that type".into(),
            Self::ServerFailure(c) => format!("server failure ({c})"),
            Self::Timeout => "no answer (timeout)".into(),
            Self::Other(e) => e.clone(),
        }
    }
}

/// One or more DNS resolvers.
pub struct Dns {
    resolvers: Vec<(String, TokioResolver)>,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.resolvers.iter().map(|(l, _)| l))
            .finish()
    }
}

fn opts(timeout: Duration) -> ResolverOpts {
    let mut o = ResolverOpts::default();
    o.timeout = timeout;
    o.attempts = 1;
    o.cache_size = 0;
    o.ndots = 0;
    o
}

impl Dns {
    /// The system's resolver configuration (resolv.conf).
    ///
    /// # Errors
    /// The system configuration cannot be read.
    pub fn system(timeout: Duration) -> Result<Self, String> {
        let r = TokioResolver::builder_tokio()
            .map_err(|e| format!("cannot read the system DNS configuration: {e}"))?
            .with_options(opts(timeout))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            resolvers: vec![("system".into(), r)],
        })
    }

    /// One resolver per server (`--resolver IP[:PORT]`).
    ///
    /// # Errors
    /// A resolver cannot be built.
    pub fn servers(servers: &[SocketAddr], timeout: Duration) -> Result<Self, String> {
        let mut resolvers = Vec::new();
        for addr in servers {
            let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
            for c in &mut ns.connections {
                c.port = addr.port();
            }
            let cfg = ResolverConfig::from_name_servers(vec![ns]);
            let r = TokioResolver::builder_with_config(cfg, TokioRuntimeProvider::default())
                .with_options(opts(timeout))
                .build()
                .map_err(|e| format!("resolver {addr}: {e}"))?;
            resolvers.push((addr.to_string(), r));
        }
        Ok(Self { resolvers })
    }

    /// Labels of the resolvers (`system`, `1.1.1.1:53`).
    #[must_use]
    pub fn labels(&self) -> Vec<String> {
        self.resolvers.iter().map(|(l, _)| l.clone()).collect()
    }

    /// Asks resolver `idx` for records of `rtype` at `name`.
    pub async fn query(&self, idx: usize, name: &str, rtype: RecordType) -> Answer {
        let Some((_, r)) = self.resolvers.get(idx) else {
            return Answer::Other("no such resolver".into());
        };
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        match r.lookup(fqdn.as_str(), rtype).await {
            Ok(lookup) => {
                let recs: Vec<String> = lookup
                    .answers()
                    .iter()
                    .filter(|rec| rec.record_type() == rtype)
                    .map(|rec| match &rec.data {
                        RData::A(a) => a.0.to_string(),
                        RData::AAAA(a) => a.0.to_string(),
                        RData::CNAME(c) => c.0.to_utf8().trim_end_matches('.').to_ascii_lowercase(),
                        other => other.to_string(),
                    })
                    .collect();
                if recs.is_empty() {
                    Answer::NoData
                } else {
                    Answer::Records(recs)
                }
            }
            Err(e) => classify(&e),
        }
    }

    /// Addresses of `name` from the first resolver.
    ///
    /// # Errors
    /// The answer, described.
    pub async fn lookup_ip(&self, name: &str) -> Result<Vec<IpAddr>, Answer> {
        let mut ips = Vec::new();
        let mut last = Answer::NoData;
        for rtype in [RecordType::A, RecordType::AAAA] {
            match self.query(0, name, rtype).await {
                Answer::Records(r) => ips.extend(r.iter().filter_map(|s| s.parse::<IpAddr>().ok())),
                Answer::NoData => {}
                other => {
                    last = other;
                    if rtype == RecordType::A {
                        // NXDOMAIN, SERVFAIL or timeout for A: AAAA will say the same.
                        break;
                    }
                }
            }
        }
        if ips.is_empty() { Err(last) } else { Ok(ips) }
    }
}

fn classify(e: &hickory_resolver::net::NetError) -> Answer {
    use hickory_resolver::net::{DnsError, NetError as H};
    if e.is_nx_domain() {
        return Answer::NxDomain;
    }
    if e.is_no_records_found() {
        return Answer::NoData;
    }
    match e {
        H::Timeout => Answer::Timeout,
        H::Dns(DnsError::ResponseCode(code)) => {
            let c = match *code {
                ResponseCode::ServFail => "SERVFAIL".to_owned(),
                ResponseCode::Refused => "REFUSED".to_owned(),
                other => format!("{other:?}"),
            };
            Answer::ServerFailure(c)
        }
        other => {
            let text = other.to_string();
            if text.to_ascii_lowercase().contains("timed out") || text.contains("timeout") {
                Answer::Timeout
            } else {
                Answer::Other(text)
            }
        }
    }
}
