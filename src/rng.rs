//! A small, seeded, version-stable random number generator (SplitMix64, Steele, Lea & Flood 2014).
//!
//! amplify never seeds from the clock: every random step takes an explicit seed, and this
//! generator's output for a seed never changes between versions, so generated data and
//! resampling results are reproducible forever.

/// SplitMix64's increment γ (the golden ratio in 64 bits).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (a bijection of 64-bit words with full avalanche).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Generator `index` of a family seeded with `seed` (one per bootstrap replicate, permutation
    /// or worker): its state is `seed` mixed with the mixed `index`, so the streams of
    /// neighbouring indexes are unrelated. Seeding with `seed ^ index·γ` (γ the generator's
    /// increment) instead would start stream 1 one step into stream 0 whenever `seed` and γ share
    /// no bits, e.g. seed 0: two "independent" replicates drawing almost the same resample.
    pub fn stream(seed: u64, index: u64) -> Self {
        Self::new(mix(seed ^ mix(index.wrapping_add(GAMMA))))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix(self.state)
    }

    /// A uniform draw in [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A Bernoulli draw with success probability `p`.
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// A uniform index in 0..n (n > 0), by Lemire's multiply-shift (bias < n/2⁶⁴).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

/// Lets `rand_distr` samplers (e.g. the binomial draws of the bootstrap) use this generator.
impl rand_core::TryRng for SplitMix64 {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.next_u64() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_splitmix64_outputs() {
        // Reference outputs of SplitMix64 for seed 1234567 (from the published C reference
        // implementation, prng.di.unimi.it/splitmix64.c).
        let mut r = SplitMix64::new(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
    }

    #[test]
    fn streams_of_neighbouring_indexes_share_no_draws() {
        let first: Vec<u64> = {
            let mut r = SplitMix64::stream(0, 0);
            (0..1000).map(|_| r.next_u64()).collect()
        };
        for index in 1..50 {
            let mut r = SplitMix64::stream(0, index);
            assert!((0..1000).all(|_| !first.contains(&r.next_u64())), "stream {index} overlaps stream 0");
        }
        // What `stream` avoids: seed 0 ^ 1·γ is seed 0's stream one step on.
        let mut shifted = SplitMix64::new(GAMMA);
        assert_eq!(shifted.next_u64(), first_of(0, 2));
    }

    fn first_of(seed: u64, n: usize) -> u64 {
        let mut r = SplitMix64::new(seed);
        (0..n).map(|_| r.next_u64()).last().expect("n > 0")
    }

    #[test]
    fn uniform_stays_in_unit_interval_and_has_mean_one_half() {
        let mut r = SplitMix64::new(7);
        let draws: Vec<f64> = (0..100_000).map(|_| r.uniform()).collect();
        assert!(draws.iter().all(|&u| (0.0..1.0).contains(&u)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
    }
}
