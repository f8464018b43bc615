//! The command line: argument parsing, loading, rendering, exit codes.
//!
//! Everything the user sees leaves through [`Out`], which runs every byte through the run's
//! [`Redactor`] — stdout, stderr and report files alike — so no path can print a secret.
//! Errors that stop a run before it starts (bad flag, unreadable or invalid config or checklist)
//! exit 2 with file:line:column; a finished run exits 0 or 1 as its report says.

use crate::checklist::{self, Checklist, Embedded};
use crate::config::{self, Env, Target};
use crate::net::NetOptions;
use crate::probe::Settings;
use crate::report::{self, Gate, Report, table};
use crate::run::{self, RunOptions};
use crate::secret::{Redactor, Secret};
use crate::yaml::{self, YamlError};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Exit codes (CONTRACT).
pub mod exit {
    /// Ready.
    pub const READY: i32 = 0;
    /// Not ready.
    pub const NOT_READY: i32 = 1;
    /// The run could not be made.
    pub const USAGE: i32 = 2;
}

/// Launch readiness for Scalekit SSO and SCIM, with evidence.
#[derive(Debug, Parser)]
#[command(name = "launchcheck", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit SSO launch readiness.
    Sso(CheckArgs),
    /// Audit SCIM launch readiness.
    Scim(CheckArgs),
    /// Both checklists, one report.
    All(CheckArgs),
    /// List checklist items.
    List(ListArgs),
    /// What a check looks at, why it matters, how to fix it.
    Explain {
        /// The check id (`launchcheck list` shows them).
        check_id: String,
    },
    /// Write a commented launchcheck.yaml to fill in.
    Init {
        /// Where to write it.
        #[arg(long, default_value = "launchcheck.yaml")]
        path: PathBuf,
    },
    /// Webhook tools.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Start a local sandbox (provider + sample app on loopback, throwaway CA) and run `all`
    /// against it.
    Demo(DemoArgs),
    /// Reachability of the provider's domains from this network, for a customer's IT team to
    /// run and send back. Needs no credentials and no config.
    Network(NetworkArgs),
    /// Print the JSON Schema of the report, a checklist file, or launchcheck.yaml.
    Schema {
        /// Which document.
        #[arg(value_parser = ["report", "checklist", "config"])]
        which: String,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// Options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Run the sample app without its deliberate faults.
    #[arg(long)]
    pub healthy: bool,
    /// No colour.
    #[arg(long)]
    pub no_color: bool,
}

/// `webhook` subcommands.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Deliver one signed directory event and show the app's answer.
    Send(SendArgs),
    /// Print the signature headers for the body on stdin (secret from SCALEKIT_WEBHOOK_SECRET).
    Sign {
        /// The webhook-id header value.
        #[arg(long)]
        id: String,
        /// Unix seconds (default: now).
        #[arg(long)]
        timestamp: Option<i64>,
        /// Load variables from this dotenv file.
        #[arg(long)]
        env_file: Option<PathBuf>,
    },
}

/// Options of `network`.
#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// The provider environment URL (default: SCALEKIT_ENVIRONMENT_URL).
    #[arg(long, value_name = "URL")]
    pub env_url: Option<String>,
    /// Another provider domain to check, HOST or HOST:PORT (repeatable; default cdn.scalekit.com).
    #[arg(long, value_name = "HOST[:PORT]")]
    pub domain: Vec<String>,
    /// The admin-portal custom domain whose CNAME to check.
    #[arg(long, value_name = "HOST")]
    pub custom_domain: Option<String>,
    /// Where the custom domain's CNAME must lead (default: the environment host).
    #[arg(long, value_name = "HOST")]
    pub cname_target: Option<String>,
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE, or FORMAT=FILE (repeatable).
    #[arg(short, long, value_name = "[FORMAT=]FILE")]
    pub output: Vec<String>,
    /// Network settings.
    #[command(flatten)]
    pub net: NetArgs,
    /// No colour.
    #[arg(long)]
    pub no_color: bool,
}

