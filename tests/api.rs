//! Provider API checks against the sandbox provider: every organization state, pagination
//! (including the omitted-token end and the --max-orgs bound), 401, 429 with Retry-After, 500,
//! and no repeated request. Loopback only.

mod common;
use launchcheck::checklist::Embedded;
use launchcheck::probe::Settings;
use launchcheck::report::{CheckResult, Report, Status};
use launchcheck::sandbox::{Sandbox, SandboxOptions, provider};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

const API_CHECKS: [&str; 7] = [
    "sso.org.exists",
    "sso.org.connection-active",
    "sso.org.domain-verified",
    "sso.portal.link",
    "scim.org.exists",
    "scim.org.domains",
    "scim.directory.api",
];

fn all_orgs() -> Vec<String> {
    provider::default_orgs().into_iter().map(|o| o.id).collect()
}

async fn run_api(
    sb: &Sandbox,
    tweak: impl FnOnce(&mut launchcheck::config::Target, &mut Settings),
) -> Report {
    let lists = common::embedded(&[Embedded::Sso, Embedded::Scim]);
    common::run_sandbox(sb, lists, &API_CHECKS, Duration::from_secs(5), |t, o| {
        tweak(t, &mut o.settings);
        o.deadline = Duration::from_secs(60);
    })
    .await
}

use common::result as get;

/// (organization, status, message) of each per-organization finding.
fn per_org(c: &CheckResult) -> HashMap<String, (Status, String)> {
    c.findings
        .iter()
        .filter_map(|f| {
            Some((
                f.evidence.get("organization_id")?.as_str()?.to_owned(),
                (f.status, f.message.clone()),
            ))
        })
        .collect()
}

