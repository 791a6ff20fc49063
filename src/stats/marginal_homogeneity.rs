//! Marginal homogeneity of a k×k paired table (the baseline's class × the model's class): do the
//! two sources use the classes at the same rates? The Stuart–Maxwell and Bhapkar tests.
//!
//! With d the vector of column − row margins and S the covariance of d under the multinomial,
//! S_ii = n_i· + n_·i − 2n_ii and S_ij = −(n_ij + n_ji), over k − 1 classes (one is dropped; the
//! statistic does not depend on which):
//! - **Stuart–Maxwell** (Stuart 1955, *Biometrika* 42:412–416; Maxwell 1970, *Br J Psychiatry*
//!   116:651–655): χ²_SM = d′S⁻¹d, with k − 1 degrees of freedom.
//! - **Bhapkar** (Bhapkar 1966, *JASA* 61:228–235): the Wald form with the covariance estimated
//!   without the null, χ²_B = d′(S − dd′/n)⁻¹d = χ²_SM / (1 − χ²_SM/n) (Sherman–Morrison).
//!
//! Both as in statsmodels' `SquareTable.homogeneity` (which drops the last class). A class no
//! item moved into or out of (n_i· + n_·i − 2n_ii = 0) makes S singular, where statsmodels
//! returns NaN; here it is dropped first (its d_i is 0 and it carries no information about the
//! difference). Likewise when the moving classes fall into separate linked groups (items move
//! YTA ↔ ESH and NTA ↔ NAH but never between the groups), each group's differences sum to 0 and
//! one class per group is dropped: the degrees of freedom are the moving classes − the groups
//! (the rank of S). n stays the number of items in the whole table. With no item off the
//! diagonal, or for Bhapkar when χ²_SM = n, there is no test (`None`).

use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Which marginal-homogeneity test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HomogeneityTest {
    /// Stuart–Maxwell (the covariance under the null).
    #[default]
    StuartMaxwell,
    /// Bhapkar (the unrestricted covariance; slightly larger).
    Bhapkar,
}

impl HomogeneityTest {
    /// The name shown in tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::StuartMaxwell => "Stuart–Maxwell",
            Self::Bhapkar => "Bhapkar",
        }
    }
}

/// A marginal-homogeneity test's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homogeneity {
    /// The χ² statistic.
    pub statistic: f64,
    /// Degrees of freedom: the classes with movement − 1.
    pub df: usize,
    /// P(χ²_df ≥ statistic).
    pub p_value: f64,
}

/// The test on a k×k table (`table[i][j]`: items the baseline put in class i and the model in
/// class j); `None` without any off-diagonal item, or for a ragged table.
pub fn marginal_homogeneity(table: &[Vec<u64>], test: HomogeneityTest) -> Option<Homogeneity> {
    let k = table.len();
    if table.iter().any(|row| row.len() != k) {
        return None;
    }
    let f = |i: usize, j: usize| table[i][j] as f64;
    let row = |i: usize| (0..k).map(|j| f(i, j)).sum::<f64>();
    let col = |j: usize| (0..k).map(|i| f(i, j)).sum::<f64>();
    let n: f64 = (0..k).map(row).sum();
    // Classes some item moved into or out of, linked where items moved between them: within each
    // linked group the margins' differences sum to 0, so one class per group is dropped.
    let moving: Vec<usize> = (0..k).filter(|&i| row(i) + col(i) - 2.0 * f(i, i) > 0.0).collect();
    let group = linked_groups(&moving, |i, j| f(i, j) + f(j, i) > 0.0);
    let kept: Vec<usize> = moving
        .iter()
        .enumerate()
        .filter(|&(a, _)| group[a..].iter().skip(1).any(|g| *g == group[a]))
        .map(|(_, &i)| i)
        .collect();
    if kept.is_empty() {
        return None;
    }
    let d: Vec<f64> = kept.iter().map(|&i| col(i) - row(i)).collect();
    let s: Vec<Vec<f64>> = kept
        .iter()
        .map(|&i| {
            kept.iter()
                .map(|&j| if i == j { row(i) + col(i) - 2.0 * f(i, i) } else { -(f(i, j) + f(j, i)) })
                .collect()
        })
        .collect();
    let x = solve(s, d.clone())?;
    let sm: f64 = d.iter().zip(&x).map(|(a, b)| a * b).sum();
    let statistic = match test {
        HomogeneityTest::StuartMaxwell => sm,
        // χ²_SM ≤ n; at n (every item moved the same way, e.g. [[0, 5], [0, 0]]) Bhapkar's
        // covariance is singular and there is no test.
        HomogeneityTest::Bhapkar if sm < n * (1.0 - 1e-12) => sm / (1.0 - sm / n),
        HomogeneityTest::Bhapkar => return None,
    };
    let df = kept.len();
    let p_value = ChiSquared::new(df as f64).ok()?.sf(statistic.max(0.0));
    Some(Homogeneity { statistic, df, p_value })
}

