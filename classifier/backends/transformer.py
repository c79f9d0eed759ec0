"""The transformer backend: a fine-tuned Hugging Face sequence classifier, run by torch or ONNX Runtime.

The model directory is a standard Hugging Face directory (``config.json`` with ``id2label``
``{0: generic, 1: substantive}``, ``model.safetensors``, tokenizer files), so
``transformers.pipeline("text-classification", model=DIR)`` loads it too, plus our
``manifest.json`` and ``MODEL_CARD.md``. Settings live in ``manifest.extra["transformer"]``:

- ``runtime``: ``"torch"`` (``model.safetensors``) or ``"onnx"`` (``model.onnx``, written by
  ``genuine export --onnx``; needs onnxruntime, not torch);
- ``max_length``: tokens kept per comment (chosen from the training data);
- ``temperature``: temperature scaling fitted on the validation split, so
  ``score = sigmoid((logit_substantive - logit_generic) / temperature)`` is calibrated and
  ``score >= 0.5`` is exactly the model's argmax;
- ``tokenizer``: ``"auto"`` (transformers' AutoTokenizer, as in training) or ``"file"``
  (``tokenizer.json`` through ``tokenizers`` alone; the ONNX export picks it after checking
  that it gives the same token ids);
- ``input_text``: ``"normalized"`` (``Doc.text``: NFKC, lower-cased, contact handles and links
  replaced by placeholders such as ``_url_``) or ``"raw"``.

Inference sorts a batch by token length and pads each mini-batch to its own longest comment
(dynamic padding) under ``torch.inference_mode()``. Reasons come from the explicit signals
(:func:`classifier.reasons.rule_reasons`); there is no category head.

torch, transformers and onnxruntime are imported here only, never by ``import classifier``.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from classifier.backends import BackendOutput, sigmoid
from classifier.model_dir import POSITIVE_LABEL, ModelDir, ModelLoadError
from classifier.reasons import rule_reasons_for
from classifier.text import Doc

SETTINGS_KEY = "transformer"
WEIGHTS_FILE = "model.safetensors"
ONNX_FILE = "model.onnx"
HF_CONFIG_FILE = "config.json"
TOKENIZER_FILE = "tokenizer.json"
RUNTIMES = ("torch", "onnx")
INPUT_TEXTS = ("normalized", "raw")
TOKENIZERS = ("auto", "file")  # transformers' AutoTokenizer, or tokenizer.json through `tokenizers`
THREADS_ENV_VAR = "GENUINE_NUM_THREADS"
DEFAULT_BATCH_SIZE = 32


@dataclass(frozen=True)
class TransformerSettings:
    """How to run a fine-tuned classifier; saved in ``manifest.extra["transformer"]``."""

    max_length: int
    temperature: float = 1.0
    runtime: str = "torch"
    input_text: str = "normalized"
    positive_index: int = 1
    tokenizer: str = "auto"
    base: str = ""
    vi_segmenter: str = "syllable"

    def __post_init__(self) -> None:
        if not 2 <= self.max_length <= 8192:
            raise ValueError(f"max_length must be within [2, 8192], got {self.max_length}")
        if not self.temperature > 0:
            raise ValueError(f"temperature must be positive, got {self.temperature}")
        if self.runtime not in RUNTIMES:
            raise ValueError(f"runtime must be one of {list(RUNTIMES)}, got {self.runtime!r}")
        if self.input_text not in INPUT_TEXTS:
            raise ValueError(
                f"input_text must be one of {list(INPUT_TEXTS)}, got {self.input_text!r}"
            )
        if self.tokenizer not in TOKENIZERS:
            raise ValueError(f"tokenizer must be one of {list(TOKENIZERS)}, got {self.tokenizer!r}")
        if self.positive_index not in (0, 1):
            raise ValueError(f"positive_index must be 0 or 1, got {self.positive_index}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TransformerSettings:
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in data.items() if key in known})


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def inference_threads() -> int:
    """Threads for torch / ONNX Runtime: $GENUINE_NUM_THREADS, else half the usable CPUs (>= 1).

    OpenMP threads spin while they wait, so using every core on a machine that also runs the
    text pipeline, a web server or other jobs costs far more than it gains: on a busy 2-core
    machine one fine-tuning step of a tiny BERT took 0.05 s with 1 thread and 0.79 s with 2.
    Set $GENUINE_NUM_THREADS to the core count on a machine dedicated to inference.
    """
    value = os.environ.get(THREADS_ENV_VAR, "").strip()
    if value:
        try:
            threads = int(value)
        except ValueError:
            raise ValueError(
                f"${THREADS_ENV_VAR} must be a positive integer, found {value!r}"
            ) from None
        if threads < 1:
            raise ValueError(f"${THREADS_ENV_VAR} must be a positive integer, found {value!r}")
        return threads
    return max(1, available_cpus() // 2)


def set_torch_threads() -> None:
    import torch

    threads = inference_threads()
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def positive_index_from_config(config: dict[str, Any], where: str) -> int:
    """Index of the ``substantive`` logit from a config's ``id2label`` (labels come from the model)."""
    id2label = {int(k): str(v) for k, v in (config.get("id2label") or {}).items()}
    matches = [index for index, label in id2label.items() if label == POSITIVE_LABEL]
    if len(id2label) != 2 or len(matches) != 1:
        raise ModelLoadError(
            f"{where}: id2label is {id2label}, expected two labels with one '{POSITIVE_LABEL}' "
            f"(e.g. {{0: 'generic', 1: 'substantive'}}); retrain with 'genuine train --backend transformer'"
        )
    return matches[0]


