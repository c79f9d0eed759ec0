"""The result of :func:`score_creators_df`: the output tables' Spark types, the evidence
records' schemas, and :class:`SparkCreatorReport` (written as Parquet or collected into a
:class:`CreatorReport`); :func:`write_local` writes the same folders without Spark."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, astuple, dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from classifier.io.atomic import atomic_write_text
from classifier.io.problems import RowProblem
from classifier.scoring.columns import RANKING_NOTE, missing_columns
from classifier.scoring.config import ScoringConfig
from classifier.scoring.report import CreatorReport
from classifier.scoring.report_data import COMMENT_COLUMNS, CREATOR_COLUMNS, POST_COLUMNS
from classifier.scoring.signals import Burst, Cluster, Pod, RepeatAuthor
from classifier.spark.inputs import PROBLEMS
from classifier.spark.session import release, schema, types

# The Spark type of every column of the three tables; any column not named here is a double.
KIND = types(
    string="creator_id post_id comment_id author_id text reply_to label category lang cluster_id "
    "pod_id bait flags _source verdict platform language top_overlap tier currency burst_kind "
    "_kind _json",
    long="_line comments posts authors early_comments copy_paste_comments pod_comments "
    "burst_posts burst_comments bait_comments repeat_authors repeat_comments sponsored_comments "
    "organic_comments comments_total creator_replies excluded_comments tier_peers rank "
    "_order_kind _order",
    boolean="counted creator_reply excluded in_burst repeat_author provisional sponsored burst",
    timestamp="created_at posted_at",
    array_string="reasons missing_signals missing_columns economics_missing",
)
CREATORS, POSTS, COMMENTS = (
    {name: KIND.get(name, "double") for name in columns}
    for columns in (CREATOR_COLUMNS, POST_COLUMNS, COMMENT_COLUMNS)
)
TABLES = ("creators", "posts", "comments", "clusters", "pods", "bursts", "repeat_authors")
_ABOUT = ("signals_off", "notes", "label_source", "config")  # the fields that are not tables


def evidence_schema(cls: type, numbered: bool = False) -> dict[str, str]:
    """An evidence dataclass's Spark types; clusters and pods carry their ``_num`` after the id."""
    kinds = {
        "str": "string",
        "int": "long",
        "tuple[str, ...]": "array<string>",
        "dict[str, int]": "map<string,long>",
    }
    found = {f.name: kinds.get(str(f.type), "double") for f in fields(cls)}
    first = next(iter(found))
    return {first: found.pop(first), **({"_num": "int"} if numbered else {}), **found}


def record(cls: type, data: dict[str, Any]) -> Any:
    """An evidence dataclass from a JSON object or a collected Spark row."""
    values = {f.name: data.get(f.name) for f in fields(cls)}
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
        elif isinstance(value, dict):
            values[name] = {str(k): int(v) for k, v in value.items()}
    return cls(**values)


@dataclass(frozen=True)
class SparkCreatorReport:
    """:class:`classifier.scoring.CreatorReport` as Spark DataFrames.

    ``creators``, ``posts`` and ``comments`` have the columns of the single-machine tables;
    ``clusters``, ``pods``, ``bursts`` and ``repeat_authors`` one row per evidence record (the
    fields of :class:`~classifier.scoring.Cluster` etc.); ``problems`` one row per bad input
    row (source, line, field, problem). They are computed from checkpoints on the executors;
    call :meth:`unpersist` to free those when done.
    """

    creators: DataFrame
    posts: DataFrame
    comments: DataFrame
    clusters: DataFrame
    pods: DataFrame
    bursts: DataFrame
    repeat_authors: DataFrame
    problems: DataFrame
    signals_off: dict[str, str]
    notes: tuple[str, ...]
    label_source: str
    config: ScoringConfig
    _persisted: tuple[DataFrame, ...] = ()
    _local: CreatorReport | None = None  # small inputs: the driver's report the tables hold

    def flags(self) -> dict[str, Any]:
        """Signals off, notes, the label source and the config (small; no data collected)."""
        return _flags(self)

    def write(self, out_dir: str | os.PathLike[str], *, mode: str = "overwrite") -> list[str]:
        """Every table as a Parquet folder under ``out_dir`` (``creators/``, ``comments/``...),
        plus ``flags.json`` (written on the driver; local or mounted paths only). Small inputs,
        scored on the driver, are written to a local ``out_dir`` by :func:`write_local`."""
        out = str(out_dir).rstrip("/")
        here = "://" not in out or out.startswith("file://")
        if self._local is not None and here and mode == "overwrite":  # pyarrow: no Spark jobs
            return write_local(self._local, out.removeprefix("file://"))
        written = [f"{out}/{name}" for name in (*TABLES, "problems")]

        def save(path: str) -> None:
            getattr(self, path.rsplit("/", 1)[1]).write.mode(mode).parquet(path)

        with ThreadPoolExecutor(4) as pool:  # small tables: their jobs overlap, not queue
            list(pool.map(save, written))  # list(): a failed write raises here
        if here:
            written.append(_write_flags(self, Path(out.removeprefix("file://"))))
        return written

    def creators_table(self) -> pd.DataFrame:
        """The creators table on the driver, as :func:`creators_frame` makes it."""
        return creators_frame(self.creators.toPandas())

    def to_report(self) -> CreatorReport:
        """Collect everything into a :class:`CreatorReport` (small inputs only: it brings every
        comment to the driver), e.g. for ``report.html``."""
        if self._local is not None:
            return self._local
        posts = self.posts.orderBy("creator_id", "posted_at", "post_id").toPandas()
        comments = self.comments.orderBy("_line").toPandas()
        posts["posted_at"] = pd.to_datetime(posts["posted_at"], utc=True)
        comments["created_at"] = pd.to_datetime(comments["created_at"], utc=True)

        def records(df: DataFrame, cls: type, *order: Any) -> tuple[Any, ...]:
            rows = df.orderBy(*order).collect()
            return tuple(record(cls, row.asDict(recursive=True)) for row in rows)

        problems = self.problems.orderBy("source", "line", "field").collect()
        return CreatorReport(
            creators=self.creators_table()[list(CREATOR_COLUMNS)],
            posts=posts[list(POST_COLUMNS)],
            comments=comments[list(COMMENT_COLUMNS)],
            clusters=records(self.clusters, Cluster, "_num"),
            pods=records(self.pods, Pod, "_num"),
            bursts=records(self.bursts, Burst, F.desc("early_share"), "post_id"),
            repeat_authors=records(
                self.repeat_authors, RepeatAuthor, F.desc("generic_comments"), "creator_id"
            ),
            problems=tuple(RowProblem(r.source, int(r.line), r.field, r.problem) for r in problems),
            **{name: getattr(self, name) for name in _ABOUT},
        )

    @classmethod
    def from_report(cls, spark: SparkSession, report: CreatorReport) -> SparkCreatorReport:
        """A single-machine report as DataFrames (how small inputs are scored)."""
        tables: dict[str, Any] = {
            name: spark.createDataFrame(rows, schema(kinds))
            for name, (rows, kinds) in _tables(report).items()
        }
        return cls(**tables, **{name: getattr(report, name) for name in _ABOUT}, _local=report)

    def unpersist(self) -> None:
        """Free the checkpoints the tables are computed from (the report is unusable after)."""
        for df in self._persisted:
            release(df)


