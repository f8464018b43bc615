//! The SCIM webhook probes against the sandbox's receivers: the correct one passes everything,
//! each faulty one fails exactly the check meant to catch it. Loopback only.

mod common;
use launchcheck::checklist::{self, Embedded};
use launchcheck::report::{Report, Status};
use launchcheck::sandbox::{AppFaults, Sandbox, SandboxOptions};
use std::time::Duration;

const SIGNATURE: [&str; 7] = [
    "scim.webhook.accepts-valid",
    "scim.webhook.rejects-tampered",
    "scim.webhook.rejects-wrong-secret",
    "scim.webhook.rejects-unsigned",
    "scim.webhook.rejects-stale",
    "scim.webhook.malformed",
    "scim.webhook.redelivery",
];
const LIFECYCLE: [&str; 5] = [
    "scim.lifecycle.user-created",
    "scim.lifecycle.user-updated",
    "scim.lifecycle.user-deleted",
    "scim.lifecycle.groups",
    "scim.lifecycle.duplicate-user",
];

/// A small checklist for the latency probe (4 deliveries) so a slow receiver test stays short.
const LATENCY_LIST: &str = "name: scim\ntitle: t\nitems:\n  - id: scim.webhook.fast-ack\n    title: t\n    section: s\n    severity: high\n    why: w\n    remediation: r\n    docs: https://docs.scalekit.com/\n    covers: [scim.webhook-fast-ack]\n    probe: {webhook_latency: {deliveries: 4, concurrency: 4}}\n";

async fn run(sb: &Sandbox, only: &[&str], writes: bool) -> Report {
    let lists = vec![checklist::embedded(Embedded::Scim).unwrap()];
    run_lists(sb, lists, only, writes).await
}

async fn run_lists(
    sb: &Sandbox,
    lists: Vec<checklist::Checklist>,
    only: &[&str],
    writes: bool,
) -> Report {
    common::run_sandbox(sb, lists, only, Duration::from_secs(5), |_, o| {
        o.settings.allow_writes = writes;
    })
    .await
}

use common::result as get;

