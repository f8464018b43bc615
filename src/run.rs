//! The runner: the one place that schedules probes and turns their findings into results.
//!
//! Every selected item becomes a task; tasks run concurrently on tokio (network probes bound
//! their own operations by the shared semaphore and `--timeout`), the whole run is bounded by a
//! deadline, and results are put back in checklist order whatever order they finish in. This is
//! also where the policy lives that a probe must not decide: `--only`/`--skip`, `--offline`,
//! manual items and their attestations, and waivers with their expiry.

use crate::checklist::{Checklist, Item};
use crate::config::{Target, Waiver};
use crate::probe::{self, Ctx, Settings};
use crate::report::{CheckResult, Finding, Gate, Report, Status, TargetInfo, WaiverNote};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Called as checks finish: (finished, total). The CLI draws a progress line with it.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// What to run and how.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Progress callback (none by default).
    pub progress: Option<Progress>,
    /// Probe settings (timeouts, concurrency, writes, today).
    pub settings: Settings,
    /// Id globs to keep (all when empty).
    pub only: Vec<String>,
    /// Id globs to drop.
    pub skip: Vec<String>,
    /// Run no network probe.
    pub offline: bool,
    /// Overall deadline.
    pub deadline: Duration,
    /// Readiness gate.
    pub gate: Gate,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            progress: None,
            settings: Settings::default(),
            only: Vec::new(),
            skip: Vec::new(),
            offline: false,
            deadline: Duration::from_secs(120),
            gate: Gate {
                fail_on_warn: false,
                strict: false,
            },
        }
    }
}

/// Builds a matcher for id globs.
///
/// # Errors
/// An invalid glob, named.
pub fn globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("invalid pattern `{p}`: {e}"))?);
    }
    b.build().map_err(|e| e.to_string())
}

/// Items selected by `--only` / `--skip`, with their checklist name.
///
/// # Errors
/// An invalid glob.
pub fn select<'a>(
    checklists: &'a [Checklist],
    only: &[String],
    skip: &[String],
) -> Result<Vec<(&'a str, &'a Item)>, String> {
    let only_set = globs(only)?;
    let skip_set = globs(skip)?;
    Ok(checklists
        .iter()
        .flat_map(|c| c.items.iter().map(move |i| (c.name.as_str(), i)))
        .filter(|(_, i)| only.is_empty() || only_set.is_match(&i.id))
        .filter(|(_, i)| !skip_set.is_match(&i.id))
        .collect())
}

/// Runs the checklists against the target.
///
/// # Errors
/// An invalid `--only`/`--skip` glob.
pub async fn run(
    checklists: &[Checklist],
    target: Arc<Target>,
    opts: &RunOptions,
) -> Result<Report, String> {
    let started = Instant::now();
    let started_at = now_rfc3339();
    let selected = select(checklists, &opts.only, &opts.skip)?;
    let ctx = Arc::new(Ctx::new(target.clone(), opts.settings.clone())?);
    let deadline = tokio::time::Instant::now() + opts.deadline;

    /* Stage 1: start every automated item that may run. */
    let mut slots: Vec<Option<(Vec<Finding>, u64)>> = vec![None; selected.len()];
    let mut tasks = tokio::task::JoinSet::new();
    for (idx, (_, item)) in selected.iter().enumerate() {
        let Some(spec) = item.probe.clone() else {
            continue;
        };
        if opts.offline && spec.is_network() {
            slots[idx] = Some((
                vec![Finding::skip(format!(
                    "--offline: the {} probe needs the network",
                    spec.kind()
                ))],
                0,
            ));
            continue;
        }
        if spec.writes() && !opts.settings.allow_writes {
            slots[idx] = Some((
                vec![Finding::skip(format!(
                    "the {} probe sends events that change the app's data (a synthetic organization and example.com users); rerun with --allow-writes against a staging app to run it",
                    spec.kind()
                ))],
                0,
            ));
            continue;
        }
        let ctx = ctx.clone();
        tasks.spawn(async move {
            let t = Instant::now();
            let findings = probe::run(&spec, &ctx).await;
            (idx, findings, elapsed_ms(t))
        });
    }

    /* Stage 2: collect until done or the deadline. */
    let total = tasks.len();
    let mut finished = 0;
    loop {
        match tokio::time::timeout_at(deadline, tasks.join_next()).await {
            Ok(Some(Ok((idx, findings, ms)))) => {
                slots[idx] = Some((findings, ms));
                finished += 1;
                if let Some(p) = &opts.progress {
                    (p.0)(finished, total);
                }
            }
            Ok(Some(Err(e))) => {
                // A panicking probe is a bug; report it on no item rather than crash the run.
                eprintln!("launchcheck: a probe stopped unexpectedly: {e}");
            }
            Ok(None) => break,
            Err(_) => {
                tasks.abort_all();
                break;
            }
        }
    }

    /* Stage 3: results in checklist order, with policy applied. */
    let mut notes = Vec::new();
    let today = opts.settings.today;
    let mut checks = Vec::with_capacity(selected.len());
    for (idx, (checklist, item)) in selected.iter().enumerate() {
        let mut result = match (&item.probe, slots[idx].take()) {
            (None, _) => manual_result(checklist, item, target.attestations.get(&item.id)),
            (Some(_), Some((findings, ms))) => fold(checklist, item, findings, ms),
            (Some(spec), None) => fold(
                checklist,
                item,
                vec![Finding::error(format!(
                    "the run deadline ({}s) passed before the {} probe finished",
                    opts.deadline.as_secs(),
                    spec.kind()
                ))],
                elapsed_ms(started),
            ),
        };
        if item.probe.is_some() && target.attestations.contains_key(&item.id) {
            notes.push(format!(
                "attestation for {} ignored: the check is automated",
                item.id
            ));
        }
        if let Some(w) = target.waivers.get(&item.id) {
            apply_waiver(&mut result, w, today, &mut notes);
        }
        checks.push(result);
    }
    let names = checklists.iter().map(|c| c.name.clone()).collect();
    let info = TargetInfo {
        environment_url: target.environment_url.clone(),
        config: target.config_path.clone(),
    };
    let mut report = Report::new(
        names,
        started_at,
        elapsed_ms(started),
        info,
        checks,
        notes,
        opts.gate,
    );
    report.requests = ctx.net.sent.lock().map(|v| v.clone()).unwrap_or_default();
    Ok(report)
}

