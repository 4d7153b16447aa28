"""Browser test harness: Debian's Chromium through Playwright, and the app on a free local port.

The app runs as `streamlit run dashboard.py` in a subprocess with its own temporary
SYRIA_CLAIMS_DB holding the hand-checked seed claims, so tests never touch data/claims.duckdb
and the numbers they expect are counted by hand. Every request the page makes is
recorded; requests for anything but 127.0.0.1 are aborted and reported (`offsite`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixture_store import make_fixture_store

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip every browser test, with the reason, where Debian's Chromium is not installed."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install chromium to run")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """pytest-playwright launches the system Chromium: browsers cannot be downloaded here."""
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict:
    return {"viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(db: str, log: Path) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free 127.0.0.1 port with the store `db`; its URL."""
    port = _free_port()
    env = {**os.environ, "SYRIA_CLAIMS_DB": db}
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard.py",
           "--server.address", "127.0.0.1", "--server.port", str(port)]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the dashboard on 127.0.0.1 with a temporary claims database; stop it afterwards."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found")
    db = make_fixture_store(tmp_path_factory.mktemp("db") / "claims.duckdb")
    with running_app(db, tmp_path_factory.mktemp("log") / "streamlit.log") as url:
        yield url


@pytest.fixture
def offsite(context) -> list[str]:
    """URLs of requests that tried to leave 127.0.0.1 (they are aborted)."""
    seen: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            seen.append(url)
            route.abort()

    context.route("**/*", guard)
    return seen