async fn sandbox(faults: AppFaults, delay: Duration) -> Sandbox {
    Sandbox::start(SandboxOptions {
        faults,
        webhook_delay: delay,
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn correct_receiver_passes_every_check_and_never_sees_the_secret() {
    let sb = sandbox(AppFaults::default(), Duration::ZERO).await;
    let mut only: Vec<&str> = SIGNATURE.to_vec();
    only.extend(LIFECYCLE);
    only.push("scim.webhook.fast-ack");
    let r = run(&sb, &only, true).await;
    for id in &only {
        let c = get(&r, id);
        assert_eq!(
            c.status,
            Status::Pass,
            "{id}: {} {:?}",
            c.message,
            c.findings
        );
    }
    let lat = get(&r, "scim.webhook.fast-ack");
    assert_eq!(lat.evidence["deliveries"], 20);
    assert!(lat.message.contains("p95"), "{}", lat.message);
    assert_eq!(
        sb.webhook_secret_leaks(),
        0,
        "the signing secret travelled in a request"
    );
    // created, duplicated, updated, deleted: the receiver holds no synthetic user afterwards.
    assert!(sb.webhook_users().is_empty(), "{:?}", sb.webhook_users());
    let json = launchcheck::report::json::render(&r);
    assert!(!json.contains(sb.webhook_secret.expose()));
}

async fn caught(faults: AppFaults, failing: &[&str]) {
    let sb = sandbox(faults, Duration::ZERO).await;
    let r = run(&sb, &SIGNATURE, true).await;
    for id in SIGNATURE {
        let c = get(&r, id);
        let want = if failing.contains(&id) {
            Status::Fail
        } else {
            Status::Pass
        };
        assert_eq!(c.status, want, "{id}: {}", c.message);
        if want == Status::Fail {
            assert!(
                c.expected.is_some() && c.found.is_some() && c.reproduce.is_some(),
                "{id} lacks evidence"
            );
            assert!(
                c.evidence.contains_key("status"),
                "{id}: no status evidence"
            );
        }
    }
}

#[tokio::test]
async fn receiver_that_skips_verification_fails_the_four_negative_cases() {
    let f = AppFaults {
        webhook_skip_verify: true,
        ..AppFaults::default()
    };
    caught(
        f,
        &[
            "scim.webhook.rejects-tampered",
            "scim.webhook.rejects-wrong-secret",
            "scim.webhook.rejects-unsigned",
            "scim.webhook.rejects-stale",
        ],
    )
    .await;
}

#[tokio::test]
async fn receiver_that_ignores_the_timestamp_fails_only_the_replay_case() {
    let f = AppFaults {
        webhook_ignore_timestamp: true,
        ..AppFaults::default()
    };
    caught(f, &["scim.webhook.rejects-stale"]).await;
}

#[tokio::test]
async fn receiver_that_crashes_on_malformed_payloads_fails_only_that_case() {
    let f = AppFaults {
        webhook_crash_on_malformed: true,
        ..AppFaults::default()
    };
    caught(f, &["scim.webhook.malformed"]).await;
}

#[tokio::test]
async fn slow_receiver_warns_on_latency() {
    let sb = sandbox(AppFaults::default(), Duration::from_millis(1100)).await;
    let list = checklist::load_str("latency.yaml", LATENCY_LIST).unwrap();
    let r = run_lists(&sb, vec![list], &[], false).await;
    let c = get(&r, "scim.webhook.fast-ack");
    assert_eq!(c.status, Status::Warn, "{}", c.message);
    assert!(c.evidence["p95_ms"].as_u64().unwrap() >= 1100);
}

#[tokio::test]
async fn nothing_that_writes_is_sent_without_allow_writes() {
    let sb = sandbox(AppFaults::default(), Duration::ZERO).await;
    let r = run(&sb, &[], false).await;
    for id in LIFECYCLE {
        let c = get(&r, id);
        assert_eq!(c.status, Status::Skip, "{id}");
        assert!(c.message.contains("--allow-writes"), "{}", c.message);
    }
    assert_eq!(get(&r, "scim.webhook.accepts-valid").status, Status::Pass);
    let types = sb.webhook_event_types();
    assert!(!types.is_empty());
    assert!(
        types.iter().all(|t| t == "launchcheck.probe"),
        "non-harmless events sent: {types:?}"
    );
}

#[test]
fn webhook_send_delivers_and_judges_the_answer() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt.block_on(sandbox(AppFaults::default(), Duration::ZERO));
    let w = common::Work::new();
    w.write("ca.pem", &sb.ca_pem);
    let url = format!("{}/api/webhooks/scalekit", sb.app_url);
    let resolve = format!("{}:127.0.0.1", launchcheck::sandbox::APP_HOST);
    let send = |extra: &[&str]| {
        let mut c = w.cmd();
        c.env("SCALEKIT_WEBHOOK_SECRET", sb.webhook_secret.expose())
            .args([
                "webhook",
                "send",
                "--url",
                &url,
                "--event",
                "user_created",
                "--ca-cert",
                "ca.pem",
                "--resolve",
                &resolve,
            ])
            .args(extra);
        c.output().unwrap()
    };
    let ok = send(&[]);
    let text = String::from_utf8_lossy(&ok.stdout).into_owned();
    assert_eq!(ok.status.code(), Some(0), "{text}");
    assert!(text.contains("-> 201"), "{text}");
    assert!(
        text.contains("organization.directory.user_created"),
        "{text}"
    );
    for flag in ["--tamper", "--stale", "--unsigned"] {
        let out = send(&[flag]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(0), "{flag}: {text}");
        assert!(text.contains("-> 400"), "{flag}: {text}");
        assert!(!text.contains(sb.webhook_secret.expose()));
    }
    let bad = w
        .cmd()
        .args([
            "webhook",
            "send",
            "--url",
            &url,
            "--event",
            "nope",
            "--unsigned",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown event type"));
    drop(sb);
}

#[tokio::test]
async fn verify_url_checks_the_effect_of_lifecycle_events() {
    let sb = sandbox(AppFaults::default(), Duration::ZERO).await;
    let r = run(&sb, &LIFECYCLE, true).await;
    let created = get(&r, "scim.lifecycle.user-created");
    assert_eq!(created.status, Status::Pass, "{}", created.message);
    assert!(
        created.message.contains("app.verify_url shows the user"),
        "{}",
        created.message
    );
    let deleted = get(&r, "scim.lifecycle.user-deleted");
    assert_eq!(deleted.status, Status::Pass, "{}", deleted.message);
    assert!(
        deleted.message.contains("deactivated"),
        "{}",
        deleted.message
    );

    // A receiver that acknowledges user_deleted and does nothing: caught only through verify_url.
    let f = AppFaults {
        webhook_ignores_deletes: true,
        ..AppFaults::default()
    };
    let sb = sandbox(f, Duration::ZERO).await;
    let r = run(&sb, &LIFECYCLE, true).await;
    let deleted = get(&r, "scim.lifecycle.user-deleted");
    assert_eq!(deleted.status, Status::Fail, "{}", deleted.message);
    assert!(
        deleted.message.contains("still shows the user as active"),
        "{}",
        deleted.message
    );
    assert!(
        deleted
            .found
            .as_deref()
            .unwrap_or_default()
            .contains("\"active\":true")
    );
    assert_eq!(get(&r, "scim.lifecycle.user-created").status, Status::Pass);
}
