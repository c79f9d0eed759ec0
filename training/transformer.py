"""Fine-tune a Hugging Face encoder (XLM-R, mDeBERTa, PhoBERT, a Chinese BERT...) and write a model directory.

Steps: analyze every comment with the runtime text pipeline (the model reads the same
normalized text at prediction time) -> ``datasets.Dataset`` per split -> max sequence length
from the data (95th percentile of training token lengths, capped) -> ``transformers.Trainer``
with class-weighted cross-entropy, evaluation and checkpoints every epoch, early stopping on
validation macro-F1 and the best epoch restored at the end -> temperature scaling on the
validation logits -> evaluation on the test split through the serving backend -> the
directory: ``save_pretrained`` files (config.json with id2label, model.safetensors, tokenizer
files), MODEL_CARD.md and, last, manifest.json with every file hashed.

Checkpoints go to ``<output>/checkpoints`` (or ``checkpoint_dir``) so an interrupted run can
resume (``resume=True``); they are deleted after a successful run unless ``keep_checkpoints``.
Training is seeded (``transformers.set_seed``); on CPU the same data and seed give the same
weights, on GPU mixed precision and cuDNN can add small differences.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classifier.backends.transformer import (
    INPUT_TEXTS,
    SETTINGS_KEY,
    Encoder,
    TorchRunner,
    TransformerBackend,
    TransformerSettings,
    set_torch_threads,
)
from classifier.io.atomic import atomic_write_text
from classifier.model_dir import (
    CARD_NAME,
    LABELS,
    MANIFEST_NAME,
    Manifest,
    ModelLoadError,
    hash_files,
    write_manifest,
)
from classifier.text import Doc
from training.data import LANGS, LabeledComment, LabeledData
from training.evaluate import LengthBaseline, evaluate
from training.model_card import (
    library_versions,
    manifest_training_data,
    render_card,
    training_summary,
)
from training.ngram import _headline, analyze_rows

ID2LABEL = {0: "generic", 1: "substantive"}
LABEL2ID = {label: index for index, label in ID2LABEL.items()}
BALANCE_CHOICES = ("class_weights", "none")
PRECISION_CHOICES = ("auto", "no", "fp16", "bf16")
CHECKPOINT_DIR_NAME = "checkpoints"
TRAINING_VERSIONS = (
    "genuine",
    "numpy",
    "scikit-learn",
    "torch",
    "transformers",
    "tokenizers",
    "datasets",
    "accelerate",
    "safetensors",
    "jieba",
    "py3langid",
)


@dataclass(frozen=True)
class TransformerTrainingConfig:
    """Fine-tuning settings; saved in the manifest of the model they produce.

    ``base`` is a local directory or a hub id of an encoder (any architecture that
    ``AutoModelForSequenceClassification`` knows). ``max_length=None`` picks the 95th
    percentile of the training comments' token lengths, at least 16 and at most
    ``max_length_cap`` and the model's position limit. ``max_steps > 0`` overrides ``epochs``
    (for smoke tests). ``mixed_precision="auto"`` uses bf16 (or fp16) on a GPU, fp32 on CPU.
    """

    base: str
    epochs: float = 4.0
    max_steps: int = -1
    batch_size: int = 16
    eval_batch_size: int = 64
    gradient_accumulation_steps: int = 1
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_length: int | None = None
    max_length_cap: int = 256
    length_percentile: float = 95.0
    early_stopping_patience: int = 2
    balance: str = "class_weights"
    mixed_precision: str = "auto"
    input_text: str = "normalized"
    seed: int = 13
    vi_segmenter: str = "syllable"

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", str(self.base))  # a Path is fine too; saved as text
        if not self.base:
            raise ValueError(
                "base must name an encoder: a local model directory or a hub id such as "
                "'xlm-roberta-base'"
            )
        positive_ints = ("batch_size", "eval_batch_size", "gradient_accumulation_steps")
        for name in positive_ints:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.max_steps <= 0 and self.epochs <= 0:
            raise ValueError(f"epochs must be positive (or set max_steps), got {self.epochs}")
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")
        if not 0 <= self.warmup_ratio < 1:
            raise ValueError(f"warmup_ratio must be within [0, 1), got {self.warmup_ratio}")
        if self.max_length is not None and not 8 <= self.max_length <= 8192:
            raise ValueError(f"max_length must be within [8, 8192], got {self.max_length}")
        if not 8 <= self.max_length_cap <= 8192:
            raise ValueError(f"max_length_cap must be within [8, 8192], got {self.max_length_cap}")
        if not 50 <= self.length_percentile <= 100:
            raise ValueError(
                f"length_percentile must be within [50, 100], got {self.length_percentile}"
            )
        if self.early_stopping_patience < 0:
            raise ValueError(
                f"early_stopping_patience must be >= 0 (0 turns it off), got {self.early_stopping_patience}"
            )
        if self.balance not in BALANCE_CHOICES:
            raise ValueError(
                f"balance must be one of {list(BALANCE_CHOICES)}, got {self.balance!r}"
            )
        if self.mixed_precision not in PRECISION_CHOICES:
            raise ValueError(
                f"mixed_precision must be one of {list(PRECISION_CHOICES)}, got {self.mixed_precision!r}"
            )
        if self.input_text not in INPUT_TEXTS:
            raise ValueError(
                f"input_text must be one of {list(INPUT_TEXTS)}, got {self.input_text!r}"
            )


@dataclass
class TransformerTrainResult:
    model_dir: Path
    metrics: dict[str, Any]
    max_length: int
    temperature: float
    epochs: list[dict[str, Any]] = field(default_factory=list)


def _log(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def _texts(docs: list[Doc], input_text: str) -> list[str]:
    return [doc.text if input_text == "normalized" else doc.raw for doc in docs]


def _labels(rows: list[LabeledComment]) -> list[int]:
    return [LABEL2ID[row.label] for row in rows]


def choose_max_length(
    lengths: list[int], config: TransformerTrainingConfig, position_limit: int | None
) -> int:
    """The configured length, else the data's percentile, within [16, cap] and the model's limit."""
    limit = config.max_length_cap
    if position_limit:
        limit = min(limit, position_limit)
    if config.max_length is not None:
        return min(config.max_length, position_limit or config.max_length)
    if not lengths:
        return limit
    wanted = math.ceil(float(np.percentile(lengths, config.length_percentile)))
    return int(max(min(16, limit), min(wanted, limit)))


def _position_limit(model_config: Any, tokenizer: Any) -> int | None:
    limits = []
    positions = getattr(model_config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        # RoBERTa-style models offset positions by padding_idx + 1.
        offset = 2 if "roberta" in str(getattr(model_config, "model_type", "")) else 0
        limits.append(positions - offset)
    model_max = getattr(tokenizer, "model_max_length", None)
    if isinstance(model_max, int) and 0 < model_max < 100_000:
        limits.append(model_max)
    return min(limits) if limits else None


def fit_temperature(margins: np.ndarray, truth: np.ndarray) -> float:
    """Temperature T minimizing the validation log-loss of sigmoid(margin / T)."""
    if margins.size == 0 or len(set(truth.tolist())) < 2:
        return 1.0
    from scipy.optimize import minimize_scalar

    y = truth.astype(np.float64)

    def nll(log_t: float) -> float:
        z = margins / math.exp(log_t)
        return float(np.mean(np.logaddexp(0.0, z) - y * z))

    result = minimize_scalar(nll, bounds=(-4.0, 4.0), method="bounded")
    return float(math.exp(result.x))


def _load_base(config: TransformerTrainingConfig) -> tuple[Any, Any]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    local = Path(config.base).expanduser()
    source = str(local) if local.exists() else config.base
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForSequenceClassification.from_pretrained(
            source,
            num_labels=2,
            id2label=ID2LABEL,
            label2id=LABEL2ID,
            ignore_mismatched_sizes=True,
        )
    except ImportError:
        raise
    except Exception as exc:  # OSError, hub errors, ValueError for an unknown architecture...
        raise ModelLoadError(
            f"cannot load the base model '{config.base}' ({type(exc).__name__}: {exc}); pass a local directory with "
            f"config.json, weights and tokenizer files, or a hub id on a machine that can reach "
            f"the hub (offline runs need the model in the local cache)"
        ) from None
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
    model.config.pad_token_id = tokenizer.pad_token_id
    return tokenizer, model


def _precision(config: TransformerTrainingConfig) -> str:
    """``"no"``, ``"bf16"`` or ``"fp16"``: what ``mixed_precision`` means on this machine."""
    import torch

    wanted = config.mixed_precision
    if wanted == "auto":
        if not torch.cuda.is_available():
            return "no"
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if wanted != "no" and not torch.cuda.is_available():
        raise ValueError(
            f"mixed precision {wanted!r} needs a GPU; use 'auto' or 'no' on CPU (--precision)"
        )
    return wanted


def _weighted_loss(weights: Any) -> Any:
    """Class-weighted cross-entropy for Trainer's ``compute_loss_func`` (sum / items in the batch)."""
    import torch

    def loss(outputs: Any, labels: Any, num_items_in_batch: Any = None) -> Any:
        logits = outputs["logits"] if isinstance(outputs, dict) else outputs[0]
        total = torch.nn.functional.cross_entropy(
            logits.float(), labels, weight=weights.to(logits.device), reduction="sum"
        )
        if num_items_in_batch is None:
            num_items_in_batch = labels.numel()
        return total / num_items_in_batch

    return loss


