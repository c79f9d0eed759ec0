"""The wheel carries the default model and works installed like any dependency (issue 20).

The built wheel is installed into a fresh virtual environment outside the checkout, and
``genuine predict``, ``genuine score`` and ``genuine serve`` run from another directory with no
model path: they must find the model inside the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from setuptools import find_packages

from classifier.model_dir import CARD_NAME, MANIFEST_NAME, default_model_dir, model_identity

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
MODEL_PACKAGE_DIR = "classifier/default_model"


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set(
        find_packages(where=str(ROOT), include=["classifier*", "training*", "genuine_cli*"])
    )
    missing = found - listed
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert (
        config["tool"]["setuptools"]["package-dir"]["classifier.default_model"] == "models/default"
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the sdist, then the wheel from it (so both must carry the model)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("genuine-*.whl")
    return built


def test_wheel_has_every_file_the_manifest_lists(wheel: Path) -> None:
    manifest = json.loads((default_model_dir() / MANIFEST_NAME).read_text(encoding="utf-8"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        packed_manifest = archive.read(f"{MODEL_PACKAGE_DIR}/{MANIFEST_NAME}")
    expected = {*manifest["files"], MANIFEST_NAME, CARD_NAME}
    missing = sorted(f for f in expected if f"{MODEL_PACKAGE_DIR}/{f}" not in names)
    assert not missing, f"the wheel lacks model files {missing}"
    assert json.loads(packed_manifest) == manifest
    assert "classifier/resources/lexicon.json" in names
    page = ("LABELING.md", "label_page/index.html", "label_page/page.js", "label_page/page.css")
    assert {f"classifier/resources/{name}" for name in page} <= names  # genuine label's page
    assert {"genuine_cli/main.py", "genuine_cli/__main__.py"} <= names  # the command line
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as archive:
        assert "genuine = genuine_cli.main:main" in archive.read(entry_points).decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_installed_wheel_predicts_scores_and_serves_from_elsewhere(wheel: Path, tmp_path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip_install = [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip_install, f"{wheel}[serve]"], check=True, capture_output=True)
    genuine = str(venv / "bin" / "genuine")
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    shutil.copy(EXAMPLES / "comments.csv", workdir)
    shutil.copy(EXAMPLES / "posts.csv", workdir)
    env = {k: v for k, v in os.environ.items() if k not in ("GENUINE_MODEL", "PYTHONPATH")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [genuine, *args], cwd=workdir, env=env, capture_output=True, text=True, check=False
        )

    version = run("--version")
    assert version.returncode == 0, version.stderr
    assert model_identity(default_model_dir()).label in version.stdout
    assert str(venv) in version.stdout  # the model inside the installed package, not the checkout

    predicted = run("predict", "comments.csv", "-o", "predictions.csv", "-q")
    assert predicted.returncode == 0, predicted.stderr
    rows = (workdir / "predictions.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) > 2000 and "substantive" in "".join(rows) and "generic" in "".join(rows)

    scored = run("score", "comments.csv", "--posts", "posts.csv", "-o", "out", "-q")
    assert scored.returncode == 0, scored.stderr
    assert (workdir / "out" / "report.html").is_file()

    port = _free_port()
    server = subprocess.Popen(
        [genuine, "serve", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/predict",
            data=json.dumps(
                {"comments": [{"text": "màu son này lên môi có bị khô không?"}]}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    answer = json.loads(response.read())
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "genuine serve did not answer within 60 s"
                time.sleep(0.5)
        assert answer["results"][0]["label"] in ("substantive", "generic")
    finally:
        server.terminate()
        server.wait(timeout=20)