/// Options of `webhook send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The app's webhook endpoint.
    #[arg(long)]
    pub url: String,
    /// Event type: user_created, user_updated, user_deleted, group_created, group_updated,
    /// group_deleted (with or without the `organization.directory.` prefix), or probe (a harmless
    /// launchcheck.probe event).
    #[arg(long)]
    pub event: String,
    /// Organization id in the event.
    #[arg(long, default_value = "org_launchcheck_synthetic")]
    pub org: String,
    /// User email in user events.
    #[arg(long, default_value = "launchcheck-probe@example.com")]
    pub email: String,
    /// Change one byte of the body after signing (a correct endpoint answers 4xx).
    #[arg(long, group = "mode")]
    pub tamper: bool,
    /// Sign with a timestamp 10 minutes old (a replay; a correct endpoint answers 4xx).
    #[arg(long, group = "mode")]
    pub stale: bool,
    /// Send no signature headers (a correct endpoint answers 4xx).
    #[arg(long, group = "mode")]
    pub unsigned: bool,
    /// Network settings.
    #[command(flatten)]
    pub net: NetArgs,
    /// Load variables from this dotenv file (default: ./.env if present).
    #[arg(long)]
    pub env_file: Option<PathBuf>,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Terminal table.
    Table,
    /// JSON (CONTRACT shape).
    Json,
    /// JUnit XML.
    Junit,
    /// Markdown summary.
    Markdown,
    /// SARIF 2.1.0.
    Sarif,
}

/// `--fail-on` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// fail and error make the exit code 1.
    Fail,
    /// warn too.
    Warn,
}

/// Options of sso / scim / all.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Target description (default: ./launchcheck.yaml if present).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Load variables from a dotenv file; real environment variables win (default: ./.env if present).
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
    /// Use this checklist YAML instead of the embedded one(s); repeatable.
    #[arg(long, value_name = "FILE")]
    pub checklist: Vec<PathBuf>,
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE (the table then goes to the terminal); `FORMAT=FILE` writes
    /// that format too (repeatable: `-o json=report.json -o junit=report.xml`).
    #[arg(short, long, value_name = "[FORMAT=]FILE")]
    pub output: Vec<String>,
    /// Print only the summary line (table format) and no progress, hints or notes.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// After the report, print each check's duration and every request sent (stderr).
    #[arg(short, long)]
    pub verbose: bool,
    /// Only checks whose id matches one of these globs (comma-separated, repeatable).
    #[arg(long, value_name = "PATTERN", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Drop checks whose id matches one of these globs (comma-separated, repeatable).
    #[arg(long, value_name = "PATTERN", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Lowest status that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Fail)]
    pub fail_on: FailOn,
    /// Manual items without an attestation count as failures.
    #[arg(long)]
    pub strict: bool,
    /// Run no network probe.
    #[arg(long)]
    pub offline: bool,
    /// Seconds for the whole run.
    #[arg(long, value_name = "SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub deadline: u64,
    /// Network settings.
    #[command(flatten)]
    pub net: NetArgs,
    /// Permit probes that change data: directory lifecycle events to the app, a portal link
    /// at the provider.
    #[arg(long)]
    pub allow_writes: bool,
    /// With no scalekit.organizations configured, how many of the environment's organizations
    /// the API checks look at.
    #[arg(long, value_name = "N", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_orgs: u64,
    /// No colour (NO_COLOR and a non-terminal stdout also turn it off).
    #[arg(long)]
    pub no_color: bool,
}

/// Network options shared by every command that talks to the network.
#[derive(Debug, Clone, Args)]
pub struct NetArgs {
    /// Seconds per network operation.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Network operations in flight at once.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub concurrency: u64,
    /// Network operations in flight at once to one host.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub per_host: u64,
    /// DNS server(s) to ask instead of the system's, for every lookup (repeatable).
    #[arg(long, value_name = "IP[:PORT]")]
    pub resolver: Vec<String>,
    /// Extra trusted root certificate(s), PEM.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,
    /// Resolve HOST to ADDR for every lookup, like curl's --resolve (repeatable).
    #[arg(long, value_name = "HOST:ADDR")]
    pub resolve: Vec<String>,
}

impl NetArgs {
    /// The network layer's settings.
    ///
    /// # Errors
    /// An unreadable `--ca-cert`, a malformed `--resolve` or `--resolver`.
    pub fn options(&self) -> Result<NetOptions, String> {
        Ok(NetOptions {
            timeout: Duration::from_secs(self.timeout),
            concurrency: usize::try_from(self.concurrency).unwrap_or(64),
            per_host: usize::try_from(self.per_host).unwrap_or(64),
            extra_roots_pem: read_ca_certs(&self.ca_cert)?,
            hosts: resolve_map(&self.resolve)?,
            resolvers: parse_resolvers(&self.resolver)?,
            ..NetOptions::default()
        })
    }
}

