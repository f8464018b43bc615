//! GitHub Actions workflow commands: `::error` and `::warning` lines for failing and warning
//! checks (with file and line for secret findings), so they show up as annotations on the run
//! and the pull request. Printed only when `GITHUB_ACTIONS=true`.

use super::{Report, Status};

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_prop(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotation lines for a report.
#[must_use]
pub fn annotations(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for c in &report.checks {
        let kind = match c.status {
            Status::Fail | Status::Error => "error",
            Status::Warn => "warning",
            _ => continue,
        };
        let title = escape_prop(&format!("{} ({})", c.title, c.id));
        let message = escape_data(&format!("{} Fix: {}", c.message, c.remediation));
        let locations: Vec<_> = c.locations().collect();
        if locations.is_empty() {
            out.push(format!("::{kind} title={title}::{message}"));
        } else {
            for l in locations {
                out.push(format!(
                    "::{kind} file={},line={},title={title}::{message}",
                    escape_prop(&l.path),
                    l.line
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_prop("x: y, z"), "x%3A y%2C z");
    }
}
