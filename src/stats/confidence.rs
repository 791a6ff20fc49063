//! The confidence level of every interval of a run, checked once when it is parsed.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Highest level accepted: above it the normal quantile (≈ 3.9 at 0.9999) and the score
/// intervals' root finding lose the precision their bounds are printed with.
pub const MAX_CONFIDENCE: f64 = 0.9999;

/// A confidence level in (0, [`MAX_CONFIDENCE`]].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Confidence(f64);

impl Confidence {
    /// The level, checked: in (0, 1) and at most [`MAX_CONFIDENCE`].
    pub fn new(level: f64) -> Result<Self, String> {
        if !(level > 0.0 && level < 1.0) {
            return Err(format!("{level} is outside (0, 1); use e.g. 0.95"));
        }
        if level > MAX_CONFIDENCE {
            return Err(format!(
                "{level} is above {MAX_CONFIDENCE}, past what the intervals can resolve numerically; use at most {MAX_CONFIDENCE}"
            ));
        }
        Ok(Self(level))
    }

    /// The level as a number.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for Confidence {
    fn default() -> Self {
        Self(0.95)
    }
}

impl TryFrom<f64> for Confidence {
    type Error = String;
    fn try_from(level: f64) -> Result<Self, String> {
        Self::new(level)
    }
}

impl From<Confidence> for f64 {
    fn from(c: Confidence) -> f64 {
        c.0
    }
}

impl FromStr for Confidence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let level: f64 = s.trim().parse().map_err(|_| format!("'{s}' is not a number; use e.g. 0.95"))?;
        Self::new(level)
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_open_unit_interval_up_to_the_cap() {
        assert_eq!("0.95".parse::<Confidence>().map(Confidence::get), Ok(0.95));
        assert_eq!(Confidence::new(MAX_CONFIDENCE).map(Confidence::get), Ok(MAX_CONFIDENCE));
        for bad in [0.0, 1.0, -0.2, 1.5, f64::NAN, 0.99999, 0.9999999999999999] {
            assert!(Confidence::new(bad).is_err(), "{bad} accepted");
        }
        assert!("x".parse::<Confidence>().unwrap_err().contains("not a number"));
        assert!(Confidence::new(1.5).unwrap_err().contains("outside (0, 1)"));
    }

    #[test]
    fn serialises_as_a_plain_number_and_checks_on_read() {
        let c = Confidence::new(0.9).expect("valid");
        assert_eq!(serde_json::to_string(&c).expect("json"), "0.9");
        assert!(serde_json::from_str::<Confidence>("1.2").is_err());
    }
}
