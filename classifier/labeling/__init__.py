"""Labeling a platform's own comments: the label file (:mod:`.store`), the picker that chooses
the next comment (:mod:`.picker`), agreement between two labelers (:mod:`.agreement`) and the
local labeling page (:mod:`.server`, run by ``genuine label``)."""

from classifier.labeling.store import (
    LabelLog,
    LabelRecord,
    append_label,
    read_label_log,
    read_labels,
    text_sha256,
)

__all__ = [
    "LabelLog",
    "LabelRecord",
    "append_label",
    "read_label_log",
    "read_labels",
    "text_sha256",
]
