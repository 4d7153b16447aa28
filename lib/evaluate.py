"""How far to trust the extractor: death-claim precision/recall/F1 on hand-annotated articles.

`python -m lib.evaluate CORPUS_DIR [--json] [--show misses|extras|sources|perpetrators|all]`

A corpus is a folder in the format of `../shared/corpus/dev` (documented in
docs/evaluation.md): `articles/*.txt`, `meta.jsonl` (file, published), `gold.jsonl` (one row
per death claim) and optionally `traps.jsonl` (phrases that must not become death claims).
The matching rules are the reference scorer's (`score_claims.py`), so the figures are the same;
this runs the extractor in-process (seconds, not minutes) and adds what a developer or a user
needs to see why: per-field accuracy on matched claims, each miss sorted into an error
category, traps taken as deaths, and the sentence behind every miss and extra.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lib.articles import Article, read_articles
from lib.extract.pipeline import claim_records

Extractor = Callable[[Article], Iterable[dict[str, Any]]]

# The reference scorer's source tags: a predicted source name is right when it matches one of
# the gold row's tags.
SOURCE_TAGS = (
    ("sohr", r"observatory|\bsohr\b"),
    ("lcc", r"local coordination|\blccs?\b"),
    ("un", r"united nations|\bu\.?\s?n\.?\b|ohchr|human rights chief|ladsous|annan"),
    ("state_media", r"\bsana\b|arab news agency|state[- ](run )?(tv|television|media|news)"
                    r"|syrian tv|state-run"),
    ("syrian_gov", r"government|ministry|ambassador|jaafari|regime|official"),
    ("activists", r"activist|dissident|revolution|council|union|opposition|coordinat"),
    ("witnesses", r"witness|resident"),
    ("medical", r"nurse|doctor|medic|hospital"),
    ("scrc", r"strategic communications"),
    ("opposition_political", r"national coalition|\bsnc\b"),
    ("reporter", r"reporter|^cnn$|associated press|\bap\b|reuters|afp|bbc|guardian"
                 r"|correspondent|article|outlet|journalist"),
)  # fmt: skip
_TAG_PATTERNS = tuple((tag, re.compile(pattern)) for tag, pattern in SOURCE_TAGS)


def source_tags(name: str | None) -> set[str]:
    """The tags a source name falls in ("Syrian Observatory for Human Rights" -> {"sohr"})."""
    text = (name or "").lower()
    return {tag for tag, pattern in _TAG_PATTERNS if pattern.search(text)}


@dataclass(frozen=True)
class Prediction:
    """A predicted death claim as the scorer sees it (integer deaths, no `part_of`)."""

    file: str
    deaths: int
    governorate: str | None
    cumulative: bool
    date: str
    source: str
    perpetrator: str
    perpetrator_text: str | None
    qualifier: str | None
    victims: str | None
    sentence: str
    char_start: int
    char_end: int

    @property
    def key(self) -> tuple[str, int, str | None, bool, str]:
        return (self.file, self.deaths, self.governorate, self.cumulative, self.date)


@dataclass
class Report:
    """The figures and the rows behind them."""

    recall: float
    precision: float
    f1: float
    source_accuracy: float
    perpetrator_accuracy: float
    counts: dict[str, int]
    fields: dict[str, float]
    miss_categories: dict[str, int]
    traps_taken: list[dict[str, Any]] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)
    extras: list[dict[str, Any]] = field(default_factory=list)
    source_misses: list[dict[str, Any]] = field(default_factory=list)
    perpetrator_misses: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def predictions(file: str, claims: Iterable[dict[str, Any]]) -> list[Prediction]:
    """The claims the scorer counts: integer `deaths`, not a sub-count of another toll."""
    out = []
    for c in claims:
        deaths = c.get("deaths")
        if not isinstance(deaths, int) or isinstance(deaths, bool) or c.get("part_of"):
            continue
        out.append(
            Prediction(
                file=file,
                deaths=deaths,
                governorate=c.get("governorate") or None,
                cumulative=bool(c.get("cumulative")),
                date=str(c.get("date_start") or "")[:10],
                source=str(c.get("source") or ""),
                perpetrator=str(c.get("perpetrator") or "unknown"),
                perpetrator_text=c.get("perpetrator_text"),
                qualifier=c.get("qualifier"),
                victims=c.get("victims"),
                sentence=str(c.get("sentence") or ""),
                char_start=int(c.get("char_start") or 0),
                char_end=int(c.get("char_end") or 0),
            )
        )
    return out


def extract_corpus(
    corpus: Path, extract: Extractor = claim_records
) -> tuple[dict[str, list[Prediction]], dict[str, str], list[str]]:
    """Run the extractor on every article of meta.jsonl: predictions, texts, errors."""
    preds: dict[str, list[Prediction]] = {}
    texts: dict[str, str] = {}
    errors: list[str] = []
    for meta in read_jsonl(corpus / "meta.jsonl"):
        name = meta["file"]
        published = date.fromisoformat(meta["published"])
        articles, load_errors = read_articles([corpus / "articles" / name], published=published)
        errors += [str(e) for e in load_errors]
        preds[name] = []
        for article in articles:
            texts[name] = article.text
            try:
                preds[name] += predictions(name, extract(article))
            except Exception as exc:  # a failing article is a miss, reported
                errors.append(f"{name}: {type(exc).__name__}: {exc}")
    return preds, texts, errors


def _miss_category(gold: dict[str, Any], same_number: list[Prediction], ok_dates: set[str]) -> str:
    """Why a required gold row was not matched: the first field that differs."""
    if not same_number:
        return "toll missed"
    if not any(p.cumulative == gold["cumulative"] for p in same_number):
        return "running total flag"
    candidates = [p for p in same_number if p.cumulative == gold["cumulative"]]
    if not any(p.governorate in gold["governorate"] for p in candidates):
        if all(p.governorate is None for p in candidates):
            return "place not attached"
        return "wrong place"
    return "wrong date"


def _field_ok(gold: dict[str, Any], hits: list[Prediction]) -> dict[str, bool]:
    """Which fields of a matched gold row some matching prediction gets right."""
    want_tags = set(str(gold.get("source_tag") or "").split("|"))
    return {
        "qualifier": any(p.qualifier == gold.get("qualifier") for p in hits),
        "victims": any(p.victims == gold.get("victims") for p in hits),
        "date": any(p.date == gold.get("date_start") for p in hits),
        "source_tag": any((source_tags(p.source) or {"reporter"}) & want_tags for p in hits),
    }


def _trap_taken(trap: dict[str, Any], text: str, preds: list[Prediction]) -> Prediction | None:
    """A prediction whose number was read out of the trap's phrase."""
    start = text.find(trap["text"])
    if start < 0:
        return None
    end = start + len(trap["text"])
    for p in preds:
        if p.char_start < end and start < p.char_end and str(p.deaths) in _numbers_in(trap["text"]):
            return p
    return None


