"""The numbers are the command line's: every design through Python and through the CLI's JSON,
equal field by field (the whole document, inputs included, when both read the same files)."""

import json

import polars as pl
import pytest

import amplify_bias as ab
from conftest import SAMPLE, SAMPLE_OPTIONS, cli_findings, run_cli

S = SAMPLE

DESIGNS = {
    "truth_groups": (
        [S / "human.parquet", S / "model_a.parquet", S / "model_b.parquet"],
        SAMPLE_OPTIONS,
    ),
    "audit": (
        [S / "human.parquet", S / "model_a.parquet", S / "model_b.parquet"],
        SAMPLE_OPTIONS + ["--audit", S / "audit.parquet"],
    ),
    "pairs": (
        [S / "flip.parquet"],
        [
            "--source-column",
            "source",
            "--pair",
            "pair_id",
            "--variant",
            "version",
            "--variants",
            "original,flipped",
            "--truth",
            "crowd_verdict",
            "--verdict",
            "verdict",
            "--group",
            "topic",
        ],
    ),
    "swap_pairs": (
        [S / "swap.parquet"],
        ["--source-column", "source", "--pair", "pair_id", "--variant", "version", "--variants", "male,female"],
    ),
    "repeats": (
        [S / "repeats_human.parquet", S / "repeats_steady.parquet", S / "repeats_erratic.parquet"],
        ["--annotator", "annotator", "--sample", "seed", "--truth", "crowd_verdict", "--verdict", "verdict"],
    ),
    "versus_ranking": (
        [S / f"conditions_{n}.parquet" for n in ("human", "base", "prompt", "finetune", "steer")],
        ["--versus", "conditions_base", "--rank-by", "fnr", "--truth", "crowd_verdict", "--verdict", "verdict"],
    ),
    "data_alone": (
        [S / "preference.parquet"],
        ["--pair", "prompt_id", "--variant", "response", "--variants", "rejected,chosen", "--group", "topic"],
    ),
}


def keywords(options):
    """CLI options as compare() keywords: repeated flags become lists."""
    out = {}
    it = iter(options)
    for flag in it:
        name = flag[2:].replace("-", "_")
        value = str(next(it))
        if name in out:
            out[name] = (out[name] if isinstance(out[name], list) else [out[name]]) + [value]
        else:
            out[name] = value
    return out


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_every_design_equals_the_cli(design):
    files, options = DESIGNS[design]
    expected = cli_findings(*files, *options)
    got = ab.compare(files[0], [str(f) for f in files[1:]] or None, **keywords(options))
    assert got.to_dict() == expected
    # And byte for byte as text (the engine serialises both).
    assert json.loads(got.to_json()) == expected


def test_frames_give_the_numbers_of_files():
    files = [S / "human.parquet", S / "model_a.parquet", S / "model_b.parquet"]
    expected = cli_findings(*files, *SAMPLE_OPTIONS)
    frames = [pl.read_parquet(f) for f in files]
    got = ab.compare(frames[0], {"model_a": frames[1], "model_b": frames[2]}, **keywords(SAMPLE_OPTIONS)).to_dict()
    for record in got["inputs"]:
        assert record["path"] == f"<DataFrame {record['name']}>"

    def rows(doc):
        return [(r["role"], r["name"], r["rows"]) for r in doc["inputs"]]

    assert rows(got) == rows(expected)

    def strip(doc):
        return {k: v for k, v in doc.items() if k != "inputs"}

    assert strip(got) == strip(expected)


def test_counts_shards_merge_like_the_cli(tmp_path):
    human = pl.read_parquet(S / "human.parquet")
    a = pl.read_parquet(S / "model_a.parquet")
    shards = []
    for i, part in enumerate((human["id"] % 2 == 0, human["id"] % 2 == 1)):
        path = tmp_path / f"shard{i}.parquet"
        ids = human.filter(part)["id"]
        out = ab.count(
            human.filter(part),
            {"model_a": a.filter(a["id"].is_in(ids.implode()))},
            output=path,
            truth="crowd_verdict",
            verdict="verdict",
        )
        assert out == path and path.exists()
        shards.append(path)
    merged = ab.compare_counts(shards, truth="crowd_verdict", verdict="verdict").to_dict()
    expected = cli_findings(
        *[a for p in shards for a in ("--counts", p)], "--truth", "crowd_verdict", "--verdict", "verdict"
    )
    assert merged == expected
    # Counting is exact: the merged shards give the comparisons of the whole files.
    whole = ab.compare(S / "human.parquet", [str(S / "model_a.parquet")], truth="crowd_verdict", verdict="verdict")
    assert [(r["metric"], r["n"], r["both"]) for r in merged["comparisons"]] == [
        (r["metric"], r["n"], r["both"]) for r in whole.to_dict()["comparisons"]
    ]


def test_power_equals_the_cli_and_reads_a_pilot(tmp_path):
    expected = json.loads(run_cli("power", "--discordant", "0.3", "--effect", "0.05", "--format", "json").stdout)
    assert ab.power(discordant=0.3, effect=0.05) == expected
    pilot = ab.compare(S / "human.parquet", [str(S / "model_a.parquet")])
    pilot.to_json(tmp_path / "pilot.json")
    expected = json.loads(
        run_cli("power", "--from", tmp_path / "pilot.json", "--effect", "0.05", "--format", "json").stdout
    )
    assert ab.power(pilot, effect=0.05) == expected
    assert ab.power(tmp_path / "pilot.json", effect=0.05) == expected


def test_sample_writes_the_cli_sample(tmp_path):
    files = ab.sample(tmp_path / "py", items=60, seed=7)
    run_cli("sample", "--out", tmp_path / "cli", "--items", 60, "--seed", 7)
    assert [f.name for f in files] == sorted(p.name for p in (tmp_path / "cli").glob("*.parquet"))
    for f in files:
        assert pl.read_parquet(f).equals(pl.read_parquet(tmp_path / "cli" / f.name)), f.name


