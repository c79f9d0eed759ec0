"""The model directory: a manifest, weights in safe formats and a model card.

Layout (every backend)::

    manifest.json   format version, name, version, backend, labels, languages, file hashes,
                    data hash, metrics
    MODEL_CARD.md   written by the training run
    <backend files> listed in manifest["files"] with their SHA-256

Loading checks the format version, that every listed file exists and that its hash matches.
Any failure raises :class:`ModelLoadError` with what went wrong and how to fix it.

The shipped default model travels inside the installed package as ``classifier.default_model``
(pyproject maps that package to ``models/default``), so a wheel install finds it with no path.
A model is named in logs and reports by :class:`ModelIdentity`: its name, version and the
SHA-256 of its manifest (which lists the SHA-256 of every weight file), never by a local path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from classifier.io.atomic import atomic_write_text

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
CARD_NAME = "MODEL_CARD.md"
LABELS = ("generic", "substantive")
POSITIVE_LABEL = "substantive"
# The finer reasons behind each label (data/LABELING.md); a category head predicts one of them.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "substantive": ("question", "experience", "opinion", "detail", "discussion"),
    "generic": (
        "generic_praise",
        "emoji_only",
        "tag_friend",
        "low_effort_request",
        "self_promo",
        "contact_bait",
        "follow_bait",
        "off_topic",
        "gibberish",
    ),
}
KNOWN_BACKENDS = ("ngram", "transformer", "embedding")
DEFAULT_MODEL_PACKAGE = "classifier.default_model"
# A source checkout used without installing (PYTHONPATH=.) has the model here.
_CHECKOUT_DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "default"
MODEL_ENV_VAR = "GENUINE_MODEL"
UNVERSIONED = "unversioned"


class ModelLoadError(RuntimeError):
    """A model directory is missing, incomplete, tampered with or of an unknown format."""


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Manifest:
    """What ``manifest.json`` holds. ``files`` maps relative paths to SHA-256 hex digests."""

    backend: str
    labels: tuple[str, ...]
    languages: tuple[str, ...]
    files: dict[str, str]
    format_version: int = FORMAT_VERSION
    name: str = ""
    version: str = ""
    threshold: float = 0.5
    thresholds_by_lang: dict[str, float] = field(default_factory=dict)
    training_data: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    library_versions: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "format_version": self.format_version,
            "name": self.name,
            "version": self.version,
            "backend": self.backend,
            "labels": list(self.labels),
            "languages": list(self.languages),
            "threshold": self.threshold,
            "thresholds_by_lang": self.thresholds_by_lang,
            "files": dict(sorted(self.files.items())),
            "training_data": self.training_data,
            "metrics": self.metrics,
            "library_versions": self.library_versions,
            "extra": self.extra,
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> Manifest:
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise ModelLoadError(
                f"{where}: manifest format_version is {version!r}, this genuine reads version "
                f"{FORMAT_VERSION}; retrain the model with this version (genuine train) or install "
                f"the genuine version that wrote it"
            )
        missing = [key for key in ("backend", "labels", "languages", "files") if key not in data]
        if missing:
            raise ModelLoadError(
                f"{where}: manifest lacks {missing}; the directory is not a complete genuine model"
            )
        if data["backend"] not in KNOWN_BACKENDS:
            raise ModelLoadError(
                f"{where}: unknown backend {data['backend']!r}; known backends are {list(KNOWN_BACKENDS)}"
            )
        labels = tuple(data["labels"])
        if set(labels) != set(LABELS):
            raise ModelLoadError(f"{where}: labels are {list(labels)}, expected {list(LABELS)}")
        return cls(
            backend=data["backend"],
            labels=labels,
            languages=tuple(data["languages"]),
            files=dict(data["files"]),
            format_version=version,
            name=str(data.get("name") or ""),
            version=str(data.get("version") or ""),
            threshold=float(data.get("threshold", 0.5)),
            thresholds_by_lang={k: float(v) for k, v in data.get("thresholds_by_lang", {}).items()},
            training_data=dict(data.get("training_data", {})),
            metrics=dict(data.get("metrics", {})),
            library_versions=dict(data.get("library_versions", {})),
            extra=dict(data.get("extra", {})),
        )


@dataclass(frozen=True)
class ModelIdentity:
    """How a model is named where its output goes: logs, reports, ``--version``, ``/v1/model``."""

    name: str
    version: str
    sha256: str  # of manifest.json, which holds the SHA-256 of every weight file

    @property
    def label(self) -> str:
        return f"{self.name} {self.version} (sha256:{self.sha256[:12]})"


def model_identity(root: str | os.PathLike[str]) -> ModelIdentity:
    """Name, version and manifest hash of the model in ``root`` (reads only the manifest).

    Manifests written before models carried a name fall back to the directory name and
    ``unversioned``.
    """
    manifest_path = Path(root) / MANIFEST_NAME
    raw = manifest_path.read_bytes()
    data = json.loads(raw)
    name = str(data.get("name") or "") or Path(root).resolve().name
    version = str(data.get("version") or "") or UNVERSIONED
    return ModelIdentity(name, version, hashlib.sha256(raw).hexdigest())


@dataclass(frozen=True)
class ModelDir:
    """A verified model directory: its path and manifest."""

    path: Path
    manifest: Manifest

    @property
    def identity(self) -> ModelIdentity:
        return model_identity(self.path)

    def file(self, name: str) -> Path:
        if name not in self.manifest.files:
            raise ModelLoadError(
                f"{self.path}: manifest lists no file '{name}'; the model is incomplete"
            )
        return self.path / name

    @property
    def card(self) -> str:
        card = self.path / CARD_NAME
        return card.read_text(encoding="utf-8") if card.is_file() else ""


def default_model_dir() -> Path:
    """The shipped default model: package data of the installed ``genuine``, else the checkout's."""
    # A data-only (namespace) package: its directory is in the spec's search locations.
    # Editable installs do not map it, so they use the checkout's copy, the same files.
    try:
        spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    except ModuleNotFoundError:
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / MANIFEST_NAME).is_file():
            return Path(location)
    return _CHECKOUT_DEFAULT_MODEL


