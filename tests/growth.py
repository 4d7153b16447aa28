"""Growth checks: a step is linear when doubling its input at most about doubles its time.

Timing one size says nothing (machines differ); the ratio between two sizes of the same
generated input does. The best of a few runs is taken at each size so a busy machine cannot
fake a stall, and the input is sized so the larger run takes tens of milliseconds at least.
Other jobs on a shared machine can still slow one large run, so a check passes when any of a
few attempts stays within the bound: a quadratic step doubles the ratio every time (about 4x),
a busy machine only now and then.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

MAX_RATIO = 2.2  # doubling the input: at most ~2.2x the time (issue 13's bound)


def best_time(run: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def growth_ratio(
    step: Callable[[str], object], make_input: Callable[[int], str], size: int, repeat: int = 3
) -> float:
    """Time of `step` on `make_input(2 * size)` over its time on `make_input(size)`."""
    small, large = make_input(size), make_input(2 * size)
    step(small)  # warm caches and imports outside the timing
    return best_time(lambda: step(large), repeat) / best_time(lambda: step(small), repeat)


def assert_linear(
    step: Callable[[str], object],
    make_input: Callable[[int], str],
    size: int,
    repeat: int = 3,
    attempts: int = 5,
) -> None:
    """Fail when doubling the input more than ~2.2x the time in every one of `attempts`
    (a super-linear step); the garbage collector is paused while timing."""
    ratios = []
    gc.disable()
    try:
        for _ in range(attempts):
            ratios.append(growth_ratio(step, make_input, size, repeat))
            if ratios[-1] <= MAX_RATIO:
                return
    finally:
        gc.enable()
    raise AssertionError(
        f"doubling the input took {min(ratios):.2f}x the time (> {MAX_RATIO}x) in "
        f"{attempts} attempts"
    )
