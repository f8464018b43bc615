//! Benchmark (not a test) for the webhook tooling:
//! 1. signing throughput: `v1` signatures per second over a 2 KiB body, one core;
//! 2. the latency probe's own overhead: sequential signed deliveries through launchcheck's
//!    network layer to a loopback receiver that answers at once, against the same number of
//!    bare requests with a plain HTTP client; the difference per delivery is what launchcheck
//!    adds (target: under 1 ms).
//!
//! `cargo run --release --example bench_webhook` (scripts/bench.sh webhook runs it).

use launchcheck::net::{Net, NetOptions, ProxySetting};
use launchcheck::probe::webhook::{now, post, signed};
use launchcheck::sandbox::{pki, server};
use launchcheck::secret::Secret;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Signing throughput.
    let secret = Secret::new("whsec_bGF1bmNoY2hlY2stZ29sZGVuLXZlY3Rvci1rZXktMDE=".into());
    let body = vec![b'x'; 2048];
    let n = 200_000u32;
    let key = launchcheck::webhook::signing_key(&secret)?;
    let t = Instant::now();
    let mut last = String::new();
    for i in 0..n {
        last = launchcheck::webhook::sign_with_key(
            &key,
            "msg_bench",
            1_700_000_000 + i64::from(i),
            &body,
        );
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "signing: {n} signatures of a 2 KiB body in {secs:.2} s = {:.0} signatures/s on one core (last {})",
        f64::from(n) / secs,
        &last[..10]
    );

    // 2. Overhead per delivery against an instant loopback receiver (TLS, keep-alive).
    let ca = pki::Ca::new()?;
    let tls = ca.server_config(&["hook.launchcheck-bench.test"], pki::Leaf::Valid)?;
    let handler: server::Handler =
        Arc::new(|_req| Box::pin(async { server::Outgoing::new(204, "text/plain", Vec::new()) }));
    let srv = server::start(
        "bench",
        Some(tls),
        handler,
        server::RequestLog::default(),
        Duration::ZERO,
    )
    .await?;
    let url = format!(
        "https://hook.launchcheck-bench.test:{}/hook",
        srv.addr.port()
    );
    let net = Net::new(NetOptions {
        extra_roots_pem: vec![ca.pem().into_bytes()],
        system_roots: false,
        hosts: [(
            "hook.launchcheck-bench.test".to_owned(),
            "127.0.0.1".parse()?,
        )]
        .into_iter()
        .collect(),
        hosts_only: true,
        proxy: ProxySetting::None,
        ..NetOptions::default()
    })?;
    let bare = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(ca.pem().as_bytes())?])
        .resolve("hook.launchcheck-bench.test", srv.addr)
        .no_proxy()
        .build()?;
    let deliveries = 2_000;
    let small = br#"{"spec_version":"1","type":"launchcheck.probe","data":{}}"#.to_vec();
    // Warm both connections.
    let d = signed(&secret, "msg_warm", now(), small.clone())?;
    let _ = post(&net, &url, &d).await;
    let _ = bare.post(&url).body(small.clone()).send().await?;
    let mut lc = Vec::new();
    let mut base = Vec::new();
    for round in 0..5 {
        let t = Instant::now();
        for i in 0..deliveries {
            let d = signed(&secret, &format!("msg_{round}_{i}"), now(), small.clone())?;
            let r = post(&net, &url, &d).await;
            assert!(r.as_ref().as_ref().is_ok_and(|r| r.status == 204));
        }
        lc.push(t.elapsed().as_secs_f64() * 1e6 / f64::from(deliveries));
        let t = Instant::now();
        for _ in 0..deliveries {
            let r = bare
                .post(&url)
                .header("content-type", "application/json")
                .body(small.clone())
                .send()
                .await?;
            let _ = r.bytes().await?;
        }
        base.push(t.elapsed().as_secs_f64() * 1e6 / f64::from(deliveries));
    }
    lc.sort_by(f64::total_cmp);
    base.sort_by(f64::total_cmp);
    let (l, b) = (lc[2], base[2]);
    println!(
        "deliveries to an instant loopback receiver (median of 5 rounds of {deliveries}): launchcheck {l:.0} µs each, bare reqwest {b:.0} µs each; launchcheck adds {:.0} µs per delivery (target < 1000 µs)",
        l - b
    );
    Ok(())
}
