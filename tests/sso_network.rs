//! The SSO network probes against the sandbox: a healthy app passes every check, and each fault
//! mode is caught by exactly the check meant to catch it. Everything runs on 127.0.0.1 with the
//! sandbox's throwaway CA; the resolver refuses any other name.

mod common;
use launchcheck::checklist::{self, Embedded};
use launchcheck::probe::Settings;
use launchcheck::report::{Report, Status};
use launchcheck::run::{self, RunOptions};
use launchcheck::sandbox::{AppFaults, Sandbox, SandboxOptions, provider};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

const NETWORK_SSO: [&str; 12] = [
    "sso.credentials.authenticate",
    "sso.idp.routing",
    "sso.https.redirect-uri",
    "sso.https.tls",
    "sso.https.http-redirect",
    "sso.https.hsts",
    "sso.redirect-uris.registered",
    "sso.callback.state",
    "sso.flows.idp-initiated",
    "sso.tokens.discovery",
    "sso.errors.callback-error",
    "sso.env.environment-url",
];

fn healthy_org() -> String {
    provider::default_orgs()[0].id.clone()
}

async fn sandbox(opts: SandboxOptions) -> Sandbox {
    Sandbox::start(opts).await.expect("sandbox starts")
}

async fn run_with(
    sb: &Sandbox,
    checklists: &[Embedded],
    only: &[&str],
    timeout: Duration,
    deadline: Duration,
) -> Report {
    common::run_sandbox(sb, common::embedded(checklists), only, timeout, |_, o| {
        o.deadline = deadline;
    })
    .await
}

async fn run_sso(sb: &Sandbox, only: &[&str]) -> Report {
    run_with(
        sb,
        &[Embedded::Sso],
        only,
        Duration::from_secs(5),
        Duration::from_secs(60),
    )
    .await
}

use common::result as get;

fn opts(faults: AppFaults) -> SandboxOptions {
    SandboxOptions {
        faults,
        organizations: vec![healthy_org()],
        ..SandboxOptions::default()
    }
}

#[tokio::test]
async fn healthy_sandbox_passes_every_network_check() {
    let sb = sandbox(opts(AppFaults::default())).await;
    let r = run_sso(&sb, &NETWORK_SSO).await;
    for id in NETWORK_SSO {
        let c = get(&r, id);
        assert_eq!(
            c.status,
            Status::Pass,
            "{id}: {} {:?}",
            c.message,
            c.findings
        );
    }
    assert!(r.summary.ready);
    let tls = get(&r, "sso.https.redirect-uri");
    assert_eq!(tls.evidence["protocol"], "TLSv1_3");
    assert!(
        tls.evidence["issuer"]
            .as_str()
            .unwrap()
            .contains("launchcheck sandbox CA")
    );
}

async fn assert_caught(faults: AppFaults, id: &str, status: Status, needle: &str) {
    let sb = sandbox(opts(faults)).await;
    let r = run_sso(&sb, &NETWORK_SSO).await;
    let c = get(&r, id);
    assert_eq!(c.status, status, "{id}: {}", c.message);
    assert!(
        c.message.contains(needle),
        "{id}: `{}` lacks `{needle}`",
        c.message
    );
    if status == Status::Fail {
        assert!(
            c.expected.is_some() && c.found.is_some(),
            "{id} fail without evidence"
        );
        assert!(
            c.reproduce.is_some(),
            "{id} fail without a reproduce command"
        );
    }
    // Nothing else is affected by this one fault (TLS faults also break the other checks that
    // talk to the app, which then say so).
    if !(faults.expired_cert || faults.wrong_host_cert) {
        for other in NETWORK_SSO.iter().filter(|o| **o != id) {
            assert_eq!(
                get(&r, other).status,
                Status::Pass,
                "{other} changed: {}",
                get(&r, other).message
            );
        }
    }
}

#[tokio::test]
async fn forged_state_accepted_is_caught() {
    let f = AppFaults {
        accept_forged_state: true,
        ..AppFaults::default()
    };
    assert_caught(f, "sso.callback.state", Status::Fail, "login CSRF").await;
}

#[tokio::test]
async fn crash_on_error_param_is_caught() {
    let f = AppFaults {
        crash_on_error_param: true,
        ..AppFaults::default()
    };
    assert_caught(
        f,
        "sso.errors.callback-error",
        Status::Fail,
        "crashes with 500",
    )
    .await;
}

#[tokio::test]
async fn unverified_idp_token_is_caught() {
    let f = AppFaults {
        forward_unverified_idp_token: true,
        ..AppFaults::default()
    };
    assert_caught(
        f,
        "sso.flows.idp-initiated",
        Status::Fail,
        "forwarded its claims",
    )
    .await;
}