/// The linked group of each of `nodes` (a label per node; equal labels are one group), where
/// `linked(i, j)` joins two nodes.
fn linked_groups(nodes: &[usize], linked: impl Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut group: Vec<usize> = (0..nodes.len()).collect();
    fn root(group: &mut [usize], mut a: usize) -> usize {
        while group[a] != a {
            group[a] = group[group[a]];
            a = group[a];
        }
        a
    }
    for a in 0..nodes.len() {
        for b in a + 1..nodes.len() {
            if linked(nodes[a], nodes[b]) {
                let (ra, rb) = (root(&mut group, a), root(&mut group, b));
                group[ra] = rb;
            }
        }
    }
    (0..nodes.len()).map(|a| root(&mut group, a)).collect()
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` when `a` is singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let m = b.len();
    let scale = a.iter().flatten().fold(0.0f64, |s, v| s.max(v.abs())).max(1.0);
    for c in 0..m {
        let pivot = (c..m).max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs()))?;
        if a[pivot][c].abs() <= 1e-12 * scale {
            return None;
        }
        a.swap(c, pivot);
        b.swap(c, pivot);
        let (upper, lower) = a.split_at_mut(c + 1);
        let pivot_row = &upper[c];
        for (r, row) in lower.iter_mut().enumerate() {
            let factor = row[c] / pivot_row[c];
            for (x, p) in row[c..].iter_mut().zip(&pivot_row[c..]) {
                *x -= factor * p;
            }
            b[c + 1 + r] -= factor * b[c];
        }
    }
    let mut x = vec![0.0; m];
    for r in (0..m).rev() {
        let tail: f64 = (r + 1..m).map(|j| a[r][j] * x[j]).sum();
        x[r] = (b[r] - tail) / a[r][r];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[u64]]) -> Vec<Vec<u64>> {
        rows.iter().map(|r| r.to_vec()).collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    /// References: statsmodels 0.15.0, `SquareTable(t, shift_zeros=False).homogeneity(method=m)`
    /// (statistic and df), computed for these tables and written here. The p-values are scipy
    /// 1.17.1's `chi2.sf(statistic, df)`: statsmodels computes `1 − chi2.cdf`, which loses the
    /// digits of p-values below about 1e-8 (its 3.8327230278e-11 for t1 is off by 1e-6 relative).
    #[test]
    fn matches_statsmodels_square_table_homogeneity() {
        let t1 = table(&[
            &[120, 30, 45, 10, 3],
            &[8, 300, 12, 20, 2],
            &[5, 4, 15, 2, 0],
            &[2, 15, 1, 25, 1],
            &[1, 3, 0, 1, 2],
        ]);
        let t3 = table(&[&[20, 3, 0], &[1, 15, 0], &[0, 0, 9]]);
        let cases = [
            (&t1, HomogeneityTest::StuartMaxwell, 54.657472531462176, 3.832726624928328e-11, 4),
            (&t1, HomogeneityTest::Bhapkar, 59.877142851508005, 3.0785335449909555e-12, 4),
            // The third class has items only on the diagonal: statsmodels drops it as the last
            // class and keeps df 2; here it is dropped as a class without movement (df 1), so
            // the statistic agrees and the p-value is the χ²₁ one (statsmodels on the 2×2 part
            // gives 0.3173105078629149 for Stuart–Maxwell).
            (&t3, HomogeneityTest::StuartMaxwell, 1.0, 0.31731050786291115, 1),
        ];
        for (t, test, statistic, p, df) in cases {
            let h = marginal_homogeneity(t, test).expect("a test");
            assert!(close(h.statistic, statistic, 1e-10), "{test:?}: {h:?} vs {statistic}");
            assert!(close(h.p_value, p, 1e-8), "{test:?}: {h:?} vs {p}");
            assert_eq!(h.df, df);
        }
        // Bhapkar keeps n over the whole table (48 items): statsmodels' 1.0212765957446805.
        let b = marginal_homogeneity(&t3, HomogeneityTest::Bhapkar).expect("a test");
        assert!(close(b.statistic, 1.0212765957446805, 1e-10), "{b:?}");
    }

    #[test]
    fn an_empty_class_is_dropped_not_singular() {
        // statsmodels on the 3×3 part: 5.574468085106388, p 0.061591337547923675 (df 2).
        let t = table(&[&[50, 5, 9, 0], &[3, 40, 2, 0], &[1, 4, 30, 0], &[0, 0, 0, 0]]);
        let h = marginal_homogeneity(&t, HomogeneityTest::StuartMaxwell).expect("a test");
        assert!(close(h.statistic, 5.574468085106388, 1e-10) && h.df == 2, "{h:?}");
        assert!(close(h.p_value, 0.061591337547923675, 1e-8), "{h:?}");
        // The empty class first instead of last: the same test.
        let moved = table(&[&[0, 0, 0, 0], &[0, 50, 5, 9], &[0, 3, 40, 2], &[0, 1, 4, 30]]);
        let g = marginal_homogeneity(&moved, HomogeneityTest::StuartMaxwell).expect("a test");
        assert!(close(g.statistic, h.statistic, 1e-12), "{g:?}");
        let b = marginal_homogeneity(&t, HomogeneityTest::Bhapkar).expect("a test");
        assert!(close(b.statistic, 5.79895481094375, 1e-10), "{b:?}");
    }

    #[test]
    fn separate_groups_of_moving_classes_each_lose_one_class() {
        // YTA ↔ ESH and NTA ↔ NAH only (softening that keeps the binary label): S is block
        // diagonal; per block McNemar's (b − c)²/(b + c): 5²/5 + 3²/3 = 8 with df 2.
        let t = table(&[&[10, 5, 0, 0], &[0, 10, 0, 0], &[0, 0, 10, 3], &[0, 0, 0, 10]]);
        let h = marginal_homogeneity(&t, HomogeneityTest::StuartMaxwell).expect("a test");
        assert!(close(h.statistic, 8.0, 1e-12) && h.df == 2, "{h:?}");
        // scipy 1.17.1 chi2.sf(8, 2).
        assert!(close(h.p_value, 0.018315638888734182, 1e-10), "{h:?}");
        // Every item moved the same way: Stuart–Maxwell is n, Bhapkar is undefined.
        let one_way = table(&[&[0, 5], &[0, 0]]);
        let sm = marginal_homogeneity(&one_way, HomogeneityTest::StuartMaxwell).expect("a test");
        assert!(close(sm.statistic, 5.0, 1e-12), "{sm:?}");
        assert_eq!(marginal_homogeneity(&one_way, HomogeneityTest::Bhapkar), None);
    }

    #[test]
    fn no_movement_or_a_ragged_table_has_no_test() {
        assert_eq!(marginal_homogeneity(&table(&[&[10, 0], &[0, 12]]), HomogeneityTest::StuartMaxwell), None);
        assert_eq!(marginal_homogeneity(&table(&[&[1, 2], &[3]]), HomogeneityTest::StuartMaxwell), None);
        assert_eq!(marginal_homogeneity(&[], HomogeneityTest::Bhapkar), None);
    }

    /// Under marginal homogeneity (a symmetric joint distribution over 4 classes, n = 400) both
    /// tests reject at α = 0.05 in 4–6% of 4,000 seeded tables (Bhapkar, whose statistic is never
    /// smaller, at least as often as Stuart–Maxwell).
    #[test]
    fn both_tests_hold_their_size_under_the_null() {
        let probs = [
            [0.20, 0.04, 0.02, 0.01],
            [0.04, 0.25, 0.03, 0.02],
            [0.02, 0.03, 0.15, 0.05],
            [0.01, 0.02, 0.05, 0.06],
        ];
        let cells: Vec<(usize, usize, f64)> =
            (0..4).flat_map(|i| (0..4).map(move |j| (i, j))).map(|(i, j)| (i, j, probs[i][j])).collect();
        let mut rng = crate::rng::SplitMix64::new(7);
        let reject = |t: &[Vec<u64>], test| marginal_homogeneity(t, test).is_some_and(|h| h.p_value < 0.05);
        let (mut sm, mut bh) = (0usize, 0usize);
        for _ in 0..4000 {
            let mut t = vec![vec![0u64; 4]; 4];
            for _ in 0..400 {
                let mut u = rng.uniform();
                let &(i, j, _) = cells
                    .iter()
                    .find(|c| {
                        u -= c.2;
                        u < 0.0
                    })
                    .unwrap_or(&cells[15]);
                t[i][j] += 1;
            }
            sm += usize::from(reject(&t, HomogeneityTest::StuartMaxwell));
            bh += usize::from(reject(&t, HomogeneityTest::Bhapkar));
        }
        let (sm, bh) = (sm as f64 / 4000.0, bh as f64 / 4000.0);
        assert!((0.04..=0.06).contains(&sm) && (0.04..=0.06).contains(&bh) && bh >= sm, "{sm} {bh}");
    }

    #[test]
    fn a_2x2_table_is_mcnemars_chi_square() {
        // k = 2: Stuart–Maxwell is McNemar's (b − c)²/(b + c) without continuity correction.
        let h = marginal_homogeneity(&table(&[&[30, 12], &[4, 50]]), HomogeneityTest::StuartMaxwell).unwrap();
        assert!(close(h.statistic, 64.0 / 16.0, 1e-12), "{h:?}");
    }

    #[test]
    fn symmetric_tables_give_zero_and_the_statistic_ignores_which_class_is_dropped() {
        let sym = table(&[&[5, 3, 2], &[3, 7, 4], &[2, 4, 9]]);
        let h = marginal_homogeneity(&sym, HomogeneityTest::StuartMaxwell).unwrap();
        assert!(h.statistic.abs() < 1e-12 && (h.p_value - 1.0).abs() < 1e-12, "{h:?}");
        let t = table(&[&[10, 6, 1], &[2, 8, 5], &[0, 1, 7]]);
        let reversed: Vec<Vec<u64>> = t.iter().rev().map(|r| r.iter().rev().copied().collect()).collect();
        let a = marginal_homogeneity(&t, HomogeneityTest::Bhapkar).unwrap();
        let b = marginal_homogeneity(&reversed, HomogeneityTest::Bhapkar).unwrap();
        assert!(close(a.statistic, b.statistic, 1e-12), "{a:?} {b:?}");
    }
}
