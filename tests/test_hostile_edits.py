"""Two reviewers correct the same claim at once, on a real DuckDB file (issue 13, item 10).

The second save starts from a value that is no longer current: it is refused with the value
now, nothing of it is logged, and the log never credits anyone with a value they never saw.
"""

from __future__ import annotations

import threading

import pytest

from lib.corrections import EDITOR_FIELDS, REJECTED, StaleEditError, diff_edits, review_table
from lib.store import open_store
from tests.fixture_store import make_fixture_store

FIELDS = [*EDITOR_FIELDS, REJECTED]


@pytest.fixture
def store(tmp_path):
    return open_store(make_fixture_store(tmp_path / "claims.duckdb"))


def _opened(store):
    """What an editor sees when opening the article of the first death toll with a count."""
    claims = store.claims()
    claim = claims[claims["deaths"].notna()].iloc[0]
    table = review_table(store.applied(), store.corrections(), claim["article_id"])
    return table, str(claim["claim_id"])


def _edit(table, claim_id, field, value):
    edited = table.copy()
    edited.loc[edited["claim_id"] == claim_id, field] = value
    return diff_edits(table, edited, FIELDS)


def test_the_second_of_two_editors_is_refused_with_the_current_value(store):
    table, claim_id = _opened(store)
    started = int(table.set_index("claim_id").at[claim_id, "deaths"])
    first, second = 40 if started != 40 else 41, 50
    store.apply_edits(_edit(table, claim_id, "deaths", first), "recount", "alice")
    with pytest.raises(StaleEditError) as refused:
        store.apply_edits(_edit(table, claim_id, "deaths", second), "recount", "bob")
    assert f"deaths is now '{first}' (you started from '{started}')" in str(refused.value)
    log = store.history(claim_id)
    assert list(log["author"]) == ["alice"]
    assert list(log["old_value"]) == [str(started)]
    assert int(store.claims().set_index("claim_id").at[claim_id, "deaths"]) == first


def test_an_editor_who_reloads_can_save_over_the_newer_value(store):
    table, claim_id = _opened(store)
    store.apply_edits(_edit(table, claim_id, "deaths", 40), "recount", "alice")
    fresh, _ = _opened(store)
    store.apply_edits(_edit(fresh, claim_id, "deaths", 50), "second look", "bob")
    log = store.history(claim_id)
    assert list(zip(log["author"], log["old_value"], log["new_value"], strict=True))[-1] == (
        "bob",
        "40",
        "50",
    )


def test_a_rejection_made_from_a_stale_view_is_refused(store):
    table, claim_id = _opened(store)
    store.apply_edits(_edit(table, claim_id, REJECTED, True), "not a toll", "alice")
    with pytest.raises(StaleEditError, match="rejected is now 'true'"):
        store.apply_edits(_edit(table, claim_id, REJECTED, True), "duplicate", "bob")
    assert list(store.history(claim_id)["author"]) == ["alice"]


def test_changes_to_different_fields_both_stand(store):
    table, claim_id = _opened(store)
    store.apply_edits(_edit(table, claim_id, "deaths", 40), "recount", "alice")
    store.apply_edits(_edit(table, claim_id, "place", "Taftanaz"), "named town", "bob")
    log = store.history(claim_id)
    assert list(zip(log["author"], log["field"], strict=True)) == [
        ("alice", "deaths"),
        ("bob", "place"),
    ]


def test_simultaneous_saves_from_two_threads_let_exactly_one_through(store):
    table, claim_id = _opened(store)
    edits = {name: _edit(table, claim_id, "deaths", value) for name, value in
             (("alice", 40), ("bob", 50))}  # fmt: skip
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def save(name: str) -> None:
        start.wait()
        try:
            store.apply_edits(edits[name], "recount", name)
            outcome[name] = "saved"
        except StaleEditError:
            outcome[name] = "refused"

    threads = [threading.Thread(target=save, args=(n,)) for n in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome.values()) == ["refused", "saved"]
    assert len(store.history(claim_id)) == 1


def test_edits_without_a_starting_value_are_not_checked(store):
    _, claim_id = _opened(store)
    store.correct(claim_id, "deaths", 40, "recount", "alice")
    store.correct(claim_id, "deaths", 50, "recount", "cli")
    assert list(store.history(claim_id)["new_value"]) == ["40", "50"]
