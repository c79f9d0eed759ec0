"""API keys and per-key quotas for the HTTP service.

**The key file** (JSON, written atomically, mode 0600) holds one record per key: an id, a name,
the SHA-256 of the key, when it was created and revoked, and its quotas. The key itself is
shown once, by ``genuine keys add``, and never stored: a key is 32 random bytes, so its
SHA-256 is enough to check it and useless to an attacker who reads the file. The running
service re-reads the file when it changes (:class:`KeyRing`), so adding and revoking take
effect without a restart.

**Quotas** (:class:`UsageStore`): queries per second (a token bucket holding one second of
queries) and comments per UTC day. The counters live in a small SQLite database beside the
key file, shared by every worker process and kept across restarts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from classifier.io.atomic import atomic_write_text
from classifier.io.problems import InputError

FORMAT = "genuine-api-keys"
FORMAT_VERSION = 1
KEY_PREFIX = "gk_"
RELOAD_EVERY_S = 1.0  # how often the service looks at the key file's modification time


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class KeyRecord:
    """One key as stored: never the key itself."""

    id: str
    name: str
    sha256: str
    created: str
    revoked: str | None = None
    qps: float | None = None  # queries per second; None: no limit
    per_day: int | None = None  # comments per UTC day; None: no limit

    @property
    def active(self) -> bool:
        return self.revoked is None


@dataclass
class KeyFile:
    """The key file's content; :meth:`load` and :meth:`save` read and write it."""

    keys: list[KeyRecord] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, missing_ok: bool = False) -> KeyFile:
        path = Path(path)
        if not path.exists():
            if missing_ok:
                return cls()
            raise InputError(
                f"key file {path} not found; create it with: genuine keys add NAME --file {path}"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"key file {path}: cannot read it as JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError(f'key file {path}: not a genuine key file (no "format": "{FORMAT}")')
        if data.get("version") != FORMAT_VERSION:
            raise InputError(
                f"key file {path}: version {data.get('version')!r} is not known (this genuine reads {FORMAT_VERSION})"
            )
        records = []
        for index, raw in enumerate(data.get("keys") or []):
            records.append(_parse_record(raw, f"key file {path}, key {index + 1}"))
        return cls(records)

    def save(self, path: str | os.PathLike[str]) -> None:
        data = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "note": "SHA-256 hashes of API keys; the keys themselves are never stored",
            "keys": [asdict(record) for record in self.keys],
        }
        atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.chmod(path, 0o600)

    def add(
        self, name: str, *, qps: float | None = None, per_day: int | None = None
    ) -> tuple[KeyRecord, str]:
        """A new key: (its record, the key to hand out once)."""
        if not name.strip():
            raise InputError("a key needs a non-empty name (who or what uses it)")
        if qps is not None and not (math.isfinite(qps) and qps > 0):
            raise InputError(f"--qps must be a positive number, got {qps}")
        if per_day is not None and per_day <= 0:
            raise InputError(f"--per-day must be a positive whole number, got {per_day}")
        key = new_key()
        taken = {record.id for record in self.keys}
        key_id = "k_" + secrets.token_hex(6)
        while key_id in taken:
            key_id = "k_" + secrets.token_hex(6)
        record = KeyRecord(key_id, name.strip(), hash_key(key), _now_iso(), None, qps, per_day)
        self.keys.append(record)
        return record, key

    def revoke(self, key_id: str) -> KeyRecord:
        for index, record in enumerate(self.keys):
            if record.id == key_id:
                if record.revoked is None:
                    record = replace(record, revoked=_now_iso())
                    self.keys[index] = record
                return record
        known = ", ".join(r.id for r in self.keys) or "none"
        raise InputError(f"no key with id {key_id!r} in the key file (ids: {known})")


