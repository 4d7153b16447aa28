"""Extraction throughput (words/s) next to spaCy's bare tokenizer, on the same varied text.

    python -m benchmarks.bench_extract [--articles 200] [--seed 1]

Text is generated from wire-copy sentence templates; every slot (counts, places, weekdays,
sources, made-up person names, trailing clauses) is drawn at random. Templates still repeat
words far more than real copy, so spaCy's tokenizer cache would flatter whoever keeps it:
both sides therefore run with their tokenizer cache flushed before each article, as if
every article were new text (the tokenizer warm is shown for scale). The tokenizer is a
separate `spacy.blank("en")` instance timed on exactly the texts the extractor processes.
Both sides see the text once before timing (lexemes, place and date caches exist, as in a
long run); each figure is the best of three runs. Goal: extract_article >= 0.25x the
tokenizer.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from datetime import date, timedelta

import spacy

from lib.articles import Article
from lib.claims import article_id_for
from lib.extract import extract_article, extract_articles
from lib.extract.pipeline import claim_records
from lib.extract.text import get_nlp
from lib.geography import place_phrases

TEMPLATES = [
    "At least {n} people were killed in {place} on {day}, the {source} said.",
    "{source} said {n} civilians, including {m} children, died when shells hit {place}.",
    "Security forces killed {n} protesters in {place} and wounded {m} others, activists said.",
    "The death toll from {day}'s bombing in {place} rose to {n}, state television said.",
    "Clashes erupted in {place} overnight, and the army shelled nearby villages.",
    "{person} said on {day} that the government would withdraw its troops from {place}.",
    "More than {big} people have been killed since the uprising began in March 2011.",
    "The {source} said {n} soldiers were killed in an ambush near {place} {day}.",
    "Rebels said they had retaken {place} after {m} days of fighting.",
    "{person} told reporters that Russia would keep selling arms to Damascus.",
    "A car bomb exploded in {place} on {day}, killing {n} and wounding {m}, SANA reported.",
    "Dozens of people were arrested in {place}, residents said.",
    "{n} bodies were found in {place}, according to the {source}.",
    "The {m}-year-old man was shot dead at a checkpoint in {place}.",
    "Troops backed by {m} tanks stormed {place} on {day}, activists said.",
    "There were no casualties in the attack on {place}, the state news agency said.",
]
SOURCES = [
    "Syrian Observatory for Human Rights",
    "Local Coordination Committees",
    "opposition Syrian Revolution General Commission",
    "British-based Observatory",
]
TITLES = [
    "Foreign Minister",
    "activist",
    "resident",
    "Colonel",
    "opposition spokesman",
    "U.N. envoy",
    "Secretary of State",
    "Information Minister",
    "rebel commander",
]
SYLLABLES = [
    "ab",
    "al",
    "ra",
    "mi",
    "ha",
    "sa",
    "ka",
    "fa",
    "zo",
    "dar",
    "mus",
    "tar",
    "hin",
    "qa",
    "wel",
    "ish",
    "bou",
    "nay",
    "rif",
    "jab",
    "lu",
    "om",
    "kher",
    "dun",
    "ez",
]
CLAUSES = [
    "witnesses said",
    "according to a statement",
    "as tanks moved into the district",
    "in a video posted online",
    "despite the ceasefire",
    "a day after talks in Geneva",
    "amid heavy gunfire",
    "while residents fled to the countryside",
    "as diplomats met in New York",
    "in the latest violence",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _name(rng: random.Random) -> str:
    """A made-up title and name: fresh words, as real copy keeps bringing."""

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()

    return f"{rng.choice(TITLES)} {word()} {word()}"


def make_articles(count: int, seed: int) -> list[Article]:
    """`count` articles of 12-40 sentences from the templates, every slot drawn at random."""
    rng = random.Random(seed)
    places = sorted({name for name in place_phrases().values() if name[:1].isupper()})
    articles = []
    for i in range(count):
        sentences = []
        for _ in range(rng.randint(12, 40)):
            sentence = rng.choice(TEMPLATES).format(
                n=rng.randint(2, 400),
                m=rng.randint(2, 60),
                big=rng.randint(5, 90) * 1000,
                place=rng.choice(places),
                day=rng.choice(DAYS),
                source=rng.choice(SOURCES),
                person=_name(rng),
            )
            if rng.random() < 0.4:
                sentence = f"{sentence[:-1]}, {rng.choice(CLAUSES)}."
            sentences.append(sentence)
        paragraphs = [" ".join(sentences[j : j + 2]) for j in range(0, len(sentences), 2)]
        title = f"Syria violence report {i}"
        text = f"{title}\n\n" + "\n\n".join(paragraphs)
        published = date(2011, 6, 1) + timedelta(days=rng.randint(0, 900))
        articles.append(Article(article_id_for(text), title, text, published, "Reuters", None,
                                f"bench#{i}", len(title) + 1))  # fmt: skip
    return articles


def _rate(words: int, run, repeat: int = 3) -> float:
    """Best of `repeat` runs: the machine is shared, the minimum is the least disturbed."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return words / best


def _as_new_text(articles: list[Article]) -> Iterator[Article]:
    """The articles, the extractor's tokenizer cache flushed before each (as for the baseline)."""
    tokenizer = get_nlp().tokenizer
    for article in articles:
        tokenizer._flush_cache()
        yield article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    extract_article(make_articles(1, seed=args.seed + 1000)[0])  # build matchers, load tables
    articles = make_articles(args.articles, args.seed)
    words = sum(len(a.text.split()) for a in articles)

    tokenizer = spacy.blank("en").tokenizer
    for article in articles:  # one pass each first: lexemes, place and date caches exist
        tokenizer(article.text)
    extract_articles(articles)

    def tokenize_fresh() -> None:
        for article in articles:
            tokenizer._flush_cache()  # as if every article were new text
            tokenizer(article.text)

    rates = {
        "spaCy tokenizer, cache flushed per article": _rate(words, tokenize_fresh),
        "spaCy tokenizer, warm cache": _rate(words, lambda: [tokenizer(a.text) for a in articles]),
        "claim_records (rules only, no frame)": _rate(
            words, lambda: [claim_records(a) for a in _as_new_text(articles)]
        ),
        "extract_article (one valid frame each)": _rate(
            words, lambda: [extract_article(a) for a in _as_new_text(articles)]
        ),
        "extract_articles (one valid frame for all)": _rate(
            words, lambda: extract_articles(_as_new_text(articles))
        ),
    }
    claims = len(extract_articles(articles))
    print(f"{len(articles)} articles, {words} words, {claims} claims")
    fresh, warm = list(rates.values())[:2]
    for label, rate in rates.items():
        ratios = f"{rate / fresh:6.3f}x fresh  {rate / warm:6.3f}x warm"
        print(f"{label:<44} {rate:>10,.0f} words/s  {ratios}")
    print("both tokenizer caches flushed before each article; goal: extract_article >= 0.25x fresh")


if __name__ == "__main__":
    main()
