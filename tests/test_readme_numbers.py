"""One source of truth per README number: every measured table in README.md is a copy of the
results file its benchmark writes (benchmarks/results/NAME.md, see benchmarks/readme_results.py),
and no two of them report the same metric of the same model."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import model_card, real_agreement, sync_readme  # noqa: E402
from benchmarks.readme_results import RESULTS_DIR, Claim, parse_claims  # noqa: E402

README = ROOT / "README.md"
# Every benchmark whose table the README shows, and the one generated from the model card.
EXPECTED = {
    "real_validation",
    "real_agreement",
    "model_card",
    "real_learning_curve",
    "langid",
    "predict_speed",
    "score_scale",
    "service_load",
    "compare_models",
}
# What a measured figure looks like in a table cell: 0.937, 5,620, 283 MB, 22 s, 82.1%.
MEASURED = re.compile(r"\b\d+\.\d+\b|\b\d{1,3}(?:,\d{3})+\b|\b\d+ ?(?:MB|GB|ms|s)\b|\d%")


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _results() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(RESULTS_DIR.glob("*.md"))}


def test_readme_has_a_block_for_every_benchmark_it_reports() -> None:
    blocks = sync_readme.blocks(_readme())
    assert set(blocks) >= EXPECTED, f"README lacks blocks for {sorted(EXPECTED - set(blocks))}"
    assert set(blocks) == set(_results()), "a block without a results file, or the reverse"


def test_every_block_is_its_results_file() -> None:
    text = _readme()
    stale = [
        name
        for name, body in sync_readme.blocks(text).items()
        if body != (RESULTS_DIR / f"{name}.md").read_text(encoding="utf-8")
    ]
    assert not stale, (
        f"README blocks differ from benchmarks/results/: {stale}; run python benchmarks/sync_readme.py"
    )


def test_no_measured_table_outside_a_block() -> None:
    outside = sync_readme.BLOCK.sub("", _readme())
    in_code = False
    offending = []
    for line in outside.splitlines():
        in_code ^= line.startswith("```")
        if not in_code and line.startswith("|") and MEASURED.search(line):
            offending.append(line[:120])
    assert not offending, (
        "tables with measured numbers must come from a benchmark's results file "
        f"(benchmarks/results/, copied by benchmarks/sync_readme.py): {offending}"
    )


def test_each_results_file_says_when_and_how_it_was_measured() -> None:
    for name, text in _results().items():
        benchmark, _ = parse_claims(text)
        assert benchmark == name
        last = text.rstrip().splitlines()[-1]
        assert re.match(r"\*(Measured \d{4}-\d{2}-\d{2} by `python benchmarks/|From )", last), (
            name,
            last,
        )
        assert "|---" in text, f"{name}: no table"


def test_no_two_tables_report_the_same_metric_of_the_same_model() -> None:
    seen: dict[Claim, str] = {}
    for name, text in _results().items():
        for claim in parse_claims(text)[1]:
            assert claim not in seen, f"{claim} is reported by both {seen[claim]} and {name}"
            seen[claim] = name


def test_claims_about_a_shipped_model_name_its_current_version() -> None:
    """When a model is rebuilt, its old figures must be remeasured or relabeled as the old
    model's: a table may not present them as the shipped model's."""
    shipped = {}
    for folder in ("default", "teacher"):
        manifest = json.loads((ROOT / "models" / folder / "manifest.json").read_text("utf-8"))
        shipped[manifest["name"]] = manifest["version"]
    for name, text in _results().items():
        for claim in parse_claims(text)[1]:
            model_name, _, version = claim.model.partition(" ")
            if model_name in shipped:
                assert version == shipped[model_name], (name, str(claim), shipped)


def test_corpus_table_is_generated_from_the_shipped_model() -> None:
    generated = model_card.render(ROOT / "models" / "default")
    assert (RESULTS_DIR / "model_card.md").read_text(encoding="utf-8") == generated.render()


def test_agreement_table_is_the_benchmark_output() -> None:
    written = (RESULTS_DIR / "real_agreement.md").read_text(encoding="utf-8")
    assert real_agreement.summary(real_agreement.load_groups()).body in written


def test_sync_readme_replaces_a_stale_block_and_check_reports_it(tmp_path, capsys) -> None:
    readme = tmp_path / "README.md"
    text = _readme()
    stale = text.replace("<!-- results: langid -->\n", "<!-- results: langid -->\nold table\n", 1)
    assert stale != text
    readme.write_text(stale, encoding="utf-8")
    assert sync_readme.main(["--check", "--readme", str(readme)]) == 1
    assert "stale: README block 'langid'" in capsys.readouterr().out
    assert sync_readme.main(["--readme", str(readme)]) == 0
    assert readme.read_text(encoding="utf-8") == text
    assert sync_readme.main(["--check", "--readme", str(readme)]) == 0


def test_a_block_without_a_results_file_is_an_error(tmp_path, capsys) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("<!-- results: nothing_here -->\n<!-- /results -->\n", encoding="utf-8")
    assert sync_readme.main(["--readme", str(readme)]) == 2
    assert "nothing_here" in capsys.readouterr().err


def test_parse_claims_reads_what_render_writes() -> None:
    from benchmarks.readme_results import Results

    results = Results("x", (Claim("genuine-default 1", "m"), Claim("t", "n")), "| a |\n|---|", "M")
    assert parse_claims(results.render()) == ("x", results.claims)
    with pytest.raises(ValueError, match="MODEL = METRIC"):
        parse_claims("<!-- benchmark: y; claims: just words -->")