fn elapsed_ms(t: Instant) -> u64 {
    u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn base(checklist: &str, item: &Item, status: Status, message: String) -> CheckResult {
    CheckResult {
        id: item.id.clone(),
        checklist: checklist.to_owned(),
        title: item.title.clone(),
        section: item.section.clone(),
        severity: item.severity,
        status,
        message,
        expected: None,
        found: None,
        evidence: Map::new(),
        reproduce: None,
        remediation: item.remediation.clone(),
        docs: item.docs.clone(),
        covers: item.covers.clone(),
        automated: item.automated(),
        attested: false,
        waiver: None,
        findings: Vec::new(),
        duration_ms: 0,
    }
}

fn manual_result(checklist: &str, item: &Item, attestation: Option<&String>) -> CheckResult {
    if let Some(text) = attestation {
        let mut r = base(checklist, item, Status::Pass, format!("attested: {text}"));
        r.attested = true;
        r.evidence
            .insert("attestation".into(), Value::from(text.clone()));
        return r;
    }
    let how = item
        .manual
        .as_ref()
        .map_or("see `launchcheck explain`", |m| m.how.as_str());
    let mut msg = format!("confirm by hand: {}", how.trim_end());
    if let Some(p) = &item.planned {
        msg.push_str(&format!(" (to be automated by the `{p}` probe)"));
    }
    let mut r = base(checklist, item, Status::Manual, msg);
    if let Some(m) = &item.manual {
        r.expected = Some(m.evidence.clone());
    }
    r
}

/// Folds a probe's findings into one result: the worst status wins (skips only when nothing
/// else was said); its message, expectation and reproduce command lead.
#[must_use]
pub fn fold(checklist: &str, item: &Item, findings: Vec<Finding>, ms: u64) -> CheckResult {
    let informative: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.status != Status::Skip)
        .collect();
    let worst = informative
        .iter()
        .max_by_key(|f| f.status)
        .copied()
        .or_else(|| findings.first());
    let Some(worst) = worst else {
        let mut r = base(
            checklist,
            item,
            Status::Error,
            "the probe returned nothing".into(),
        );
        r.duration_ms = ms;
        return r;
    };
    let problems = informative
        .iter()
        .filter(|f| f.status != Status::Pass)
        .count();
    let mut message = worst.message.clone();
    if problems > 1 {
        message.push_str(&format!(" (and {} more problem(s))", problems - 1));
    }
    let mut r = base(checklist, item, worst.status, message);
    r.expected.clone_from(&worst.expected);
    r.found.clone_from(&worst.found);
    r.reproduce.clone_from(&worst.reproduce);
    r.evidence = worst.evidence.clone();
    r.duration_ms = ms;
    if findings.len() > 1 {
        r.findings = findings;
    } else {
        r.findings = findings
            .into_iter()
            .filter(|f| !f.locations.is_empty())
            .collect();
    }
    r
}

fn apply_waiver(r: &mut CheckResult, w: &Waiver, today: time::Date, notes: &mut Vec<String>) {
    let active = today <= w.expires;
    r.waiver = Some(WaiverNote {
        reason: w.reason.clone(),
        expires: w.expires.to_string(),
        active,
    });
    let counts = matches!(r.status, Status::Fail | Status::Error | Status::Warn);
    if !active {
        if counts {
            r.message = format!("{} (waiver expired on {})", r.message, w.expires);
        }
        notes.push(format!(
            "waiver for {} expired on {}: the check counts again",
            r.id, w.expires
        ));
    } else if counts {
        r.message = format!(
            "waived until {}: {} (was {}: {})",
            w.expires, w.reason, r.status, r.message
        );
        r.status = Status::Waived;
    } else if r.status == Status::Pass {
        notes.push(format!(
            "waiver for {} is no longer needed: the check passes",
            r.id
        ));
    }
}
