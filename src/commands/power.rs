//! `amplify power`: items needed, or the effect detectable, before a study.

use crate::analysis::{power_report, PowerQuestion};
use crate::cli::{InspectFormat, PowerArgs};
use crate::error::AmplifyError;
use anyhow::Result;

/// Runs `power`.
pub(crate) fn run(args: &PowerArgs) -> Result<()> {
    Ok(crate::atomic::write_stdout(text(args)?.as_bytes())?)
}

/// The answer as the chosen format prints it.
pub(crate) fn text(args: &PowerArgs) -> Result<String> {
    let pilot = args.from.as_deref().map(crate::report::load_findings).transpose()?;
    let question = question(args, pilot.is_some())?;
    if let Some(effect) = question.effect.filter(|e| *e > question.discordant && pilot.is_none()) {
        note!(
            "amplify: --effect {effect} exceeds --discordant {}: a paired difference is at most the share of discordant pairs, so the paired designs have no sample size (–)",
            question.discordant
        );
    }
    let report = power_report(question, pilot.as_ref());
    Ok(match args.format {
        InspectFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        InspectFormat::Table => crate::output::terminal::power(&report),
    })
}

/// Checks the numbers before any work: shares in (0, 1), α in (0, 0.5], something to answer.
fn question(args: &PowerArgs, pilot: bool) -> Result<PowerQuestion, AmplifyError> {
    let usage = |m: String| AmplifyError::Usage(m);
    let share = |name: &str, v: f64| {
        if v > 0.0 && v < 1.0 {
            Ok(v)
        } else {
            Err(usage(format!("{name} {v} is outside (0, 1)")))
        }
    };
    let discordant = match (args.discordant, pilot) {
        (Some(d), _) => share("--discordant", d)?,
        (None, true) => 0.5, // replaced per pilot comparison
        (None, false) => {
            return Err(usage("give --discordant SHARE (or --from a pilot's findings.json)".into()))
        }
    };
    if args.effect.is_none() && args.items.is_none() && !pilot {
        return Err(usage(
            "give --effect DIFF (items needed) or --items N (detectable effect), or both".into(),
        ));
    }
    if let Some(e) = args.effect {
        if !(e > 0.0 && e < 1.0) {
            return Err(usage(format!("--effect {e} is outside (0, 1); e.g. 0.05 for 5 percentage points")));
        }
    }
    if !(args.alpha > 0.0 && args.alpha <= 0.5) {
        return Err(usage(format!("--alpha {} is outside (0, 0.5]", args.alpha)));
    }
    Ok(PowerQuestion {
        discordant,
        effect: args.effect,
        items: args.items,
        level_share: share("--level-share", args.level_share)?,
        positives: share("--positives", args.positives)?,
        alpha: args.alpha,
    })
}
