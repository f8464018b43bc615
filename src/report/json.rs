//! JSON report: the CONTRACT shape, pretty-printed. A pure function of the [`Report`].

use super::Report;

/// The report as pretty JSON, with a trailing newline.
#[must_use]
pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize report: {e}\"}}"));
    s.push('\n');
    s
}
