"""Benchmark: filter + daily death series + source comparison on synthetic claims.

    python -m benchmarks.bench_analytics [--claims 1000000] [--repeat 3]
    python -m benchmarks.synthetic 1000000 /tmp/claims.parquet
    python -m benchmarks.bench_analytics --parquet /tmp/claims.parquet   # RSS without generator

Times are wall-clock seconds, best and median of `--repeat` runs after a warm-up on a small
frame (first calls pay for lazy imports). "broad" keeps ~all claims (a date range over the
whole war: the worst case for the series and comparison); "narrow" is one year in one
province, the usual dashboard view. Modes (see `run`): "store" (the dashboard's path: a coded
store prepared once, narrowed per filter), "shared" and "frame" (a filtered copy), with
compare(limit=100) (the most disputed questions) and with every answer built (what the Who
says what page shows). Peak RSS covers the whole process so far, generation (or reading)
included: the store modes run first, so the figure printed after them is what serving them
takes; the copying modes need more.
"""

from __future__ import annotations

import argparse
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
    claims: pd.DataFrame | CodedClaims, claim_filter: ClaimFilter, limit: int | None, mode: str
) -> dict[str, float]:
    """One pass: the three steps a dashboard page performs, each timed.

    mode "frame": filter copies the rows, series and comparison each factorise the copy;
    "shared": one CodedClaims of the copy serves both (built in the series step);
    "store": `claims` is a prepared CodedClaims of the whole store and the filter only narrows
    it (ClaimFilter.view), no rows copied.
    """
    if mode == "store":
        t_filter, kept = timed(lambda: claim_filter.view(claims))
    else:
        t_filter, kept = timed(lambda: claim_filter.apply(claims))

    def series_step() -> pd.DataFrame | CodedClaims:
        view = CodedClaims(kept) if mode == "shared" else kept
        daily_deaths(view)
        return view

    t_series, view = timed(series_step)
    t_compare, _ = timed(lambda: compare(view, limit=limit))
    return {
        "kept": len(kept) if mode != "store" else int(kept.selected.sum()),
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
    run(synthetic_claims(2_000, seed=1), FILTERS["broad"], None, "frame")  # warm-up

    def prepare_store() -> CodedClaims:
        store = CodedClaims(claims)
        daily_deaths(store)  # factorises the columns and computes places and bounds once
        compare(store, limit=1)
        return store

    t_store, store = timed(prepare_store)
    print(f"store view prepared once in {t_store:.2f} s (not in the times below)")
    load = os.getloadavg()[0]
    print(f"load average before timing: {load:.1f} on {os.cpu_count()} CPUs")
    # The store mode (what the dashboard runs) first, so the peak RSS printed after it is what
    # a process serving it needs; the copying modes that follow need more.
    variants = [(args.limit, "store"), (None, "store"), (args.limit, "shared"),
                (args.limit, "frame"), (None, "frame")]  # fmt: skip
    for limit, mode in variants:
        for name, claim_filter in FILTERS.items():
            source = store if mode == "store" else claims
            runs = [run(source, claim_filter, limit, mode) for _ in range(args.repeat)]
            print(f"{name:6s} kept {runs[0]['kept']:>9,} {shown(limit, mode):13s} {summary(runs)}")
            wall, cpu = cpu_timed(lambda f=claim_filter, n=limit, m=mode, c=source: run(c, f, n, m))
            print(f"{'':6s} one more pass: wall {wall:.3f} s, CPU {cpu:.3f} s")
        print(f"peak RSS after {shown(limit, mode)}: {peak_rss_mb():.0f} MB")


def shown(limit: int | None, mode: str) -> str:
    return ("all" if limit is None else f"top {limit}") + f" {mode}"


def summary(runs: list[dict[str, float]]) -> str:
    """Best and median seconds of each step."""
    parts = " ".join(
        f"{key} {min(r[key] for r in runs):.3f}/{statistics.median(r[key] for r in runs):.3f}"
        for key in ("filter", "series", "compare", "total")
    )
    return f"best/median s: {parts}"


if __name__ == "__main__":
    main()
