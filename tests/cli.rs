//! End-to-end tests of the CLI contract: exit codes, config and checklist errors, attestations,
//! waivers, selection, and the offline probes' pass and fail paths.

mod common;
use common::*;
use predicates::prelude::*;

fn healthy() -> Work {
    let w = Work::new();
    w.write("launchcheck.yaml", GOOD_CONFIG);
    w.write("docs/runbook.md", "# Runbook\nCall the on-call.\n");
    w.write(".gitignore", ".env\n");
    w.write(
        "src/app.py",
        "import os\nSECRET = os.getenv('SCALEKIT_CLIENT_SECRET')\n",
    );
    w.git_commit_all();
    w
}

#[test]
fn exit_0_when_every_selected_check_passes() {
    let w = healthy();
    let out = w
        .cmd_with_env()
        .args([
            "sso",
            "--offline",
            "--only",
            SSO_OFFLINE_PASSING,
            "-f",
            "json",
        ])
        .assert()
        .code(0);
    let r = json(&out.get_output().stdout);
    assert_eq!(r["summary"]["ready"], true);
    assert_eq!(r["summary"]["pass"], r["summary"]["total"]);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["checklists"][0], "sso");
}

#[test]
fn exit_1_when_variables_are_missing_and_json_says_not_ready() {
    let w = healthy();
    let out = w
        .cmd()
        .args(["scim", "--offline", "--only", "scim.env.*", "-f", "json"])
        .assert()
        .code(1);
    let r = json(&out.get_output().stdout);
    assert_eq!(r["summary"]["ready"], false);
    let c = check(&r, "scim.env.webhook-secret");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["found"], "not set");
    assert!(c["reproduce"].as_str().unwrap().contains("printenv"));
}

#[test]
fn exit_2_on_a_bad_flag() {
    Work::new()
        .cmd()
        .args(["sso", "--offline", "--format", "pdf"])
        .assert()
        .code(2);
    Work::new()
        .cmd()
        .args(["sso", "--offline", "--timeout", "0"])
        .assert()
        .code(2);
}

