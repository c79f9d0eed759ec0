"""A model is named by name, version and manifest hash wherever its output goes (issue 20/19)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from classifier.model_dir import (
    MANIFEST_NAME,
    Manifest,
    default_model_dir,
    model_identity,
    open_model_dir,
    write_manifest,
)
from genuine_cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"


def test_shipped_models_carry_a_name_and_version() -> None:
    for name in ("default", "teacher"):
        manifest = open_model_dir(ROOT / "models" / name, verify=False).manifest
        assert manifest.name == f"genuine-{name}"
        assert manifest.version and manifest.version[0].isdigit()


def test_identity_hashes_the_manifest(tmp_path) -> None:
    model = tmp_path / "m"
    shutil.copytree(default_model_dir(), model)
    raw = (model / MANIFEST_NAME).read_bytes()
    identity = model_identity(model)
    assert identity.sha256 == hashlib.sha256(raw).hexdigest()
    assert identity.label == f"genuine-default {identity.version} (sha256:{identity.sha256[:12]})"
    # Any change to the manifest (and so to any weight hash in it) changes the identity.
    data = json.loads(raw)
    data["threshold"] = 0.6
    (model / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")
    assert model_identity(model).sha256 != identity.sha256


def test_old_manifest_without_name_falls_back_to_directory(tmp_path) -> None:
    model = tmp_path / "my-model"
    shutil.copytree(default_model_dir(), model)
    data = json.loads((model / MANIFEST_NAME).read_text(encoding="utf-8"))
    del data["name"], data["version"]
    (model / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")
    identity = model_identity(model)
    assert (identity.name, identity.version) == ("my-model", "unversioned")
    assert open_model_dir(model).manifest.name == ""  # still loads


def test_write_manifest_names_an_unnamed_model_after_its_directory(tmp_path) -> None:
    manifest = Manifest(
        backend="ngram", labels=("generic", "substantive"), languages=("en",), files={}
    )
    write_manifest(tmp_path, manifest)
    written = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert written["name"] == tmp_path.name
    assert len(written["version"].split(".")) == 3  # YYYY.MM.DD
    named = Manifest(
        backend="ngram",
        labels=("generic", "substantive"),
        languages=("en",),
        files={},
        name="shop-comments",
        version="3",
    )
    write_manifest(tmp_path, named)
    assert model_identity(tmp_path).label.startswith("shop-comments 3 (sha256:")


def test_version_flag_names_the_default_model(capsys, monkeypatch) -> None:
    monkeypatch.delenv("GENUINE_MODEL", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    identity = model_identity(default_model_dir())
    assert out.startswith("genuine ")
    assert f"model {identity.label}, shipped default" in out


def test_version_flag_follows_the_model_variable(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("GENUINE_MODEL", str(tmp_path / "absent"))
    with pytest.raises(SystemExit):
        main(["--version"])
    assert "model none usable" in capsys.readouterr().out


def test_service_model_endpoint_gives_name_version_and_hash() -> None:
    from fastapi.testclient import TestClient

    from classifier.service import create_app

    with TestClient(create_app()) as client:
        body = client.get("/v1/model").json()
    identity = model_identity(default_model_dir())
    assert (body["name"], body["version"], body["sha256"]) == (
        identity.name,
        identity.version,
        identity.sha256,
    )


def test_report_names_the_model_not_its_local_path(tmp_path) -> None:
    out = tmp_path / "out"
    args = ["score", str(EXAMPLES / "comments.csv"), "--posts", str(EXAMPLES / "posts.csv")]
    assert main([*args, "-o", str(out), "-q"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    flags = json.loads((out / "flags.json").read_text(encoding="utf-8"))
    label = model_identity(default_model_dir()).label
    assert label in html and flags["labels_from"] == f"model {label}"
    assert str(default_model_dir()) not in html
    assert str(default_model_dir()) not in json.dumps(flags)
