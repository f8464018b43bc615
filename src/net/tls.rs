//! TLS inspection: connect, handshake, and record what the server presented.
//!
//! A normal client stops at the first verification error and shows nothing; a readiness tool
//! must report the certificate it got (expired on what date, issued by whom, for which names).
//! So the handshake runs with a [`RecordingVerifier`] that asks the real WebPKI verifier for its
//! verdict, keeps the verdict, and lets the handshake finish. Nothing but the handshake is ever
//! sent over such a connection.

use super::NetError;
use super::resolve::Resolver;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Facts about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    /// Whole days until `not_after` (negative when expired).
    pub days_left: i64,
    /// DNS names in the subjectAltName.
    pub dns_names: Vec<String>,
}

/// What a handshake showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFacts {
    /// The address connected to.
    pub addr: SocketAddr,
    /// `TLSv1_3`, `TLSv1_2`.
    pub protocol: String,
    /// Negotiated cipher suite.
    pub cipher: String,
    /// ALPN protocol, when negotiated.
    pub alpn: Option<String>,
    /// The verifier's verdict: `Ok` or why the chain is not trusted for this name.
    pub verdict: Result<(), String>,
    /// Leaf first.
    pub chain: Vec<CertFacts>,
    /// The presented certificates, DER, leaf first.
    pub chain_der: Vec<CertificateDer<'static>>,
    /// TCP connect time.
    pub connect_ms: u64,
    /// Handshake time.
    pub handshake_ms: u64,
}

impl TlsFacts {
    /// The leaf certificate.
    #[must_use]
    pub fn leaf(&self) -> Option<&CertFacts> {
        self.chain.first()
    }
}

/// Wraps the real verifier and records its verdict instead of failing the handshake.
#[derive(Debug)]
pub struct RecordingVerifier {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    verdict: Mutex<Option<Result<(), String>>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let v = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map(|_| ())
            .map_err(|e| describe_tls_error(&e));
        if let Ok(mut slot) = self.verdict.lock() {
            *slot = Some(v);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A person-readable reason for a certificate error (no timestamps that change every run).
#[must_use]
pub fn describe_tls_error(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => "certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => "certificate is not valid yet".into(),
            C::UnknownIssuer => "certificate is issued by an unknown (untrusted) CA".into(),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "certificate is not valid for this host name".into()
            }
            C::Revoked => "certificate is revoked".into(),
            C::BadSignature => "certificate has a bad signature".into(),
            other => format!("certificate rejected: {other:?}"),
        },
        other => other.to_string(),
    }
}

