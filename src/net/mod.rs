//! Network plumbing every probe shares: one HTTP client, one resolver, one TLS inspector,
//! concurrency limits and per-run caches.
//!
//! Probes never build their own clients. [`Net`] enforces the run's rules in one place: every
//! operation holds a permit of the global `--concurrency` semaphore and of its host's
//! semaphore, every operation has the `--timeout`, redirects are never followed, bodies are
//! capped, and a request that several checks need is sent once (the cache holds the in-flight
//! future's result, so concurrent callers wait for the same answer). Name resolution goes
//! through [`resolve::Resolver`] for HTTP and TLS alike, so `--resolver` and the sandbox's host
//! map apply to every lookup the tool makes.

pub mod dns;
pub mod http;
pub mod resolve;
pub mod tls;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OnceCell, Semaphore};

pub use http::{HttpResponse, Req};
pub use tls::TlsFacts;

/// How a network operation failed, by phase: what a person needs to tell DNS trouble from a
/// firewall from TLS interception.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// The name did not resolve.
    #[error("DNS: {0}")]
    Dns(String),
    /// TCP connect was refused.
    #[error("connect: connection refused ({0})")]
    Refused(String),
    /// TCP connect did not finish in time (often a firewall dropping packets).
    #[error("connect: no answer within {0} s (a firewall may be dropping the traffic)")]
    ConnectTimeout(u64),
    /// The connection failed otherwise.
    #[error("connect: {0}")]
    Connect(String),
    /// The TLS handshake failed or did not finish.
    #[error("TLS: {0}")]
    Tls(String),
    /// The server did not answer in time after connecting.
    #[error("response: no answer within {0} s")]
    ResponseTimeout(u64),
    /// Anything else (a malformed URL, a protocol error).
    #[error("{0}")]
    Other(String),
}

/// Settings of the network layer.
#[derive(Debug, Clone)]
pub struct NetOptions {
    /// Per operation.
    pub timeout: Duration,
    /// Operations in flight at once.
    pub concurrency: usize,
    /// Operations in flight at once to one host.
    pub per_host: usize,
    /// Extra trusted roots (PEM bytes of `--ca-cert` files).
    pub extra_roots_pem: Vec<Vec<u8>>,
    /// Trust the system's roots too (off in the sandbox and tests).
    pub system_roots: bool,
    /// Fixed answers for names (the sandbox's hosts).
    pub hosts: HashMap<String, IpAddr>,
    /// Refuse to resolve any name not in `hosts` (the sandbox: nothing may leave loopback).
    pub hosts_only: bool,
    /// Which HTTPS proxy to use (read from `HTTPS_PROXY`/`NO_PROXY` by default; none in the
    /// sandbox).
    pub proxy: ProxySetting,
    /// Response bodies are read up to this many bytes.
    pub body_cap: usize,
    /// DNS servers to ask instead of the system's (`--resolver`), for every lookup.
    pub resolvers: Vec<std::net::SocketAddr>,
    /// Roots a public client trusts (Mozilla's by default). A certificate trusted by the run's
    /// roots but not by these suggests a TLS-inspecting proxy or a private CA.
    pub public_roots_pem: Option<Vec<u8>>,
}

impl Default for NetOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            concurrency: 64,
            per_host: 64,
            extra_roots_pem: Vec::new(),
            system_roots: true,
            hosts: HashMap::new(),
            hosts_only: false,
            proxy: ProxySetting::FromEnv,
            body_cap: 1024 * 1024,
            resolvers: Vec::new(),
            public_roots_pem: None,
        }
    }
}

/// Proxy configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxySetting {
    /// `HTTPS_PROXY` (or `https_proxy`, `ALL_PROXY`) and `NO_PROXY`, read when the run starts.
    FromEnv,
    /// No proxy.
    None,
    /// This proxy, except for hosts matching `no_proxy` entries.
    Url {
        /// `http://host:port`.
        url: String,
        /// Host suffixes to reach directly.
        no_proxy: Vec<String>,
    },
}

