//! Plans (the high level): the command line resolved once into typed, validated values that the
//! commands run, so no code below `commands/` reads clap structs or parses option syntax.

use crate::analysis::{InputRecord, ReferenceLevel, RepeatSettings, Settings};
use crate::cli::{
    AggregateArg, CorrectionArg, EngineArg, HomogeneityArg, InputArgs, PairingArg, PartialArg, StatsArgs,
    TestArg,
};
use crate::data::input::{groupings, GroupingSpec};
use crate::data::input::{Aggregate, PairOptions, Partial, RepeatOptions};
use crate::data::{DataOptions, Engine, InputSpec, Layout, Strategy};
use crate::error::{AmplifyError, Result};
use crate::stats::binomial::McNemarVariant;
use crate::stats::marginal_homogeneity::HomogeneityTest;
use crate::stats::multiplicity::Correction;
use crate::stats::Confidence;

/// What to read and how: the inputs, the reading options, and how to count.
#[derive(Debug, Clone)]
pub(crate) struct InputPlan {
    /// Baseline first, then the models.
    pub inputs: Vec<InputSpec>,
    /// How to read them.
    pub options: DataOptions,
    /// How rows are paired for counting.
    pub strategy: Strategy,
    /// Which polars engine runs the full-data queries.
    pub engine: Engine,
    /// The base model (`--versus`).
    pub versus: Option<String>,
    /// The cluster column (`--cluster`), counted as a grouping of its own.
    pub cluster: Option<String>,
    /// `--versus-only`.
    pub versus_only: bool,
    /// `--rank-by`.
    pub rank_by: Option<String>,
}

impl TryFrom<&InputArgs> for InputPlan {
    type Error = AmplifyError;

    fn try_from(args: &InputArgs) -> Result<Self> {
        if args.inputs.is_empty() {
            return Err(AmplifyError::Usage("give a BASELINE file and MODEL files, or --counts FILE".into()));
        }
        if args.source_column.is_some() && args.inputs.len() > 1 {
            return Err(AmplifyError::Usage(
                "--source-column reads one long file; give a single input".into(),
            ));
        }
        let options = DataOptions {
            id: args.id.clone(),
            source_column: args.source_column.clone(),
            baseline_name: args.baseline_name.clone(),
            metrics: args.metrics.clone(),
            invert: args.invert.clone(),
            maps: args.maps.clone(),
            truth: args.truth.clone(),
            verdicts: args.verdict.clone(),
            verdict_map: args.verdict_map.clone().unwrap_or_default(),
            against_truth: args.against_truth.clone(),
            groupings: with_cluster(groupings(&args.group, &args.derive, args.intersect), args)?,
            text: args.text.clone(),
            max_levels: args.max_levels,
            pairs: pair_options(args)?,
            repeats: repeat_options(args)?,
            verdict_classes: verdict_classes(args)?,
            partial: match args.partial {
                PartialArg::Invalid => Partial::Invalid,
                PartialArg::Zero => Partial::Zero,
                PartialArg::One => Partial::One,
            },
        };
        if options.verdict_classes.is_some() {
            check_classes_apply(&options)?;
        }
        let strategy = match args.pairing {
            PairingArg::Auto => Strategy::Auto,
            PairingArg::Position => Strategy::Position,
            PairingArg::Join => Strategy::Join,
            PairingArg::GroupBy => Strategy::GroupBy,
        };
        let engine = match args.engine {
            EngineArg::Streaming => Engine::Streaming,
            EngineArg::InMemory => Engine::InMemory,
        };
        let inputs = args.inputs.iter().map(|a| InputSpec::parse(a)).collect();
        Ok(Self {
            inputs,
            options,
            strategy,
            engine,
            versus: args.versus.clone(),
            cluster: args.cluster.clone(),
            versus_only: args.versus_only,
            rank_by: args.rank_by.clone(),
        })
    }
}