fn facts_of(der: &CertificateDer<'_>) -> Option<CertFacts> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let fmt = |t: x509_parser::time::ASN1Time| {
        t.to_datetime()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let validity = cert.validity();
    let days_left =
        (validity.not_after.to_datetime() - time::OffsetDateTime::now_utc()).whole_days();
    let dns_names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|g| match g {
                    x509_parser::extensions::GeneralName::DNSName(n) => Some((*n).to_owned()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(CertFacts {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: fmt(validity.not_before),
        not_after: fmt(validity.not_after),
        days_left,
        dns_names,
    })
}

fn ms(t: Instant) -> u64 {
    u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Opens a tunnel to `host:port` through an HTTP proxy (`CONNECT`).
async fn connect_via_proxy(
    resolver: &Resolver,
    proxy: &str,
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<(tokio::net::TcpStream, SocketAddr), NetError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let secs = timeout.as_secs().max(1);
    let u = reqwest::Url::parse(proxy)
        .map_err(|e| NetError::Other(format!("proxy URL {proxy}: {e}")))?;
    let phost = u.host_str().unwrap_or_default().to_owned();
    let pport = u.port_or_known_default().unwrap_or(8080);
    let ip = *resolver
        .lookup(&phost)
        .await?
        .first()
        .ok_or_else(|| NetError::Dns(format!("proxy {phost}: no addresses")))?;
    let addr = SocketAddr::new(ip, pport);
    let mut s = match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await {
        Err(_) => return Err(NetError::ConnectTimeout(secs)),
        Ok(Err(e)) => return Err(NetError::Connect(format!("proxy {addr}: {e}"))),
        Ok(Ok(s)) => s,
    };
    let req = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n");
    let work = async {
        s.write_all(req.as_bytes()).await?;
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
            if s.read(&mut byte).await? == 0 {
                break;
            }
            head.push(byte[0]);
        }
        Ok::<_, std::io::Error>(head)
    };
    let head = tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| NetError::ConnectTimeout(secs))?
        .map_err(|e| NetError::Connect(format!("proxy {addr}: {e}")))?;
    let status = String::from_utf8_lossy(&head);
    let line = status.lines().next().unwrap_or_default().to_owned();
    if line.split_whitespace().nth(1) != Some("200") {
        return Err(NetError::Connect(format!(
            "the proxy {phost}:{pport} refused CONNECT {host}:{port}: {line}"
        )));
    }
    Ok((s, addr))
}

/// Connects (directly, or through `proxy` with CONNECT) and handshakes with `host:port`.
///
/// # Errors
/// DNS, connect or handshake failures, by phase.
pub async fn inspect(
    resolver: &Resolver,
    roots: Arc<rustls::RootCertStore>,
    host: &str,
    port: u16,
    timeout: Duration,
    proxy: Option<&str>,
) -> Result<TlsFacts, NetError> {
    let secs = timeout.as_secs().max(1);
    let ips = match proxy {
        Some(_) => vec![std::net::IpAddr::from([0, 0, 0, 0])], // the proxy resolves the name
        None => tokio::time::timeout(timeout, resolver.lookup(host))
            .await
            .map_err(|_| NetError::Dns(format!("{host}: no answer within {secs} s")))??,
    };
    let inner = rustls::client::WebPkiServerVerifier::builder(roots)
        .build()
        .map_err(|e| NetError::Tls(format!("no trusted roots to verify against: {e}")))?;
    let verifier = Arc::new(RecordingVerifier {
        inner,
        verdict: Mutex::new(None),
    });
    let mut config = rustls::ClientConfig::builder()
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| NetError::Other(format!("{host} is not a valid server name: {e}")))?;
    let mut last_err = NetError::Dns(format!("{host}: no addresses"));
    for ip in ips {
        let mut addr = SocketAddr::new(ip, port);
        let t = Instant::now();
        let direct = async {
            match proxy {
                Some(p) => connect_via_proxy(resolver, p, host, port, timeout)
                    .await
                    .map(|(s, a)| {
                        addr = a;
                        s
                    })
                    .map_err(|e| std::io::Error::other(e.to_string())),
                None => tokio::net::TcpStream::connect(addr).await,
            }
        };
        let tcp = match tokio::time::timeout(timeout, direct).await {
            Err(_) => {
                last_err = NetError::ConnectTimeout(secs);
                continue;
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                last_err = NetError::Refused(addr.to_string());
                continue;
            }
            Ok(Err(e)) => {
                last_err = NetError::Connect(format!("{addr}: {e}"));
                continue;
            }
            Ok(Ok(s)) => s,
        };
        let connect_ms = ms(t);
        let t = Instant::now();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config.clone()));
        let stream = match tokio::time::timeout(timeout, connector.connect(name.clone(), tcp)).await
        {
            Err(_) => {
                return Err(NetError::Tls(format!(
                    "handshake with {addr} did not finish within {secs} s (connected, then silence)"
                )));
            }
            Ok(Err(e)) => {
                let msg = e
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                    .map_or_else(|| e.to_string(), describe_tls_error);
                return Err(NetError::Tls(format!(
                    "handshake with {addr} failed: {msg}"
                )));
            }
            Ok(Ok(s)) => s,
        };
        let handshake_ms = ms(t);
        let (_, conn) = stream.get_ref();
        let chain_der: Vec<CertificateDer<'static>> = conn
            .peer_certificates()
            .unwrap_or_default()
            .iter()
            .map(|c| c.clone().into_owned())
            .collect();
        let chain = chain_der.iter().filter_map(facts_of).collect();
        let verdict = verifier
            .verdict
            .lock()
            .ok()
            .and_then(|mut v| v.take())
            .unwrap_or_else(|| Err("the server presented no certificate".into()));
        return Ok(TlsFacts {
            addr,
            protocol: conn
                .protocol_version()
                .map(|v| format!("{v:?}"))
                .unwrap_or_default(),
            cipher: conn
                .negotiated_cipher_suite()
                .map(|c| format!("{:?}", c.suite()))
                .unwrap_or_default(),
            alpn: conn
                .alpn_protocol()
                .map(|a| String::from_utf8_lossy(a).into_owned()),
            verdict,
            chain,
            chain_der,
            connect_ms,
            handshake_ms,
        });
    }
    Err(last_err)
}

/// Verifies a presented chain against `roots` for `host`, now.
///
/// # Errors
/// Why the chain is not trusted.
pub fn verify_chain(
    roots: Arc<rustls::RootCertStore>,
    chain: &[CertificateDer<'static>],
    host: &str,
) -> Result<(), String> {
    let Some((leaf, rest)) = chain.split_first() else {
        return Err("no certificate".into());
    };
    let verifier = rustls::client::WebPkiServerVerifier::builder(roots)
        .build()
        .map_err(|e| e.to_string())?;
    let name = ServerName::try_from(host.to_owned()).map_err(|e| e.to_string())?;
    verifier
        .verify_server_cert(leaf, rest, &name, &[], UnixTime::now())
        .map(|_| ())
        .map_err(|e| describe_tls_error(&e))
}
