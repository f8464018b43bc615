//! The repository scanner behind the `secrets` probe.
//!
//! One pass over the tree finds everything the secret checks need: the literal values of the
//! two secrets, `whsec_…` literals, `SCALEKIT_CLIENT_SECRET=…` assignments, and `.env` files with
//! their git status. It is shaped for speed because it runs on whole monorepos: ripgrep's
//! parallel walker (`ignore`), one reusable read buffer per thread, one combined regex whose
//! literal prefilter (SIMD, from the `regex` crate) skips most bytes, and line numbers computed
//! only for hits. Binary files (a NUL in the first 8 KiB) and files over the size cap are counted
//! and skipped. Tracked files are always scanned, even when .gitignore matches them; untracked
//! ones respect .gitignore. The scanner never returns a matched value, only where it was.

use regex::bytes::Regex;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Files larger than this are skipped (and counted).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HitKind {
    /// The literal value of `SCALEKIT_CLIENT_SECRET`.
    ClientSecretValue,
    /// A `SCALEKIT_CLIENT_SECRET = "<literal>"` assignment.
    ClientSecretAssignment,
    /// The literal value of `SCALEKIT_WEBHOOK_SECRET`.
    WebhookSecretValue,
    /// A `whsec_…` literal.
    WhsecLiteral,
}

impl HitKind {
    /// Short description for messages.
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Self::ClientSecretValue => "the value of SCALEKIT_CLIENT_SECRET",
            Self::ClientSecretAssignment => {
                "a SCALEKIT_CLIENT_SECRET assignment with a literal value"
            }
            Self::WebhookSecretValue => "the value of SCALEKIT_WEBHOOK_SECRET",
            Self::WhsecLiteral => "a whsec_ signing-secret literal",
        }
    }
}

/// One place a secret was found. Holds no part of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// What was found.
    pub kind: HitKind,
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based byte column.
    pub column: u64,
    /// Whether git tracks the file.
    pub tracked: bool,
}

/// A `.env`-style file found in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvFile {
    /// Path relative to the root.
    pub path: String,
    /// Tracked by git.
    pub tracked: bool,
    /// Matched by an ignore rule (and so not about to be committed).
    pub ignored: bool,
}

/// Everything one scan learned.
#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    /// Places where secrets were found, sorted by path and line.
    pub hits: Vec<Hit>,
    /// Files read.
    pub files_scanned: u64,
    /// Bytes read.
    pub bytes_scanned: u64,
    /// Files skipped as binary.
    pub skipped_binary: u64,
    /// Files skipped for size.
    pub skipped_large: u64,
    /// Files that could not be read.
    pub unreadable: u64,
    /// Whether the root is inside a git work tree.
    pub git: bool,
    /// The root's path inside the git work tree (`fixtures/demo/app/`), empty at the top.
    pub git_prefix: String,
    /// `.env` files seen.
    pub dotenv_files: Vec<DotenvFile>,
    /// Which literal values were searched for.
    pub searched_client_secret: bool,
    /// Which literal values were searched for.
    pub searched_webhook_secret: bool,
}

/// What to search for.
#[derive(Clone, Default)]
pub struct ScanRequest {
    /// Tree root.
    pub root: PathBuf,
    /// Literal value of the client secret, when known.
    pub client_secret: Option<String>,
    /// Literal value of the webhook secret, when known.
    pub webhook_secret: Option<String>,
    /// Size cap per file.
    pub max_file_size: u64,
    /// Worker threads (0 = available parallelism).
    pub threads: usize,
}

impl std::fmt::Debug for ScanRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanRequest")
            .field("root", &self.root)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

/// Literal values shorter than this are not searched for: they would match everywhere.
const MIN_LITERAL: usize = 8;

struct Matcher {
    regex: Regex,
    client: Option<Vec<u8>>,
    webhook: Option<Vec<u8>>,
}

