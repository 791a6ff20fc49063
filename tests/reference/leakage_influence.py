"""Independent reference values for src/stats/leakage/tests.rs (`influence_matches_numpy`).

Run with numpy and scipy 1.17.1:

    python tests/reference/leakage_influence.py

The fixture: x[i][j] = ((3i + 5j) mod 7) / 6 where (i + 2j) mod 3 != 0, else 0 (6 columns);
level (i*i + i // 2) mod K; fold i mod 3; C = 1. Each fold's attacker (L2 logistic regression,
1/2 |w|^2 + C sum log(1 + exp(-s (x.w + b))), intercept unpenalised; one-vs-rest for K > 2, the
probabilities normalised) is fitted by scipy's L-BFGS-B to gtol 1e-13; H is solved densely.
phi_j = (q_j - LIC) - sum over the folds j trained of C (s(x_j) - y_j) x~_j' H^-1 G, G the sum over
the fold's items of the gradient of their probability of the true level. The last lines check phi
against Richardson-extrapolated central differences of the re-fitted cross-fitted LIC.

    python tests/reference/leakage_influence.py simulate N HUMAN MODEL SIMS [VOCAB]

runs the numpy prototype's simulations quoted in docs/METHODS.md ("Attribute leakage"): N items of
two levels, texts of 15 words from VOCAB (60) shared words plus a level word in a share HUMAN of
the human and MODEL of the model level-1 texts, TF-IDF as amplify's, 5 stratified folds; prints
how often the LIC difference's 95% influence interval covers 0 and covers the simulations' mean
difference, and the standard deviation of d/SE.
"""

import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit


def fit(X, y, weights, C):
    p = X.shape[1]

    def f(t):
        w, b = t[:p], t[p]
        s = 2 * y - 1
        m = s * (X @ w + b)
        r = -s * expit(-m) * weights
        return 0.5 * w @ w + C * (weights * np.logaddexp(0, -m)).sum(), np.concatenate([w + C * X.T @ r, [C * r.sum()]])

    options = dict(gtol=1e-13, ftol=1e-16, maxiter=100000)
    return minimize(f, np.zeros(p + 1), jac=True, method="L-BFGS-B", options=options).x