def _parse_record(raw: Any, where: str) -> KeyRecord:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected an object")
    try:
        record = KeyRecord(
            id=str(raw["id"]),
            name=str(raw["name"]),
            sha256=str(raw["sha256"]),
            created=str(raw.get("created") or ""),
            revoked=raw.get("revoked"),
            qps=None if raw.get("qps") is None else float(raw["qps"]),
            per_day=None if raw.get("per_day") is None else int(raw["per_day"]),
        )
    except KeyError as exc:
        raise InputError(f"{where}: field {exc} is missing") from None
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: {exc}") from None
    if len(record.sha256) != 64:
        raise InputError(f"{where}, field 'sha256': expected the 64-hex SHA-256 of the key")
    if record.qps is not None and not (math.isfinite(record.qps) and record.qps > 0):
        raise InputError(f"{where}, field 'qps': must be a positive number, got {record.qps}")
    if record.per_day is not None and record.per_day <= 0:
        raise InputError(f"{where}, field 'per_day': must be positive, got {record.per_day}")
    return record


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` so two ``genuine keys`` commands never lose an edit."""
    lock_path = Path(f"{path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        try:
            import fcntl
        except ImportError:  # no fcntl (Windows): edits are not serialized
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Verdict:
    """What :meth:`KeyRing.check` found: the key's record, or why it was refused."""

    record: KeyRecord | None
    problem: str | None = None  # "missing", "invalid" or "revoked"


class KeyRing:
    """The keys of a key file, re-read when the file changes (checked at most once a second).

    A file that cannot be read after a change keeps the keys loaded before, and says so in
    ``last_error``: a typo while editing never opens the service nor locks everyone out.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.last_error: str | None = None
        self._by_hash: dict[str, KeyRecord] = {}
        self._signature: tuple[int, int, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._load(KeyFile.load(self.path))  # a bad file at start-up stops the service
        self._signature = self._stat()

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _load(self, keys: KeyFile) -> None:
        self._by_hash = {record.sha256: record for record in keys.keys}

    @property
    def records(self) -> list[KeyRecord]:
        self.refresh()
        return list(self._by_hash.values())

    def refresh(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < RELOAD_EVERY_S:
            return
        with self._lock:
            self._checked = now
            signature = self._stat()
            if signature is None:
                self.last_error = f"key file {self.path} is missing; keeping the keys loaded before"
                return
            if signature == self._signature:
                return
            try:
                self._load(KeyFile.load(self.path))
            except InputError as exc:
                self.last_error = f"{exc}; keeping the keys loaded before"
                return
            self._signature = signature
            self.last_error = None

    def check(self, key: str | None) -> Verdict:
        if not key:
            return Verdict(None, "missing")
        self.refresh()
        record = self._by_hash.get(hash_key(key))
        if record is None:
            return Verdict(None, "invalid")
        if not record.active:
            return Verdict(None, "revoked")
        return Verdict(record)


def seconds_to_utc_midnight(now: float) -> float:
    moment = dt.datetime.fromtimestamp(now, dt.UTC)
    midnight = (moment + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - moment).total_seconds()


def utc_day(now: float) -> str:
    return dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class QuotaRefusal:
    """A request over a key's quota: which one, and when to try again."""

    quota: str  # "qps" or "per_day"
    retry_after_s: float
    message: str


class UsageStore:
    """Per-key usage in SQLite (``path``; ``None`` keeps it in memory, for one process).

    One short write transaction per checked request; every worker process opens the same file,
    so quotas hold across ``--workers`` and restarts.
    """

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = None if path is None else Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            ":memory:" if self.path is None else str(self.path),
            timeout=5.0,
            isolation_level=None,
            check_same_thread=False,
        )
        if self.path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS usage (key_id TEXT PRIMARY KEY, tokens REAL, "
            "refreshed REAL, day TEXT, comments INTEGER)"
        )

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def _row(self, key_id: str, now: float) -> Iterator[dict[str, Any]]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                found = self._db.execute(
                    "SELECT tokens, refreshed, day, comments FROM usage WHERE key_id = ?", (key_id,)
                ).fetchone()
                row = (
                    {"tokens": None, "refreshed": now, "day": utc_day(now), "comments": 0}
                    if found is None
                    else dict(zip(("tokens", "refreshed", "day", "comments"), found, strict=True))
                )
                yield row
                self._db.execute(
                    "INSERT INTO usage VALUES (?, ?, ?, ?, ?) ON CONFLICT(key_id) DO UPDATE SET "
                    "tokens = excluded.tokens, refreshed = excluded.refreshed, "
                    "day = excluded.day, comments = excluded.comments",
                    (key_id, row["tokens"], row["refreshed"], row["day"], row["comments"]),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def take_query(self, record: KeyRecord, now: float | None = None) -> QuotaRefusal | None:
        """Count one query against the key's queries-per-second quota."""
        if record.qps is None:
            return None
        now = time.time() if now is None else now
        capacity = max(1.0, record.qps)
        with self._row(record.id, now) as row:
            tokens = capacity if row["tokens"] is None else row["tokens"]
            tokens = min(capacity, tokens + max(0.0, now - row["refreshed"]) * record.qps)
            row["refreshed"] = now
            if tokens < 1.0:
                row["tokens"] = tokens
                wait = (1.0 - tokens) / record.qps
                return QuotaRefusal(
                    "qps",
                    wait,
                    f"Quota exceeded: this API key may make {record.qps:g} queries per second; "
                    f"retry after {math.ceil(wait)} s",
                )
            row["tokens"] = tokens - 1.0
        return None

    def charge_comments(
        self, record: KeyRecord, count: int, now: float | None = None
    ) -> QuotaRefusal | None:
        """Count ``count`` comments against the key's comments-per-day quota (all or none)."""
        if record.per_day is None or count <= 0:
            return None
        now = time.time() if now is None else now
        with self._row(record.id, now) as row:
            if row["day"] != utc_day(now):
                row["day"], row["comments"] = utc_day(now), 0
            if row["comments"] + count > record.per_day:
                left = record.per_day - row["comments"]
                wait = seconds_to_utc_midnight(now)
                what = (
                    f"this request has {count} comments, more than the daily quota of {record.per_day}; split it"
                    if count > record.per_day
                    else f"this API key may send {record.per_day} comments per day (UTC) and has "
                    f"{left} left; this request has {count}"
                )
                return QuotaRefusal(
                    "per_day", wait, f"Quota exceeded: {what}; the quota resets at 00:00 UTC"
                )
            row["comments"] += count
        return None

    def comments_today(self, key_id: str, now: float | None = None) -> int:
        now = time.time() if now is None else now
        with self._lock:
            found = self._db.execute(
                "SELECT day, comments FROM usage WHERE key_id = ?", (key_id,)
            ).fetchone()
        return int(found[1]) if found and found[0] == utc_day(now) else 0


def default_usage_path(key_file: str | os.PathLike[str]) -> Path:
    return Path(f"{key_file}.usage.sqlite")
