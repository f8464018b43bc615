//! A small HTTP(S) server for the sandbox, on a loopback ephemeral port.
//!
//! One listener serves both TLS and plain HTTP: it peeks at the first byte (0x16 starts a TLS
//! handshake) so `http://host:port/` and `https://host:port/` reach the same app, which is how
//! the HTTPS-redirect probe can be tested without a privileged port 80. Every request is logged
//! (server, method, path, scheme) so tests can count what launchcheck sent.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// A request as the handlers see it.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// `GET`, `POST`.
    pub method: String,
    /// Path without query.
    pub path: String,
    /// Decoded query pairs.
    pub query: Vec<(String, String)>,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body (at most 1 MiB).
    pub body: Vec<u8>,
    /// Arrived over TLS.
    pub tls: bool,
    /// Host header (with port).
    pub host: String,
}

impl Incoming {
    /// A query parameter.
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A header.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::net::http::header_values(&self.headers, name).next()
    }

    /// A cookie value.
    #[must_use]
    pub fn cookie(&self, name: &str) -> Option<String> {
        crate::net::http::header_values(&self.headers, "cookie")
            .flat_map(|c| c.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }
}

/// A response.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Outgoing {
    /// A response with a body and content type.
    #[must_use]
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// An HTML page.
    #[must_use]
    pub fn html(status: u16, text: &str) -> Self {
        Self::new(
            status,
            "text/html; charset=utf-8",
            format!("<!doctype html><title>{text}</title><p>{text}</p>\n"),
        )
    }

    /// A JSON document.
    #[must_use]
    pub fn json(status: u16, v: &serde_json::Value) -> Self {
        Self::new(status, "application/json", v.to_string())
    }

    /// A redirect.
    #[must_use]
    pub fn redirect(status: u16, location: &str) -> Self {
        let mut o = Self::new(status, "text/plain", Vec::new());
        o.headers.push(("location".into(), location.into()));
        o
    }

    /// Adds a header.
    #[must_use]
    pub fn with(mut self, k: &str, v: impl Into<String>) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
}

/// One logged request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// Which sandbox server.
    pub server: &'static str,
    /// Method.
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Over TLS.
    pub tls: bool,
    /// Identity of the request: a hash of method, target, Host, `webhook-*` headers and body. Two
    /// entries with the same fingerprint are the same request sent twice.
    pub fingerprint: String,
}

/// Requests seen by the sandbox, shared by its servers.
#[derive(Debug, Clone, Default)]
pub struct RequestLog(Arc<Mutex<Vec<Logged>>>);

impl RequestLog {
    /// Everything logged so far.
    #[must_use]
    pub fn entries(&self) -> Vec<Logged> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }

    fn push(&self, l: Logged) {
        if let Ok(mut v) = self.0.lock() {
            v.push(l);
        }
    }
}

/// A handler future.
pub type Reply = Pin<Box<dyn Future<Output = Outgoing> + Send>>;
/// A request handler.
pub type Handler = Arc<dyn Fn(Incoming) -> Reply + Send + Sync>;

/// A running server; stops when dropped.
#[derive(Debug)]
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn query_pairs(q: Option<&str>) -> Vec<(String, String)> {
    let Some(q) = q else { return Vec::new() };
    reqwest::Url::parse(&format!("http://x/?{q}"))
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

async fn handle(
    req: hyper::Request<hyper::body::Incoming>,
    tls: bool,
    name: &'static str,
    handler: Handler,
    log: RequestLog,
    latency: Duration,
) -> Result<hyper::Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, body) = req.into_parts();
    let body = Limited::new(body, 1024 * 1024)
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), ToString::to_string);
    let fingerprint = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(parts.method.as_str());
        h.update(b" ");
        h.update(target.as_bytes());
        for k in [
            "host",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
        ] {
            if let Some(v) = parts.headers.get(k) {
                h.update(v.as_bytes());
            }
        }
        h.update(&body);
        h.finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    log.push(Logged {
        server: name,
        method: parts.method.to_string(),
        target,
        tls,
        fingerprint,
    });
    let incoming = Incoming {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: query_pairs(parts.uri.query()),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        tls,
        host: parts
            .headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let out = handler(incoming).await;
    let mut resp = hyper::Response::new(Full::new(Bytes::from(out.body)));
    *resp.status_mut() =
        hyper::StatusCode::from_u16(out.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in out.headers {
        if let (Ok(k), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(k.as_bytes()),
            hyper::header::HeaderValue::from_str(&v),
        ) {
            resp.headers_mut().append(k, v);
        }
    }
    Ok(resp)
}

/// Starts a server on 127.0.0.1 with an ephemeral port.
///
/// # Errors
/// The port cannot be bound.
pub async fn start(
    name: &'static str,
    tls: Option<Arc<rustls::ServerConfig>>,
    handler: Handler,
    log: RequestLog,
    latency: Duration,
) -> Result<Server, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot bind a loopback port: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            let handler = handler.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let mut first = [0u8; 1];
                let is_tls = matches!(stream.peek(&mut first).await, Ok(1) if first[0] == 0x16);
                match (is_tls, acceptor) {
                    (true, Some(acc)) => {
                        let Ok(Ok(tls_stream)) =
                            tokio::time::timeout(Duration::from_secs(10), acc.accept(stream)).await
                        else {
                            return;
                        };
                        let svc = service_fn(move |r| {
                            handle(r, true, name, handler.clone(), log.clone(), latency)
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(tls_stream), svc)
                            .await;
                    }
                    _ => {
                        let svc = service_fn(move |r| {
                            handle(r, false, name, handler.clone(), log.clone(), latency)
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), svc)
                            .await;
                    }
                }
            });
        }
    });
    Ok(Server { addr, task })
}
