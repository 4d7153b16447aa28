"""Read news articles from .txt/.html/.json/.jsonl files, folders and uploads.

Nothing is lost silently and one bad file never stops the others: every failure becomes a
`LoadError(name, reason)` naming the file (or "file.jsonl#line 7") and why. Text is kept as
written (only newlines normalised) because every claim offset indexes it; the seeds' repeated
lines are the extractor's business.

The publication date is the "second clock" against which "Wednesday" or "yesterday" resolve,
so an article without one is refused. It comes from, in order: a `manifest.csv` in the file's
folder (columns file,title,published,outlet,notes), the file's own fields (JSON `published`,
HTML meta tags), the caller's `published` default.
"""

from __future__ import annotations

import csv
import email.utils
import gc
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from lib.claims import article_id_for

SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
MANIFEST = "manifest.csv"
MISSING_DATE = "missing publication date (give --published YYYY-MM-DD)"
NOT_TEXT = "not UTF-8 text (binary file?)"
_TEXT_DATE_FORMATS = ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%B %d %Y")
_META_DATE_KEYS = ("article:published_time", "datepublished", "date", "pubdate", "publishdate",
                   "dc.date", "dc.date.issued", "dcterms.created", "og:published_time")  # fmt: skip
_DROP_TAGS = ("script", "style", "nav", "footer", "noscript", "template", "head")
_BLOCK_TAGS = ("p", "div", "section", "article", "header", "main", "aside", "blockquote", "li",
               "ul", "ol", "tr", "table", "figure", "figcaption", "pre",
               "h1", "h2", "h3", "h4", "h5", "h6")  # fmt: skip


@dataclass(frozen=True)
class Article:
    """One news article: its text (claim offsets index it) and where and when it was published."""

    article_id: str
    title: str | None
    text: str
    published: date | None
    outlet: str | None
    url: str | None
    path: str | None
    body_start: int


@dataclass(frozen=True)
class LoadError:
    """Why one file (or one line/item of it) could not be read."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


class ArticleError(ValueError):
    """Raised by `read_article_bytes`; `.errors` lists every reason, `.articles` what did load."""

    def __init__(self, errors: list[LoadError], articles: list[Article] | None = None):
        self.errors = errors
        self.articles = articles or []
        super().__init__("; ".join(str(e) for e in errors))


class _Reject(Exception):
    """Internal: this file/item cannot be loaded, for the reason given."""


@dataclass(frozen=True)
class _Draft:
    """An article read from a file, before its publication date is settled."""

    name: str  # for errors: "a.jsonl#line 3"
    path: str  # for Article.path: "a.jsonl#3"
    text: str
    title: str | None = None
    published: Any = None
    outlet: str | None = None
    url: str | None = None
    headline: str | None = None  # the headline line in `text` when it differs from `title`


def parse_date(value: Any) -> date:
    """A publication date from a date, ISO string, RFC 2822 string or "4 April 2012".

    Raises ValueError naming the value: a wrong date is worse than none.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"bad publication date {text!r} (expected YYYY-MM-DD)")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) text with "\\n" newlines; _Reject for binary or empty data."""
    if b"\x00" in data:
        raise _Reject(NOT_TEXT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Reject(NOT_TEXT) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _Reject("empty file")
    return text


def _headline_end(text: str, title: str | None) -> int:
    """Offset just after the first non-empty line if that line is the headline, else 0."""
    stripped = text.lstrip()
    first_line = stripped.split("\n", 1)[0].strip()
    if not title or " ".join(first_line.split()) != " ".join(title.split()):
        return 0
    end = text.find("\n", len(text) - len(stripped))
    return len(text) if end == -1 else end + 1


def _clean(value: Any) -> str | None:
    """A metadata string, or None for missing/blank values."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


Parsed = tuple[list[_Draft], list[LoadError]]


def _from_txt(name: str, text: str) -> Parsed:
    title = next(line.strip() for line in text.split("\n") if line.strip())
    return [_Draft(name, name, text, title=title)], []


def _meta(soup: Any, *keys: str) -> str | None:
    """The first meta tag content whose property/name/itemprop is one of `keys` (any case)."""
    for tag in soup.find_all("meta"):
        label = tag.get("property") or tag.get("name") or tag.get("itemprop") or ""
        if label.lower() in keys and _clean(tag.get("content")):
            return _clean(tag.get("content"))
    return None


