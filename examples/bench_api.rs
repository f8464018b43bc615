//! Benchmark (not a test): the provider API checks against 2,000 organizations whose API
//! answers each take 50 ms, at the default settings (64 operations in flight, 64 per host).
//! Reports the wall time (target: under 10 s), requests per second, and the peak number of API
//! requests the sandbox saw in flight at once (must never exceed the per-host limit).
//!
//! `cargo run --release --example bench_api` (scripts/bench.sh api runs it). Loopback only.

use launchcheck::checklist::{self, Embedded};
use launchcheck::probe::Settings;
use launchcheck::run::{self, RunOptions};
use launchcheck::sandbox::{Sandbox, SandboxOptions};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    for (label, only) in [
        ("sso API checks", vec!["sso.org.*"]),
        (
            "sso + scim API checks",
            vec!["sso.org.*", "scim.org.*", "scim.directory.*"],
        ),
    ] {
        let sb = Sandbox::start(SandboxOptions {
            api_extra_orgs: 1_996, // + the 4 built-in organizations = 2,000
            api_latency: Duration::from_millis(50),
            ..SandboxOptions::default()
        })
        .await?;
        let lists = vec![
            checklist::embedded(Embedded::Sso)?,
            checklist::embedded(Embedded::Scim)?,
        ];
        let net = sb.net_options(Duration::from_secs(10));
        let (concurrency, per_host) = (net.concurrency, net.per_host);
        let opts = RunOptions {
            settings: Settings {
                net,
                ..Settings::default()
            },
            only: only.iter().map(|s| (*s).to_owned()).collect(),
            ..RunOptions::default()
        };
        let t = Instant::now();
        let report = run::run(&lists, Arc::new(sb.target(std::env::temp_dir())), &opts).await?;
        let wall = t.elapsed().as_secs_f64();
        let requests = sb.api.requests.load(Ordering::SeqCst);
        let peak = sb.api.peak_in_flight.load(Ordering::SeqCst);
        for c in report.checks.iter().filter(|c| c.automated) {
            println!(
                "  {:<7} {:<28} {}",
                c.status.as_str(),
                c.id,
                c.findings
                    .last()
                    .map_or(c.message.as_str(), |f| f.message.as_str())
            );
        }
        #[allow(clippy::cast_precision_loss, reason = "request counts fit f64")]
        let bound = requests as f64 * 0.05 / concurrency as f64;
        println!(
            "{label}: 2000 organizations, {requests} API requests at 50 ms each in {wall:.2} s = {:.0} requests/s (lower bound at {concurrency} in flight: {bound:.2} s); peak in flight {peak} (per-host limit {per_host})",
            requests as f64 / wall
        );
        assert!(peak <= per_host, "the per-host limit was exceeded");
    }
    Ok(())
}
