"""Hostile and careless input, generated on demand (nothing binary or huge is checked in).

Each entry is what an attacker or a sloppy export could hand the dashboard: a file name, its
bytes and the words the refusal must contain (None: the file is good and must be stored).
Sentences are written for these tests; no corpus text.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

GOOD_TEXT = "Shelling killed 12 people in Homs on Tuesday, activists said."
PUBLISHED = "2012-04-04"
_SERIAL = itertools.count(1)


def _record(**fields: object) -> dict[str, object]:
    """A JSON article with its own text (equal texts would be stored once)."""
    return {"text": f"{GOOD_TEXT} (report {next(_SERIAL)})", "published": PUBLISHED, **fields}


def _json(**fields: object) -> bytes:
    return json.dumps(_record(**fields)).encode()


def nested_json(depth: int) -> bytes:
    """`[[[ ... ]]]`: deep enough to exhaust a recursive JSON reader."""
    return ("[" * depth + "]" * depth).encode()


def many_paragraphs(count: int) -> str:
    """An HTML page of `count` short <p> blocks (the quadratic case of issue 13, item 2)."""
    body = "".join(f"<p>Clashes in Idlib, report {i}.</p>" for i in range(count))
    return f"<html><head><title>Paragraphs</title></head><body>{body}</body></html>"


def nested_divs(depth: int) -> str:
    """An HTML page whose one sentence sits `depth` <div>s deep."""
    return (
        "<html><head><title>Nested</title></head><body>"
        + "<div>" * depth
        + GOOD_TEXT
        + "</div>" * depth
        + "</body></html>"
    )


# name -> (bytes, words the error must contain, or None for a file that must go in)
HOSTILE: dict[str, tuple[bytes, str | None]] = {
    "good.txt": (f"Good report\n\n{GOOD_TEXT}\n".encode(), None),
    "good.json": (_json(title="A good JSON report"), None),
    "nested.json": (nested_json(100_000), "nested too deeply"),
    "nested-line.jsonl": (nested_json(100_000) + b"\n", "nested too deeply"),
    "surrogate.json": (
        b'{"text": "Six killed \\ud800 in Hama.", "published": "2012-04-04"}',
        "lone surrogate",
    ),
    "surrogate-title.json": (
        _json(title="x").replace(b'"x"', b'"\\udfff"'),
        '"title" is not valid Unicode',
    ),
    "object-title.json": (_json(title={"a": [1, 2]}), '"title" must be text'),
    "list-outlet.json": (_json(outlet=[1]), '"outlet" must be text'),
    "number-url.json": (_json(url=7), '"url" must be text'),
    "bool-published.json": (_json(published=True), '"published" must be'),
    "number-text.json": (json.dumps({"text": 5, "published": PUBLISHED}).encode(), '"text" must'),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
    "empty.txt": (b"   \n", "empty file"),
    "script.exe": (b"MZ", "file type"),
    "bad-utf8.html": (b"<p>caf\xe9</p>", "not UTF-8"),
    "formula.txt": (b'=HYPERLINK("http://evil")\n\nMortar fire killed 3 in Daraa.\n', None),
    "markdown-title.json": (
        _json(title="![x](http://127.0.0.2/x.png) **bold**"),
        None,
    ),
    "deep.html": (nested_divs(20_000).encode(), None),
}


def write_hostile(folder: Path) -> dict[str, str | None]:
    """Write every hostile file into `folder`; returns name -> expected refusal (or None)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (data, _) in HOSTILE.items():
        (folder / name).write_bytes(data)
    return {name: words for name, (_, words) in HOSTILE.items()}


STALL = "STALL-THE-EXTRACTOR"  # text that makes `stalling_extract` hang, as a slow rule would
CRASH = "CRASH-THE-EXTRACTOR"  # text that makes it die, as a process killed for memory would


def stalling_extract(article):
    """The real extractor, except that it never finishes on STALL and dies on CRASH."""
    import os
    import time

    from lib.extract import extract_batch

    if STALL in article.text:
        time.sleep(3600)
    if CRASH in article.text:
        os._exit(9)
    return extract_batch(article)