def _progress_bars() -> Any:
    """Trainer's tqdm bars without the log dicts it prints between them."""
    from transformers import ProgressCallback

    class Bars(ProgressCallback):  # type: ignore[misc]
        def on_log(
            self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any
        ) -> None:
            return None

    return Bars()


def _epoch_callback(quiet: bool, history: list[dict[str, Any]]) -> Any:
    from tqdm.auto import tqdm
    from transformers import TrainerCallback

    class EpochReport(TrainerCallback):  # type: ignore[misc]
        """One line per evaluation: epoch, train loss, validation loss and macro-F1."""

        def __init__(self) -> None:
            self.last_loss: float | None = None
            self.start = time.perf_counter()

        def on_log(
            self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any
        ) -> None:
            if logs and "loss" in logs:
                self.last_loss = float(logs["loss"])

        def on_evaluate(
            self, args: Any, state: Any, control: Any, metrics: Any = None, **kwargs: Any
        ) -> None:
            metrics = metrics or {}
            entry = {
                "epoch": round(float(state.epoch or 0.0), 2),
                "step": int(state.global_step),
                "train_loss": self.last_loss,
                "validation_loss": metrics.get("eval_loss"),
                "validation_macro_f1": metrics.get("eval_macro_f1"),
                "seconds": round(time.perf_counter() - self.start, 1),
            }
            history.append(entry)
            loss = f"{entry['train_loss']:.4f}" if entry["train_loss"] is not None else "-"
            f1 = entry["validation_macro_f1"]
            if not quiet:  # tqdm.write: a line of its own while the progress bars are open
                tqdm.write(
                    f"epoch {entry['epoch']:g} (step {entry['step']}): train loss {loss}, "
                    f"validation loss {entry['validation_loss'] or float('nan'):.4f}, "
                    f"validation macro-F1 {f1 if f1 is not None else float('nan'):.4f} "
                    f"[{entry['seconds']:.0f} s]",
                    file=sys.stderr,
                )

    return EpochReport()


