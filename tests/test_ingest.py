"""Ingest CLI, uploads, snapshots and kill -9 safety on real DuckDB files in tmp_path."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import types
from datetime import date
from pathlib import Path

import pytest

from lib.articles import Article
from lib.claims import article_id_for
from lib.ingest import MAX_UPLOAD_MB, main, read_upload, save_uploads
from lib.snapshot import SnapshotError, export_snapshot, import_snapshot
from lib.store import ClaimStore
from tests.test_store import regex_extractor

REPO = Path(__file__).parent.parent
SEEDS = REPO / "seeds"
GOOD_TXT = b"Shelling in Idlib\n\nAt least 12 people were killed in Taftanaz on Tuesday.\n"


def varied_articles(n: int) -> list[Article]:
    """`n` distinct articles: the seed texts with a numbered update paragraph appended."""
    bases = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    out = []
    for i in range(n):
        text = f"{bases[i % len(bases)]}\n\nUpdate {i}: {i % 40 + 1} people were killed in Idlib."
        out.append(Article(article_id_for(text), f"Update {i}", text, date(2012, 4, 4 + i % 20),
                           "Test", None, f"generated/{i}.txt", 0))  # fmt: skip
    return out


@pytest.fixture
def fake_extract_module(monkeypatch):
    """`lib.extract` replaced by the regex stand-in, so the CLI runs its default path offline."""
    module = types.ModuleType("lib.extract")
    module.EXTRACTOR_VERSION = "fake-1"
    module.extract_batch = regex_extractor()  # the store takes frames too
    monkeypatch.setitem(sys.modules, "lib.extract", module)
    return module


# -- uploads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("photo.txt", bytes(range(256)) * 4, "not UTF-8"),
        ("report.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("huge.txt", b"x" * (MAX_UPLOAD_MB * 1024 * 1024 + 1), f"limit is {MAX_UPLOAD_MB} MB"),
    ],
)
def test_broken_upload_is_refused_with_reason_and_stores_nothing(tmp_path, name, data, reason):
    store = ClaimStore(tmp_path / "c.duckdb")
    good = read_upload("good.txt", GOOD_TXT, date(2012, 4, 4))
    broken = read_upload(name, data, date(2012, 4, 4))
    assert good.errors == [] and len(good.articles) == 1
    assert not broken.articles and reason in broken.errors[0].reason
    report = save_uploads(store, [good, broken], regex_extractor(), "v1")
    assert report.new == 0 and [e.name for e in report.failed] == [name]
    assert store.counts() == {"articles": 0, "claims": 0, "corrections": 0}


def test_upload_without_date_asks_for_one_then_saves(tmp_path):
    store = ClaimStore(tmp_path / "c.duckdb")
    undated = read_upload("report.txt", GOOD_TXT)
    assert undated.needs_date and not undated.articles
    dated = read_upload("report.txt", GOOD_TXT, date(2012, 4, 4))
    report = save_uploads(store, [dated], regex_extractor(), "v1")
    assert report.new == 1 and report.failed == []
    assert store.claims()["deaths"].tolist() == [12]
    assert save_uploads(store, [dated], regex_extractor(), "v1").unchanged == 1


def test_upload_whose_extraction_fails_stores_nothing(tmp_path):
    store = ClaimStore(tmp_path / "c.duckdb")
    texts = [GOOD_TXT, GOOD_TXT.replace(b"12", b"13")]
    uploads = [read_upload(f"{i}.txt", t, date(2012, 4, 4)) for i, t in enumerate(texts)]

    def second_fails(article: Article):
        if "13 people" in article.text:
            raise RuntimeError("boom")
        return regex_extractor()(article)

    report = save_uploads(store, uploads, second_fails, "v1")
    assert report.new == 0 and "boom" in report.failed[0].reason
    assert store.counts()["articles"] == 0


# -- CLI --------------------------------------------------------------------------------------


def test_cli_ingests_folder_twice_and_reports_failures(tmp_path, capsys, fake_extract_module):
    db = tmp_path / "cli.duckdb"
    broken = tmp_path / "in" / "broken.txt"
    broken.parent.mkdir()
    broken.write_bytes(b"\x00\xff\x00binary")
    assert main([str(SEEDS), str(broken), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "new: 2, unchanged: 0, failed: 1" in out and "broken.txt: not UTF-8" in out
    assert main([str(SEEDS), "--db", str(db)]) == 0
    assert "new: 0, unchanged: 2, failed: 0" in capsys.readouterr().out
    assert ClaimStore(db).counts()["articles"] == 2


def test_cli_published_flag_and_reextract(tmp_path, capsys, fake_extract_module):
    db = tmp_path / "cli.duckdb"
    article = tmp_path / "undated.txt"
    article.write_bytes(GOOD_TXT)
    assert main([str(article), "--db", str(db)]) == 1
    assert "missing publication date" in capsys.readouterr().out
    assert main([str(article), "--db", str(db), "--published", "2012-05-01"]) == 0
    store = ClaimStore(db)
    assert store.claims()["published"].astype(str).tolist() == ["2012-05-01"]
    fake_extract_module.EXTRACTOR_VERSION = "fake-2"
    fake_extract_module.extract_batch = regex_extractor(confidence=0.8)
    assert main(["--reextract", "--db", str(db)]) == 0
    assert "re-extracted: 1" in capsys.readouterr().out
    assert store.claims()["confidence"].tolist() == [0.8]
    assert store.articles()["extractor_version"].tolist() == ["fake-2"]


# -- snapshots --------------------------------------------------------------------------------


def _filled_store(path: Path) -> ClaimStore:
    store = ClaimStore(path)
    store.ingest(varied_articles(6), regex_extractor(), "v1")
    claims = store.claims().sort_values("claim_id")
    store.correct(claims["claim_id"].iloc[0], "deaths", 99, "recount", "ana")
    store.reject(claims["claim_id"].iloc[1], "duplicate", "ben")
    return store


def test_snapshot_is_byte_reproducible_and_round_trips(tmp_path):
    store = _filled_store(tmp_path / "a.duckdb")
    first = export_snapshot(store, tmp_path / "s1")
    second = export_snapshot(store, tmp_path / "s2")
    assert first == second
    for name in [*first["files"], "manifest.json"]:
        assert (tmp_path / "s1" / name).read_bytes() == (tmp_path / "s2" / name).read_bytes()
    assert "data-model.md" in first["files"]
    assert first["counts"]["claims"] == first["counts"]["machine_claims"] - 1  # one rejected

    copy = ClaimStore(tmp_path / "b.duckdb")
    report = import_snapshot(copy, tmp_path / "s1")
    assert (report.articles_new, report.corrections_new) == (6, 2)
    assert export_snapshot(copy, tmp_path / "s3") == first
    assert copy.claims().equals(store.claims())
    again = import_snapshot(copy, tmp_path / "s1")
    assert (again.articles_new, again.articles_existing, again.corrections_new) == (0, 6, 0)


def test_tampered_snapshot_is_refused_and_imports_nothing(tmp_path):
    export_snapshot(_filled_store(tmp_path / "a.duckdb"), tmp_path / "s")
    claims_file = tmp_path / "s" / "machine_claims.jsonl"
    lines = claims_file.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[0])
    record["deaths"] += 1
    claims_file.write_text(json.dumps(record) + "\n" + "".join(lines[1:]), encoding="utf-8")
    copy = ClaimStore(tmp_path / "b.duckdb")
    with pytest.raises(SnapshotError, match=r"machine_claims\.jsonl: content differs"):
        import_snapshot(copy, tmp_path / "s")
    assert copy.counts()["articles"] == 0


def test_cli_export_and_import(tmp_path, capsys):
    _filled_store(tmp_path / "a.duckdb")
    assert main(["--db", str(tmp_path / "a.duckdb"), "--export", str(tmp_path / "s")]) == 0
    assert "content sha256" in capsys.readouterr().out
    assert main(["--db", str(tmp_path / "b.duckdb"), "--import", str(tmp_path / "s")]) == 0
    assert "articles new: 6" in capsys.readouterr().out


# -- kill -9 ----------------------------------------------------------------------------------

_WORKER = textwrap.dedent("""
    import sys
    from lib.store import ClaimStore
    from tests.test_ingest import varied_articles
    from tests.test_store import regex_extractor
    store = ClaimStore(sys.argv[1])
    report = lambda article, outcome: print(article.article_id, outcome, flush=True)
    store.ingest(varied_articles(int(sys.argv[2])), regex_extractor(), "v1", progress=report)
    print("done", flush=True)