/// The groupings with the cluster column last (`--cluster`): its levels are the clusters, so
/// every counting strategy (and the SQL) gives each cluster's tables. Refused with a grouping of
/// the same column.
fn with_cluster(mut specs: Vec<GroupingSpec>, args: &InputArgs) -> Result<Vec<GroupingSpec>> {
    let Some(column) = &args.cluster else { return Ok(specs) };
    let refuse = |why: &str| Err(AmplifyError::Usage(format!("--cluster {column}: {why}")));
    if args.group.contains(column) {
        return refuse("the column is also a --group; a column is either a grouping or the clusters");
    }
    // Each grouping crossed with the clusters: the per-cluster tables of every level, for the
    // clustered gap amplification.
    let crossed: Vec<GroupingSpec> = specs
        .iter()
        .filter(|s| !matches!(s, GroupingSpec::Intersect(_)))
        .map(|s| GroupingSpec::Intersect(vec![s.clone(), GroupingSpec::Column(column.clone())]))
        .collect();
    specs.push(GroupingSpec::Column(column.clone()));
    specs.extend(crossed);
    Ok(specs)
}

/// The default verdict classes of `--verdict-classes`.
pub(crate) const DEFAULT_CLASSES: [&str; 5] = ["YTA", "NTA", "ESH", "NAH", "INFO"];

/// `--verdict-classes[=LIST]`: the classes, upper-case, checked (letters, digits and `_`;
/// distinct; at least two); without a list the defaults, or the `--verdict-map` tokens and INFO.
pub(crate) fn verdict_classes(args: &InputArgs) -> Result<Option<Vec<String>>> {
    let Some(list) = args.verdict_classes.as_deref() else { return Ok(None) };
    let given = list.iter().any(|c| !c.trim().is_empty());
    let classes: Vec<String> = match (given, &args.verdict_map) {
        (false, None) => DEFAULT_CLASSES.map(String::from).to_vec(),
        (false, Some(map)) => {
            map.ones.iter().chain(&map.zeros).cloned().chain(["INFO".to_string()]).collect()
        }
        (true, _) => list.iter().map(|c| c.trim().to_uppercase()).collect(),
    };
    let mut seen = Vec::new();
    for class in classes {
        if class.is_empty() || !class.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(AmplifyError::Usage(format!(
                "--verdict-classes: class '{}' must be letters, digits or _ (e.g. --verdict-classes=YTA,NTA,ESH,NAH,INFO)",
                crate::escape::line(&class)
            )));
        }
        if !seen.contains(&class) {
            seen.push(class);
        }
    }
    if seen.len() < 2 {
        return Err(AmplifyError::Usage("--verdict-classes needs at least two classes".into()));
    }
    Ok(Some(seen))
}

/// `--verdict-classes` compares the classes of `--verdict` metrics, one label per item and source.
fn check_classes_apply(options: &DataOptions) -> Result<()> {
    if options.verdicts.is_empty() {
        return Err(AmplifyError::Usage(
            "--verdict-classes compares the classes of verdict metrics; name them with --verdict METRIC"
                .into(),
        ));
    }
    if options.repeats.is_some() {
        return Err(AmplifyError::Usage(
            "--verdict-classes needs one verdict per item and source; with --sample, --annotator or --repeated an item has several (aggregate them first, or drop --verdict-classes)".into(),
        ));
    }
    Ok(())
}

/// `--pair`, `--variant`, `--variants`, checked: two distinct, non-empty variants.
fn pair_options(args: &InputArgs) -> Result<Option<PairOptions>> {
    let (Some(pair), Some(variant)) = (&args.pair, &args.variant) else { return Ok(None) };
    let variants = match args.variants.as_deref() {
        None => None,
        Some([a, b]) if !a.is_empty() && !b.is_empty() && a != b => Some([a.clone(), b.clone()]),
        Some(other) => {
            return Err(AmplifyError::Usage(format!(
                "--variants takes two different levels, A,B (A = the reference side); got '{}'",
                other.join(",")
            )))
        }
    };
    if pair == variant {
        return Err(AmplifyError::Usage(format!(
            "--pair and --variant both name '{pair}'; give two columns"
        )));
    }
    Ok(Some(PairOptions { pair: pair.clone(), variant: variant.clone(), variants }))
}

