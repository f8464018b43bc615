//! Webhook signing: the Standard Webhooks v1 scheme the provider uses (via Svix).
//!
//! Pure functions, no I/O: `signature = "v1," + base64(HMAC-SHA256(key, id + "." + ts + "." +
//! body))`, with the key decoded from the part of `whsec_<base64>` between the first and any
//! second underscore. The verifier accepts exactly what both official SDKs accept (golden vectors
//! in the tests): any matching `v1` entry of a space-separated list, entries of other versions
//! ignored, timestamps within ±5 minutes, the integer part of a fractional timestamp.

pub mod events;

use crate::secret::Secret;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = hmac::Hmac<Sha256>;

/// Tolerance of the timestamp check, both directions.
pub const TOLERANCE_SECS: i64 = 300;

/// How the key part of a `whsec_` secret decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyDecode {
    /// Standard, padded base64.
    Strict(Vec<u8>),
    /// Valid only without padding rules (accepted by the Python and Node SDKs, not Go).
    NeedsPadding(Vec<u8>),
}

impl KeyDecode {
    /// The key bytes.
    #[must_use]
    pub fn key(&self) -> &[u8] {
        match self {
            Self::Strict(k) | Self::NeedsPadding(k) => k,
        }
    }
}

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes the base64 part of a signing secret.
///
/// `None` when it is not base64 even leniently.
#[must_use]
pub fn decode_key_part(b64: &str) -> Option<KeyDecode> {
    if let Ok(k) = STANDARD.decode(b64) {
        return Some(KeyDecode::Strict(k));
    }
    LENIENT.decode(b64).ok().map(KeyDecode::NeedsPadding)
}

/// Why a secret cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No `_` in the secret (the SDKs' "Invalid secret").
    #[error("the secret has no `_` (expected whsec_<base64>)")]
    NoUnderscore,
    /// The part after `whsec_` is not base64.
    #[error("the part after whsec_ is not base64")]
    NotBase64,
}

/// The HMAC key of a `whsec_…` secret.
///
/// # Errors
/// See [`KeyError`].
pub fn signing_key(secret: &Secret) -> Result<Vec<u8>, KeyError> {
    let part = secret
        .expose()
        .split('_')
        .nth(1)
        .ok_or(KeyError::NoUnderscore)?;
    decode_key_part(part)
        .map(|d| d.key().to_vec())
        .ok_or(KeyError::NotBase64)
}

/// The three headers of a signed delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp` (Unix seconds).
    pub timestamp: i64,
    /// `webhook-signature` (`v1,<base64>`).
    pub signature: String,
}

