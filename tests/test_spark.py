"""The Spark path (classifier.spark) against the single-machine path, in Spark local mode.

One SparkSession for the module (local[2], 2 shuffle partitions). The shipped example data is
scored both ways and every table is compared: counts exactly, floats to 1e-9, text (verdicts,
reasons, flags, evidence) exactly. Skips only where pyspark or Java is missing.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = [
    pytest.mark.spark,
    # pyspark 4 calls astype(copy=False) in its Arrow conversions, which pandas 3 deprecates.
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
    # ... and warns on each Arrow conversion that pandas 3 is "not yet fully supported".
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
]

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'genuine[spark]')")
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("Java is not installed (Spark needs Java 17+)", allow_module_level=True)

from classifier.scoring import score_creators  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
DEFAULT_MODEL = ROOT / "models" / "default"


@pytest.fixture(scope="module")
def spark():
    from classifier.spark import spark_session

    session = spark_session(
        "local[2]",
        "genuine-tests",
        shuffle_partitions=2,
        driver_memory="1g",
        conf={
            "spark.ui.enabled": "false",
            "spark.sql.adaptive.enabled": "true",
            # Many small jobs: the JIT's quick tier and a serial GC start faster on 2 cores.
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def model_dir(request) -> Path:
    if (DEFAULT_MODEL / "manifest.json").exists():
        return DEFAULT_MODEL
    return request.getfixturevalue("tiny_model_dir")


@pytest.fixture(scope="module")
def predictor(model_dir):
    import classifier

    return classifier.load(str(model_dir))


@pytest.fixture(scope="module")
def example_parquet(tmp_path_factory) -> dict[str, Path]:
    """The shipped example CSVs as Parquet (all columns text, as the CSV reader sees them)."""
    folder = tmp_path_factory.mktemp("examples")
    paths = {}
    for name in ("comments", "posts", "creators"):
        frame = pd.read_csv(EXAMPLES / f"{name}.csv", dtype=str, keep_default_na=False)
        paths[name] = folder / f"{name}.parquet"
        frame.to_parquet(paths[name], index=False)
    return paths


def _close(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality: numbers to 1e-9 (NaN == NaN), lists and text exactly."""
    if a.name == "reasons" or a.map(lambda v: isinstance(v, list | tuple | np.ndarray)).any():
        return np.array(
            [
                list(x if x is not None else []) == list(y if y is not None else [])
                for x, y in zip(a, b, strict=True)
            ]
        )
    try:
        x = pd.to_numeric(a, errors="raise").astype(float).to_numpy()
        y = pd.to_numeric(b, errors="raise").astype(float).to_numpy()
    except (ValueError, TypeError):
        xs = [None if pd.isna(v) else str(v) for v in a]
        ys = [None if pd.isna(v) else str(v) for v in b]
        return np.array([u == v for u, v in zip(xs, ys, strict=True)])
    return (np.abs(x - y) <= 1e-9) | (np.isnan(x) & np.isnan(y))


def assert_tables_equal(single: pd.DataFrame, spark: pd.DataFrame, key: str) -> None:
    assert list(spark.columns) == list(single.columns)
    assert len(spark) == len(single)
    a = single.sort_values(key, kind="stable").reset_index(drop=True)
    b = spark.sort_values(key, kind="stable").reset_index(drop=True)
    diffs = {}
    for column in a.columns:
        if column == "_source":  # a file path on one side, a file URI on the other
            continue
        if column in ("created_at", "posted_at"):
            x = pd.to_datetime(a[column], utc=True)
            y = pd.to_datetime(b[column], utc=True)
            same = np.asarray((x == y) | (x.isna() & y.isna()))
        else:
            same = _close(a[column], b[column])
        if not np.all(same):
            row = int(np.flatnonzero(~np.asarray(same))[0])
            diffs[column] = (a[column].iloc[row], b[column].iloc[row])
    assert not diffs, f"columns differ (first differing row, single vs spark): {diffs}"


