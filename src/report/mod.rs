//! The report model: what a run found, as data.
//!
//! Probes produce [`Finding`]s; the runner folds them into one [`CheckResult`] per checklist
//! item, applies waivers and attestations, and collects everything into a [`Report`]. The
//! renderers in the submodules (`table`, `json`) are pure functions of a `Report`: none of them
//! recomputes a status, so every format tells the same story and the exit code is decided once,
//! here, by [`Report::exit_code`].
//!
//! This module imports nothing from `probe`, `net` or `run`: the arrows point into it.

pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod table;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// The verdict of one check. Ordered from best to worst for aggregation (`max`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The check looked and everything was as expected (or a person attested it).
    Pass,
    /// Not applicable, not configured, or not run (`--offline`, `--allow-writes` missing).
    Skip,
    /// A person must confirm this item; the report says how.
    Manual,
    /// A known failure, accepted until its waiver expires.
    Waived,
    /// Works, but something should be improved before launch.
    Warn,
    /// The probe could not reach a verdict (timeout, unexpected answer).
    Error,
    /// The check looked and found a problem.
    Fail,
}

impl Status {
    /// Lower-case name, as in JSON and on the command line.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Skip => "skip",
            Self::Manual => "manual",
            Self::Waived => "waived",
            Self::Warn => "warn",
            Self::Error => "error",
            Self::Fail => "fail",
        }
    }

    /// Every status, in the order summaries list them.
    pub const ALL: [Self; 7] = [
        Self::Pass,
        Self::Warn,
        Self::Fail,
        Self::Error,
        Self::Skip,
        Self::Manual,
        Self::Waived,
    ];
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How severe an item is if it fails. Shown in reports; SARIF maps it to a security severity.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks launch; an attacker or an outage follows directly.
    Critical,
    /// Should block launch.
    High,
    /// Fix soon after launch.
    Medium,
    /// Hygiene.
    Low,
}

impl Severity {
    /// Lower-case name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

/// Where in a file a finding points (a committed secret, a config line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Location {
    /// Path relative to the scanned root.
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
}

/// One observation a probe made. A probe returns one or more; the runner folds them.
///
/// Every non-pass finding says why (`message`); a failing one also says what was expected and
/// what was found, and, where a person can see it for themselves, how (`reproduce`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    /// The verdict of this observation.
    pub status: Status,
    /// One sentence for a person.
    pub message: String,
    /// What a ready integration shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What was observed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// Structured facts (URLs, counts, dates) for dashboards.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub evidence: Map<String, Value>,
    /// A command a person can run to see it (`curl -sv …`, `git grep -n …`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reproduce: Option<String>,
    /// File positions the finding points at.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
}

impl Finding {
    /// A finding with a status and a message; add detail with the builder methods.
    #[must_use]
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            expected: None,
            found: None,
            evidence: Map::new(),
            reproduce: None,
            locations: Vec::new(),
        }
    }

    /// Shorthand for a passing finding.
    #[must_use]
    pub fn pass(message: impl Into<String>) -> Self {
        Self::new(Status::Pass, message)
    }

    /// Shorthand for a failing finding with what was expected and what was found.
    #[must_use]
    pub fn fail(
        message: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self::new(Status::Fail, message)
            .expected(expected)
            .found(found)
    }

    /// Shorthand for a warning with what was expected and what was found.
    #[must_use]
    pub fn warn(
        message: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self::new(Status::Warn, message)
            .expected(expected)
            .found(found)
    }

    /// Shorthand for a skip with its reason.
    #[must_use]
    pub fn skip(reason: impl Into<String>) -> Self {
        Self::new(Status::Skip, reason)
    }

    /// Shorthand for a probe error with its reason.
    #[must_use]
    pub fn error(reason: impl Into<String>) -> Self {
        Self::new(Status::Error, reason)
    }

    /// Sets what was expected.
    #[must_use]
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Sets what was found.
    #[must_use]
    pub fn found(mut self, found: impl Into<String>) -> Self {
        self.found = Some(found.into());
        self
    }

    /// Adds one evidence entry.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.evidence.insert(key.to_owned(), value.into());
        self
    }

    /// Sets the reproduce command.
    #[must_use]
    pub fn reproduce(mut self, command: impl Into<String>) -> Self {
        self.reproduce = Some(command.into());
        self
    }

    /// Adds a file location.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.locations.push(location);
        self
    }
}

/// A waiver as it applied (or no longer applied) to a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct WaiverNote {
    /// Why the failure is accepted.
    pub reason: String,
    /// Last day the waiver applies (`YYYY-MM-DD`).
    pub expires: String,
    /// False when the date has passed: the check then counts again.
    pub active: bool,
}

/// The result of one checklist item: the item's metadata plus the folded findings.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CheckResult {
    /// Stable dotted id (`sso.https.redirect-uri`).
    pub id: String,
    /// Which checklist it came from (`sso`, `scim`).
    pub checklist: String,
    /// One-line title.
    pub title: String,
    /// Checklist section.
    pub section: String,
    /// How bad a failure is.
    pub severity: Severity,
    /// Final status after waivers and attestations.
    pub status: Status,
    /// Why, for every status but a plain pass (and a summary for a pass).
    pub message: String,
    /// What a ready integration shows (from the worst finding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What was observed (from the worst finding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// Structured facts for dashboards.
    pub evidence: Map<String, Value>,
    /// Command to see it for yourself (from the worst finding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reproduce: Option<String>,
    /// How to fix a failure.
    pub remediation: String,
    /// Documentation link.
    pub docs: String,
    /// Launch-item keys this check covers.
    pub covers: Vec<String>,
    /// True when a probe decides it; false for manual items.
    pub automated: bool,
    /// True when a manual item was confirmed by an attestation in the config.
    pub attested: bool,
    /// Waiver that applied, or that expired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverNote>,
    /// Every observation, for checks that look at several things.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// How long the probe took.
    pub duration_ms: u64,
}

