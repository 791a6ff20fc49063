"""The Python API: inputs of every kind, the Findings object, errors, the command, interrupts."""

import ast
import glob
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

import amplify_bias as ab
from conftest import ROOT, cli_findings, run_cli
from conftest import SAMPLE as S

HUMAN = pl.read_parquet(S / "human.parquet")
MODEL = pl.read_parquet(S / "model_a.parquet")


def comparisons(findings):
    return findings.to_dict()["comparisons"]


def leftover_staging():
    return glob.glob(os.path.join(tempfile.gettempdir(), "amplify-frames-*"))


# -- inputs -------------------------------------------------------------------------------------
def test_pandas_arrow_lazy_and_polars_frames_agree():
    expected = comparisons(ab.compare(HUMAN, {"m": MODEL}))
    assert comparisons(ab.compare(HUMAN.to_pandas(), {"m": MODEL.to_pandas()})) == expected
    assert (
        comparisons(ab.compare(pq.read_table(S / "human.parquet"), {"m": pq.read_table(S / "model_a.parquet")}))
        == expected
    )
    assert comparisons(ab.compare(HUMAN.lazy(), {"m": MODEL.lazy()})) == expected
    assert comparisons(ab.compare(S / "human.parquet", {"m": S / "model_a.parquet"})) == expected


def test_a_pandas_index_named_id_is_the_id():
    expected = comparisons(ab.compare(HUMAN, {"m": MODEL}))
    human = HUMAN.to_pandas().set_index("id")
    assert comparisons(ab.compare(human, {"m": MODEL.to_pandas().set_index("id")})) == expected


def test_models_as_a_list_of_paths_take_the_file_names():
    f = ab.compare(str(S / "human.parquet"), [str(S / "model_a.parquet"), f"b={S / 'model_b.parquet'}"])
    assert set(f.comparisons["model"]) == {"model_a", "b"}


def test_the_staging_folder_is_removed_after_success_and_failure():
    before = set(leftover_staging())
    ab.compare(HUMAN, {"m": MODEL})
    with pytest.raises(ab.AmplifyError):
        ab.compare(HUMAN.drop("id"), {"m": MODEL})
    assert set(leftover_staging()) == before


def test_inputs_are_never_modified(tmp_path):
    path = tmp_path / "h.parquet"
    HUMAN.write_parquet(path)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    ab.compare(path, {"m": MODEL}).report(tmp_path / "out")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# -- bad inputs ---------------------------------------------------------------------------------
def test_a_frame_without_the_id_column_names_the_frame():
    with pytest.raises(ab.AmplifyError) as error:
        ab.compare(HUMAN.drop("id"), {"gpt": MODEL})
    message = str(error.value)
    assert "<DataFrame human>" in message and "no id column 'id'" in message and "--id" in message
    assert "amplify-frames" not in message


def test_a_model_dict_with_a_non_frame_value_is_a_type_error():
    with pytest.raises(TypeError, match=r"model 'gpt'.*not builtins.int"):
        ab.compare(HUMAN, {"gpt": 5})
    with pytest.raises(TypeError, match="names are non-empty strings"):
        ab.compare(HUMAN, {1: MODEL})
    with pytest.raises(ValueError, match=r"model name 'a=b'.*'=', '/' or '\\'"):
        ab.compare(HUMAN, {"a=b": MODEL})
    with pytest.raises(TypeError, match="give DataFrames in a dict"):
        ab.compare(HUMAN, [MODEL])
    with pytest.raises(TypeError, match="baseline 'human'"):
        ab.compare(3.5, {"m": MODEL})


def test_duplicate_ids_are_refused():
    twice = pl.concat([MODEL, MODEL.head(3)])
    with pytest.raises(ab.AmplifyError, match=r"<DataFrame gpt>: column 'id' has 3 duplicate ids"):
        ab.compare(HUMAN, {"gpt": twice})


def test_categorical_and_object_columns():
    human, model = HUMAN.to_pandas(), MODEL.to_pandas()
    categorical = {
        "h": human.astype({"id": "category", "emotional_validation": "category"}),
        "m": model.astype({"id": "category"}),
    }
    plain = ab.compare(human, {"m": model}).comparisons
    assert ab.compare(categorical["h"], {"m": categorical["m"]}).comparisons.equals(plain)
    mixed = human.astype({"indirect_language": object})
    mixed.loc[0, "indirect_language"] = "yes"
    with pytest.raises(TypeError, match=r"baseline 'human': column 'indirect_language' mixes values of types .*str"):
        ab.compare(mixed, {"m": model})


