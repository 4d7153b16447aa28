"""Page-ready times and the server's CPU cost per page view with 1, 5, 10 and 20 sessions.

    python -m benchmarks.bench_concurrency [--sessions 1 5 10 20] [--views 6]

Why headless clients and not browsers: on this 2-core machine Chromium instances take the
CPU the server needs, so browser timings measure the browsers. Each simulated session here
speaks Streamlit's own websocket protocol, as the browser's JavaScript does: it opens
`/_stcore/stream`, asks for a page (a `rerun_script` BackMsg naming its URL path) and reads
ForwardMsgs until the run reports `script_finished`. That is "page ready": every element
has been sent (drawing them is the browser's cost, not the server's). A session then asks
for the next page, in the order of the navigation, `--views` times.

Counted as an error: a run that does not finish within `--timeout`, an exception element on
a page, or a page-not-found. The server's CPU time (user + system, from /proc) over the
whole round, divided by the page views, is its own cost per page view.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from benchmarks.bench_first_paint import start_app

PAGES = ("", "map", "timeline", "who-says-what", "claims", "articles", "review")
FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")


@dataclass
class Round:
    """One round: `sessions` clients, each viewing pages one after another."""

    sessions: int
    ready_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_s: float = 0.0
    wall_s: float = 0.0

    def line(self) -> str:
        views = len(self.ready_s) + len(self.errors)
        deciles = statistics.quantiles(self.ready_s, n=10) if len(self.ready_s) > 1 else [0] * 9
        p50 = statistics.median(self.ready_s) if self.ready_s else float("nan")
        return (
            f"{self.sessions:>3} sessions: {views:>4} page views, {len(self.errors)} errors, "
            f"page ready p50 {p50:5.2f} s, p90 {deciles[8]:5.2f} s, "
            f"server CPU {self.cpu_s / max(views, 1):.3f} s per view, wall {self.wall_s:5.1f} s"
        )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (its own threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _request(page: str) -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = page
    msg.rerun_script.widget_states.SetInParent()
    return msg.SerializeToString()


async def view(ws, page: str, timeout: float) -> str | None:
    """Ask for one page and wait until its run finished; None, or what went wrong."""
    await ws.send(_request(page))
    problem = None
    async with asyncio.timeout(timeout):
        while True:
            msg = ForwardMsg.FromString(await ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
                problem = f"/{page}: exception {msg.delta.new_element.exception.type}"
            elif kind == "page_not_found":
                problem = f"/{page}: page not found"
            elif kind == "script_finished" and msg.script_finished == FINISHED:
                return problem


async def session(url: str, number: int, views: int, timeout: float, out: Round) -> None:
    """One client: the pages in navigation order, starting at a different one per session."""
    async with connect(f"{url.replace('http', 'ws')}/_stcore/stream", subprotocols=["streamlit"],
                       max_size=None, open_timeout=timeout) as ws:  # fmt: skip
        for i in range(views):
            page = PAGES[(number + i) % len(PAGES)]
            start = time.monotonic()
            try:
                problem = await view(ws, page, timeout)
            except TimeoutError:
                problem = f"/{page}: not ready after {timeout:.0f} s"
            if problem:
                out.errors.append(problem)
            else:
                out.ready_s.append(time.monotonic() - start)


async def run_round(url: str, pid: int, sessions: int, views: int, timeout: float) -> Round:
    out = Round(sessions)
    cpu, wall = cpu_seconds(pid), time.monotonic()
    await asyncio.gather(*(session(url, n, views, timeout, out) for n in range(sessions)))
    out.cpu_s, out.wall_s = cpu_seconds(pid) - cpu, time.monotonic() - wall
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--views", type=int, default=6, help="page views per session")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per page view")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_app(Path(tmp) / "claims.duckdb")
        try:
            warm = asyncio.run(run_round(url, proc.pid, 1, len(PAGES), 120.0))  # seeds, caches
            if warm.errors:
                print("warm-up errors:", *warm.errors, sep="\n  ")
            rounds = [
                asyncio.run(run_round(url, proc.pid, n, args.views, args.timeout))
                for n in args.sessions
            ]
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"{args.views} page views per session over {len(PAGES)} pages, seeds store, "
          f"load average {os.getloadavg()[0]:.1f} after the run:")  # fmt: skip
    for result in rounds:
        print(result.line())
        for problem in sorted(set(result.errors))[:5]:
            print(f"      {problem}")


if __name__ == "__main__":
    main()
