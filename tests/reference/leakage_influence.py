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
"""

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


for n, K in [(30, 2), (36, 3)]:
    lic, phi = cross_fit(n, K)
    print("K", K, "LIC", repr(lic), "phi[:6]", [float(v) for v in phi[:6]])
    for j in [0, 4, 11, 25]:
        central = lambda e: n * (cross_fit(n, K, j, 1 + e)[0] - cross_fit(n, K, j, 1 - e)[0]) / (2 * e)
        print("  item", j, "phi", repr(phi[j]), "difference", repr((4 * central(0.1) - central(0.2)) / 3))