#[test]
fn malformed_config_names_file_line_and_column() {
    let w = Work::new();
    w.write(
        "launchcheck.yaml",
        "app:\n  redirect_uris: [https://a.example.com\n  webhook_url: x\n",
    );
    w.cmd()
        .args(["sso", "--offline"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("launchcheck.yaml:"));
}

#[test]
fn unknown_config_key_names_its_line_and_the_closest_key() {
    let w = Work::new();
    w.write(
        "launchcheck.yaml",
        "scalekit:\n  client_id: skc_1\napp:\n  redirect_uri: [https://a.example.com/cb]\n",
    );
    w.cmd()
        .args(["sso", "--offline"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("launchcheck.yaml:4:3"))
        .stderr(predicate::str::contains("unknown field `redirect_uri`"))
        .stderr(predicate::str::contains("did you mean `redirect_uris`?"));
}

#[test]
fn explicit_missing_config_is_an_error_but_absent_default_is_not() {
    let w = Work::new();
    w.cmd()
        .args(["sso", "--offline", "-c", "nope.yaml"])
        .assert()
        .code(2);
    w.cmd()
        .args(["sso", "--offline", "--only", "sso.attribute-mapping"])
        .assert()
        .code(0);
}

#[test]
fn invalid_checklist_is_rejected_with_position() {
    let w = Work::new();
    w.write(
        "list.yaml",
        "name: custom\ntitle: T\nitems:\n  - id: x.a\n    title: t\n    section: s\n    severity: huge\n",
    );
    w.cmd()
        .args(["sso", "--offline", "--checklist", "list.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("list.yaml:7:"));
}

#[test]
fn custom_checklist_replaces_the_embedded_one() {
    let w = healthy();
    w.write(
        "list.yaml",
        "name: custom\ntitle: T\nitems:\n  - id: custom.runbook\n    title: Runbook\n    section: Ops\n    severity: low\n    why: w\n    remediation: r\n    docs: https://example.com\n    covers: [scim.incident-readiness]\n    probe: {file_exists: {file: runbook}}\n",
    );
    let out = w
        .cmd()
        .args(["sso", "--offline", "--checklist", "list.yaml", "-f", "json"])
        .assert()
        .code(0);
    let r = json(&out.get_output().stdout);
    assert_eq!(r["summary"]["total"], 1);
    assert_eq!(check(&r, "custom.runbook")["status"], "pass");
}

#[test]
fn attestation_turns_a_manual_item_into_an_attested_pass() {
    let w = Work::new();
    w.write(
        "launchcheck.yaml",
        "attestations:\n  sso.attribute-mapping: \"Okta and Entra reviewed 2026-11-20 (jane@example.com)\"\n",
    );
    let out = w
        .cmd()
        .args([
            "sso",
            "--offline",
            "--only",
            "sso.attribute-mapping,sso.monitoring",
            "-f",
            "json",
        ])
        .assert()
        .code(0);
    let r = json(&out.get_output().stdout);
    let a = check(&r, "sso.attribute-mapping");
    assert_eq!(a["status"], "pass");
    assert_eq!(a["attested"], true);
    assert!(
        a["evidence"]["attestation"]
            .as_str()
            .unwrap()
            .contains("jane@example.com")
    );
    let m = check(&r, "sso.monitoring");
    assert_eq!(m["status"], "manual");
    assert_eq!(m["automated"], false);
    // --strict: the unattested manual item now counts.
    w.cmd()
        .args([
            "sso",
            "--offline",
            "--only",
            "sso.attribute-mapping,sso.monitoring",
            "--strict",
        ])
        .assert()
        .code(1);
}

#[test]
fn unknown_attestation_id_is_an_error_with_a_suggestion() {
    let w = Work::new();
    w.write(
        "launchcheck.yaml",
        "attestations:\n  sso.atribute-mapping: yes\n",
    );
    w.cmd()
        .args(["sso", "--offline"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("launchcheck.yaml:2:3"))
        .stderr(predicate::str::contains(
            "did you mean `sso.attribute-mapping`?",
        ));
}

#[test]
fn active_waiver_waives_and_expired_waiver_counts_again() {
    let w = Work::new();
    w.write(
        "launchcheck.yaml",
        "waivers:\n  sso.env.client-id:\n    reason: rotating credentials\n    expires: 2999-12-31\n",
    );
    let out = w
        .cmd()
        .args([
            "sso",
            "--offline",
            "--only",
            "sso.env.client-id",
            "-f",
            "json",
        ])
        .assert()
        .code(0);
    let r = json(&out.get_output().stdout);
    let c = check(&r, "sso.env.client-id");
    assert_eq!(c["status"], "waived");
    assert_eq!(c["waiver"]["active"], true);
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("rotating credentials")
    );
    assert_eq!(r["summary"]["waived"], 1);

    w.write(
        "launchcheck.yaml",
        "waivers:\n  sso.env.client-id:\n    reason: rotating credentials\n    expires: 2020-01-31\n",
    );
    let out = w
        .cmd()
        .args([
            "sso",
            "--offline",
            "--only",
            "sso.env.client-id",
            "-f",
            "json",
        ])
        .assert()
        .code(1);
    let r = json(&out.get_output().stdout);
    let c = check(&r, "sso.env.client-id");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["waiver"]["active"], false);
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("waiver expired on 2020-01-31")
    );
    assert!(r["notes"][0].as_str().unwrap().contains("expired"));
}

#[test]
fn only_and_skip_select_by_glob() {
    let w = Work::new();
    let out = w
        .cmd()
        .args([
            "all",
            "--offline",
            "--only",
            "sso.env.*,scim.env.*",
            "--skip",
            "*.client-id",
            "-f",
            "json",
        ])
        .assert()
        .code(1);
    let r = json(&out.get_output().stdout);
    let ids: Vec<&str> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "sso.env.environment-url",
            "sso.env.client-secret",
            "scim.env.environment-url",
            "scim.env.client-secret",
            "scim.env.webhook-secret"
        ]
    );
    assert_eq!(r["checklists"], serde_json::json!(["sso", "scim"]));
}

#[test]
fn offline_still_runs_offline_probes() {
    let w = healthy();
    let out = w
        .cmd_with_env()
        .args([
            "sso",
            "--offline",
            "--only",
            SSO_OFFLINE_PASSING,
            "-f",
            "json",
        ])
        .assert()
        .code(0);
    let r = json(&out.get_output().stdout);
    assert_eq!(r["summary"]["skip"], 0);
}

#[test]
fn offline_skips_network_probes_with_the_reason() {
    let w = healthy();
    let out = w
        .cmd_with_env()
        .args(["sso", "--offline", "--only", "sso.https.*", "-f", "json"])
        .assert()
        .code(0);
    let r = json(&out.get_output().stdout);
    let tls = check(&r, "sso.https.redirect-uri");
    assert_eq!(tls["status"], "skip");
    assert!(tls["message"].as_str().unwrap().contains("--offline"));
    assert_eq!(check(&r, "sso.https.app-urls")["status"], "pass");
}

