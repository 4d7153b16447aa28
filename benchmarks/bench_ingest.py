"""Ingest: one process against `--dask local` (a two-worker LocalCluster), same articles.

    python -m benchmarks.bench_ingest [--articles 5000]

Writes generated wire-style articles (benchmarks.bench_extract's wire mix) to a temporary
folder, ingests them into two fresh stores, one through `lib.ingest.ingest_paths` and one on a
local Dask cluster, and prints articles/s for each, their ratio, and whether the stored claims
are identical. The cluster's start-up is counted: it is what a user waits for.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from benchmarks.bench_extract import make_articles
from lib.distributed_ingest import ingest_on_dask
from lib.ingest import ingest_paths
from lib.store import ClaimStore

PUBLISHED = date(2012, 4, 4)


def write_articles(folder: Path, count: int) -> None:
    for i, article in enumerate(make_articles(count, seed=11, context_share=0.5)):
        (folder / f"article{i:06d}.txt").write_text(article.text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inbox = root / "in"
        inbox.mkdir()
        write_articles(inbox, args.articles)
        single = ClaimStore(root / "single.duckdb")
        start = time.perf_counter()
        ingest_paths(single, [inbox], PUBLISHED)
        single_s = time.perf_counter() - start
        cluster = ClaimStore(root / "dask.duckdb")
        start = time.perf_counter()
        ingest_on_dask(cluster, [inbox], PUBLISHED, "local", root / "shards")
        dask_s = time.perf_counter() - start
        a = single.machine_claims().sort_values("claim_id", ignore_index=True)
        b = cluster.machine_claims().sort_values("claim_id", ignore_index=True)
        same = len(a) == len(b) and a.equals(b)
    rate = args.articles / single_s, args.articles / dask_s
    print(
        pd.DataFrame(
            {"seconds": [single_s, dask_s], "articles/s": rate},
            index=["single process", "--dask local (2 workers)"],
        ).round(2)
    )
    print(f"speed-up {rate[1] / rate[0]:.2f}x; {len(a):,} claims; identical: {same}")


if __name__ == "__main__":
    main()
