//! Benchmark (not a test): `launchcheck network` against 200 host names served by a local DNS
//! server — 150 resolve to a healthy loopback TLS listener, 40 to a listener that accepts and
//! never answers, 10 do not exist — with `--timeout 2 --concurrency 64`. Reports the wall time
//! against the lower bound (one timeout: silent hosts must not compound, healthy ones must not
//! wait behind them) and the peak memory of the launchcheck process.
//!
//! `cargo build --release && cargo run --release --example bench_network` (scripts/bench.sh
//! network runs it). Loopback only.

use launchcheck::sandbox::{dns, pki, server};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let zone_name = "bench.launchcheck.test";
    let ca = pki::Ca::new()?;
    let tls = ca.server_config(&[&format!("*.{zone_name}")], pki::Leaf::Valid)?;
    let handler: server::Handler =
        Arc::new(|_| Box::pin(async { server::Outgoing::html(200, "ok") }));
    let healthy = server::start(
        "healthy",
        Some(tls),
        handler,
        server::RequestLog::default(),
        Duration::ZERO,
    )
    .await?;
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let silent_port = silent.local_addr()?.port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let mut zone = dns::Zone::default();
    let mut domains = Vec::new();
    for i in 0..150 {
        let h = format!("h{i}.{zone_name}");
        zone.a(&h, Ipv4Addr::LOCALHOST);
        domains.push(format!("{h}:{}", healthy.addr.port()));
    }
    for i in 0..40 {
        let h = format!("s{i}.{zone_name}");
        zone.a(&h, Ipv4Addr::LOCALHOST);
        domains.push(format!("{h}:{silent_port}"));
    }
    for i in 0..10 {
        domains.push(format!("nx{i}.{zone_name}"));
    }
    let dns_srv = dns::start(zone).await?;
    let dir = std::env::temp_dir().join(format!("launchcheck-bench-net-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca.pem())?;
    let bin =
        std::env::var("LAUNCHCHECK_BIN").unwrap_or_else(|_| "target/release/launchcheck".into());
    let mut args = vec![
        "network".to_owned(),
        "--resolver".into(),
        dns_srv.addr.to_string(),
        "--ca-cert".into(),
        ca_path.display().to_string(),
        "--timeout".into(),
        "2".into(),
        "--concurrency".into(),
        "64".into(),
        "-f".into(),
        "json".into(),
    ];
    for d in &domains {
        args.push("--domain".into());
        args.push(d.clone());
    }
    let t = Instant::now();
    let child =
        tokio::task::spawn_blocking(move || std::process::Command::new(&bin).args(&args).output())
            .await??;
    let wall = t.elapsed();
    let report: serde_json::Value = serde_json::from_slice(&child.stdout)?;
    let findings = report["checks"][0]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let count = |s: &str| findings.iter().filter(|f| f["status"] == s).count();
    // SAFETY: getrusage only writes into the struct we pass.
    #[allow(
        unsafe_code,
        reason = "reading the finished child's peak RSS needs getrusage"
    )]
    let max_rss_kib = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &raw mut ru);
        ru.ru_maxrss
    };
    println!(
        "network: {} hosts ({} reachable (warn: the bench CA is not a public root), {} fail) in {:.2} s = {:.2} x the 2 s timeout (target <= 1.5); peak RSS {:.1} MiB",
        findings.len(),
        count("warn") + count("pass"),
        count("fail"),
        wall.as_secs_f64(),
        wall.as_secs_f64() / 2.0,
        max_rss_kib as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
