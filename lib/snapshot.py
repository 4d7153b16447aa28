"""Reproducible snapshots of a claim store: export to a folder, import back with a hash check.

Why: a snapshot is what users cite and share, so the same store must give the same bytes
(sorted rows, no export timestamp, fixed formats) and a changed file must be detected. It
holds the machine claims too, so an import restores the store exactly, corrections included.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lib.claims import claims_to_records, coerce_claims, validate_claims
from lib.corrections import CORRECTION_COLUMNS
from lib.csv_safety import neutralise_frame, restore_frame
from lib.store import REPO, ClaimStore

FORMAT = "syria-claims-snapshot/1"
MANIFEST = "manifest.json"
DATA_MODEL = REPO / "docs" / "data-model.md"
ARTICLE_FIELDS = ("article_id", "hash", "title", "outlet", "published", "url", "path",
                  "body_start", "extractor_version", "ingested_at", "text")  # fmt: skip
# The log without database ids (they depend on the store's history); `seq` keeps the order.
LOG_FIELDS = ("seq", *(c for c in CORRECTION_COLUMNS if c != "id"))
# What an import reads: each must be listed in the manifest, so its hash is checked.
READ_ON_IMPORT = ("articles.jsonl", "machine_claims.jsonl", "corrections.csv")


class SnapshotError(ValueError):
    """A snapshot that cannot be imported: missing file, changed content, wrong format."""


@dataclass
class ImportReport:
    """What an import added; existing articles and corrections are left as they are."""

    articles_new: int
    articles_existing: int
    corrections_new: int

    def summary(self) -> str:
        return (
            f"articles new: {self.articles_new}, already stored: {self.articles_existing}, "
            f"corrections new: {self.corrections_new}"
        )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _content_hash(files: dict[str, str]) -> str:
    """One hash over every file's hash, in `sha256sum` line format, sorted by name."""
    lines = "".join(f"{digest}  {name}\n" for name, digest in sorted(files.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _iso(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).isoformat()


def _jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records)
    path.write_text(text, encoding="utf-8", newline="\n")


def _claims_csv(path: Path, records: list[dict[str, Any]], columns: list[str]) -> None:
    frame = pd.DataFrame(records, columns=columns)
    frame["governorates"] = [";".join(v) if v else None for v in frame["governorates"]]
    neutralise_frame(frame).to_csv(path, index=False, lineterminator="\n")


def _article_record(row: pd.Series) -> dict[str, Any]:
    """JSON-ready article: dates as ISO text, nulls as None."""
    rec: dict[str, Any] = {}
    for name in ARTICLE_FIELDS:
        value = row[name]
        if pd.isna(value):
            rec[name] = None
        elif name == "published":
            rec[name] = pd.Timestamp(value).date().isoformat()
        elif name == "ingested_at":
            rec[name] = pd.Timestamp(value).isoformat()
        elif name == "body_start":
            rec[name] = int(value)
        else:
            rec[name] = str(value)
    return rec


def _log_frame(store: ClaimStore) -> pd.DataFrame:
    log = store.corrections().sort_values("id").reset_index(drop=True)
    log.insert(0, "seq", range(1, len(log) + 1))
    log["created_at"] = [_iso(v) for v in log["created_at"]]
    return log[list(LOG_FIELDS)]


def export_snapshot(store: ClaimStore, folder: str | Path) -> dict[str, Any]:
    """Write articles, machine and corrected claims, the correction log, the data-model doc
    and a manifest with SHA-256 hashes to `folder`; returns the manifest.

    `folder` must be new or empty: SnapshotError before anything is written otherwise, so
    an export never overwrites files or leaves a half-written snapshot beside them.
    """
    out = Path(folder)
    _check_export_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    records = [
        _article_record(row) for _, row in store.articles().sort_values("article_id").iterrows()
    ]
    _jsonl(out / "articles.jsonl", records)
    order = ["article_id", "char_start", "char_end", "claim_id"]
    machine = store.machine_claims().sort_values(order)
    _jsonl(out / "machine_claims.jsonl", claims_to_records(machine))
    corrected = claims_to_records(store.claims().sort_values(order))
    _jsonl(out / "claims.jsonl", corrected)
    _claims_csv(out / "claims.csv", corrected, list(machine.columns))
    log = _log_frame(store)
    neutralise_frame(log).to_csv(out / "corrections.csv", index=False, lineterminator="\n")
    names = ["articles.jsonl", "machine_claims.jsonl", "claims.jsonl", "claims.csv",
             "corrections.csv"]  # fmt: skip
    if DATA_MODEL.exists():
        shutil.copyfile(DATA_MODEL, out / DATA_MODEL.name)
        names.append(DATA_MODEL.name)
    files = {name: _sha256(out / name) for name in names}
    manifest = {
        "format": FORMAT,
        "counts": {"articles": len(records), "claims": len(corrected),
                   "machine_claims": len(machine), "corrections": len(log)},
        "files": files,
        "content_sha256": _content_hash(files),
    }  # fmt: skip
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", "utf-8")
    return manifest


def _check_export_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SnapshotError(f"{out}: exists and is not a folder; export into a new folder")
    if out.is_dir() and any(out.iterdir()):
        raise SnapshotError(
            f"{out}: folder is not empty; export into a new or empty folder (nothing was written)"
        )


def _inside(root: Path, name: Any) -> Path:
    """The path of a listed file, which must be a plain name of a file in `root` itself."""
    plain = isinstance(name, str) and name not in ("", ".", "..") and Path(name).name == name
    if not plain or "\\" in name:
        raise SnapshotError(f"manifest: file name {name!r} is not a plain name in the snapshot")
    path = root / name
    if path.resolve().parent != root.resolve():
        raise SnapshotError(f"{name}: points outside the snapshot folder")
    return path


def _listed_files(root: Path, manifest: Any) -> dict[str, str]:
    """The manifest's name -> SHA-256 map, checked: plain names, text digests, and every
    file an import reads listed (an empty list would verify anything)."""
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise SnapshotError(f'{root / MANIFEST}: "files" must map file names to SHA-256 digests')
    missing = [name for name in READ_ON_IMPORT if name not in files]
    if missing:
        raise SnapshotError(f"{root / MANIFEST}: does not list {', '.join(missing)}")
    for name in files:
        _inside(root, name)
    return files


def verify_snapshot(folder: str | Path) -> dict[str, Any]:
    """The manifest of a snapshot whose files all match their hashes; SnapshotError if not."""
    root = Path(folder)
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{root / MANIFEST}: unreadable manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotError(f"{root}: not a snapshot of format {FORMAT}")
    files = _listed_files(root, manifest)
    for name, digest in files.items():
        path = root / name
        if not path.is_file():
            raise SnapshotError(f"{name}: missing from the snapshot")
        if _sha256(path) != digest:
            raise SnapshotError(
                f"{name}: content differs from the manifest (changed after export?)"
            )
    if _content_hash(files) != manifest.get("content_sha256"):
        raise SnapshotError("manifest: content hash does not match the listed files")
    return manifest


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def import_snapshot(store: ClaimStore, folder: str | Path) -> ImportReport:
    """Merge a verified snapshot into `store` in one transaction (all of it, or nothing)."""
    root = Path(folder)
    verify_snapshot(root)
    articles = _read_jsonl(root / "articles.jsonl")
    machine = validate_claims(coerce_claims(_read_jsonl(root / "machine_claims.jsonl")))
    log = pd.read_csv(root / "corrections.csv", dtype=str, keep_default_na=False, na_values=[""])
    log = restore_frame(log)
    log = log.sort_values("seq", key=lambda s: s.astype(int))
    new_articles, new_corrections = store.merge(articles, machine, log.drop(columns="seq"))
    return ImportReport(new_articles, len(articles) - new_articles, new_corrections)