#[tokio::test]
async fn every_organization_state_is_told_apart() {
    let sb = Sandbox::start(SandboxOptions {
        organizations: all_orgs(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let r = run_api(&sb, |_, s| s.allow_writes = true).await;
    let ids = all_orgs();
    let (mega, initech, globex, hooli) = (&ids[0], &ids[1], &ids[2], &ids[3]);

    assert_eq!(
        get(&r, "sso.org.exists").status,
        Status::Pass,
        "{}",
        get(&r, "sso.org.exists").message
    );

    let conn = get(&r, "sso.org.connection-active");
    assert_eq!(conn.status, Status::Fail);
    let m = per_org(conn);
    assert!(
        !m.contains_key(mega),
        "passing organizations are counted, not listed"
    );
    assert!(
        m[initech].1.contains("OKTA SAML, draft"),
        "{:?}",
        m[initech]
    );
    assert!(m[globex].1.contains("disabled"), "{:?}", m[globex]);
    assert!(
        conn.findings
            .last()
            .unwrap()
            .message
            .starts_with("2 of 4 organization(s)"),
        "{:?}",
        conn.findings.last()
    );

    let dom = per_org(get(&r, "sso.org.domain-verified"));
    assert!(dom[initech].1.contains("PENDING"), "{:?}", dom[initech]);
    assert!(
        dom[globex].1.contains("finds no active SSO connection"),
        "{:?}",
        dom[globex]
    );
    assert!(dom[hooli].1.contains("has no domain"), "{:?}", dom[hooli]);
    assert!(!dom.contains_key(mega));
    // scim: domains assigned and verified is enough (no routing cross-check).
    let sdom = per_org(get(&r, "scim.org.domains"));
    assert!(!sdom.contains_key(globex), "{sdom:?}");

    let d = get(&r, "scim.directory.api");
    let dir = per_org(d);
    assert!(
        dir[initech].1.contains("no directory"),
        "{:?}",
        dir[initech]
    );
    assert_eq!(dir[globex].0, Status::Warn);
    assert!(dir[globex].1.contains("never synced"));
    assert!(dir[hooli].1.contains("none enabled"), "{:?}", dir[hooli]);
    assert_eq!(d.status, Status::Fail);

    assert_eq!(get(&r, "sso.portal.link").status, Status::Pass);
    let json = launchcheck::report::json::render(&r);
    assert!(
        !json.contains("magicLink"),
        "the portal link is never shown"
    );
}

#[tokio::test]
async fn healthy_organization_passes_with_totals() {
    let sb = Sandbox::start(SandboxOptions {
        organizations: vec![all_orgs()[0].clone()],
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let r = run_api(&sb, |_, _| {}).await;
    for id in API_CHECKS {
        let c = get(&r, id);
        let want = if id == "sso.portal.link" {
            Status::Skip
        } else {
            Status::Pass
        };
        assert_eq!(c.status, want, "{id}: {}", c.message);
    }
    assert!(
        get(&r, "sso.portal.link")
            .message
            .contains("--allow-writes")
    );
    let d = get(&r, "scim.directory.api");
    assert_eq!(d.evidence["organizations_passing"], 1);
}

#[tokio::test]
async fn unknown_configured_organization_fails() {
    let sb = Sandbox::start(SandboxOptions {
        organizations: vec!["org_00000000000000404".into()],
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let r = run_api(&sb, |_, _| {}).await;
    let c = get(&r, "sso.org.exists");
    assert_eq!(c.status, Status::Fail);
    assert!(c.message.contains("does not exist"), "{}", c.message);
}

#[tokio::test]
async fn all_pages_are_read_and_the_bound_is_reported() {
    let sb = Sandbox::start(SandboxOptions {
        api_extra_orgs: 150,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let r = run_api(&sb, |_, _| {}).await;
    let c = get(&r, "sso.org.exists");
    assert_eq!(c.status, Status::Pass);
    assert!(
        c.message.starts_with("154 organization(s)"),
        "{}",
        c.message
    );
    let conn = get(&r, "sso.org.connection-active");
    assert!(
        conn.findings
            .last()
            .unwrap()
            .message
            .contains("of 154 organization(s)")
    );
    // Two pages of 100: the second has no next_page_token at all.
    let pages: Vec<_> = sb
        .log
        .entries()
        .into_iter()
        .filter(|l| l.target.starts_with("/api/v1/organizations?"))
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");

    let sb = Sandbox::start(SandboxOptions {
        api_extra_orgs: 150,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let r = run_api(&sb, |_, s| s.max_orgs = 120).await;
    let c = get(&r, "sso.org.exists");
    assert!(
        c.message.contains("the first 120 (--max-orgs)"),
        "{}",
        c.message
    );
    let conn = get(&r, "sso.org.connection-active");
    assert!(
        conn.findings
            .last()
            .unwrap()
            .message
            .contains("raise --max-orgs"),
        "{:?}",
        conn.findings.last()
    );
}

#[tokio::test]
async fn a_wrong_secret_is_an_error_that_points_at_the_credentials() {
    let sb = Sandbox::start(SandboxOptions {
        organizations: all_orgs(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let r = run_api(&sb, |t, _| {
        t.client_secret = Some(launchcheck::secret::Secret::new(
            "wrong-secret-0123456789".into(),
        ))
    })
    .await;
    let c = get(&r, "sso.org.connection-active");
    assert_eq!(c.status, Status::Error, "{}", c.message);
    assert!(
        c.message.contains("token request was refused (401"),
        "{}",
        c.message
    );
}

#[tokio::test]
async fn rate_limits_are_retried_after_retry_after() {
    let sb = Sandbox::start(SandboxOptions {
        organizations: vec![all_orgs()[0].clone()],
        api_rate_limit_first: 2,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let r = run_api(&sb, |_, _| {}).await;
    for id in [
        "sso.org.exists",
        "sso.org.connection-active",
        "scim.directory.api",
    ] {
        assert_eq!(
            get(&r, id).status,
            Status::Pass,
            "{id}: {}",
            get(&r, id).message
        );
    }
    // Exactly the two refused requests were sent again.
    let api: Vec<_> = sb
        .log
        .entries()
        .into_iter()
        .filter(|l| l.target.starts_with("/api/"))
        .collect();
    let unique: std::collections::HashSet<_> = api.iter().map(|l| l.fingerprint.clone()).collect();
    assert_eq!(api.len() - unique.len(), 2, "{api:?}");
    assert_eq!(api.len(), sb.api.requests.load(Ordering::SeqCst));
}

#[tokio::test]
async fn server_errors_are_errors_not_failures() {
    let sb = Sandbox::start(SandboxOptions {
        organizations: vec![all_orgs()[0].clone()],
        api_fail_500: true,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let r = run_api(&sb, |_, _| {}).await;
    for id in [
        "sso.org.exists",
        "sso.org.connection-active",
        "sso.org.domain-verified",
        "scim.directory.api",
    ] {
        let c = get(&r, id);
        assert_eq!(c.status, Status::Error, "{id}: {}", c.message);
        assert!(c.message.contains("500"), "{}", c.message);
    }
}

#[tokio::test]
async fn no_api_request_is_sent_twice() {
    let sb = Sandbox::start(SandboxOptions {
        organizations: all_orgs(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let _ = run_api(&sb, |_, _| {}).await;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for l in sb.log.entries() {
        *seen
            .entry(format!("{} {} {}", l.fingerprint, l.method, l.target))
            .or_default() += 1;
    }
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "{repeated:?}");
    // One token for the run.
    assert_eq!(
        sb.log
            .entries()
            .iter()
            .filter(|l| l.target == "/oauth/token")
            .count(),
        1
    );
}