@pytest.fixture(scope="module")
def both(spark, example_parquet, predictor, model_dir):
    """The example data scored on one machine and with Spark, from the same Parquet files."""
    from classifier.spark import score_creators_df

    paths = example_parquet
    single = score_creators(paths["comments"], paths["posts"], paths["creators"], predictor)
    report = score_creators_df(
        spark.read.parquet(str(paths["comments"])),
        spark.read.parquet(str(paths["posts"])),
        spark.read.parquet(str(paths["creators"])),
        model=model_dir,
        local_rows=0,  # the distributed path, however small the input
    )
    return single, report, report.to_report()


# --- predict_df -------------------------------------------------------------------------------


TEXTS = [
    "đẹp quá",
    "Chị ơi cho em hỏi son này có bị khô môi không ạ, da em hơi khô",
    "好看",
    "这个杯子能放洗碗机吗？我上次买的一洗就掉色了",
    "so cute",
    "what lens did you use for the night shots? they look super clean",
    None,
    "",
    "ib zalo 0912345678 nhận hàng sỉ",
    "so cute",
]


def test_predict_df_equals_the_predictor(spark, predictor, model_dir):
    from classifier.spark import predict_df

    frame = pd.DataFrame({"id": range(len(TEXTS)), "text": TEXTS})
    df = spark.createDataFrame(frame, "id long, text string").repartition(2)
    out = predict_df(df, model=model_dir, reasons=True).toPandas().sort_values("id")
    assert list(out.columns) == ["id", "text", "label", "score", "lang", "reasons"]
    expected = predictor.predict(TEXTS)
    for (_, row), want in zip(out.iterrows(), expected, strict=True):
        if want.label is None:  # not text: no label, no score
            assert pd.isna(row["label"]) and pd.isna(row["score"])
        else:
            assert row["label"] == want.label
            assert row["score"] == pytest.approx(want.score, abs=1e-12)
            assert list(row["reasons"]) == list(want.reasons)
        assert row["lang"] == want.lang
    plain = predict_df(df, model=model_dir).columns
    assert plain == ["id", "text", "label", "score", "lang"]


def test_predict_df_loads_the_model_once_per_worker_process(spark, model_dir):
    from pyspark.sql import functions as F

    from classifier.spark import predict_df

    texts = spark.createDataFrame(
        pd.DataFrame({"text": [f"comment number {i} about the recipe" for i in range(400)]})
    ).repartition(2)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "16")  # 25 batches
    try:
        assert predict_df(texts, model=model_dir).where(F.col("label").isNotNull()).count() == 400

        def loads(batches):
            import os as _os

            from classifier.spark import session as module

            for batch in batches:
                yield pd.DataFrame(
                    {
                        "pid": [_os.getpid()] * len(batch),
                        "loads": [max(module._LOADS.values(), default=0)] * len(batch),
                        "paths": [";".join(module._LOADS)] * len(batch),
                    }
                )

        stats = texts.mapInPandas(loads, "pid long, loads long, paths string").toPandas()
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    assert stats["loads"].max() == 1  # once per process, never per batch
    shipped = [p for p in ";".join(stats["paths"]).split(";") if p]
    # The workers read the copy that SparkContext.addFile shipped, not the driver's folder.
    assert shipped and all(Path(p).resolve() != Path(model_dir).resolve() for p in shipped)


def test_predict_df_names_a_missing_column(spark, model_dir):
    from classifier.io.problems import InputError
    from classifier.spark import predict_df

    df = spark.createDataFrame(pd.DataFrame({"content": ["hi"]}))
    with pytest.raises(InputError, match=r"column 'text' not found.*\['content'\].*text_col"):
        predict_df(df, model=model_dir)


# --- score_creators_df ------------------------------------------------------------------------


def test_creators_equal_the_single_machine_path(both):
    single, _, spark_report = both
    assert_tables_equal(single.creators, spark_report.creators, "creator_id")
    ranked = spark_report.creators.sort_values("rank")
    assert ranked["creator_id"].tolist() == single.creators["creator_id"].tolist()


def test_posts_and_comments_equal_the_single_machine_path(both):
    single, _, spark_report = both
    assert_tables_equal(single.posts, spark_report.posts, "post_id")
    assert_tables_equal(single.comments, spark_report.comments, "_line")


