//! Checklists: what to check, as data, and nothing about how to reach the network.
//!
//! A checklist is a YAML file of items (`checklists/sso.yaml`, `checklists/scim.yaml`, embedded in
//! the binary and replaceable with `--checklist`). Each item is either automated (`probe:` with
//! its parameters) or manual (`manual:` guidance that a person confirms and attests). An item
//! whose probe kind is not built yet names it in `planned:` and stays manual until it is, so
//! nothing reports `pass` without having looked.
//!
//! The probe spec is an externally tagged enum (`probe: {env: {check: client_id}}`): serde-saphyr
//! then reports a misspelt parameter at its own line and column, which an internally tagged enum
//! would lose. Loading validates beyond the types: duplicate ids, unknown `covers` keys, an item
//! that is neither automated nor manual.

pub mod spec;

use crate::report::Severity;
use crate::yaml::{self, YamlError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, HashSet};

pub use spec::ProbeSpec;

/// The embedded SSO checklist.
pub const SSO_YAML: &str = include_str!("../../checklists/sso.yaml");
/// The embedded SCIM checklist.
pub const SCIM_YAML: &str = include_str!("../../checklists/scim.yaml");
/// The embedded network checklist (`launchcheck network`).
pub const NETWORK_YAML: &str = include_str!("../../checklists/network.yaml");
/// Every launch-item key a checklist may cover, with how far it can be automated.
pub const LAUNCH_ITEMS_YAML: &str = include_str!("../../checklists/launch-items.yaml");

/// One checklist file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistFile {
    /// Short name (`sso`, `scim`): the `checklist` field of results.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Items in the order they are reported.
    pub items: Vec<Spanned<Item>>,
}

/// The shape of a checklist file, for its JSON Schema (`launchcheck schema checklist`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistSchema {
    /// Short name (`sso`, `scim`).
    pub name: String,
    /// Human title.
    pub title: String,
    /// Items in report order.
    pub items: Vec<Item>,
}

/// A loaded, validated checklist.
#[derive(Debug, Clone)]
pub struct Checklist {
    /// Short name (`sso`, `scim`).
    pub name: String,
    /// Human title.
    pub title: String,
    /// Where it was loaded from (`embedded:checklists/sso.yaml` or a path).
    pub source: String,
    /// Items in report order.
    pub items: Vec<Item>,
}

/// One launch item.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable dotted id, unique across checklists (`sso.https.redirect-uri`).
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Section, following the source checklists.
    pub section: String,
    /// How bad a failure is.
    pub severity: Severity,
    /// Why it matters.
    pub why: String,
    /// How to fix a failure.
    pub remediation: String,
    /// Documentation link.
    pub docs: String,
    /// Launch-item keys this item covers (`launch-items.yaml`).
    pub covers: Vec<String>,
    /// The probe that decides it, when automated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeSpec>,
    /// The name of a probe kind that will automate it once built (custom checklists); until
    /// then the item is manual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned: Option<String>,
    /// How a person confirms it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<Manual>,
}

impl Item {
    /// True when a probe decides this item.
    #[must_use]
    pub const fn automated(&self) -> bool {
        self.probe.is_some()
    }
}

/// Guidance for a person.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manual {
    /// How to confirm it.
    pub how: String,
    /// What to write in the attestation.
    pub evidence: String,
}

/// How far a launch item can be decided from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Automatable {
    /// A probe can decide it.
    Full,
    /// A probe decides part; a person confirms the rest.
    Partial,
    /// Only a person can confirm it.
    Manual,
}

/// One key of `launch-items.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchItem {
    /// The key (`sso.redirect-uris`).
    pub key: String,
    /// How far it can be automated.
    pub automatable: Automatable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LaunchItemsFile {
    sso: Vec<LaunchItem>,
    scim: Vec<LaunchItem>,
}

