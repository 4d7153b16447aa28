"""First paint of each dashboard page in headless Chromium, on the seed articles.

    python -m benchmarks.bench_first_paint [--repeat 3]

Starts `streamlit run dashboard.py` on a free 127.0.0.1 port with a fresh store (seeded from
`seeds/` by the real extractor), opens every page once to warm the caches, then reports the
median time from navigation start to the page title on screen. A benchmark, not a test:
the figure depends on how busy the machine is (goal: under 2 s per page).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from ui.headings import HEADINGS

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# Records, in ms since navigation start, when the page title appears.
PAINT_PROBE = """
window.__paint = {};
new MutationObserver(() => {
  if (!window.__paint.title && document.querySelector('[data-testid=stMainBlockContainer] h1'))
    window.__paint.title = performance.now();
}).observe(document, {subtree: true, childList: true});
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard.py",
           "--server.address", "127.0.0.1", "--server.port", str(port)]  # fmt: skip
    env = {**os.environ, "SYRIA_CLAIMS_DB": str(db)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("streamlit did not start within 60 s")


def measure(url: str, repeat: int) -> dict[str, float]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(PAINT_PROBE)

        def open_page(path: str) -> float:
            page.goto(f"{url}/{path}")
            page.locator("h1").filter(has_text=HEADINGS[path]).first.wait_for(timeout=60_000)
            page.wait_for_timeout(300)
            return page.evaluate("window.__paint.title") / 1000

        for path in HEADINGS:  # warm the server's caches (first start seeds the store)
            open_page(path)
        medians = {
            path or "overview": statistics.median(open_page(path) for _ in range(repeat))
            for path in HEADINGS
        }
        browser.close()
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_app(Path(tmp) / "claims.duckdb")
        try:
            medians = measure(url, args.repeat)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    load = os.getloadavg()[0]
    print(f"first paint (navigation start -> page title), median of {args.repeat}, "
          f"load average {load:.1f}:")  # fmt: skip
    for name, seconds in medians.items():
        print(f"  {name:<14} {seconds:5.2f} s")


if __name__ == "__main__":
    main()
