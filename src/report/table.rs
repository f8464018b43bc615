//! Terminal report: checks grouped by section, one row each, a summary line.
//!
//! Colour is decided once by the caller (`--no-color`, `NO_COLOR`, whether stdout is a
//! terminal) and passed in; comfy-table is told the same so it never decides on its own.
//! Every non-pass row carries its message; failures and errors also show what was expected,
//! what was found, how to reproduce it and how to fix it.

use super::{CheckResult, Report, Status};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use owo_colors::OwoColorize;
use std::fmt::Write;

/// How to draw.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// ANSI colours on.
    pub color: bool,
    /// Table width in columns; `None` lets comfy-table measure the terminal.
    pub width: Option<u16>,
}

fn status_color(s: Status) -> Color {
    match s {
        Status::Pass => Color::Green,
        Status::Warn | Status::Waived => Color::Yellow,
        Status::Fail | Status::Error => Color::Red,
        Status::Skip => Color::DarkGrey,
        Status::Manual => Color::Cyan,
    }
}

fn label(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Warn => "WARN",
        Status::Fail => "FAIL",
        Status::Error => "ERROR",
        Status::Skip => "SKIP",
        Status::Manual => "MANUAL",
        Status::Waived => "WAIVED",
    }
}

fn detail(c: &CheckResult) -> String {
    let mut s = c.title.clone();
    if c.status == Status::Pass && !c.attested {
        return s;
    }
    let _ = write!(s, "\n{}", c.message);
    if matches!(c.status, Status::Fail | Status::Error | Status::Warn) {
        if let Some(e) = &c.expected {
            let _ = write!(s, "\nexpected: {e}");
        }
        if let Some(f) = &c.found {
            let _ = write!(s, "\nfound:    {f}");
        }
        if let Some(r) = &c.reproduce {
            let _ = write!(s, "\nsee it:   {r}");
        }
    }
    if matches!(c.status, Status::Fail | Status::Error) {
        let _ = write!(s, "\nfix:      {}", c.remediation);
    }
    s
}

/// The whole table report.
#[must_use]
pub fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let target = report
        .target
        .environment_url
        .as_deref()
        .unwrap_or("(no environment URL)");
    let head = format!(
        "launchcheck {} · {} · {}",
        report.tool.version,
        report.checklists.join(" + "),
        target
    );
    if style.color {
        let _ = writeln!(out, "{}", head.bold());
    } else {
        let _ = writeln!(out, "{head}");
    }
    let mut section: Option<(&str, &str)> = None;
    let mut table: Option<Table> = None;
    let flush = |out: &mut String, t: Option<Table>| {
        if let Some(t) = t {
            let _ = writeln!(out, "{t}");
        }
    };
    for c in &report.checks {
        let key = (c.checklist.as_str(), c.section.as_str());
        if section != Some(key) {
            flush(&mut out, table.take());
            section = Some(key);
            let title = format!("\n{} · {}", c.checklist.to_uppercase(), c.section);
            if style.color {
                let _ = writeln!(out, "{}", title.bold());
            } else {
                let _ = writeln!(out, "{title}");
            }
            let mut t = Table::new();
            t.load_style(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic);
            if let Some(w) = style.width {
                t.set_width(w);
            }
            if style.color {
                t.enforce_styling();
            } else {
                t.force_no_tty();
            }
            table = Some(t);
        }
        if let Some(t) = table.as_mut() {
            let mut status = Cell::new(label(c.status));
            if style.color {
                status = status.fg(status_color(c.status));
            }
            t.add_row(vec![status, Cell::new(&c.id), Cell::new(detail(c))]);
        }
    }
    flush(&mut out, table.take());
    for n in &report.notes {
        let _ = writeln!(out, "note: {n}");
    }
    for h in hints(report) {
        let _ = writeln!(out, "hint: {h}");
    }
    let _ = writeln!(out, "\n{}", summary_line(report, style.color));
    out
}

/// Advice drawn from the results as a whole.
#[must_use]
pub fn hints(report: &Report) -> Vec<String> {
    let s = &report.summary;
    let mut h = Vec::new();
    if s.manual > 0 {
        h.push(format!(
            "{} check(s) need a person: confirm each and record it under `attestations:` in launchcheck.yaml (`launchcheck explain ID` says how)",
            s.manual
        ));
    }
    if s.skip > 0 {
        h.push(format!(
            "{} check(s) were skipped: each row says what to configure",
            s.skip
        ));
    }
    let unreachable = report
        .checks
        .iter()
        .filter(|c| c.status == super::Status::Error)
        .filter(|c| {
            c.evidence
                .get("phase")
                .and_then(|p| p.as_str())
                .is_some_and(|p| matches!(p, "dns" | "connect" | "tls"))
        })
        .count();
    if unreachable > 0 {
        h.push(format!(
            "{unreachable} check(s) could not reach the network: from behind a proxy set HTTPS_PROXY (NO_PROXY for exceptions); to check only local things use --offline"
        ));
    }
    if s.error > unreachable {
        h.push(format!(
            "{} check(s) could not reach a verdict: see each message (timeouts, unexpected answers)",
            s.error - unreachable
        ));
    }
    if s.waived > 0 {
        h.push(format!(
            "{} failure(s) are waived: they count again after their expiry date",
            s.waived
        ));
    }
    h
}

/// "24 checks: 15 pass, … — NOT READY (exit 1)".
#[must_use]
pub fn summary_line(report: &Report, color: bool) -> String {
    let s = &report.summary;
    let counts: Vec<String> = Status::ALL
        .iter()
        .map(|st| format!("{} {}", s.count(*st), st))
        .collect();
    let verdict = if s.ready { "READY" } else { "NOT READY" };
    let verdict = if color {
        if s.ready {
            verdict.green().bold().to_string()
        } else {
            verdict.red().bold().to_string()
        }
    } else {
        verdict.to_owned()
    };
    format!(
        "{} checks: {} — {} (exit {}) in {} ms",
        s.total,
        counts.join(", "),
        verdict,
        report.exit_code(),
        report.duration_ms
    )
}
