"""Benchmark: filter + daily death series + source comparison on synthetic claims.

    python -m benchmarks.bench_analytics [--claims 1000000] [--repeat 3]
    python -m benchmarks.synthetic 1000000 /tmp/claims.parquet
    python -m benchmarks.bench_analytics --parquet /tmp/claims.parquet   # RSS without generator

Times are wall-clock seconds, best and median of `--repeat` runs after a warm-up on a small
frame (first calls pay for lazy imports). "broad" keeps ~all claims (a date range over the
whole war: the worst case for the series and comparison); "narrow" is one year in one
province, the usual dashboard view. Each runs with every question's answers built, with
compare(limit=100) (the page's first screen), and with that plus one CodedClaims view shared by
the series and the comparison. Peak RSS covers the whole process, generation (or reading)
included.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import time
from collections.abc import Callable
from datetime import date

import pandas as pd

from benchmarks.synthetic import synthetic_claims
from lib.claims import coerce_claims
from lib.comparison import compare
from lib.filters import ClaimFilter
from lib.series import CodedClaims, daily_deaths

FILTERS = {
    "broad": ClaimFilter(start=date(2011, 1, 1), end=date(2015, 12, 31)),
    "narrow": ClaimFilter(start=date(2012, 1, 1), end=date(2012, 12, 31), governorates={"SY-HI"}),
}


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(step: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = step()
    return time.perf_counter() - start, result


def cpu_timed(step: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of a step (CPU time is less disturbed by other jobs on the box)."""
    cpu = time.process_time()
    wall, _ = timed(step)
    return wall, time.process_time() - cpu


def run(
    claims: pd.DataFrame, claim_filter: ClaimFilter, limit: int | None, shared: bool
) -> dict[str, float]:
    """One pass: the three steps a dashboard page performs, each timed.

    `shared`: series and comparison get one CodedClaims view of the filtered frame (its cost is
    counted in the series step) instead of each factorising the frame.
    """
    t_filter, kept = timed(lambda: claim_filter.apply(claims))

    def series_step() -> pd.DataFrame | CodedClaims:
        view = CodedClaims(kept) if shared else kept
        daily_deaths(view)
        return view

    t_series, view = timed(series_step)
    t_compare, _ = timed(lambda: compare(view, limit=limit))
    return {
        "kept": len(kept),
        "filter": t_filter,
        "series": t_series,
        "compare": t_compare,
        "total": t_filter + t_series + t_compare,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=100, help="compare(limit=...) variant")
    parser.add_argument(
        "--parquet", help="read claims written by `python -m benchmarks.synthetic N PATH` instead"
    )
    args = parser.parse_args()

    if args.parquet:
        t_make, claims = timed(lambda: coerce_claims(pd.read_parquet(args.parquet)))
        what = f"read {args.parquet}"
    else:
        t_make, claims = timed(lambda: synthetic_claims(args.claims))
        what = "generated"
    size = claims.memory_usage(deep=True).sum() / 2**20
    print(f"{what}: {len(claims):,} claims ({size:.0f} MB) in {t_make:.1f} s; "
          f"peak RSS {peak_rss_mb():.0f} MB")  # fmt: skip
    run(synthetic_claims(2_000, seed=1), FILTERS["broad"], None, False)  # warm-up
    load = os.getloadavg()[0]
    print(f"load average before timing: {load:.1f} on {os.cpu_count()} CPUs")
    variants = [(None, False), (args.limit, False), (args.limit, True)]
    for (name, claim_filter), (limit, shared) in itertools.product(FILTERS.items(), variants):
        runs = [run(claims, claim_filter, limit, shared) for _ in range(args.repeat)]
        parts = " ".join(
            f"{key} {min(r[key] for r in runs):.3f}/{statistics.median(r[key] for r in runs):.3f}"
            for key in ("filter", "series", "compare", "total")
        )
        shown = ("all" if limit is None else f"top {limit}") + (" shared" if shared else "")
        print(f"{name:6s} kept {runs[0]['kept']:>9,} {shown:14s} best/median s: {parts}")
        wall, cpu = cpu_timed(lambda f=claim_filter, n=limit, v=shared: run(claims, f, n, v))
        print(f"{'':6s} one more pass: wall {wall:.3f} s, CPU {cpu:.3f} s")
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