/// `--sample`, `--annotator`, `--repeated`, `--aggregate`, checked.
fn repeat_options(args: &InputArgs) -> Result<Option<RepeatOptions>> {
    if args.sample.is_none() && args.annotator.is_none() && !args.repeated {
        if args.aggregate != AggregateArg::Mean {
            return Err(AmplifyError::Usage(
                "--aggregate needs repeated samples: add --sample COL, --annotator COL or --repeated".into(),
            ));
        }
        return Ok(None);
    }
    if args.pair.is_some() {
        return Err(AmplifyError::Usage(
            "--pair cannot be combined with --sample, --annotator or --repeated yet; aggregate the samples per item first".into(),
        ));
    }
    for (flag, column) in [("--sample", &args.sample), ("--annotator", &args.annotator)] {
        if column.as_deref().is_some_and(|c| Some(c) == args.id.as_deref()) {
            return Err(AmplifyError::Usage(format!("{flag} names the id column; give the sample column")));
        }
    }
    let aggregate = match args.aggregate {
        AggregateArg::Mean => Aggregate::Mean,
        AggregateArg::Majority => Aggregate::Majority,
        AggregateArg::First => Aggregate::First,
    };
    Ok(Some(RepeatOptions {
        sample: args.sample.clone(),
        annotator: args.annotator.clone(),
        repeated: args.repeated,
        aggregate,
    }))
}

/// How estimates and tests are computed.
#[derive(Debug, Clone)]
pub(crate) struct StatsPlan {
    /// Confidence level of every interval.
    pub confidence: Confidence,
    /// Multiplicity correction over the run's p-values.
    pub correction: Correction,
    /// McNemar variant.
    pub test: McNemarVariant,
    /// Seed of every random step.
    pub seed: u64,
    /// Requested reference levels.
    pub reference: Vec<ReferenceLevel>,
    /// Levels with fewer items are not tested.
    pub min_group: u64,
    /// Bootstrap replicates of BiasAmp→.
    pub bootstrap: u32,
    /// The marginal-homogeneity test of the verdict classes.
    pub homogeneity: HomogeneityTest,
}

impl From<&StatsArgs> for StatsPlan {
    fn from(args: &StatsArgs) -> Self {
        Self {
            confidence: args.confidence,
            correction: match args.correction {
                CorrectionArg::Holm => Correction::Holm,
                CorrectionArg::Bh => Correction::Bh,
                CorrectionArg::None => Correction::None,
            },
            test: match args.test {
                TestArg::Exact => McNemarVariant::Exact,
                TestArg::MidP => McNemarVariant::MidP,
            },
            seed: args.seed,
            reference: args.reference.clone(),
            min_group: args.min_group,
            bootstrap: args.bootstrap,
            homogeneity: match args.homogeneity_test {
                HomogeneityArg::StuartMaxwell => HomogeneityTest::StuartMaxwell,
                HomogeneityArg::Bhapkar => HomogeneityTest::Bhapkar,
            },
        }
    }
}

/// What a run read, as its findings record it.
#[derive(Debug, Clone)]
pub(crate) struct RunInputs {
    /// The input files (or counts files).
    pub records: Vec<InputRecord>,
    /// Name of the baseline source.
    pub baseline: String,
    /// Compared metrics, in order.
    pub metrics: Vec<String>,
    /// Metrics whose polarity was flipped.
    pub inverted: Vec<String>,
    /// The layout read.
    pub layout: Layout,
    /// Id column (`None` when reading counts).
    pub id_column: Option<String>,
    /// Ground-truth column, if any.
    pub truth: Option<String>,
    /// Metrics read as verdicts (`--verdict`).
    pub verdicts: Vec<String>,
    /// The verdict classes compared (`--verdict-classes`).
    pub verdict_classes: Option<Vec<String>>,
    /// The pair and variant columns (`--pair`, `--variant`).
    pub pair_columns: Option<[String; 2]>,
    /// How repeated samples or annotators were read.
    pub repeats: Option<RepeatSettings>,
    /// The base model (`--versus`).
    pub versus: Option<String>,
    /// The cluster column (`--cluster`).
    pub cluster: Option<String>,
    /// `--versus-only`.
    pub versus_only: bool,
    /// `--rank-by`.
    pub rank_by: Option<String>,
    /// `--partial 0|1` (`None`: partial scores are invalid).
    pub partial: Option<u8>,
}

