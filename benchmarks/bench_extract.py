"""Extraction throughput (words/s) next to spaCy's bare tokenizer, on the same text.

    python -m benchmarks.bench_extract [--articles 200] [--seed 1] [--rounds 5] [--cold-caches]

Three corpora, timed the same way, so that no one kind of text decides the figure:
- seeds: the project's two seed articles (real wire copy), `--articles / 2` copies in turn;
- wire: generated wire-style articles: claim sentences (random counts, places, weekdays,
  sources, made-up names) mixed with context sentences (diplomacy, aid, background, traps
  such as ages and plan names), every claim type at least as dense as in the seeds;
- dense: every sentence a claim sentence, three times the seeds' claims per word: a stress
  case no real article reaches, kept to show what the rules cost per claim.

Entry points: `claim_records` (the rules alone, plain records); `extract_batch` (a checked
Arrow batch per article: what the store writes); `extract_article` (a checked pandas frame per
article); `extract_articles` (one frame for the corpus, as `python -m lib.extract` and the
loader need). Each article's result is let go once made, as the store does.

Templates repeat words far more than real copy, so spaCy's tokenizer cache would flatter
whoever keeps it: both sides flush their tokenizer cache before each article, as if every
article were new text. The tokenizer is a separate `spacy.blank("en")` timed on exactly the
texts the extractor reads. Both sides see each text once before timing (lexemes exist, and
the extractor's caches of place, date and number strings are warm, as in a long run);
`--cold-caches` clears those caches before each article too. Each figure is the best of
`--rounds` rounds in which the entries take turns. Goal (issue 3): >= 0.25x the tokenizer.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import spacy

from lib import geography
from lib.articles import Article, read_articles
from lib.claims import article_id_for
from lib.extract import (
    dates,
    extract_article,
    extract_articles,
    extract_batch,
    numbers,
    places,
    sources,
)
from lib.extract.pipeline import claim_records
from lib.extract.text import get_nlp
from lib.geography import place_phrases

CLAIM_TEMPLATES = [
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
# Sentences real copy carries between its claims: diplomacy, aid, background, colour, and
# numbers that are not deaths (ages, plans, years, counts of vehicles and days).
CONTEXT_TEMPLATES = [
    "The Security Council remains divided, with Russia and China opposing Western drafts.",
    "{person} arrived in Damascus on {day} for talks with President Bashar al-Assad.",
    "The government blames the unrest on armed gangs and foreign-backed terrorists.",
    "Syria restricts foreign reporters, and accounts from {place} could not be verified.",
    "Opposition leaders meeting in Istanbul called for a buffer zone along the Turkish border.",
    "The Assad family has held power in Damascus since 1970.",
    "Residents of {place} said bread and fuel had run short after {m} days without deliveries.",
    "The Arab League suspended Syria's membership last year and imposed economic sanctions.",
    "Tens of thousands of refugees have crossed into Turkey, Jordan and Lebanon.",
    "{person} said the {m}-point plan was still the best hope for a political settlement.",
    "Amateur video showed smoke rising over {place}; its authenticity could not be confirmed.",
    "Diplomats said a vote on the draft could come as early as next week.",
    "The European Union added {m} officials to its sanctions list and froze their assets.",
    "A convoy of {m} aid trucks waited at the crossing for a second day, the {source} said.",
    "Prices of cooking gas have tripled in {place} since the start of the year, traders said.",
    "Observers visited {place} on {day} but were not allowed into the main hospital.",
    '"We will not leave our homes," a {m}-year-old teacher in {place} said by telephone.',
    "Washington has called on Assad to step down and urged Moscow to stop supplying weapons.",
    "The uprising began with peaceful protests inspired by revolts in Tunisia and Egypt.",
    "Schools in {place} have been closed for {m} weeks, parents said.",
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
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# Share of context sentences in the wire mix: every claim type is then at least as dense as in
# the seeds (per 1,000 words: tolls 7.5 vs 6.7, events 17 vs 13, statements 19 vs 12).
WIRE_CONTEXT = 0.8
# The extractor's caches keyed by strings of the text (not its tables), for --cold-caches.
TEXT_CACHES = (dates._weekday_dates, dates._month_day, numbers._digits_value,
               sources._title_kind, places._resolve, geography.fold)  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _name(rng: random.Random) -> str:
    """A made-up title and name: fresh words, as real copy keeps bringing."""

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()

    return f"{rng.choice(TITLES)} {word()} {word()}"


def make_articles(count: int, seed: int, context_share: float = 0.0) -> list[Article]:
    """`count` articles of 12-40 sentences, every slot drawn at random; each sentence is a
    context sentence with probability `context_share`, else a claim sentence."""
    rng = random.Random(seed)
    places = sorted({name for name in place_phrases().values() if name[:1].isupper()})
    articles = []
    for i in range(count):
        sentences = []
        for _ in range(rng.randint(12, 40)):
            context = context_share > 0 and rng.random() < context_share
            sentence = rng.choice(CONTEXT_TEMPLATES if context else CLAIM_TEMPLATES).format(
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


def seed_articles(count: int) -> list[Article]:
    """The seed articles (real copy, dated by their manifest), repeated to `count` articles:
    each is new text to both sides, whose tokenizer caches are flushed before every article."""
    seeds, errors = read_articles([SEEDS])
    if errors or not seeds:
        raise SystemExit(f"cannot read the seed articles in {SEEDS}: {errors}")
    # each copy its own id, as a distinct article has: claim ids must not repeat in a batch
    return [replace(seeds[i % len(seeds)], article_id=f"seed-copy-{i}") for i in range(count)]


def _best_rates(words: int, runs: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Words/s of each run's best time over `rounds` rounds, each round running every entry
    once in turn: the machine is shared, and taking turns gives each the same quiet moments."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: words / seconds for name, seconds in best.items()}


def _as_new_text(articles: list[Article], cold: bool) -> Iterator[Article]:
    """The articles, the extractor's tokenizer cache flushed before each (as for the baseline)
    and, if `cold`, its caches of place, date and number strings cleared too."""
    tokenizer = get_nlp().tokenizer
    for article in articles:
        tokenizer._flush_cache()
        if cold:
            for cached in TEXT_CACHES:
                cached.cache_clear()
        yield article


@dataclass(frozen=True)
class Corpus:
    """One corpus's figures: words/s of the tokenizer and of each extraction entry point."""

    name: str
    articles: int
    words: int
    claims: int
    rates: dict[str, float]