#[test]
fn unusable_ca_cert_is_exit_2() {
    let w = Work::new();
    w.write("not-a-cert.pem", "hello\n");
    w.cmd()
        .args(["sso", "--offline", "--ca-cert", "not-a-cert.pem"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no PEM certificate"));
    w.cmd()
        .args(["sso", "--offline", "--ca-cert", "missing.pem"])
        .assert()
        .code(2);
}

#[test]
fn fail_on_warn_makes_warnings_count() {
    let w = Work::new();
    // A duplicate redirect URI is a warning.
    w.write(
        "launchcheck.yaml",
        "app:\n  redirect_uris: [https://app.example.com/cb, https://app.example.com/cb]\n",
    );
    let args = ["sso", "--offline", "--only", "sso.redirect-uris.rules"];
    w.cmd().args(args).assert().code(0);
    w.cmd()
        .args(args)
        .args(["--fail-on", "warn"])
        .assert()
        .code(1);
}

#[test]
fn redirect_uri_rules_fail_with_evidence() {
    let w = Work::new();
    w.write(
        "launchcheck.yaml",
        "app:\n  redirect_uris:\n    - http://localhost:3000/cb\n    - https://*.example.com/cb\n    - https://evil.example.net/cb\n    - https://app.example.com/cb#x\n  endpoints: [https://app.example.com]\n",
    );
    let out = w
        .cmd()
        .args([
            "sso",
            "--offline",
            "--only",
            "sso.redirect-uris.rules",
            "-f",
            "json",
        ])
        .assert()
        .code(1);
    let r = json(&out.get_output().stdout);
    let c = check(&r, "sso.redirect-uris.rules");
    assert_eq!(c["status"], "fail");
    let msgs: Vec<&str> = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(msgs.iter().any(|m| m.contains("localhost")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("wildcard")), "{msgs:?}");
    assert!(
        msgs.iter().any(|m| m.contains("not on the app's domain")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("#fragment")), "{msgs:?}");
}

#[test]
fn plain_http_app_url_fails() {
    let w = Work::new();
    w.write(
        "launchcheck.yaml",
        "app:\n  webhook_url: http://app.example.com/hook\n",
    );
    let out = w
        .cmd()
        .args([
            "scim",
            "--offline",
            "--only",
            "scim.webhook.endpoint",
            "-f",
            "json",
        ])
        .assert()
        .code(1);
    let r = json(&out.get_output().stdout);
    let c = check(&r, "scim.webhook.endpoint");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["expected"], "an https:// URL");
    assert_eq!(c["found"], "http://app.example.com/hook");
}

#[test]
fn runbook_missing_empty_and_present() {
    let w = Work::new();
    w.write("launchcheck.yaml", "repo:\n  runbook: docs/runbook.md\n");
    let args = [
        "scim",
        "--offline",
        "--only",
        "scim.ops.runbook",
        "-f",
        "json",
    ];
    let out = w.cmd().args(args).assert().code(1);
    assert_eq!(
        check(&json(&out.get_output().stdout), "scim.ops.runbook")["found"],
        "missing"
    );
    w.write("docs/runbook.md", "  \n");
    let out = w.cmd().args(args).assert().code(1);
    assert_eq!(
        check(&json(&out.get_output().stdout), "scim.ops.runbook")["found"],
        "an empty file"
    );
    w.write("docs/runbook.md", "# Runbook\n");
    w.cmd().args(args).assert().code(0);
    // Not configured at all: skipped with the reason.
    let w2 = Work::new();
    let out = w2.cmd().args(args).assert().code(0);
    let c = json(&out.get_output().stdout);
    assert_eq!(check(&c, "scim.ops.runbook")["status"], "skip");
}

#[test]
fn committed_secret_is_found_at_its_file_and_line() {
    let w = Work::new();
    w.write("launchcheck.yaml", "repo:\n  path: repo\n");
    w.write("repo/README.md", "hello\n");
    w.write(
        "repo/config/settings.py",
        &format!("import os\n\n# oops\nCLIENT = \"{CLIENT_SECRET}\"\n"),
    );
    w.write(
        "repo/deploy/values.yaml",
        "env:\n  SCALEKIT_CLIENT_SECRET: \"q8Z1x9aaBB77cc\"\n",
    );
    w.write(
        "repo/hooks.js",
        "const s = 'whsec_dGhpc2lzbm90YXJlYWxzZWNyZXQ=';\n",
    );
    common::git(&w.path().join("repo"), &["init", "-q"]);
    common::git(&w.path().join("repo"), &["add", "-A"]);
    common::git(&w.path().join("repo"), &["commit", "-q", "-m", "x"]);
    let out = w
        .cmd_with_env()
        .args([
            "scim",
            "--offline",
            "--only",
            "scim.secrets.*",
            "-f",
            "json",
        ])
        .assert()
        .code(1);
    let stdout = out.get_output().stdout.clone();
    let r = json(&stdout);
    let c = check(&r, "scim.secrets.client-secret-not-committed");
    assert_eq!(c["status"], "fail");
    let locs: Vec<(String, u64)> = c["findings"][0]["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap().to_owned(),
                l["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        locs,
        [
            ("config/settings.py".to_owned(), 4),
            ("deploy/values.yaml".to_owned(), 2)
        ]
    );
    let wh = check(&r, "scim.secrets.webhook-secret-not-committed");
    assert_eq!(wh["status"], "fail");
    assert!(wh["message"].as_str().unwrap().contains("hooks.js:1"));
    let text = String::from_utf8_lossy(&stdout);
    assert!(!text.contains(CLIENT_SECRET));
    assert!(!text.contains("q8Z1x9aaBB77cc"));
    assert!(!text.contains("dGhpc2lzbm90YXJlYWxzZWNyZXQ"));
}

#[test]
fn tracked_dotenv_fails_and_ignored_dotenv_passes() {
    let w = Work::new();
    w.write(
        ".env",
        "SCALEKIT_ENVIRONMENT_URL=https://acme.scalekit.com\n",
    );
    w.git_commit_all();
    let args = [
        "sso",
        "--offline",
        "--only",
        "sso.secrets.dotenv-not-committed",
        "-f",
        "json",
    ];
    let out = w.cmd().args(args).assert().code(1);
    let c = json(&out.get_output().stdout);
    assert!(
        check(&c, "sso.secrets.dotenv-not-committed")["message"]
            .as_str()
            .unwrap()
            .contains(".env is tracked")
    );

    let w = Work::new();
    w.write(".gitignore", ".env\n");
    w.write(".env", "X=1\n");
    w.git_commit_all();
    w.cmd().args(args).assert().code(0);

    let w = Work::new();
    w.write("README.md", "x\n");
    w.git_commit_all();
    w.write(".env", "X=1\n");
    let out = w.cmd().args(args).assert().code(1);
    let c = json(&out.get_output().stdout);
    assert!(
        check(&c, "sso.secrets.dotenv-not-committed")["message"]
            .as_str()
            .unwrap()
            .contains("not ignored")
    );
}

#[test]
fn dotenv_file_supplies_variables_and_real_environment_wins() {
    let w = healthy();
    w.write(
        "prod.env",
        &format!("SCALEKIT_ENVIRONMENT_URL=https://acme-dev.scalekit.dev\nSCALEKIT_CLIENT_ID={CLIENT_ID}\n"),
    );
    let out = w
        .cmd()
        .args([
            "sso",
            "--offline",
            "--env-file",
            "prod.env",
            "--only",
            "sso.env.*",
            "-f",
            "json",
        ])
        .assert()
        .code(1);
    let r = json(&out.get_output().stdout);
    assert_eq!(check(&r, "sso.env.environment-url")["status"], "fail");
    let id = check(&r, "sso.env.client-id");
    assert_eq!(id["status"], "pass");
    assert!(id["message"].as_str().unwrap().contains("from .env"));
    let out = w
        .cmd()
        .env("SCALEKIT_ENVIRONMENT_URL", ENV_URL)
        .args([
            "sso",
            "--offline",
            "--env-file",
            "prod.env",
            "--only",
            "sso.env.environment-url",
            "-f",
            "json",
        ])
        .assert()
        .code(0);
    let r = json(&out.get_output().stdout);
    assert!(
        check(&r, "sso.env.environment-url")["message"]
            .as_str()
            .unwrap()
            .contains("from the environment")
    );
    w.cmd()
        .args(["sso", "--offline", "--env-file", "missing.env"])
        .assert()
        .code(2);
}

#[test]
fn config_values_expand_variables() {
    let w = Work::new();
    w.write(
        "launchcheck.yaml",
        "app:\n  webhook_url: https://${APP_HOST}/hook\n",
    );
    let out = w
        .cmd()
        .env("APP_HOST", "app.example.com")
        .args([
            "scim",
            "--offline",
            "--only",
            "scim.webhook.endpoint",
            "-f",
            "json",
        ])
        .assert()
        .code(0);
    let r = json(&out.get_output().stdout);
    assert_eq!(
        check(&r, "scim.webhook.endpoint")["evidence"]["urls"][0],
        "https://app.example.com/hook"
    );
}

#[test]
fn custom_domain_must_be_in_use() {
    let w = Work::new();
    w.write(
        "launchcheck.yaml",
        "admin_portal:\n  custom_domain: sso.example.com\n",
    );
    let args = [
        "sso",
        "--offline",
        "--only",
        "sso.portal.custom-domain-in-use",
        "-f",
        "json",
    ];
    let out = w.cmd_with_env().args(args).assert().code(1);
    let r = json(&out.get_output().stdout);
    assert_eq!(
        check(&r, "sso.portal.custom-domain-in-use")["expected"],
        "https://sso.example.com"
    );
    w.cmd_with_env()
        .env("SCALEKIT_ENVIRONMENT_URL", "https://sso.example.com")
        .args(args)
        .assert()
        .code(0);
}

#[test]
fn results_come_back_in_checklist_order() {
    let w = Work::new();
    let out = w
        .cmd()
        .args(["all", "--offline", "-f", "json"])
        .assert()
        .code(1);
    let r = json(&out.get_output().stdout);
    let got: Vec<String> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let list = w.cmd().args(["list", "-f", "json"]).assert().code(0);
    let l = json(&list.get_output().stdout);
    let want: Vec<String> = l["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, want);
    let s = &r["summary"];
    let sum: u64 = ["pass", "warn", "fail", "error", "skip", "manual", "waived"]
        .iter()
        .map(|k| s[*k].as_u64().unwrap())
        .sum();
    assert_eq!(sum, s["total"].as_u64().unwrap());
}

#[test]
fn table_output_has_sections_messages_and_a_summary_without_colour() {
    let w = Work::new();
    let out = w.cmd().args(["sso", "--offline"]).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("SSO · Environment and credentials"), "{text}");
    assert!(text.contains("FAIL"));
    assert!(text.contains("fix:"));
    assert!(text.contains("NOT READY (exit 1)"));
    assert!(!text.contains('\u{1b}'), "ANSI escape in NO_COLOR output");
    // Machine formats keep stdout pure JSON.
    let out = w
        .cmd()
        .args(["sso", "--offline", "-f", "json"])
        .assert()
        .code(1);
    json(&out.get_output().stdout);
}

#[test]
fn output_file_gets_the_report_and_the_terminal_gets_the_table() {
    let w = Work::new();
    let out = w
        .cmd()
        .args(["sso", "--offline", "-f", "json", "-o", "report.json"])
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("NOT READY"), "{text}");
    let file = std::fs::read(w.path().join("report.json")).unwrap();
    let r = json(&file);
    assert_eq!(r["summary"]["ready"], false);
}

#[test]
fn list_explain_and_init() {
    let w = Work::new();
    let out = w
        .cmd()
        .args(["list", "scim", "-f", "json"])
        .assert()
        .code(0);
    let l = json(&out.get_output().stdout);
    assert_eq!(l["schema_version"], 1);
    let first = &l["items"][0];
    for k in [
        "id",
        "checklist",
        "section",
        "title",
        "severity",
        "automated",
        "covers",
    ] {
        assert!(!first[k].is_null(), "missing {k}");
    }
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["checklist"] == "scim")
    );
    w.cmd()
        .args(["list"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("sso.env.environment-url"));

    w.cmd()
        .args(["explain", "scim.secrets.webhook-secret-not-committed"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Why it matters"))
        .stdout(predicate::str::contains("How to fix a failure"))
        .stdout(predicate::str::contains("https://docs.scalekit.com/"));
    w.cmd()
        .args(["explain", "sso.atribute-mapping"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `sso.attribute-mapping`?",
        ));

    w.cmd().args(["init"]).assert().code(0);
    let written = std::fs::read_to_string(w.path().join("launchcheck.yaml")).unwrap();
    assert!(written.contains("redirect_uris"));
    w.cmd()
        .args(["init"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    // The template it writes is a valid config.
    w.cmd()
        .args(["sso", "--offline", "--only", "sso.https.app-urls"])
        .assert()
        .code(0);
}

#[test]
fn webhook_sign_prints_the_three_headers() {
    let w = Work::new();
    let body = r#"{"test": 2432232314}"#;
    w.cmd()
        .env("SCALEKIT_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .args(["webhook", "sign", "--id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "--timestamp", "1614265330"])
        .write_stdin(body)
        .assert()
        .code(0)
        .stdout(
            "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek\nwebhook-timestamp: 1614265330\nwebhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n",
        );
    w.cmd()
        .args(["webhook", "sign", "--id", "x"])
        .write_stdin(body)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "SCALEKIT_WEBHOOK_SECRET is not set",
        ));
}