def creators_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A creators table as Spark or Parquet hands it over, ranked, its lists and flags as the
    single-machine table holds them."""
    creators = table.sort_values("rank", kind="stable").reset_index(drop=True)
    for column in ("reasons", "missing_signals", "missing_columns", "economics_missing"):
        creators[column] = creators[column].map(lambda r: [] if r is None else [str(x) for x in r])
    creators["provisional"] = creators["provisional"].astype(bool)
    return creators


def _flags(report: CreatorReport | SparkCreatorReport) -> dict[str, Any]:
    return {
        "ranking": RANKING_NOTE,
        "missing_columns": [use.to_dict() for use in missing_columns(report.signals_off)],
        "signals_off": report.signals_off,
        "notes": list(report.notes),
        "labels_from": report.label_source,
        "config": report.config.to_dict(),
    }


def _write_flags(report: CreatorReport | SparkCreatorReport, out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_flags(report), ensure_ascii=False, indent=1) + "\n"
    atomic_write_text(out / "flags.json", text)
    return str(out / "flags.json")


def _tables(report: CreatorReport) -> dict[str, tuple[Any, dict[str, str]]]:
    """The rows of every output table of a single-machine report, with its columns' types."""

    def evidence(items: tuple[Any, ...], kind: type, numbered: bool = False) -> tuple[Any, Any]:
        rows = [{**asdict(x), **({"_num": i + 1} if numbered else {})} for i, x in enumerate(items)]
        return rows, evidence_schema(kind, numbered)

    return {
        "creators": (report.creators[list(CREATORS)], CREATORS),
        "posts": (report.posts[list(POSTS)], POSTS),
        "comments": (report.comments[list(COMMENTS)], COMMENTS),
        "clusters": evidence(report.clusters, Cluster, True),
        "pods": evidence(report.pods, Pod, True),
        "bursts": evidence(report.bursts, Burst),
        "repeat_authors": evidence(report.repeat_authors, RepeatAuthor),
        "problems": ([astuple(p)[:4] for p in report.problems], PROBLEMS),
    }


_ARROW = {"string": pa.string(), "long": pa.int64(), "int": pa.int32(), "double": pa.float64()}
_ARROW |= {"boolean": pa.bool_(), "timestamp": pa.timestamp("us", tz="UTC")}
_ARROW |= {
    "array<string>": pa.list_(pa.string()),
    "map<string,long>": pa.map_(pa.string(), pa.int64()),
}


def write_local(report: CreatorReport, out_dir: str | os.PathLike[str]) -> list[str]:
    """What :meth:`SparkCreatorReport.write` writes (the same folders, schemas and
    ``flags.json``), from a single-machine report, by pyarrow on this machine: no Spark."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (rows, kinds) in _tables(report).items():
        arrow = pa.schema([(column, _ARROW[kind]) for column, kind in kinds.items()])
        frame = pd.DataFrame(rows, columns=arrow.names) if isinstance(rows, list) else rows
        table = pa.Table.from_pandas(frame, schema=arrow, preserve_index=False)
        table = table.replace_schema_metadata(None)  # no pandas metadata, as Spark writes it
        staged = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out))
        # INT96 times, as Spark writes them (spark.sql.parquet.outputTimestampType's default)
        pq.write_table(table, staged / "part-00000.parquet", use_deprecated_int96_timestamps=True)
        (staged / "_SUCCESS").touch()
        shutil.rmtree(out / name, ignore_errors=True)
        os.replace(staged, out / name)
        written.append(str(out / name))
    return [*written, _write_flags(report, out)]