/// Options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Which checklist (both when omitted).
    #[arg(value_parser = ["sso", "scim"])]
    pub which: Option<String>,
    /// Output format.
    #[arg(short, long, value_parser = ["table", "json"], default_value = "table")]
    pub format: String,
    /// List this checklist file instead of the embedded ones.
    #[arg(long, value_name = "FILE")]
    pub checklist: Vec<PathBuf>,
}

/// Where output goes, with secrets scrubbed on the way.
#[derive(Debug, Default)]
pub struct Out {
    redactor: Redactor,
}

impl Out {
    /// Output scrubbing these secrets.
    #[must_use]
    pub fn new(redactor: Redactor) -> Self {
        Self { redactor }
    }

    /// Writes to stdout.
    pub fn stdout(&self, text: &str) {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(self.redactor.scrub(text).as_bytes());
        let _ = o.flush();
    }

    /// Writes a line to stderr.
    pub fn stderr(&self, text: &str) {
        let mut e = std::io::stderr().lock();
        let _ = writeln!(e, "{}", self.redactor.scrub(text));
    }

    /// The text with secrets replaced.
    #[must_use]
    pub fn scrub<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        self.redactor.scrub(text)
    }

    /// Writes a file.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn file(&self, path: &Path, text: &str) -> std::io::Result<()> {
        std::fs::write(path, self.redactor.scrub(text).as_bytes())
    }
}

/// Entry point: parses arguments, runs, returns the exit code.
#[must_use]
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::READY
            };
        }
    };
    match cli.command {
        Command::Sso(a) => check(&[Embedded::Sso], &a),
        Command::Scim(a) => check(&[Embedded::Scim], &a),
        Command::All(a) => check(&[Embedded::Sso, Embedded::Scim], &a),
        Command::List(a) => list(&a),
        Command::Explain { check_id } => explain(&check_id),
        Command::Init { path } => init(&path),
        Command::Demo(a) => crate::demo::run(&a),
        Command::Network(a) => network(&a),
        Command::Schema { which } => {
            Out::default().stdout(&schema(&which));
            exit::READY
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "launchcheck", &mut buf);
            Out::default().stdout(&String::from_utf8_lossy(&buf));
            exit::READY
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            if let Err(e) = clap_mangen::Man::new(cmd).render(&mut buf) {
                return usage_error(&Out::default(), &format!("cannot render the man page: {e}"));
            }
            Out::default().stdout(&String::from_utf8_lossy(&buf));
            exit::READY
        }
        Command::Webhook(WebhookCommand::Send(a)) => webhook_send(&a),
        Command::Webhook(WebhookCommand::Sign {
            id,
            timestamp,
            env_file,
        }) => webhook_sign(&id, timestamp, env_file.as_deref()),
    }
}

/// Prints an error and returns exit code 2.
pub fn usage_error(out: &Out, msg: &str) -> i32 {
    out.stderr(&format!("launchcheck: error: {msg}"));
    exit::USAGE
}

/// Loads checklists: the given files, or the embedded ones.
///
/// # Errors
/// A checklist that does not load.
pub fn load_checklists(which: &[Embedded], files: &[PathBuf]) -> Result<Vec<Checklist>, YamlError> {
    if files.is_empty() {
        which.iter().map(|w| checklist::embedded(*w)).collect()
    } else {
        files.iter().map(|f| checklist::load_file(f)).collect()
    }
}

fn default_if_present(explicit: Option<&Path>, default: &str) -> (Option<PathBuf>, bool) {
    match explicit {
        Some(p) => (Some(p.to_path_buf()), true),
        None => (Some(PathBuf::from(default)), false),
    }
}

/// Checks that attestation and waiver ids name real checks.
fn validate_ids(target: &Target, known: &[&Checklist]) -> Result<(), YamlError> {
    let ids: Vec<&str> = known
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.id.as_str()))
        .collect();
    let file = target
        .config_path
        .clone()
        .unwrap_or_else(|| "launchcheck.yaml".into());
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let sections = [
        (
            "attestations",
            target.attestations.keys().collect::<Vec<_>>(),
        ),
        ("waivers", target.waivers.keys().collect()),
    ];
    for (section, keys) in sections {
        for id in keys {
            if ids.contains(&id.as_str()) {
                continue;
            }
            let (line, col) = text
                .lines()
                .enumerate()
                .find_map(|(n, l)| {
                    let t = l.trim_start();
                    (t.starts_with(&format!("{id}:")) || t.starts_with(&format!("\"{id}\":")))
                        .then(|| (n as u64 + 1, (l.len() - t.len()) as u64 + 1))
                })
                .unwrap_or((0, 0));
            let mut e = YamlError::at(
                &file,
                line,
                col,
                format!("{section}: unknown check id `{id}`"),
            );
            e = match yaml::closest(id, ids.iter().copied()) {
                Some(best) => e.hint(format!("did you mean `{best}`?")),
                None => e.hint("`launchcheck list` shows every check id"),
            };
            return Err(e);
        }
    }
    Ok(())
}

