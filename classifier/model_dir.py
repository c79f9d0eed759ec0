"""The model directory: a manifest, weights in safe formats and a model card.

Layout (every backend)::

    manifest.json   format version, backend, labels, languages, file hashes, data hash, metrics
    MODEL_CARD.md   written by the training run
    <backend files> listed in manifest["files"] with their SHA-256

Loading checks the format version, that every listed file exists and that its hash matches.
Any failure raises :class:`ModelLoadError` with what went wrong and how to fix it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
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
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "default"
MODEL_ENV_VAR = "GENUINE_MODEL"


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
    threshold: float = 0.5
    thresholds_by_lang: dict[str, float] = field(default_factory=dict)
    training_data: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    library_versions: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "format_version": self.format_version,
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
            threshold=float(data.get("threshold", 0.5)),
            thresholds_by_lang={k: float(v) for k, v in data.get("thresholds_by_lang", {}).items()},
            training_data=dict(data.get("training_data", {})),
            metrics=dict(data.get("metrics", {})),
            library_versions=dict(data.get("library_versions", {})),
            extra=dict(data.get("extra", {})),
        )


@dataclass(frozen=True)
class ModelDir:
    """A verified model directory: its path and manifest."""

    path: Path
    manifest: Manifest

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


def resolve_model_path(path: str | os.PathLike[str] | None) -> Path:
    """``path``, else $GENUINE_MODEL, else the shipped default model."""
    if path is None:
        path = os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL_DIR
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
    """Write ``manifest.json`` atomically (the last file a training run writes)."""
    atomic_write_text(Path(root) / MANIFEST_NAME, manifest.to_json())


def hash_files(root: str | os.PathLike[str], names: list[str]) -> dict[str, str]:
    return {name: sha256_file(Path(root) / name) for name in names}