def test_evidence_equals_the_single_machine_path(both):
    single, _, spark_report = both
    assert single.clusters and single.pods and single.bursts and single.repeat_authors
    # Same clusters with the same ids (C1 = most comments), same pods (P1...), same evidence.
    assert [asdict(c) for c in spark_report.clusters] == [asdict(c) for c in single.clusters]
    assert [asdict(p) for p in spark_report.pods] == [asdict(p) for p in single.pods]

    def key(record):
        return sorted(str(v) for v in asdict(record).values())

    assert sorted(map(key, spark_report.bursts)) == sorted(map(key, single.bursts))
    assert sorted(map(key, spark_report.repeat_authors)) == sorted(map(key, single.repeat_authors))
    assert spark_report.signals_off == single.signals_off
    assert spark_report.notes == single.notes
    assert spark_report.problems == single.problems == ()


def test_small_inputs_are_scored_on_the_driver_with_the_same_results(
    spark, example_parquet, model_dir, both, tmp_path
):
    """Up to ``local_rows`` comments the tables are collected and scored by ``score_creators``
    itself (no Spark job per step): the same tables, evidence and problems as the distributed
    path, returned as DataFrames of the same types; a local output folder is written by pyarrow
    from the driver's report, without a Spark job."""
    from dataclasses import replace

    from classifier.spark import score_creators_df
    from classifier.spark.report import creators_frame

    single, distributed, expected = both
    paths = example_parquet
    report = score_creators_df(
        *(spark.read.parquet(str(paths[name])) for name in ("comments", "posts", "creators")),
        model=model_dir,
    )
    assert report._persisted == ()  # nothing was checkpointed: no distributed step ran
    for name in ("creators", "posts", "comments", "clusters", "pods", "bursts", "problems"):
        types = [
            [(f.name, f.dataType.simpleString()) for f in getattr(r, name).schema]
            for r in (report, distributed)
        ]
        assert types[0] == types[1], name
    got = replace(report, _local=None).to_report()  # collected from the DataFrames
    assert_tables_equal(expected.creators, got.creators, "creator_id")
    assert_tables_equal(expected.posts, got.posts, "post_id")
    assert_tables_equal(expected.comments, got.comments, "_line")
    _evidence_equal(single, got)
    assert (got.notes, got.problems, got.label_source) == (
        expected.notes,
        expected.problems,
        expected.label_source,
    )
    before = spark.sparkContext.statusTracker().getJobIdsForGroup()
    written = report.write(tmp_path / "out")
    assert spark.sparkContext.statusTracker().getJobIdsForGroup() == before  # no Spark job
    assert str(tmp_path / "out" / "flags.json") in written
    creators = creators_frame(pd.read_parquet(tmp_path / "out" / "creators"))
    assert_tables_equal(expected.creators, creators[list(expected.creators.columns)], "creator_id")


def test_small_inputs_from_several_files_keep_each_row_s_file(spark, tmp_path):
    """The small-input path reads a folder of Parquet files as the distributed path does: each
    comment keeps the file it came from (Spark forgets it past a limit), and a bad row is
    reported against its own file."""
    from classifier.spark import score_creators_df

    frame = pd.read_csv(EXAMPLES / "comments.csv").head(300)
    frame["label"] = np.where(frame.index % 3 == 0, "generic", "substantive")
    frame.loc[250, "text"] = ""
    folder = tmp_path / "comments"
    folder.mkdir()
    frame.iloc[:200].to_parquet(folder / "a.parquet", index=False)
    frame.iloc[200:].to_parquet(folder / "b.parquet", index=False)
    got = score_creators_df(spark.read.parquet(str(folder))).to_report()
    files = sorted({Path(str(s).removeprefix("file:")).name for s in got.comments["_source"]})
    assert files == ["a.parquet", "b.parquet"]
    assert [(Path(p.source.removeprefix("file:")).name, p.field) for p in got.problems] == [
        ("b.parquet", "text")
    ]


def test_report_writes_parquet_and_flags(both, tmp_path):
    import json

    _, report, _ = both
    written = report.write(tmp_path / "out")
    assert (tmp_path / "out" / "creators").is_dir()
    creators = pd.read_parquet(tmp_path / "out" / "creators")
    assert len(creators) == 12 and creators["rank"].min() == 1
    flags = json.loads((tmp_path / "out" / "flags.json").read_text(encoding="utf-8"))
    assert flags["labels_from"].startswith("model genuine-default ")
    assert str(DEFAULT_MODEL) not in flags["labels_from"]  # reports leave the machine: no path
    assert str(tmp_path / "out" / "flags.json") in written
    # The collected report goes through the single-machine writer, HTML page included.
    from classifier.scoring.output import write_report

    _, _, collected = both
    write_report(collected, tmp_path / "html")
    assert (tmp_path / "html" / "report.html").stat().st_size > 0


