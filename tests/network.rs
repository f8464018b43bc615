//! DNS and reachability probes with a real DNS server and real listeners on loopback: every DNS
//! outcome, refused, accepted-but-silent, a certificate from an unexpected CA, resolver
//! disagreement, and `launchcheck network` end to end.

mod common;
use launchcheck::checklist::{self, Embedded};
use launchcheck::config::Target;
use launchcheck::probe::Settings;
use launchcheck::report::{Report, Status};
use launchcheck::run::{self, RunOptions};
use launchcheck::sandbox::{
    self, CDN_HOST, CUSTOM_DOMAIN, PROVIDER_HOST, Sandbox, SandboxOptions, broken_dns, dns, pki,
    server,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn sb() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).await.unwrap()
}

async fn run_network(net: launchcheck::net::NetOptions, target: Target) -> Report {
    let list = checklist::embedded(Embedded::Network).unwrap();
    let opts = RunOptions {
        settings: Settings {
            net,
            ..Settings::default()
        },
        deadline: Duration::from_secs(30),
        ..RunOptions::default()
    };
    // A hang guard, not a speed test: the run must end on its own.
    tokio::time::timeout(
        Duration::from_secs(60),
        run::run(&[list], Arc::new(target), &opts),
    )
    .await
    .expect("the run ended")
    .expect("run")
}

fn dns_target(domain: &str) -> Target {
    Target {
        custom_domain: Some(domain.to_owned()),
        cname_target: Some(PROVIDER_HOST.to_owned()),
        ..Target::default()
    }
}

async fn portal_dns(sb: &Sandbox, domain: &str) -> launchcheck::report::CheckResult {
    let mut net = sb.net_options(Duration::from_secs(1));
    net.resolvers = vec![sb.dns_addr];
    let r = run_network(net, dns_target(domain)).await;
    r.checks
        .into_iter()
        .find(|c| c.id == "network.admin-portal-dns")
        .unwrap()
}

#[tokio::test]
async fn every_cname_outcome_is_told_apart() {
    let sb = sb().await;
    let ok = portal_dns(&sb, CUSTOM_DOMAIN).await;
    assert_eq!(ok.status, Status::Pass, "{}", ok.message);
    assert!(ok.message.contains(PROVIDER_HOST));
    let cases = [
        (
            broken_dns::WRONG_CNAME,
            Status::Fail,
            "points at elsewhere.example-cdn.net",
        ),
        (broken_dns::MISSING, Status::Fail, "NXDOMAIN"),
        (
            broken_dns::A_RECORD,
            Status::Fail,
            "A record (127.0.0.1) instead of a CNAME",
        ),
        (broken_dns::LOOP, Status::Fail, "loops"),
        (broken_dns::SERVFAIL, Status::Error, "SERVFAIL"),
        (broken_dns::SILENT, Status::Error, "timeout"),
    ];
    for (domain, status, needle) in cases {
        let c = portal_dns(&sb, domain).await;
        assert_eq!(c.status, status, "{domain}: {}", c.message);
        assert!(
            c.message.contains(needle),
            "{domain}: `{}` lacks `{needle}`",
            c.message
        );
        if status == Status::Fail {
            assert!(
                c.reproduce
                    .as_deref()
                    .unwrap_or_default()
                    .contains("dig @127.0.0.1"),
                "{domain}"
            );
            assert!(c.found.is_some());
        }
    }
}

#[tokio::test]
async fn resolvers_that_disagree_warn_with_each_answer() {
    let sb = sb().await;
    let mut zone = dns::Zone::default();
    zone.cname(CUSTOM_DOMAIN, "old-target.example-cdn.net");
    let stale = dns::start(zone).await.unwrap();
    let mut net = sb.net_options(Duration::from_secs(1));
    net.resolvers = vec![sb.dns_addr, stale.addr];
    let r = run_network(net, dns_target(CUSTOM_DOMAIN)).await;
    let c = r
        .checks
        .iter()
        .find(|c| c.id == "network.admin-portal-dns")
        .unwrap();
    assert_eq!(c.status, Status::Warn, "{}", c.message);
    assert!(c.message.contains("disagree"));
    let answers = c.evidence["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 2);
    assert!(
        answers[1]
            .as_str()
            .unwrap()
            .contains("old-target.example-cdn.net")
    );
}

/// A listener that accepts TCP connections and never says a word.
async fn silent_listener() -> (u16, tokio::task::JoinHandle<()>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = l.accept().await {
            held.push(s);
        }
    });
    (port, task)
}

fn reach_target(domains: Vec<String>) -> Target {
    Target {
        extra_domains: domains,
        ..Target::default()
    }
}

fn findings_by_host(r: &Report) -> Vec<(String, Status, String)> {
    let c = r
        .checks
        .iter()
        .find(|c| c.id == "network.reachability")
        .unwrap();
    if c.findings.is_empty() {
        vec![(
            c.evidence["host"].as_str().unwrap_or_default().to_owned(),
            c.status,
            c.message.clone(),
        )]
    } else {
        c.findings
            .iter()
            .map(|f| {
                (
                    f.evidence["host"].as_str().unwrap_or_default().to_owned(),
                    f.status,
                    f.message.clone(),
                )
            })
            .collect()
    }
}