def measure(name: str, articles: list[Article], cold: bool, rounds: int) -> Corpus:
    """Time the bare tokenizer and the extractor on the same articles, as new text."""
    words = sum(len(a.text.split()) for a in articles)
    tokenizer = spacy.blank("en").tokenizer
    for article in articles:  # one pass each first: lexemes (and the extractor's caches) exist
        tokenizer(article.text)
    claims = len(extract_articles(articles))

    def tokenize_fresh() -> None:
        for article in articles:
            tokenizer._flush_cache()  # as if every article were new text
            tokenizer(article.text)

    def new_text() -> Iterator[Article]:
        return _as_new_text(articles, cold)

    def one_each(extract: Callable[[Article], object]) -> Callable[[], None]:
        def run() -> None:
            for article in new_text():
                extract(article)  # used, then let go (as the store writes each and moves on)

        return run

    runs = {
        "tokenizer": tokenize_fresh,
        "claim_records": lambda: [claim_records(a) for a in new_text()],
        "extract_batch": one_each(extract_batch),
        "extract_article": one_each(extract_article),
        "extract_articles": lambda: extract_articles(new_text()),
    }
    rates = _best_rates(words, runs, rounds)
    return Corpus(name, len(articles), words, claims, rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each; best kept")
    cold_help = "clear the extractor's place, date and number caches before each article"
    parser.add_argument("--cold-caches", action="store_true", help=cold_help)
    args = parser.parse_args()
    extract_article(make_articles(1, seed=args.seed + 1000)[0])  # build matchers, load tables
    corpora = {
        "seeds": seed_articles(args.articles // 2),
        "wire": make_articles(args.articles, args.seed, WIRE_CONTEXT),
        "dense": make_articles(args.articles, args.seed),
    }
    results = [measure(n, a, args.cold_caches, args.rounds) for n, a in corpora.items()]
    entry_points = ["claim_records", "extract_batch", "extract_article", "extract_articles"]
    print(f"{'corpus':<7}{'articles':>9}{'words':>8}{'claims/1k words':>16}{'tokenizer w/s':>15}"
          + "".join(f"{name:>18}" for name in entry_points))  # fmt: skip
    for c in results:
        fresh = c.rates["tokenizer"]
        ratios = "".join(f"{c.rates[name] / fresh:>17.3f}x" for name in entry_points)
        print(f"{c.name:<7}{c.articles:>9}{c.words:>8,}{1000 * c.claims / c.words:>16.1f}"
              f"{fresh:>15,.0f}{ratios}")  # fmt: skip
    caches = "cleared" if args.cold_caches else "warm"
    print(f"ratios to the tokenizer; tokenizer caches flushed per article, string caches {caches};"
          " goal >= 0.25x")  # fmt: skip


if __name__ == "__main__":
    main()
