//! `amplify power`: before a study, the items needed to detect a target effect with 80% and 90%
//! power, or the effect detectable with the items available, for the three designs amplify
//! tests: a paired behaviour difference (exact McNemar; Connor 1987's normal approximation), a
//! group amplification (Welch on item differences between two levels; normal approximation) and
//! an FNR difference (McNemar on the items the truth calls at fault).

use serde::{Deserialize, Serialize};

/// Schema identifier of the `amplify power` document.
pub const POWER_SCHEMA: &str = "amplify.power/1";

/// What the planner is told.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PowerQuestion {
    /// Share of items whose label differs between model and baseline.
    pub discordant: f64,
    /// Target effect (difference in rates, or amplification).
    pub effect: Option<f64>,
    /// Items available.
    pub items: Option<u64>,
    /// Share of items in the smaller level (amplification).
    pub level_share: f64,
    /// Share of items the truth calls at fault (FNR).
    pub positives: f64,
    /// Two-sided α of each test.
    pub alpha: f64,
}

/// One design's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PowerRow {
    /// "paired difference", "group amplification" or "fnr difference".
    pub design: String,
    /// What the row is about (a pilot's metric/model, or "planned").
    pub label: String,
    /// Discordant share used.
    pub discordant: f64,
    /// Items needed for 80% / 90% power (with a target effect).
    pub items_80: Option<u64>,
    /// Items needed for 90% power.
    pub items_90: Option<u64>,
    /// Items the detectable effects refer to.
    pub items: Option<u64>,
    /// Effect detectable with 80% power with `items`.
    pub mde_80: Option<f64>,
    /// Effect detectable with 90% power.
    pub mde_90: Option<f64>,
}

/// The `amplify power` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PowerReport {
    /// Always [`POWER_SCHEMA`].
    pub schema: String,
    /// Version of amplify.
    pub amplify_version: String,
    /// The question.
    pub question: PowerQuestion,
    /// One row per design (and per pilot comparison).
    pub rows: Vec<PowerRow>,
}