def resolve_model_path(path: str | os.PathLike[str] | None) -> Path:
    """``path``, else $GENUINE_MODEL, else the shipped default model."""
    if path is None:
        path = os.environ.get(MODEL_ENV_VAR) or default_model_dir()
    return Path(path).expanduser()


def open_model_dir(path: str | os.PathLike[str] | None = None, *, verify: bool = True) -> ModelDir:
    """Read and check a model directory; raise :class:`ModelLoadError` on any problem."""
    root = resolve_model_path(path)
    manifest_path = root / MANIFEST_NAME
    if not root.is_dir():
        raise ModelLoadError(
            f"model directory '{root}' does not exist; pass the path of a directory written by "
            f"'genuine train', or leave it out to use the shipped default model"
        )
    if not manifest_path.is_file():
        raise ModelLoadError(
            f"'{root}' has no {MANIFEST_NAME}; it is not a genuine model directory (train one with 'genuine train')"
        )
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelLoadError(
            f"{manifest_path}: not valid JSON ({exc}); the manifest is damaged"
        ) from None
    if not isinstance(data, dict):
        raise ModelLoadError(f"{manifest_path}: expected a JSON object")
    manifest = Manifest.from_dict(data, str(manifest_path))
    if verify:
        for name, expected in manifest.files.items():
            file_path = root / name
            if not file_path.is_file():
                raise ModelLoadError(
                    f"{root}: file '{name}' listed in the manifest is missing; copy the whole model directory"
                )
            actual = sha256_file(file_path)
            if actual != expected:
                raise ModelLoadError(
                    f"{root}: file '{name}' does not match its SHA-256 in the manifest "
                    f"(expected {expected[:12]}…, found {actual[:12]}…); the file was changed or "
                    f"damaged after training: restore it or retrain the model"
                )
    return ModelDir(root, manifest)


def write_manifest(root: str | os.PathLike[str], manifest: Manifest) -> None:
    """Write ``manifest.json`` atomically (the last file a training run writes).

    A manifest without a name is named after its directory; one without a version gets the
    day it was written (``YYYY.MM.DD``), so every model a pipeline logs can be told apart.
    """
    if not manifest.name or not manifest.version:
        manifest = replace(
            manifest,
            name=manifest.name or Path(root).resolve().name,
            version=manifest.version or dt.datetime.now(dt.UTC).strftime("%Y.%m.%d"),
        )
    atomic_write_text(Path(root) / MANIFEST_NAME, manifest.to_json())


def hash_files(root: str | os.PathLike[str], names: list[str]) -> dict[str, str]:
    return {name: sha256_file(Path(root) / name) for name in names}
