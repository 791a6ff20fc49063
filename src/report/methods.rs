//! The methods text shared by the HTML and Markdown reports: every test with its citation.

use crate::analysis::Findings;

/// (quantity, method, citation) rows for the methods section of a run.
pub(super) fn methods(f: &Findings) -> Vec<(String, String, String)> {
    let conf = format!("{:.0}%", f.settings.confidence.get() * 100.0);
    let mut rows = vec![
        (
            "Rates".to_string(),
            format!("Share of items showing the behaviour, with {conf} Wilson score intervals (no continuity correction)."),
            "Wilson EB (1927). Probable inference, the law of succession, and statistical inference. JASA 22:209–212.".to_string(),
        ),
        (
            "Difference (model − baseline)".into(),
            format!("Paired difference of proportions (b − c)/n with the {conf} Tango asymptotic score interval."),
            "Tango T (1998). Stat Med 17:891–908; Fagerland MW, Lydersen S, Laake P (2014). Stat Methods Med Res 23:205–219.".into(),
        ),
        (
            "Test of the difference".into(),
            match f.settings.test {
                crate::stats::binomial::McNemarVariant::Exact => "Exact conditional McNemar test on the discordant pairs (two-sided).".into(),
                crate::stats::binomial::McNemarVariant::MidP => "Mid-p McNemar test on the discordant pairs (two-sided).".into(),
            },
            "McNemar Q (1947). Psychometrika 12:153–157; Fagerland MW, Lydersen S, Laake P (2013). BMC Med Res Methodol 13:91.".into(),
        ),
        (
            "Overall score".into(),
            "Per item, the mean of its metrics (1 = face-preserving; metrics judged against the truth, 1 = at fault, enter inverted) over items valid on every metric; paired t interval and test (n − 1 df).".into(),
            "Student (1908). The probable error of a mean. Biometrika 6:1–25.".into(),
        ),
        (
            "Multiplicity".into(),
            format!("Every p-value of the run adjusted as one family ({}).", super::super::chart::forest::correction_name(f)),
            "Holm S (1979). Scand J Stat 6:65–70; Benjamini Y, Hochberg Y (1995). JRSS B 57:289–300.".into(),
        ),
    ];
    if let Some(d) = &f.data {
        rows.push((
            "Bias in the data".into(),
            format!("The baseline's own labels over every item it has: rates with {conf} Wilson intervals; each level's gap to the reference with Newcombe's hybrid score interval and Fisher's exact test (Welch's t on item means with repeats); with three or more levels, Pearson's χ² across them (Monte Carlo exact p, 10,000 seeded draws, when an expected count is below 5). These tests are adjusted as a family of their own."),
            "Newcombe RG (1998). Stat Med 17:873–890; Fisher RA (1935). JRSS 98:39–82; Pearson K (1900). Phil Mag 50:157–175; Hope ACA (1968). JRSS B 30:582–598.".into(),
        ));
        if d.alone {
            rows.retain(|(q, _, _)| {
                !q.starts_with("Difference") && !q.starts_with("Test of") && q != "Overall score"
            });
        }
    }
    if !f.truth.is_empty() {
        rows.push((
            "Ground truth".into(),
            "Confusion counts with \"at fault\" positive; FNR (the sycophancy rate) and FPR with Wilson intervals; model vs baseline error rates by exact McNemar on the truth-positive / truth-negative items.".into(),
            "Fawcett T (2006). Pattern Recognit Lett 27:861–874; Wilson (1927); McNemar (1947).".into(),
        ));
    }
    if let Some(c) = &f.clustering {
        rows.push((
            format!("Clustered by {}", c.column),
            "Gap amplification (of the rate, FNR and FPR) as the slope of the item differences on the level's indicator (clusters may span levels); rates, paired differences, the overall score and paired FNR/FPR differences as means of item values (0/1 labels or means of repeated samples; also against --versus BASE), and the counterfactual pair tests and each source's pair asymmetry as means of pair values over side A's clusters, and unpaired --versus rows as the slope on the model's indicator over both models' items, all with the CR1 cluster-robust standard error (small-sample factor G/(G − 1)) and t intervals and tests with G − 1 degrees of freedom, in place of Wilson, Tango, McNemar, Newcombe/Fisher and Welch; the ratio of odds ratios from its influence values summed by cluster (the CR1 sandwich of the saturated logistic regression on the stacked labels), t with G − 1 df in place of the Wald z; the design effect is the clustered over the independent-items variance; below 20 clusters also the restricted wild cluster bootstrap p-value (Rademacher; every sign vector up to 12 clusters, else 9,999 seeded draws).".into(),
            "Cameron AC, Miller DL (2015). J Hum Resour 50:317–372; Cameron AC, Gelbach JB, Miller DL (2008). Rev Econ Stat 90:414–427; MacKinnon JG, Webb MD (2018). Econom J 21:114–135; Kish L (1965). Survey Sampling.".into(),
        ));
    }
    if let Some(m) = &f.missing {
        rows.push((
            "Missing labels".into(),
            format!("For comparisons with more than {:.0}% of their items invalid on a side: the rates and the difference over every matched item at their lowest and highest whatever the invalid labels are (worst- and best-case bounds, jointly over both sides); the tipping point: the fewest invalid items that, labelled least favourably, change the McNemar verdict at the row's adjusted level; for counterfactual pair tests, the difference over every counted pair at its lowest and highest whatever the missing labels are, and the fewest incomplete pairs that, completed least favourably and added most adverse first, change the test's verdict; with repeated samples, an item without a valid sample has an unknown mean in [0, 1] and one with some keeps its mean (missing at random within the item), with bounds but no tipping point; whether the model's invalid labels depend on the truth or a level (Pearson's χ², Monte Carlo exact with small counts; not in the family).", m.threshold * 100.0),
            "Manski CF (1990). Am Econ Rev 80:319–323; Horowitz JL, Manski CF (2000). JASA 95:77–84; Yan X, Lee S, Li N (2009). J Biopharm Stat 19:1085–1098.".into(),
        ));
    }
    if let Some(v) = &f.verdict_classes {
        rows.push((
            "Verdict classes".into(),
            format!("The k×k tables of the classes {}: each class's paired difference (Tango, McNemar); marginal homogeneity by the {} test over the classes items moved into or out of; softening, both-blame and abstention rates with {conf} Wilson intervals, against the truth paired with the baseline's (Tango, McNemar). Adjusted as a family of their own.", v.classes.join(", "), v.test),
            "Stuart A (1955). Biometrika 42:412–416; Maxwell AE (1970). Br J Psychiatry 116:651–655; Bhapkar VP (1966). JASA 61:228–235.".into(),
        ));
    }
    if !f.groupings.is_empty() && !f.data.as_ref().is_some_and(|d| d.alone) {
        rows.push((
            "Gap amplification".into(),
            "Amplification = model gap − baseline gap to the reference level = mean_g(d) − mean_r(d), d = model − baseline per item; Welch two-sample t interval and test with Welch–Satterthwaite df.".into(),
            "Welch BL (1947). Biometrika 34:28–35; Satterthwaite FE (1946). Biometrics Bull 2:110–114.".into(),
        ));
        rows.push((
            "BiasAmp→".into(),
            format!(
                "Directional bias amplification (attribute → task), baseline labels as reference; percentile bootstrap with {} replicates resampling {}, seed {}.",
                f.settings.bootstrap,
                match &f.settings.cluster {
                    Some(c) => format!("the clusters of {c} with replacement (a cluster bootstrap)"),
                    None => "items within levels".into(),
                },
                f.settings.seed
            ),
            "Wang A, Russakovsky O (2021). Directional bias amplification. ICML; Efron B, Tibshirani R (1993). An Introduction to the Bootstrap.".into(),
        ));
    }
    if f.pairing.is_some() {
        rows.push((
            "Counterfactual pairs".into(),
            format!("Per source over pairs valid on both sides: both-sides, neither (for verdicts: affirms both sides) and flip rates with {conf} Wilson intervals; asymmetry P(B) − P(A) with Tango's interval and McNemar's test; amplification of the asymmetry by a paired t over pairs; both-sides rate differences by McNemar and Tango on the pair-level indicators."),
            "McNemar (1947); Tango (1998); Cheng M et al. (2025). ELEPHANT: social sycophancy in LLMs (double-sided sycophancy); Kusner MJ et al. (2017). Counterfactual fairness. NeurIPS.".into(),
        ));
    }
    rows.extend(extra_methods(f, &conf));
    rows
}

