//! `webhook_latency` probe: how fast the endpoint acknowledges. A bounded number of signed
//! harmless deliveries at a modest concurrency, never a load test; p50/p95/max are reported.
//! The provider counts a delivery as failed after about 10 seconds and retries it.

use super::Ctx;
use super::webhook::{now, post, signed};
use crate::checklist::spec::LatencySpec;
use crate::report::Finding;
use crate::webhook::events;
use futures_util::StreamExt;

/// The q-quantile (nearest rank) of sorted values.
#[must_use]
pub fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "ranks of a short list"
    )]
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Runs the check.
pub async fn run(spec: &LatencySpec, ctx: &Ctx) -> Vec<Finding> {
    let (url, secret) = match super::webhook::endpoint_and_secret(ctx) {
        Ok(v) => v,
        Err(f) => return vec![*f],
    };
    let n = spec.deliveries.clamp(1, 200);
    let results: Vec<Result<(u16, u64), String>> = futures_util::stream::iter(0..n)
        .map(|_| {
            let url = url.clone();
            let secret = secret.clone();
            async move {
                let body = events::probe_event().to_string().into_bytes();
                let d = signed(&secret, &events::message_id(), now(), body)?;
                let r = post(&ctx.net, &url, &d).await;
                match r.as_ref() {
                    Ok(resp) => Ok((resp.status, resp.elapsed_ms)),
                    Err(e) => Err(e.to_string()),
                }
            }
        })
        .buffer_unordered(spec.concurrency.clamp(1, 32))
        .collect()
        .await;
    let errors: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    let ok: Vec<(u16, u64)> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    let mut times: Vec<u64> = ok.iter().map(|(_, t)| *t).collect();
    times.sort_unstable();
    let (p50, p95, max) = (
        quantile(&times, 0.5),
        quantile(&times, 0.95),
        times.last().copied().unwrap_or(0),
    );
    let non_2xx: Vec<u16> = ok
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| !(200..300).contains(s))
        .collect();
    let summary = format!("{n} deliveries: p50 {p50} ms, p95 {p95} ms, max {max} ms");
    let expected = format!("every delivery 2xx, p95 under {} ms", spec.warn_p95_ms);
    let f = if !errors.is_empty() {
        Finding::fail(
            format!(
                "{} of {n} deliveries got no answer ({}); {summary}",
                errors.len(),
                errors[0]
            ),
            expected,
            format!("{} without an answer", errors.len()),
        )
    } else if !non_2xx.is_empty() {
        Finding::fail(
            format!(
                "{} of {n} deliveries were not acknowledged with 2xx (first: {}); {summary}",
                non_2xx.len(),
                non_2xx[0]
            ),
            expected,
            format!("statuses {non_2xx:?}"),
        )
    } else if p95 > spec.fail_p95_ms {
        Finding::fail(
            format!(
                "{summary}: slower than the provider's delivery timeout; answer first, process in a queue"
            ),
            expected,
            format!("p95 {p95} ms"),
        )
    } else if p95 > spec.warn_p95_ms {
        Finding::warn(
            format!("{summary}: acknowledge before doing the work"),
            expected,
            format!("p95 {p95} ms"),
        )
    } else {
        Finding::pass(summary)
    };
    vec![
        f.with("deliveries", n)
            .with("p50_ms", p50)
            .with("p95_ms", p95)
            .with("max_ms", max)
            .with("url", url.clone())
            .reproduce(super::webhook::curl(&url, "")),
    ]
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<u64> = (1..=20).collect();
        assert_eq!(quantile(&v, 0.5), 10);
        assert_eq!(quantile(&v, 0.95), 19);
        assert_eq!(quantile(&v, 1.0), 20);
        assert_eq!(quantile(&[], 0.5), 0);
    }
}
