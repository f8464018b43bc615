//! Name resolution for every lookup launchcheck makes (HTTP requests and TLS probes alike).
//!
//! Fixed host answers come first (the sandbox maps its names to 127.0.0.1); with `hosts_only`
//! nothing else resolves, which guarantees that a sandbox run or a test never leaves loopback.
//! Otherwise the system resolver answers.

use super::NetError;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The run's resolver.
#[derive(Debug, Clone)]
pub struct Resolver {
    hosts: HashMap<String, IpAddr>,
    hosts_only: bool,
}

impl Resolver {
    /// A resolver with fixed answers.
    #[must_use]
    pub fn new(hosts: HashMap<String, IpAddr>, hosts_only: bool) -> Self {
        let hosts = hosts
            .into_iter()
            .map(|(k, v)| (k.trim_end_matches('.').to_ascii_lowercase(), v))
            .collect();
        Self { hosts, hosts_only }
    }

    /// Addresses of `name`.
    ///
    /// # Errors
    /// The name does not resolve (or is not a sandbox host in `hosts_only` mode).
    pub async fn lookup(&self, name: &str) -> Result<Vec<IpAddr>, NetError> {
        let key = name.trim_end_matches('.').to_ascii_lowercase();
        let key = key.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = key.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        if let Some(ip) = self.hosts.get(key) {
            return Ok(vec![*ip]);
        }
        if self.hosts_only {
            return Err(NetError::Dns(format!(
                "{name} is not a host of this sandbox (lookups are restricted to its hosts)"
            )));
        }
        let addrs = tokio::net::lookup_host((key, 0))
            .await
            .map_err(|e| NetError::Dns(format!("{name}: {e}")))?;
        let ips: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
        if ips.is_empty() {
            return Err(NetError::Dns(format!("{name}: no addresses")));
        }
        Ok(ips)
    }
}

/// Adapter so reqwest uses the same resolver.
pub struct ReqwestResolver(pub Arc<Resolver>);

impl reqwest::dns::Resolve for ReqwestResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let r = self.0.clone();
        Box::pin(async move {
            let ips = r
                .lookup(name.as_str())
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { Box::new(e) })?;
            let addrs: reqwest::dns::Addrs =
                Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}