#[tokio::test]
async fn reachability_classifies_each_failure_and_a_silent_host_holds_nothing_up() {
    let sb = sb().await;
    let refused_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again: connecting is refused
    let (silent_port, _silent) = silent_listener().await;
    let domains = vec![
        format!("{CDN_HOST}:{}", sb.provider_port()),
        format!("{}:{refused_port}", sandbox::APP_HOST),
        format!("{PROVIDER_HOST}:{silent_port}"),
        broken_dns::MISSING.to_owned(),
        broken_dns::SERVFAIL.to_owned(),
    ];
    let started = Instant::now();
    let r = run_network(
        sb.net_options(Duration::from_secs(1)),
        reach_target(domains),
    )
    .await;
    let elapsed = started.elapsed();
    let f = findings_by_host(&r);
    let get = |h: &str| {
        f.iter()
            .find(|(host, _, _)| host == h)
            .cloned()
            .unwrap_or_else(|| panic!("no {h} in {f:?}"))
    };
    let (_, s, m) = get(CDN_HOST);
    assert_eq!(s, Status::Pass, "{m}");
    assert!(m.contains("reachable: DNS"), "{m}");
    let (_, s, m) = get(sandbox::APP_HOST);
    assert_eq!(s, Status::Fail);
    assert!(m.contains("refused"), "{m}");
    let (_, s, m) = get(PROVIDER_HOST);
    assert_eq!(s, Status::Fail);
    assert!(m.contains("connected, then no TLS answer"), "{m}");
    let (_, s, m) = get(broken_dns::MISSING);
    assert_eq!(s, Status::Fail);
    assert!(m.contains("NXDOMAIN"), "{m}");
    let (_, s, m) = get(broken_dns::SERVFAIL);
    assert_eq!(s, Status::Fail);
    assert!(m.contains("SERVFAIL"), "{m}");
    // The silent host costs one timeout (1 s), not more, and the others finish meanwhile.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[tokio::test]
async fn a_certificate_from_an_unexpected_ca_is_named_as_possible_interception() {
    let sb = sb().await;
    let proxy_ca = pki::Ca::named("Corp TLS Inspection CA").unwrap();
    let tls = proxy_ca
        .server_config(&[CDN_HOST], pki::Leaf::Valid)
        .unwrap();
    let handler: server::Handler =
        Arc::new(|_| Box::pin(async { server::Outgoing::html(200, "ok") }));
    let srv = server::start(
        "mitm",
        Some(tls),
        handler,
        server::RequestLog::default(),
        Duration::ZERO,
    )
    .await
    .unwrap();
    let mut net = sb.net_options(Duration::from_secs(2));
    // The "corporate" root is installed locally (--ca-cert), but it is not a public root.
    net.extra_roots_pem.push(proxy_ca.pem().into_bytes());
    let r = run_network(
        net,
        reach_target(vec![format!("{CDN_HOST}:{}", srv.addr.port())]),
    )
    .await;
    let f = findings_by_host(&r);
    assert_eq!(f[0].1, Status::Warn, "{f:?}");
    assert!(f[0].2.contains("TLS-inspecting proxy"), "{}", f[0].2);
    assert!(
        f[0].2.contains("Corp TLS Inspection CA"),
        "issuer named: {}",
        f[0].2
    );
    // Not trusted at all (no --ca-cert): a failure that names the issuer.
    let r = run_network(
        sb.net_options(Duration::from_secs(2)),
        reach_target(vec![format!("{CDN_HOST}:{}", srv.addr.port())]),
    )
    .await;
    let f = findings_by_host(&r);
    assert_eq!(f[0].1, Status::Fail, "{f:?}");
    assert!(f[0].2.contains("unknown (untrusted) CA"), "{}", f[0].2);
}

#[test]
fn launchcheck_network_end_to_end() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt.block_on(sb());
    let w = common::Work::new();
    w.write("ca.pem", &sb.ca_pem);
    let resolver = sb.dns_addr.to_string();
    let out = w
        .cmd()
        .args([
            "network",
            "--env-url",
            &sb.provider_url,
            "--domain",
            &format!("{CDN_HOST}:{}", sb.provider_port()),
        ])
        .args([
            "--resolver",
            &resolver,
            "--ca-cert",
            "ca.pem",
            "--timeout",
            "2",
            "-f",
            "json",
        ])
        .args([
            "--custom-domain",
            CUSTOM_DOMAIN,
            "--cname-target",
            PROVIDER_HOST,
        ])
        .output()
        .unwrap();
    let r = common::json(&out.stdout);
    // The sandbox CA is trusted through --ca-cert only, so reachability warns of interception.
    let reach = common::check(&r, "network.reachability");
    assert_eq!(reach["status"], "warn", "{reach}");
    assert_eq!(
        common::check(&r, "network.admin-portal-dns")["status"],
        "pass"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings do not fail by default"
    );
    let out = w
        .cmd()
        .args([
            "network",
            "--env-url",
            &sb.provider_url,
            "--resolver",
            &resolver,
            "--ca-cert",
            "ca.pem",
            "--timeout",
            "2",
            "--fail-on",
            "warn",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "network has no --fail-on: clap refuses it"
    );
    w.cmd().arg("network").assert().code(2);
    drop(sb);
}

#[tokio::test]
async fn a_proxy_that_refuses_the_tunnel_is_named() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sb = sb().await;
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", l.local_addr().unwrap());
    let _refuser = tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            let _ = s.write_all(b"HTTP/1.1 403 Forbidden\r\n\r\n").await;
        }
    });
    let mut net = sb.net_options(Duration::from_secs(2));
    net.proxy = launchcheck::net::ProxySetting::Url {
        url: proxy,
        no_proxy: vec![],
    };
    let r = run_network(
        net,
        reach_target(vec![format!("{CDN_HOST}:{}", sb.provider_port())]),
    )
    .await;
    let f = findings_by_host(&r);
    assert_eq!(f[0].1, Status::Fail, "{f:?}");
    assert!(
        f[0].2.contains("the HTTPS proxy refused the tunnel"),
        "{}",
        f[0].2
    );
}