impl ProxySetting {
    /// Resolves `FromEnv` against the process environment.
    #[must_use]
    pub fn resolved(&self) -> Self {
        match self {
            Self::FromEnv => {
                let var = |names: &[&str]| {
                    names
                        .iter()
                        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
                };
                match var(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]) {
                    Some(url) => Self::Url {
                        url,
                        no_proxy: var(&["NO_PROXY", "no_proxy"])
                            .map(|v| {
                                v.split(',')
                                    .map(|s| s.trim().to_owned())
                                    .filter(|s| !s.is_empty())
                                    .collect()
                            })
                            .unwrap_or_default(),
                    },
                    None => Self::None,
                }
            }
            other => other.clone(),
        }
    }

    /// The proxy to use for `host`, if any.
    #[must_use]
    pub fn for_host(&self, host: &str) -> Option<&str> {
        let Self::Url { url, no_proxy } = self else {
            return None;
        };
        let h = host.to_ascii_lowercase();
        let bypass = no_proxy.iter().any(|n| {
            let n = n
                .trim_start_matches('*')
                .trim_start_matches('.')
                .to_ascii_lowercase();
            n == "*" || h == n || h.ends_with(&format!(".{n}"))
        });
        (!bypass).then_some(url.as_str())
    }
}

type Shared<T> = Arc<OnceCell<Arc<Result<T, NetError>>>>;

/// The shared network context of one run.
pub struct Net {
    /// The options it was built with.
    pub opts: NetOptions,
    client: reqwest::Client,
    resolver: Arc<resolve::Resolver>,
    roots: OnceCell<Arc<rustls::RootCertStore>>,
    public_roots: OnceCell<Arc<rustls::RootCertStore>>,
    dns: Option<Arc<dns::Dns>>,
    system_dns: OnceCell<Result<Arc<dns::Dns>, String>>,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    http_cache: Mutex<HashMap<String, Shared<HttpResponse>>>,
    tls_cache: Mutex<HashMap<(String, u16), Shared<TlsFacts>>>,
    /// Requests actually sent (method and URL), in order; for `--verbose` and tests.
    pub sent: Mutex<Vec<String>>,
}

impl std::fmt::Debug for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Net")
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