def test_write_local_replaces_a_table_folder_whole(both, tmp_path):
    """Written twice to one folder: each table folder holds the second report only (staged,
    then renamed in place), nothing half-written or left over from the first."""
    from classifier.spark.report import write_local

    single, _, _ = both
    out = tmp_path / "out"
    write_local(single, out)
    (out / "creators" / "part-00001.parquet").write_bytes(b"left from an older run")
    fewer = type(single)(**{**single.__dict__, "creators": single.creators.iloc[:3]})
    written = write_local(fewer, out)
    assert sorted(p.name for p in (out / "creators").iterdir()) == [
        "_SUCCESS",
        "part-00000.parquet",
    ]
    assert pd.read_parquet(out / "creators")["creator_id"].tolist() == (
        single.creators["creator_id"].iloc[:3].tolist()
    )
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging folder left
    assert str(out / "flags.json") in written


def _types(schema) -> list[tuple[str, str]]:
    """Column names and types; Spark marks some never-null columns NOT NULL, pandas none."""
    return [(field.name, str(field.type).replace(" not null", "")) for field in schema]


def test_cli_label_column_exclusions_and_bad_rows_match(spark, tmp_path, example_parquet):
    """``genuine spark-score`` on labeled comments (no model), no posts table, an exclusion
    list and a few bad rows: the same creators table and problems as ``score_creators``. Small
    local Parquet files are scored without starting Spark; distributed (``--local-rows 0``),
    every table it writes has the same schema and rows."""
    import pyarrow.parquet as pq

    from classifier.spark.report import TABLES
    from genuine_cli.main import main

    comments = pd.read_parquet(example_parquet["comments"])
    keep = comments["creator_id"].isin(
        ["vi_ha.outfit", "en_jess.fitlife", "zh_meimei.skincare", "en_sambakes"]
    )
    comments = comments.loc[keep].reset_index(drop=True)
    rng = np.random.default_rng(0)
    comments["score"] = np.round(rng.random(len(comments)), 3).astype(str)
    comments.loc[3, "text"] = "   "  # bad: empty text
    comments.loc[5, "created_at"] = "yesterday-ish"  # bad: unparsable time
    comments.loc[7, "score"] = "n/a"  # bad: no usable score
    path = tmp_path / "labeled.parquet"
    comments.to_parquet(path, index=False)
    authors = comments["author_id"].value_counts().index[:3].tolist()
    exclude = ",".join(authors)

    single = score_creators(path, None, example_parquet["creators"], exclude_authors=exclude)
    out, distributed = tmp_path / "out", tmp_path / "distributed"
    command = ["spark-score", str(path), str(out), "--creators", str(example_parquet["creators"])]
    command += ["--exclude-authors", exclude, "--master", "local[2]", "-q"]
    before = spark.sparkContext.statusTracker().getJobIdsForGroup()
    assert main(command) == 0
    assert spark.sparkContext.statusTracker().getJobIdsForGroup() == before  # no Spark job
    command[2] = str(distributed)
    assert main([*command, "--local-rows", "0"]) == 0
    creators = pd.read_parquet(out / "creators")
    creators["reasons"] = creators["reasons"].map(list)
    assert_tables_equal(single.creators, creators[list(single.creators.columns)], "creator_id")
    problems = pd.read_parquet(out / "problems").sort_values("line")
    assert problems[["line", "field"]].values.tolist() == [
        [p.line, p.field] for p in sorted(single.problems, key=lambda p: p.line)
    ]
    assert (out / "creators.csv").is_file() and (out / "flags.json").is_file()
    for table in (*TABLES, "problems"):
        here, there = pq.read_table(out / table), pq.read_table(distributed / table)
        assert _types(here.schema) == _types(there.schema), table
        a, b = here.to_pandas(), there.to_pandas()
        for frame in (a, b):  # a path here, a file URI from Spark
            frame["_source" if "_source" in frame else "source"] = None
        key = [c for c in ("creator_id", "_line", "line", "cluster_id") if c in a.columns][:1]
        a, b = (f.sort_values(key or list(f.columns[:1])).reset_index(drop=True) for f in (a, b))
        pd.testing.assert_frame_equal(a, b, rtol=1e-9, obj=table)
    for name in ("flags.json", "creators.csv", "creators.json"):
        assert (out / name).read_bytes() == (distributed / name).read_bytes(), name


