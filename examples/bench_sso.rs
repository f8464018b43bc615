//! Benchmark (not a test): a full `sso` run against the sandbox app with 20 endpoints that each
//! answer after 200 ms. Prints the wall time divided by 200 ms: probes overlap, so the run should
//! cost about one latency, not the sum of them (target: at most 1.5).
//!
//! `cargo run --release --example bench_sso` (scripts/bench.sh sso runs it). Loopback only.

use launchcheck::checklist::{self, Embedded};
use launchcheck::probe::Settings;
use launchcheck::run::{self, RunOptions};
use launchcheck::sandbox::{Sandbox, SandboxOptions, provider};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let latency = Duration::from_millis(200);
    let sb = Sandbox::start(SandboxOptions {
        app_latency: latency,
        extra_endpoints: 19,
        organizations: vec![provider::default_orgs()[0].id.clone()],
        ..SandboxOptions::default()
    })
    .await?;
    let list = checklist::embedded(Embedded::Sso)?;
    let dir = std::env::temp_dir().join(format!("launchcheck-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut ratios = Vec::new();
    for round in 0..5 {
        let target = sb.target(dir.clone());
        let opts = RunOptions {
            settings: Settings {
                net: sb.net_options(Duration::from_secs(10)),
                ..Settings::default()
            },
            ..RunOptions::default()
        };
        let t = Instant::now();
        let report = run::run(std::slice::from_ref(&list), Arc::new(target), &opts).await?;
        let wall = t.elapsed();
        let ratio = wall.as_secs_f64() / latency.as_secs_f64();
        let app_requests = sb
            .log
            .entries()
            .iter()
            .filter(|l| l.server == "app")
            .count();
        println!(
            "round {round}: {} checks ({} pass, {} fail, {} error) in {:.0} ms = {ratio:.2} x 200 ms; app requests so far: {app_requests}",
            report.summary.total,
            report.summary.pass,
            report.summary.fail,
            report.summary.error,
            wall.as_secs_f64() * 1000.0
        );
        let mut slow: Vec<_> = report
            .checks
            .iter()
            .map(|c| (c.duration_ms, c.id.as_str()))
            .collect();
        slow.sort_unstable_by(|a, b| b.cmp(a));
        println!("  slowest checks: {:?}", &slow[..3]);
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "median ratio: {:.2} (target <= 1.5)",
        ratios[ratios.len() / 2]
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
