"""Independent reference values for amplify's statistics tests.

Run with scipy 1.17.1 and statsmodels 0.15.0 (pip install scipy==1.17.1 statsmodels==0.15.0):

    python tests/reference/reference_values.py

Every number printed here is written, with this provenance, into the unit tests in src/stats/.
The Tango interval has no scipy/statsmodels implementation; its test uses the published worked
example of Fagerland, Lydersen & Laake (2014) instead.
"""

from scipy.stats import binom, binomtest, norm, ttest_1samp
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize

print("norm.ppf(0.975)", repr(norm.ppf(0.975)))

# src/stats/wilson.rs
for x, n in [(81, 263), (3, 10), (1, 10), (15, 148), (0, 20), (20, 20)]:
    print("wilson", x, n, proportion_confint(x, n, alpha=0.05, method="wilson"))

# src/stats/binomial.rs: exact McNemar = two-sided binomial test on the discordant pairs
for b, c in [(1, 7), (7, 1), (0, 5), (10, 30), (40, 400), (0, 1)]:
    print("exact", b, c, repr(binomtest(min(b, c), b + c, 0.5).pvalue))
# mid-p (Fagerland et al. 2013)
for b, c in [(1, 7), (10, 30), (3, 3)]:
    k, m = min(b, c), b + c
    print("mid-p", b, c, repr(min(1, 2 * (binom.cdf(k, m, 0.5) - 0.5 * binom.pmf(k, m, 0.5)))))

# src/stats/multiplicity.rs
RAW = [0.01, 0.04, 0.03, 0.005, 0.5, 0.04]
print("holm", list(multipletests(RAW, method="holm")[1]))
print("fdr_bh", list(multipletests(RAW, method="fdr_bh")[1]))

# src/stats/effect.rs
print("cohens_h(0.5, 0.3)", repr(proportion_effectsize(0.5, 0.3)))

# src/stats/ttest.rs
d = [0.25, -0.5, 0, 0.75, 0.25, 0, -0.25, 0.5, 0.25, 0]
r = ttest_1samp(d, 0)
ci = r.confidence_interval(0.95)
print("paired t", len(d), sum(d), sum(x * x for x in d), repr(r.pvalue), repr(ci.low), repr(ci.high))
d2 = [1] * 30 + [0] * 50 + [-1] * 10
r = ttest_1samp(d2, 0)
ci = r.confidence_interval(0.90)
print("paired t 90%", len(d2), sum(d2), sum(x * x for x in d2), repr(r.pvalue), repr(ci.low), repr(ci.high))