def test_components_find_the_smallest_node_of_each_component(spark):
    from classifier.spark.signals import components

    chain = [(i, i + 1) for i in range(10, 22)]  # a chain: several large/small-star rounds
    star = [(100, 105), (105, 103), (103, 101), (200, 201)]
    edges = spark.createDataFrame(chain + star, "src long, dst long")
    found = dict(components(edges).toPandas()[["node", "component"]].values.tolist())
    assert {found[i] for i in range(10, 23)} == {10}
    assert {found[i] for i in (100, 101, 103, 105)} == {100}
    assert found[200] == found[201] == 200
    assert len(found) == 13 + 4 + 2


# --- small hand-made cases --------------------------------------------------------------------


def _evidence_equal(single, spark_report) -> None:
    assert [asdict(c) for c in spark_report.clusters] == [asdict(c) for c in single.clusters]
    assert [asdict(p) for p in spark_report.pods] == [asdict(p) for p in single.pods]

    def key(record):
        return sorted(str(v) for v in asdict(record).values())

    assert sorted(map(key, spark_report.bursts)) == sorted(map(key, single.bursts))
    assert sorted(map(key, spark_report.repeat_authors)) == sorted(map(key, single.repeat_authors))
    assert spark_report.signals_off == single.signals_off


def test_typed_synthetic_tables_equal_the_single_machine_path(spark, tmp_path):
    """Typed Parquet columns (timestamps, booleans, integers), label columns instead of a
    model, 16 creators over 2 buckets (the shuffle partitions): copy-paste clusters spanning
    creators that share a bucket, sponsored posts, followers (pods and bursts: the example data)."""
    import sys

    from classifier.spark import score_creators_df

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth_comments import synth

    comments, posts, creators = synth(2000, 16, seed=3)
    paths = {}
    for name, frame in (("comments", comments), ("posts", posts), ("creators", creators)):
        paths[name] = tmp_path / f"{name}.parquet"
        frame.to_parquet(paths[name], index=False)
    single = score_creators(paths["comments"], paths["posts"], paths["creators"])
    cached_before = _cached_rdds(spark)
    report = score_creators_df(
        spark.read.parquet(str(paths["comments"])),
        spark.read.parquet(str(paths["posts"])),
        spark.read.parquet(str(paths["creators"])),
        local_rows=0,
    )
    assert len(report._persisted) >= 8 and _cached_rdds(spark) - cached_before
    got = report.to_report()
    # More creators with copies of one cluster than buckets: some share a bucket.
    assert max(sum(n >= 2 for n in c.comments_by_creator.values()) for c in single.clusters) > 2
    assert_tables_equal(single.creators, got.creators, "creator_id")
    assert got.creators["creator_id"].tolist() == single.creators["creator_id"].tolist()
    assert_tables_equal(single.posts, got.posts, "post_id")
    assert_tables_equal(single.comments, got.comments, "_line")
    _evidence_equal(single, got)
    report.unpersist()  # frees every checkpoint the job made (a plain unpersist frees none)
    assert _cached_rdds(spark) <= cached_before


def _cached_rdds(spark) -> set[int]:
    """Ids of the RDDs with blocks held on the executors (local checkpoints included)."""
    return {info.id() for info in spark.sparkContext._jsc.sc().getRDDStorageInfo()}


