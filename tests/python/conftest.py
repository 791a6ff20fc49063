"""Fixtures of the Python package's tests: the sample data, and the command line to compare with.

The command line is the Rust binary named by AMPLIFY_BIN (CI: the cargo build's
target/debug/amplify), else the `amplify` command the package installs.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"

# The README's options for the sample (truth, verdicts and the derived partner grouping).
SAMPLE_OPTIONS = [
    "--truth",
    "crowd_verdict",
    "--verdict",
    "verdict",
    "--derive",
    r"partner=female:\b(wife|girlfriend)\b",
    "--derive",
    r"partner=male:\b(husband|boyfriend)\b",
    "--reference",
    "partner=male",
]


def amplify_command():
    binary = os.environ.get("AMPLIFY_BIN") or shutil.which("amplify")
    if not binary:
        pytest.fail("no amplify command: set AMPLIFY_BIN or install the package")
    return binary


def run_cli(*args, check=True):
    """Runs the command line; returns the completed process."""
    done = subprocess.run([amplify_command(), *map(str, args)], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"amplify {' '.join(map(str, args))} failed: {done.stderr}")
    return done


def cli_findings(*args):
    """The findings document of `amplify compare ARGS --format json`."""
    return json.loads(run_cli("compare", *args, "--format", "json").stdout)


@pytest.fixture
def sample():
    return SAMPLE
