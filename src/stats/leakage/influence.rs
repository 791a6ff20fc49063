//! The influence-function (delta-method) variance of a cross-fitted LIC, which re-fits nothing.
//!
//! The cross-fitted LIC is a smooth function of the items' weights: an item enters once through
//! its own out-of-fold probability q_j and once through every attacker it trained (the K − 1 folds
//! other than its own). Growing item j's weight by ε changes `n · LIC` at the rate
//!
//!   φ_j = (q_j − LIC) − Σ_{k ≠ k(j)} C · (s_k(x_j) − y_j) · x̃_jᵀ H_k⁻¹ G_k,
//!
//! s_k the fold-k attacker's probability, H_k the Hessian of its objective (½‖w‖² + C Σ ℓᵢ, the
//! intercept unpenalised) at the fit, G_k = Σ_{i ∈ fold k} ∇_θ qᵢ, and x̃ = (x, 1): the implicit
//! function theorem for the penalised M-estimator (Hampel et al. 1986, §2.3; Koh & Liang 2017 for
//! the same first-order effect of up-weighting a training point), applied per fold. One-vs-rest
//! attackers each get their own H and G (qᵢ = s_y / Σ_c s_c). The variance of LIC is then
//! Σ (φ_j − φ̄)² / (n(n − 1)) (Hampel et al. 1986, §2.1), and for a model − baseline difference
//! the same over the paired φ_j(model) − φ_j(baseline). H_k⁻¹ G_k is one conjugate-gradient solve
//! per attacker (Hessian-vector products, each a pass over the training rows), so the whole cost
//! is about that of one fit. The second term is what a bootstrap of the predictions alone misses:
//! an item's label also moves every prediction of the models it trained.

use super::super::logistic::{hessian_diagonal, Logistic, SparseRows};
use super::{Attack, CrossFit};

/// Per item, φ_j: `n` × the derivative of the source's cross-fitted LIC in the item's weight
/// (every item's weight 1; see the module).
pub fn lic_influence(attack: &Attack, x: &SparseRows, fit: &CrossFit) -> Vec<f64> {
    let n = attack.levels.len();
    let q: Vec<f64> = (0..n).map(|i| fit.probs[i][attack.levels[i] as usize]).collect();
    let lic = q.iter().sum::<f64>() / n.max(1) as f64;
    let per_fold = attack.per_fold(|f| attack.fold_influence(x, &fit.models[f], f));
    let mut phi: Vec<f64> = q.iter().map(|v| v - lic).collect();
    for fold in per_fold {
        phi.iter_mut().zip(fold).for_each(|(p, v)| *p += v);
    }
    phi
}

/// The standard error of a mean whose items' influence values are `phi`: sd(φ)/√n; `None` with
/// fewer than two items.
pub fn influence_se(phi: &[f64]) -> Option<f64> {
    let n = phi.len();
    if n < 2 {
        return None;
    }
    let mean = phi.iter().sum::<f64>() / n as f64;
    let ss: f64 = phi.iter().map(|v| (v - mean).powi(2)).sum();
    Some((ss / (n as f64 - 1.0) / n as f64).sqrt())
}