def test_a_value_that_looks_like_a_flag_stays_a_value():
    with pytest.raises(ab.AmplifyError, match=r"invalid value '-1' for '--seed"):
        ab.compare(HUMAN, {"m": MODEL}, seed=-1)


def test_options_of_the_wrong_type_or_name():
    with pytest.raises(TypeError, match="intersect is a switch"):
        ab.compare(HUMAN, {"m": MODEL}, intersect="yes")
    with pytest.raises(TypeError, match="takes a value, not True"):
        ab.compare(HUMAN, {"m": MODEL}, truth=True)
    with pytest.raises(TypeError, match="takes a string or number, not set"):
        ab.compare(HUMAN, {"m": MODEL}, group={"topic"})
    with pytest.raises(TypeError, match="takes one value, not a list"):
        ab.compare(HUMAN, {"m": MODEL}, truth=["a", "b"])
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) 'colour', 'output'"):
        ab.compare(HUMAN, {"m": MODEL}, colour="red", output="x.json")
    with pytest.raises(ab.AmplifyError, match="'high' is not a number"):
        ab.compare(HUMAN, {"m": MODEL}, confidence="high")


def test_a_missing_file_is_an_amplify_error_with_the_cli_message():
    with pytest.raises(ab.AmplifyError) as error:
        ab.compare("/nonexistent/h.parquet", ["/nonexistent/m.parquet"])
    cli = run_cli("compare", "/nonexistent/h.parquet", "/nonexistent/m.parquet", check=False)
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"error: {error.value}"


def test_derive_as_a_dict_of_levels_equals_the_list_form():
    levels = {"partner": {"female": r"\b(wife|girlfriend)\b", "male": r"\b(husband|boyfriend)\b"}}
    as_dict = ab.compare(HUMAN, {"m": MODEL}, derive=levels, reference="partner=male")
    as_list = ab.compare(
        HUMAN, {"m": MODEL}, derive=[f"partner={k}:{v}" for k, v in levels["partner"].items()], reference="partner=male"
    )
    assert as_dict.to_dict() == as_list.to_dict()
    assert set(as_dict.groups["level"]) == {"female", "male"}


# -- findings -----------------------------------------------------------------------------------
def test_sections_are_frames_with_flattened_intervals():
    f = ab.compare(HUMAN, {"m": MODEL}, truth="crowd_verdict", verdict="verdict")
    c = f.comparisons
    assert isinstance(c, pl.DataFrame) and c.height == len(f.to_dict()["comparisons"])
    row = f.to_dict()["comparisons"][0]
    assert c["difference_ci_low"][0] == row["difference_ci"][0]
    assert c["difference_ci_high"][0] == row["difference_ci"][1]
    assert f.truth.height > 0 and f.truth_tests.height > 0
    assert f.pairs.is_empty() and f.versus.is_empty() and f.ranking.is_empty()


def test_versus_ranking_and_data_sections():
    files = [str(S / f"conditions_{n}.parquet") for n in ("human", "base", "prompt", "finetune", "steer")]
    f = ab.compare(
        files[0], files[1:], versus="conditions_base", rank_by="fnr", truth="crowd_verdict", verdict="verdict"
    )
    assert set(f.versus["base"]) == {"conditions_base"} and f.versus.height > 0
    assert set(f.ranking["measure"]) == {"fnr"} and f.ranking.height == 4
    alone = ab.compare(
        S / "preference.parquet", pair="prompt_id", variant="response", variants="rejected,chosen", group="topic"
    )
    assert alone.data_rates.height > 0 and alone.data_gaps.height > 0 and alone.comparisons.is_empty()
    assert "chosen" in alone.headline


def test_to_dict_is_a_copy():
    f = ab.compare(HUMAN, {"m": MODEL})
    d = f.to_dict()
    d["comparisons"].clear()
    assert f.comparisons.height > 0


def test_report_writes_the_cli_folder_and_refuses_a_file(tmp_path):
    f = ab.compare(HUMAN, {"m": MODEL}, truth="crowd_verdict", verdict="verdict")
    index = f.report(tmp_path / "rep")
    assert index == tmp_path / "rep" / "index.html" and index.exists()
    assert (tmp_path / "rep" / "findings.json").read_text() == f.to_json()
    assert ab.read_findings(tmp_path / "rep" / "findings.json").to_dict() == f.to_dict()
    f.report(tmp_path / "rep")  # an amplify folder is replaced
    (tmp_path / "file").write_text("mine")
    with pytest.raises(ab.AmplifyError, match="it is a file"):
        f.report(tmp_path / "file")
    assert (tmp_path / "file").read_text() == "mine"