_WORD_NUMBERS = {
    word: str(value)
    for value, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen", "twenty")
    )
}  # fmt: skip


def _numbers_in(text: str) -> set[str]:
    digits = {d.replace(",", "") for d in re.findall(r"\d[\d,]*", text)}
    words = {_WORD_NUMBERS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _WORD_NUMBERS}
    return digits | words


def _perpetrators_where_found(
    gold_rows: list[dict[str, Any]], preds: dict[str, list[Prediction]]
) -> tuple[int, int]:
    """Perpetrator right / gold rows whose number the extractor found in the row's sentence,
    whatever place and date it gave: the perpetrator field judged apart from matching."""
    ok = total = 0
    for g in gold_rows:
        quote = g["quote"]
        same = [
            p
            for p in preds.get(g["file"], [])
            if p.deaths == g["deaths"]
            and (p.sentence.strip()[:60] in quote or quote[:60] in p.sentence)
        ]
        if same and g.get("perpetrator"):
            total += 1
            ok += any(p.perpetrator == g["perpetrator"] for p in same)
    return ok, total


def score(corpus: Path, extract: Extractor = claim_records) -> Report:
    """Score an extractor (by default the project's) on a corpus folder by the reference
    scorer's rules."""
    corpus = Path(corpus)
    gold_rows = read_jsonl(corpus / "gold.jsonl")
    traps = read_jsonl(corpus / "traps.jsonl")
    meta = {m["file"]: m for m in read_jsonl(corpus / "meta.jsonl")}
    preds, texts, errors = extract_corpus(corpus, extract)

    required = {
        (g["file"], g["deaths"], tuple(g["governorate"]), g["cumulative"])
        for g in gold_rows
        if not g["optional"]
    }
    pred_keys = {p.key for file_preds in preds.values() for p in file_preds}
    matched: set[tuple] = set()
    found: set[tuple] = set()
    src_ok = src_total = perp_ok = perp_total = 0
    field_hits: Counter[str] = Counter()
    field_total = 0
    categories: Counter[str] = Counter()
    report_misses, source_misses, perpetrator_misses = [], [], []
    for g in gold_rows:
        file_preds = preds.get(g["file"], [])
        ok_dates = {g["date_start"], g["date_end"], meta[g["file"]]["published"]}
        hits = [
            p
            for p in file_preds
            if p.deaths == g["deaths"]
            and p.cumulative == g["cumulative"]
            and p.governorate in g["governorate"]
            and p.date in ok_dates
        ]
        matched.update(p.key for p in hits)
        if g["optional"]:
            continue
        if not hits:
            same = [p for p in file_preds if p.deaths == g["deaths"]]
            category = _miss_category(g, same, ok_dates)
            categories[category] += 1
            report_misses.append(
                {"category": category, **{k: g.get(k) for k in (
                    "file", "deaths", "governorate", "date_start", "cumulative", "source",
                    "quote")},
                 "predicted": [(p.governorate, p.date, p.cumulative) for p in same]}
            )  # fmt: skip
            continue
        found.add((g["file"], g["deaths"], tuple(g["governorate"]), g["cumulative"]))
        field_total += 1
        field_hits.update(k for k, ok in _field_ok(g, hits).items() if ok)
        if g["source_tag"] != "reporter":
            src_total += 1
            if any(source_tags(p.source) & set(g["source_tag"].split("|")) for p in hits):
                src_ok += 1
            else:
                source_misses.append(
                    {"file": g["file"], "deaths": g["deaths"], "want": g["source"],
                     "got": sorted({p.source for p in hits}), "quote": g["quote"]}
                )  # fmt: skip
        if g.get("perpetrator"):
            perp_total += 1
            if any(p.perpetrator == g["perpetrator"] for p in hits):
                perp_ok += 1
            else:
                perpetrator_misses.append(
                    {"file": g["file"], "deaths": g["deaths"], "want": g["perpetrator"],
                     "want_text": g.get("perpetrator_text"),
                     "got": sorted({(p.perpetrator, p.perpetrator_text) for p in hits},
                                   key=str), "quote": g["quote"]}
                )  # fmt: skip

    found_ok, found_total = _perpetrators_where_found(gold_rows, preds)
    extras = [
        {"file": p.file, "deaths": p.deaths, "governorate": p.governorate,
         "cumulative": p.cumulative, "date": p.date, "source": p.source, "sentence": p.sentence}
        for file_preds in preds.values()
        for p in file_preds
        if p.key not in matched
    ]  # fmt: skip
    taken = []
    for trap in traps:
        p = _trap_taken(trap, texts.get(trap["file"], ""), preds.get(trap["file"], []))
        if p is not None:
            taken.append({"file": trap["file"], "text": trap["text"], "why": trap.get("why"),
                          "deaths": p.deaths})  # fmt: skip

    recall = len(found) / len(required) if required else 1.0
    precision = len(matched) / len(pred_keys) if pred_keys else (0.0 if required else 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Report(
        recall=recall,
        precision=precision,
        f1=f1,
        source_accuracy=src_ok / src_total if src_total else 0.0,
        perpetrator_accuracy=perp_ok / perp_total if perp_total else 0.0,
        counts={
            "required": len(required),
            "found": len(found),
            "predicted": len(pred_keys),
            "matched": len(matched),
            "source_total": src_total,
            "source_ok": src_ok,
            "perpetrator_total": perp_total,
            "perpetrator_ok": perp_ok,
            "perpetrator_found_total": found_total,
            "perpetrator_found_ok": found_ok,
            "traps": len(traps),
            "traps_taken": len(taken),
            "articles": len(meta),
        },
        fields={
            k: field_hits[k] / field_total if field_total else 0.0
            for k in ("qualifier", "victims", "date", "source_tag")
        },
        miss_categories=dict(categories.most_common()),
        traps_taken=taken,
        misses=report_misses,
        extras=extras,
        source_misses=source_misses,
        perpetrator_misses=perpetrator_misses,
        errors=errors,
    )


def _print(report: Report, show: str) -> None:
    out = sys.stdout
    if show in ("misses", "all"):
        for m in sorted(report.misses, key=lambda m: (m["category"], m["file"])):
            print(f"missed [{m['category']}] {m['file']} {m['deaths']} {m['governorate']} "
                  f"{m['date_start']} cum={m['cumulative']} source={m['source']!r}; "
                  f"same number predicted as {m['predicted']}\n    {m['quote']}",
                  file=out)  # fmt: skip
    if show in ("extras", "all"):
        for e in report.extras:
            print(f"extra {e['file']} {e['deaths']} {e['governorate']} {e['date']} "
                  f"cum={e['cumulative']} source={e['source']!r}\n    {e['sentence']}",
                  file=out)  # fmt: skip
    if show in ("sources", "all"):
        for s in report.source_misses:
            print(f"source {s['file']} {s['deaths']}: want {s['want']!r}, got {s['got']}\n"
                  f"    {s['quote']}", file=out)  # fmt: skip
    if show in ("perpetrators", "all"):
        for s in report.perpetrator_misses:
            print(f"perpetrator {s['file']} {s['deaths']}: want {s['want']} "
                  f"({s['want_text']!r}), got {s['got']}\n    {s['quote']}", file=out)  # fmt: skip
        found_ok, found = (
            report.counts["perpetrator_found_ok"],
            report.counts["perpetrator_found_total"],
        )
        share = found_ok / found if found else 0.0
        print(f"perpetrator on gold rows whose number was found in their sentence (any "
              f"place or date): {found_ok}/{found}={share:.2f}", file=out)  # fmt: skip
    for error in report.errors:
        print(f"error: {error}", file=out)
    for trap in report.traps_taken:
        print(f"trap taken as deaths: {trap['file']} {trap['text']!r} ({trap['why']})", file=out)
    c = report.counts
    categories = ", ".join(f"{k} {v}" for k, v in report.miss_categories.items()) or "none"
    fields = ", ".join(f"{k} {v:.2f}" for k, v in report.fields.items())
    print(f"misses by category: {categories}", file=out)
    print(f"fields on matched claims: {fields}", file=out)
    print(f"traps taken as deaths: {c['traps_taken']} of {c['traps']}", file=out)
    print(f"recall {c['found']}/{c['required']}={report.recall:.2f} "
          f"precision {c['matched']}/{c['predicted']}={report.precision:.2f} "
          f"source {c['source_ok']}/{c['source_total']}={report.source_accuracy:.2f} "
          f"perpetrator {c['perpetrator_ok']}/{c['perpetrator_total']}="
          f"{report.perpetrator_accuracy:.2f}", file=out)  # fmt: skip
    print(f"death-claim F1 {report.f1:.2f}, source accuracy {report.source_accuracy:.2f}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lib.evaluate",
        description="Score the extractor on a folder of hand-annotated articles.",
    )
    parser.add_argument("corpus", type=Path, help="folder with articles/, meta.jsonl, gold.jsonl")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    shows = ("none", "misses", "extras", "sources", "perpetrators", "all")
    parser.add_argument("--show", choices=shows, default="none",
                        help="list the rows behind the figures")  # fmt: skip
    args = parser.parse_args(argv)
    if not (args.corpus / "meta.jsonl").exists() or not (args.corpus / "gold.jsonl").exists():
        print(f"{args.corpus}: not a corpus folder (needs meta.jsonl and gold.jsonl)",
              file=sys.stderr)  # fmt: skip
        return 2
    report = score(args.corpus)
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False, indent=1, default=str))
    else:
        _print(report, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
