"""The claim store: one DuckDB file with articles, machine claims and human corrections.

Why this shape: machine claims are disposable (re-extraction replaces them), corrections
are not (they are keyed by the stable `claim_id` and re-applied on every read, see
`lib.corrections`). Every write is one transaction, so a killed process or a failed upload
leaves the file as it was after the last commit. A connection is opened per operation
because the dashboard and the CLI may share the file and DuckDB allows one writing process:
a busy file is retried briefly, then reported with a clear message.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.articles import Article, LoadError, read_articles
from lib.claims import (
    ARROW_SCHEMA,
    SCHEMA,
    claims_frame,
    coerce_claims,
    frame_batch,
    validate_claims,
)
from lib.corrections import (
    CORRECTION_COLUMNS,
    REJECTED,
    Applied,
    Edit,
    apply_corrections,
    check_correction,
    check_unchanged,
    empty_corrections,
    format_value,
    parse_value,
)

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "seeds"
DEFAULT_DB = REPO / "data" / "claims.duckdb"
ENV_VAR = "SYRIA_CLAIMS_DB"
SCHEMA_VERSION = 2  # 2: claims gained perpetrator, perpetrator_text
LOCK_TIMEOUT_S = 15.0  # how long an operation waits for another process to release the file
# A long ingest lets go of the file every HOLD_S seconds for YIELD_S, so that the dashboard
# (polling every POLL_S while it waits) gets a turn; this costs the ingest about 5 %.
HOLD_S = 1.0
YIELD_S = 0.05
POLL_S = 0.02

# An extractor returns a checked Arrow batch (the real one) or a claim frame (injected ones).
Extract = Callable[[Article], pa.RecordBatch | pd.DataFrame]
Progress = Callable[[Article, str], None]  # called after each article with its outcome

_SQL_TYPES = {
    "string": "VARCHAR",
    "Int64": "BIGINT",
    "float64": "DOUBLE",
    "datetime64[s]": "DATE",
    "bool": "BOOLEAN",
    "object": "VARCHAR[]",
}
# `corrected` is computed on read from the corrections table, never stored.
CLAIM_COLUMNS = [c for c in SCHEMA if c != "corrected"]
ARTICLE_COLUMNS = {
    "article_id": "VARCHAR PRIMARY KEY",
    "text": "VARCHAR NOT NULL",
    "hash": "VARCHAR NOT NULL",
    "title": "VARCHAR",
    "outlet": "VARCHAR",
    "published": "DATE",
    "url": "VARCHAR",
    "path": "VARCHAR",
    "body_start": "INTEGER",
    "extractor_version": "VARCHAR",
    "ingested_at": "TIMESTAMP",
}
_DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    f"CREATE TABLE IF NOT EXISTS articles "
    f"({', '.join(f'{c} {t}' for c, t in ARTICLE_COLUMNS.items())})",
    f"CREATE TABLE IF NOT EXISTS claims "
    f"({', '.join(f'{c} {_SQL_TYPES[SCHEMA[c]]}' for c in CLAIM_COLUMNS)}, PRIMARY KEY (claim_id))",
    "CREATE SEQUENCE IF NOT EXISTS correction_ids START 1",
    """CREATE TABLE IF NOT EXISTS corrections (
        id BIGINT PRIMARY KEY DEFAULT nextval('correction_ids'),
        claim_id VARCHAR NOT NULL, article_id VARCHAR, field VARCHAR NOT NULL,
        old_value VARCHAR, new_value VARCHAR, reason VARCHAR NOT NULL, author VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('correct', 'reject')),
        status VARCHAR NOT NULL CHECK (status IN ('active', 'orphaned')))""",
]
# What makes two log entries the same entry (for merging snapshots).
_LOG_KEY = ("claim_id", "kind", "field", "new_value", "reason", "author", "created_at")
# A correction is orphaned exactly when its claim is gone; re-run after every claim change.
_REFRESH_STATUS = """UPDATE corrections SET status = CASE
    WHEN claim_id IN (SELECT claim_id FROM claims WHERE article_id = $1) THEN 'active'
    ELSE 'orphaned' END WHERE article_id = $1"""
_REFRESH_ALL = """UPDATE corrections SET status = CASE
    WHEN claim_id IN (SELECT claim_id FROM claims) THEN 'active' ELSE 'orphaned' END"""


def _migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring an older store to this schema inside the opening transaction: claim columns the
    model gained since (version 2: `perpetrator`, `perpetrator_text`) are added, null on the
    claims already stored (not read for them yet: `--reextract` fills them); nothing is
    dropped or rewritten."""
    present = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'claims'"
        ).fetchall()
    }
    for column in CLAIM_COLUMNS:
        if column not in present:
            con.execute(f"ALTER TABLE claims ADD COLUMN {column} {_SQL_TYPES[SCHEMA[column]]}")
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])


