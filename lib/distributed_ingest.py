"""Ingestion on a Dask cluster: extraction mapped over partitions of article files.

Why: extraction is pure Python at ~40 articles/s per core, so a million articles take hours in
one process. Here the files are split into partitions; each partition is read and extracted on
a `dask.distributed` worker, which writes its result as a *shard* (two Parquet files: the
articles and their claims) into a shard folder; the client loads each finished shard into the
store in one transaction. DuckDB allows one writing process, so loading stays on the client;
it costs a few milliseconds per shard against seconds of extraction.

Idempotent and resumable: a shard's name is a digest of its files, their sizes and times, and
the extractor version, so a re-run finds the shards it already wrote (written to a temporary
name and renamed, so a killed worker leaves no half shard) and loads them again; the store skips
every article it holds (same text), so nothing is stored twice.

Workers need the project importable (same code, same extractor version) and the input files
and shard folder at the same paths: see docs/scale.md.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from lib.articles import Article, LoadError, files_in, read_articles
from lib.claims import ARROW_SCHEMA
from lib.store import ClaimStore, IngestReport, extract_claims

PARTITION_FILES = 50  # files per task: large enough to hide scheduling, small for even loads
_ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("published", pa.date32()),
        ("outlet", pa.string()),
        ("url", pa.string()),
        ("path", pa.string()),
        ("body_start", pa.int64()),
        ("claims", pa.int64()),  # how many rows of the claims file are this article's, in order
    ]
)


@dataclass(frozen=True)
class Shard:
    """What one partition produced: its Parquet files and the failures, by name and reason."""

    articles: str
    claims: str
    errors: list[tuple[str, str]] = field(default_factory=list)


def partitions(paths: Sequence[str | Path], size: int = PARTITION_FILES) -> list[list[str]]:
    """The article files under `paths`, in the loader's order, `size` files a partition."""
    files = [str(p) for p in files_in(paths)]
    return [files[i : i + size] for i in range(0, len(files), size)]


def shard_name(files: Sequence[str], version: str) -> str:
    """A digest of the files (name, size, modification time) and the extractor version."""
    digest = hashlib.sha256(version.encode())
    for name in files:
        try:
            stat = os.stat(name)
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{name}\0missing\n".encode())
    return digest.hexdigest()[:24]


def extract_partition(
    files: Sequence[str], published: date | None, shard_dir: str, version: str
) -> Shard:
    """Read and extract one partition and write its shard (runs on a worker)."""
    from lib.extract import extract_batch

    base = Path(shard_dir) / shard_name(files, version)
    done = base.with_suffix(".json")
    if done.exists():  # written by an earlier, interrupted run
        written = json.loads(done.read_text())
        return Shard(written["articles"], written["claims"], [tuple(e) for e in written["errors"]])
    articles, load_errors = read_articles(files, published)
    errors = [(e.name, e.reason) for e in load_errors]
    rows, batches = [], []
    for article in articles:
        try:
            batch = extract_claims(article, extract_batch, version)
        except ValueError as exc:
            errors.append((article.path or article.article_id, str(exc)))
            continue
        rows.append({**_article_row(article), "claims": batch.num_rows})
        batches.append(batch)
    shard = Shard(f"{base}.articles.parquet", f"{base}.claims.parquet", errors)
    _write_atomic(pa.Table.from_pylist(rows, schema=_ARTICLE_SCHEMA), shard.articles)
    claims = pa.Table.from_batches(batches, schema=ARROW_SCHEMA) if batches else (
        ARROW_SCHEMA.empty_table())  # fmt: skip
    _write_atomic(claims, shard.claims)
    tmp = done.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"articles": shard.articles, "claims": shard.claims,
                               "errors": errors}))  # fmt: skip
    tmp.replace(done)
    return shard


def _article_row(article: Article) -> dict:
    return {k: getattr(article, k) for k in _ARTICLE_SCHEMA.names if k != "claims"}


def _write_atomic(table: pa.Table, path: str) -> None:
    tmp = f"{path}.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def shard_contents(shard: Shard) -> Iterator[tuple[Article, pa.RecordBatch]]:
    """Each article of a shard with its claims (rows are stored article by article)."""
    claims = pq.read_table(shard.claims)
    offset = 0
    for row in pq.read_table(shard.articles).to_pylist():
        count = row.pop("claims")
        yield Article(**row), _one_batch(claims.slice(offset, count))
        offset += count


def _one_batch(table: pa.Table) -> pa.RecordBatch:
    batches = table.combine_chunks().to_batches()
    return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=table.schema)


def _client(address: str):
    """A client of a new two-worker LocalCluster ("local") or of a running scheduler."""
    from dask.distributed import Client, LocalCluster

    if address == "local":
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)  # fmt: skip
        return Client(cluster)
    return Client(address)


def ingest_on_dask(
    store: ClaimStore,
    paths: Sequence[str | Path],
    published: date | None,
    address: str = "local",
    shard_dir: str | Path | None = None,
    partition_files: int = PARTITION_FILES,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Extract `paths` on the cluster at `address` and load every shard into `store`,
    one transaction per shard, as the shards finish. `progress(n)` gets each shard's number of
    files."""
    from dask.distributed import as_completed

    from lib.extract import EXTRACTOR_VERSION

    shard_dir = Path(shard_dir or store.path.parent / "shards")
    shard_dir.mkdir(parents=True, exist_ok=True)
    report = IngestReport()
    parts = partitions(paths, partition_files)
    if not parts:
        return report
    with _client(address) as client:
        futures = {
            client.submit(extract_partition, files, published, str(shard_dir), EXTRACTOR_VERSION,
                          pure=False): len(files)
            for files in parts
        }  # fmt: skip
        for future in as_completed(futures):
            shard = future.result()
            outcome = store.store_extracted(list(shard_contents(shard)), EXTRACTOR_VERSION)
            report.new += outcome.new
            report.unchanged += outcome.unchanged
            report.failed += [LoadError(name, reason) for name, reason in shard.errors]
            if progress:
                progress(futures[future])
    return report
