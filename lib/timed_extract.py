"""Extraction of uploaded articles in a worker process, with a time limit per article.

Why: an upload is text from anyone. Run in the page's thread, an article the extractor is
slow on would hold the server's CPU (and the GIL every other session needs) for as long as it
takes. Here the extractor runs in a child process; when one article is not done within
`EXTRACT_LIMIT_S`, the child is killed (a thread cannot be stopped, a process can), that
article is refused with a clear reason and the next one gets a fresh child. The articles that
did finish are kept, so the rest of an upload still goes in.

One worker serves the whole server process (started on first use, ~2 s to load the
pipeline, and not counted against the limit); uploads take turns on it.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pandas as pd
import pyarrow as pa

from lib.articles import Article, LoadError, read_article_bytes
from lib.claims import claims_frame
from lib.store import ClaimStore, IngestReport, _default_extractor, extract_claims

EXTRACT_LIMIT_S = 20.0  # a real article takes well under a second
START_LIMIT_S = 120.0  # loading the pipeline in a fresh process, on a busy machine


_WARM_UP = read_article_bytes("warm-up.txt", b"Warm-up\n\nTwo people were killed.", "2012-01-01")[0]


class ExtractionTimeoutError(RuntimeError):
    """An article the extractor did not finish within the limit."""


def _load(target: str | None, version: str | None) -> tuple[Any, str]:
    """The extractor named "module:function" (None: the real one) and its version."""
    if target is None:
        return _default_extractor(None, version)
    module, _, name = target.partition(":")
    return _default_extractor(getattr(importlib.import_module(module), name), version)


def _serve(conn: Connection, target: str | None, version: str | None) -> None:
    """The child's loop: an article in, ("ok", checked batch) or ("error", reason) out."""
    fn, version = _load(target, version)
    # Build the pipeline's lazy parts now, so the first upload's clock is fair (an upload
    # failing the same way will say why).
    with contextlib.suppress(ValueError):
        extract_claims(_WARM_UP, fn, version)
    conn.send(("ready", version))
    while True:
        try:
            article = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", extract_claims(article, fn, version)))
        except ValueError as exc:
            conn.send(("error", str(exc)))


class ExtractionWorker:
    """A child process that extracts one article at a time and is replaced when it overruns."""

    def __init__(
        self,
        target: str | None = None,
        version: str | None = None,
        limit_s: float = EXTRACT_LIMIT_S,
    ):
        self.target, self.version, self.limit_s = target, version, limit_s
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve, args=(child, self.target, self.version), daemon=True
        )
        process.start()
        child.close()
        if not parent.poll(START_LIMIT_S):
            self._stop(process)
            raise RuntimeError(f"the extraction worker did not start within {START_LIMIT_S:.0f} s")
        _, self.version = parent.recv()
        self._process, self._conn = process, parent
        return parent

    @staticmethod
    def _stop(process: multiprocessing.process.BaseProcess) -> None:
        process.kill()
        process.join(5)

    def extract(self, article: Article) -> pa.RecordBatch:
        """The checked claims of `article`; ExtractionTimeoutError past the limit, ValueError
        when the extractor fails on it."""
        with self._lock:
            conn = self._start()
            started = time.monotonic()
            conn.send(article)
            if not conn.poll(self.limit_s):
                self.close()
                raise ExtractionTimeoutError(
                    f"extraction stopped after {time.monotonic() - started:.0f} s (the limit is "
                    f"{self.limit_s:.0f} s per article); this article was not added. Split "
                    "it into shorter files or check that it is running text."
                )
            try:
                status, value = conn.recv()
            except (EOFError, OSError):
                self.close()
                raise RuntimeError(
                    "the extraction worker stopped on this article (out of memory?); "
                    "it was not added"
                ) from None
        if status == "error":
            raise ValueError(value)
        return value

    def close(self) -> None:
        """Stop the child (a later `extract` starts a new one)."""
        if self._process is not None:
            self._stop(self._process)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None


@dataclass
class Extracted:
    """What a time-limited extraction of an upload gave: the articles that finished with
    their claims, and a reason for each one refused."""

    version: str
    articles: list[Article] = field(default_factory=list)
    batches: dict[str, pa.RecordBatch] = field(default_factory=dict)
    refused: list[LoadError] = field(default_factory=list)

    @property
    def claims(self) -> pd.DataFrame:
        """The claims found, for the preview."""
        return claims_frame([self.batches[a.article_id] for a in self.articles])

    def save(self, store: ClaimStore) -> IngestReport:
        """Store the finished articles all or nothing, with the claims already extracted
        (no second extraction in the server's thread)."""
        return store.ingest_all_or_nothing(
            self.articles, lambda a: self.batches[a.article_id], self.version
        )


_shared: ExtractionWorker | None = None
_shared_lock = threading.Lock()


def shared_worker() -> ExtractionWorker:
    """The server process's one extraction worker."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ExtractionWorker()
        return _shared


def extract_uploads(
    articles: Sequence[Article], worker: ExtractionWorker | None = None
) -> Extracted:
    """Extract each article in the worker within its time limit; never raises for an article."""
    worker = worker or shared_worker()
    done: list[tuple[Article, pa.RecordBatch]] = []
    refused: list[LoadError] = []
    for article in articles:
        try:
            done.append((article, worker.extract(article)))
        except (RuntimeError, ValueError) as exc:  # a timeout, a failure, a worker that died
            refused.append(LoadError(article.path or article.article_id, str(exc)))
    batches = {a.article_id: batch for a, batch in done}
    return Extracted(worker.version or "", [a for a, _ in done], batches, refused)
