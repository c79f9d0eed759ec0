"""Export a transformer model directory to ONNX, for serving with ONNX Runtime instead of torch.

``export_onnx(src, out)`` writes a new model directory: the source's config and tokenizer
files, ``model.onnx`` (``torch.onnx.export`` of the logits, dynamic batch and sequence axes),
the model card with an export note, and a manifest whose ``extra["transformer"]["runtime"]``
is ``"onnx"``. The torch weights are left out (``keep_weights=True`` keeps them, so
``transformers.pipeline`` still loads the directory). Before writing the manifest, the export
checks on sample comments that ONNX Runtime gives the same logits as torch, and whether the
tokenizer file alone (``tokenizers``, no transformers) gives the same token ids as the
transformers tokenizer; the ONNX directory then loads without torch or transformers.

Needs torch, transformers (to export) and onnx + onnxruntime (to check): ``pip install 'genuine[train,onnx]'``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from classifier.backends.transformer import (
    ONNX_FILE,
    SETTINGS_KEY,
    TOKENIZER_FILE,
    WEIGHTS_FILE,
    Encoder,
    OnnxRunner,
    TorchRunner,
    TransformerSettings,
)
from classifier.io.atomic import atomic_path, atomic_write_text
from classifier.model_dir import (
    CARD_NAME,
    MANIFEST_NAME,
    Manifest,
    ModelLoadError,
    hash_files,
    open_model_dir,
    write_manifest,
)

OPSET = 17
MAX_LOGIT_DIFF = 1e-3
# Sample comments for the equivalence check: three languages, lengths from one token to the cap.
CHECK_TEXTS = (
    "hay",
    "😍😍😍",
    "sản phẩm này dùng có bền không shop, mình mua hôm qua mà hơi lỏng?",
    "加 _wechat_ 领取福利",
    "这个视频第三分钟讲的方法我试了，效果确实比之前好很多，谢谢分享",
    "nice video",
    "i tried the recipe at 3:20 but the dough was too wet, should i add more flour or let it rest longer before baking?",
    "check out my channel _url_ " * 20,
)


def export_onnx(
    src: str | Path,
    out: str | Path,
    *,
    keep_weights: bool = False,
    opset: int = OPSET,
) -> Path:
    """Write an ONNX copy of the transformer model directory ``src`` to ``out``; return ``out``."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    source = open_model_dir(src)
    target = Path(out)
    if source.manifest.backend != "transformer":
        raise ModelLoadError(
            f"{source.path}: backend is '{source.manifest.backend}'; only transformer models "
            f"(genuine train --backend transformer) export to ONNX"
        )
    settings = TransformerSettings.from_dict(source.manifest.extra.get(SETTINGS_KEY, {}))
    if settings.runtime != "torch":
        raise ModelLoadError(
            f"{source.path}: runtime is already '{settings.runtime}'; export the torch directory"
        )
    if target.resolve() == source.path.resolve():
        raise ValueError("the ONNX directory must differ from the source directory")
    path = str(source.path)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    # Eager attention: no data-dependent mask shortcuts to be frozen by tracing.
    model = AutoModelForSequenceClassification.from_pretrained(
        path, local_files_only=True, attn_implementation="eager"
    ).eval()
    torch_runner = TorchRunner(model)
    names = torch_runner.input_names
    encoder = Encoder.from_tokenizer(tokenizer, settings.max_length)
    sample = encoder.pad(encoder.encode(list(CHECK_TEXTS[:3])), names)

    target.mkdir(parents=True, exist_ok=True)
    # No manifest until the export is complete and checked: a half-written directory never loads.
    (target / MANIFEST_NAME).unlink(missing_ok=True)
    wrapper = _logits_module(model, names)
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    axes["logits"] = {0: "batch"}
    with atomic_path(target / ONNX_FILE) as tmp, torch.no_grad():
        torch.onnx.export(
            wrapper,
            tuple(torch.from_numpy(sample[name]) for name in names),
            str(tmp),
            input_names=list(names),
            output_names=["logits"],
            dynamic_axes=axes,
            opset_version=opset,
            dynamo=False,
        )

    tokenizer_choice = "file" if _same_ids(target, source.path, encoder, settings) else "auto"
    _check_logits(encoder, torch_runner, OnnxRunner(str(target / ONNX_FILE)), names)

    skip = {MANIFEST_NAME, CARD_NAME, ONNX_FILE}
    if not keep_weights:
        skip.add(WEIGHTS_FILE)
    for name in source.manifest.files:
        if name in skip:
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.path / name, destination)
    onnx_settings = TransformerSettings(
        **{**settings.to_dict(), "runtime": "onnx", "tokenizer": tokenizer_choice}
    )
    note = (
        f"\n## ONNX export\nExported from `{source.path.name}` with torch.onnx (opset {opset}, "
        f"dynamic batch and sequence axes); runs on ONNX Runtime (CPU). Logits match torch "
        f"within {MAX_LOGIT_DIFF:g} on sample comments; tokenizer: "
        f"{'tokenizer.json through `tokenizers`' if tokenizer_choice == 'file' else 'transformers AutoTokenizer'}.\n"
    )
    atomic_write_text(target / CARD_NAME, source.card.rstrip("\n") + "\n" + note)
    files = [name for name in source.manifest.files if name not in skip and name != CARD_NAME] + [
        CARD_NAME,
        ONNX_FILE,
    ]
    extra = {**source.manifest.extra, SETTINGS_KEY: onnx_settings.to_dict()}
    extra["onnx"] = {
        "opset": opset,
        "exported_from": str(source.path),
        "keep_weights": keep_weights,
    }
    data = json.loads(source.manifest.to_json())
    data.update({"files": hash_files(target, sorted(set(files))), "extra": extra})
    write_manifest(target, Manifest.from_dict(data, str(target / MANIFEST_NAME)))
    return target


def _logits_module(model: Any, names: list[str]) -> Any:
    """The classifier as positional tensors -> logits, which is what the ONNX graph exposes."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: Any) -> Any:
            return self.model(**dict(zip(names, tensors, strict=True))).logits

    return Logits().eval()


def _same_ids(target: Path, source: Path, encoder: Encoder, settings: TransformerSettings) -> bool:
    """Does tokenizer.json alone give the transformers tokenizer's ids on the sample comments?"""
    if not (source / TOKENIZER_FILE).is_file():
        return False
    try:
        fast = Encoder.from_dir(str(source), settings.max_length, use_file=True)
    except Exception:  # a tokenizer file `tokenizers` cannot read
        return False
    reference = encoder.encode(list(CHECK_TEXTS))
    candidate = fast.encode(list(CHECK_TEXTS))
    keys = ("input_ids", "attention_mask")
    return fast.pad_id == encoder.pad_id and all(
        a[key] == b[key] for a, b in zip(reference, candidate, strict=True) for key in keys
    )


def _check_logits(encoder: Encoder, torch_runner: Any, onnx_runner: Any, names: list[str]) -> None:
    encoded = encoder.encode(list(CHECK_TEXTS))
    for batch_items in (encoded, encoded[:1], encoded[3:5]):
        batch = encoder.pad(batch_items, names)
        expected = torch_runner.logits(batch)
        found = onnx_runner.logits({k: v for k, v in batch.items() if k in onnx_runner.input_names})
        diff = float(np.max(np.abs(expected - found)))
        if diff > MAX_LOGIT_DIFF:
            raise RuntimeError(
                f"ONNX logits differ from torch by {diff:.2e} (> {MAX_LOGIT_DIFF:g}) on sample "
                f"comments; the export is not faithful for this architecture: serve the torch "
                f"directory instead, or report the model type"
            )