#[tokio::test]
async fn missing_hsts_is_caught() {
    let f = AppFaults {
        no_hsts: true,
        ..AppFaults::default()
    };
    assert_caught(
        f,
        "sso.https.hsts",
        Status::Fail,
        "no Strict-Transport-Security",
    )
    .await;
}

#[tokio::test]
async fn plain_http_served_is_caught() {
    let f = AppFaults {
        plain_http_served: true,
        ..AppFaults::default()
    };
    assert_caught(
        f,
        "sso.https.http-redirect",
        Status::Fail,
        "served over plain HTTP",
    )
    .await;
}

#[tokio::test]
async fn expired_certificate_is_caught() {
    let f = AppFaults {
        expired_cert: true,
        ..AppFaults::default()
    };
    assert_caught(
        f,
        "sso.https.redirect-uri",
        Status::Fail,
        "certificate has expired",
    )
    .await;
}

#[tokio::test]
async fn wrong_host_certificate_is_caught() {
    let f = AppFaults {
        wrong_host_cert: true,
        ..AppFaults::default()
    };
    assert_caught(
        f,
        "sso.https.redirect-uri",
        Status::Fail,
        "not valid for this host name",
    )
    .await;
}

#[tokio::test]
async fn unregistered_redirect_uri_is_caught() {
    let sb = sandbox(SandboxOptions {
        unregistered_callback: true,
        organizations: vec![healthy_org()],
        ..SandboxOptions::default()
    })
    .await;
    let r = run_sso(&sb, &NETWORK_SSO).await;
    let c = get(&r, "sso.redirect-uris.registered");
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.message.contains("register it under Redirect URLs"),
        "{}",
        c.message
    );
}

#[tokio::test]
async fn draft_and_disabled_connections_fail_routing_with_the_provider_error() {
    let orgs = provider::default_orgs();
    let sb = sandbox(SandboxOptions {
        organizations: orgs.iter().map(|o| o.id.clone()).collect(),
        ..SandboxOptions::default()
    })
    .await;
    let r = run_sso(&sb, &["sso.idp.routing"]).await;
    let c = get(&r, "sso.idp.routing");
    assert_eq!(c.status, Status::Fail);
    let per: Vec<(Status, &str)> = c
        .findings
        .iter()
        .map(|f| (f.status, f.message.as_str()))
        .collect();
    assert_eq!(per.len(), 4);
    assert_eq!(per[0].0, Status::Pass, "{per:?}");
    assert!(per[1].1.contains("is draft"), "{per:?}");
    assert!(per[2].1.contains("is disabled"), "{per:?}");
    assert_eq!(per[3].0, Status::Pass, "{per:?}");
}

#[tokio::test]
async fn no_organizations_configured_skips_routing_with_the_reason() {
    let sb = sandbox(SandboxOptions::default()).await;
    let r = run_sso(&sb, &["sso.idp.routing"]).await;
    let c = get(&r, "sso.idp.routing");
    assert_eq!(c.status, Status::Skip);
    assert!(c.message.contains("scalekit.organizations"));
}

