//! YAML loading with errors a person can act on.
//!
//! Both the checklist files and `launchcheck.yaml` go through [`parse`], so every load error has
//! the same shape: `file:line:column: message`, plus a hint (the closest known key for a typo).
//! serde-saphyr gives positions; serde gives the "unknown field `x`, expected one of …" text,
//! from which the suggestion is computed, so the list of valid keys is never written twice.

use serde::de::DeserializeOwned;
use std::fmt;

/// A problem in a YAML file, with where it is and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// The file, as the user named it (or `embedded:…`).
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column (0 when unknown).
    pub column: u64,
    /// What is wrong.
    pub message: String,
    /// What to do about it, when there is something specific to say.
    pub hint: Option<String>,
}

impl YamlError {
    /// An error at a known position.
    #[must_use]
    pub fn at(file: &str, line: u64, column: u64, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )?;
        } else {
            write!(f, "{}: {}", self.file, self.message)?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for YamlError {}

/// Parses `text` (the contents of `file`) into `T`.
///
/// # Errors
/// Malformed YAML, a type mismatch, an unknown field or variant: all with position and hint.
pub fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str::<T>(text).map_err(|e| convert(file, &e))
}

fn convert(file: &str, e: &serde_saphyr::Error) -> YamlError {
    let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
    let message = first_line_message(e);
    let mut err = YamlError::at(file, line, column, message.clone());
    if let Some(h) = suggestion_for(&message) {
        err = err.hint(h);
    }
    err
}

/// serde-saphyr renders a snippet under the message; the report wants the sentence only.
fn first_line_message(e: &serde_saphyr::Error) -> String {
    let rendered = match e {
        serde_saphyr::Error::Message { msg, .. } => msg.clone(),
        other => other.to_string(),
    };
    let mut line = rendered.lines().next().unwrap_or("invalid YAML").trim();
    line = line.strip_prefix("error: ").unwrap_or(line);
    // The position is reported separately: drop a leading "line X column Y: ".
    if line.starts_with("line ")
        && let Some((_, rest)) = line.split_once(": ")
    {
        line = rest;
    }
    match line.find(" at line ") {
        Some(i) => line[..i].to_owned(),
        None => line.to_owned(),
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (and "unknown variant"), the
/// closest expected name, or the list when nothing is close.
#[must_use]
pub fn suggestion_for(message: &str) -> Option<String> {
    let (what, rest) = if let Some(r) = message.strip_prefix("unknown field `") {
        ("key", r)
    } else if let Some(r) = message.strip_prefix("unknown variant `") {
        ("value", r)
    } else {
        return None;
    };
    let (bad, rest) = rest.split_once('`')?;
    // serde-saphyr writes "expected one of a, b" (serde itself backquotes each name).
    let list = rest
        .trim_start_matches([',', ' '])
        .trim_start_matches("expected")
        .trim_start()
        .trim_start_matches("one of")
        .trim();
    let expected: Vec<&str> = list
        .split([',', ' '])
        .map(|s| s.trim_matches('`'))
        .filter(|s| !s.is_empty() && *s != "or")
        .collect();
    if expected.is_empty() {
        return Some(format!("this {what} takes no fields here"));
    }
    match closest(bad, expected.iter().copied()) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None => Some(format!("valid {what}s here: {}", expected.join(", "))),
    }
}

/// The candidate closest to `word` (edit distance at most a third of its length, min 2).
#[must_use]
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "fields exist to be parsed, not read")]
    struct Sample {
        name: String,
        count: u32,
    }

    #[test]
    fn unknown_field_names_line_column_and_suggestion() {
        let err = parse::<Sample>("x.yaml", "name: a\ncuont: 3\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert_eq!(err.column, 1, "{err}");
        assert!(err.message.contains("unknown field `cuont`"), "{err}");
        assert_eq!(
            err.hint.as_deref(),
            Some("did you mean `count`?"),
            "{err:?}"
        );
    }

    #[test]
    fn malformed_yaml_has_a_position() {
        let err = parse::<Sample>("x.yaml", "name: [unclosed\ncount: 1\n").unwrap_err();
        assert!(err.line >= 1, "{err}");
        assert!(err.to_string().starts_with("x.yaml:"), "{err}");
    }

    #[test]
    fn type_error_points_at_the_value() {
        let err = parse::<Sample>("x.yaml", "name: a\ncount: many\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
    }

    #[test]
    fn far_names_list_the_choices() {
        let h = suggestion_for("unknown field `zzzzzzzz`, expected one of name, count").unwrap();
        assert_eq!(h, "valid keys here: name, count");
    }
}
