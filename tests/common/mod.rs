//! Shared helpers for the CLI integration tests: a clean command, temp workspaces, git repos.
#![allow(
    dead_code,
    reason = "each test file uses a different subset of the helpers"
)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// Values used as secrets in tests. Long and distinctive so a leak cannot hide.
pub const CLIENT_SECRET: &str = "lc_test_client_secret_Zq9X1vB7nM3kL5pR8tY2";
/// A valid whsec_ secret (key "launchcheck-golden-vector-key-01").
pub const WEBHOOK_SECRET: &str = "whsec_bGF1bmNoY2hlY2stZ29sZGVuLXZlY3Rvci1rZXktMDE=";
/// A production-shaped environment URL.
pub const ENV_URL: &str = "https://acme.scalekit.com";
/// A production-shaped client id.
pub const CLIENT_ID: &str = "skc_58327482062864390";

/// A workspace: a temp dir that is the command's working directory.
pub struct Work {
    pub dir: tempfile::TempDir,
}

impl Work {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    /// `git init` + commit of everything present.
    pub fn git_commit_all(&self) {
        git(self.path(), &["init", "-q"]);
        git(self.path(), &["add", "-A"]);
        git(self.path(), &["commit", "-q", "-m", "fixture"]);
    }

    /// launchcheck with a clean environment, run in this workspace.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("launchcheck").expect("binary");
        c.current_dir(self.path());
        for v in [
            "SCALEKIT_ENVIRONMENT_URL",
            "SCALEKIT_CLIENT_ID",
            "SCALEKIT_CLIENT_SECRET",
            "SCALEKIT_WEBHOOK_SECRET",
            "CLICOLOR_FORCE",
            "GITHUB_ACTIONS",
            "GITHUB_STEP_SUMMARY",
            "HTTPS_PROXY",
            "HTTP_PROXY",
            "ALL_PROXY",
        ] {
            c.env_remove(v);
        }
        c.env("NO_COLOR", "1");
        c
    }

    /// launchcheck with the four variables set to good values.
    pub fn cmd_with_env(&self) -> Command {
        let mut c = self.cmd();
        c.env("SCALEKIT_ENVIRONMENT_URL", ENV_URL)
            .env("SCALEKIT_CLIENT_ID", CLIENT_ID)
            .env("SCALEKIT_CLIENT_SECRET", CLIENT_SECRET)
            .env("SCALEKIT_WEBHOOK_SECRET", WEBHOOK_SECRET);
        c
    }
}

pub fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=launchcheck-test",
            "-c",
            "user.email=test@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(ok.success(), "git {args:?} failed");
}

/// Parses the JSON report from stdout.
pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

/// The check with this id in a JSON report.
pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in report"))
}

/// A config describing a healthy app.
pub const GOOD_CONFIG: &str = "\
app:
  redirect_uris: [https://app.example.com/auth/callback]
  initiate_login_url: https://app.example.com/login
  webhook_url: https://app.example.com/api/webhooks/scalekit
  endpoints: [https://app.example.com]
repo:
  path: .
  runbook: docs/runbook.md
";

/// The automated offline checks of the SSO checklist that a healthy app passes.
pub const SSO_OFFLINE_PASSING: &str =
    "sso.env.*,sso.secrets.*,sso.redirect-uris.rules,sso.https.app-urls";

/// Runs `lists` against a sandbox as a user's config would describe it: the sandbox's target
/// (with a throwaway repository) and network settings, the `only` ids, and whatever `tweak`
/// changes before the run.
pub async fn run_sandbox(
    sb: &launchcheck::sandbox::Sandbox,
    lists: Vec<launchcheck::checklist::Checklist>,
    only: &[&str],
    timeout: std::time::Duration,
    tweak: impl FnOnce(&mut launchcheck::config::Target, &mut launchcheck::run::RunOptions),
) -> launchcheck::report::Report {
    let dir = tempfile::tempdir().expect("tmp");
    let mut target = sb.target(dir.path().to_path_buf());
    let mut opts = launchcheck::run::RunOptions {
        settings: launchcheck::probe::Settings {
            net: sb.net_options(timeout),
            ..launchcheck::probe::Settings::default()
        },
        only: only.iter().map(|s| (*s).to_owned()).collect(),
        ..launchcheck::run::RunOptions::default()
    };
    tweak(&mut target, &mut opts);
    launchcheck::run::run(&lists, std::sync::Arc::new(target), &opts)
        .await
        .expect("run")
}

/// The embedded checklists named.
pub fn embedded(
    which: &[launchcheck::checklist::Embedded],
) -> Vec<launchcheck::checklist::Checklist> {
    which
        .iter()
        .map(|w| launchcheck::checklist::embedded(*w).expect("embedded checklist"))
        .collect()
}

/// The result of check `id` in a report.
pub fn result<'a>(
    r: &'a launchcheck::report::Report,
    id: &str,
) -> &'a launchcheck::report::CheckResult {
    r.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id} in the report"))
}
