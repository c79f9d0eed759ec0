"""The on-disk embedding cache: each text embedded once, across runs, with no pickle."""

import numpy as np
import pytest

from classifier.backends.embedding import EmbeddingSettings, TextEmbedder
from training.embed_cache import CachedEmbedder


@pytest.fixture()
def counting_encoder(monkeypatch):
    calls: list[list[str]] = []

    def fake_embed(self, texts):
        calls.append(list(texts))
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)

    monkeypatch.setattr(TextEmbedder, "_embed", fake_embed)
    return calls


def test_texts_are_embedded_once_and_read_back_from_disk(tmp_path, counting_encoder):
    settings = EmbeddingSettings(dim=3)
    first = CachedEmbedder(settings, tmp_path)
    vectors = first.embed(["banana", "kiwi", "banana"])
    assert counting_encoder == [["banana", "kiwi"]]
    assert vectors.shape == (3, 3) and vectors[0, 1] == 3 and np.all(vectors[0] == vectors[2])
    second = CachedEmbedder(settings, tmp_path)  # a new process: everything from disk
    again = second.embed(["kiwi", "banana", "apple"])
    assert counting_encoder == [["banana", "kiwi"], ["apple"]]
    assert np.all(again[0] == vectors[1]) and np.all(again[1] == vectors[0])
    shards = sorted(tmp_path.glob("shard-*.npz"))
    assert len(shards) == 2
    with np.load(shards[0], allow_pickle=False) as data:  # plain arrays, loadable without pickle
        assert data["vectors"].dtype == np.float16


def test_other_encoder_settings_do_not_share_vectors(tmp_path, counting_encoder):
    CachedEmbedder(EmbeddingSettings(dim=3), tmp_path).embed(["banana"])
    CachedEmbedder(EmbeddingSettings(dim=3, prefix="passage"), tmp_path).embed(["banana"])
    assert counting_encoder == [["banana"], ["banana"]]
