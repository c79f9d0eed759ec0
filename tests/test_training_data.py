import json

import pytest

from classifier.io.problems import InputError
from training.data import ColumnMapping, load_labeled, parse_label_map, split_of, text_key


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_good_and_bad_rows_are_reported_by_line(tmp_path):
    path = _write(
        tmp_path / "d.jsonl",
        [
            json.dumps(
                {"text": "hay quá", "label": "generic", "lang": "vi", "category": "generic_praise"},
                ensure_ascii=False,
            ),
            json.dumps({"text": "", "label": "generic"}),
            json.dumps({"text": "hello", "label": "spam"}),
            '{"text": "broken',
            json.dumps({"text": "bonjour", "label": "generic", "lang": "fr"}),
            json.dumps({"text": "hi", "label": "generic", "category": "question"}),
            json.dumps({"text": "油皮能用吗", "label": "substantive"}, ensure_ascii=False),
        ],
    )
    data = load_labeled(path)
    assert [r.text for r in data.rows] == ["hay quá", "油皮能用吗"]
    problems = {p.line: p for p in data.problems}
    assert set(problems) == {2, 3, 4, 5, 6}
    assert "empty text" in problems[2].problem and problems[2].field == "text"
    assert "unknown label 'spam'" in problems[3].problem
    assert "broken JSON" in problems[4].problem
    assert "wrong language code 'fr'" in problems[5].problem
    assert "does not belong" in problems[6].problem
    assert str(problems[3]).startswith(f"{path} line 3, field 'label'")


def test_csv_with_other_columns_and_label_map(tmp_path):
    path = _write(
        tmp_path / "yt.csv",
        [
            "COMMENT_ID,CONTENT,CLASS",
            'a,"Check out my channel, sub4sub",1',
            'b,"the drop at 2:10 gives me chills, what synth is that?",0',
            "c,nice,2",
        ],
    )
    mapping = ColumnMapping(
        text="CONTENT", label="CLASS", label_map=parse_label_map("1=generic,0=substantive")
    )
    data = load_labeled(path, mapping)
    assert [r.label for r in data.rows] == ["generic", "substantive"]
    assert data.problems[0].line == 4 and "unknown label '2'" in data.problems[0].problem


def test_missing_column_names_the_fix(tmp_path):
    path = _write(tmp_path / "c.csv", ["content,label", "hay,generic"])
    with pytest.raises(InputError, match=r"column 'text' not found .* pass --text-column"):
        load_labeled(path)


def test_bad_label_map_is_refused():
    with pytest.raises(InputError, match="VALUE=LABEL"):
        parse_label_map("1generic")
    with pytest.raises(InputError, match="labels must be one of"):
        parse_label_map("1=spam")


def test_parquet_loads(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "d.parquet"
    pq.write_table(
        pa.table({"text": ["好看", "这款粉底适合干皮吗"], "label": ["generic", "substantive"]}),
        path,
    )
    data = load_labeled(path)
    assert [r.label for r in data.rows] == ["generic", "substantive"]
    assert all(r.split in ("train", "validation", "test") for r in data.rows)


def test_split_is_stable_and_ignores_case_punctuation_and_digits():
    assert split_of("Hay quá!!") == split_of("hay quá") == split_of("HAY QUÁ 😍")
    assert text_key("Giá 150k?") == text_key("giá 990k")
    # Frozen values: the split of a text must never change across releases.
    assert [split_of(t) for t in ("hay quá", "f", "j", "油皮能用吗")] == [
        "train",
        "validation",
        "test",
        "test",
    ]


def test_emoji_only_texts_key_on_their_symbols():
    assert text_key("😍😍😍") == text_key("😍 😍") == "😍"
    assert text_key("❤️") == text_key("❤")  # the emoji variation selector does not count
    assert text_key("🔥👏") != text_key("😍")
    assert text_key("hay quá 😍") == "hayquá"  # with letters, emoji are dropped as before


def test_corpus_meets_the_contract(corpus):
    from collections import Counter

    from training.data import ALL_CATEGORIES, CATEGORIES

    assert not corpus.problems, corpus.problems[:3]
    for lang in ("vi", "zh", "en"):
        rows = [r for r in corpus.rows if r.lang == lang]
        assert len(rows) >= 2000, lang
        share = Counter(r.label for r in rows)["substantive"] / len(rows)
        assert 0.4 <= share <= 0.6, (lang, share)
        assert {r.category for r in rows} == set(ALL_CATEGORIES), lang
        assert all(r.category in CATEGORIES[r.label] for r in rows)


def test_corpus_splits_are_the_hash_of_the_text(corpus):
    assert all(r.split == split_of(r.text) for r in corpus.rows)


def test_no_exact_or_near_duplicate_crosses_splits(corpus):
    from training.corpus import near_duplicate_groups

    for lang in ("vi", "zh", "en"):
        rows = [r for r in corpus.rows if r.lang == lang]
        for group in near_duplicate_groups([r.text for r in rows]):
            assert len({rows[i].split for i in group}) == 1, [rows[i].text for i in group]