/// The known launch-item keys, from the embedded `launch-items.yaml`.
///
/// # Panics
/// Never in a released binary: a test parses the embedded file.
#[must_use]
pub fn launch_items() -> BTreeMap<String, Automatable> {
    #[allow(clippy::expect_used, reason = "embedded file, parsed in a unit test")]
    let f: LaunchItemsFile =
        yaml::parse("embedded:checklists/launch-items.yaml", LAUNCH_ITEMS_YAML)
            .expect("embedded launch-items.yaml parses");
    f.sso
        .into_iter()
        .chain(f.scim)
        .map(|i| (i.key, i.automatable))
        .collect()
}

/// Which embedded checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedded {
    /// `checklists/sso.yaml`.
    Sso,
    /// `checklists/scim.yaml`.
    Scim,
    /// `checklists/network.yaml`.
    Network,
}

impl Embedded {
    /// The short name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sso => "sso",
            Self::Scim => "scim",
            Self::Network => "network",
        }
    }
    const fn text(self) -> &'static str {
        match self {
            Self::Sso => SSO_YAML,
            Self::Scim => SCIM_YAML,
            Self::Network => NETWORK_YAML,
        }
    }
}

/// Loads an embedded checklist.
///
/// # Errors
/// Only if the embedded file is invalid, which the test suite rules out.
pub fn embedded(which: Embedded) -> Result<Checklist, YamlError> {
    load_str(
        &format!("embedded:checklists/{}.yaml", which.name()),
        which.text(),
    )
}

/// Loads a checklist from a file.
///
/// # Errors
/// Unreadable file, malformed YAML, or a validation problem, with file:line:column.
pub fn load_file(path: &std::path::Path) -> Result<Checklist, YamlError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| YamlError::at(&name, 0, 0, format!("cannot read checklist: {e}")))?;
    load_str(&name, &text)
}

