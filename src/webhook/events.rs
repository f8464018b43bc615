//! Directory event payloads (reference §3): the envelope and the `data` shapes of user and group
//! events, for a clearly synthetic organization and example.com users, plus the harmless probe
//! event that changes nothing (apps are told to acknowledge unknown types with 2xx).

use serde_json::{Value, json};

/// Organization id used in every synthetic event.
pub const SYNTHETIC_ORG: &str = "org_launchcheck_synthetic";
/// Directory id used in every synthetic event.
pub const SYNTHETIC_DIR: &str = "dir_launchcheck_synthetic";
/// Type of the harmless probe event.
pub const PROBE_EVENT: &str = "launchcheck.probe";

/// A random-enough numeric suffix (ids look like the provider's: prefix + digits).
#[must_use]
pub fn numeric_id() -> String {
    let mut b = [0u8; 8];
    let _ = aws_lc_rs::rand::fill(&mut b);
    format!("{:017}", u64::from_le_bytes(b) % 100_000_000_000_000_000)
}

/// `msg_…` id for the `webhook-id` header.
#[must_use]
pub fn message_id() -> String {
    format!("msg_launchcheck{}", numeric_id())
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The event envelope.
#[must_use]
pub fn envelope(event_type: &str, object: &str, org: &str, data: Value) -> Value {
    json!({
        "spec_version": "1",
        "id": format!("evt_{}", numeric_id()),
        "type": event_type,
        "occurred_at": now_rfc3339(),
        "environment_id": "env_launchcheck_synthetic",
        "organization_id": org,
        "object": object,
        "data": data,
    })
}

/// The harmless event: a type no app handles, data that names launchcheck.
#[must_use]
pub fn probe_event() -> Value {
    envelope(
        PROBE_EVENT,
        "LaunchcheckProbe",
        SYNTHETIC_ORG,
        json!({"id": format!("lcprobe_{}", numeric_id()), "note": "launchcheck readiness probe; safe to ignore"}),
    )
}

/// A synthetic directory user.
#[must_use]
pub fn user(
    user_id: &str,
    org: &str,
    email: &str,
    given: &str,
    family: &str,
    active: bool,
) -> Value {
    json!({
        "id": user_id,
        "organization_id": org,
        "dp_id": format!("launchcheck-{user_id}"),
        "preferred_username": email,
        "email": email,
        "active": active,
        "given_name": given,
        "family_name": family,
        "groups": [{"id": "dirgroup_launchcheck_synthetic", "name": "launchcheck synthetic group"}],
        "roles": [{"role_name": "member"}],
        "raw_attributes": {},
    })
}

/// A directory user event (`user_created`, `user_updated`, `user_deleted`).
#[must_use]
pub fn user_event(kind: &str, data: Value, org: &str) -> Value {
    envelope(
        &format!("organization.directory.{kind}"),
        "DirectoryUser",
        org,
        data,
    )
}

/// A directory group event (`group_created`, `group_updated`, `group_deleted`).
#[must_use]
pub fn group_event(kind: &str, group_id: &str, name: &str, org: &str) -> Value {
    envelope(
        &format!("organization.directory.{kind}"),
        "DirectoryGroup",
        org,
        json!({
            "id": group_id,
            "organization_id": org,
            "directory_id": SYNTHETIC_DIR,
            "display_name": name,
            "external_id": null,
            "dp_id": format!("launchcheck-{group_id}"),
            "raw_attributes": {},
        }),
    )
}

/// The event `webhook send --event TYPE` builds.
///
/// # Errors
/// An event type launchcheck does not know how to build.
pub fn for_type(event_type: &str, org: &str, email: &str) -> Result<Value, String> {
    let short = event_type
        .strip_prefix("organization.directory.")
        .unwrap_or(event_type);
    let uid = format!("diruser_launchcheck{}", numeric_id());
    match short {
        "user_created" | "user_updated" => Ok(user_event(
            short,
            user(&uid, org, email, "Lc", "Probe", true),
            org,
        )),
        "user_deleted" => Ok(user_event(
            short,
            json!({"id": uid, "organization_id": org, "dp_id": format!("launchcheck-{uid}"), "email": email}),
            org,
        )),
        "group_created" | "group_updated" | "group_deleted" => Ok(group_event(
            short,
            &format!("dirgroup_launchcheck{}", numeric_id()),
            "launchcheck synthetic group",
            org,
        )),
        PROBE_EVENT | "probe" => Ok(probe_event()),
        other => Err(format!(
            "unknown event type `{other}`: use user_created, user_updated, user_deleted, group_created, group_updated, group_deleted or probe"
        )),
    }
}
