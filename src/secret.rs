//! Secrets: values that must never reach an output.
//!
//! Two layers keep them out. [`Secret`] has no `Display` and a redacted `Debug`, so a secret
//! cannot be formatted into a message by accident; its bytes come out only through
//! [`Secret::expose`], which the HMAC signer, the token request and the repository scanner call.
//! And every byte the CLI writes (stdout, stderr, report files) passes through a [`Redactor`]
//! holding the run's secret values, so even a server that echoes a secret back cannot make the
//! tool print it.

use std::borrow::Cow;
use std::fmt;

/// A secret value. Debug prints its length only; there is no Display.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    #[must_use]
    pub const fn new(value: String) -> Self {
        Self(value)
    }

    /// The value, for the few places that must use it (HMAC key, token request, scan).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters, which is safe to show.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    /// True when the value is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// "set (48 chars)": everything a report may say about a secret.
    #[must_use]
    pub fn describe(&self) -> String {
        format!("set ({} chars)", self.len())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret([redacted, {} chars])", self.len())
    }
}

/// Replaces known secret values in text about to be written anywhere.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    values: Vec<Secret>,
}

/// What a secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

impl Redactor {
    /// A redactor for these secrets (values shorter than 4 characters are ignored: replacing
    /// them would mangle ordinary text, and they are not secrets worth the name).
    #[must_use]
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Self {
        let mut values: Vec<Secret> = secrets
            .into_iter()
            .filter(|s| s.expose().len() >= 4)
            .cloned()
            .collect();
        // Longest first, so a secret containing another is replaced whole.
        values.sort_by_key(|s| std::cmp::Reverse(s.expose().len()));
        values.dedup();
        Self { values }
    }

    /// The text with every secret value replaced by `[REDACTED]`.
    #[must_use]
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for s in &self.values {
            if out.contains(s.expose()) {
                out = Cow::Owned(out.replace(s.expose(), REDACTED));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::new("hunter2-very-secret".into());
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"));
        assert!(shown.contains("19 chars"));
        assert_eq!(s.describe(), "set (19 chars)");
    }

    #[test]
    fn redactor_replaces_every_occurrence_longest_first() {
        let a = Secret::new("abcd1234".into());
        let b = Secret::new("abcd1234-longer".into());
        let r = Redactor::new([&a, &b]);
        assert_eq!(
            r.scrub("x abcd1234-longer y abcd1234 z"),
            "x [REDACTED] y [REDACTED] z"
        );
        assert!(matches!(r.scrub("nothing here"), Cow::Borrowed(_)));
    }
}
