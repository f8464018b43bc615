//! launchcheck: is a Scalekit SSO/SCIM integration ready for production? With evidence.
//!
//! The crate is a library with a thin binary. The arrows run one way:
//!
//! ```text
//! main.rs ─► cli ─► run ─► probe/* ─► (scan, webhook: pure engines)
//!             │      │        └─► report::Finding
//!             │      └─► checklist, config
//!             └─► report/* renderers (pure functions of Report)
//! ```
//!
//! A run in five lines:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use launchcheck::{checklist, config, run};
//! let list = checklist::embedded(checklist::Embedded::Sso)?;
//! let target = config::load(None, false, config::Env::load(None, false)?)?;
//! let report = run::run(&[list], std::sync::Arc::new(target), &run::RunOptions::default()).await?;
//! println!("{}", launchcheck::report::json::render(&report));
//! # Ok(()) }
//! ```

pub mod api;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod demo;
pub mod jwt;
pub mod net;
pub mod probe;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod scan;
pub mod secret;
pub mod webhook;
pub mod yaml;
