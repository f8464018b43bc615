//! The embedded checklists cover every launch item of the source documents.
//!
//! Reads `../shared/seed-items.yaml` when it is present (it is, in CI and for developers; the
//! shipped tool never reads it) and checks: every seed key is known to launchcheck's embedded
//! key list with the same automatability; every key is covered by at least one item; every
//! `full`/`partial` key by an item that is automated or names the probe kind that will automate
//! it; every `partial` key also by an item a person can attest.

use launchcheck::checklist::{self, Automatable, Embedded};
use std::collections::BTreeMap;

struct Seed {
    key: String,
    automatable: String,
}

/// The seed file's `what:` texts contain `: ` in plain scalars, which strict YAML rejects, so
/// the two fields this test needs are read line by line.
fn seeds() -> Option<Vec<Seed>> {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed-items.yaml");
    let text = std::fs::read_to_string(p).ok()?;
    let mut out = Vec::new();
    let mut key = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(k) = t.strip_prefix("- key:") {
            key = Some(k.trim().to_owned());
        } else if let Some(a) = t.strip_prefix("automatable:") {
            let key = key.take().expect("automatable follows a key");
            out.push(Seed {
                key,
                automatable: a.trim().to_owned(),
            });
        }
    }
    Some(out)
}

#[test]
fn every_seed_key_is_covered() {
    let items: Vec<_> = [Embedded::Sso, Embedded::Scim]
        .iter()
        .flat_map(|w| checklist::embedded(*w).expect("embedded checklist").items)
        .collect();
    let known = checklist::launch_items();
    let seeds = seeds().unwrap_or_else(|| {
        eprintln!("../shared/seed-items.yaml not present: checking against the embedded key list");
        known
            .iter()
            .map(|(k, a)| Seed {
                key: k.clone(),
                automatable: format!("{a:?}").to_lowercase(),
            })
            .collect()
    });
    assert!(seeds.len() >= 40, "seed list looks truncated");
    let mut problems = Vec::new();
    let mut by_key: BTreeMap<&str, Vec<&checklist::Item>> = BTreeMap::new();
    for i in &items {
        for k in &i.covers {
            by_key.entry(k.as_str()).or_default().push(i);
        }
    }
    for s in &seeds {
        let want = match s.automatable.as_str() {
            "full" => Automatable::Full,
            "partial" => Automatable::Partial,
            "manual" => Automatable::Manual,
            other => panic!("unknown automatable `{other}` for {}", s.key),
        };
        if known.get(&s.key) != Some(&want) {
            problems.push(format!(
                "{}: embedded key list says {:?}",
                s.key,
                known.get(&s.key)
            ));
        }
        let covering = by_key.get(s.key.as_str()).cloned().unwrap_or_default();
        if covering.is_empty() {
            problems.push(format!("{}: no item covers it", s.key));
            continue;
        }
        if matches!(want, Automatable::Full | Automatable::Partial)
            && !covering
                .iter()
                .any(|i| i.automated() || i.planned.is_some())
        {
            problems.push(format!(
                "{}: {want:?} but no automated or planned item",
                s.key
            ));
        }
        if want == Automatable::Partial && !covering.iter().any(|i| i.manual.is_some()) {
            problems.push(format!(
                "{}: partial but nothing a person can attest",
                s.key
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "coverage problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_item_is_written_out() {
    for w in [Embedded::Sso, Embedded::Scim] {
        for i in checklist::embedded(w).expect("loads").items {
            assert!(
                i.id.starts_with(w.name()),
                "{} is in the {} checklist",
                i.id,
                w.name()
            );
            assert!(i.why.len() > 30, "{}: why is too thin", i.id);
            assert!(
                i.remediation.len() > 20,
                "{}: remediation is too thin",
                i.id
            );
            assert!(
                i.docs.starts_with("https://docs.scalekit.com/"),
                "{}: docs",
                i.id
            );
            assert!(!i.covers.is_empty(), "{}: covers nothing", i.id);
        }
    }
}