#[tokio::test]
async fn wrong_client_secret_fails_with_the_provider_error_and_never_the_secret() {
    let sb = sandbox(opts(AppFaults::default())).await;
    let lists = vec![checklist::embedded(Embedded::Sso).unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let mut target = sb.target(dir.path().to_path_buf());
    let wrong = "definitely-the-wrong-secret-1234567890";
    target.client_secret = Some(launchcheck::secret::Secret::new(wrong.into()));
    let opts = RunOptions {
        settings: Settings {
            net: sb.net_options(Duration::from_secs(5)),
            ..Settings::default()
        },
        only: vec!["sso.credentials.authenticate".into()],
        ..RunOptions::default()
    };
    let r = run::run(&lists, Arc::new(target), &opts).await.unwrap();
    let c = get(&r, "sso.credentials.authenticate");
    assert_eq!(c.status, Status::Fail);
    assert!(c.message.contains("invalid_client"), "{}", c.message);
    let json = launchcheck::report::json::render(&r);
    assert!(!json.contains(wrong));
    assert!(!json.contains(sb.client_secret.expose()));
}

#[tokio::test]
async fn every_request_is_sent_once_per_run_even_when_checks_share_it() {
    let sb = sandbox(opts(AppFaults::default())).await;
    let r = run_with(
        &sb,
        &[Embedded::Sso, Embedded::Scim],
        &[],
        Duration::from_secs(5),
        Duration::from_secs(60),
    )
    .await;
    // sso and scim both check TLS, HSTS and the token endpoint of the same hosts.
    assert_eq!(
        get(&r, "scim.credentials.authenticate").status,
        Status::Pass
    );
    assert_eq!(get(&r, "sso.credentials.authenticate").status, Status::Pass);
    let mut seen: HashMap<(String, bool), (usize, String)> = HashMap::new();
    for l in sb.log.entries() {
        let e = seen
            .entry((l.fingerprint.clone(), l.tls))
            .or_insert((0, format!("{} {}", l.method, l.target)));
        e.0 += 1;
    }
    let repeated: Vec<_> = seen.values().filter(|(n, _)| *n > 1).collect();
    assert!(
        repeated.is_empty(),
        "requests sent more than once: {repeated:?}"
    );
    assert!(seen.values().any(|(_, t)| t == "POST /oauth/token"));
    // Webhook deliveries are many distinct requests (each its own id and signature).
    let deliveries = seen
        .values()
        .filter(|(_, t)| t == "POST /api/webhooks/scalekit")
        .count();
    assert!(deliveries > 20, "{deliveries}");
}

#[tokio::test]
async fn a_slow_app_becomes_error_with_the_phase_and_the_run_respects_its_deadline() {
    let sb = sandbox(SandboxOptions {
        app_latency: Duration::from_secs(30),
        organizations: vec![healthy_org()],
        ..SandboxOptions::default()
    })
    .await;
    let started = std::time::Instant::now();
    let r = run_with(
        &sb,
        &[Embedded::Sso],
        &[
            "sso.https.hsts",
            "sso.callback.state",
            "sso.tokens.discovery",
        ],
        Duration::from_secs(1),
        Duration::from_secs(20),
    )
    .await;
    let hsts = get(&r, "sso.https.hsts");
    assert_eq!(hsts.status, Status::Error, "{}", hsts.message);
    assert!(
        hsts.message.contains("no answer within 1 s"),
        "{}",
        hsts.message
    );
    assert_eq!(hsts.evidence["phase"], "response");
    // The provider is not slow: its check is unaffected.
    assert_eq!(get(&r, "sso.tokens.discovery").status, Status::Pass);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the run outlived its deadline"
    );

    // A deadline shorter than the timeout ends the run there, with every unfinished check an error.
    let r = run_with(
        &sb,
        &[Embedded::Sso],
        &["sso.https.hsts"],
        Duration::from_secs(10),
        Duration::from_secs(1),
    )
    .await;
    let hsts = get(&r, "sso.https.hsts");
    assert_eq!(hsts.status, Status::Error);
    assert!(hsts.message.contains("run deadline"), "{}", hsts.message);
}

/// A CONNECT proxy on loopback that tunnels every host to 127.0.0.1 and records what it was
/// asked for.
async fn connect_proxy() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut b = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut b).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(b[0]);
                }
                let line = String::from_utf8_lossy(&head)
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let target = line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                log.lock().unwrap().push(target.clone());
                let port: u16 = target
                    .rsplit(':')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                let Ok(mut upstream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await
                else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn an_https_proxy_carries_both_http_and_tls_probes() {
    let sb = sandbox(opts(AppFaults::default())).await;
    let (proxy, seen) = connect_proxy().await;
    let lists = vec![checklist::embedded(Embedded::Sso).unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let mut net = sb.net_options(Duration::from_secs(5));
    net.proxy = launchcheck::net::ProxySetting::Url {
        url: proxy,
        no_proxy: vec![],
    };
    let opts = RunOptions {
        settings: Settings {
            net,
            ..Settings::default()
        },
        only: vec![
            "sso.https.redirect-uri".into(),
            "sso.tokens.discovery".into(),
            "sso.https.hsts".into(),
        ],
        ..RunOptions::default()
    };
    let r = run::run(&lists, Arc::new(sb.target(dir.path().to_path_buf())), &opts)
        .await
        .unwrap();
    for c in &r.checks {
        assert_eq!(c.status, Status::Pass, "{}: {}", c.id, c.message);
    }
    let seen = seen.lock().unwrap().clone();
    let app = sb.app_url.trim_start_matches("https://");
    let provider = sb.provider_url.trim_start_matches("https://");
    assert!(seen.iter().any(|t| t == app), "{seen:?}");
    assert!(seen.iter().any(|t| t == provider), "{seen:?}");

    // NO_PROXY: the app host is reached directly.
    let mut net = sb.net_options(Duration::from_secs(5));
    let (proxy2, seen2) = connect_proxy().await;
    net.proxy = launchcheck::net::ProxySetting::Url {
        url: proxy2,
        no_proxy: vec![".launchcheck-demo.com".into()],
    };
    let opts = RunOptions {
        settings: Settings {
            net,
            ..Settings::default()
        },
        only: vec!["sso.https.redirect-uri".into()],
        ..RunOptions::default()
    };
    let r = run::run(&lists, Arc::new(sb.target(dir.path().to_path_buf())), &opts)
        .await
        .unwrap();
    assert_eq!(r.checks[0].status, Status::Pass);
    assert!(seen2.lock().unwrap().is_empty());
}
