"""`genuine label` without a browser: the label file, the picker, a session, agreement."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, f1_score

from classifier.io.problems import InputError
from classifier.labeling.agreement import compare
from classifier.labeling.estimate import macro_f1_interval, too_few_labels
from classifier.labeling.picker import ActivePicker, similarity_groups
from classifier.labeling.pool import Pool, read_pool
from classifier.labeling.session import LabelingError, LabelSession, ModelView, SessionConfig
from classifier.labeling.store import (
    LabelRecord,
    append_label,
    read_label_log,
    read_labels,
    text_sha256,
)
from genuine_cli.main import main

ROOT = Path(__file__).resolve().parent.parent


def record(text: str, label: str | None, category: str | None = None, **extra) -> LabelRecord:
    fields = {
        "pick": "uncertain",
        "labeler": "ann",
        "labeled_at": "2026-01-01T00:00:00+00:00",
        "row": 2,
        "input": "in.csv",
    }
    fields.update(extra)
    return LabelRecord(text_sha256(text), label, category, **fields)


# --- the label file -------------------------------------------------------------------------


def test_label_file_keeps_the_last_record_per_comment_and_drops_undone_and_skipped(tmp_path):
    path = tmp_path / "labels.ndjson"
    append_label(path, record("a", "generic", "emoji_only"))
    append_label(path, record("b", "substantive", "question"))
    append_label(path, record("c", "skip"))
    append_label(path, record("b", None, undone=True))
    append_label(path, record("a", "substantive", None))
    labels = read_labels(path)
    assert set(labels) == {text_sha256("a")}
    assert (labels[text_sha256("a")].label, labels[text_sha256("a")].category) == (
        "substantive",
        None,
    )
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert (
        lines[0]["text_hash"]
        == text_sha256("a")
        == ("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")
    )
    assert lines[3]["undone"] is True and "undone" not in lines[0]


def test_a_broken_line_in_the_middle_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "labels.ndjson"
    append_label(path, record("a", "generic"))
    with open(path, "a") as handle:
        handle.write('{"text_hash": "oops"\n')
    append_label(path, record("b", "generic"))
    with pytest.raises(InputError, match=r"labels\.ndjson line 2: not a JSON object"):
        read_labels(path)


def test_a_record_with_a_category_of_the_other_label_is_refused_naming_line_and_field(tmp_path):
    path = tmp_path / "labels.ndjson"
    bad = json.loads(record("a", "generic").to_json()) | {"category": "question"}
    path.write_text(json.dumps(bad) + "\n")
    with pytest.raises(InputError, match=r"line 1: field 'category': 'question' is not"):
        read_labels(path)


def test_a_half_written_last_line_is_left_out_reported_and_cut_by_the_next_append(tmp_path, caplog):
    path = tmp_path / "labels.ndjson"
    append_label(path, record("a", "generic"))
    with open(path, "a") as handle:
        handle.write(record("b", "substantive").to_json()[:40])  # killed mid-write
    with caplog.at_level(logging.WARNING):
        log = read_label_log(path)
    assert [r.text_hash for r in log.records] == [text_sha256("a")]
    assert log.torn_line == 2
    assert "line 2: left out a half-written last line" in caplog.text
    append_label(path, record("c", "generic"))
    assert set(read_labels(path)) == {text_sha256("a"), text_sha256("c")}
    assert read_label_log(path).torn_line is None


_WRITER = """
import sys
from classifier.labeling.store import LabelRecord, append_label, text_sha256
i = 0
while True:
    append_label(sys.argv[1], LabelRecord(text_sha256(str(i)), "generic", None, "random",
                 "ann", "2026-01-01T00:00:00+00:00", i + 1, "in.csv"))
    i += 1
