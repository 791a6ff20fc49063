//! The bad-input corpus: every case of a hostile user's session that must end in one clear error
//! (exit 2, one `error:` line naming the culprit, no panic) and leave every file in the working
//! folder exactly as it was: inputs unchanged (content hash), no output or temporary file left.
//! The fixtures are generated in a temporary folder by `Fixtures::new`.

use crate::common::{amplify, write, HUMAN_CSV, MODEL_CSV};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file under `dir` (recursively) with the SHA-256 of its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("list") {
            let path = entry.expect("entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("meta");
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                let hash = Sha256::digest(std::fs::read(&path).expect("read"));
                out.insert(path, format!("{hash:x}"));
            } else {
                out.insert(path, "special".into());
            }
        }
    }
    out
}

const COUNTS_HEADER: &str = "kind,model,metric,group_by,level,truth,both,model_only,baseline_only,neither,invalid_baseline,invalid_model,matched,baseline_only_ids,model_only_ids,score_n,score_sum_baseline,score_sum_model,score_sum_sq_diff,unassigned,ambiguous";

/// A valid counts table for model m, metric a: 10 matched items, 8 valid on the metric.
fn counts(score: &str) -> String {
    format!("{COUNTS_HEADER}\nmetric,m,a,,,,2,3,1,2,1,1,0,0,0,0,0,0,0,0,0\nmodel,m,,,,,0,0,0,0,0,0,10,0,0,{score},0,0\n")
}

/// A model file whose column `b` has polars' Null type (all missing), as Parquet.
fn null_typed_model(path: &Path) {
    use polars::prelude::*;
    let ids = Column::new("id".into(), (1i64..=6).collect::<Vec<_>>());
    let a = Column::new("a".into(), vec![1i64, 1, 1, 1, 0, 1]);
    let b = Column::new_empty("b".into(), &DataType::Null).extend_constant(AnyValue::Null, 6).expect("nulls");
    let mut df = DataFrame::new_infer_height(vec![ids, a, b]).expect("frame");
    ParquetWriter::new(std::fs::File::create(path).expect("create")).finish(&mut df).expect("write");
}

struct Fixtures {
    dir: tempfile::TempDir,
}

