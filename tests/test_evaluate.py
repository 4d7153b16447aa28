"""`lib.evaluate`: the reference scorer's matching rules, in-process, on corpora in its format.

The small corpora here are written for the tests (never corpus text); the last test checks that
the figures equal the reference scorer's on a slice of `../shared/corpus/dev`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lib.evaluate import main, score, source_tags

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpus" / "dev"

ARTICLE = (
    "Shelling kills 12 in Hama\n\n"
    "BEIRUT (Reuters) - Syrian troops shelled the city of Hama on Tuesday, killing at least 12 "
    "people, the Syrian Observatory for Human Rights said. Another 30 people were wounded.\n"
)


def _gold(**row) -> dict:
    base = {"file": "a.txt", "qualifier": "exact", "victims": "all", "cumulative": False,
            "source": "reporter", "source_tag": "reporter", "optional": False,
            "quote": "..."}  # fmt: skip
    return {**base, **row}


def _corpus(tmp_path: Path, gold: list[dict], traps: list[dict] = ()) -> Path:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "meta.jsonl").write_text(
        json.dumps({"file": "a.txt", "published": "2012-06-06"}) + "\n"
    )
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold))
    (tmp_path / "traps.jsonl").write_text("".join(json.dumps(t) + "\n" for t in traps))
    return tmp_path


def _claim(deaths, governorate="SY-HM", date="2012-06-05", **extra) -> dict:
    start = ARTICLE.index("at least 12")
    return {"deaths": deaths, "governorate": governorate, "cumulative": False,
            "date_start": date, "source": "Syrian Observatory for Human Rights",
            "qualifier": "at_least", "victims": "all", "sentence": "s",
            "char_start": start, "char_end": start + 11, **extra}  # fmt: skip


def _fixed(*claims):
    return lambda article: list(claims)


def test_a_claim_matches_on_number_place_flag_and_date(tmp_path):
    corpus = _corpus(tmp_path, [_gold(deaths=12, qualifier="at_least", governorate=["SY-HM"],
                                      date_start="2012-06-05", date_end="2012-06-05",
                                      source="the Observatory", source_tag="sohr")])  # fmt: skip
    report = score(corpus, _fixed(_claim(12)))
    assert (report.recall, report.precision, report.source_accuracy) == (1.0, 1.0, 1.0)
    assert report.fields == {"qualifier": 1.0, "victims": 1.0, "date": 1.0, "source_tag": 1.0}


def test_the_publication_date_is_accepted_as_the_scorer_accepts_it(tmp_path):
    corpus = _corpus(tmp_path, [_gold(deaths=12, governorate=["SY-HM"], date_start="2012-06-05",
                                      date_end="2012-06-05")])  # fmt: skip
    report = score(corpus, _fixed(_claim(12, date="2012-06-06")))
    assert report.recall == 1.0
    assert report.fields["date"] == 0.0  # matched, but not on the deaths' own day


def test_each_miss_is_sorted_into_the_field_that_differs(tmp_path):
    gold = [
        _gold(deaths=12, governorate=["SY-HM"], date_start="2012-06-05", date_end="2012-06-05"),
        _gold(deaths=7, governorate=["SY-HI"], date_start="2012-06-05", date_end="2012-06-05"),
        _gold(deaths=5, governorate=["SY-ID"], date_start="2012-06-05", date_end="2012-06-05"),
        _gold(deaths=300, governorate=[None], date_start="2011-03-15", date_end="2012-06-06",
              cumulative=True),
        _gold(deaths=9, governorate=["SY-DR"], date_start="2012-06-01", date_end="2012-06-01"),
    ]  # fmt: skip
    claims = [_claim(12, governorate=None), _claim(7, governorate="SY-HM"),
              _claim(300, governorate=None),
              _claim(9, governorate="SY-DR", date="2012-06-04")]  # fmt: skip
    report = score(_corpus(tmp_path, gold), _fixed(*claims))
    assert report.miss_categories == {
        "place not attached": 1, "wrong place": 1, "toll missed": 1,
        "running total flag": 1, "wrong date": 1,
    }  # fmt: skip
    assert report.recall == 0.0 and report.precision == 0.0 and len(report.extras) == 4


def test_sub_counts_and_vague_counts_are_not_scored(tmp_path):
    corpus = _corpus(tmp_path, [])
    report = score(corpus, _fixed(_claim(12, part_of="c1"), _claim(None)))
    assert report.counts["predicted"] == 0 and report.precision == 1.0


def test_a_number_read_out_of_a_trap_is_reported(tmp_path):
    traps = [{"file": "a.txt", "text": "Another 30 people were wounded", "why": "wounded"}]
    start = ARTICLE.index("30 people")
    wounded = _claim(30, char_start=start, char_end=start + 9)
    report = score(_corpus(tmp_path, [], traps), _fixed(wounded))
    assert [t["text"] for t in report.traps_taken] == ["Another 30 people were wounded"]


def test_source_tags_follow_the_reference_patterns():
    assert source_tags("Syrian Observatory for Human Rights") == {"sohr"}
    assert source_tags("SANA") == {"state_media"}
    assert source_tags("Local Coordination Committees") == {"lcc", "activists"}
    assert source_tags("residents") == {"witnesses"}


def test_cli_prints_figures_and_json(tmp_path, capsys):
    corpus = _corpus(tmp_path, [_gold(deaths=12, governorate=["SY-HM"], date_start="2012-06-05",
                                      date_end="2012-06-05")])  # fmt: skip
    assert main([str(corpus), "--show", "all"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^death-claim F1 \d\.\d\d, source accuracy", out, re.M)
    assert main([str(corpus), "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)) >= {"f1", "recall", "misses", "extras"}
    assert main([str(tmp_path / "nothing")]) == 2


@pytest.mark.slow
@pytest.mark.skipif(not DEV.exists(), reason="needs ../shared/corpus/dev")
def test_figures_equal_the_reference_scorers_on_a_slice_of_dev(tmp_path):
    """Same counts as `score_claims.py` (which runs the CLI per article) on eight articles."""
    meta = [json.loads(line) for line in (DEV / "meta.jsonl").read_text().splitlines() if line]
    files = {m["file"] for m in meta[::9]}
    (tmp_path / "articles").symlink_to(DEV / "articles")
    for name in ("meta.jsonl", "gold.jsonl", "traps.jsonl"):
        rows = [r for r in (DEV / name).read_text().splitlines() if r]
        kept = [r for r in rows if json.loads(r)["file"] in files]
        (tmp_path / name).write_text("\n".join(kept) + "\n")
    reference = subprocess.run(
        [sys.executable, str(DEV.parent / "score_claims.py"), "--gold", tmp_path / "gold.jsonl",
         "--meta", tmp_path / "meta.jsonl", "--articles", tmp_path / "articles", "--project", ROOT],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    line = re.search(r"^recall .*$", reference.stdout, re.M).group(0)
    ours = score(tmp_path)
    c = ours.counts
    assert line.startswith(
        f"recall {c['found']}/{c['required']}={ours.recall:.2f} "
        f"precision {c['matched']}/{c['predicted']}={ours.precision:.2f} "
        f"source {c['source_ok']}/{c['source_total']}={ours.source_accuracy:.2f}"
    )
