"""The article loader on the seed articles and on broken files written to tmp_path."""

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from lib.articles import (
    MISSING_DATE,
    NOT_TEXT,
    Article,
    ArticleError,
    LoadError,
    articles_frame,
    parse_date,
    read_article_bytes,
    read_articles,
)
from lib.claims import article_id_for

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CNN = "000_45e694c00cb5fbd0.txt"
HAFFEH = "003_70fb3e08034d94f9.txt"

HTML = """<!doctype html><html><head><title>Shelling in Homs | Example News</title>
<meta property="article:published_time" content="2012-06-13T09:30:00Z">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://example.org/homs">
<style>p { color: red }</style><script>var x = "Damascus";</script></head>
<body><nav>Home | World</nav><h1>Shelling in <b>Homs</b></h1>
<p>At least 10 people were killed in <a href="/homs">Homs</a>, activists said.</p>
<p>Line one<br>line two</p><footer>Copyright</footer></body></html>"""


def by_name(errors: list[LoadError]) -> dict[str, str]:
    return {Path(e.name).name: e.reason for e in errors}


def test_seeds_load_with_manifest_dates_and_outlet():
    articles, errors = read_articles(SEEDS)
    assert errors == []
    assert [Path(a.path).name for a in articles] == [CNN, HAFFEH]
    cnn, haffeh = articles
    assert (cnn.published, cnn.outlet) == (date(2012, 4, 4), "CNN")
    assert (haffeh.published, haffeh.outlet) == (date(2012, 6, 13), None)
    assert cnn.title == "Violence Rages In Syria Despite High-Level Diplomacy"
    assert haffeh.title == "Smoke rises from buildings hit by shelling in Homs, Syria"


def test_seed_text_is_kept_intact():
    (cnn,) = read_articles(SEEDS / CNN)[0]
    raw = (SEEDS / CNN).read_text(encoding="utf-8")
    assert cnn.text == raw.replace("\r\n", "\n")
    assert cnn.article_id == article_id_for(raw)
    # The repeated lead paragraph is still there, twice: de-duplication is the extractor's job.
    lead = "Clashes, shelling and raids erupted across Syria on Wednesday"
    assert cnn.text.count(lead) == 2
    assert cnn.text[: cnn.body_start].strip() == cnn.title
    assert cnn.text[cnn.body_start :].lstrip().startswith(lead)


def test_manifest_date_wins_over_the_default():
    articles, errors = read_articles([SEEDS / HAFFEH], published=date(2020, 1, 1))
    assert errors == []
    assert articles[0].published == date(2012, 6, 13)


def test_txt_without_manifest_needs_a_date(tmp_path):
    shutil.copy(SEEDS / HAFFEH, tmp_path / HAFFEH)
    articles, errors = read_articles(tmp_path)
    assert articles == []
    assert errors == [LoadError(str(tmp_path / HAFFEH), MISSING_DATE)]
    assert "--published YYYY-MM-DD" in MISSING_DATE
    articles, errors = read_articles(tmp_path, published="2012-06-13")
    assert errors == [] and articles[0].published == date(2012, 6, 13)


def test_crlf_and_bom_are_normalised(tmp_path):
    (tmp_path / "a.txt").write_bytes("\ufeffHeadline\r\n\r\nBody line.\r\n".encode())
    (article,), errors = read_articles(tmp_path, published=date(2012, 4, 4))
    assert errors == []
    assert article.text == "Headline\n\nBody line.\n"
    assert (article.title, article.body_start) == ("Headline", len("Headline\n"))


def test_broken_files_each_give_a_named_error_and_good_files_still_load(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 in Homs".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_text("%PDF-1.4", encoding="utf-8")
    (tmp_path / "good.txt").write_text("Headline\n\nFive killed in Homs.\n", encoding="utf-8")
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "nested.json").write_text(
        json.dumps({"title": "T", "text": "Two killed in Hama.", "published": "2012-05-01"}),
        encoding="utf-8",
    )
    articles, errors = read_articles(tmp_path, published=date(2012, 6, 1))
    assert by_name(errors) == {
        "binary.txt": NOT_TEXT,
        "latin1.txt": NOT_TEXT,
        "empty.txt": "empty file",
        "notes.pdf": "unknown file type '.pdf' (expected .txt, .html, .htm, .json, .jsonl)",
    }
    loaded = {Path(a.path).name: a for a in articles}
    assert sorted(loaded) == ["good.txt", "nested.json", "page.html"]
    assert loaded["good.txt"].published == date(2012, 6, 1)
    assert loaded["nested.json"].published == date(2012, 5, 1)


def test_missing_file_is_an_error(tmp_path):
    articles, errors = read_articles([tmp_path / "nope.txt"], published=date(2012, 1, 1))
    assert articles == []
    assert errors == [LoadError(str(tmp_path / "nope.txt"), "no such file or folder")]