impl StatsPlan {
    /// The settings a run's findings record.
    pub(crate) fn settings(&self, run: &RunInputs) -> Settings {
        Settings {
            confidence: self.confidence,
            correction: self.correction,
            test: self.test,
            seed: self.seed,
            baseline: run.baseline.clone(),
            metrics: run.metrics.clone(),
            inverted: run.inverted.clone(),
            layout: run.layout,
            id_column: run.id_column.clone(),
            truth: run.truth.clone(),
            min_group: self.min_group,
            bootstrap: self.bootstrap,
            reference: self.reference.clone(),
            score_inverted: Vec::new(),
            verdicts: run.verdicts.clone(),
            verdict_classes: run.verdict_classes.clone(),
            homogeneity_test: self.homogeneity,
            pair_columns: run.pair_columns.clone(),
            repeats: run.repeats.clone(),
            versus: run.versus.clone(),
            versus_only: run.versus_only,
            rank_by: run.rank_by.clone(),
            partial: run.partial,
            cluster: run.cluster.clone(),
        }
    }
}

/// What a repeated run's findings record of its options.
pub(crate) fn repeat_settings(options: &RepeatOptions) -> RepeatSettings {
    let aggregate = match options.aggregate {
        Aggregate::Mean => "mean",
        Aggregate::Majority => "majority",
        Aggregate::First => "first",
    };
    RepeatSettings {
        sample: options.sample.clone(),
        annotator: options.annotator.clone(),
        repeated: options.repeated,
        aggregate: aggregate.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn compare(args: &[&str]) -> Result<crate::cli::CompareArgs, clap::Error> {
        let cli = Cli::try_parse_from(["amplify", "compare"].iter().chain(args))?;
        match cli.command {
            Command::Compare(c) => Ok(c),
            _ => unreachable!("parsed compare"),
        }
    }

    #[test]
    fn options_are_typed_when_parsed() {
        let args = compare(&[
            "h.csv",
            "m.csv",
            "--map",
            "gpt.verdict=gpt_response",
            "--derive",
            "p=f:wife",
            "--verdict-map",
            "YTA=1,NTA=0",
            "--reference",
            "p=f",
            "--pairing",
            "join",
            "--confidence",
            "0.9",
        ])
        .expect("valid");
        let plan = InputPlan::try_from(&args.input).expect("plan");
        assert_eq!(plan.options.maps[0].column, "gpt_response");
        assert_eq!(plan.options.groupings[0].name(), "p");
        assert_eq!(plan.options.verdict_map.ones, vec!["YTA".to_string()]);
        assert_eq!(plan.strategy, Strategy::Join);
        let stats = StatsPlan::from(&args.stats);
        assert_eq!((stats.confidence.get(), stats.reference[0].level.as_str()), (0.9, "f"));
    }

    #[test]
    fn bad_option_syntax_is_refused_by_the_parser() {
        for bad in [
            &["--map", "no-dot=col"][..],
            &["--derive", "p=f:(unclosed"],
            &["--verdict-map", "YTA=2"],
            &["--reference", "nolevel"],
            &["--confidence", "1"],
            &["--confidence", "0.99999"],
            &["--bootstrap", "100001"],
            &["--pairing", "sideways"],
        ] {
            let args: Vec<&str> = ["h.csv", "m.csv"].into_iter().chain(bad.iter().copied()).collect();
            assert!(compare(&args).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn inconsistent_inputs_are_usage_errors() {
        let none = compare(&[]).expect("parses");
        assert!(matches!(InputPlan::try_from(&none.input), Err(AmplifyError::Usage(_))));
        let long = compare(&["a.csv", "b.csv", "--source-column", "model"]).expect("parses");
        assert!(
            matches!(InputPlan::try_from(&long.input), Err(AmplifyError::Usage(m)) if m.contains("single input"))
        );
    }
}