/// Whether stdout gets colour.
#[must_use]
pub fn color_enabled(no_color: bool) -> bool {
    if no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    std::io::stdout().is_terminal()
}

/// Prepares a check run: loads everything, or says why it cannot.
fn prepare(
    which: &[Embedded],
    a: &CheckArgs,
    env: Env,
) -> Result<(Vec<Checklist>, Target), YamlError> {
    let (cfg_path, cfg_explicit) = default_if_present(a.config.as_deref(), "launchcheck.yaml");
    let target = config::load(cfg_path.as_deref(), cfg_explicit, env)?;
    let lists = load_checklists(which, &a.checklist)?;
    // Ids may name checks of either embedded checklist (one config serves sso and scim).
    let mut known: Vec<Checklist> = vec![
        checklist::embedded(Embedded::Sso)?,
        checklist::embedded(Embedded::Scim)?,
    ];
    known.extend(lists.iter().cloned());
    validate_ids(&target, &known.iter().collect::<Vec<_>>())?;
    Ok((lists, target))
}

fn check(which: &[Embedded], a: &CheckArgs) -> i32 {
    // Secrets are known as soon as the environment (and .env) is: redact from the first byte
    // on, so even an error about the config cannot print one.
    // (A dotenv error never shows a value, so it needs no redaction.)
    let (env_path, env_explicit) = default_if_present(a.env_file.as_deref(), ".env");
    let env = match Env::load(env_path.as_deref(), env_explicit) {
        Ok(e) => e,
        Err(e) => return usage_error(&Out::default(), &e.to_string()),
    };
    let known: Vec<Secret> = [config::vars::CLIENT_SECRET, config::vars::WEBHOOK_SECRET]
        .iter()
        .filter_map(|v| env.get(v).map(|s| Secret::new(s.to_owned())))
        .collect();
    let early = Out::new(Redactor::new(known.iter()));
    let (lists, target) = match prepare(which, a, env) {
        Ok(v) => v,
        Err(e) => return usage_error(&early, &e.to_string()),
    };
    let out = Out::new(Redactor::new(target.secrets()));
    if let Err(e) = run::globs(&a.only).and(run::globs(&a.skip)) {
        return usage_error(&out, &e);
    }
    let net = match a.net.options() {
        Ok(n) => n,
        Err(e) => return usage_error(&out, &e),
    };
    // Progress only where a person watches: a terminal on stderr, the table format, not in CI.
    let show_progress = !a.quiet
        && a.format == Format::Table
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none();
    let progress = show_progress.then(|| {
        run::Progress(Arc::new(|done, total| {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[2K  checking… {done}/{total}");
            let _ = e.flush();
        }))
    });
    let opts = RunOptions {
        progress,
        settings: Settings {
            net,
            allow_writes: a.allow_writes,
            max_orgs: usize::try_from(a.max_orgs).unwrap_or(2000),
            ..Settings::default()
        },
        only: a.only.clone(),
        skip: a.skip.clone(),
        offline: a.offline,
        deadline: Duration::from_secs(a.deadline),
        gate: Gate {
            fail_on_warn: a.fail_on == FailOn::Warn,
            strict: a.strict,
        },
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(&out, &format!("cannot start the runtime: {e}")),
    };
    let report = match rt.block_on(run::run(&lists, Arc::new(target), &opts)) {
        Ok(r) => r,
        Err(e) => return usage_error(&out, &e),
    };
    if show_progress {
        let mut e = std::io::stderr().lock();
        let _ = write!(e, "\r\x1b[2K");
        let _ = e.flush();
    }
    if report.summary.total == 0 {
        out.stderr("launchcheck: warning: no check matched --only/--skip");
    }
    emit(&out, &report, Emit::from(a))
}

/// Parses `--resolve HOST:ADDR` entries.
fn resolve_map(
    entries: &[String],
) -> Result<std::collections::HashMap<String, std::net::IpAddr>, String> {
    entries
        .iter()
        .map(|e| {
            let (host, addr) = e
                .split_once(':')
                .ok_or_else(|| format!("--resolve {e}: expected HOST:ADDR"))?;
            let ip = addr
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse()
                .map_err(|_| format!("--resolve {e}: `{addr}` is not an IP address"))?;
            Ok((host.to_ascii_lowercase(), ip))
        })
        .collect()
}

/// Reads `--ca-cert` files.
fn read_ca_certs(files: &[PathBuf]) -> Result<Vec<Vec<u8>>, String> {
    let mut extra = Vec::new();
    for f in files {
        let pem = std::fs::read(f).map_err(|e| format!("--ca-cert {}: {e}", f.display()))?;
        if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(format!(
                "--ca-cert {}: no PEM certificate in the file",
                f.display()
            ));
        }
        extra.push(pem);
    }
    Ok(extra)
}