def fixture(n, K):
    X = np.array([[((3 * i + 5 * j) % 7) / 6 if (i + 2 * j) % 3 != 0 else 0.0 for j in range(6)] for i in range(n)])
    return X, np.array([(i * i + i // 2) % K for i in range(n)]), np.arange(n) % 3


def cross_fit(n, K, item=None, weight=1.0, C=1.0, k=3):
    """(LIC, phi) with every weight 1, or the weighted LIC with `item`'s weight `weight`."""
    X, lev, folds = fixture(n, K)
    W = np.ones(n)
    if item is not None:
        W[item] = weight
    Xt = np.hstack([X, np.ones((n, 1))])
    p = X.shape[1]
    targets = [1] if K == 2 else list(range(K))
    q, indirect = np.zeros(n), np.zeros(n)
    for f in range(k):
        tr, te = folds != f, folds == f
        th = [fit(X[tr], (lev[tr] == t).astype(float), W[tr], C) for t in targets]
        S = np.array([expit(Xt[te] @ t) for t in th])
        rows = np.arange(te.sum())
        if K == 2:
            q[te] = np.where(lev[te] == 1, S[0], 1 - S[0])
        else:
            q[te] = S[lev[te], rows] / S.sum(0)
        for a, t in enumerate(targets):
            if K == 2:
                coef = np.where(lev[te] == 1, 1, -1) * S[0] * (1 - S[0])
            else:
                total, sy = S.sum(0), S[lev[te], rows]
                coef = S[a] * (1 - S[a]) * ((lev[te] == a) / total - sy / total**2)
            G = coef @ Xt[te]
            st = expit(Xt[tr] @ th[a])
            H = C * (Xt[tr].T * (st * (1 - st))) @ Xt[tr]
            H[:p, :p] += np.eye(p)
            u = np.linalg.solve(H, G)
            r = expit(Xt @ th[a]) - (lev == t)
            indirect[tr] -= (C * r * (Xt @ u))[tr]
    lic = (W * q).sum() / W.sum()
    return lic, q - lic + indirect


def simulate(n, human, model, sims, vocab=60, C=1.0, k=5):
    def corpus(levels, signal, rng):
        X = np.zeros((n, vocab + 1))
        for i, level in enumerate(levels):
            for w in rng.integers(0, vocab, 15):
                X[i, w] += 1
            if level == 1 and rng.random() < signal:
                X[i, vocab] += 1
        return X

    def tfidf(mats):
        pooled = np.vstack(mats)
        df = (pooled > 0).sum(0)
        keep = df >= 2
        idf = np.log((1 + pooled.shape[0]) / (1 + df[keep])) + 1
        out = []
        for M in mats:
            T = M[:, keep] * idf
            norm = np.linalg.norm(T, axis=1)
            out.append(T / np.where(norm == 0, 1, norm)[:, None])
        return out

    def influence(X, y, folds):
        Xt = np.hstack([X, np.ones((n, 1))])
        p = X.shape[1]
        q, indirect = np.zeros(n), np.zeros(n)
        for f in range(k):
            tr, te = folds != f, folds == f
            th = fit(X[tr], y[tr].astype(float), np.ones(tr.sum()), C)
            s = expit(Xt[te] @ th)
            q[te] = np.where(y[te] == 1, s, 1 - s)
            G = ((2 * y[te] - 1) * s * (1 - s)) @ Xt[te]
            st = expit(Xt[tr] @ th)
            H = C * (Xt[tr].T * (st * (1 - st))) @ Xt[tr]
            H[:p, :p] += np.eye(p)
            u = np.linalg.solve(H, G)
            indirect[tr] -= (C * (expit(Xt @ th) - y) * (Xt @ u))[tr]
        return q.mean(), q - q.mean() + indirect

    ds, ses = [], []
    for s in range(sims):
        rng = np.random.default_rng(s)
        levels = (rng.random(n) < 0.5).astype(int)
        Xh, Xm = tfidf([corpus(levels, human, rng), corpus(levels, model, rng)])
        folds = np.zeros(n, int)
        for c in (0, 1):
            idx = np.where(levels == c)[0]
            rng.shuffle(idx)
            folds[idx] = np.arange(len(idx)) % k
        (lh, ph), (lm, pm) = influence(Xh, levels, folds), influence(Xm, levels, folds)
        ds.append(lm - lh)
        ses.append((pm - ph).std(ddof=1) / np.sqrt(n))
    ds, ses = np.array(ds), np.array(ses)
    print(n, human, model, "covers 0:", int((np.abs(ds) <= 1.96 * ses).sum()), "of", sims,
          "covers the mean difference:", int((np.abs(ds - ds.mean()) <= 1.96 * ses).sum()),
          "sd(d/SE):", round(float((ds / ses).std()), 2))


if len(sys.argv) > 1 and sys.argv[1] == "simulate":
    a = sys.argv[2:]
    simulate(int(a[0]), float(a[1]), float(a[2]), int(a[3]), int(a[4]) if len(a) > 4 else 60)
    sys.exit()

for n, K in [(30, 2), (36, 3)]:
    lic, phi = cross_fit(n, K)
    print("K", K, "LIC", repr(lic), "phi[:6]", [float(v) for v in phi[:6]])
    for j in [0, 4, 11, 25]:
        central = lambda e: n * (cross_fit(n, K, j, 1 + e)[0] - cross_fit(n, K, j, 1 - e)[0]) / (2 * e)
        print("  item", j, "phi", repr(phi[j]), "difference", repr((4 * central(0.1) - central(0.2)) / 3))