impl Net {
    /// Builds the client and resolver.
    ///
    /// # Errors
    /// An unusable `--ca-cert` file or a client that cannot be built.
    pub fn new(opts: NetOptions) -> Result<Self, String> {
        let dns = if opts.resolvers.is_empty() {
            None
        } else {
            Some(Arc::new(dns::Dns::servers(&opts.resolvers, opts.timeout)?))
        };
        let resolver = Arc::new(resolve::Resolver::new(
            opts.hosts.clone(),
            opts.hosts_only,
            dns.clone(),
        ));
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.timeout)
            .timeout(opts.timeout)
            .user_agent(concat!("launchcheck/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(resolve::ReqwestResolver(resolver.clone()))
            .pool_max_idle_per_host(8);
        let mut certs = Vec::new();
        for pem in &opts.extra_roots_pem {
            certs.extend(
                reqwest::Certificate::from_pem_bundle(pem)
                    .map_err(|e| format!("--ca-cert: not a PEM certificate bundle: {e}"))?,
            );
        }
        b = if opts.system_roots {
            b.tls_certs_merge(certs)
        } else {
            b.tls_certs_only(certs)
        };
        let mut opts = opts;
        opts.proxy = opts.proxy.resolved();
        b = b.no_proxy();
        if let ProxySetting::Url { url, no_proxy } = &opts.proxy {
            let p = reqwest::Proxy::https(url.as_str())
                .map_err(|e| format!("HTTPS_PROXY {url}: {e}"))?
                .no_proxy(reqwest::NoProxy::from_string(&no_proxy.join(",")));
            b = b.proxy(p);
        }
        let client = b
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            global: Arc::new(Semaphore::new(opts.concurrency.max(1))),
            opts,
            client,
            resolver,
            roots: OnceCell::new(),
            public_roots: OnceCell::new(),
            dns,
            system_dns: OnceCell::new(),
            hosts: Mutex::new(HashMap::new()),
            http_cache: Mutex::new(HashMap::new()),
            tls_cache: Mutex::new(HashMap::new()),
            sent: Mutex::new(Vec::new()),
        })
    }

    /// The resolver every lookup goes through.
    #[must_use]
    pub fn resolver(&self) -> &resolve::Resolver {
        &self.resolver
    }

    /// Waits for a global permit and one for `host`.
    async fn permits(&self, host: &str) -> Vec<tokio::sync::OwnedSemaphorePermit> {
        let host_sem = {
            let mut map = self
                .hosts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry(host.to_ascii_lowercase())
                .or_insert_with(|| Arc::new(Semaphore::new(self.opts.per_host.max(1))))
                .clone()
        };
        // Host first, then global: a busy host never holds global permits while it waits.
        // (The semaphores are never closed, so `acquire` only fails in theory.)
        let h = host_sem.acquire_owned().await.ok();
        let g = self.global.clone().acquire_owned().await.ok();
        h.into_iter().chain(g).collect()
    }

    /// Sends a request (once per run when it is cacheable) and returns the answer.
    pub async fn fetch(&self, req: &Req) -> Arc<Result<HttpResponse, NetError>> {
        if !req.cacheable {
            return Arc::new(self.send(req).await);
        }
        let cell = {
            let mut map = self
                .http_cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry(req.cache_key()).or_default().clone()
        };
        cell.get_or_init(|| async { Arc::new(self.send(req).await) })
            .await
            .clone()
    }

    async fn send(&self, req: &Req) -> Result<HttpResponse, NetError> {
        let url = reqwest::Url::parse(&req.url)
            .map_err(|e| NetError::Other(format!("invalid URL {}: {e}", req.url)))?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let _permits = self.permits(&host).await;
        if let Ok(mut s) = self.sent.lock() {
            s.push(format!("{} {}", req.method, req.url));
        }
        http::send(
            &self.client,
            req,
            url,
            self.opts.timeout,
            self.opts.body_cap,
        )
        .await
    }

    /// Trusted roots for the TLS inspector: system roots (when enabled) plus `--ca-cert`.
    async fn roots(&self) -> Arc<rustls::RootCertStore> {
        self.roots
            .get_or_init(|| async {
                let mut store = rustls::RootCertStore::empty();
                if self.opts.system_roots {
                    let native =
                        tokio::task::spawn_blocking(rustls_native_certs::load_native_certs)
                            .await
                            .map(|r| r.certs)
                            .unwrap_or_default();
                    let _ = store.add_parsable_certificates(native);
                }
                for pem in &self.opts.extra_roots_pem {
                    use rustls::pki_types::pem::PemObject;
                    let certs = rustls::pki_types::CertificateDer::pem_slice_iter(pem)
                        .filter_map(Result::ok);
                    let _ = store.add_parsable_certificates(certs);
                }
                Arc::new(store)
            })
            .await
            .clone()
    }

    /// The DNS client for record queries: the `--resolver` servers, or the system's.
    ///
    /// # Errors
    /// The system DNS configuration cannot be read.
    pub async fn dns(&self) -> Result<Arc<dns::Dns>, String> {
        if let Some(d) = &self.dns {
            return Ok(d.clone());
        }
        self.system_dns
            .get_or_init(|| async { dns::Dns::system(self.opts.timeout).map(Arc::new) })
            .await
            .clone()
    }

    /// Roots a public client trusts (Mozilla's bundle unless overridden).
    pub async fn public_roots(&self) -> Arc<rustls::RootCertStore> {
        self.public_roots
            .get_or_init(|| async {
                let mut store = rustls::RootCertStore::empty();
                match &self.opts.public_roots_pem {
                    Some(pem) => {
                        use rustls::pki_types::pem::PemObject;
                        let certs = rustls::pki_types::CertificateDer::pem_slice_iter(pem)
                            .filter_map(Result::ok);
                        let _ = store.add_parsable_certificates(certs);
                    }
                    None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
                }
                Arc::new(store)
            })
            .await
            .clone()
    }

    /// Whether `der` chains to the public roots for `host` (for TLS-interception diagnosis).
    pub async fn publicly_trusted(
        &self,
        chain: &[rustls::pki_types::CertificateDer<'static>],
        host: &str,
    ) -> Result<(), String> {
        let roots = self.public_roots().await;
        tls::verify_chain(roots, chain, host)
    }

    /// Connects to `host:port`, completes a TLS handshake and records what it saw (once per
    /// run for each host and port).
    pub async fn inspect_tls(&self, host: &str, port: u16) -> Arc<Result<TlsFacts, NetError>> {
        let key = (host.to_ascii_lowercase(), port);
        let cell = {
            let mut map = self
                .tls_cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry(key).or_default().clone()
        };
        cell.get_or_init(|| async {
            let roots = self.roots().await;
            let _permits = self.permits(host).await;
            let proxy = self.opts.proxy.for_host(host).map(str::to_owned);
            Arc::new(
                tls::inspect(
                    &self.resolver,
                    roots,
                    host,
                    port,
                    self.opts.timeout,
                    proxy.as_deref(),
                )
                .await,
            )
        })
        .await
        .clone()
    }
}
