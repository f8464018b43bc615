//! HTTP requests as data, and the one function that sends them.
//!
//! A [`Req`] says what to send and whether its answer may be shared within the run; an
//! [`HttpResponse`] is what came back, with the body read up to a cap. Errors are classified by
//! phase (DNS, connect, TLS, response) from reqwest's error chain.

use super::NetError;
use std::time::{Duration, Instant};

/// One request.
#[derive(Clone)]
pub struct Req {
    /// `GET`, `POST`, …
    pub method: reqwest::Method,
    /// Absolute URL.
    pub url: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Option<Vec<u8>>,
    /// Whether the answer may be reused by other checks in the same run.
    pub cacheable: bool,
}

impl std::fmt::Debug for Req {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Bodies may hold credentials: never shown.
        f.debug_struct("Req")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

impl Req {
    /// A cacheable GET.
    #[must_use]
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: reqwest::Method::GET,
            url: url.into(),
            headers: Vec::new(),
            body: None,
            cacheable: true,
        }
    }

    /// A POST (not cached unless asked).
    #[must_use]
    pub fn post(url: impl Into<String>, content_type: &str, body: Vec<u8>) -> Self {
        Self {
            method: reqwest::Method::POST,
            url: url.into(),
            headers: vec![("content-type".into(), content_type.into())],
            body: Some(body),
            cacheable: false,
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Marks the answer as shareable.
    #[must_use]
    pub const fn cached(mut self, yes: bool) -> Self {
        self.cacheable = yes;
        self
    }

    /// Identity of the request for the cache (the body is hashed, never stored as text).
    #[must_use]
    pub fn cache_key(&self) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for (k, v) in &self.headers {
            h.update(k.as_bytes());
            h.update(b":");
            h.update(v.as_bytes());
            h.update(b"\n");
        }
        if let Some(b) = &self.body {
            h.update(b);
        }
        let digest = h.finalize();
        let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        format!("{} {} {hex}", self.method, self.url)
    }
}

/// Every value of header `name` (case-insensitive) in a name/value list; shared by responses
/// here and by the sandbox's requests.
pub fn header_values<'a, 'n>(
    headers: &'a [(String, String)],
    name: &'n str,
) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
    headers
        .iter()
        .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// Body, up to the cap.
    pub body: Vec<u8>,
    /// True when the body was longer than the cap.
    pub truncated: bool,
    /// Time to the full (capped) body.
    pub elapsed_ms: u64,
}

impl HttpResponse {
    /// First value of a header.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        header_values(&self.headers, name).next()
    }

    /// Every value of a header.
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        header_values(&self.headers, name)
    }

    /// Body as text (lossy).
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first `n` characters of the body on one line, for messages.
    #[must_use]
    pub fn snippet(&self, n: usize) -> String {
        let t = self.text();
        let one: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if one.chars().count() > n {
            format!("{}…", one.chars().take(n).collect::<String>())
        } else {
            one
        }
    }

    /// Names of the cookies this response sets (never their values).
    #[must_use]
    pub fn cookie_names(&self) -> Vec<String> {
        self.header_all("set-cookie")
            .filter_map(|c| c.split('=').next())
            .map(|n| n.trim().to_owned())
            .collect()
    }
}

fn classify(e: &reqwest::Error, timeout: Duration) -> NetError {
    let secs = timeout.as_secs().max(1);
    let mut chain = String::new();
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        chain.push_str(&s.to_string());
        chain.push_str(": ");
        src = s.source();
    }
    let lower = chain.to_ascii_lowercase();
    let detail = chain.trim_end_matches(": ").to_owned();
    if lower.contains("dns") || lower.contains("not a host of this sandbox") {
        return NetError::Dns(detail);
    }
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        return NetError::Tls(detail);
    }
    if e.is_connect() {
        if lower.contains("refused") {
            return NetError::Refused(detail);
        }
        if e.is_timeout() || lower.contains("timed out") {
            return NetError::ConnectTimeout(secs);
        }
        return NetError::Connect(detail);
    }
    if e.is_timeout() {
        return NetError::ResponseTimeout(secs);
    }
    NetError::Other(detail)
}

/// Sends `req` with `client`.
///
/// # Errors
/// A classified [`NetError`].
pub async fn send(
    client: &reqwest::Client,
    req: &Req,
    url: reqwest::Url,
    timeout: Duration,
    cap: usize,
) -> Result<HttpResponse, NetError> {
    let started = Instant::now();
    let mut rb = client.request(req.method.clone(), url);
    for (k, v) in &req.headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    if let Some(b) = &req.body {
        rb = rb.body(b.clone());
    }
    let work = async {
        let mut resp = rb.send().await.map_err(|e| classify(&e, timeout))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e, timeout))? {
            let room = cap.saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
            truncated,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        })
    };
    // reqwest's own timeout covers the request; this bounds the body read as well.
    tokio::time::timeout(timeout + Duration::from_millis(250), work)
        .await
        .unwrap_or(Err(NetError::ResponseTimeout(timeout.as_secs().max(1))))
}