/// Parses `--resolver IP[:PORT]` (port 53 by default; `[v6]:port` for IPv6 with a port).
fn parse_resolvers(list: &[String]) -> Result<Vec<std::net::SocketAddr>, String> {
    list.iter()
        .map(|r| {
            if let Ok(sa) = r.parse::<std::net::SocketAddr>() {
                return Ok(sa);
            }
            r.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .map(|ip| std::net::SocketAddr::new(ip, 53))
                .map_err(|_| format!("--resolver {r}: expected IP or IP:PORT"))
        })
        .collect()
}

/// How a report leaves the process.
#[derive(Debug, Clone, Copy)]
struct Emit<'a> {
    format: Format,
    output: &'a [String],
    quiet: bool,
    verbose: bool,
    no_color: bool,
}

impl<'a> From<&'a CheckArgs> for Emit<'a> {
    fn from(a: &'a CheckArgs) -> Self {
        Self {
            format: a.format,
            output: &a.output,
            quiet: a.quiet,
            verbose: a.verbose,
            no_color: a.no_color,
        }
    }
}

/// Splits `-o` entries into (format, path) pairs; a bare path takes `--format`.
fn outputs(a: Emit<'_>) -> Result<(Vec<(Format, PathBuf)>, bool), String> {
    let mut list = Vec::new();
    let mut bare = false;
    for o in a.output {
        match o.split_once('=') {
            Some((f, path)) if Format::from_str(f, true).is_ok() => {
                let fmt = Format::from_str(f, true).map_err(|e| e.clone())?;
                list.push((fmt, PathBuf::from(path)));
            }
            _ => {
                bare = true;
                list.push((a.format, PathBuf::from(o)));
            }
        }
    }
    Ok((list, bare))
}

fn emit(out: &Out, report: &Report, a: Emit<'_>) -> i32 {
    let color = color_enabled(a.no_color);
    let tty = std::io::stdout().is_terminal();
    let style = table::Style {
        color,
        width: if tty { None } else { Some(120) },
    };
    let file_style = table::Style {
        color: false,
        width: Some(120),
    };
    let (files, bare) = match outputs(a) {
        Ok(v) => v,
        Err(e) => return usage_error(out, &e),
    };
    for (fmt, path) in &files {
        let text = match render(report, *fmt, file_style) {
            Ok(t) => t,
            Err(e) => return usage_error(out, &e),
        };
        if let Err(e) = out.file(path, &text) {
            return usage_error(out, &format!("cannot write {}: {e}", path.display()));
        }
    }
    // stdout: the --format report, unless a bare -o took it to a file (then the table).
    let stdout_format = if bare { Format::Table } else { a.format };
    if (a.quiet && stdout_format == Format::Table) || (bare && a.format == Format::Table) {
        out.stdout(&format!("{}\n", table::summary_line(report, color)));
    } else {
        match render(report, stdout_format, style) {
            Ok(t) => out.stdout(&t),
            Err(e) => return usage_error(out, &e),
        }
    }
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        for line in report::github::annotations(report) {
            out.stderr(&line);
        }
    }
    if stdout_format == Format::Table
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
    {
        let md = report::markdown::render(report);
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(out.scrub(&md).as_bytes()));
        if let Err(e) = appended {
            out.stderr(&format!(
                "launchcheck: warning: cannot append to GITHUB_STEP_SUMMARY: {e}"
            ));
        }
    }
    if a.verbose {
        let mut lines = vec!["launchcheck: check durations".to_owned()];
        let mut timed: Vec<_> = report.checks.iter().filter(|c| c.automated).collect();
        timed.sort_by_key(|c| std::cmp::Reverse(c.duration_ms));
        for c in timed {
            lines.push(format!(
                "  {:>6} ms  {:<7} {}",
                c.duration_ms, c.status, c.id
            ));
        }
        lines.push(format!(
            "launchcheck: {} request(s) sent",
            report.requests.len()
        ));
        lines.extend(report.requests.iter().map(|r| format!("  {r}")));
        for l in lines {
            out.stderr(&l);
        }
    }
    report.exit_code()
}