# Streamlit serves sessions from threads of one process. DuckDB shares one database instance
# per file among a process's connections, and opening one while the last is closing fails
# ("already attached"): opening and closing are serialised (each takes milliseconds).
_OPEN_CLOSE = threading.Lock()
_EDIT_LOCK = threading.Lock()  # corrections are saved one at a time (see apply_edits)


class StoreBusyError(RuntimeError):
    """Another process holds the database file for longer than we are willing to wait."""


@dataclass
class IngestReport:
    """Outcome of an ingest or re-extraction, counted per article."""

    new: int = 0
    unchanged: int = 0
    failed: list[LoadError] = field(default_factory=list)
    reextracted: int = 0

    def summary(self) -> str:
        """One line for people, then one line per failure with its reason."""
        head = f"new: {self.new}, unchanged: {self.unchanged}, failed: {len(self.failed)}"
        if self.reextracted:
            head += f", re-extracted: {self.reextracted}"
        return "\n".join([head, *(f"  {e.name}: {e.reason}" for e in self.failed)])


def content_hash(text: str) -> str:
    """Full SHA-256 of the normalised text; `article_id` is its 16-character prefix."""
    return hashlib.sha256(text.replace("\r\n", "\n").strip().encode("utf-8")).hexdigest()


def _default_extractor(extract: Extract | None, version: str | None) -> tuple[Extract, str]:
    """The real extractor unless one is injected (tests, re-runs with a changed rule)."""
    if extract is None:
        from lib.extract import EXTRACTOR_VERSION, extract_batch

        return extract_batch, version or EXTRACTOR_VERSION
    if version is None:
        raise ValueError("an injected extractor needs an explicit version")
    return extract, version


def extract_claims(article: Article, extract: Extract, version: str) -> pa.RecordBatch:
    """Run the extractor on one article and return its valid claims as Arrow, or raise
    ValueError. The real extractor's batch is checked already; a frame from an injected one is
    coerced and checked here.

    Refuses the whole article on any invalid claim: storing half an article would hide the
    problem, and the reason is reported to the user instead.
    """
    try:
        result = extract(article)
        if not isinstance(result, pa.RecordBatch):
            result = _checked_batch(result)
    except Exception as exc:
        raise ValueError(f"extraction failed: {type(exc).__name__}: {exc}") from exc
    ids = result.column("article_id")
    if len(ids) and not pc.all(pc.equal(ids, article.article_id)).as_py():
        raise ValueError("extractor returned claims of another article")
    versions = result.column("extractor_version")
    if versions.null_count:
        index = ARROW_SCHEMA.get_field_index("extractor_version")
        result = result.set_column(index, "extractor_version", pc.fill_null(versions, version))
    return result


def _checked_batch(frame: pd.DataFrame) -> pa.RecordBatch:
    """An injected extractor's frame, coerced to the schema and checked, as Arrow."""
    exact = list(frame.columns) == list(SCHEMA) and all(
        str(t) == SCHEMA[c] for c, t in frame.dtypes.items()
    )
    frame = frame if exact else coerce_claims(frame)  # coercion costs ~7 ms
    frame = frame.assign(corrected=False)  # corrections are applied on read, never extracted
    try:
        validate_claims(frame)
    except ValueError as exc:
        raise ValueError(f"extractor produced invalid claims: {exc}") from exc
    return frame_batch(frame)


def preview(
    articles: Sequence[Article], extract: Extract | None = None, version: str | None = None
) -> tuple[pd.DataFrame, list[LoadError]]:
    """Claims the extractor would store for `articles`, without touching any store."""
    fn, version = _default_extractor(extract, version)
    batches, failed = [], []
    for article in articles:
        try:
            batches.append(extract_claims(article, fn, version))
        except ValueError as exc:
            failed.append(LoadError(article.path or article.article_id, str(exc)))
    return claims_frame(batches), failed


def _frame_from_db(df: pd.DataFrame) -> pd.DataFrame:
    """A machine-claims result set as a schema-exact claim frame (`corrected` False)."""
    df["governorates"] = [
        list(v) if isinstance(v, (list, np.ndarray)) and len(v) else None
        for v in df["governorates"]
    ]
    df["corrected"] = False
    return coerce_claims(df)