def train_transformer(
    data: LabeledData,
    out_dir: str | Path,
    config: TransformerTrainingConfig,
    *,
    resume: bool = False,
    checkpoint_dir: str | Path | None = None,
    keep_checkpoints: bool = False,
    quiet: bool = False,
) -> TransformerTrainResult:
    """Fine-tune ``config.base`` on ``data`` and write a transformer model directory to ``out_dir``."""
    import datasets
    import torch
    from sklearn.metrics import f1_score
    from transformers import (
        DataCollatorWithPadding,
        EarlyStoppingCallback,
        PrinterCallback,
        ProgressCallback,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    out = Path(out_dir)
    checkpoints = Path(checkpoint_dir) if checkpoint_dir else out / CHECKPOINT_DIR_NAME
    split_rows = {name: data.split(name) for name in ("train", "validation", "test")}
    train_rows, val_rows = split_rows["train"], split_rows["validation"]
    if len({r.label for r in train_rows}) < 2:
        raise ValueError(
            "the training split needs both labels; check the data's labels and split column"
        )
    has_validation = len({r.label for r in val_rows}) == 2
    _log(
        f"train {len(train_rows)}, validation {len(val_rows)}, test {len(split_rows['test'])} comments"
        + ("" if has_validation else " (no usable validation split: no early stopping)"),
        quiet,
    )
    set_seed(config.seed)
    if not torch.cuda.is_available():
        set_torch_threads()
    tokenizer, model = _load_base(config)  # first: a wrong --base fails in seconds
    docs = {
        name: analyze_rows([r.text for r in rows], config.vi_segmenter, quiet=True)
        for name, rows in split_rows.items()
    }
    train_texts = _texts(docs["train"], config.input_text)
    lengths = [len(ids) for ids in tokenizer(train_texts, truncation=False)["input_ids"]]
    max_length = choose_max_length(lengths, config, _position_limit(model.config, tokenizer))
    covered = float(np.mean([n <= max_length for n in lengths])) if lengths else 1.0
    _log(
        f"max sequence length {max_length} tokens ({covered:.1%} of training comments fit)",
        quiet,
    )

    def dataset(name: str) -> Any:
        ds = datasets.Dataset.from_dict(
            {
                "text": _texts(docs[name], config.input_text),
                "label": _labels(split_rows[name]),
            }
        )
        return ds.map(
            lambda batch: tokenizer(batch["text"], truncation=True, max_length=max_length),
            batched=True,
            remove_columns=["text"],
        )

    train_ds = dataset("train")
    val_ds = dataset("validation") if has_validation else None

    counts = np.bincount(_labels(train_rows), minlength=2).astype(np.float64)
    weights = counts.sum() / (2.0 * counts) if config.balance == "class_weights" else np.ones(2)

    def compute_metrics(prediction: Any) -> dict[str, float]:
        logits = prediction.predictions
        if isinstance(logits, tuple):
            logits = logits[0]
        predicted = np.asarray(logits).argmax(axis=-1)
        return {"macro_f1": float(f1_score(prediction.label_ids, predicted, average="macro"))}

    strategy = "epoch" if has_validation else "no"
    precision = _precision(config)
    args = TrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.eval_batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        learning_rate=config.learning_rate,
        weight_decay=config.weight_decay,
        warmup_steps=config.warmup_ratio,
        eval_strategy=strategy,
        save_strategy="epoch",
        logging_strategy="epoch",
        load_best_model_at_end=has_validation,
        metric_for_best_model="macro_f1" if has_validation else None,
        greater_is_better=True if has_validation else None,
        save_total_limit=2,
        seed=config.seed,
        data_seed=config.seed,
        # Not "group_by_length": comment length correlates with the label, so length-grouped
        # batches are nearly single-class and the model does not learn (measured: a tiny BERT
        # stayed at chance after 300 steps, and reached 0.86 test macro-F1 in 100 with "random").
        train_sampling_strategy="random",
        report_to="none",
        disable_tqdm=quiet,
        dataloader_num_workers=0,
        dataloader_pin_memory=torch.cuda.is_available(),
        bf16=precision == "bf16",
        fp16=precision == "fp16",
    )
    history: list[dict[str, Any]] = []
    callbacks = [_epoch_callback(quiet, history)]
    if has_validation and config.early_stopping_patience > 0:
        callbacks.append(EarlyStoppingCallback(config.early_stopping_patience))
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=val_ds,
        processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_metrics=compute_metrics,
        compute_loss_func=_weighted_loss(torch.tensor(weights, dtype=torch.float32)),
        callbacks=callbacks,
    )
    # Our EpochReport prints one line per epoch; Trainer's printer and its progress bar's
    # on_log would repeat every log dict between the bars. Keep the bars, drop the dicts.
    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    if not quiet:
        trainer.add_callback(_progress_bars())
    if resume and not _has_checkpoint(checkpoints):
        raise ValueError(
            f"--resume: no checkpoint in {checkpoints}; run without --resume to start training"
        )
    started = time.perf_counter()
    trainer.train(resume_from_checkpoint=True if resume else None)
    train_seconds = time.perf_counter() - started

    if trainer.model is None:  # Trainer always keeps a model; the attribute is typed Optional
        raise RuntimeError("Trainer lost its model after training")
    model = trainer.model  # the best epoch's weights when load_best_model_at_end restored them
    model.eval()
    model.to("cpu")
    settings = TransformerSettings(
        max_length=max_length,
        temperature=1.0,
        runtime="torch",
        tokenizer="auto",
        input_text=config.input_text,
        positive_index=LABEL2ID["substantive"],
        base=config.base,
        vi_segmenter=config.vi_segmenter,
    )
    backend = TransformerBackend(
        Encoder.from_tokenizer(tokenizer, max_length),
        TorchRunner(model),
        settings,
        batch_size=config.eval_batch_size,
    )

    temperature = 1.0
    if has_validation:
        temperature = fit_temperature(
            backend.margins(_texts(docs["validation"], config.input_text)),
            np.array(_labels(val_rows)),
        )
    settings = TransformerSettings(**{**settings.to_dict(), "temperature": temperature})
    backend.settings = settings
    _log(f"temperature scaling on validation: T = {temperature:.3f}", quiet)

    baseline = LengthBaseline.fit(train_rows)
    metrics: dict[str, Any] = {}
    speed: dict[str, float] = {}
    for name in ("validation", "test"):
        rows = split_rows[name]
        if not rows:
            continue
        started = time.perf_counter()
        output = backend.predict(docs[name], explain=False)
        if name == "test":
            speed = {"comments": len(rows), "seconds": time.perf_counter() - started}
        metrics[name] = evaluate(rows, output.scores, [d.lang for d in docs[name]], baseline)

    summary = training_summary(data, {name: len(rows) for name, rows in split_rows.items()})
    _write_model_dir(
        out,
        model,
        tokenizer,
        config,
        settings,
        metrics,
        summary,
        history,
        {
            "train_seconds": train_seconds,
            "coverage": covered,
            "speed": speed,
            "class_weights": weights.tolist(),
            "best_checkpoint": trainer.state.best_model_checkpoint,
        },
    )
    if not keep_checkpoints and checkpoints.exists():
        shutil.rmtree(checkpoints, ignore_errors=True)
    _log(f"wrote {out}", quiet)
    return TransformerTrainResult(out, metrics, max_length, temperature, history)