/// Renders one format.
///
/// # Errors
/// None today (kept for formats that may need the network or files).
pub fn render(report: &Report, format: Format, style: table::Style) -> Result<String, String> {
    match format {
        Format::Table => Ok(table::render(report, style)),
        Format::Json => Ok(report::json::render(report)),
        Format::Junit => Ok(report::junit::render(report)),
        Format::Markdown => Ok(report::markdown::render(report)),
        Format::Sarif => Ok(report::sarif::render(report)),
    }
}

fn mode(i: &checklist::Item) -> String {
    match (&i.probe, i.planned.as_deref()) {
        (Some(p), _) => format!("automated ({})", p.kind()),
        (None, Some(p)) => format!("manual (planned: {p})"),
        (None, None) => "manual".to_owned(),
    }
}

fn list(a: &ListArgs) -> i32 {
    let out = Out::default();
    let which: Vec<Embedded> = match a.which.as_deref() {
        Some("sso") => vec![Embedded::Sso],
        Some("scim") => vec![Embedded::Scim],
        _ => vec![Embedded::Sso, Embedded::Scim],
    };
    let lists = match load_checklists(&which, &a.checklist) {
        Ok(l) => l,
        Err(e) => return usage_error(&out, &e.to_string()),
    };
    if a.format == "json" {
        let items: Vec<serde_json::Value> = lists
            .iter()
            .flat_map(|c| {
                c.items.iter().map(move |i| {
                    serde_json::json!({
                        "id": i.id,
                        "checklist": c.name,
                        "section": i.section,
                        "title": i.title,
                        "severity": i.severity,
                        "automated": i.automated(),
                        "covers": i.covers,
                        "probe": i.probe.as_ref().map(checklist::ProbeSpec::kind),
                        "planned": i.planned,
                    })
                })
            })
            .collect();
        let doc = serde_json::json!({"schema_version": 1, "items": items});
        out.stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        ));
        return exit::READY;
    }
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(vec!["id", "section", "severity", "mode", "covers"]);
    if !std::io::stdout().is_terminal() {
        t.force_no_tty().set_width(140);
    }
    let mut n = 0;
    for c in &lists {
        for i in &c.items {
            n += 1;
            t.add_row(vec![
                i.id.clone(),
                i.section.clone(),
                i.severity.as_str().to_owned(),
                mode(i),
                i.covers.join("\n"),
            ]);
        }
    }
    out.stdout(&format!("{t}\n{n} items\n"));
    exit::READY
}

fn explain(id: &str) -> i32 {
    let out = Out::default();
    let lists = match load_checklists(&[Embedded::Sso, Embedded::Scim], &[]) {
        Ok(l) => l,
        Err(e) => return usage_error(&out, &e.to_string()),
    };
    let all: Vec<&checklist::Item> = lists.iter().flat_map(|c| c.items.iter()).collect();
    let Some(item) = all.iter().find(|i| i.id == id) else {
        let hint = yaml::closest(id, all.iter().map(|i| i.id.as_str())).map_or_else(
            || "`launchcheck list` shows every id".to_owned(),
            |b| format!("did you mean `{b}`?"),
        );
        return usage_error(&out, &format!("no check `{id}`\n  hint: {hint}"));
    };
    let mut s = format!(
        "{}\n{}\n\nsection:   {}\nseverity:  {}\nmode:      {}\ncovers:    {}\n",
        item.id,
        item.title,
        item.section,
        item.severity.as_str(),
        mode(item),
        item.covers.join(", ")
    );
    if let Some(p) = &item.probe {
        s.push_str(&format!(
            "\nWhat it looks at\n  {}\n",
            crate::probe::describe(p)
        ));
    }
    s.push_str(&format!("\nWhy it matters\n  {}\n", item.why));
    s.push_str(&format!("\nHow to fix a failure\n  {}\n", item.remediation));
    if let Some(m) = &item.manual {
        s.push_str(&format!(
            "\nHow a person confirms it\n  {}\n  Attest with: attestations: {{{}: \"{}\"}}\n",
            m.how, item.id, m.evidence
        ));
    }
    s.push_str(&format!("\nDocs: {}\n", item.docs));
    out.stdout(&s);
    exit::READY
}

