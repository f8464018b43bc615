//! SARIF 2.1.0: one rule per check id (help text, docs link, `security-severity` from the
//! item's severity) and one result per failing location. Secret findings point at the file and
//! line; other results point at the config file, which is where a person fixes them or waives
//! them. Built with `serde_json::json!`: the document is small and its shape is the spec's.

use super::{CheckResult, Report, Severity, Status};
use serde_json::{Value, json};

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.0",
        Severity::High => "7.5",
        Severity::Medium => "5.0",
        Severity::Low => "2.0",
    }
}

fn level(s: Status) -> Option<&'static str> {
    match s {
        Status::Fail | Status::Error => Some("error"),
        Status::Warn => Some("warning"),
        _ => None,
    }
}

fn rule(c: &CheckResult) -> Value {
    json!({
        "id": c.id,
        "name": c.id.replace(['.', '-'], "_"),
        "shortDescription": {"text": c.title},
        "fullDescription": {"text": format!("{} (launchcheck {} checklist, section {}).", c.title, c.checklist, c.section)},
        "help": {
            "text": format!("{}\nDocs: {}", c.remediation, c.docs),
            "markdown": format!("{}\n\n[Documentation]({})", c.remediation, c.docs),
        },
        "helpUri": c.docs,
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "security-severity": security_severity(c.severity),
            "precision": if c.automated { "high" } else { "medium" },
            "tags": ["security", "launch-readiness", c.checklist],
            "launchcheck-covers": c.covers,
        },
    })
}

fn message(c: &CheckResult) -> String {
    let mut m = c.message.clone();
    if let Some(e) = &c.expected {
        m.push_str(&format!(" Expected: {e}."));
    }
    if let Some(f) = &c.found {
        m.push_str(&format!(" Found: {f}."));
    }
    if let Some(r) = &c.reproduce {
        m.push_str(&format!(" See it: {r}"));
    }
    m
}

fn physical(uri: &str, line: u64, column: Option<u64>) -> Value {
    let mut region = json!({"startLine": line.max(1)});
    if let Some(col) = column {
        region["startColumn"] = json!(col.max(1));
    }
    json!({"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}})
}

/// Renders the report.
#[must_use]
pub fn render(report: &Report) -> String {
    let config = report
        .target
        .config
        .clone()
        .unwrap_or_else(|| "launchcheck.yaml".into());
    let config = if config.starts_with('(') {
        "launchcheck.yaml".to_owned()
    } else {
        config
    };
    let rules: Vec<Value> = report.checks.iter().map(rule).collect();
    let mut results = Vec::new();
    for (index, c) in report.checks.iter().enumerate() {
        let Some(level) = level(c.status) else {
            continue;
        };
        let locations: Vec<Value> = c
            .locations()
            .map(|l| physical(&l.path, l.line, l.column))
            .collect();
        let locations = if locations.is_empty() {
            vec![physical(&config, 1, None)]
        } else {
            locations
        };
        results.push(json!({
            "ruleId": c.id,
            "ruleIndex": index,
            "level": level,
            "kind": "fail",
            "message": {"text": message(c)},
            "locations": locations,
            "properties": {"status": c.status, "severity": c.severity, "evidence": c.evidence},
        }));
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "launchcheck",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": "https://docs.scalekit.com/sso/guides/launch-checklist/",
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "startTimeUtc": report.started_at,
                "exitCode": report.exit_code(),
            }],
            "results": results,
            "properties": {"summary": report.summary},
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
