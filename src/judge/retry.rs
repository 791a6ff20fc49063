//! Retry policy: exponential backoff with jitter, or the server's `Retry-After` when it sends one.
//!
//! The delay before retry `n` (1-based) is drawn uniformly from `[d/2, d]` with
//! `d = min(base · 2^(n-1), cap)` ("equal jitter", Brooker 2015, *Exponential Backoff and Jitter*,
//! AWS Architecture Blog), so that clients rejected together do not retry together.

use crate::rng::SplitMix64;
use std::time::Duration;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per request, including the first (at least 1).
    pub max_attempts: u32,
    /// Delay scale before the first retry.
    pub base: Duration,
    /// Longest delay between attempts (also caps `Retry-After`).
    pub cap: Duration,
}

impl RetryPolicy {
    /// The delay before retry `retry` (1 = the first retry); `retry_after` from the server wins,
    /// up to the cap.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, rng: &mut SplitMix64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.cap);
        }
        let doubling = 2f64.powi(retry.saturating_sub(1).min(30) as i32);
        let full = (self.base.as_secs_f64() * doubling).min(self.cap.as_secs_f64());
        Duration::from_secs_f64(full * (0.5 + 0.5 * rng.uniform()))
    }
}

/// Parses a `Retry-After` header given in seconds (integer or decimal). The HTTP-date form is
/// not read; such replies fall back to exponential backoff.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_within_jitter_bounds_and_respect_the_cap() {
        let policy =
            RetryPolicy { max_attempts: 5, base: Duration::from_millis(100), cap: Duration::from_secs(1) };
        let mut rng = SplitMix64::new(7);
        for retry in 1..=8u32 {
            let full = (0.1 * 2f64.powi(retry as i32 - 1)).min(1.0);
            for _ in 0..200 {
                let d = policy.delay(retry, None, &mut rng).as_secs_f64();
                assert!(d >= full / 2.0 - 1e-9 && d <= full + 1e-9, "retry {retry}: {d}");
            }
        }
        assert_eq!(policy.delay(1, Some(Duration::from_secs(3)), &mut rng), Duration::from_secs(1));
        assert_eq!(policy.delay(1, Some(Duration::from_millis(20)), &mut rng), Duration::from_millis(20));
    }

    #[test]
    fn retry_after_seconds_are_parsed_and_dates_are_not() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