def test_charts_are_written(tmp_path):
    ab.compare(HUMAN, {"m": MODEL}).charts(tmp_path / "charts")
    names = {p.suffix for p in (tmp_path / "charts").iterdir()}
    assert {".png", ".svg"} <= names


def test_read_findings_refuses_other_json(tmp_path):
    (tmp_path / "x.json").write_text('{"a": 1}')
    with pytest.raises(ab.AmplifyError, match="not a findings document"):
        ab.read_findings(tmp_path / "x.json")
    example = ab.read_findings(ROOT / "reports" / "example" / "findings.json")
    assert example.comparisons.height > 0


def test_html_repr_escapes_names_from_data():
    name = "<b>\"bold\"&'x'<i>"
    f = ab.compare(HUMAN, {name: MODEL})
    assert set(f.comparisons["model"]) == {name}
    html = f._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;&quot;bold&quot;&amp;&#x27;x&#x27;&lt;i&gt;" in html
    assert f.headline.split(";")[0] in html or "comparisons" in html
    assert html.count("<tr>") == f.comparisons.height + 1


def test_notes_are_kept_on_the_findings(capsys):
    f = ab.compare(HUMAN, {"m": MODEL})
    assert any(n.startswith("comparing 4 metric(s)") for n in f.notes)
    assert "amplify: comparing 4 metric(s)" in capsys.readouterr().err