def test_html_meta_date_title_outlet_and_text(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(HTML, encoding="utf-8")
    (article,), errors = read_articles(path)
    assert errors == []
    assert article.published == date(2012, 6, 13)
    assert (article.title, article.outlet) == ("Shelling in Homs | Example News", "Example News")
    assert article.url == "https://example.org/homs"
    assert article.text == (
        "Shelling in Homs\n\n"
        "At least 10 people were killed in Homs, activists said.\n\n"
        "Line one\nline two"
    )
    assert article.body_start == len("Shelling in Homs\n")
    for dropped in ("color", "Damascus", "World", "Copyright"):
        assert dropped not in article.text


def test_html_title_falls_back_to_h1_and_date_to_default(tmp_path):
    path = tmp_path / "bare.html"
    path.write_text("<h1>Raid in Daraa</h1><p>Troops entered the town.</p>", encoding="utf-8")
    (article,), errors = read_articles(path, published=date(2012, 3, 1))
    assert errors == []
    assert (article.title, article.published) == ("Raid in Daraa", date(2012, 3, 1))


def test_json_list_loads_each_object_and_names_bad_items(tmp_path):
    records = [
        {"title": "A", "text": "A\nOne killed.", "published": "2012-04-04", "outlet": "X"},
        {"title": "B", "text": "Two killed.", "published": "2012-04-05", "url": "https://b"},
        "not an object",
        {"title": "no text"},
        {"title": "C", "text": "Three killed.", "published": "next week"},
    ]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    articles, errors = read_articles(path)
    assert [(a.title, a.published, a.path) for a in articles] == [
        ("A", date(2012, 4, 4), f"{path}#1"),
        ("B", date(2012, 4, 5), f"{path}#2"),
    ]
    assert articles[0].outlet == "X" and articles[1].url == "https://b"
    assert articles[0].body_start == 2 and articles[1].body_start == 0
    assert errors == [
        LoadError(f"{path}#item 3", "expected a JSON object, got str"),
        LoadError(f"{path}#item 4", 'no "text"'),
        LoadError(f"{path}#item 5", "bad publication date 'next week' (expected YYYY-MM-DD)"),
    ]


def test_jsonl_bad_line_is_named_and_other_lines_load(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "Four killed in Idlib.", "published": "2012-04-04"}),
        '{"text": "broken',
        "",
        json.dumps({"text": "Five killed in Hama."}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    articles, errors = read_articles(path, published=date(2012, 4, 6))
    assert [(a.path, a.published) for a in articles] == [
        (f"{path}#1", date(2012, 4, 4)),
        (f"{path}#4", date(2012, 4, 6)),
    ]
    assert len(errors) == 1
    assert errors[0].name == f"{path}#line 2"
    assert errors[0].reason.startswith("not valid JSON")


def test_invalid_json_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{nope", encoding="utf-8")
    articles, errors = read_articles(path, published=date(2012, 1, 1))
    assert articles == [] and errors[0].name == str(path)
    assert errors[0].reason.startswith("not valid JSON")


def test_manifest_in_a_copied_folder_and_bad_manifest_date(tmp_path):
    shutil.copy(SEEDS / CNN, tmp_path / CNN)
    shutil.copy(SEEDS / HAFFEH, tmp_path / HAFFEH)
    (tmp_path / "manifest.csv").write_text(
        f"file,title,published,outlet,notes\n{CNN},,2012-04-04,CNN,\n{HAFFEH},,13/06/2012,,\n",
        encoding="utf-8",
    )
    articles, errors = read_articles(tmp_path, published=date(2012, 1, 1))
    assert [(Path(a.path).name, a.published, a.outlet) for a in articles] == [
        (CNN, date(2012, 4, 4), "CNN")
    ]
    assert by_name(errors) == {
        HAFFEH: "bad publication date '13/06/2012' (expected YYYY-MM-DD) in manifest.csv"
    }


def test_read_article_bytes_for_uploads():
    (article,) = read_article_bytes("upload.txt", b"Title\n\nSix killed.", date(2012, 4, 4))
    assert (article.title, article.path, article.published) == (
        "Title",
        "upload.txt",
        date(2012, 4, 4),
    )
    with pytest.raises(ArticleError) as excinfo:
        read_article_bytes("photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF", date(2012, 4, 4))
    assert excinfo.value.errors == [LoadError("photo.txt", NOT_TEXT)]
    assert "photo.txt: not UTF-8 text" in str(excinfo.value)
    with pytest.raises(ArticleError) as excinfo:
        read_article_bytes("undated.txt", b"Title\n\nSix killed.")
    assert excinfo.value.errors == [LoadError("undated.txt", MISSING_DATE)]


def test_read_article_bytes_keeps_good_lines_of_a_partly_bad_upload():
    data = b'{"text": "One killed.", "published": "2012-04-04"}\n[1, 2]\n'
    with pytest.raises(ArticleError) as excinfo:
        read_article_bytes("feed.jsonl", data)
    assert excinfo.value.errors == [
        LoadError("feed.jsonl#line 2", "expected a JSON object, got list")
    ]
    assert [a.text for a in excinfo.value.articles] == ["One killed."]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2012-04-04", date(2012, 4, 4)),
        ("2012-04-04T23:30:00-05:00", date(2012, 4, 4)),
        ("2012-06-13T09:30:00Z", date(2012, 6, 13)),
        ("Wed, 13 Jun 2012 09:30:00 GMT", date(2012, 6, 13)),
        ("4 April 2012", date(2012, 4, 4)),
        ("April 4, 2012", date(2012, 4, 4)),
        (date(2012, 4, 4), date(2012, 4, 4)),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2012-13-45", "13/06/2012", "5", ""])
def test_parse_date_rejects_bad_strings(value):
    with pytest.raises(ValueError, match="bad publication date"):
        parse_date(value)


def test_articles_frame():
    articles, _ = read_articles(SEEDS)
    frame = articles_frame(articles)
    assert list(frame.columns) == [
        "article_id", "title", "text", "published", "outlet", "url", "path"
    ]  # fmt: skip
    assert frame["published"].dt.strftime("%Y-%m-%d").tolist() == ["2012-04-04", "2012-06-13"]
    assert str(frame["published"].dtype) == "datetime64[s]"
    assert frame["outlet"].isna().tolist() == [False, True]
    assert articles_frame([]).columns.tolist() == frame.columns.tolist()
    assert isinstance(articles[0], Article)