impl Matcher {
    fn new(req: &ScanRequest) -> Result<Self, regex::Error> {
        let keep = |s: &Option<String>| {
            s.as_ref()
                .map(|v| v.trim().as_bytes().to_vec())
                .filter(|v| v.len() >= MIN_LITERAL)
        };
        let client = keep(&req.client_secret);
        let webhook = keep(&req.webhook_secret);
        let mut alts = vec![
            r"whsec_[A-Za-z0-9+/]{16,}".to_owned(),
            r"SCALEKIT_CLIENT_SECRET".to_owned(),
        ];
        for v in [&client, &webhook].into_iter().flatten() {
            alts.push(regex::escape(&String::from_utf8_lossy(v)));
        }
        let regex = regex::bytes::RegexBuilder::new(&alts.join("|"))
            .unicode(false)
            .build()?;
        Ok(Self {
            regex,
            client,
            webhook,
        })
    }

    fn classify(&self, buf: &[u8], start: usize, end: usize) -> Option<HitKind> {
        let m = &buf[start..end];
        if self.client.as_deref() == Some(m) {
            return Some(HitKind::ClientSecretValue);
        }
        if self.webhook.as_deref() == Some(m) {
            return Some(HitKind::WebhookSecretValue);
        }
        if m.starts_with(b"whsec_") {
            // The webhook secret's own value is reported as such.
            if let Some(w) = &self.webhook
                && buf[start..].starts_with(w)
            {
                return Some(HitKind::WebhookSecretValue);
            }
            return Some(HitKind::WhsecLiteral);
        }
        if m == b"SCALEKIT_CLIENT_SECRET" && literal_assignment(&buf[end..]) {
            return Some(HitKind::ClientSecretAssignment);
        }
        None
    }
}

/// After `SCALEKIT_CLIENT_SECRET`: `=`/`:` and a literal value of 8+ characters that is not a
/// reference (`${…}`, `os.getenv(…)`, `<your-secret>`) or an obvious placeholder.
fn literal_assignment(after: &[u8]) -> bool {
    let line_end = memchr::memchr(b'\n', after).unwrap_or(after.len());
    let mut rest = &after[..line_end];
    rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let trim = |s: &[u8]| -> usize { s.iter().take_while(|b| **b == b' ' || **b == b'\t').count() };
    rest = &rest[trim(rest)..];
    match rest.first() {
        Some(b'=' | b':') => rest = &rest[1..],
        _ => return false,
    }
    rest = &rest[trim(rest)..];
    let quoted = matches!(rest.first(), Some(b'"' | b'\''));
    if quoted {
        rest = &rest[1..];
    }
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || b"_-+/=.~".contains(b))
        .count();
    if len < MIN_LITERAL {
        return false;
    }
    let value = &rest[..len];
    let next = rest.get(len).copied();
    if matches!(next, Some(b'(' | b'[' | b'{')) {
        return false; // a call or index: os.getenv("..."), ENV["..."]
    }
    if !quoted && value.contains(&b'.') && !value.iter().any(u8::is_ascii_digit) {
        return false; // process.env.X, settings.client_secret
    }
    let lower = value.to_ascii_lowercase();
    const PLACEHOLDERS: [&[u8]; 10] = [
        b"your",
        b"example",
        b"changeme",
        b"placeholder",
        b"dummy",
        b"xxxx",
        b"redacted",
        b"replace",
        b"secret_here",
        b"test_abcdef",
    ];
    !PLACEHOLDERS
        .iter()
        .any(|p| memchr::memmem::find(&lower, p).is_some())
}

fn is_dotenv_name(name: &str) -> bool {
    const TEMPLATES: [&str; 6] = [
        "example", "sample", "template", "dist", "defaults", "schema",
    ];
    name == ".env"
        || name
            .strip_prefix(".env.")
            .is_some_and(|suffix| !TEMPLATES.iter().any(|t| suffix.ends_with(t)))
}

fn git_files(root: &Path, extra: &[&str]) -> Option<Vec<String>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--full-name"])
        .args(extra)
        .arg("--")
        .arg(".")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        out.stdout
            .split(|b| *b == 0)
            .filter(|s| !s.is_empty())
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect(),
    )
}

fn git_prefix(root: &Path) -> String {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-prefix"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

#[derive(Default)]
struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    binary: AtomicU64,
    large: AtomicU64,
    unreadable: AtomicU64,
}