""")


@pytest.mark.slow
def test_kill_9_midway_keeps_every_committed_article_with_its_claims(tmp_path):
    db = tmp_path / "killed.duckdb"
    ClaimStore(db)
    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, str(db), "5000"],
        cwd=REPO, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    committed = []
    try:
        while len(committed) < 60:
            line = worker.stdout.readline()
            assert line and line != "done\n", "the worker finished before it could be killed"
            article_id, outcome = line.split()
            assert outcome == "new"
            committed.append(article_id)
            if len(committed) == 30:  # another process can read while the ingest runs
                assert ClaimStore(db).counts()["articles"] >= 30
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert worker.returncode == -signal.SIGKILL

    store = ClaimStore(db)
    stored = set(store.articles()["article_id"])
    assert set(committed) <= stored and len(stored) < 5000
    expected = {a.article_id: len(regex_extractor()(a)) for a in varied_articles(len(stored) + 5)}
    per_article = store.machine_claims().groupby("article_id").size().to_dict()
    assert {aid: per_article.get(aid, 0) for aid in stored} == {
        aid: expected[aid] for aid in stored
    }
    resumed = store.ingest(varied_articles(len(stored) + 5), regex_extractor(), "v1")
    assert (resumed.new, resumed.unchanged) == (5, len(stored))


@pytest.mark.slow
def test_kill_9_of_the_cli_with_the_real_extractor(tmp_path):
    """The shipped command, killed while it ingests: what it committed is whole and readable."""
    from lib.extract import extract_article

    folder = tmp_path / "reports"
    folder.mkdir()
    for article in varied_articles(400):
        (folder / f"{article.title}.txt").write_text(article.text, encoding="utf-8")
    db = tmp_path / "cli.duckdb"
    ClaimStore(db)
    cli = subprocess.Popen(
        [sys.executable, "-m", "lib.ingest", str(folder), "--db", str(db),
         "--published", "2012-04-04"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while ClaimStore(db).counts()["articles"] < 20:
            assert cli.poll() is None, "the CLI finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        cli.send_signal(signal.SIGKILL)
        cli.wait()
    store = ClaimStore(db)
    stored = store.stored_articles()
    assert 20 <= len(stored) < 400
    per_article = store.machine_claims().groupby("article_id").size().to_dict()
    for article in stored:
        assert per_article.get(article.article_id, 0) == len(extract_article(article))
