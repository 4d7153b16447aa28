"""Hostile files through the reader, the upload check and the ingest CLI (issue 13, items 2, 6, 14).

Every bad file is refused with its name and reason, every good file beside it still goes in,
and reading HTML stays linear however many blocks or levels of nesting a page has.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lib.articles import read_article_bytes, read_articles
from lib.ingest import main, read_upload
from lib.store import ClaimStore
from tests.growth import assert_linear
from tests.hostile_files import HOSTILE, many_paragraphs, nested_divs, write_hostile

DAY = date(2012, 4, 4)


def _by_file(errors) -> dict[str, str]:
    return {Path(e.name.split("#")[0]).name: e.reason for e in errors}


def test_every_bad_file_is_named_with_its_reason_and_the_good_ones_load(tmp_path):
    expected = write_hostile(tmp_path / "in")
    articles, errors = read_articles(tmp_path / "in", DAY)
    reasons = _by_file(errors)
    for name, words in expected.items():
        if words is None:
            assert name not in reasons, f"{name} was refused: {reasons.get(name)}"
        else:
            assert words in reasons.get(name, ""), f"{name}: {reasons.get(name)!r}"
    loaded = {Path(a.path.split("#")[0]).name for a in articles}
    assert loaded == {name for name, words in expected.items() if words is None}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_an_upload_never_raises_and_names_the_file(name):
    data, words = HOSTILE[name]
    upload = read_upload(name, data, DAY)
    if words is None:
        assert not upload.errors and upload.articles
    else:
        assert upload.errors and all(e.name.startswith(name) for e in upload.errors)
        assert any(words in e.reason for e in upload.errors)


def test_wrong_json_types_are_refused_not_turned_into_text():
    data = b'{"text": "Two killed in Deraa.", "published": "2012-04-04", "title": {"a": [1, 2]}}'
    upload = read_upload("typed.json", data)
    assert [e.reason for e in upload.errors] == ['"title" must be text, got an object']
    assert not upload.articles


def test_the_cli_stores_the_good_files_of_a_hostile_folder(tmp_path, capsys):
    expected = write_hostile(tmp_path / "in")
    db = tmp_path / "claims.duckdb"
    status = main([str(tmp_path / "in"), "--db", str(db), "--published", DAY.isoformat()])
    assert status == 1  # something failed, and said so
    good = [name for name, words in expected.items() if words is None]
    stored = ClaimStore(db).articles()
    assert sorted(Path(p).name for p in stored["path"]) == sorted(good)
    out = capsys.readouterr().out
    assert all(name in out for name, words in expected.items() if words)


def _html_step(page: str) -> object:
    return read_article_bytes("page.html", page.encode(), DAY)


def test_reading_many_paragraphs_is_linear():
    assert_linear(_html_step, many_paragraphs, 8_000, repeat=5)


def test_reading_deeply_nested_html_is_linear():
    assert_linear(_html_step, nested_divs, 10_000, repeat=5)


def test_the_text_of_a_deeply_nested_page_is_kept():
    page = nested_divs(50_000).replace("</body>", "<p>Second paragraph.</p></body>")
    (article,) = read_article_bytes("deep.html", page.encode(), DAY)
    assert article.text.endswith("Shelling killed 12 people in Homs on Tuesday, activists "
                                 "said.\n\nSecond paragraph.")  # fmt: skip