def test_verdict_classes_equal_the_cli_and_read_as_frames():
    files = [S / "human.parquet", S / "model_a.parquet", S / "model_b.parquet"]
    expected = cli_findings(*files, *SAMPLE_OPTIONS, "--verdict-classes")
    got = ab.compare(files[0], [str(f) for f in files[1:]], verdict_classes=True, **keywords(SAMPLE_OPTIONS))
    assert got.to_dict() == expected
    # The long form of every table sums back to it, cell by cell.
    long = got.verdict_tables
    classes = expected["verdict_classes"]["classes"]
    for t in expected["verdict_classes"]["tables"]:
        for i, a in enumerate(classes):
            for j, b in enumerate(classes):
                cell = long.filter(
                    (pl.col("source") == t["source"])
                    & (pl.col("reference") == t["reference"])
                    & (pl.col("from") == a)
                    & (pl.col("to") == b)
                )
                assert cell["n"].to_list() == [t["counts"][i][j]]
    soft = got.verdict_movements.filter(
        (pl.col("source") == "model_a") & (pl.col("reference") == "truth") & (pl.col("movement") == "softening")
    )
    assert soft["rate_ci_low"][0] < soft["rate"][0] < soft["rate_ci_high"][0]
    assert got.verdict_rates.height == len(expected["verdict_classes"]["rates"])
    assert got.verdict_homogeneity["model"].to_list() == ["model_a", "model_b"]
    # A list of classes is the CLI's --verdict-classes=A,B,C; False leaves the section out.
    custom = ab.compare(files[0], [str(files[1])], verdict="verdict", verdict_classes=["YTA", "NTA", "ESH"])
    assert custom.to_dict() == cli_findings(files[0], files[1], "--verdict", "verdict", "--verdict-classes=YTA,NTA,ESH")
    assert (
        "verdict_classes"
        not in ab.compare(files[0], [str(files[1])], verdict="verdict", verdict_classes=False).to_dict()
    )


WORDS_OPTIONS = [
    "--derive",
    r"partner=female:\b(wife|girlfriend)\b",
    "--derive",
    r"partner=male:\b(husband|boyfriend)\b",
    "--mask",
    r"\b(wife|girlfriend|husband|boyfriend)\b",
]


def test_words_from_frames_equal_the_command_line(tmp_path):
    """amplify_bias.words on DataFrames gives the CLI's document (inputs aside); the report folder
    and the frames carry the same numbers."""
    human = pl.read_parquet(S / "texts_human.parquet")
    model = pl.read_parquet(S / "texts_model_a.parquet")
    words = ab.words(
        human,
        {"model_a": model},
        derive={"partner": {"female": r"\b(wife|girlfriend)\b", "male": r"\b(husband|boyfriend)\b"}},
        mask=r"\b(wife|girlfriend|husband|boyfriend)\b",
    )
    cli = json.loads(
        run_cli(
            "words",
            S / "texts_human.parquet",
            f"model_a={S / 'texts_model_a.parquet'}",
            *WORDS_OPTIONS,
            "--format",
            "json",
        ).stdout
    )
    document = words.document
    assert [i["path"] for i in document["inputs"]] == ["<DataFrame human>", "<DataFrame model_a>"]
    for key in ("settings", "corpus", "vocabulary", "marked", "amplified", "summary"):
        assert document[key] == cli[key], key
    amplified = words.amplified
    assert {"word", "z", "baseline_delta", "model_delta", "model_count"} <= set(amplified.columns)
    top = amplified.filter(pl.col("z") > 0).sort("z", descending=True)["word"].to_list()[:2]
    assert set(top) == {"understandable", "controlling"}
    assert "understandable" in words.headline
    index = words.report(tmp_path / "words")
    assert (
        index.exists() and json.loads((tmp_path / "words" / "words.json").read_text())["amplified"] == cli["amplified"]
    )
    assert "understandable" in words.table()
    with pytest.raises(TypeError, match="unexpected keyword"):
        ab.words(human, {"model_a": model}, group="x", report="dir")
    with pytest.raises(ab.AmplifyError, match="--group COL"):
        ab.words(human, {"model_a": model})


def test_leakage_from_frames_equals_the_command_line(tmp_path):
    """amplify_bias.leakage on DataFrames gives the CLI's document (inputs aside), seeded."""
    human = pl.read_parquet(S / "texts_human.parquet")
    model = pl.read_parquet(S / "texts_model_a.parquet")
    leak = ab.leakage(
        human,
        {"model_a": model},
        derive={"partner": {"female": r"\b(wife|girlfriend)\b", "male": r"\b(husband|boyfriend)\b"}},
        mask=r"\b(wife|girlfriend|husband|boyfriend)\b",
        bootstrap=10,
        permutations=4,
    )
    cli = json.loads(
        run_cli(
            "leakage",
            S / "texts_human.parquet",
            f"model_a={S / 'texts_model_a.parquet'}",
            *WORDS_OPTIONS,
            "--bootstrap",
            "10",
            "--permutations",
            "4",
            "--format",
            "json",
        ).stdout
    )
    for key in ("settings", "items", "levels", "features", "sources", "amplification", "top_words"):
        assert leak.document[key] == cli[key], key
    amplification = leak.amplification
    assert {"model", "measure", "difference", "ci_low", "ci_high", "p_value"} <= set(amplification.columns)
    assert (amplification["difference"] > 0).all()
    assert "model_a's text leaks partner more" in leak.headline
    assert leak.report(tmp_path / "leak").exists()
