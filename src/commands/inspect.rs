//! `amplify inspect`: a file's schema, counts, label distributions and detected layout.

use crate::cli::InspectArgs;
use crate::cli::InspectFormat;
use crate::data::files::inspect::folder::{inspect_folder, FolderProfile};
use crate::data::files::inspect::{inspect, FileProfile};
use anyhow::Result;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;

/// Runs `inspect`.
pub(crate) fn run(args: &InspectArgs) -> Result<()> {
    let text = match inspect_folder(&args.file, &args.baseline_name)? {
        Some(folder) => match args.format {
            InspectFormat::Json => serde_json::to_string_pretty(&folder)? + "\n",
            InspectFormat::Table => render_folder(&folder),
        },
        None => {
            let profile = inspect(&args.file, &args.baseline_name)?;
            match args.format {
                InspectFormat::Json => serde_json::to_string_pretty(&profile)? + "\n",
                InspectFormat::Table => render(&profile),
            }
        }
    };
    Ok(crate::atomic::write_stdout(text.as_bytes())?)
}

/// Each log's profile, then the folder's layout and command.
fn render_folder(folder: &FolderProfile) -> String {
    let logs: Vec<String> = folder.logs.iter().map(render).collect();
    format!(
        "{}\nfolder: {}\ntry: {}\n",
        logs.join("\n"),
        crate::escape::lines(&folder.layout),
        crate::escape::line(&folder.suggestion)
    )
}

fn render(p: &FileProfile) -> String {
    let groups = p.row_groups.map(|g| format!(", {g} row group(s)")).unwrap_or_default();
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header([
        "column",
        "type",
        "nulls",
        "distinct",
        "role",
        "1 / 0 / invalid",
    ]);
    for c in &p.columns {
        let labels =
            c.labels.map(|l| format!("{} / {} / {}", l.ones, l.zeros, l.invalid)).unwrap_or_default();
        let role =
            serde_json::to_value(c.role).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        t.add_row([
            crate::escape::line(&c.name),
            c.dtype.clone(),
            c.nulls.to_string(),
            c.distinct.to_string(),
            role,
            labels,
        ]);
    }
    let path = crate::escape::line(&p.path);
    let verdicts: String = p
        .columns
        .iter()
        .filter_map(|c| {
            let counts = c.verdicts.as_ref()?;
            let shown: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            Some(format!("verdicts in {}: {}\n", crate::escape::line(&c.name), shown.join(", ")))
        })
        .collect();
    format!(
        "{path} ({}, {} rows{groups})\nsha256 {}\n{t}\n{verdicts}layout: {}\ntry: {}\n",
        p.format,
        p.rows,
        p.sha256,
        crate::escape::lines(&p.layout),
        crate::escape::line(&p.suggestion)
    )
}
