"""The loader: files -> articles + claims frames, with every failure named and nothing else lost."""

from pathlib import Path

import pandas as pd

from lib.claims import check_claims
from lib.loader import load

SEEDS = Path(__file__).parent.parent / "seeds"


def test_seeds_load_into_valid_frames_with_their_claims():
    result = load([SEEDS])
    assert result.errors == []
    assert len(result.articles) == 2
    assert check_claims(result.claims) == []
    assert set(result.claims["article_id"]) == set(result.articles["article_id"])
    tolls = result.claims[result.claims["claim_type"] == "death_toll"]
    assert sorted(tolls["deaths"].tolist()) == [0, 6, 16, 20, 54, 74, 9000, 11000, 12000]
    # one frame from the articles' Arrow batches: the frames of each article, value for value
    from lib.articles import read_articles
    from lib.extract import extract_article

    framed = pd.concat([extract_article(a) for a in read_articles([SEEDS])[0]], ignore_index=True)
    pd.testing.assert_frame_equal(result.claims, framed)


def test_a_broken_file_is_named_and_the_good_ones_still_load(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text((SEEDS / "000_45e694c00cb5fbd0.txt").read_text(encoding="utf-8"))
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01\xff binary")
    result = load([tmp_path], published="2012-04-04")
    assert len(result.articles) == 1
    assert [e.name for e in result.errors] == [str(tmp_path / "broken.txt")]
    assert (result.claims["claim_type"] == "death_toll").sum() == 9


def test_an_article_that_breaks_the_extractor_is_reported_and_the_others_kept():
    def fragile(article):
        if "al-Haffeh" in article.text:
            raise RuntimeError("rule table corrupt")
        from lib.extract import extract_article

        return extract_article(article)

    result = load([SEEDS], extract=fragile)
    assert len(result.articles) == 2
    assert len(result.errors) == 1
    assert "003_70fb3e08034d94f9.txt" in result.errors[0].name
    assert result.errors[0].reason == "extraction failed: RuntimeError: rule table corrupt"
    assert result.claims["article_id"].nunique() == 1


def test_no_readable_input_gives_empty_frames_with_the_schema(tmp_path):
    result = load([tmp_path / "missing.txt"])
    assert result.articles.empty and result.claims.empty
    assert isinstance(result.claims["deaths"].dtype, pd.Int64Dtype)
    assert len(result.errors) == 1