def _html_text(soup: Any) -> str:
    """Visible text, one block element per paragraph, blank lines between paragraphs.

    One iterative walk over the tree (an explicit stack, so 200,000 nested tags neither
    recurse nor get re-scanned): linear in the page's size.
    """
    from bs4 import CData, NavigableString, Tag

    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    pieces: list[str] = []
    stack: list[Any] = [soup]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            pieces.append(node)  # a block's closing break, pushed below
        elif isinstance(node, Tag):
            if node.name == "br":
                pieces.append("\n")
                continue
            if node.name in _BLOCK_TAGS:
                pieces.append("\n\n")
                stack.append("\n\n")
            stack.extend(reversed(node.contents))
        elif type(node) in (NavigableString, CData):
            pieces.append(str(node))
    lines = [" ".join(line.split()) for line in "".join(pieces).split("\n")]
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return "\n\n".join(paragraphs)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a parse builds a tree: every tag links to its
    parent, and the collector would rescan the growing tree again and again (2.3x the time
    per doubling of a deeply nested page instead of 2.0x). The tree is collected after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _from_html(name: str, text: str) -> Parsed:
    from bs4 import BeautifulSoup

    with _collector_paused():
        soup = BeautifulSoup(text, "html.parser")
        try:
            return _read_soup(name, soup)
        finally:
            soup.decompose()  # break the tree's cycles now: no garbage left for the collector


def _read_soup(name: str, soup: Any) -> Parsed:
    heading = soup.find("h1")
    headline = _clean(heading.get_text()) if heading else None
    title = (_clean(soup.title.get_text()) if soup.title else None) or headline
    published = _meta(soup, *_META_DATE_KEYS)
    if published is None and (time_tag := soup.find("time", attrs={"datetime": True})):
        published = time_tag["datetime"]
    outlet = _meta(soup, "og:site_name", "application-name")
    canonical = soup.find("link", rel="canonical")
    url = canonical.get("href") if canonical else _meta(soup, "og:url")
    body = _html_text(soup)
    if not body.strip():
        raise _Reject("no text in HTML page")
    return [_Draft(name, name, body, title, published, outlet, _clean(url), headline)], []


_METADATA_FIELDS = ("title", "outlet", "url", "published", "date")


def _text_field(record: dict[str, Any], key: str) -> str | None:
    """A JSON field that must be text (or absent/null); _Reject naming the field otherwise.

    Why refuse instead of str(): a title of `{'a': [1, 2]}` is a producer's bug, and a lone
    surrogate ("\\ud800") is not Unicode: it would fail later, when the text is hashed or
    stored, and take the other files down with it.
    """
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Reject(f'"{key}" must be text, got {_json_type(value)}')
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _Reject(
            f'"{key}" is not valid Unicode (lone surrogate {value[exc.start]!r} '
            f"at character {exc.start})"
        ) from None
    return value


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", bool: "true/false", int: "a number",
             float: "a number"}  # fmt: skip
    return names.get(type(value), type(value).__name__)


def _from_record(name: str, path: str, record: Any) -> _Draft:
    if not isinstance(record, dict):
        raise _Reject(f"expected a JSON object, got {type(record).__name__}")
    text = _text_field(record, "text")
    if text is None or not text.strip():
        raise _Reject('no "text"')
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta = {key: _text_field(record, key) for key in _METADATA_FIELDS}
    return _Draft(name, path, text, _clean(meta["title"]), meta["published"] or meta["date"],
                  _clean(meta["outlet"]), _clean(meta["url"]))  # fmt: skip


