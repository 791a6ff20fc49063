//! `amplify agree`: a judge's labels against gold labels from people.

use crate::analysis::{agreement_report, InputRecord};
use crate::cli::{AgreeArgs, InspectFormat};
use crate::data::files::audit::{read_agreement, AuditColumns};
use anyhow::Result;

/// Runs `agree`.
pub(crate) fn run(args: &AgreeArgs) -> Result<()> {
    if let Some(output) = &args.output {
        crate::atomic::check_target(output, &[args.judged.clone(), args.audit.clone()])?;
    }
    let columns = AuditColumns {
        id: args.id.clone(),
        auditor: args.auditor.clone(),
        source: args.text_source.clone(),
        metrics: args.metrics.clone(),
    };
    let (rows, files) = read_agreement(&args.judged, &args.audit, &columns)?;
    let inputs = files
        .iter()
        .zip(["judged", "audit"])
        .map(|(f, role)| InputRecord {
            role: role.into(),
            name: String::new(),
            path: f.path.display().to_string(),
            rows: f.rows,
            sha256: f.sha256.clone(),
        })
        .collect();
    let report = agreement_report(&rows, args.confidence.get(), inputs);
    let text = match args.format {
        InspectFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        InspectFormat::Table => crate::output::terminal::agreement(&report.agreement, &report.differential),
    };
    match &args.output {
        Some(path) => crate::atomic::write_bytes(path, text.as_bytes())?,
        None => crate::atomic::write_stdout(text.as_bytes())?,
    }
    Ok(())
}