/// Rows of repeated samples, conditions and the ranking, when the run has them.
fn extra_methods(f: &Findings, conf: &str) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    if let Some(r) = &f.settings.repeats {
        rows.push((
            "Repeated samples".into(),
            format!("The item is the unit of inference: each source's item value is the {} of its valid samples; rates are item means with {conf} t intervals, differences (and FNR/FPR differences) paired t over items, amplification Welch on item differences; items whose values are all 0/1 keep the exact 2×2 methods.", r.aggregate),
            "Student (1908); Welch (1947).".into(),
        ));
        rows.push((
            "Instability".into(),
            "Per source: share of items whose samples disagree; ICC(1) of the one-way random-effects ANOVA (unbalanced k₀); design effect 1 + (k* − 1)·max(ICC, 0), k* = Σk²/N; Fleiss–Cuzick κ among an item's samples (varying raters).".into(),
            "Shrout PE, Fleiss JL (1979). Psychol Bull 86:420–428; Kish L (1965). Survey Sampling; Fleiss JL (1971). Psychol Bull 76:378–382; Fleiss JL, Cuzick J (1979). Appl Psychol Meas 3:537–542.".into(),
        ));
    }
    if let Some(v) = &f.versus {
        rows.push((
            format!("Conditions versus {}", v.base),
            "Each model against the base model on the items both answered, with the methods above (base in the baseline's place); models sharing no item with the base: Newcombe's hybrid score interval and Fisher's exact test (Welch on item means with repeats). In the run's family.".into(),
            "Newcombe RG (1998). Stat Med 17:873–890; Fisher RA (1935). J R Stat Soc 98:39–82.".into(),
        ));
    }
    if let Some(r) = &f.ranking {
        rows.push((
            "Ranking".into(),
            format!("Models ordered by {} (lower is better); each tested against the best on the same items, Holm-adjusted over those tests; not significantly different from the best when the adjusted p ≥ α.", r.measure),
            "Holm S (1979). Scand J Stat 6:65–70.".into(),
        ));
    }
    rows
}