impl SignedHeaders {
    /// Name/value pairs, in the order the provider sends them.
    #[must_use]
    pub fn pairs(&self) -> [(&'static str, String); 3] {
        [
            ("webhook-id", self.id.clone()),
            ("webhook-timestamp", self.timestamp.to_string()),
            ("webhook-signature", self.signature.clone()),
        ]
    }
}

/// `v1,<base64 mac>` for one delivery.
#[must_use]
pub fn sign_with_key(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let out = mac_for(key, id, &timestamp.to_string(), body)
        .finalize()
        .into_bytes();
    format!("v1,{}", STANDARD.encode(out))
}

fn mac_for(key: &[u8], id: &str, ts: &str, body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length: new_from_slice cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Signs a delivery.
///
/// # Errors
/// The secret is not a usable `whsec_` secret.
pub fn sign(
    secret: &Secret,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<SignedHeaders, KeyError> {
    let key = signing_key(secret)?;
    Ok(SignedHeaders {
        id: id.to_owned(),
        timestamp,
        signature: sign_with_key(&key, id, timestamp, body),
    })
}

/// Why a delivery does not verify (the SDKs' error texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A header is missing or empty.
    #[error("Missing required headers")]
    MissingHeaders,
    /// The secret is unusable.
    #[error("Invalid secret")]
    InvalidSecret,
    /// The timestamp is not a number.
    #[error("Invalid Signature Headers")]
    BadTimestamp,
    /// Older than the tolerance.
    #[error("Message timestamp too old")]
    TooOld,
    /// Newer than the tolerance.
    #[error("Message timestamp too new")]
    TooNew,
    /// No `v1` entry matches.
    #[error("Invalid signature")]
    Mismatch,
}

/// Verifies a delivery as the official SDKs do, at time `now` (Unix seconds).
///
/// # Errors
/// See [`VerifyError`].
pub fn verify(
    secret: &Secret,
    id: Option<&str>,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), VerifyError> {
    fn nonempty(v: Option<&str>) -> Option<&str> {
        v.filter(|s| !s.is_empty())
    }
    let (Some(id), Some(ts), Some(sig)) = (nonempty(id), nonempty(timestamp), nonempty(signature))
    else {
        return Err(VerifyError::MissingHeaders);
    };
    let key = signing_key(secret).map_err(|_| VerifyError::InvalidSecret)?;
    let ts_f: f64 = ts.trim().parse().map_err(|_| VerifyError::BadTimestamp)?;
    if !ts_f.is_finite() {
        return Err(VerifyError::BadTimestamp);
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "floor of a finite timestamp, as the SDKs do"
    )]
    let ts_i = ts_f.floor() as i64;
    if now - ts_i > TOLERANCE_SECS {
        return Err(VerifyError::TooOld);
    }
    if ts_i > now + TOLERANCE_SECS {
        return Err(VerifyError::TooNew);
    }
    let expected = mac_for(&key, id, &ts_i.to_string(), body);
    for entry in sig.split(' ') {
        let Some((version, b64)) = entry.split_once(',') else {
            continue;
        };
        if version != "v1" {
            continue;
        }
        let Ok(given) = STANDARD.decode(b64) else {
            continue;
        };
        if expected.clone().verify_slice(&given).is_ok() {
            return Ok(());
        }
    }
    Err(VerifyError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Option<Value> {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/reference/webhook-vectors.json"
        );
        let text = std::fs::read_to_string(p).ok()?;
        serde_json::from_str(&text).ok()
    }

    const SECRET1: &str = "whsec_bGF1bmNoY2hlY2stZ29sZGVuLXZlY3Rvci1rZXktMDE=";

    #[test]
    fn public_standard_webhooks_vector() {
        let s = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into());
        let h = sign(
            &s,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(
            h.signature,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn golden_signatures_reproduce() {
        let Some(v) = vectors() else {
            eprintln!("shared/reference not present; golden vectors skipped");
            return;
        };
        let i = &v["inputs"];
        let s = |k: &str| i[k].as_str().unwrap().to_owned();
        let ts = i["timestamp"].as_i64().unwrap();
        let sig = |secret: &str, body: &str| {
            sign(
                &Secret::new(secret.into()),
                &s("msg_id"),
                ts,
                body.as_bytes(),
            )
            .unwrap()
            .signature
        };
        assert_eq!(
            sig(&s("secret_key01"), &s("body")),
            v["signatures"]["sig_key01"]
        );
        assert_eq!(
            sig(&s("secret_key02"), &s("body")),
            v["signatures"]["sig_key02"]
        );
        assert_eq!(
            sig(&s("secret_key01"), &s("body_utf8")),
            v["signatures"]["sig_utf8"]
        );
    }

    #[test]
    fn verifier_agrees_with_both_sdks_on_every_case() {
        let Some(v) = vectors() else {
            eprintln!("shared/reference not present; golden vectors skipped");
            return;
        };
        let mut checked = 0;
        for case in v["cases"].as_array().unwrap() {
            let py = case["python"]["accepted"].as_bool();
            let node = case["node"]["accepted"].as_bool();
            if py != node || py.is_none() {
                continue; // the SDKs disagree: no single right answer
            }
            let h = &case["headers"];
            let get = |k: &str| h[k].as_str();
            let secret = Secret::new(case["secret"].as_str().unwrap().into());
            let got = verify(
                &secret,
                get("webhook-id"),
                get("webhook-timestamp"),
                get("webhook-signature"),
                case["body"].as_str().unwrap().as_bytes(),
                case["now"].as_i64().unwrap(),
            );
            assert_eq!(got.is_ok(), py.unwrap(), "case {}: {got:?}", case["name"]);
            checked += 1;
        }
        assert!(checked >= 15, "only {checked} cases checked");
    }

    #[test]
    fn timestamp_window_is_inclusive_at_300_seconds() {
        let s = Secret::new(SECRET1.into());
        let h = sign(&s, "msg_1", 1000, b"{}").unwrap();
        let ts = h.timestamp.to_string();
        let check = |now| verify(&s, Some("msg_1"), Some(&ts), Some(&h.signature), b"{}", now);
        assert_eq!(check(1300), Ok(()));
        assert_eq!(check(1301), Err(VerifyError::TooOld));
        assert_eq!(check(700), Ok(()));
        assert_eq!(check(699), Err(VerifyError::TooNew));
    }

    #[test]
    fn unusable_secrets() {
        assert_eq!(
            signing_key(&Secret::new("whsec_!!!".into())).unwrap_err(),
            KeyError::NotBase64
        );
        assert_eq!(
            signing_key(&Secret::new("plainsecret".into())).unwrap_err(),
            KeyError::NoUnderscore
        );
    }
}