fn init(path: &Path) -> i32 {
    let out = Out::default();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    match file {
        Ok(mut f) => {
            if let Err(e) = f.write_all(config::TEMPLATE.as_bytes()) {
                return usage_error(&out, &format!("cannot write {}: {e}", path.display()));
            }
            out.stdout(&format!(
                "wrote {}: fill it in, then run `launchcheck sso` or `launchcheck scim`\n",
                path.display()
            ));
            exit::READY
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => usage_error(
            &out,
            &format!(
                "{} already exists; not overwriting it (use --path to write elsewhere)",
                path.display()
            ),
        ),
        Err(e) => usage_error(&out, &format!("cannot create {}: {e}", path.display())),
    }
}

fn webhook_sign(id: &str, timestamp: Option<i64>, env_file: Option<&Path>) -> i32 {
    let (p, explicit) = default_if_present(env_file, ".env");
    let env = match Env::load(p.as_deref(), explicit) {
        Ok(e) => e,
        Err(e) => return usage_error(&Out::default(), &e.to_string()),
    };
    let Some(secret) = env
        .get(config::vars::WEBHOOK_SECRET)
        .map(|s| Secret::new(s.to_owned()))
    else {
        return usage_error(
            &Out::default(),
            "SCALEKIT_WEBHOOK_SECRET is not set (export it or put it in .env)",
        );
    };
    let out = Out::new(Redactor::new([&secret]));
    let mut body = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut body) {
        return usage_error(&out, &format!("cannot read the body from stdin: {e}"));
    }
    let ts = timestamp.unwrap_or_else(|| time::OffsetDateTime::now_utc().unix_timestamp());
    match crate::webhook::sign(&secret, id, ts, &body) {
        Ok(h) => {
            let mut s = String::new();
            for (k, v) in h.pairs() {
                s.push_str(&format!("{k}: {v}\n"));
            }
            out.stdout(&s);
            exit::READY
        }
        Err(e) => usage_error(&out, &format!("SCALEKIT_WEBHOOK_SECRET: {e}")),
    }
}

