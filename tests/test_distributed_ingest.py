"""Ingestion on Dask: the same claims as one process, shards loaded once, runs resumable.

Real files (the seed articles, generated wire copy, a broken file), real DuckDB stores and, in
the slow test, a real two-worker `LocalCluster`.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib.articles import read_articles
from lib.distributed_ingest import extract_partition, ingest_on_dask, partitions, shard_contents
from lib.extract import EXTRACTOR_VERSION
from lib.ingest import main
from lib.store import ClaimStore

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PUBLISHED = date(2012, 4, 4)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """The seed folder (with its manifest), six short reports and one binary file."""
    folder = tmp_path / "inbox"
    shutil.copytree(SEEDS, folder)
    towns = ["Homs", "Hama", "Idlib", "Daraa", "Aleppo", "Douma"]
    for i, town in enumerate(towns):
        (folder / f"report{i}.txt").write_text(
            f"Clashes in {town}\n\n{i + 3} people were killed in {town} on Monday, "
            f"activists said. Another {i + 10} were wounded.\n"
        )
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00binary")
    return folder


def _claims(store: ClaimStore) -> pd.DataFrame:
    return store.machine_claims().sort_values("claim_id", ignore_index=True)


def test_partitions_keep_the_loaders_order_and_size(inbox):
    parts = partitions([inbox], size=4)
    assert [len(p) for p in parts] == [4, 4, 1]  # 2 seeds, 6 reports, 1 broken
    assert all(Path(f).name != "manifest.csv" for p in parts for f in p)
    assert sorted(f for p in parts for f in p) == [f for p in parts for f in p]


def test_a_shard_holds_what_the_store_would_have_extracted(inbox, tmp_path):
    direct = ClaimStore(tmp_path / "direct.duckdb")
    report = direct.ingest(read_articles([inbox], PUBLISHED)[0])
    shard = extract_partition(partitions([inbox])[0], PUBLISHED, str(tmp_path), EXTRACTOR_VERSION)
    assert [name for name, _ in shard.errors] == [str(inbox / "broken.txt")]
    sharded = ClaimStore(tmp_path / "sharded.duckdb")
    loaded = sharded.store_extracted(list(shard_contents(shard)), EXTRACTOR_VERSION)
    assert loaded.new == report.new == 8
    pd.testing.assert_frame_equal(_claims(sharded), _claims(direct))


def test_a_finished_shard_is_reused_and_nothing_is_stored_twice(inbox, tmp_path):
    files = partitions([inbox])[0]
    first = extract_partition(files, PUBLISHED, str(tmp_path), EXTRACTOR_VERSION)
    written = Path(first.claims).stat().st_mtime_ns
    again = extract_partition(files, PUBLISHED, str(tmp_path), EXTRACTOR_VERSION)
    assert again == first
    assert Path(first.claims).stat().st_mtime_ns == written  # reused, not extracted again
    store = ClaimStore(tmp_path / "store.duckdb")
    assert store.store_extracted(list(shard_contents(first)), EXTRACTOR_VERSION).new == 8
    repeat = store.store_extracted(list(shard_contents(again)), EXTRACTOR_VERSION)
    assert (repeat.new, repeat.unchanged) == (0, 8)


@pytest.mark.slow
def test_a_two_worker_cluster_stores_exactly_the_single_process_claims(inbox, tmp_path, capsys):
    single = tmp_path / "single.duckdb"
    assert main([str(inbox), "--published", "2012-04-04", "--db", str(single)]) == 1  # broken.txt
    store = ClaimStore(tmp_path / "dask.duckdb")
    shards = tmp_path / "shards"
    report = ingest_on_dask(store, [inbox], PUBLISHED, "local", shards, partition_files=3)
    assert (report.new, report.unchanged) == (8, 0)
    assert [e.name for e in report.failed] == [str(inbox / "broken.txt")]
    pd.testing.assert_frame_equal(_claims(store), _claims(ClaimStore(single)))
    # a re-run (as after a killed run) reloads the written shards and adds nothing
    rerun = ingest_on_dask(store, [inbox], PUBLISHED, "local", shards, partition_files=3)
    assert (rerun.new, rerun.unchanged) == (0, 8)
    assert len(_claims(store)) == len(_claims(ClaimStore(single)))
