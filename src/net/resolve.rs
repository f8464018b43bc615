//! Name resolution for every lookup launchcheck makes (HTTP requests and TLS probes alike).
//!
//! Fixed host answers come first (the sandbox maps its names to 127.0.0.1); with `hosts_only`
//! nothing else resolves, which guarantees that a sandbox run or a test never leaves loopback.
//! Otherwise the system resolver answers.

use super::NetError;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

type Cell = Arc<tokio::sync::OnceCell<Result<Vec<IpAddr>, NetError>>>;

/// The run's resolver. Answers are kept for the run: a name is looked up once however many
/// connections need it.
#[derive(Debug)]
pub struct Resolver {
    hosts: HashMap<String, IpAddr>,
    hosts_only: bool,
    dns: Option<Arc<super::dns::Dns>>,
    cache: std::sync::Mutex<HashMap<String, Cell>>,
}

impl Resolver {
    /// A resolver with fixed answers; `dns` (from `--resolver`) replaces the system resolver.
    #[must_use]
    pub fn new(
        hosts: HashMap<String, IpAddr>,
        hosts_only: bool,
        dns: Option<Arc<super::dns::Dns>>,
    ) -> Self {
        let hosts = hosts
            .into_iter()
            .map(|(k, v)| (k.trim_end_matches('.').to_ascii_lowercase(), v))
            .collect();
        Self {
            hosts,
            hosts_only,
            dns,
            cache: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Addresses of `name`.
    ///
    /// # Errors
    /// The name does not resolve (or is not a sandbox host in `hosts_only` mode).
    pub async fn lookup(&self, name: &str) -> Result<Vec<IpAddr>, NetError> {
        let key = name.trim_end_matches('.').to_ascii_lowercase();
        let cell = {
            let mut map = self
                .cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry(key.clone()).or_default().clone()
        };
        cell.get_or_init(|| self.lookup_uncached(name, key.clone()))
            .await
            .clone()
    }

    async fn lookup_uncached(&self, name: &str, key: String) -> Result<Vec<IpAddr>, NetError> {
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
        if let Some(dns) = &self.dns {
            return dns
                .lookup_ip(key)
                .await
                .map_err(|a| NetError::Dns(format!("{name}: {}", a.describe())));
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