fn webhook_send(a: &SendArgs) -> i32 {
    use crate::probe::webhook::{Delivery, now, post, signed};
    use crate::webhook::events;
    let (p, explicit) = default_if_present(a.env_file.as_deref(), ".env");
    let env = match Env::load(p.as_deref(), explicit) {
        Ok(e) => e,
        Err(e) => return usage_error(&Out::default(), &e.to_string()),
    };
    let secret = env
        .get(config::vars::WEBHOOK_SECRET)
        .map(|s| Secret::new(s.to_owned()));
    let out = Out::new(Redactor::new(secret.iter()));
    let secret = match (secret, a.unsigned) {
        (Some(s), _) => s,
        (None, true) => Secret::new(String::new()),
        (None, false) => {
            return usage_error(
                &out,
                "SCALEKIT_WEBHOOK_SECRET is not set (export it or put it in .env; --unsigned needs none)",
            );
        }
    };
    let event = match events::for_type(&a.event, &a.org, &a.email) {
        Ok(e) => e,
        Err(e) => return usage_error(&out, &e),
    };
    let net_opts = match a.net.options() {
        Ok(n) => n,
        Err(e) => return usage_error(&out, &e),
    };
    if !a.url.starts_with("https://") && !a.url.starts_with("http://") {
        return usage_error(&out, &format!("--url {}: not an http(s) URL", a.url));
    }
    let body = event.to_string().into_bytes();
    let id = events::message_id();
    let delivery = if a.unsigned {
        Ok(Delivery {
            id: id.clone(),
            timestamp: now(),
            body,
            headers: Vec::new(),
        })
    } else {
        let ts = if a.stale { now() - 600 } else { now() };
        signed(&secret, &id, ts, body).map(|mut d| {
            if a.tamper
                && let Some(last) = d.body.iter().rposition(|b| *b == b'"')
            {
                d.body.insert(last, b'x');
            }
            d
        })
    };
    let delivery = match delivery {
        Ok(d) => d,
        Err(e) => return usage_error(&out, &e),
    };
    let net = match crate::net::Net::new(net_opts) {
        Ok(n) => n,
        Err(e) => return usage_error(&out, &e),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(&out, &format!("cannot start the runtime: {e}")),
    };
    let mode = if a.tamper {
        "signed, then one byte changed"
    } else if a.stale {
        "signed with a timestamp 10 minutes old"
    } else if a.unsigned {
        "unsigned"
    } else {
        "signed"
    };
    let negative = a.tamper || a.stale || a.unsigned;
    let event_type = event["type"].as_str().unwrap_or_default().to_owned();
    let mut text = format!(
        "POST {}\n  event {event_type} ({mode}), webhook-id {}, webhook-timestamp {}\n",
        a.url, delivery.id, delivery.timestamp
    );
    let resp = rt.block_on(post(&net, &a.url, &delivery));
    let code = match resp.as_ref() {
        Err(e) => {
            text.push_str(&format!("  no answer: {e}\n"));
            exit::NOT_READY
        }
        Ok(r) => {
            text.push_str(&format!("  -> {} in {} ms\n", r.status, r.elapsed_ms));
            let body = r.text();
            let shown: String = body.chars().take(2000).collect();
            if !shown.is_empty() {
                text.push_str(&format!(
                    "{shown}{}\n",
                    if body.chars().count() > 2000 {
                        "\n[truncated]"
                    } else {
                        ""
                    }
                ));
            }
            let ok = if negative {
                (400..500).contains(&r.status)
            } else {
                (200..300).contains(&r.status)
            };
            text.push_str(if ok {
                "  as a correct endpoint answers\n"
            } else if negative {
                "  a correct endpoint answers 4xx to this delivery\n"
            } else {
                "  a correct endpoint answers 2xx to this delivery\n"
            });
            if ok { exit::READY } else { exit::NOT_READY }
        }
    };
    out.stdout(&text);
    code
}

/// The JSON Schema of a document launchcheck reads or writes.
#[must_use]
pub fn schema(which: &str) -> String {
    // The report is written by launchcheck (fields left out when empty are optional); the
    // checklist and the config are read by it.
    let v = match which {
        "report" => schemars::generate::SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator()
            .into_root_schema_for::<Report>(),
        "checklist" => schemars::schema_for!(checklist::ChecklistSchema),
        _ => schemars::schema_for!(config::ConfigFile),
    };
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn network(a: &NetworkArgs) -> i32 {
    let out = Out::default();
    let env_url = a.env_url.clone().or_else(|| {
        std::env::var(config::vars::ENVIRONMENT_URL)
            .ok()
            .filter(|v| !v.is_empty())
    });
    if env_url.is_none() && a.domain.is_empty() {
        return usage_error(
            &out,
            "nothing to check: give --env-url URL (or set SCALEKIT_ENVIRONMENT_URL) and/or --domain HOST",
        );
    }
    if let Some(u) = &env_url
        && reqwest::Url::parse(u)
            .map(|u| u.host_str().is_none())
            .unwrap_or(true)
    {
        return usage_error(&out, &format!("--env-url {u}: not a URL with a host"));
    }
    let list = match checklist::embedded(Embedded::Network) {
        Ok(l) => l,
        Err(e) => return usage_error(&out, &e.to_string()),
    };
    let target = Target {
        environment_url: env_url,
        extra_domains: a.domain.clone(),
        custom_domain: a.custom_domain.clone(),
        cname_target: a.cname_target.clone(),
        config_path: None,
        ..Target::default()
    };
    let net = match a.net.options() {
        Ok(n) => n,
        Err(e) => return usage_error(&out, &e),
    };
    let opts = RunOptions {
        settings: Settings {
            net,
            ..Settings::default()
        },
        // Every host is bounded by its timeout per phase; the run gets room for all phases.
        deadline: Duration::from_secs(a.net.timeout.saturating_mul(6).max(30)),
        ..RunOptions::default()
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(&out, &format!("cannot start the runtime: {e}")),
    };
    let report = match rt.block_on(run::run(&[list], Arc::new(target), &opts)) {
        Ok(r) => r,
        Err(e) => return usage_error(&out, &e),
    };
    emit(
        &out,
        &report,
        Emit {
            format: a.format,
            output: &a.output,
            quiet: false,
            verbose: false,
            no_color: a.no_color,
        },
    )
}