def test_text_only_comments_equal_the_single_machine_path(spark):
    """No author_id, no created_at, no posts or creators table, a label column: pods, bursts,
    repeat authors and distinct authors off; copy-paste clusters count comments; one creator
    has too few comments for a verdict. Input is an in-memory DataFrame."""
    from classifier.spark import score_creators_df

    copy = "mua ngay kẻo lỡ sản phẩm chính hãng giá tốt nhất thị trường hôm nay"
    rows = []
    for creator, n in (("a", 40), ("b", 35), ("c", 12)):
        for i in range(n):
            if i % 5 == 0:
                text = copy + ["", " 🔥", "!!", " ❤️"][i % 4]
                label = "generic"
            elif i % 5 == 1:
                text = ["đẹp quá", "好看", "so cute"][i % 3]
                label = "generic"
            elif i % 7 == 3:
                text = "ib zalo 0912 345 678 nhận sỉ"
                label = "generic"
            else:
                text = f"cho em hỏi cái váy số {i} của {creator} có size M không, em cao 1m6{i}"
                label = "substantive"
            rows.append(
                {
                    "creator_id": creator,
                    "post_id": f"{creator}{i % 3}",
                    "text": text,
                    "label": label,
                }
            )
    frame = pd.DataFrame(rows)
    single = score_creators(frame)
    report = score_creators_df(spark.createDataFrame(frame), local_rows=0)
    got = report.to_report()
    assert set(single.signals_off) >= {"pods", "bursts"}
    assert single.clusters and single.creators["verdict"].eq("insufficient data").any()
    assert_tables_equal(single.creators, got.creators, "creator_id")
    assert_tables_equal(single.posts, got.posts, "post_id")
    assert_tables_equal(single.comments, got.comments, "_line")
    _evidence_equal(single, got)
    report.unpersist()


def test_economics_and_bad_values_equal_the_single_machine_path(spark):
    """Tiers, percentiles within tier (ties, two platforms, one lone creator), costs in two
    currencies, sponsored drops and bad values (negative followers, price as text, an unknown
    currency, likes as text): the same creators table and the same problems as score_creators."""
    from classifier.spark import score_creators_df

    rows = []
    creators = ("a", "b", "c", "d", "e")
    for n, creator in enumerate(creators):
        for i in range(36):
            substantive = i % (3 + n) == 0
            text = (
                f"how long did {creator} rest the dough before step {i} of the recipe?"
                if substantive and i % 2
                else f"which flour did {creator} use in part {i}"
                if substantive
                else f"nice {i}"
            )
            rows.append(
                {
                    "creator_id": creator,
                    "post_id": f"{creator}{i % 4}",
                    "text": text,
                    "label": "substantive" if substantive else "generic",
                }
            )
    comments = pd.DataFrame(rows)
    posts = pd.DataFrame(
        [
            {
                "post_id": f"{c}{k}",
                "creator_id": c,
                "sponsored": "true" if k >= 2 else "false",
                "likes": "lots" if (c, k) == ("a", 1) else str(100 * (k + 1) + 7 * n),
                "views": str(4000 + 500 * k),
                "comments_count": str(20 + k) if c != "e" else "",
            }
            for n, c in enumerate(creators)
            for k in range(4)
        ]
    )
    creators_frame = pd.DataFrame(
        {
            "creator_id": list(creators),
            "followers": ["20000", "20000", "-5", "30000", "2000000"],
            "platform": ["tiktok", "TikTok", "tiktok", "tiktok", "youtube"],
            "price": ["400", "$300", "350", "2000000", "9000"],
            "currency": ["USD", "USD", "usd", "VND", "EURO"],
        }
    )
    single = score_creators(comments, posts, creators_frame)
    report = score_creators_df(
        spark.createDataFrame(comments),
        spark.createDataFrame(posts),
        spark.createDataFrame(creators_frame),
        local_rows=0,
    )
    got = report.to_report()
    assert {p.field for p in single.problems} == {"likes", "followers", "price", "currency"}
    assert_tables_equal(single.creators, got.creators, "creator_id")
    assert sorted((p.line, p.field, p.problem) for p in got.problems) == sorted(
        (p.line, p.field, p.problem) for p in single.problems
    )
    rows = single.creators.set_index("creator_id")
    assert rows.loc["e", "tier"] == "mega" and np.isnan(rows.loc["c", "followers"])
    assert rows["tier_percentile"].notna().sum() == 3  # a, b and d: micro on tiktok
    assert got.budget is None
    plan = got.plan_budget(1000, "USD").budget
    assert plan is not None and plan.picks
    report.unpersist()
