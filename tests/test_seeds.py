"""The seed articles are kept unchanged and their publication dates are recorded facts."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared" / "seeds"


def test_manifest_records_publication_dates_and_weekdays():
    manifest = pd.read_csv(SEEDS / "manifest.csv", dtype=str).set_index("file")
    assert list(manifest.columns) == ["title", "published", "outlet", "notes"]
    published = pd.to_datetime(manifest["published"])
    assert published["000_45e694c00cb5fbd0.txt"] == pd.Timestamp("2012-04-04")
    assert published["003_70fb3e08034d94f9.txt"] == pd.Timestamp("2012-06-13")
    assert set(published.dt.day_name()) == {"Wednesday"}
    assert manifest.loc["000_45e694c00cb5fbd0.txt", "outlet"] == "CNN"


def test_manifest_lists_every_seed_article_and_titles_are_their_first_lines():
    manifest = pd.read_csv(SEEDS / "manifest.csv", dtype=str).set_index("file")
    articles = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert sorted(manifest.index) == articles
    for name in articles:
        first_line = (SEEDS / name).read_text(encoding="utf-8").splitlines()[0]
        assert manifest.loc[name, "title"] == first_line


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/seeds is not beside this checkout")
def test_seed_articles_are_byte_identical_to_the_shared_originals():
    for original in SHARED.glob("*.txt"):
        copy = SEEDS / original.name
        digest = hashlib.sha256
        assert digest(copy.read_bytes()).digest() == digest(original.read_bytes()).digest()