impl Attack<'_> {
    /// Fold `f`'s indirect terms: for every item that trained its attackers,
    /// −C (s(x_j) − y_j) x̃_jᵀ H⁻¹ G, summed over the fold's attackers (0 for the fold's own items).
    fn fold_influence(&self, x: &SparseRows, models: &[Logistic], f: usize) -> Vec<f64> {
        let n = self.levels.len();
        let test: Vec<usize> = (0..n).filter(|&i| self.folds[i] == f).collect();
        let train: Vec<usize> = (0..n).filter(|&i| self.folds[i] != f).collect();
        let mut out = vec![0.0; n];
        for (a, model) in models.iter().enumerate() {
            let target = if self.classes == 2 { 1 } else { a as u32 };
            let g = self.test_gradient(x, models, a, &test);
            let s: Vec<f64> = train.iter().map(|&j| model.probability(x, j)).collect();
            let u = hessian_solve(x, &train, &s, self.c, &g);
            let (w, b) = u.split_at(x.columns);
            for (&j, s) in train.iter().zip(s) {
                let residual = s - f64::from(self.levels[j] == target);
                out[j] -= self.c * residual * (x.dot(j, w) + b[0]);
            }
        }
        out
    }

    /// G = Σ over `test` of ∇ qᵢ with respect to attacker `a`'s (weights, intercept).
    fn test_gradient(&self, x: &SparseRows, models: &[Logistic], a: usize, test: &[usize]) -> Vec<f64> {
        let mut g = vec![0.0; x.columns + 1];
        for &i in test {
            let y = self.levels[i] as usize;
            let coefficient = if self.classes == 2 {
                let s = models[0].probability(x, i);
                let sign = if y == 1 { 1.0 } else { -1.0 };
                sign * s * (1.0 - s)
            } else {
                let s: Vec<f64> = models.iter().map(|m| m.probability(x, i)).collect();
                let total: f64 = s.iter().sum();
                if total <= 0.0 {
                    continue; // the prediction falls back to 1/K, constant in θ
                }
                let own = if a == y { 1.0 / total } else { 0.0 };
                s[a] * (1.0 - s[a]) * (own - s[y] / (total * total))
            };
            x.add_row(i, coefficient, &mut g[..x.columns]);
            g[x.columns] += coefficient;
        }
        g
    }
}

/// H⁻¹g for the attacker's Hessian on the rows `train` (its probabilities `s` there),
/// H = diag(1, …, 1, 0) + C Σⱼ sⱼ(1 − sⱼ) x̃ⱼx̃ⱼᵀ, by conjugate gradients preconditioned with H's
/// diagonal (Nocedal & Wright 2006, algorithm 5.3), to a residual below 1e-10 ‖g‖ or after 2,000
/// iterations.
fn hessian_solve(x: &SparseRows, train: &[usize], s: &[f64], c: f64, g: &[f64]) -> Vec<f64> {
    let m = x.columns;
    let h: Vec<f64> = s.iter().map(|s| c * s * (1.0 - s)).collect();
    let diagonal = hessian_diagonal(x, train.iter().copied().zip(h.iter().copied()));
    let apply = |v: &[f64], out: &mut [f64]| {
        out[..m].copy_from_slice(&v[..m]);
        out[m] = 0.0;
        for (&j, &hj) in train.iter().zip(&h) {
            let t = hj * (x.dot(j, &v[..m]) + v[m]);
            x.add_row(j, t, &mut out[..m]);
            out[m] += t;
        }
    };
    conjugate_gradient(apply, &diagonal, g)
}

/// Preconditioned conjugate gradients for A u = g, A symmetric positive definite given by its
/// product, M = diag(`diagonal`).
fn conjugate_gradient(mut apply: impl FnMut(&[f64], &mut [f64]), diagonal: &[f64], g: &[f64]) -> Vec<f64> {
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>();
    let n = g.len();
    let mut u = vec![0.0; n];
    let mut r = g.to_vec();
    let limit = 1e-10 * dot(g, g).sqrt();
    let mut z: Vec<f64> = r.iter().zip(diagonal).map(|(r, d)| r / d).collect();
    let mut p = z.clone();
    let mut rz = dot(&r, &z);
    let mut ap = vec![0.0; n];
    for _ in 0..2000 {
        if dot(&r, &r).sqrt() <= limit {
            break;
        }
        apply(&p, &mut ap);
        let curvature = dot(&p, &ap);
        if curvature <= 0.0 {
            break;
        }
        let alpha = rz / curvature;
        u.iter_mut().zip(&p).for_each(|(u, p)| *u += alpha * p);
        r.iter_mut().zip(&ap).for_each(|(r, a)| *r -= alpha * a);
        z.iter_mut().zip(&r).zip(diagonal).for_each(|((z, r), d)| *z = r / d);
        let rz_new = dot(&r, &z);
        let beta = rz_new / rz;
        rz = rz_new;
        p.iter_mut().zip(&z).for_each(|(p, z)| *p = z + beta * *p);
    }
    u
}
