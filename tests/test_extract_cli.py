"""`python -m lib.extract`: one claim per line, per-file errors on stderr, exit status."""

from __future__ import annotations

import json
from pathlib import Path

from lib.claims import COLUMNS
from lib.extract.__main__ import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_jsonl_has_the_claim_model_fields(capsys):
    assert main([str(SEEDS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all(list(r) == list(COLUMNS) for r in records)
    assert sum(r["claim_type"] == "death_toll" for r in records) == 9


def test_bad_file_is_reported_and_the_others_still_run(tmp_path, capsys):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\xff\xfe\x00binary")
    good = tmp_path / "good.txt"
    good.write_text("Syria update\n\nFive people were killed in Hama, activists said.\n")
    assert main([str(bad), str(good), "--published", "2012-05-01", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert "broken.txt" in captured.err
    assert captured.out.splitlines()[0].startswith("claim_id,")
    assert len(captured.out.splitlines()) == 2


def test_nothing_readable_exits_non_zero(tmp_path, capsys):
    assert main([str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt" in capsys.readouterr().err


def test_table_format(capsys):
    assert main([str(SEEDS / "003_70fb3e08034d94f9.txt"), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "takeover" in out and "Syrian state television" in out


def test_extractor_version_is_a_digest_of_the_rules():
    import re

    from lib.extract import EXTRACTOR_VERSION

    assert re.fullmatch(r"rules-[0-9a-f]{10}", EXTRACTOR_VERSION)