# -- the command, the stubs, interrupts -----------------------------------------------------------
def test_the_installed_command_is_the_cli(tmp_path):
    args = ["compare", str(S / "human.parquet"), str(S / "model_a.parquet"), "--format", "json"]
    module = subprocess.run([sys.executable, "-m", "amplify_bias", *args], capture_output=True, text=True)
    assert module.returncode == 0, module.stderr
    assert module.stdout == run_cli(*args).stdout
    bad = subprocess.run([sys.executable, "-m", "amplify_bias", "compare", "--nope"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--nope" in bad.stderr


def test_the_wheel_puts_amplify_on_path_beside_python():
    script = Path(sys.executable).parent / "amplify"
    if not script.exists():
        pytest.skip("the package is not installed in this interpreter's environment (no amplify script)")
    args = ["compare", str(S / "human.parquet"), str(S / "model_b.parquet"), "--format", "csv"]
    done = subprocess.run([str(script), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == run_cli(*args).stdout
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and ab.__version__ in version.stdout


def test_the_stubs_list_every_option():
    tree = ast.parse((Path(ab.__file__).parent / "__init__.pyi").read_text())
    stub = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            stub[node.name] = {a.arg for a in node.args.kwonlyargs}
    assert stub["compare"] == set(ab.options("compare"))
    assert stub["power"] == set(ab.options("power"))
    assert stub["words"] == set(ab.options("words"))
    assert stub["leakage"] == set(ab.options("leakage"))
    assert stub["compare_counts"] <= set(ab.options("compare"))
    # Every section property of Findings is in the stub's class.
    (findings_class,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Findings"]
    stubbed = {n.name for n in findings_class.body if isinstance(n, ast.FunctionDef)}
    sections = {name for name in dir(ab.Findings) if isinstance(getattr(ab.Findings, name), property)}
    assert sections <= stubbed, sorted(sections - stubbed)


def test_a_keyboard_interrupt_stops_a_run_and_writes_nothing(tmp_path):
    # 3M rows per source with string ids in shuffled order: several seconds in a debug build.
    n = 3_000_000
    ids = pl.Series("id", [f"post-{i}" for i in range(n)]).shuffle(seed=1)
    for name in ("h", "m"):
        pl.DataFrame({"id": ids, "x": pl.Series((pl.int_range(n, eager=True) * 7919) % 2)}).write_parquet(
            tmp_path / f"{name}.parquet"
        )
    out = tmp_path / "counts.parquet"
    script = (
        "import amplify_bias as ab, sys\n"
        "print('started', flush=True)\n"
        f"ab.count({str(tmp_path / 'h.parquet')!r}, [{str(tmp_path / 'm.parquet')!r}], output={str(out)!r})\n"
        "print('finished', flush=True)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "started"
    time.sleep(1.0)
    assert child.poll() is None, "the run ended before the interrupt: make the data larger"
    interrupted = time.monotonic()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert time.monotonic() - interrupted < 2.0, "the interrupt was not seen at once"
    assert "KeyboardInterrupt" in err and child.returncode != 0
    assert not out.exists() and not list(tmp_path.glob(".amplify-*"))


def test_a_frame_input_is_recorded_by_name_rows_and_a_stable_hash():
    first = ab.compare(HUMAN, {"m": MODEL}).inputs
    again = ab.compare(HUMAN.clone(), {"m": MODEL.clone()}).inputs
    assert first["path"].to_list() == ["<DataFrame human>", "<DataFrame m>"]
    assert first["rows"].to_list() == [HUMAN.height, MODEL.height]
    assert first["sha256"].to_list() == again["sha256"].to_list()
    edited = MODEL.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(1 - pl.col("emotional_validation"))
        .otherwise(pl.col("emotional_validation"))
        .alias("emotional_validation")
    )
    changed = ab.compare(HUMAN, {"m": edited}).inputs["sha256"].to_list()
    assert changed[0] == first["sha256"][0] and changed[1] != first["sha256"][1]


def test_the_readme_example_runs(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(blocks) == 1, "the README has one Python example"
    assert len(blocks[0].strip().splitlines()) == 6, "the README's Python example has six lines"
    monkeypatch.chdir(ROOT)
    exec(compile(blocks[0], "README.md", "exec"), {})
    assert "comparisons differ significantly from human" in capsys.readouterr().out


def test_clustered_and_missing_sections_equal_the_cli(tmp_path):
    # 60 items in 12 authors; the model has no label on every 4th item of the last 6 authors.
    human = pl.DataFrame(
        {"id": list(range(60)), "a": [(i * 7) % 3 == 0 for i in range(60)], "author": [f"u{i // 5}" for i in range(60)]}
    ).with_columns(pl.col("a").cast(pl.Int64))
    model = pl.DataFrame(
        {"id": list(range(60)), "a": [None if i >= 30 and i % 4 == 0 else int((i * 5) % 4 < 2) for i in range(60)]}
    )
    h, m = tmp_path / "human.parquet", tmp_path / "model.parquet"
    human.write_parquet(h)
    model.write_parquet(m)
    got = ab.compare(h, [m], cluster="author")
    expected = cli_findings(h, m, "--cluster", "author")
    assert got.to_dict()["clustering"] == expected["clustering"]
    assert got.clustering["design_effect"].to_list() == [r["design_effect"] for r in expected["clustering"]["rows"]]
    rows = expected["missing"]["rows"]
    assert got.missing.height == len(rows) > 0
    assert got.missing["difference_bounds_low"][0] == rows[0]["difference_bounds"][0]
    assert got.missing_invalidity.height == sum(len(t["levels"]) for t in expected["missing"]["invalidity"])


def test_pair_bounds_and_clustered_pair_tests_equal_the_cli(tmp_path):
    # 40 pairs in 10 authors (both items of a pair carry it); the model has no label on side B of
    # every 5th pair.
    rows = [(f"{s}{i}", f"p{i}", s, f"u{i // 4}") for i in range(40) for s in ("A", "B")]
    human = pl.DataFrame(
        {
            "id": [r[0] for r in rows],
            "pair": [r[1] for r in rows],
            "side": [r[2] for r in rows],
            "author": [r[3] for r in rows],
            "x": [(k * 7) % 3 == 0 for k in range(80)],
        }
    ).with_columns(pl.col("x").cast(pl.Int64))
    model = pl.DataFrame(
        {"id": [r[0] for r in rows], "x": [None if r[2] == "B" and k % 10 == 1 else (k * 5) % 4 // 2 for k, r in enumerate(rows)]}
    )
    h, m = tmp_path / "human.parquet", tmp_path / "model.parquet"
    human.write_parquet(h)
    model.write_parquet(m)
    pairs = ["--pair", "pair", "--variant", "side", "--variants", "A,B", "--cluster", "author"]
    got = ab.compare(h, [m], pair="pair", variant="side", variants=["A", "B"], cluster="author")
    expected = cli_findings(h, m, *pairs)
    assert got.to_dict()["pair_tests"] == expected["pair_tests"]
    assert expected["pair_tests"][0]["method"].startswith("clustered by author")
    bounded = expected["missing"]["pairs"]
    assert got.missing_pairs.height == len(bounded) > 0
    assert got.missing_pairs["bounds_low"].to_list() == [r["bounds"][0] for r in bounded]
