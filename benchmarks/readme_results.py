"""The measured tables README.md shows: one results file per benchmark, copied into the README.

A benchmark run with ``--write-results`` writes ``benchmarks/results/<name>.md``:

- a hidden first line naming the benchmark and what it *claims*: (model, metric) pairs, such as
  ``genuine-default 2026.12.04 = real validation macro-F1``; no two results files may claim the
  same pair, so the README never reports one metric of one model twice;
- the table (and any notes that belong with it);
- a last line saying when, how and on what it was measured.

``python benchmarks/sync_readme.py`` copies each file into README.md between
``<!-- results: NAME -->`` and ``<!-- /results -->``; tests/test_readme_numbers.py fails when a
block differs from its file, when a numeric table sits outside a block, when two files claim the
same pair, or when a claim names a shipped model's version that is no longer the shipped one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"

# How the README names the real-data sources (training/real.py SOURCES holds their origins).
SOURCE_TITLES = {
    "en_youtube": "en YouTube music comments",
    "en_c3_news": "en Globe and Mail opinion comments",
    "vi_victsd_news": "vi news comments (ViCTSD)",
    "vi_vispam_reviews": "vi product reviews (ViSpamReviews)",
    "zh_weibo": "zh Weibo comments",
    "zh_ads": "zh illicit-trade ads",
}

_HEADER = re.compile(r"<!-- benchmark: (?P<name>[\w-]+); claims: (?P<claims>.*?) -->")


@dataclass(frozen=True)
class Claim:
    """One metric of one model, e.g. ("genuine-default 2026.12.04", "real validation macro-F1")."""

    model: str
    metric: str

    def __str__(self) -> str:
        return f"{self.model} = {self.metric}"


@dataclass(frozen=True)
class Results:
    """A benchmark's README table: what it claims, the markdown, and how it was measured."""

    name: str
    claims: tuple[Claim, ...]
    body: str
    measured: str

    def render(self) -> str:
        claims = "; ".join(str(c) for c in self.claims) or "none"
        return (
            f"<!-- benchmark: {self.name}; claims: {claims} -->\n"
            f"{self.body.strip()}\n\n*{self.measured.strip()}*\n"
        )


def parse_claims(text: str) -> tuple[str, tuple[Claim, ...]]:
    """The benchmark name and the claims of a rendered results text (its hidden first line)."""
    match = _HEADER.search(text)
    if match is None:
        raise ValueError("no '<!-- benchmark: NAME; claims: ... -->' line")
    claims = []
    for part in match["claims"].split(";"):
        if part.strip() in ("", "none"):
            continue
        model, _, metric = part.partition(" = ")
        if not metric:
            raise ValueError(f"claim {part.strip()!r} is not 'MODEL = METRIC'")
        claims.append(Claim(model.strip(), metric.strip()))
    return match["name"], tuple(claims)


def results_path(name: str) -> Path:
    return RESULTS_DIR / f"{name}.md"


def write_results(results: Results) -> Path:
    """Write ``benchmarks/results/<name>.md`` atomically; return its path."""
    sys.path.insert(0, str(ROOT))
    from classifier.io.atomic import atomic_write_text

    path = results_path(results.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, results.render())
    print(
        f"wrote {path}; run python benchmarks/sync_readme.py to copy it into README.md",
        file=sys.stderr,
    )
    return path


def model_label(model_dir: str | os.PathLike[str] | None = None) -> str:
    """``name version`` of a model directory's manifest (the shipped default when None)."""
    sys.path.insert(0, str(ROOT))
    from classifier.model_dir import model_identity

    identity = model_identity(model_dir or ROOT / "models" / "default")
    return f"{identity.name} {identity.version}"


def machine() -> str:
    """The machine in words: cores, architecture, Python, and how busy it was."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} {platform.machine()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f} as the run ended"
    )


def measured_line(command: str, note: str = "", on_machine: bool = True) -> str:
    """'Measured YYYY-MM-DD by `command` on <machine>.' plus an optional note; without the
    machine for figures that do not depend on it."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    where = f" on {machine()}" if on_machine else ""
    line = f"Measured {today} by `{command}`{where}."
    return f"{line} {note}".strip()


def add_write_flag(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--write-results",
        action="store_true",
        help=f"also write the README's table to benchmarks/results/{name}.md "
        "(then python benchmarks/sync_readme.py copies it into README.md)",
    )
