"""Inference threads for the HTTP service: a lane for small requests and a time budget per request.

Inference runs in threads, except a request of at most ``inline_rows`` comments and
``inline_chars`` characters (a comment or two): its ~2 ms of work costs less on the event loop
than a hand-over to a thread and back (GIL ping-pong, measured at ~0.9 ms of CPU per request).
Requests of at most ``small_rows`` comments and ``small_chars`` characters (a Perspective-style
single comment, a readiness probe) run in their own lane of threads, so they never queue behind
bulk batches. Bulk work runs in chunks of at most ``chunk_rows`` comments / ``chunk_chars``
characters, each taking a bulk thread in turn (FIFO), so that concurrent big batches interleave
instead of one waiting for the other whole.

Every call carries a deadline (monotonic seconds): waiting for a thread counts against it, and
work stops at the next chunk once it has passed; the request then gets a 503 that says so.
``lanes_used`` counts the work run inline, in the small lane and in the bulk lane.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import anyio
from anyio import CapacityLimiter, to_thread
from starlette.exceptions import HTTPException

from classifier.predictor import Prediction

T = TypeVar("T")


class RequestBudgetExceeded(HTTPException):
    """The request's work did not finish within its time budget (503, Retry-After)."""

    def __init__(self, budget_s: float) -> None:
        super().__init__(
            503,
            f"the request did not finish within its time budget of {budget_s:g} s; "
            "send fewer or shorter comments per request, or retry later",
            headers={"Retry-After": "5"},
        )


class _OutOfTime(Exception):
    pass


class InferencePool:
    """Thread lanes for one predictor (see the module docstring)."""

    def __init__(
        self,
        *,
        bulk_threads: int,
        small_threads: int = 2,
        small_rows: int = 16,
        small_chars: int = 20_000,
        chunk_rows: int = 256,
        chunk_chars: int = 100_000,
        budget_s: float = 30.0,
        inline_rows: int = 2,
        inline_chars: int = 1000,
    ) -> None:
        self.bulk = CapacityLimiter(bulk_threads)
        self.small = CapacityLimiter(small_threads)
        self.small_rows = small_rows
        self.small_chars = small_chars
        self.chunk_rows = chunk_rows
        self.chunk_chars = chunk_chars
        self.budget_s = budget_s
        self.inline_rows = inline_rows
        self.inline_chars = inline_chars
        self.lanes_used: Counter[str] = Counter()  # "inline", "small", "bulk": pieces of work run

    def deadline(self) -> float:
        """The deadline of a request that starts now."""
        return time.monotonic() + self.budget_s

    def lane(self, rows: int, chars: int) -> CapacityLimiter:
        return self.small if rows <= self.small_rows and chars <= self.small_chars else self.bulk

    def runs_inline(self, rows: int, chars: int) -> bool:
        """Whether work on ``rows`` texts of ``chars`` characters in all is cheaper on the event
        loop than handed to a thread."""
        return rows <= self.inline_rows and chars <= self.inline_chars

    async def call(self, work: Callable[[], T], *, lane: CapacityLimiter, deadline: float) -> T:
        """Run ``work`` in a thread of ``lane`` (see :meth:`lane`), within ``deadline``."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RequestBudgetExceeded(self.budget_s)
        self.lanes_used["small" if lane is self.small else "bulk"] += 1
        try:
            with anyio.fail_after(remaining):
                return await to_thread.run_sync(work, limiter=lane)
        except (TimeoutError, _OutOfTime):
            raise RequestBudgetExceeded(self.budget_s) from None

    async def run_small(self, work: Callable[[], T], *, rows: int, chars: int) -> T:
        """Run the work of one small request (one comment, scored as ``rows`` texts of ``chars``
        characters in all): on the event loop when that is short (:meth:`runs_inline`, as
        :meth:`predict` does), else in the small lane, never behind bulk batches."""
        if self.runs_inline(rows, chars):
            self.lanes_used["inline"] += 1
            return work()
        return await self.call(work, lane=self.small, deadline=self.deadline())

    async def predict(
        self,
        predictor: Any,
        texts: Sequence[str],
        *,
        langs: Sequence[str | None],
        explain: bool,
        deadline: float,
    ) -> list[Prediction]:
        """``predictor.predict`` over ``texts``: small batches in the small lane, big ones in
        chunks in the bulk lane."""
        chars = sum(len(text) for text in texts)
        if self.runs_inline(len(texts), chars):
            # cheaper than the hand-over to a thread (~1 ms of GIL ping-pong), and as short
            if time.monotonic() > deadline:
                raise RequestBudgetExceeded(self.budget_s)
            self.lanes_used["inline"] += 1
            return list(predictor.predict(list(texts), langs=list(langs), explain=explain))
        lane = self.lane(len(texts), chars)
        results: list[Prediction] = []
        for start, stop in self._chunks(texts):
            work = functools.partial(
                predictor.predict,
                list(texts[start:stop]),
                langs=list(langs[start:stop]),
                explain=explain,
            )
            results.extend(await self.call(work, lane=lane, deadline=deadline))
        return results

    def _chunks(self, texts: Sequence[str]) -> Iterator[tuple[int, int]]:
        start = chars = 0
        for index, text in enumerate(texts):
            chars += len(text)
            if index + 1 - start >= self.chunk_rows or chars >= self.chunk_chars:
                yield start, index + 1
                start, chars = index + 1, 0
        if start < len(texts) or not texts:
            yield start, len(texts)

    def budgeted(self, predictor: Any, deadline: float) -> BudgetedPredictor:
        """``predictor`` whose ``predict`` stops between chunks once ``deadline`` has passed
        (for code such as the creator scorer that calls the predictor itself)."""
        return BudgetedPredictor(predictor, deadline, self.chunk_rows)


class BudgetedPredictor:
    """Delegates to a predictor; ``predict`` of a batch runs in chunks and checks a deadline."""

    def __init__(self, predictor: Any, deadline: float, chunk_rows: int) -> None:
        self._predictor = predictor
        self._deadline = deadline
        self._chunk_rows = chunk_rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self._predictor, name)

    def predict(self, texts: Any, **kwargs: Any) -> Any:
        if isinstance(texts, str):
            return self._predictor.predict(texts, **kwargs)
        rows = list(texts)
        langs = kwargs.pop("langs", None)
        out: list[Prediction] = []
        for start in range(0, len(rows), self._chunk_rows):
            if time.monotonic() > self._deadline:
                raise _OutOfTime
            stop = start + self._chunk_rows
            chunk_langs = None if langs is None else list(langs[start:stop])
            out.extend(self._predictor.predict(rows[start:stop], langs=chunk_langs, **kwargs))
        return out