"""


def test_killing_the_writer_mid_stream_loses_no_label_it_finished(tmp_path):
    path = tmp_path / "labels.ndjson"
    process = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while (not path.exists() or path.stat().st_size < 20_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    labels = read_labels(path)
    assert len(labels) >= 50
    # the labels are the numbers 0..n-1 written in order: none lost in between
    assert set(labels) == {text_sha256(str(i)) for i in range(len(labels))}


# --- picking ---------------------------------------------------------------------------------


def _pool(texts: list[str]) -> Pool:
    return Pool(
        "in.csv",
        [text_sha256(t) for t in texts],
        texts,
        [None] * len(texts),
        list(range(2, len(texts) + 2)),
        [1] * len(texts),
    )


BORDERLINE = [
    f"I think the part about {w} was a bit confusing but overall okay I guess"
    for w in (
        "flour",
        "sugar",
        "salt",
        "yeast",
        "water",
        "butter",
        "eggs",
        "milk",
        "oven",
        "timing",
    )
]
OTHERS = [
    "which lens did you use for the night shots",
    "bottom watering helped me more than anything",
    "giá 450k mà chất vải mỏng vậy thì hơi chát",
    "这个粉底我用了一周，混油皮下午会浮粉",
    "the 3:40 tip about tempering chocolate saved my cake",
    "size M có k ạ?",
    "最后那个转场是用什么软件做的",
    "not true, the EU rule only applies to imports over 150 euros",
    "em dùng em này 2 tuần, da dầu mà chiều vẫn không bóng",
    "tried this with oat milk and it split, use whole milk",
    "check out my channel for more recipes",
    "đoạn 2:15 chị trộn bột trước hay sau khi cho trứng",
]


def test_uncertain_picks_are_spread_over_similarity_groups_not_copies_of_one_comment():
    texts = BORDERLINE * 1 + [f"{BORDERLINE[0]} !!!{'!' * i}" for i in range(40)] + OTHERS
    groups = similarity_groups(texts)
    assert len(set(groups[: len(BORDERLINE) + 40])) <= 3  # near-copies share a group
    assert len(set(groups[len(BORDERLINE) + 40 :])) == len(OTHERS)
    margins = np.r_[np.full(len(BORDERLINE) + 40, 0.01), np.linspace(0.05, 0.45, len(OTHERS))]
    picker = ActivePicker(margins, groups, np.ones(len(texts)), random_share=0.0)
    picked = []
    for n in range(10):
        pick = picker.next(0, n)
        assert pick is not None and pick.kind == "uncertain"
        picker.mark(pick.index)
        picked.append(pick.index)
    near_copies = [i for i in picked if i < len(BORDERLINE) + 40]
    assert len(near_copies) <= 3
    # the rest are the next least sure of the other comments, in order
    assert [i for i in picked if i >= len(BORDERLINE) + 40][:3] == [
        len(BORDERLINE) + 40,
        len(BORDERLINE) + 41,
        len(BORDERLINE) + 42,
    ]


def test_one_pick_in_four_is_random_and_random_picks_ignore_the_model():
    n = 2000
    margins = np.linspace(0.0, 0.5, n)  # comment i: the model is less sure the smaller i
    picker = ActivePicker(margins, np.arange(n), np.ones(n), random_share=0.25, seed=3)
    kinds, random_indices = [], []
    n_random = 0
    for total in range(200):
        pick = picker.next(n_random, total)
        assert pick is not None
        picker.mark(pick.index)
        kinds.append(pick.kind)
        if pick.kind == "random":
            n_random += 1
            random_indices.append(pick.index)
    assert kinds[:8] == ["uncertain"] * 3 + ["random"] + ["uncertain"] * 3 + ["random"]
    assert kinds.count("random") == 50
    # uncertain picks take the least sure comments; random ones come from everywhere
    uncertain = [i for i, k in zip(range(200), kinds, strict=True) if k == "uncertain"]
    assert uncertain == sorted(uncertain)
    assert np.median(random_indices) > n / 4 and max(random_indices) > n / 2


# --- a session, as the page drives it --------------------------------------------------------


def _session(tmp_path, texts, scores, **config) -> LabelSession:
    pool = _pool(texts)
    model = ModelView(np.asarray(scores, dtype=float), np.full(len(texts), 0.5))
    return LabelSession(
        pool, model, SessionConfig("in.csv", tmp_path / "labels.ndjson", "ann", **config)
    )


def test_a_restarted_session_never_shows_a_labeled_comment_again(tmp_path):
    texts = [f"comment {w} number" for w in "abcdefghij"]
    scores = np.linspace(0.45, 0.95, len(texts))
    session = _session(tmp_path, texts, scores, random_share=0.0)
    shown = []
    for label in ("generic", "substantive", "skip"):
        current = session.state()["current"]
        shown.append(current["text_hash"])
        session.give(current["text_hash"], label, None)
    again = _session(tmp_path, texts, scores, random_share=0.0)
    state = again.state()
    assert state["current"]["text_hash"] not in shown
    assert state["progress"]["labeled"] == 2 and state["progress"]["skipped"] == 1
    assert state["progress"]["left_to_pick"] == len(texts) - 3


def test_undo_takes_back_the_last_label_and_shows_that_comment_again(tmp_path):
    texts = [f"comment {w} number" for w in "abcdef"]
    session = _session(tmp_path, texts, np.linspace(0.3, 0.9, 6), random_share=0.0)
    first = session.state()["current"]
    session.give(first["text_hash"], "generic", "generic_praise")
    second = session.state()["current"]
    session.give(second["text_hash"], "substantive", "opinion")
    state = session.undo()
    assert state["current"]["text_hash"] == second["text_hash"]
    assert state["undone"] == {"label": "substantive", "category": "opinion", "row": second["row"]}
    assert set(read_labels(tmp_path / "labels.ndjson")) == {first["text_hash"]}
    state = session.undo()
    assert state["current"]["text_hash"] == first["text_hash"]
    with pytest.raises(LabelingError, match="nothing to undo"):
        session.undo()


def test_a_label_for_a_comment_not_shown_now_is_refused(tmp_path):
    session = _session(tmp_path, ["one comment", "another one"], [0.5, 0.9])
    with pytest.raises(LabelingError, match="not the one shown now") as error:
        session.give(text_sha256("another one"), "generic", None)
    assert error.value.status == 409
    current = session.state()["current"]["text_hash"]
    with pytest.raises(LabelingError, match="not a category of 'generic'"):
        session.give(current, "generic", "question")
    assert not (tmp_path / "labels.ndjson").exists() or not read_labels(tmp_path / "labels.ndjson")


def test_progress_estimates_the_models_macro_f1_on_random_labels_only(tmp_path):
    rng = np.random.default_rng(0)
    n = 200
    texts = [f"comment number {i} {'x' * (i % 7)}" for i in range(n)]
    scores = rng.random(n)
    session = _session(tmp_path, texts, scores, random_share=0.5, seed=1)
    truth_of = {}
    state = session.state()
    assert state["progress"]["need"] == "need 30 more random labels (have 0, need 30)"
    for _ in range(90):
        current = state["current"]
        index = texts.index(current["text"])
        # the labeler agrees with the model 80% of the time
        substantive = (scores[index] >= 0.5) == (rng.random() < 0.8)
        label = "substantive" if substantive else "generic"
        if current["pick"] == "random":
            truth_of[index] = substantive
        state = session.give(current["text_hash"], label, None)
    progress = state["progress"]
    assert progress["random_labeled"] == len(truth_of) == 45
    indices = list(truth_of)
    truth = np.array([truth_of[i] for i in indices])
    predicted = scores[indices] >= 0.5
    expected = f1_score(truth, predicted, average="macro")
    assert progress["estimate"]["macro_f1"] == pytest.approx(expected)
    assert progress["estimate"]["low"] < expected < progress["estimate"]["high"]
    assert progress["need"] is None


def test_second_labeler_labels_the_first_ones_comments_in_order_without_their_labels(tmp_path):
    texts = [f"comment {w} number" for w in "abcdefgh"]
    first = _session(tmp_path, texts, np.linspace(0.2, 0.9, 8), random_share=0.25)
    order = []
    for label in ("generic", "substantive", "skip", "generic", "generic"):
        current = first.state()["current"]
        order.append((current["text_hash"], current["pick"], label))
        first.give(current["text_hash"], label, None)
    pool = _pool(texts)
    second = LabelSession(
        pool,
        ModelView(np.linspace(0.2, 0.9, 8), np.full(8, 0.5)),
        SessionConfig(
            "in.csv", tmp_path / "bob.ndjson", "bob", first_labels=tmp_path / "labels.ndjson"
        ),
    )
    seen = []
    state = second.state()
    while state["current"]:
        assert "label" not in state["current"]
        seen.append((state["current"]["text_hash"], state["current"]["pick"]))
        state = second.give(state["current"]["text_hash"], "generic", None)
    assert seen == [(h, pick) for h, pick, label in order if label != "skip"]
    assert state["progress"]["second"] == {"total": 4, "left": 0, "not_in_input": 0}


# --- reading the input -----------------------------------------------------------------------


def test_input_rows_that_cannot_be_read_are_named_and_the_rest_is_kept(tmp_path):
    path = tmp_path / "comments.jsonl"
    path.write_text(
        '{"text": "good one", "post": "P"}\n{"text": \n{"text": 5}\n{"text": "good one"}\n'
        '{"text": "   "}\n{"text": "second"}\n'
    )
    pool = read_pool(str(path), post_column="post")
    assert pool.texts == ["good one", "second"] and pool.counts == [2, 1]
    assert pool.posts == ["P", None] and pool.rows == [1, 6]
    assert [str(p) for p in pool.problems] == [
        f"{path} line 2: broken JSON (Expecting value at column 9)",
        f"{path} line 3, field 'text': expected text, found int",
        f"{path} line 5, field 'text': empty text",
    ]
    with pytest.raises(InputError, match=r"column 'body' not found .* pass --text-column"):
        read_pool(str(path), text_column="body")


# --- agreement -------------------------------------------------------------------------------


def test_agreement_prints_kappa_and_the_disagreements_with_their_text(tmp_path, capsys):
    texts = ["hay quá", "size M có k ạ?", "好看", "which lens is this", "first", "nice"]
    first = ["generic", "substantive", "generic", "substantive", "generic", "generic"]
    second = ["generic", "substantive", "substantive", "substantive", "generic", "substantive"]
    a, b = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    for row, (text, la, lb) in enumerate(zip(texts, first, second, strict=True), start=2):
        append_label(a, record(text, la, row=row))
        append_label(b, record(text, lb, row=row, labeler="bob"))
    append_label(b, record("only in b", "generic"))
    result = compare(read_labels(a), read_labels(b))
    assert result.label_kappa == pytest.approx(cohen_kappa_score(first, second))
    assert [d.first.row for d in result.disagreements] == [4, 7]
    comments = tmp_path / "comments.csv"
    comments.write_text("text\n" + "\n".join(texts) + "\n", encoding="utf-8")
    assert main(["label", "--agreement", str(a), str(b), "--input", str(comments)]) == 0
    out = capsys.readouterr().out
    assert "labeled in both: 6 (only in A: 0, only in B: 1)" in out
    assert f"Cohen's kappa {cohen_kappa_score(first, second):.3f}" in out
    assert "2 disagreements to settle (2 on the label, 0 on the category only)" in out
    assert "好看" in out and "nice" in out and "hay quá" not in out


def test_agreement_without_shared_comments_is_a_clear_error(tmp_path, capsys):
    a, b = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    append_label(a, record("x", "generic"))
    append_label(b, record("y", "generic"))
    assert main(["label", "--agreement", str(a), str(b)]) == 2
    assert "share no labeled comment" in capsys.readouterr().err


def test_bootstrap_interval_matches_resampling_comments():
    rng = np.random.default_rng(5)
    truth = rng.random(300) < 0.4
    predicted = np.where(rng.random(300) < 0.85, truth, ~truth)
    estimate = macro_f1_interval(truth, predicted)
    assert estimate.macro_f1 == pytest.approx(f1_score(truth, predicted, average="macro"))
    idx = rng.integers(0, 300, (2000, 300))  # resample comments, as the textbook does
    t, p = truth[idx], predicted[idx]
    tp, tn = (t & p).sum(1), (~t & ~p).sum(1)
    wrong = (t != p).sum(1)
    resampled = (2 * tp / (2 * tp + wrong) + 2 * tn / (2 * tn + wrong)) / 2
    low, high = np.percentile(resampled, [2.5, 97.5])
    assert estimate.low == pytest.approx(low, abs=0.01)
    assert estimate.high == pytest.approx(high, abs=0.01)
    assert too_few_labels(truth[:10]) == "need 20 more random labels (have 10, need 30)"
    assert "generic (2)" in str(too_few_labels(np.r_[np.ones(40, bool), np.zeros(2, bool)]))


def test_packaged_guide_is_data_labeling_md():
    packaged = ROOT / "classifier" / "resources" / "LABELING.md"
    assert packaged.read_text("utf-8") == (ROOT / "data" / "LABELING.md").read_text("utf-8"), (
        "copy data/LABELING.md to classifier/resources/LABELING.md (the page serves the copy)"
    )


def test_label_without_input_or_output_says_what_to_give(capsys):
    assert main(["label"]) == 2
    assert "genuine label INPUT -o LABELS" in capsys.readouterr().err


def test_second_labeler_cannot_write_into_the_first_file(tmp_path, capsys):
    labels = tmp_path / "a.ndjson"
    append_label(labels, record("x", "generic"))
    comments = tmp_path / "c.csv"
    comments.write_text("text\nx\n")
    code = main(["label", str(comments), "--second-labeler", str(labels), "-o", str(labels)])
    assert code == 2
    assert "must be your own label file" in capsys.readouterr().err
    assert os.path.getsize(labels) > 0
