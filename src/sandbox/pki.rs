//! A throwaway certificate authority for the sandbox: one CA per sandbox, leaves on demand
//! (valid, expired, or for the wrong host). Nothing is written to disk; launchcheck trusts the
//! CA through the same mechanism as `--ca-cert`.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

/// The sandbox CA.
pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ca")
    }
}

/// Which leaf to issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    /// Valid for a year, for the host.
    Valid,
    /// Expired in 2021.
    Expired,
    /// Valid, but for another name.
    WrongHost,
}

impl Ca {
    /// A new CA.
    ///
    /// # Errors
    /// Key or certificate generation failed.
    pub fn new() -> Result<Self, String> {
        Self::named("launchcheck sandbox CA (throwaway)")
    }

    /// A new CA with this common name.
    ///
    /// # Errors
    /// Key or certificate generation failed.
    pub fn named(common_name: &str) -> Result<Self, String> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::CrlSign,
        ];
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let issuer = CertifiedIssuer::self_signed(params, key).map_err(|e| e.to_string())?;
        Ok(Self { issuer })
    }

    /// The CA certificate, PEM.
    #[must_use]
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A rustls server config presenting a leaf for `hosts`.
    ///
    /// # Errors
    /// Generation failed.
    pub fn server_config(
        &self,
        hosts: &[&str],
        kind: Leaf,
    ) -> Result<Arc<rustls::ServerConfig>, String> {
        let names: Vec<String> = match kind {
            Leaf::WrongHost => vec!["wrong-host.launchcheck-demo.com".into()],
            Leaf::Valid | Leaf::Expired => hosts.iter().map(|h| (*h).to_owned()).collect(),
        };
        let mut params = CertificateParams::new(names).map_err(|e| e.to_string())?;
        params.distinguished_name.push(
            DnType::CommonName,
            hosts.first().copied().unwrap_or("sandbox"),
        );
        if kind == Leaf::Expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        } else {
            let now = time::OffsetDateTime::now_utc();
            params.not_before = now - time::Duration::days(1);
            params.not_after = now + time::Duration::days(365);
        }
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let leaf = params
            .signed_by(&key, &self.issuer)
            .map_err(|e| e.to_string())?;
        let chain = vec![
            leaf.der().clone(),
            CertificateDer::from(self.issuer.der().to_vec()),
        ];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let mut cfg = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| e.to_string())?;
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(cfg))
    }
}
