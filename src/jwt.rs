//! Just enough JWT for the probes and the sandbox: RS256 signing, verification against a
//! JWKS-style RSA key, and JWKS rendering. base64url without padding, compact serialization.
//!
//! The `idp_initiated` probe signs a token with a key of its own (never the provider's), so a
//! correct app must refuse it; the sandbox provider signs with its published key.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    KeyPair as _, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// An RSA signing key with its key id.
pub struct SigningKey {
    /// `kid` header value.
    pub kid: String,
    pair: RsaKeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh 2048-bit key.
    ///
    /// # Errors
    /// Key generation failed.
    pub fn generate(kid: &str) -> Result<Self, String> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| "RSA key generation failed".to_owned())?;
        Ok(Self {
            kid: kid.to_owned(),
            pair,
        })
    }

    /// A key from PKCS#8 DER.
    ///
    /// # Errors
    /// Not an RSA PKCS#8 key.
    pub fn from_pkcs8(kid: &str, der: &[u8]) -> Result<Self, String> {
        let pair =
            RsaKeyPair::from_pkcs8(der).map_err(|e| format!("not an RSA PKCS#8 key: {e}"))?;
        Ok(Self {
            kid: kid.to_owned(),
            pair,
        })
    }

    /// The public half as a JWK (`kty`, `kid`, `alg`, `use`, `n`, `e`).
    #[must_use]
    pub fn jwk(&self) -> Value {
        let c: RsaPublicKeyComponents<Vec<u8>> = self.pair.public_key().into();
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(&c.n),
            "e": URL_SAFE_NO_PAD.encode(&c.e),
        })
    }

    /// A compact RS256 JWT with these claims.
    ///
    /// # Errors
    /// Signing failed.
    pub fn sign(&self, claims: &Value) -> Result<String, String> {
        self.sign_as(&self.kid, claims)
    }

    /// A compact RS256 JWT whose header names `kid` (a forgery may borrow another key's id).
    ///
    /// # Errors
    /// Signing failed.
    pub fn sign_as(&self, kid: &str, claims: &Value) -> Result<String, String> {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .map_err(|_| "RSA signing failed".to_owned())?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Not three base64url parts of JSON.
    #[error("malformed token")]
    Malformed,
    /// `alg` is not RS256.
    #[error("unsupported alg")]
    Alg,
    /// No key with this `kid`.
    #[error("unknown kid")]
    UnknownKid,
    /// The signature does not verify.
    #[error("signature verification failed")]
    Signature,
    /// `exp` has passed (or is missing).
    #[error("token expired")]
    Expired,
}

/// The claims of a token, without verifying anything (for messages and faulty sandbox modes).
///
/// # Errors
/// Not a JWT.
pub fn insecure_claims(token: &str) -> Result<Value, JwtError> {
    let mut parts = token.split('.');
    let (_, Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| JwtError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError::Malformed)
}

/// Verifies an RS256 token against a JWKS document and checks `exp` at `now`.
///
/// # Errors
/// See [`JwtError`].
pub fn verify(token: &str, jwks: &Value, now: i64) -> Result<Value, JwtError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [h, p, s] = parts.as_slice() else {
        return Err(JwtError::Malformed);
    };
    let header: Value = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwtError::Malformed)?;
    if header["alg"] != "RS256" {
        return Err(JwtError::Alg);
    }
    let kid = header["kid"].as_str().ok_or(JwtError::UnknownKid)?;
    let key = jwks["keys"]
        .as_array()
        .and_then(|ks| ks.iter().find(|k| k["kid"] == kid))
        .ok_or(JwtError::UnknownKid)?;
    let dec = |k: &str| {
        key[k]
            .as_str()
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .ok_or(JwtError::UnknownKid)
    };
    let public = RsaPublicKeyComponents {
        n: dec("n")?,
        e: dec("e")?,
    };
    let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| JwtError::Malformed)?;
    public
        .verify(
            &RSA_PKCS1_2048_8192_SHA256,
            format!("{h}.{p}").as_bytes(),
            &sig,
        )
        .map_err(|_| JwtError::Signature)?;
    let claims = insecure_claims(token)?;
    match claims["exp"].as_i64() {
        Some(exp) if exp > now => Ok(claims),
        _ => Err(JwtError::Expired),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_reject_a_foreign_key() {
        let good = SigningKey::generate("snk_1").unwrap();
        let other = SigningKey::generate("snk_1").unwrap();
        let jwks = json!({"keys": [good.jwk()]});
        let claims = json!({"sub": "x", "exp": 2000});
        let t = good.sign(&claims).unwrap();
        assert_eq!(verify(&t, &jwks, 1000).unwrap()["sub"], "x");
        assert_eq!(verify(&t, &jwks, 3000), Err(JwtError::Expired));
        let forged = other.sign(&claims).unwrap();
        assert_eq!(verify(&forged, &jwks, 1000), Err(JwtError::Signature));
        assert_eq!(insecure_claims(&forged).unwrap()["sub"], "x");
        assert_eq!(verify("a.b", &jwks, 0), Err(JwtError::Malformed));
    }
}