class Encoder:
    """Texts -> token id lists (truncated, special tokens added), and padding of a mini-batch.

    Wraps either transformers' tokenizer (``AutoTokenizer``, as in training; slow tokenizers
    such as PhoBERT's included) or the fast tokenizer file alone (``tokenizers``, no
    transformers import), which the ONNX export picks after checking it gives the same ids.
    """

    def __init__(self, max_length: int, pad_id: int, *, fast: Any = None, auto: Any = None):
        if (fast is None) == (auto is None):
            raise ValueError(
                "Encoder needs exactly one of fast= (tokenizers) or auto= (transformers)"
            )
        self.max_length = max_length
        self.pad_id = pad_id
        self._fast = fast
        self._auto = auto
        if fast is not None:
            fast.no_padding()
            fast.enable_truncation(max_length=max_length)

    @classmethod
    def from_tokenizer(cls, tokenizer: Any, max_length: int) -> Encoder:
        """From a transformers tokenizer already in memory (training, export)."""
        pad = tokenizer.pad_token_id
        if pad is None:
            pad = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0
        return cls(max_length, int(pad), auto=tokenizer)

    @classmethod
    def from_dir(cls, path: str, max_length: int, use_file: bool) -> Encoder:
        tokenizer_file = os.path.join(path, TOKENIZER_FILE)
        if use_file:
            from tokenizers import Tokenizer

            fast = Tokenizer.from_file(tokenizer_file)
            return cls(max_length, cls._pad_id_from_files(path, fast), fast=fast)
        from transformers import AutoTokenizer

        return cls.from_tokenizer(
            AutoTokenizer.from_pretrained(path, local_files_only=True), max_length
        )

    @staticmethod
    def _pad_id_from_files(path: str, fast: Any) -> int:
        config_path = os.path.join(path, "tokenizer_config.json")
        pad_token = None
        if os.path.isfile(config_path):
            with open(config_path, encoding="utf-8") as handle:
                pad_token = json.load(handle).get("pad_token")
            if isinstance(pad_token, dict):
                pad_token = pad_token.get("content")
        for token in (pad_token, "[PAD]", "<pad>"):
            if token is not None and fast.token_to_id(token) is not None:
                return int(fast.token_to_id(token))
        return 0

    def encode(self, texts: Sequence[str]) -> list[dict[str, list[int]]]:
        if self._fast is not None:
            return [
                {
                    "input_ids": list(e.ids),
                    "attention_mask": list(e.attention_mask),
                    "token_type_ids": list(e.type_ids),
                }
                for e in self._fast.encode_batch(list(texts))
            ]
        encoded = self._auto(list(texts), truncation=True, max_length=self.max_length)
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in encoded]
        return [{k: list(encoded[k][i]) for k in keys} for i in range(len(texts))]

    def pad(
        self, items: Sequence[dict[str, list[int]]], names: Sequence[str]
    ) -> dict[str, np.ndarray]:
        width = max(len(item["input_ids"]) for item in items)
        out: dict[str, np.ndarray] = {}
        for name in names:
            fill = self.pad_id if name == "input_ids" else 0
            array = np.full((len(items), width), fill, dtype=np.int64)
            for row, item in enumerate(items):
                values = item.get(name)
                if values is None:  # a model input the tokenizer does not produce
                    values = [0] * len(item["input_ids"])
                array[row, : len(values)] = values
            out[name] = array
        return out


MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class TorchRunner:
    """A transformers sequence classifier in eval mode; ``logits(batch)`` under inference_mode."""

    def __init__(self, model: Any):
        import torch

        self._torch = torch
        self.model = model.eval()
        accepted = inspect.signature(model.forward).parameters
        self.input_names = [name for name in MODEL_INPUTS if name in accepted]

    @classmethod
    def from_dir(cls, path: str) -> TorchRunner:
        from transformers import AutoModelForSequenceClassification

        set_torch_threads()
        return cls(AutoModelForSequenceClassification.from_pretrained(path, local_files_only=True))

    def logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        torch = self._torch
        device = next(self.model.parameters()).device
        with torch.inference_mode():
            inputs = {k: torch.from_numpy(v).to(device) for k, v in batch.items()}
            return self.model(**inputs).logits.float().cpu().numpy()


class OnnxRunner:
    """An ONNX Runtime session on ``model.onnx`` (CPU); no torch needed."""

    def __init__(self, path: str):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = inference_threads()
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            path, sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.input_names = [i.name for i in self.session.get_inputs()]

    def logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        return np.asarray(self.session.run(["logits"], batch)[0], dtype=np.float32)


class TransformerBackend:
    """Tokenizer + model runner; ``predict(docs)`` gives calibrated scores and rule reasons."""

    name = "transformer"

    def __init__(
        self,
        encoder: Encoder,
        runner: Any,
        settings: TransformerSettings,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ):
        self.encoder = encoder
        self.runner = runner
        self.settings = settings
        self.batch_size = batch_size
        self.vi_segmenter = settings.vi_segmenter

    @classmethod
    def from_model_dir(cls, model_dir: ModelDir) -> TransformerBackend:
        where = str(model_dir.path)
        raw = model_dir.manifest.extra.get(SETTINGS_KEY)
        if not isinstance(raw, dict):
            raise ModelLoadError(
                f"{where}: manifest extra has no '{SETTINGS_KEY}' settings; the directory was not "
                f"written by 'genuine train --backend transformer'"
            )
        try:
            settings = TransformerSettings.from_dict(raw)
            hf_config = json.loads(model_dir.file(HF_CONFIG_FILE).read_text(encoding="utf-8"))
        except (ValueError, TypeError, OSError) as exc:
            raise ModelLoadError(
                f"{where}: cannot read the transformer settings ({exc}); retrain the model"
            ) from None
        if positive_index_from_config(hf_config, where) != settings.positive_index:
            raise ModelLoadError(
                f"{where}: config.json id2label disagrees with the manifest's positive_index "
                f"{settings.positive_index}; the directory mixes files of two models"
            )
        weights = ONNX_FILE if settings.runtime == "onnx" else WEIGHTS_FILE
        model_dir.file(weights)  # raises ModelLoadError when the manifest does not list it
        path = str(model_dir.path)
        try:
            if settings.runtime == "onnx":
                runner: Any = OnnxRunner(os.path.join(path, ONNX_FILE))
            else:
                runner = TorchRunner.from_dir(path)
            encoder = Encoder.from_dir(path, settings.max_length, settings.tokenizer == "file")
        except ImportError as exc:
            extra = "onnx" if settings.runtime == "onnx" else "train"
            raise ModelLoadError(
                f"{where}: the {settings.runtime} runtime needs packages that are not installed "
                f"({exc}); install them with: pip install 'genuine[{extra}]'"
            ) from None
        except Exception as exc:  # transformers/onnxruntime raise many kinds
            raise ModelLoadError(
                f"{where}: cannot load the {settings.runtime} model ({type(exc).__name__}: {exc}); "
                f"check that the directory is complete or retrain it"
            ) from None
        return cls(encoder, runner, settings)

    def margins(self, texts: Sequence[str]) -> np.ndarray:
        """logit(substantive) - logit(generic) per text, before temperature scaling."""
        if not texts:
            return np.zeros(0, dtype=np.float64)
        encoded = self.encoder.encode(texts)
        order = np.argsort([len(item["input_ids"]) for item in encoded], kind="stable")
        out = np.empty(len(texts), dtype=np.float64)
        positive = self.settings.positive_index
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            batch = self.encoder.pad([encoded[i] for i in rows], self.runner.input_names)
            logits = self.runner.logits(batch)
            out[rows] = logits[:, positive] - logits[:, 1 - positive]
        return out

    def calibrate(self, margins: np.ndarray) -> np.ndarray:
        return sigmoid(margins / self.settings.temperature)

    def texts(self, docs: Sequence[Doc]) -> list[str]:
        return [doc.text if self.settings.input_text == "normalized" else doc.raw for doc in docs]

    def predict(self, docs: list[Doc], explain: bool = True) -> BackendOutput:
        scores = self.calibrate(self.margins(self.texts(docs)))
        reasons = rule_reasons_for(docs, scores) if explain else None
        return BackendOutput(scores=scores, categories=None, reasons=reasons)