impl Fixtures {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        write(d, "human.csv", HUMAN_CSV);
        write(d, "model.csv", MODEL_CSV);
        write(d, "header_only.csv", "id,a,b\n");
        write(d, "null_ids.csv", "id,a,b\n1,1,0\n,0,1\n3,1,1\n");
        write(d, "dup_ids.csv", "id,a,b\n1,1,0\n1,0,1\n3,1,1\n");
        write(d, "other_ids.csv", "id,a,b\n91,1,0\n92,0,1\n");
        write(d, "junk_labels.csv", "id,a,b\n1,x,0\n2,y,1\n3,z,1\n4,w,1\n5,v,0\n6,u,0\n");
        write(d, "no_shared.csv", "id,x,y\n1,1,0\n2,0,1\n");
        write(d, "dup_header.csv", "id,a,a\n1,1,0\n2,0,1\n");
        write(d, "semicolons.csv", "id;a;b\n1;1;0\n2;0;1\n");
        write(d, "zero_bytes.csv", "");
        write(d, "notes.txt", "id,a\n1,1\n");
        write(d, "text.parquet", "this is not parquet at all");
        write(d, "long.csv", "id,source,a\n1,human,1\n1,gpt,0\n");
        write(d, "ambiguous.csv", "id,a,b,prompt\n1,1,0,wife husband\n2,0,1,husband and wife\n");
        write(d, "two_items.csv", "id,a,b\n1,1,0\n2,0,1\n");
        write(d, "shuffled.csv", "id,a,b\n6,1,0\n5,0,1\n4,1,1\n3,1,1\n2,0,1\n1,1,0\n");
        // Malformed past the rows read to infer the schema: the error must still name the file.
        let ragged =
            format!("id,a,b\n{}7,1,1,9\n", (1..=6).map(|i| format!("{i},1,0\n")).collect::<String>());
        write(d, "ragged.csv", &ragged);
        null_typed_model(&d.join("null_b.parquet"));
        amplify().args(["sample", "--items", "40", "--out"]).arg(d.join("s")).assert().success();
        std::fs::copy(d.join("s/human.parquet"), d.join("binary.csv")).expect("copy");
        let full = std::fs::read(d.join("s/model_a.parquet")).expect("read");
        std::fs::write(d.join("truncated.parquet"), &full[..full.len() / 2]).expect("write");
        std::fs::create_dir(d.join("empty_dir")).expect("mkdir");
        std::fs::create_dir(d.join("foreign")).expect("mkdir");
        write(&d.join("foreign"), "thesis.docx", "mine");
        std::os::unix::fs::symlink(d.join("model.csv"), d.join("link.csv")).expect("symlink");
        for (name, score) in [
            ("c_ok.csv", "8,4,6,4"),
            ("c_null_sq.csv", "8,4,6,"),
            ("c_text_sq.csv", "8,4,6,abc"),
            ("c_fraction.csv", "8,4,6,4.5"),
            ("c_sum_too_big.csv", "8,9,6,4"),
            ("c_sq_too_small.csv", "8,1,7,0"),
        ] {
            write(d, name, &counts(score));
        }
        write(d, "c_empty.csv", &format!("{COUNTS_HEADER}\n"));
        write(d, "c_negative.csv", &counts("8,4,6,4").replace("2,3,1,2", "2,-3,1,2"));
        write(d, "c_missing.csv", "kind,model,metric,both\nmetric,m,a,1\n");
        write(d, "c_unused.csv", &counts("8,4,6,4").replace("model,m,,,,,0,", "model,m,,,,,7,"));
        let ok = counts("8,4,6,4");
        let repeated = ok.lines().nth(1).expect("metric row").to_string();
        write(d, "c_repeat.csv", &format!("{ok}{repeated}\n"));
        write(d, "c_level.csv", &ok.replace("metric,m,a,,,,", "metric,m,a,,lvl,,"));
        let example = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/example/findings.json"),
        )
        .expect("example findings");
        write(d, "f_rate.json", &example.replacen("\"model_rate\": 0.28,", "\"model_rate\": 7.5,", 1));
        let mut value: serde_json::Value = serde_json::from_str(&example).expect("json");
        value["overall"][0]["p_value"] = serde_json::json!(-3.0);
        write(d, "f_p.json", &value.to_string());
        write(d, "f_schema.json", "{\"schema\": \"amplify.findings/9\"}");
        write(d, "f_text.json", "not json");
        Fixtures { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// One case: arguments (`{NAME}` is replaced by the fixture's path) and the needles its single
/// error line must contain.
fn case(fx: &Fixtures, args: &[&str], needles: &[&str]) {
    let args: Vec<String> = args
        .iter()
        .map(|a| match a.strip_prefix('@') {
            Some(name) => fx.path(name),
            None => a.to_string(),
        })
        .collect();
    let before = snapshot(fx.dir.path());
    let out = amplify().current_dir(fx.dir.path()).args(&args).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let context = format!("amplify {}\n{stderr}", args.join(" "));
    assert_eq!(out.status.code(), Some(2), "exit status: {context}");
    assert!(!stderr.contains("panicked"), "panic: {context}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line: {context}");
    for needle in needles {
        assert!(errors[0].contains(needle), "'{needle}' missing: {context}");
    }
    assert!(errors[0].chars().all(|c| !c.is_control()), "control characters: {context}");
    assert_eq!(snapshot(fx.dir.path()), before, "files changed or left behind: {context}");
}

#[test]
fn bad_label_files() {
    let fx = Fixtures::new();
    case(&fx, &["compare", "@human.csv", "@missing.csv"], &["missing.csv", "no such file"]);
    case(&fx, &["compare", "@human.csv", "@truncated.parquet"], &["truncated.parquet", "Parquet"]);
    case(&fx, &["compare", "@human.csv", "@text.parquet"], &["text.parquet", "PAR1"]);
    case(&fx, &["compare", "@binary.csv", "@model.csv"], &["binary.csv", "it is a Parquet file"]);
    case(&fx, &["compare", "@header_only.csv", "@model.csv"], &["header_only.csv", "no rows"]);
    case(&fx, &["compare", "@null_ids.csv", "@model.csv"], &["null_ids.csv", "every row needs an id"]);
    case(&fx, &["compare", "@dup_ids.csv", "@model.csv"], &["dup_ids.csv", "duplicate id"]);
    case(&fx, &["compare", "@human.csv", "@dup_ids.csv"], &["dup_ids.csv", "duplicate id"]);
    case(&fx, &["compare", "@human.csv", "@other_ids.csv"], &["other_ids", "matches the baseline"]);
    case(
        &fx,
        &["compare", "@human.csv", "@junk_labels.csv", "--metrics", "a"],
        &["'a'", "no valid 0/1 label"],
    );
    case(&fx, &["compare", "@human.csv", "@notes.txt"], &["notes.txt", "unsupported file type"]);
    case(&fx, &["compare", "@dup_header.csv", "@model.csv"], &["dup_header.csv", "more than once"]);
    case(&fx, &["compare", "@semicolons.csv", "@model.csv"], &["semicolons.csv", "comma-separated"]);
    case(&fx, &["compare", "@zero_bytes.csv", "@model.csv"], &["zero_bytes.csv", "empty"]);
    case(&fx, &["compare", "@human.csv", "@ragged.csv"], &["ragged.csv", "more fields"]);
    case(&fx, &["compare", "@human.csv", "@null_b.parquet"], &["'b'", "no valid 0/1 label in null_b"]);
    case(
        &fx,
        &["compare", "@human.csv", "@model.csv", "@no_shared.csv"],
        &["no_shared", "no metric in common"],
    );
    case(&fx, &["compare", "@long.csv", "--source-column", "who"], &["long.csv", "who", "--source-column"]);
    case(&fx, &["compare", "@long.csv", "--source-column", "source", "--baseline-name", "crowd"], &["crowd"]);
    case(&fx, &["compare", "@human.csv", "@human.csv"], &["NAME=PATH"]);
    case(&fx, &["compare", "@empty_dir", "@model.csv"], &["empty_dir", "no .parquet file"]);
    case(&fx, &["compare", "@human.csv", "nothing-*.parquet"], &["nothing-*.parquet", "no .parquet file"]);
    // A name that would set the window title: shown escaped on the one error line.
    case(&fx, &["compare", "@human.csv", "nope\u{1b}]0;pwned\u{7}.csv"], &["nope\\e]0;pwned\\x07.csv"]);
}

#[test]
fn bad_options() {
    let fx = Fixtures::new();
    let base = ["compare", "@human.csv", "@model.csv"];
    let with = |extra: &[&'static str]| base.iter().copied().chain(extra.iter().copied()).collect::<Vec<_>>();
    case(&fx, &with(&["--id", "key"]), &["key", "--id"]);
    case(&fx, &with(&["--metrics", "zz"]), &["'zz'"]);
    case(&fx, &with(&["--group", "nope"]), &["nope", "--group"]);
    case(&fx, &with(&["--derive", "p=x:(unclosed"]), &["(unclosed", "does not compile"]);
    case(&fx, &with(&["--derive", "nothing"]), &["--derive", "NAME=LEVEL:REGEX"]);
    case(
        &fx,
        &with(&["--text", "text", "--derive", "p=x:hello", "--reference", "p=zz"]),
        &["p=zz", "levels are"],
    );
    case(&fx, &with(&["--reference", "g=a"]), &["no grouping named 'g'"]);
    case(&fx, &with(&["--reference", "nolevel"]), &["--reference", "GROUPING=LEVEL"]);
    case(&fx, &with(&["--map", "broken"]), &["--map", "SOURCE.METRIC=COLUMN"]);
    case(&fx, &with(&["--map", "nobody.a=b"]), &["no source named 'nobody'"]);
    case(&fx, &with(&["--verdict-map", "YTA=2"]), &["--verdict-map", "TOKEN=1"]);
    case(&fx, &with(&["--truth", "text"]), &["truth column 'text' has no valid value"]);
    case(&fx, &with(&["--truth", "absent"]), &["absent", "--truth"]);
    case(&fx, &with(&["--confidence", "1"]), &["--confidence", "outside (0, 1)"]);
    case(&fx, &with(&["--confidence", "0.9999999999999999"]), &["--confidence", "0.9999"]);
    case(&fx, &with(&["--confidence", "abc"]), &["--confidence", "not a number"]);
    case(&fx, &with(&["--bootstrap", "4294967295"]), &["--bootstrap", "100000"]);
    case(&fx, &with(&["--max-levels", "1", "--group", "b"]), &["'b'", "--max-levels"]);
    case(&fx, &with(&["--pairing", "sideways"]), &["--pairing"]);
    case(
        &fx,
        &["compare", "@human.csv", "@model.csv", "--source-column", "s"],
        &["--source-column", "single input"],
    );
    case(
        &fx,
        &["compare", "@human.csv", "@shuffled.csv", "--pairing", "position"],
        &["--pairing position", "same order"],
    );
    case(
        &fx,
        &["compare", "@ambiguous.csv", "@two_items.csv", "--derive", "p=f:wife", "--derive", "p=m:husband"],
        &["'p'", "ambiguous"],
    );
    case(&fx, &["compare"], &["BASELINE", "--counts"]);
    case(&fx, &["sample", "--items", "5", "--out", "@smp"], &["--items", "5"]);
    case(&fx, &["inspect", "@human.csv", "--format", "csv"], &["--format", "csv"]);
    case(&fx, &["inspect", "@missing.csv"], &["missing.csv", "no such file"]);
    case(&fx, &["judge", "@human.csv", "-o", "@j.parquet"], &["nothing to judge"]);
    case(&fx, &["judge", "@human.csv", "--verdict-from", "text", "-o", "@j.csv"], &["judge writes Parquet"]);
}

#[test]
fn outputs_that_would_destroy_files() {
    let fx = Fixtures::new();
    let compare = ["compare", "@human.csv", "@model.csv"];
    let with =
        |extra: &[&'static str]| compare.iter().copied().chain(extra.iter().copied()).collect::<Vec<_>>();
    case(&fx, &with(&["--format", "csv", "-o", "@model.csv"]), &["model.csv", "never overwrites an input"]);
    let dotted = format!("{}/./model.csv", fx.dir.path().display());
    let dotted: &'static str = Box::leak(dotted.into_boxed_str());
    case(&fx, &with(&["-o", dotted]), &["never overwrites an input"]);
    case(&fx, &with(&["-o", "@link.csv"]), &["never overwrites an input"]);
    case(&fx, &with(&["-o", "@foreign"]), &["foreign", "is a directory"]);
    case(&fx, &with(&["-o", "@no/such/dir/out.json"]), &["does not exist"]);
    case(&fx, &with(&["--charts", "@foreign"]), &["--charts", "thesis.docx", "did not write"]);
    case(&fx, &with(&["-o", "@same", "--charts", "@same"]), &["-o", "--charts", "same path"]);
    case(&fx, &with(&["--charts", "."]), &["--charts", "current directory"]);
    case(&fx, &["count", "@human.csv", "@model.csv", "-o", "@model.csv"], &["never overwrites an input"]);
    case(&fx, &["count", "@human.csv", "@model.csv", "-o", "@c.txt"], &["c.txt", ".parquet or .csv"]);
    let judged = "@s/model_c_responses.parquet";
    case(&fx, &["judge", judged, "--verdict-from", "response", "-o", judged], &["never overwrites"]);
    let report = ["report", "@human.csv", "@model.csv", "--out"];
    let report_to = |dir: &'static str| report.iter().copied().chain([dir]).collect::<Vec<_>>();
    case(&fx, &report_to("@foreign"), &["--out", "thesis.docx", "did not write"]);
    case(&fx, &report_to("."), &["--out", "current directory"]);
    case(&fx, &report_to(".."), &["--out", "current directory"]);
    case(&fx, &report_to("@"), &["--out", "current directory"]);
    case(&fx, &report_to("@human.csv"), &["--out", "is a file"]);
    case(&fx, &["report", "@s/human.parquet", "@s/model_a.parquet", "--out", "@s"], &["contains the input"]);
}

#[test]
fn counts_and_findings_that_cannot_be_backed() {
    let fx = Fixtures::new();
    let counts = |name: &'static str| vec!["compare", "--counts", name];
    let ok = amplify().current_dir(fx.dir.path()).args(counts("c_ok.csv")).output().expect("run");
    assert!(ok.status.success(), "the valid counts table is read: {}", String::from_utf8_lossy(&ok.stderr));
    case(&fx, &counts("@c_null_sq.csv"), &["row 2, column score_sum_sq_diff is empty"]);
    case(&fx, &counts("@c_text_sq.csv"), &["score_sum_sq_diff", "whole numbers"]);
    case(&fx, &counts("@c_fraction.csv"), &["row 2, column score_sum_sq_diff is 4.5"]);
    case(&fx, &counts("@c_sum_too_big.csv"), &["score sums", "exceed"]);
    case(&fx, &counts("@c_sq_too_small.csv"), &["score_sum_sq_diff 0 is impossible"]);
    case(&fx, &counts("@c_empty.csv"), &["c_empty.csv", "no rows"]);
    case(&fx, &counts("@c_negative.csv"), &["row 1, column model_only is -3"]);
    case(&fx, &counts("@c_missing.csv"), &["missing columns", "model_only"]);
    case(&fx, &counts("@c_unused.csv"), &["column both is 7 but unused"]);
    case(&fx, &counts("@c_repeat.csv"), &["row 3 repeats the key of row 1"]);
    case(&fx, &counts("@c_level.csv"), &["level 'lvl' without a group_by"]);
    case(
        &fx,
        &["report", "--from", "@f_rate.json", "--out", "@r"],
        &["comparisons[0].model_rate = 7.5", "[0, 1]"],
    );
    case(&fx, &["report", "--from", "@f_p.json", "--out", "@r"], &["overall[0].p_value = -3"]);
    case(&fx, &["report", "--from", "@f_schema.json", "--out", "@r"], &["amplify.findings/9"]);
    case(&fx, &["report", "--from", "@f_text.json", "--out", "@r"], &["not JSON"]);
}

/// Report folders and caches whose files a careless write would destroy: a real report folder
/// `rep` and a charts folder `charts`, links out of a folder into `victim/`, a forged manifest,
/// a directory input `lake/`, and files that are not caches.
fn hostile_folders(fx: &Fixtures) {
    let d = fx.dir.path();
    let run = |args: &[&str]| amplify().current_dir(d).args(args).assert().success();
    run(&["report", "human.csv", "model.csv", "--out", "rep"]);
    run(&["report", "human.csv", "model.csv", "--out", "rep2"]);
    run(&["report", "human.csv", "model.csv", "--out", "rep3"]);
    run(&["compare", "human.csv", "model.csv", "--charts", "charts"]);
    std::fs::create_dir(d.join("victim")).expect("mkdir");
    write(&d.join("victim"), "rates.png", "precious");
    write(&d.join("victim"), "old.png", "precious");
    write(&d.join("victim"), "v.txt", "precious");
    // rep: its charts folder replaced by a link to victim/, and an old chart in the manifest.
    std::fs::remove_dir_all(d.join("rep/charts")).expect("rm");
    std::os::unix::fs::symlink("../victim", d.join("rep/charts")).expect("symlink");
    let manifest = std::fs::read_to_string(d.join("rep/.amplify-manifest")).expect("manifest");
    std::fs::write(d.join("rep/.amplify-manifest"), format!("{manifest}charts/old.png\n")).expect("write");
    // rep2: a manifest entry behind a linked folder.
    std::os::unix::fs::symlink("../victim", d.join("rep2/ext")).expect("symlink");
    let manifest = std::fs::read_to_string(d.join("rep2/.amplify-manifest")).expect("manifest");
    std::fs::write(d.join("rep2/.amplify-manifest"), format!("{manifest}ext/v.txt\n")).expect("write");
    // forged: a folder with a user's data file that a forged manifest claims.
    std::fs::create_dir(d.join("forged")).expect("mkdir");
    std::fs::copy(d.join("s/model_a.parquet"), d.join("forged/data.parquet")).expect("copy");
    write(&d.join("forged"), ".amplify-manifest", "# x\nindex.html\ndata.parquet\n");
    // lake: a directory input.
    std::fs::create_dir(d.join("lake")).expect("mkdir");
    std::fs::copy(d.join("s/model_a.parquet"), d.join("lake/part-0.parquet")).expect("copy");
    write(d, "note.txt", "remember the milk");
    std::fs::write(d.join("blob.bin"), [0u8, 159, 146, 150, 255, 1, 2]).expect("write");
}

#[test]
fn outputs_through_globs_links_and_other_folders() {
    let fx = Fixtures::new();
    hostile_folders(&fx);
    let human = "@s/human.parquet";
    case(
        &fx,
        &["compare", human, "s/model_a*.parquet", "-o", "@s/model_a.parquet"],
        &["never overwrites an input"],
    );
    case(
        &fx,
        &["count", human, "s/model_a*.parquet", "-o", "@s/model_a.parquet"],
        &["never overwrites an input"],
    );
    let judged = "@s/model_c_responses.parquet";
    case(
        &fx,
        &["judge", "s/model_c_resp*.parquet", "--verdict-from", "response", "-o", judged],
        &["never overwrites an input"],
    );
    case(&fx, &["report", human, "forged/data*.parquet", "--out", "@forged"], &["contains the input"]);
    case(&fx, &["report", "@human.csv", "@model.csv", "--out", "@rep"], &["rep/charts", "symbolic link"]);
    case(&fx, &["report", "@human.csv", "@model.csv", "--out", "@rep2"], &["rep2/ext", "symbolic link"]);
    case(&fx, &["compare", "@human.csv", "@model.csv", "--charts", "@rep3"], &["--charts", "holds a report"]);
    case(&fx, &["report", "@human.csv", "@model.csv", "--out", "@charts"], &["--out", "charts only"]);
    case(&fx, &["report", human, "@lake", "--out", "@lake/rep"], &["inside the input directory"]);
    case(&fx, &["compare", human, "@lake", "--charts", "@lake/c"], &["inside the input directory"]);
    for cache in ["@note.txt", "@blob.bin"] {
        case(
            &fx,
            &[
                "judge",
                judged,
                "--metrics",
                "emotional_validation",
                "--prompt-column",
                "prompt",
                "--response-column",
                "response",
                "--judge-model",
                "m",
                "--endpoint",
                "http://127.0.0.1:9/v1",
                "--cache",
                cache,
                "-o",
                "@j.parquet",
            ],
            &["not a cache amplify wrote"],
        );
    }
}

/// A Parquet file (written with arrow-rs `parquet`, no polars) whose label column `a` is a
/// decimal(5, 0): ids 1..=6, labels 1, 0, 1, 1, 0, 1.
fn decimal_labels(path: &Path) {
    use parquet::data_type::{Int32Type, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    let schema = "message schema { required int64 id; required int32 a (DECIMAL(5,0)); }";
    let schema = std::sync::Arc::new(parquet::schema::parser::parse_message_type(schema).expect("schema"));
    let file = std::fs::File::create(path).expect("create");
    let mut writer =
        SerializedFileWriter::new(file, schema, std::sync::Arc::new(WriterProperties::builder().build()))
            .expect("writer");
    let mut group = writer.next_row_group().expect("row group");
    let mut ids = group.next_column().expect("ok").expect("id");
    ids.typed::<Int64Type>().write_batch(&[1, 2, 3, 4, 5, 6], None, None).expect("ids");
    ids.close().expect("close");
    let mut labels = group.next_column().expect("ok").expect("a");
    labels.typed::<Int32Type>().write_batch(&[1, 0, 1, 1, 0, 1], None, None).expect("labels");
    labels.close().expect("close");
    group.close().expect("close");
    writer.close().expect("close");
}

#[test]
fn columns_polars_cannot_read_are_refused_not_a_crash() {
    let fx = Fixtures::new();
    decimal_labels(&fx.dir.path().join("decimal.parquet"));
    std::fs::create_dir(fx.dir.path().join("decimals")).expect("mkdir");
    decimal_labels(&fx.dir.path().join("decimals/part-0.parquet"));
    case(
        &fx,
        &["compare", "@human.csv", "@decimal.parquet"],
        &["decimal.parquet", "'a' is a decimal (precision 5"],
    );
    case(&fx, &["compare", "@human.csv", "@decimals"], &["part-0.parquet", "is a decimal"]);
    case(&fx, &["inspect", "@decimal.parquet"], &["decimal.parquet", "is a decimal"]);
}

#[test]
fn inputs_and_outputs_that_are_not_what_they_seem() {
    let fx = Fixtures::new();
    let d = fx.dir.path();
    let status = std::process::Command::new("mkfifo").arg(d.join("pipe.csv")).status().expect("mkfifo");
    assert!(status.success());
    case(&fx, &["compare", "@pipe.csv", "@model.csv"], &["pipe.csv", "not a regular file"]);
    case(
        &fx,
        &["compare", "@human.csv", "@model.csv", "-o", "@notes.txt/x.json"],
        &["notes.txt", "is a file, not a directory"],
    );
    case(&fx, &["compare", "--counts", "@c_ok.csv", "--counts", "@c_ok.csv"], &["same content", "twice"]);
    // Compressed files named .csv: polars (without `decompress`) panicked on them.
    let gz = std::process::Command::new("gzip").arg("-k").arg(d.join("human.csv")).status().expect("gzip");
    assert!(gz.success());
    std::fs::rename(d.join("human.csv.gz"), d.join("packed.csv")).expect("rename");
    std::fs::write(d.join("packed_zstd.csv"), [0x28, 0xb5, 0x2f, 0xfd, 0, 0]).expect("write");
    case(&fx, &["compare", "@packed.csv", "@model.csv"], &["packed.csv", "gzip-compressed", "decompress"]);
    case(&fx, &["compare", "--counts", "@packed_zstd.csv"], &["packed_zstd.csv", "zstd-compressed"]);
    case(&fx, &["inspect", "@packed.csv"], &["packed.csv", "gzip-compressed"]);
    // Every item's two samples tie: under --aggregate majority no item has a value.
    write(d, "tie_h.csv", "id,a\n1,1\n2,0\n3,1\n");
    write(d, "tie_m.csv", "id,seed,a\n1,1,1\n1,2,0\n2,1,0\n2,2,1\n3,1,1\n3,2,0\n");
    let tie = ["compare", "@tie_h.csv", "@tie_m.csv", "--sample", "seed", "--aggregate", "majority"];
    case(&fx, &tie, &["--aggregate majority", "tie", "--aggregate mean"]);
    // Versus rows whose base is no model, and versus metric rows without their model row.
    let ok = counts("8,4,6,4");
    let with_versus: String = ok
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l},{}\n", if i == 0 { "versus" } else { "" }))
        .collect();
    let ghost = format!("{with_versus}metric,m,a,,,,2,3,1,2,1,1,0,0,0,0,0,0,0,0,0,ghost\n");
    write(d, "c_ghost.csv", &ghost);
    case(&fx, &["compare", "--counts", "@c_ghost.csv"], &["base 'ghost'", "no 'model' row"]);
    let orphan = format!("{with_versus}model,b,,,,,0,0,0,0,0,0,10,0,0,0,0,0,0,0,0,\nmetric,b,a,,,,2,3,1,2,1,1,0,0,0,0,0,0,0,0,0,m\n");
    write(d, "c_orphan.csv", &orphan);
    case(&fx, &["compare", "--counts", "@c_orphan.csv"], &["versus 'm'", "no 'model' row against 'm'"]);
    // A pair rate of 4.2 (420%) in a findings file written by a real pair run, edited by hand.
    let flip = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/flip.parquet");
    let out = amplify()
        .arg("compare")
        .arg(&flip)
        .args(["--source-column", "source", "--pair", "pair_id", "--variant", "version"])
        .args(["--variants", "original,flipped", "--format", "json"])
        .output()
        .expect("run");
    let mut f: serde_json::Value = serde_json::from_slice(&out.stdout).expect("pair findings");
    f["pairs"][0]["both"]["rate"] = serde_json::json!(4.2);
    write(d, "f_pairs.json", &f.to_string());
    case(&fx, &["report", "--from", "@f_pairs.json", "--out", "@rp"], &["pairs[0].both.rate = 4.2"]);
}
