//! `file_exists` probe: a file the config names (the incident runbook) exists and says something.

use super::Ctx;
use crate::checklist::spec::{FileExistsSpec, RepoFile};
use crate::report::Finding;

/// Runs the check.
#[must_use]
pub fn run(spec: &FileExistsSpec, ctx: &Ctx) -> Vec<Finding> {
    let t = &ctx.target;
    let (key, path, shown) = match spec.file {
        RepoFile::Runbook => (
            "repo.runbook",
            t.runbook.as_ref(),
            t.runbook_display.as_deref(),
        ),
    };
    let (Some(path), Some(shown)) = (path, shown) else {
        return vec![Finding::skip(format!(
            "{key} is not configured: set it to the runbook's path to have it checked"
        ))];
    };
    let expected = format!("{shown} exists and is not empty");
    let reproduce = format!(
        "test -s {} && echo present",
        super::https_scheme::shell_quote(&path.display().to_string())
    );
    let f = match std::fs::metadata(path) {
        Err(_) => Finding::fail(format!("{key} {shown} does not exist"), expected, "missing"),
        Ok(m) if m.is_dir() => Finding::fail(
            format!("{key} {shown} is a directory"),
            expected,
            "a directory",
        ),
        Ok(_) => match std::fs::read(path) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => {
                Finding::fail(format!("{key} {shown} is empty"), expected, "an empty file")
            }
            Ok(bytes) => {
                return vec![
                    Finding::pass(format!("{shown} exists ({} bytes)", bytes.len()))
                        .with("path", shown)
                        .with("bytes", bytes.len()),
                ];
            }
            Err(e) => Finding::error(format!("cannot read {shown}: {e}")),
        },
    };
    vec![f.with("path", shown).reproduce(reproduce)]
}