impl CheckResult {
    /// Every file location mentioned by this check's findings.
    pub fn locations(&self) -> impl Iterator<Item = &Location> {
        self.findings.iter().flat_map(|f| f.locations.iter())
    }
}

/// Counts per status and the overall verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    /// Number of checks.
    pub total: usize,
    /// Passed (attested manual items included).
    pub pass: usize,
    /// Warnings.
    pub warn: usize,
    /// Failures.
    pub fail: usize,
    /// Probe errors.
    pub error: usize,
    /// Skipped.
    pub skip: usize,
    /// Manual and not attested.
    pub manual: usize,
    /// Waived failures.
    pub waived: usize,
    /// True exactly when the exit code is 0.
    pub ready: bool,
}

impl Summary {
    /// The count for one status.
    #[must_use]
    pub const fn count(&self, status: Status) -> usize {
        match status {
            Status::Pass => self.pass,
            Status::Warn => self.warn,
            Status::Fail => self.fail,
            Status::Error => self.error,
            Status::Skip => self.skip,
            Status::Manual => self.manual,
            Status::Waived => self.waived,
        }
    }
}

/// What makes a run "not ready": the `--fail-on` and `--strict` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Gate {
    /// `warn` makes warnings count; `fail` (the default) only fail and error.
    pub fail_on_warn: bool,
    /// Unattested manual items count as failures.
    pub strict: bool,
}

impl Gate {
    /// Whether a status makes the run not ready.
    #[must_use]
    pub const fn counts(self, status: Status) -> bool {
        match status {
            Status::Fail | Status::Error => true,
            Status::Warn => self.fail_on_warn,
            Status::Manual => self.strict,
            Status::Pass | Status::Skip | Status::Waived => false,
        }
    }
}

/// Tool name and version, as in the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ToolInfo {
    /// Always `launchcheck`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        Self {
            name: "launchcheck".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// What the run was pointed at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TargetInfo {
    /// The provider environment URL, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_url: Option<String>,
    /// The config file used, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Report {
    /// Version of this JSON shape.
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: ToolInfo,
    /// Checklists that ran (`sso`, `scim`).
    pub checklists: Vec<String>,
    /// RFC 3339 start time (UTC).
    pub started_at: String,
    /// Wall time of the run.
    pub duration_ms: u64,
    /// What was checked.
    pub target: TargetInfo,
    /// Counts and verdict.
    pub summary: Summary,
    /// Results in checklist order.
    pub checks: Vec<CheckResult>,
    /// Notes about the run itself (expired waivers, unused attestations), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The gate the summary was computed with.
    #[serde(skip)]
    pub gate: Gate,
    /// Requests sent during the run (method and URL), for `--verbose`.
    #[serde(skip)]
    pub requests: Vec<String>,
}

impl Report {
    /// Builds a report and computes its summary under `gate`.
    #[must_use]
    pub fn new(
        checklists: Vec<String>,
        started_at: String,
        duration_ms: u64,
        target: TargetInfo,
        checks: Vec<CheckResult>,
        notes: Vec<String>,
        gate: Gate,
    ) -> Self {
        let summary = summarize(&checks, gate);
        Self {
            schema_version: 1,
            tool: ToolInfo::default(),
            checklists,
            started_at,
            duration_ms,
            target,
            summary,
            checks,
            notes,
            gate,
            requests: Vec::new(),
        }
    }

    /// 0 when ready, 1 otherwise (2 is decided before a report exists).
    #[must_use]
    pub const fn exit_code(&self) -> i32 {
        if self.summary.ready { 0 } else { 1 }
    }
}

/// Counts statuses and decides readiness.
#[must_use]
pub fn summarize(checks: &[CheckResult], gate: Gate) -> Summary {
    let mut s = Summary {
        total: checks.len(),
        ..Summary::default()
    };
    let mut ready = true;
    for c in checks {
        match c.status {
            Status::Pass => s.pass += 1,
            Status::Warn => s.warn += 1,
            Status::Fail => s.fail += 1,
            Status::Error => s.error += 1,
            Status::Skip => s.skip += 1,
            Status::Manual => s.manual += 1,
            Status::Waived => s.waived += 1,
        }
        if gate.counts(c.status) {
            ready = false;
        }
    }
    s.ready = ready;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_counts_follow_the_contract() {
        let default = Gate {
            fail_on_warn: false,
            strict: false,
        };
        assert!(default.counts(Status::Fail));
        assert!(default.counts(Status::Error));
        assert!(!default.counts(Status::Warn));
        assert!(!default.counts(Status::Manual));
        assert!(!default.counts(Status::Waived));
        let strict = Gate {
            fail_on_warn: true,
            strict: true,
        };
        assert!(strict.counts(Status::Warn));
        assert!(strict.counts(Status::Manual));
        assert!(!strict.counts(Status::Skip));
    }

    #[test]
    fn status_order_puts_fail_last() {
        assert!(Status::Fail > Status::Error);
        assert!(Status::Error > Status::Warn);
        assert!(Status::Warn > Status::Pass);
    }
}