fn rel(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    r.to_string_lossy().replace('\\', "/")
}

/// What every file scan shares: the patterns, the size cap, the counters.
struct FileScanner<'a> {
    matcher: &'a Matcher,
    max: u64,
    counters: &'a Counters,
}

impl FileScanner<'_> {
    /// Scans one file into `buf`, appending hits.
    fn scan_file(
        &self,
        path: &Path,
        rel_path: &str,
        tracked: bool,
        buf: &mut Vec<u8>,
        hits: &mut Vec<Hit>,
    ) {
        let (matcher, max, counters) = (self.matcher, self.max, self.counters);
        let Ok(mut f) = std::fs::File::open(path) else {
            counters.unreadable.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        if len > max {
            counters.large.fetch_add(1, Ordering::Relaxed);
            return;
        }
        buf.clear();
        if f.read_to_end(buf).is_err() {
            counters.unreadable.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let head = &buf[..buf.len().min(8192)];
        if memchr::memchr(0, head).is_some() {
            counters.binary.fetch_add(1, Ordering::Relaxed);
            return;
        }
        counters.files.fetch_add(1, Ordering::Relaxed);
        counters
            .bytes
            .fetch_add(buf.len() as u64, Ordering::Relaxed);
        let mut line = 1u64;
        let mut counted_to = 0usize;
        let mut line_start = 0usize;
        for m in matcher.regex.find_iter(buf) {
            let Some(kind) = matcher.classify(buf, m.start(), m.end()) else {
                continue;
            };
            for nl in memchr::memchr_iter(b'\n', &buf[counted_to..m.start()]) {
                line += 1;
                line_start = counted_to + nl + 1;
            }
            counted_to = m.start();
            hits.push(Hit {
                kind,
                path: rel_path.to_owned(),
                line,
                column: (m.start() - line_start + 1) as u64,
                tracked,
            });
        }
    }
}

/// Scans the tree.
///
/// # Errors
/// The root does not exist or is not a directory.
pub fn scan(req: &ScanRequest) -> Result<ScanResult, String> {
    let root = &req.root;
    if !root.is_dir() {
        return Err(format!("{} is not a directory", root.display()));
    }
    let matcher = Matcher::new(req).map_err(|e| format!("internal pattern error: {e}"))?;
    let max = if req.max_file_size == 0 {
        DEFAULT_MAX_FILE_SIZE
    } else {
        req.max_file_size
    };

    // git's view: tracked files (paths relative to the repository top, so strip our prefix).
    let tracked_list = git_files(root, &[]);
    let git = tracked_list.is_some();
    let prefix = if git { git_prefix(root) } else { String::new() };
    let strip = |p: String| p.strip_prefix(&prefix).map(str::to_owned).unwrap_or(p);
    let tracked: HashSet<String> = tracked_list
        .unwrap_or_default()
        .into_iter()
        .map(strip)
        .collect();
    let tracked_ignored: Vec<String> = if git {
        git_files(root, &["-ci", "--exclude-standard"])
            .unwrap_or_default()
            .into_iter()
            .map(strip)
            .collect()
    } else {
        Vec::new()
    };

    let counters = Counters::default();
    let all_hits: Mutex<Vec<Hit>> = Mutex::new(Vec::new());
    let dotenv: Mutex<Vec<DotenvFile>> = Mutex::new(Vec::new());
    let threads = if req.threads == 0 {
        std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
    } else {
        req.threads
    };
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .ignore(false)
        .parents(true)
        .threads(threads)
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel()
        .run(|| {
            let mut buf = Vec::with_capacity(64 * 1024);
            let mut hits = Vec::new();
            let scanner = FileScanner {
                matcher: &matcher,
                max,
                counters: &counters,
            };
            let tracked = &tracked;
            let all_hits = &all_hits;
            let dotenv = &dotenv;
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    scanner.counters.unreadable.fetch_add(1, Ordering::Relaxed);
                    return ignore::WalkState::Continue;
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return ignore::WalkState::Continue;
                }
                let rel_path = rel(root, entry.path());
                let is_tracked = tracked.contains(&rel_path);
                if is_dotenv_name(&entry.file_name().to_string_lossy())
                    && let Ok(mut d) = dotenv.lock()
                {
                    d.push(DotenvFile {
                        path: rel_path.clone(),
                        tracked: is_tracked,
                        ignored: false,
                    });
                }
                scanner.scan_file(entry.path(), &rel_path, is_tracked, &mut buf, &mut hits);
                if !hits.is_empty()
                    && let Ok(mut all) = all_hits.lock()
                {
                    all.append(&mut hits);
                }
                ignore::WalkState::Continue
            })
        });

    let mut hits = all_hits.into_inner().unwrap_or_default();
    let mut dotenv_files = dotenv.into_inner().unwrap_or_default();
    // Tracked files that an ignore rule matches were not walked: scan them too.
    let mut buf = Vec::new();
    for p in &tracked_ignored {
        let full = root.join(p);
        if full.is_file() {
            let scanner = FileScanner {
                matcher: &matcher,
                max,
                counters: &counters,
            };
            scanner.scan_file(&full, p, true, &mut buf, &mut hits);
            let name = Path::new(p)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if is_dotenv_name(&name) {
                dotenv_files.push(DotenvFile {
                    path: p.clone(),
                    tracked: true,
                    ignored: true,
                });
            }
        }
    }
    // An ignored, untracked .env at the root: present, and safe.
    for name in [".env"] {
        if root.join(name).is_file() && !dotenv_files.iter().any(|d| d.path == name) {
            dotenv_files.push(DotenvFile {
                path: name.to_owned(),
                tracked: false,
                ignored: true,
            });
        }
    }
    hits.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    dotenv_files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(ScanResult {
        hits,
        files_scanned: counters.files.into_inner(),
        bytes_scanned: counters.bytes.into_inner(),
        skipped_binary: counters.binary.into_inner(),
        skipped_large: counters.large.into_inner(),
        unreadable: counters.unreadable.into_inner(),
        git,
        git_prefix: prefix.clone(),
        dotenv_files,
        searched_client_secret: matcher.client.is_some(),
        searched_webhook_secret: matcher.webhook.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_with_literals_are_found_references_are_not() {
        assert!(literal_assignment(b"=sk_live_0123456789abcdef\n"));
        assert!(literal_assignment(b": \"q8Z1x9aaBB77\"\n"));
        assert!(literal_assignment(b"\" = 'q8Z1x9aaBB77'"));
        assert!(!literal_assignment(b"=\n"));
        assert!(!literal_assignment(b"=${SCALEKIT_CLIENT_SECRET}\n"));
        assert!(!literal_assignment(
            b" = os.getenv(\"SCALEKIT_CLIENT_SECRET\")"
        ));
        assert!(!literal_assignment(b"=<your-client-secret>"));
        assert!(!literal_assignment(b"=your_client_secret_here"));
        assert!(!literal_assignment(b"; // read from env"));
        assert!(!literal_assignment(b" = settings.client_secret"));
    }

    #[test]
    fn dotenv_names() {
        assert!(is_dotenv_name(".env"));
        assert!(is_dotenv_name(".env.production"));
        assert!(!is_dotenv_name(".env.example"));
        assert!(!is_dotenv_name(".envrc"));
        assert!(!is_dotenv_name("env"));
    }

    #[test]
    fn finds_values_with_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.txt"),
            "one\ntwo KEYVALUE-0123456789 three\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("bin.dat"), b"KEYVALUE-0123456789\0\0").unwrap();
        let r = scan(&ScanRequest {
            root: dir.path().to_path_buf(),
            client_secret: Some("KEYVALUE-0123456789".into()),
            ..ScanRequest::default()
        })
        .unwrap();
        assert_eq!(r.hits.len(), 1, "{:?}", r.hits);
        assert_eq!(r.hits[0].kind, HitKind::ClientSecretValue);
        assert_eq!((r.hits[0].line, r.hits[0].column), (2, 5));
        assert_eq!(r.skipped_binary, 1);
    }
}
