"""Put articles into the claim store: `python -m lib.ingest PATH... [--db FILE]`, and uploads.

Why a CLI and not only the review page: users collect reports daily, in folders; a scripted
ingest that is idempotent (same text stored once) and prints what failed and why fits that.
Run `python -m lib.ingest --help` for re-extraction and snapshot export/import.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tqdm import tqdm

from lib.articles import (
    MISSING_DATE,
    SUFFIXES,
    Article,
    ArticleError,
    LoadError,
    read_article_bytes,
    read_articles,
)
from lib.store import ClaimStore, Extract, IngestReport, StoreBusyError, open_store

MAX_UPLOAD_MB = 5
PROGRESS_FROM = 20  # show a progress bar from this many articles on (short runs stay quiet)


@dataclass
class Upload:
    """What an uploaded file gave: articles, problems, and whether a date would fix them."""

    articles: list[Article] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    needs_date: bool = False


def read_upload(name: str, data: bytes, published: date | None = None) -> Upload:
    """Check an upload's type and size, then parse it; never raises for a bad file.

    `needs_date` is set when some article only lacks a publication date, so the page can ask
    for one instead of refusing the file.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        allowed = ", ".join(SUFFIXES)
        return Upload(errors=[LoadError(name, f"unsupported file type {suffix!r} (use {allowed})")])
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        size = len(data) / 1024 / 1024
        return Upload(
            errors=[LoadError(name, f"file is {size:.1f} MB; the limit is {MAX_UPLOAD_MB} MB")]
        )
    try:
        return Upload(articles=read_article_bytes(name, data, published))
    except ArticleError as exc:
        needs_date = any(e.reason == MISSING_DATE for e in exc.errors)
        return Upload(list(exc.articles), list(exc.errors), needs_date)


def save_uploads(
    store: ClaimStore,
    uploads: Sequence[Upload],
    extract: Extract | None = None,
    version: str | None = None,
) -> IngestReport:
    """Store the articles of uploads all or nothing: any problem in any file stores nothing."""
    errors = [e for upload in uploads for e in upload.errors]
    if errors:
        return IngestReport(failed=errors)
    articles = [a for upload in uploads for a in upload.articles]
    return store.ingest_all_or_nothing(articles, extract, version)


def _progress_bar(total: int, label: str) -> tqdm:
    return tqdm(total=total, desc=label, unit="article", file=sys.stderr,
                disable=True if total < PROGRESS_FROM else None)  # fmt: skip


def ingest_paths(
    store: ClaimStore, paths: Sequence[str | Path], published: date | None = None
) -> IngestReport:
    """Read files/folders and ingest them with a progress bar; read failures join the report."""
    articles, errors = read_articles(paths, published)
    with _progress_bar(len(articles), "ingest") as bar:
        report = store.ingest(articles, progress=lambda _a, _o: bar.update())
    report.failed[:0] = errors
    return report


def _dask_ingest(address: str, shards: Path | None) -> Callable[..., IngestReport]:
    """`ingest_paths` on a Dask cluster, with a progress bar fed by the finished shards."""
    from lib.articles import files_in
    from lib.distributed_ingest import ingest_on_dask

    def ingest(store: ClaimStore, paths: Sequence[str | Path], published: date | None):
        with _progress_bar(sum(1 for _ in files_in(paths)), f"ingest on {address}") as bar:
            return ingest_on_dask(store, paths, published, address, shards, progress=bar.update)

    return ingest


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lib.ingest",
        description="Ingest article files/folders (.txt .html .json .jsonl) into the claim store.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to ingest")
    parser.add_argument("--db", help="store file (default: $SYRIA_CLAIMS_DB or data/claims.duckdb)")
    parser.add_argument("--published", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="publication date for files that carry none")  # fmt: skip
    parser.add_argument("--dask", metavar="local|tcp://HOST:PORT",
                        help="extract on a Dask cluster: a two-worker local one, or a scheduler "
                             "(see docs/scale.md)")  # fmt: skip
    parser.add_argument("--shards", metavar="DIR", type=Path,
                        help="with --dask: where workers write their shards "
                             "(default: shards/ beside the store)")  # fmt: skip
    parser.add_argument("--reextract", action="store_true",
                        help="re-extract articles made by another extractor version")  # fmt: skip
    parser.add_argument("--all", action="store_true", help="with --reextract: every article")
    parser.add_argument("--export", metavar="DIR", type=Path, help="write a snapshot to DIR")
    parser.add_argument("--import", dest="import_dir", metavar="DIR", type=Path,
                        help="load a snapshot written by --export (hash verified)")  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; exit 0 when everything went in, 1 when something failed, 3 when busy."""
    from lib.snapshot import SnapshotError, export_snapshot, import_snapshot

    args = _parser().parse_args(argv)
    if not (args.paths or args.reextract or args.export or args.import_dir):
        _parser().error("nothing to do: give PATHs, --reextract, --export or --import")
    failed = False
    try:
        store = open_store(args.db)
        if args.import_dir:
            print(f"import: {import_snapshot(store, args.import_dir).summary()}")
        if args.paths:
            ingest = ingest_paths if args.dask is None else _dask_ingest(args.dask, args.shards)
            report = ingest(store, args.paths, args.published)
            print(report.summary())
            failed |= bool(report.failed)
        if args.reextract:
            from lib.extract import EXTRACTOR_VERSION

            stale = store.stored_articles(None if args.all else EXTRACTOR_VERSION)
            with _progress_bar(len(stale), "re-extract") as bar:
                report = store.reextract(everything=args.all, progress=lambda _a, _o: bar.update())
            print(report.summary())
            failed |= bool(report.failed)
        if args.export:
            manifest = export_snapshot(store, args.export)
            print(f"exported to {args.export} (content sha256 {manifest['content_sha256']})")
    except StoreBusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except SnapshotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
