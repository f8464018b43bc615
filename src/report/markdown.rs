//! Markdown: a compact summary and a table of what is not passing, for `$GITHUB_STEP_SUMMARY`
//! and pull-request comments. Passing checks are counted, not listed.

use super::{Report, Status};
use std::fmt::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

fn icon(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅",
        Status::Warn => "⚠️",
        Status::Fail => "❌",
        Status::Error => "💥",
        Status::Skip => "⏭️",
        Status::Manual => "📝",
        Status::Waived => "🕒",
    }
}

/// Renders the report.
#[must_use]
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let mut m = String::new();
    let verdict = if s.ready {
        "✅ ready"
    } else {
        "❌ not ready"
    };
    let _ = writeln!(
        m,
        "## launchcheck {}: {verdict}\n",
        report.checklists.join(" + ")
    );
    if let Some(url) = &report.target.environment_url {
        let _ = writeln!(m, "Environment: `{url}`\n");
    }
    let _ = writeln!(
        m,
        "| pass | warn | fail | error | skip | manual | waived | total |"
    );
    let _ = writeln!(m, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        m,
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        s.pass, s.warn, s.fail, s.error, s.skip, s.manual, s.waived, s.total
    );
    let order = [
        Status::Fail,
        Status::Error,
        Status::Warn,
        Status::Waived,
        Status::Skip,
        Status::Manual,
    ];
    let rows: Vec<_> = order
        .iter()
        .flat_map(|st| report.checks.iter().filter(move |c| c.status == *st))
        .collect();
    if rows.is_empty() {
        m.push_str("Every check passed.\n");
    } else {
        let _ = writeln!(m, "| | check | severity | why | fix |");
        let _ = writeln!(m, "|---|---|---|---|---|");
        for c in rows {
            let mut why = c.message.clone();
            if let (Some(e), Some(f)) = (&c.expected, &c.found) {
                let _ = write!(why, "\nexpected: {e}\nfound: {f}");
            }
            let fix = if matches!(c.status, Status::Fail | Status::Error | Status::Warn) {
                format!("{} ([docs]({}))", c.remediation, c.docs)
            } else {
                format!("[docs]({})", c.docs)
            };
            let _ = writeln!(
                m,
                "| {} {} | `{}` {} | {} | {} | {} |",
                icon(c.status),
                c.status,
                c.id,
                cell(&c.title),
                c.severity.as_str(),
                cell(&why),
                cell(&fix)
            );
        }
    }
    for n in &report.notes {
        let _ = writeln!(m, "\n> note: {}", cell(n));
    }
    let _ = writeln!(
        m,
        "\n<sub>launchcheck {} · {} checks in {} ms · exit {}</sub>",
        report.tool.version,
        s.total,
        report.duration_ms,
        report.exit_code()
    );
    m
}
