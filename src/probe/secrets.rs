//! `secrets` probe: nothing secret is committed.
//!
//! All three targets read the same repository scan (`Ctx::repo_scan`, run once per run): the
//! client secret's value and literal assignments, the webhook secret's value and `whsec_`
//! literals, and `.env` files that git tracks or does not ignore. Findings name file:line and
//! never the value.

use super::Ctx;
use crate::checklist::spec::{SecretTarget, SecretsSpec};
use crate::report::{Finding, Location};
use crate::scan::{HitKind, ScanResult};

/// Runs the check.
pub async fn run(spec: &SecretsSpec, ctx: &Ctx) -> Vec<Finding> {
    let scan = ctx.repo_scan().await;
    let scan = match scan.as_ref() {
        Ok(s) => s,
        Err(e) => {
            return vec![Finding::error(format!(
                "could not scan the repository: {e} (set repo.path in launchcheck.yaml)"
            ))];
        }
    };
    let root = ctx.target.repo_path.display().to_string();
    vec![match spec.look_for {
        SecretTarget::ClientSecret => hits_finding(
            scan,
            &root,
            &[HitKind::ClientSecretValue, HitKind::ClientSecretAssignment],
            "client secret",
            scan.searched_client_secret,
        ),
        SecretTarget::WebhookSecret => hits_finding(
            scan,
            &root,
            &[HitKind::WebhookSecretValue, HitKind::WhsecLiteral],
            "webhook signing secret",
            scan.searched_webhook_secret,
        ),
        SecretTarget::Dotenv => dotenv_finding(scan, &root),
    }]
}

fn stats(f: Finding, scan: &ScanResult) -> Finding {
    f.with("files_scanned", scan.files_scanned)
        .with("bytes_scanned", scan.bytes_scanned)
        .with("skipped_binary", scan.skipped_binary)
        .with("skipped_large", scan.skipped_large)
        .with("git", scan.git)
}

fn hits_finding(
    scan: &ScanResult,
    root: &str,
    kinds: &[HitKind],
    what: &str,
    searched_value: bool,
) -> Finding {
    let hits: Vec<_> = scan
        .hits
        .iter()
        .filter(|h| kinds.contains(&h.kind))
        .collect();
    if hits.is_empty() {
        let how = if searched_value {
            "its value and secret-shaped literals"
        } else {
            "secret-shaped literals (the value itself is not set, so it was not searched for)"
        };
        return stats(
            Finding::pass(format!(
                "no {what} found in {} files under {root} (searched for {how})",
                scan.files_scanned
            )),
            scan,
        );
    }
    let first = hits[0];
    let root_q = super::https_scheme::shell_quote(root);
    let reproduce = match first.kind {
        HitKind::ClientSecretValue => {
            format!("grep -rnF --exclude-dir=.git -- \"$SCALEKIT_CLIENT_SECRET\" {root_q}")
        }
        HitKind::WebhookSecretValue => {
            format!("grep -rnF --exclude-dir=.git -- \"$SCALEKIT_WEBHOOK_SECRET\" {root_q}")
        }
        HitKind::ClientSecretAssignment => {
            format!("grep -rn --exclude-dir=.git SCALEKIT_CLIENT_SECRET {root_q}")
        }
        HitKind::WhsecLiteral => {
            format!("grep -rnE --exclude-dir=.git 'whsec_[A-Za-z0-9+/]{{16,}}' {root_q}")
        }
    };
    let places: Vec<String> = hits
        .iter()
        .map(|h| {
            format!(
                "{}:{}:{}{}",
                h.path,
                h.line,
                h.column,
                if h.tracked { " (tracked)" } else { "" }
            )
        })
        .collect();
    let mut f = Finding::fail(
        format!(
            "{} found at {}:{}{}",
            first.kind.describe(),
            first.path,
            first.line,
            if hits.len() > 1 {
                format!(" and {} more place(s)", hits.len() - 1)
            } else {
                String::new()
            }
        ),
        format!("no {what} in any file under {root}"),
        places.join(", "),
    )
    .with("places", places.clone())
    .reproduce(reproduce);
    // Locations are relative to the repository top (what CI annotations and SARIF expect);
    // messages stay relative to repo.path.
    for h in &hits {
        f = f.at(Location {
            path: format!("{}{}", scan.git_prefix, h.path),
            line: h.line,
            column: Some(h.column),
        });
    }
    stats(f, scan)
}

fn dotenv_finding(scan: &ScanResult, root: &str) -> Finding {
    let tracked: Vec<_> = scan.dotenv_files.iter().filter(|d| d.tracked).collect();
    let unignored: Vec<_> = scan
        .dotenv_files
        .iter()
        .filter(|d| !d.tracked && !d.ignored)
        .collect();
    if let Some(d) = tracked.first() {
        let list: Vec<String> = tracked.iter().map(|d| d.path.clone()).collect();
        return Finding::fail(
            format!("{} is tracked by git", d.path),
            "no .env file in git",
            format!("tracked: {}", list.join(", ")),
        )
        .with("tracked", list)
        .reproduce(format!(
            "git -C {} ls-files | grep -E '(^|/)\\.env'",
            super::https_scheme::shell_quote(root)
        ))
        .at(Location {
            path: format!("{}{}", scan.git_prefix, d.path),
            line: 1,
            column: None,
        });
    }
    if scan.git {
        if let Some(d) = unignored.first() {
            let list: Vec<String> = unignored.iter().map(|d| d.path.clone()).collect();
            return Finding::fail(
                format!("{} is not ignored: the next `git add .` commits it", d.path),
                ".env listed in .gitignore",
                format!("not ignored: {}", list.join(", ")),
            )
            .with("not_ignored", list)
            .reproduce(format!(
                "git -C {} check-ignore -v {} || echo 'not ignored'",
                super::https_scheme::shell_quote(root),
                super::https_scheme::shell_quote(&d.path)
            ));
        }
    } else if !unignored.is_empty() {
        return Finding::warn(
            format!(
                "{} is present and {root} is not a git repository, so nothing keeps it out of a commit",
                unignored[0].path
            ),
            ".env ignored by version control",
            "no git repository",
        );
    }
    if scan.dotenv_files.is_empty() {
        Finding::pass("no .env file in the repository")
    } else {
        Finding::pass(format!(
            "{} .env file(s), all ignored by git and untracked",
            scan.dotenv_files.len()
        ))
    }
}