def _load_json(text: str) -> Any:
    """json.loads, with nesting too deep to read turned into a reason (not a crash)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Reject(f"not valid JSON: {exc}") from exc
    except RecursionError:
        raise _Reject("JSON nested too deeply to read (hundreds of levels of [ or {)") from None


def _from_json(name: str, text: str) -> Parsed:
    data = _load_json(text)
    if isinstance(data, dict):
        return [_from_record(name, name, data)], []
    if not isinstance(data, list):
        raise _Reject("JSON must be an object or a list of objects")
    drafts: list[_Draft] = []
    errors: list[LoadError] = []
    for i, record in enumerate(data, start=1):
        try:
            drafts.append(_from_record(f"{name}#item {i}", f"{name}#{i}", record))
        except _Reject as exc:
            errors.append(LoadError(f"{name}#item {i}", str(exc)))
    return drafts, errors


def _from_jsonl(name: str, text: str) -> Parsed:
    drafts: list[_Draft] = []
    errors: list[LoadError] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        label = f"{name}#line {number}"
        try:
            drafts.append(_from_record(label, f"{name}#{number}", _load_json(line)))
        except _Reject as exc:
            errors.append(LoadError(label, str(exc)))
    return drafts, errors


_PARSERS = {".txt": _from_txt, ".html": _from_html, ".htm": _from_html,
            ".json": _from_json, ".jsonl": _from_jsonl}  # fmt: skip


def _parse(name: str, data: bytes) -> Parsed:
    """Drafts and item-level errors of one file; _Reject if the whole file is unusable."""
    suffix = Path(name).suffix.lower()
    if suffix not in _PARSERS:
        raise _Reject(f"unknown file type {suffix or '(none)'!r} (expected {', '.join(SUFFIXES)})")
    return _PARSERS[suffix](name, decode_text(data))


def _finish(
    parsed: Parsed, manifest_row: dict[str, str] | None, default: date | None
) -> tuple[list[Article], list[LoadError]]:
    """Settle dates, titles and outlets (manifest first) and build Articles."""
    drafts, item_errors = parsed
    articles: list[Article] = []
    errors = list(item_errors)
    row = manifest_row or {}
    for draft in drafts:
        raw_date = _clean(row.get("published")) or draft.published
        try:
            published = parse_date(raw_date) if raw_date else default
        except ValueError as exc:
            source = f" in {MANIFEST}" if _clean(row.get("published")) else ""
            errors.append(LoadError(draft.name, f"{exc}{source}"))
            continue
        if published is None:
            errors.append(LoadError(draft.name, MISSING_DATE))
            continue
        title = _clean(row.get("title")) or draft.title
        articles.append(
            Article(
                article_id=article_id_for(draft.text),
                title=title,
                text=draft.text,
                published=published,
                outlet=_clean(row.get("outlet")) or draft.outlet,
                url=draft.url,
                path=draft.path,
                body_start=_headline_end(draft.text, draft.headline or draft.title),
            )
        )
    return articles, errors


def _read_manifest(folder: Path) -> tuple[dict[str, dict[str, str]], LoadError | None]:
    """file name -> manifest row for `folder/manifest.csv` (empty if there is none)."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}, None
    try:
        rows = list(csv.DictReader(io.StringIO(decode_text(path.read_bytes()))))
    except (OSError, _Reject, csv.Error) as exc:
        return {}, LoadError(str(path), f"unreadable manifest: {exc}")
    if not rows or "file" not in rows[0]:
        return {}, LoadError(str(path), 'manifest needs a "file" column')
    return {r["file"].strip(): r for r in rows if r.get("file")}, None


def _as_default(published: date | str | None) -> date | None:
    return None if published is None else parse_date(published)


def read_article_bytes(
    name: str, data: bytes, published: date | str | None = None
) -> list[Article]:
    """Articles from uploaded bytes (type from the name's extension).

    Raises ArticleError listing every problem; its `.articles` holds what did load.
    """
    try:
        articles, errors = _finish(_parse(name, data), None, _as_default(published))
    except _Reject as exc:
        articles, errors = [], [LoadError(name, str(exc))]
    if errors:
        raise ArticleError(errors, articles)
    return articles


def files_in(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Each file path; folders sorted, recursive, without manifest.csv and hidden files."""
    for path in paths:
        path = Path(path)
        if not path.is_dir():
            yield path
            continue
        for child in sorted(path.rglob("*")):
            relative = child.relative_to(path).parts
            if (
                child.is_file()
                and child.name != MANIFEST
                and not any(p.startswith(".") for p in relative)
            ):
                yield child


def read_articles(
    paths: str | Path | Iterable[str | Path], published: date | str | None = None
) -> tuple[list[Article], list[LoadError]]:
    """Read files and folders; returns the articles that loaded and an error for each failure.

    `published` is the date for files that give none; a bad `published` raises ValueError
    (it is the caller's mistake, not the file's).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    default = _as_default(published)
    articles: list[Article] = []
    errors: list[LoadError] = []
    manifests: dict[Path, tuple[dict[str, dict[str, str]], LoadError | None]] = {}
    for path in files_in(paths):
        name = str(path)
        if path.parent not in manifests:
            manifests[path.parent] = _read_manifest(path.parent)
            if manifests[path.parent][1] is not None:
                errors.append(manifests[path.parent][1])
        rows = manifests[path.parent][0]
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            errors.append(LoadError(name, "no such file or folder"))
            continue
        except OSError as exc:
            errors.append(LoadError(name, f"cannot read: {exc.strerror or exc}"))
            continue
        try:
            drafts = _parse(name, data)
        except _Reject as exc:
            errors.append(LoadError(name, str(exc)))
            continue
        loaded, failed = _finish(drafts, rows.get(path.name), default)
        articles.extend(loaded)
        errors.extend(failed)
    return articles, errors


def articles_frame(articles: list[Article]) -> pd.DataFrame:
    """One row per article: article_id, title, text, published, outlet, url, path."""
    frame = pd.DataFrame(
        {
            "article_id": pd.Series([a.article_id for a in articles], dtype="string"),
            "title": pd.Series([a.title for a in articles], dtype="string"),
            "text": pd.Series([a.text for a in articles], dtype="string"),
            "published": pd.Series(
                pd.to_datetime([a.published for a in articles]), dtype="datetime64[s]"
            ),
            "outlet": pd.Series([a.outlet for a in articles], dtype="string"),
            "url": pd.Series([a.url for a in articles], dtype="string"),
            "path": pd.Series([a.path for a in articles], dtype="string"),
        }
    )
    return frame
