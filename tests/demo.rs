//! `launchcheck demo` end to end: the real binary starts the sandbox and reports on it.

mod common;
use common::*;
use predicates::prelude::*;

#[test]
fn demo_shows_passes_failures_with_remediation_and_manual_items() {
    let w = Work::new();
    let out = w.cmd().arg("demo").assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("launchcheck demo — a sandbox, not your app"),
        "{text}"
    );
    assert!(text.contains("nothing leaves this machine"));
    for needle in [
        "PASS",
        "FAIL",
        "MANUAL",
        "WAIVED",
        "fix:",
        "see it:",
        "NOT READY (exit 1)",
    ] {
        assert!(text.contains(needle), "demo output lacks {needle}");
    }
    assert!(text.contains("login CSRF"));
    assert!(text.contains("is draft"));
}

#[test]
fn demo_json_is_pure_and_healthy_demo_is_ready() {
    let w = Work::new();
    let out = w
        .cmd()
        .args(["demo", "--healthy", "-f", "json"])
        .assert()
        .code(0);
    let r = json(&out.get_output().stdout);
    assert_eq!(r["summary"]["ready"], true);
    assert_eq!(r["summary"]["fail"], 0);
    assert_eq!(r["summary"]["error"], 0);
    assert!(r["summary"]["pass"].as_u64().unwrap() >= 25);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("sandbox"));
    w.cmd()
        .args(["demo", "--healthy"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("READY (exit 0)"));
}

#[test]
fn every_failure_in_the_demo_carries_expected_found_and_a_reproduce_command() {
    let w = Work::new();
    let out = w.cmd().args(["demo", "-f", "json"]).assert().code(1);
    let r = json(&out.get_output().stdout);
    let mut fails = 0;
    for c in r["checks"].as_array().unwrap() {
        if c["status"] == "fail" {
            fails += 1;
            for k in ["expected", "found", "reproduce", "remediation", "docs"] {
                assert!(
                    c[k].as_str().is_some_and(|s| !s.is_empty()),
                    "{} has no {k}",
                    c["id"]
                );
            }
        }
        if c["status"] != "pass" {
            assert!(
                c["message"].as_str().is_some_and(|s| !s.is_empty()),
                "{} has no message",
                c["id"]
            );
        }
    }
    assert!(fails >= 8, "{fails}");
}
