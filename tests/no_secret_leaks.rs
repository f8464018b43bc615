//! Secrets never appear in any output: every command, every format, stdout, stderr and files.
//!
//! The secrets are set in the environment, committed to a fixture repository (so the scanner
//! finds them and must report them without their value), and named in a .env file.

mod common;
use common::*;

/// Every report format.
const FORMATS: [&str; 5] = ["table", "json", "junit", "markdown", "sarif"];

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for secret in [
        CLIENT_SECRET,
        WEBHOOK_SECRET,
        "bGF1bmNoY2hlY2stZ29sZGVuLXZlY3Rvci1rZXktMDE",
    ] {
        assert!(!text.contains(secret), "{what} contains a secret:\n{text}");
    }
}

#[test]
fn no_command_or_format_prints_a_secret() {
    let w = Work::new();
    w.write("launchcheck.yaml", GOOD_CONFIG);
    w.write("docs/runbook.md", "# Runbook\n");
    w.write(
        "src/leak.py",
        &format!("SECRET = '{CLIENT_SECRET}'\nHOOK = '{WEBHOOK_SECRET}'\n"),
    );
    w.write(
        ".env.production",
        &format!("SCALEKIT_CLIENT_SECRET={CLIENT_SECRET}\n"),
    );
    w.git_commit_all();

    let mut runs: Vec<Vec<String>> = Vec::new();
    for cmd in ["sso", "scim", "all"] {
        for format in FORMATS {
            runs.push(vec![
                cmd.into(),
                "--offline".into(),
                "-f".into(),
                format.into(),
            ]);
            runs.push(vec![
                cmd.into(),
                "--offline".into(),
                "-f".into(),
                format.into(),
                "-o".into(),
                format!("out-{cmd}-{format}"),
            ]);
        }
        runs.push(vec![cmd.into(), "--strict".into(), "--offline".into()]);
    }
    runs.push(vec!["all".into(), "--offline".into(), "--verbose".into()]);
    runs.push(vec!["schema".into(), "report".into()]);
    runs.push(vec!["list".into()]);
    runs.push(vec!["list".into(), "-f".into(), "json".into()]);
    runs.push(vec!["explain".into(), "scim.env.webhook-secret".into()]);
    runs.push(vec!["init".into(), "--path".into(), "new.yaml".into()]);
    runs.push(vec![
        "sso".into(),
        "--offline".into(),
        "--only".into(),
        "[".into(),
    ]); // an error path
    runs.push(vec![
        "sso".into(),
        "--offline".into(),
        "-c".into(),
        "missing.yaml".into(),
    ]);

    for args in &runs {
        let out = w.cmd_with_env().args(args).output().expect("runs");
        assert_clean(&format!("stdout of {args:?}"), &out.stdout);
        assert_clean(&format!("stderr of {args:?}"), &out.stderr);
    }
    // A webhook signature over the secret's own text is fine; the secret is not.
    let out = w
        .cmd_with_env()
        .args(["webhook", "sign", "--id", "msg_1", "--timestamp", "1"])
        .write_stdin(WEBHOOK_SECRET)
        .output()
        .expect("runs");
    assert_clean("webhook sign", &out.stdout);
    assert_clean("webhook sign stderr", &out.stderr);

    let mut files = 0;
    for entry in std::fs::read_dir(w.path()).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("out-") || name == "new.yaml" {
            assert_clean(&name, &std::fs::read(&p).unwrap());
            files += 1;
        }
    }
    assert_eq!(files, 3 * FORMATS.len() + 1);
}

#[test]
fn the_scanner_reports_the_leak_it_must_not_print() {
    let w = Work::new();
    w.write("src/leak.py", &format!("SECRET = '{CLIENT_SECRET}'\n"));
    w.git_commit_all();
    let out = w
        .cmd_with_env()
        .args([
            "sso",
            "--offline",
            "--only",
            "sso.secrets.client-secret-not-committed",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out.stdout);
    assert!(
        check(&r, "sso.secrets.client-secret-not-committed")["message"]
            .as_str()
            .unwrap()
            .contains("src/leak.py:1")
    );
    assert_clean("report", &out.stdout);
}

#[test]
fn a_malformed_env_file_is_reported_without_its_values() {
    let w = Work::new();
    w.write(
        ".env",
        &format!("SCALEKIT_ENVIRONMENT_URL=https://acme.scalekit.com\nSCALEKIT_CLIENT_SECRET=\"{CLIENT_SECRET} unterminated\n"),
    );
    let out = w.cmd().args(["sso", "--offline"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".env:"), "{err}");
    assert!(err.contains("SCALEKIT_CLIENT_SECRET"), "{err}");
    assert_clean("stderr", &out.stderr);
    assert_clean("stdout", &out.stdout);
}