class ClaimStore:
    """Articles, machine claims and corrections in one DuckDB file; see the module doc."""

    def __init__(self, path: str | os.PathLike[str], lock_timeout: float = LOCK_TIMEOUT_S):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._session = threading.local()  # a session belongs to the thread that opened it
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con, self._transaction(con):
            for statement in _DDL:
                con.execute(statement)
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            elif int(row[0]) > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} has schema version {row[0]}; "
                    f"this code reads up to {SCHEMA_VERSION}"
                )
            elif int(row[0]) < SCHEMA_VERSION:
                _migrate(con)

    # -- connections and transactions -------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh connection (or the open session's), waiting up to `lock_timeout` for
        another process's lock."""
        shared = getattr(self._session, "con", None)
        if shared is not None:
            yield shared
            return
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                with _OPEN_CLOSE:
                    con = duckdb.connect(str(self.path))
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"the claim store {self.path} is in use by another process "
                        f"(an ingest?) for more than {self.lock_timeout:.0f} s; try again "
                        f"when it has finished. DuckDB said: {exc}"
                    ) from exc
                time.sleep(POLL_S)
        try:
            yield con
        finally:
            with _OPEN_CLOSE:
                con.close()

    @contextmanager
    def session(self) -> Iterator[ClaimStore]:
        """Run several operations on one connection: a page render then waits for a busy
        file once, not once per read. Keep it short: it holds the file the whole time."""
        with self._connect() as con:
            self._session.con = con
            try:
                yield self
            finally:
                self._session.con = None

    @staticmethod
    @contextmanager
    def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """BEGIN ... COMMIT, or ROLLBACK and re-raise: never a half-written change."""
        con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    # -- writing machine data ---------------------------------------------------------------

    def _write_claims(self, con: duckdb.DuckDBPyConnection, claims: pa.RecordBatch) -> None:
        if claims.num_rows:
            con.register("incoming_claims", claims.select(CLAIM_COLUMNS))
            con.execute("INSERT INTO claims BY NAME SELECT * FROM incoming_claims")
            con.unregister("incoming_claims")

    @staticmethod
    def _known(con: duckdb.DuckDBPyConnection, article: Article, digest: str) -> bool:
        """Whether this text is stored: a primary-key lookup, then the full hash must agree."""
        row = con.execute(
            "SELECT hash FROM articles WHERE article_id = ?", [article.article_id]
        ).fetchone()
        if row and row[0] != digest:
            raise ValueError(f"article id {article.article_id} already used by another text")
        return row is not None

    def _insert(
        self, con: duckdb.DuckDBPyConnection, article: Article, claims: pa.RecordBatch, version: str
    ) -> str:
        """Insert one article and its claims (inside the caller's transaction) unless stored."""
        digest = content_hash(article.text)
        if self._known(con, article, digest):
            return "unchanged"
        con.execute(
            f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
            [
                article.article_id, article.text, digest, article.title, article.outlet,
                article.published, article.url, article.path, article.body_start, version,
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )  # fmt: skip
        self._write_claims(con, claims)
        con.execute(_REFRESH_STATUS, [article.article_id])
        return "new"

    def _ingest_one(
        self, con: duckdb.DuckDBPyConnection, article: Article, extract: Extract, version: str
    ) -> str:
        """Store one article and its claims in one transaction; returns 'new' or 'unchanged'."""
        if self._known(con, article, content_hash(article.text)):
            return "unchanged"  # skip the extractor for text we already have
        claims = extract_claims(article, extract, version)
        with self._transaction(con):
            return self._insert(con, article, claims, version)

    def _run(
        self,
        articles: Sequence[Article],
        step: Callable[[duckdb.DuckDBPyConnection, Article], str],
        progress: Progress | None,
    ) -> IngestReport:
        """Apply `step` to each article, letting go of the file every HOLD_S seconds."""
        report = IngestReport()
        pending = deque(articles)
        rounds = 0
        while pending:
            if rounds:
                time.sleep(YIELD_S)  # give waiting readers their turn
            rounds += 1
            with self._connect() as con:
                opened = time.monotonic()
                while pending and time.monotonic() - opened < HOLD_S:
                    article = pending.popleft()
                    try:
                        outcome = step(con, article)
                    except (ValueError, duckdb.Error) as exc:
                        report.failed.append(
                            LoadError(article.path or article.article_id, str(exc))
                        )
                        outcome = "failed"
                    if outcome == "new":
                        report.new += 1
                    elif outcome == "unchanged":
                        report.unchanged += 1
                    elif outcome == "reextracted":
                        report.reextracted += 1
                    if progress:
                        progress(article, outcome)
        return report

    def ingest(
        self,
        articles: Sequence[Article],
        extract: Extract | None = None,
        version: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Store new articles with their claims; an article already stored (same text) is skipped.

        One transaction per article: a crash keeps every article committed before it.
        """
        fn, version = _default_extractor(extract, version)
        return self._run(articles, lambda con, a: self._ingest_one(con, a, fn, version), progress)

    def ingest_all_or_nothing(
        self,
        articles: Sequence[Article],
        extract: Extract | None = None,
        version: str | None = None,
    ) -> IngestReport:
        """Store every article or none (one transaction): what an upload from the page needs.

        All articles are extracted first; any failure is reported and nothing is written.
        """
        fn, version = _default_extractor(extract, version)
        report = IngestReport()
        prepared = []
        for article in articles:
            try:
                prepared.append((article, extract_claims(article, fn, version)))
            except ValueError as exc:
                report.failed.append(LoadError(article.path or article.article_id, str(exc)))
        if report.failed:
            return report
        return self.store_extracted(prepared, version)

    def store_extracted(
        self, prepared: Sequence[tuple[Article, pa.RecordBatch]], version: str
    ) -> IngestReport:
        """Store articles with the claims extracted for them elsewhere (an upload's preview, a
        Dask worker's shard) in one transaction; articles already stored are left as they are."""
        with self._connect() as con, self._transaction(con):
            outcomes = [self._insert(con, a, claims, version) for a, claims in prepared]
        new = outcomes.count("new")
        return IngestReport(new=new, unchanged=len(outcomes) - new)

    def reextract(
        self,
        extract: Extract | None = None,
        version: str | None = None,
        everything: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Replace the machine claims of articles extracted by another version (or all).

        Corrections are untouched: they re-apply by claim_id on read; the ones whose claim
        vanished are flagged `orphaned` (and back to `active` if the claim returns).
        """
        fn, version = _default_extractor(extract, version)
        stale = self.stored_articles(None if everything else version)

        def step(con: duckdb.DuckDBPyConnection, article: Article) -> str:
            claims = extract_claims(article, fn, version)
            with self._transaction(con):
                con.execute("DELETE FROM claims WHERE article_id = ?", [article.article_id])
                self._write_claims(con, claims)
                con.execute(
                    "UPDATE articles SET extractor_version = ? WHERE article_id = ?",
                    [version, article.article_id],
                )
                con.execute(_REFRESH_STATUS, [article.article_id])
            return "reextracted"

        return self._run(stale, step, progress)

    def merge(
        self, articles: Sequence[dict[str, Any]], machine: pd.DataFrame, log: pd.DataFrame
    ) -> tuple[int, int]:
        """Add snapshot rows in one transaction: unknown articles with their machine claims,
        and log entries not already present. Returns (articles added, corrections added)."""
        with self._connect() as con, self._transaction(con):
            known = {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
            fresh = [a for a in articles if a["article_id"] not in known]
            for rec in fresh:
                values = [rec.get(c) for c in ARTICLE_COLUMNS]
                con.execute(
                    f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
                    values,
                )
            ids = {a["article_id"] for a in fresh}
            self._write_claims(con, frame_batch(machine[machine["article_id"].isin(ids)]))
            added = 0
            for entry in log.to_dict("records"):
                entry = {k: (None if pd.isna(v) else v) for k, v in entry.items()}
                key = [entry[c] for c in _LOG_KEY]
                seen = con.execute(
                    "SELECT 1 FROM corrections WHERE "
                    + " AND ".join(f"{c} IS NOT DISTINCT FROM ?" for c in _LOG_KEY),
                    key,
                ).fetchone()
                if not seen:
                    columns = [c for c in CORRECTION_COLUMNS if c not in ("id", "status")]
                    con.execute(
                        f"INSERT INTO corrections ({', '.join(columns)}, status) "
                        f"VALUES ({', '.join('?' * len(columns))}, 'active')",
                        [entry[c] for c in columns],
                    )
                    added += 1
            con.execute(_REFRESH_ALL)
        return len(fresh), added

    # -- reading ----------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._connect() as con:
            return con.execute(sql, list(params)).df()

    def articles(self) -> pd.DataFrame:
        """Stored articles, oldest publication first (`published` as datetime64[s])."""
        df = self._query(
            f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles ORDER BY published, article_id"
        )
        df["published"] = pd.to_datetime(df["published"]).astype("datetime64[s]")
        for col in ("article_id", "text", "hash", "title", "outlet", "url", "path",
                    "extractor_version"):  # fmt: skip
            df[col] = df[col].astype("string")
        df["body_start"] = df["body_start"].astype("Int64")
        return df

    def stored_articles(self, not_version: str | None = None) -> list[Article]:
        """Stored articles as `Article`s, optionally only those extracted by another version."""
        sql = (
            "SELECT article_id, title, text, published, outlet, url, path, body_start FROM articles"
        )
        params: list[Any] = []
        if not_version is not None:
            sql += " WHERE extractor_version IS DISTINCT FROM ?"
            params.append(not_version)
        with self._connect() as con:
            rows = con.execute(sql + " ORDER BY article_id", params).fetchall()
        return [
            Article(aid, title, text, published, outlet, url, path, body_start or 0)
            for aid, title, text, published, outlet, url, path, body_start in rows
        ]

    def stale_count(self, version: str | None = None) -> int:
        """How many articles were extracted by another version than `version` (default: the
        current extractor's): what `reextract` would redo."""
        _, version = _default_extractor(None, version)
        with self._connect() as con:
            return con.execute(
                "SELECT count(*) FROM articles WHERE extractor_version IS DISTINCT FROM ?",
                [version],
            ).fetchone()[0]

    def machine_claims(self) -> pd.DataFrame:
        """Claims exactly as the extractor produced them (no corrections)."""
        df = self._query(
            f"SELECT {', '.join(CLAIM_COLUMNS)} FROM claims "
            "ORDER BY article_id, char_start, char_end, claim_id"
        )
        return _frame_from_db(df)

    def corrections(self, status: str | None = None) -> pd.DataFrame:
        """The correction log in order, optionally only `active` or `orphaned` entries."""
        sql = f"SELECT {', '.join(CORRECTION_COLUMNS)} FROM corrections"
        params = [status] if status else []
        df = self._query(sql + (" WHERE status = ?" if status else "") + " ORDER BY id", params)
        return df.astype(CORRECTION_COLUMNS) if len(df) else empty_corrections()

    def applied(self) -> Applied:
        """Every claim (rejected ones too) with corrections applied, plus what needs review."""
        return apply_corrections(self.machine_claims(), self.corrections(), include_rejected=True)

    def claims(self, include_rejected: bool = False) -> pd.DataFrame:
        """The claim frame everyone reads: corrections applied, `corrected` set."""
        return apply_corrections(self.machine_claims(), self.corrections(), include_rejected).frame

    def rejected_ids(self) -> set[str]:
        """Claims a reviewer rejected (the last reject entry decides)."""
        return self.applied().rejected

    def review_queue(self) -> pd.DataFrame:
        """Corrections that need a reviewer: orphaned ones and active ones that no longer fit."""
        log = self.corrections()
        skipped = apply_corrections(self.machine_claims(), log, True).skipped
        reasons = {s.correction_id: s.reason for s in skipped}
        orphaned = log["status"] == "orphaned"
        queue = log[orphaned.fillna(False).astype(bool) | log["id"].isin(list(reasons))].copy()
        queue["problem"] = [
            "claim no longer extracted" if status == "orphaned" else reasons.get(int(cid), "")
            for cid, status in zip(queue["id"], queue["status"], strict=True)
        ]
        return queue.reset_index(drop=True)

    def history(self, claim_id: str) -> pd.DataFrame:
        """Every logged change of one claim, oldest first."""
        log = self.corrections()
        return log[log["claim_id"] == claim_id].reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """Row counts per table, for summaries and health checks."""
        with self._connect() as con:
            return {
                table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("articles", "claims", "corrections")
            }

    def fingerprint(self) -> tuple[str, ...]:
        """Changes whenever what `claims()`/`articles()` return can change: caches key on it.

        Row counts alone miss a re-extraction that keeps the number of claims, so the
        extractor versions, the latest ingest time and the latest correction id are included.
        """
        with self._connect() as con:
            row = con.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT max(ingested_at) FROM articles),"
                " (SELECT count(*) FROM claims),"
                " (SELECT string_agg(DISTINCT extractor_version, ',' ORDER BY extractor_version)"
                "  FROM claims),"
                " (SELECT count(*) FROM corrections), (SELECT max(id) FROM corrections)"
            ).fetchone()
        return tuple(str(v) for v in row)

    # -- corrections ------------------------------------------------------------------------

    def _log_claim(
        self, con: duckdb.DuckDBPyConnection, claim_id: str, edits: list[Edit], who: list[str]
    ) -> list[int]:
        """Validate one claim's edits together against its corrected state, then log them."""
        machine = _frame_from_db(
            con.execute(
                f"SELECT {', '.join(CLAIM_COLUMNS)} FROM claims WHERE claim_id = ?", [claim_id]
            ).df()
        )
        if machine.empty:
            raise ValueError(f"no claim {claim_id!r} in the store")
        log = con.execute(
            f"SELECT {', '.join(CORRECTION_COLUMNS)} FROM corrections "
            "WHERE claim_id = ? ORDER BY id",
            [claim_id],
        ).df()
        log = log.astype(CORRECTION_COLUMNS) if len(log) else empty_corrections()
        applied = apply_corrections(machine, log, include_rejected=True)
        check_unchanged(applied, claim_id, edits)
        fixes = [(e.field, e.value) for e in edits if e.field != REJECTED]
        _, olds = check_correction(applied.frame, fixes)
        entries = [
            ("correct", f, old, format_value(f, v)) for (f, v), old in zip(fixes, olds, strict=True)
        ]
        was_rejected = claim_id in applied.rejected
        for edit in (e for e in edits if e.field == REJECTED):
            now = parse_value(REJECTED, format_value(REJECTED, edit.value))
            entries.append(
                (
                    "reject",
                    REJECTED,
                    format_value(REJECTED, was_rejected),
                    format_value(REJECTED, now),
                )
            )
            was_rejected = now
        stamp = datetime.now(UTC).replace(tzinfo=None)
        article_id = machine.iloc[0]["article_id"]
        return [
            int(
                con.execute(
                    "INSERT INTO corrections (claim_id, article_id, field, old_value, new_value, "
                    "reason, author, created_at, kind, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active') RETURNING id",
                    [claim_id, article_id, name, old, new, *who, stamp, kind],
                ).fetchone()[0]
            )
            for kind, name, old, new in entries
        ]

    def apply_edits(self, edits: Sequence[Edit], reason: str, author: str) -> list[int]:
        """Log edits in one transaction: all are stored, or none (CorrectionError says why).

        Edits of one claim are validated together, so a reviewer can change a qualifier and
        the count it qualifies in one save. Returns the new log ids.
        """
        who = [(reason or "").strip(), (author or "").strip()]
        if not who[0]:
            raise ValueError("a reason is required for every correction")
        if not who[1]:
            raise ValueError("an author is required for every correction")
        by_claim: dict[str, list[Edit]] = {}
        for edit in edits:
            by_claim.setdefault(edit.claim_id, []).append(edit)
        # One save at a time in this process: the check of what each editor started from
        # and the log entries it allows are then atomic (DuckDB lets only one process write).
        with _EDIT_LOCK, self._connect() as con, self._transaction(con):
            return [
                i for cid, group in by_claim.items() for i in self._log_claim(con, cid, group, who)
            ]

    def correct(self, claim_id: str, field: str, new_value: Any, reason: str, author: str) -> int:
        """Set one field of one claim; raises ValueError (CorrectionError) if it is refused."""
        return self.apply_edits([Edit(claim_id, field, new_value)], reason, author)[0]

    def reject(self, claim_id: str, reason: str, author: str, rejected: bool = True) -> int:
        """Reject a claim (or, with rejected=False, take a rejection back)."""
        return self.apply_edits([Edit(claim_id, REJECTED, rejected)], reason, author)[0]


def open_store(path: str | os.PathLike[str] | None = None) -> ClaimStore:
    """The store at `path`, else $SYRIA_CLAIMS_DB, else data/claims.duckdb in the repo."""
    return ClaimStore(path or os.environ.get(ENV_VAR) or DEFAULT_DB)


def ensure_seeded(
    store: ClaimStore, extract: Extract | None = None, version: str | None = None
) -> IngestReport | None:
    """Ingest seeds/ into an empty store so a fresh checkout shows data; None if not empty."""
    if store.counts()["articles"]:
        return None
    articles, errors = read_articles([SEEDS_DIR])
    report = store.ingest(articles, extract, version)
    report.failed[:0] = errors
    return report
