"""genuine: tell substantive comments from generic ones, and score creators' engagement.

Public names::

    from classifier import load
    predictor = load()                      # the shipped default model
    predictor.predict("màu son này lên môi có bị khô không?")

    from classifier import score_creators
    report = score_creators(comments_df, creators=creators_df, predictor=predictor)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from classifier._version import __version__
from classifier.model_dir import ModelLoadError
from classifier.predictor import Prediction, Predictor, load

if TYPE_CHECKING:
    from classifier.scoring import CreatorReport

__all__ = [
    "CreatorReport",
    "ModelLoadError",
    "Prediction",
    "Predictor",
    "__version__",
    "load",
    "score_creators",
]


def score_creators(*args: Any, **kwargs: Any) -> CreatorReport:
    """Per-creator genuine-engagement report; see :func:`classifier.scoring.score_creators`."""
    from classifier.scoring import score_creators as _score_creators

    return _score_creators(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "CreatorReport":
        from classifier.scoring import CreatorReport

        return CreatorReport
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")
