//! Snapshots of the exporters on the committed example findings (`reports/example`): any change
//! to a rendered table shows up as a reviewable diff (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test` and read the `.snap` diff).

use super::{format_p, plain_tables as tables, render, Format};
use crate::analysis::Findings;
use crate::test_support::example_findings as example;

#[test]
fn terminal_table() {
    insta::assert_snapshot!(render(&example(), Format::Table).expect("table"));
}

#[test]
fn comparisons_csv() {
    insta::assert_snapshot!(render(&example(), Format::Csv).expect("csv"));
}

#[test]
fn report_tables_as_csv() {
    let f = example();
    let all = [tables::comparisons(&f), tables::groups(&f), tables::truth(&f)];
    insta::assert_snapshot!(all.iter().map(|t| format!("## {}\n{}", t.name, t.to_csv())).collect::<String>());
}

#[test]
fn json_round_trips_the_findings() {
    let f = example();
    let text = render(&f, Format::Json).expect("json");
    let back: Findings = serde_json::from_str(&text).expect("parse");
    assert_eq!(serde_json::to_string(&back).ok(), serde_json::to_string(&f).ok());
    assert_eq!(
        text,
        include_str!("../../reports/example/findings.json"),
        "byte-identical to the committed file"
    );
}

#[test]
fn p_values_are_printed_for_people() {
    assert_eq!(format_p(None), "–");
    assert_eq!(format_p(Some(0.0)), "< 1e-300");
    assert_eq!(format_p(Some(2.5e-5)), "2.5e-5");
    assert_eq!(format_p(Some(0.0123)), "0.012");
}