def _has_checkpoint(folder: Path) -> bool:
    return folder.is_dir() and any(p.name.startswith("checkpoint-") for p in folder.iterdir())


def model_files(root: Path, skip: tuple[str, ...] = (MANIFEST_NAME,)) -> list[str]:
    """Every file under ``root`` (relative, sorted) except the manifest and checkpoints."""
    names = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or relative in skip or relative.startswith(CHECKPOINT_DIR_NAME + "/"):
            continue
        names.append(relative)
    return names


def _write_model_dir(
    out: Path,
    model: Any,
    tokenizer: Any,
    config: TransformerTrainingConfig,
    settings: TransformerSettings,
    metrics: dict[str, Any],
    summary: dict[str, Any],
    history: list[dict[str, Any]],
    run: dict[str, Any],
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # The manifest is written last: until then the directory does not load (no stale manifest).
    (out / MANIFEST_NAME).unlink(missing_ok=True)
    # save_pretrained, not trainer.save_model: the latter adds training_args.bin (a pickle).
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    versions = library_versions(TRAINING_VERSIONS)
    parameters = sum(p.numel() for p in model.parameters())
    settings_card = {
        "base model": config.base,
        "architecture": f"{model.config.model_type}, {parameters / 1e6:.1f} M parameters",
        "max sequence length": f"{settings.max_length} tokens ({run['coverage']:.1%} of training comments fit; "
        f"{config.length_percentile:g}th percentile, cap {config.max_length_cap})",
        "input text": settings.input_text,
        "class balance": f"{config.balance} {[round(w, 3) for w in run['class_weights']]}",
        "calibration": f"temperature scaling on validation, T = {settings.temperature:.3f}",
        **{
            k: v
            for k, v in asdict(config).items()
            if k not in ("base", "max_length", "max_length_cap", "balance", "input_text")
        },
    }
    card = render_card(
        title=f"genuine transformer ({Path(config.base).name or config.base})",
        backend_description=(
            f"`{config.base}` fine-tuned with the Hugging Face Trainer as a two-label sequence "
            "classifier (id2label 0 = generic, 1 = substantive) on the normalized comment text "
            "(NFKC, lower-case, links and contact handles as placeholders such as `_url_`). "
            "Class-weighted cross-entropy, early stopping on validation macro-F1, best epoch "
            "kept, temperature-scaled probabilities. Reasons come from the explicit signals; "
            "there is no category head. A standard Hugging Face directory: "
            '`transformers.pipeline("text-classification", model=DIR)` loads it (feed it '
            "`classifier.text.normalize(text).text` for the same scores before calibration)."
        ),
        data_summary=summary,
        metrics=metrics,
        settings=settings_card,
        versions=versions,
        extra_sections=_extra_sections(history, run),
        reproduce=(
            f"Training is seeded (seed {config.seed}): on CPU the same data, base model and "
            "settings give the same weights; on a GPU, mixed precision and cuDNN can add small "
            "differences."
        ),
    )
    atomic_write_text(out / CARD_NAME, card)
    manifest = Manifest(
        backend="transformer",
        labels=LABELS,
        languages=LANGS,
        files=hash_files(out, model_files(out)),
        training_data=manifest_training_data(summary),
        metrics={name: _headline(block) for name, block in metrics.items()},
        library_versions=versions,
        extra={
            SETTINGS_KEY: settings.to_dict(),
            "training_config": asdict(config),
            "epochs": history,
        },
    )
    write_manifest(out, manifest)


def _extra_sections(history: list[dict[str, Any]], run: dict[str, Any]) -> str:
    lines = ["", "## Training run", ""]
    lines.append(f"Training took {run['train_seconds']:.0f} s.")
    if history:
        lines += [
            "",
            "| epoch | step | train loss | validation loss | validation macro-F1 |",
            "|---|---|---|---|---|",
        ]
        for entry in history:
            cells = [
                f"{entry[k]:.4f}" if isinstance(entry[k], float) else str(entry[k])
                for k in ("train_loss", "validation_loss", "validation_macro_f1")
            ]
            lines.append(f"| {entry['epoch']:g} | {entry['step']} | {' | '.join(cells)} |")
        if run.get("best_checkpoint"):
            lines += ["", f"Kept the best epoch ({Path(run['best_checkpoint']).name})."]
    speed = run.get("speed") or {}
    if speed.get("seconds"):
        rate = speed["comments"] / speed["seconds"]
        lines += [
            "",
            "## Speed",
            "",
            f"{rate:,.0f} comments/s on the test split ({speed['comments']} comments, this "
            "training machine, text analysis included).",
        ]
    return "\n".join(lines) + "\n"


def build_tiny_encoder(
    texts: list[str],
    out_dir: str | Path,
    *,
    vocab_size: int = 4000,
    hidden_size: int = 32,
    layers: int = 2,
    heads: int = 2,
    max_positions: int = 256,
    seed: int = 13,
) -> Path:
    """A small randomly initialized BERT with a WordPiece vocabulary learned from ``texts``.

    For tests and smoke runs without any pretrained checkpoint: the tokenizer keeps accents
    (``strip_accents=False``, or Vietnamese tones are lost) and splits Han characters, so it
    reads vi/zh/en. Writes a standard Hugging Face directory usable as ``--base``.
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from tokenizers.trainers import WordPieceTrainer
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast, set_seed

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=True
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.train_from_iterator(
        texts, WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials)
    )
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    tokenizer.decoder = decoders.WordPiece()
    # The generic fast tokenizer keeps our normalizer as is (transformers 5's BertTokenizer
    # rebuilds its own pipeline from the vocabulary and would not keep ``strip_accents=False``).
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=max_positions,
    )
    set_seed(seed)
    model = BertModel(
        BertConfig(
            vocab_size=tokenizer.get_vocab_size(),
            hidden_size=hidden_size,
            num_hidden_layers=layers,
            num_attention_heads=heads,
            intermediate_size=hidden_size * 4,
            max_position_embeddings=max_positions,
            pad_token_id=tokenizer.token_to_id("[PAD]"),
        )
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    fast.save_pretrained(str(out))
    return out
