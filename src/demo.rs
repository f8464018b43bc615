//! `launchcheck demo`: the out-of-the-box first run.
//!
//! Starts the sandbox (a provider environment and a sample app on 127.0.0.1 with a throwaway
//! CA), describes the app as a user's launchcheck.yaml would, and runs both checklists against
//! it with the network restricted to the sandbox's hosts. A few faults are switched on so the
//! report shows what failures look like; `--healthy` switches them off.

use crate::checklist::{self, Embedded};
use crate::cli::{DemoArgs, Format, Out, color_enabled, render, usage_error};
use crate::probe::Settings;
use crate::report::{Gate, table};
use crate::run::{self, RunOptions};
use crate::sandbox::{AppFaults, Sandbox, SandboxOptions, provider};
use crate::secret::Redactor;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

fn write_repo(dir: &std::path::Path, webhook_secret: &str, leak: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("docs"))?;
    std::fs::create_dir_all(dir.join("config"))?;
    std::fs::write(
        dir.join("docs/runbook.md"),
        "# Provisioning incident runbook\n1. Page identity on-call.\n2. Pause event processing.\n",
    )?;
    let settings = if leak {
        format!("DEBUG = False\nWEBHOOK_SECRET = \"{webhook_secret}\"  # pasted while debugging\n")
    } else {
        "import os\nWEBHOOK_SECRET = os.environ[\"SCALEKIT_WEBHOOK_SECRET\"]\n".to_owned()
    };
    std::fs::write(dir.join("config/settings.py"), settings)
}

/// Runs the demo and returns the exit code.
#[must_use]
pub fn run(a: &DemoArgs) -> i32 {
    let out = Out::default();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(&out, &format!("cannot start the runtime: {e}")),
    };
    rt.block_on(async {
        let orgs = provider::default_orgs();
        let faults = if a.healthy {
            AppFaults::default()
        } else {
            AppFaults {
                accept_forged_state: true,
                no_hsts: true,
                webhook_ignore_timestamp: true,
                ..AppFaults::default()
            }
        };
        let organizations = if a.healthy {
            vec![orgs[0].id.clone()]
        } else {
            vec![orgs[0].id.clone(), orgs[1].id.clone()]
        };
        let sb = match Sandbox::start(SandboxOptions {
            faults,
            organizations,
            custom_domain: true,
            ..SandboxOptions::default()
        })
        .await
        {
            Ok(s) => s,
            Err(e) => return usage_error(&out, &format!("cannot start the sandbox: {e}")),
        };
        let repo = std::env::temp_dir().join(format!("launchcheck-demo-{}", std::process::id()));
        if let Err(e) = write_repo(&repo, sb.webhook_secret.expose(), !a.healthy) {
            return usage_error(&out, &format!("cannot write the demo repository: {e}"));
        }
        let mut target = sb.target(repo.clone());
        if a.healthy {
            // The healthy app has finished its custom-domain move.
            target.environment_url = Some(format!(
                "https://{}:{}",
                crate::sandbox::CUSTOM_DOMAIN,
                sb.provider_port()
            ));
            target.cname_target = Some(crate::sandbox::PROVIDER_HOST.to_owned());
        }
        target.runbook = Some(repo.join("docs/runbook.md"));
        target.runbook_display = Some("docs/runbook.md".into());
        target.attestations.insert(
            "sso.attribute-mapping".into(),
            "Okta and Entra ID mappings reviewed 2026-11-20 (jane@example.com)".into(),
        );
        target.attestations.insert(
            "scim.rbac".into(),
            "Admin, member and viewer roles tested through IdP groups (sam@example.com)".into(),
        );
        if !a.healthy {
            target.waivers.insert(
                "scim.https.hsts".into(),
                crate::config::Waiver {
                    reason: "HSTS ships with the CDN migration".into(),
                    expires: time::macros::date!(2099 - 12 - 31),
                },
            );
        }
        let out = Out::new(Redactor::new(target.secrets()));
        let lists = match (checklist::embedded(Embedded::Sso), checklist::embedded(Embedded::Scim)) {
            (Ok(s), Ok(c)) => vec![s, c],
            (Err(e), _) | (_, Err(e)) => return usage_error(&out, &e.to_string()),
        };
        let opts = RunOptions {
            settings: Settings {
                net: sb.net_options(Duration::from_secs(5)),
                // The sandbox app's data is throwaway: the lifecycle events may run.
                allow_writes: true,
                ..Settings::default()
            },
            deadline: Duration::from_secs(60),
            gate: Gate {
                fail_on_warn: false,
                strict: false,
            },
            ..RunOptions::default()
        };
        let report = run::run(&lists, Arc::new(target), &opts).await;
        let _ = std::fs::remove_dir_all(&repo);
        let report = match report {
            Ok(r) => r,
            Err(e) => return usage_error(&out, &e),
        };
        let color = color_enabled(a.no_color);
        let faults_line = if a.healthy {
            "none (--healthy)".to_owned()
        } else {
            "the callback accepts a forged state, no HSTS, a customer whose SSO connection is still a draft, a webhook receiver that accepts replays, a signing secret pasted into config/settings.py, an environment URL not yet moved to the custom domain".to_owned()
        };
        let banner = format!(
            "launchcheck demo — a sandbox, not your app\n  provider environment  {}\n  sample app            {}\n  all on 127.0.0.1 with a throwaway CA and its own DNS server; nothing leaves this machine\n  deliberate faults: {faults_line}\n",
            sb.provider_url, sb.app_url
        );
        let style = table::Style {
            color,
            width: if std::io::stdout().is_terminal() { None } else { Some(120) },
        };
        match a.format {
            Format::Table => out.stdout(&format!("{banner}\n")),
            _ => out.stderr(&banner),
        }
        match render(&report, a.format, style) {
            Ok(text) => out.stdout(&text),
            Err(e) => return usage_error(&out, &e),
        }
        report.exit_code()
    })
}
