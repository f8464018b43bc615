//! JUnit XML: one `<testsuite>` per checklist section, one `<testcase>` per check.
//!
//! `fail` is a `<failure>`, `error` an `<error>`, and `skip`, `manual` and `waived` are
//! `<skipped>` with the reason; `warn` is a failure only when the run's gate counts warnings
//! (`--fail-on warn`), so CI shows exactly what the exit code says. Written by hand: the format
//! is small, and escaping is the only subtle part.

use super::{CheckResult, Report, Status};
use std::fmt::Write;

/// Escapes text for XML content and attribute values (and drops characters XML 1.0 forbids).
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

fn secs(ms: u64) -> String {
    #[allow(
        clippy::cast_precision_loss,
        reason = "durations in ms fit f64 exactly"
    )]
    let s = ms as f64 / 1000.0;
    format!("{s:.3}")
}

fn detail(c: &CheckResult) -> String {
    let mut d = c.message.clone();
    if let Some(e) = &c.expected {
        let _ = write!(d, "\nexpected: {e}");
    }
    if let Some(f) = &c.found {
        let _ = write!(d, "\nfound: {f}");
    }
    if let Some(r) = &c.reproduce {
        let _ = write!(d, "\nsee it: {r}");
    }
    let _ = write!(d, "\nfix: {}\ndocs: {}", c.remediation, c.docs);
    for l in c.locations() {
        let _ = write!(d, "\nat {}:{}", l.path, l.line);
    }
    d
}

/// Renders the report.
#[must_use]
pub fn render(report: &Report) -> String {
    let gate = report.gate;
    let counts = |cs: &[&CheckResult]| {
        let failures = cs
            .iter()
            .filter(|c| {
                c.status == Status::Fail
                    || (c.status == Status::Warn && gate.fail_on_warn)
                    || (c.status == Status::Manual && gate.strict)
            })
            .count();
        let errors = cs.iter().filter(|c| c.status == Status::Error).count();
        let skipped = cs
            .iter()
            .filter(|c| {
                matches!(c.status, Status::Skip | Status::Waived)
                    || (c.status == Status::Manual && !gate.strict)
            })
            .count();
        (failures, errors, skipped)
    };
    // Sections in first-seen order, keyed by checklist and section.
    let mut sections: Vec<((String, String), Vec<&CheckResult>)> = Vec::new();
    for c in &report.checks {
        let key = (c.checklist.clone(), c.section.clone());
        match sections.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(c),
            None => sections.push((key, vec![c])),
        }
    }
    let all: Vec<&CheckResult> = report.checks.iter().collect();
    let (f, e, s) = counts(&all);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"launchcheck {}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{s}\" time=\"{}\" timestamp=\"{}\">",
        escape(&report.checklists.join(" + ")),
        all.len(),
        secs(report.duration_ms),
        escape(&report.started_at)
    );
    for ((checklist, section), cs) in &sections {
        let (f, e, s) = counts(cs);
        let time: u64 = cs.iter().map(|c| c.duration_ms).sum();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{s}\" time=\"{}\" timestamp=\"{}\">",
            escape(&format!("{} · {section}", checklist.to_uppercase())),
            cs.len(),
            secs(time),
            escape(&report.started_at)
        );
        for c in cs {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                escape(&c.id),
                escape(&format!("launchcheck.{}", c.checklist)),
                secs(c.duration_ms)
            );
            if let Some(loc) = c.locations().next() {
                let _ = write!(x, " file=\"{}\" line=\"{}\"", escape(&loc.path), loc.line);
            }
            let counts_fail = c.status == Status::Fail
                || (c.status == Status::Warn && gate.fail_on_warn)
                || (c.status == Status::Manual && gate.strict);
            let body = if counts_fail {
                format!(
                    "<failure message=\"{}\" type=\"{}\">{}</failure>",
                    escape(&c.message),
                    c.status,
                    escape(&detail(c))
                )
            } else if c.status == Status::Error {
                format!(
                    "<error message=\"{}\" type=\"error\">{}</error>",
                    escape(&c.message),
                    escape(&detail(c))
                )
            } else if matches!(c.status, Status::Skip | Status::Manual | Status::Waived) {
                format!(
                    "<skipped message=\"{}: {}\"/>",
                    c.status,
                    escape(&c.message)
                )
            } else if c.status == Status::Warn {
                format!(
                    "<system-out>{}</system-out>",
                    escape(&format!("WARN: {}", detail(c)))
                )
            } else {
                String::new()
            };
            if body.is_empty() {
                x.push_str("/>\n");
            } else {
                let _ = writeln!(x, ">\n      {body}\n    </testcase>");
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}