/// Parses and validates a checklist.
///
/// # Errors
/// Malformed YAML, unknown field or probe kind, duplicate id, unknown `covers` key, an item with
/// neither `probe` nor `manual`.
pub fn load_str(source: &str, text: &str) -> Result<Checklist, YamlError> {
    let file: ChecklistFile = yaml::parse(source, text)?;
    let keys = launch_items();
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(file.items.len());
    for spanned in file.items {
        let (line, col) = (spanned.referenced.line(), spanned.referenced.column());
        let item = spanned.value;
        let at = |msg: String| YamlError::at(source, line, col, msg);
        if !seen.insert(item.id.clone()) {
            return Err(at(format!("duplicate check id `{}`", item.id))
                .hint("every id must be unique; rename one of them"));
        }
        if !valid_id(&item.id) {
            return Err(at(format!("invalid check id `{}`", item.id))
                .hint("ids are lower-case dotted words, e.g. `sso.https.redirect-uri`"));
        }
        for key in &item.covers {
            if !keys.contains_key(key) {
                let mut e = at(format!("item `{}` covers unknown key `{key}`", item.id));
                if let Some(best) = yaml::closest(key, keys.keys().map(String::as_str)) {
                    e = e.hint(format!("did you mean `{best}`?"));
                } else {
                    e = e.hint("`launchcheck list` shows the keys in use");
                }
                return Err(e);
            }
        }
        match (&item.probe, &item.manual) {
            (None, None) => {
                return Err(at(format!(
                    "item `{}` has neither `probe` nor `manual`",
                    item.id
                ))
                .hint("add a `probe:` that decides it, or `manual:` guidance for a person"));
            }
            (None, Some(_)) if item.planned.as_deref().is_some_and(spec::is_kind) => {
                return Err(at(format!(
                    "item `{}` plans the `{}` probe, which exists",
                    item.id,
                    item.planned.clone().unwrap_or_default()
                ))
                .hint("replace `planned:` with `probe:` and its parameters"));
            }
            (Some(_), _) if item.planned.is_some() => {
                return Err(
                    at(format!("item `{}` has both `probe` and `planned`", item.id))
                        .hint("`planned` is for items whose probe is not built yet; drop it"),
                );
            }
            _ => {}
        }
        items.push(item);
    }
    Ok(Checklist {
        name: file.name,
        title: file.title,
        source: source.to_owned(),
        items,
    })
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'_'
        })
        && !id.starts_with('.')
        && !id.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_checklists_load() {
        let sso = embedded(Embedded::Sso).unwrap();
        let scim = embedded(Embedded::Scim).unwrap();
        assert_eq!(sso.name, "sso");
        assert_eq!(scim.name, "scim");
        let mut ids = HashSet::new();
        for i in sso.items.iter().chain(&scim.items) {
            assert!(
                ids.insert(i.id.clone()),
                "id {} appears in both checklists",
                i.id
            );
        }
    }

    #[test]
    fn launch_items_parse() {
        assert!(launch_items().len() > 40);
    }

    const ITEM: &str = "  - id: a.b\n    title: t\n    section: s\n    severity: low\n    why: w\n    remediation: r\n    docs: https://x\n    covers: [sso.attribute-mapping]\n";

    #[test]
    fn duplicate_id_is_reported_at_the_second_item() {
        let text = format!(
            "name: x\ntitle: X\nitems:\n{ITEM}    manual: {{how: h, evidence: e}}\n{ITEM}    manual: {{how: h, evidence: e}}\n"
        );
        let e = load_str("c.yaml", &text).unwrap_err();
        assert!(e.message.contains("duplicate check id `a.b`"), "{e}");
        assert_eq!(e.line, 13, "{e}");
    }

    #[test]
    fn unknown_covers_key_suggests_the_closest() {
        let text =
            format!("name: x\ntitle: X\nitems:\n{ITEM}    manual: {{how: h, evidence: e}}\n")
                .replace("sso.attribute-mapping", "sso.atribute-mapping");
        let e = load_str("c.yaml", &text).unwrap_err();
        assert!(
            e.message.contains("unknown key `sso.atribute-mapping`"),
            "{e}"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("did you mean `sso.attribute-mapping`?")
        );
    }

    #[test]
    fn unknown_probe_kind_is_located() {
        let text = format!("name: x\ntitle: X\nitems:\n{ITEM}    probe: {{tlss: {{}}}}\n");
        let e = load_str("c.yaml", &text).unwrap_err();
        assert!(e.message.contains("unknown variant `tlss`"), "{e}");
        assert_eq!((e.line, e.column), (12, 13), "{e}");
    }

    #[test]
    fn planned_names_a_future_kind_not_an_existing_one() {
        let base =
            format!("name: x\ntitle: X\nitems:\n{ITEM}    manual: {{how: h, evidence: e}}\n");
        let ok = load_str("c.yaml", &format!("{base}    planned: saml_metadata\n")).unwrap();
        assert_eq!(ok.items[0].planned.as_deref(), Some("saml_metadata"));
        assert!(!ok.items[0].automated());
        let e = load_str("c.yaml", &format!("{base}    planned: tls\n")).unwrap_err();
        assert!(
            e.message.contains("plans the `tls` probe, which exists"),
            "{e}"
        );
    }

    #[test]
    fn every_kind_in_the_embedded_checklists_is_listed() {
        let mut kinds = HashSet::new();
        for w in [Embedded::Sso, Embedded::Scim, Embedded::Network] {
            for i in embedded(w).unwrap().items {
                if let Some(p) = &i.probe {
                    assert!(spec::is_kind(p.kind()), "{} missing from KINDS", p.kind());
                    kinds.insert(p.kind());
                }
            }
        }
        assert_eq!(
            kinds.len(),
            spec::KINDS.len(),
            "a kind no embedded item uses: {kinds:?}"
        );
    }

    #[test]
    fn item_without_probe_or_manual_is_rejected() {
        let text = format!("name: x\ntitle: X\nitems:\n{ITEM}");
        let e = load_str("c.yaml", &text).unwrap_err();
        assert!(e.message.contains("neither `probe` nor `manual`"), "{e}");
    }
}
