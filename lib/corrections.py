"""Human corrections applied to a claim frame (pure pandas; the store only persists them).

Why a separate layer: the extractor's output is replaced whenever it improves, the human
judgement must not be. A correction is keyed by `claim_id` (stable across extractor runs,
see `lib.claims.make_claim_id`) and re-applied on every read, so it survives re-extraction.
Values travel as text (`format_value`/`parse_value`) so one log column holds every field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lib.claims import SCHEMA, check_claims

# Fields a reviewer may change. Offsets, sentence, ids and provenance stay the machine's.
# Order matters when several fields change at once: a count or qualifier recomputes the
# bounds, so explicit bounds come after them.
CORRECTABLE_FIELDS = (
    "qualifier",
    "deaths",
    "deaths_low",
    "deaths_high",
    "victims",
    "source",
    "source_kind",
    "place",
    "governorate",
    "date_start",
    "date_end",
    "date_precision",
    "event_type",
    "perpetrator",
    "perpetrator_text",
    "cumulative",
    "notes",
)
REJECTED = "rejected"  # the field name of a kind="reject" log entry (new_value "true"/"false")
KINDS = ("correct", "reject")
STATUSES = ("active", "orphaned")
CORRECTION_COLUMNS: dict[str, str] = {
    "id": "Int64",
    "claim_id": "string",
    "article_id": "string",
    "field": "string",
    "old_value": "string",
    "new_value": "string",
    "reason": "string",
    "author": "string",
    "created_at": "datetime64[us]",
    "kind": "string",
    "status": "string",
}


class CorrectionError(ValueError):
    """A correction that was refused; the message says why in reviewer's terms."""


class StaleEditError(CorrectionError):
    """Someone saved the claim after the editor opened it: nothing is saved, and the message
    gives the current values so the reviewer can decide again (no silent lost update)."""


class _NotGiven:
    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()  # an Edit made without knowing what the editor saw (CLI, API)


@dataclass(frozen=True)
class Edit:
    """One changed cell: `field` is a CORRECTABLE_FIELDS name or REJECTED.

    `started_from` is the value the editor saw before changing it; when given, the save is
    refused if the claim's current value differs (another reviewer saved in between).
    """

    claim_id: str
    field: str
    value: Any
    started_from: Any = NOT_GIVEN


@dataclass(frozen=True)
class Skipped:
    """An active correction that no longer fits its (re-extracted) claim, with the reason."""

    correction_id: int
    claim_id: str
    reason: str


@dataclass
class Applied:
    """Result of `apply_corrections`: the corrected frame plus what needs a reviewer's eye."""

    frame: pd.DataFrame
    rejected: set[str] = field(default_factory=set)
    skipped: list[Skipped] = field(default_factory=list)


def empty_corrections() -> pd.DataFrame:
    """A correction log with no rows and the right dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in CORRECTION_COLUMNS.items()})


def _is_null(value: Any) -> bool:
    return value is None or (not isinstance(value, (list, tuple)) and bool(pd.isna(value)))


def format_value(field_name: str, value: Any) -> str | None:
    """Canonical text of a value for the log: equal values always give equal text.

    Text for a typed field is parsed first, so "12", 12 and 12.0 all log as "12" and text
    of the wrong kind raises CorrectionError.
    """
    dtype = SCHEMA.get(field_name, "bool" if field_name == REJECTED else "string")
    if isinstance(value, str) and dtype != "string":
        value = parse_value(field_name, value)
    if _is_null(value):
        return None
    if dtype == "Int64":
        return str(int(value))
    if dtype == "float64":
        return repr(float(value))
    if dtype.startswith("datetime"):
        return pd.Timestamp(value).date().isoformat()
    if dtype == "bool":
        return "true" if _as_bool(field_name, value) else "false"
    return str(value).strip() or None


def _as_bool(field_name: str, value: Any) -> bool:
    if isinstance(value, str):
        if value.strip().lower() not in ("true", "false"):
            raise CorrectionError(f"{field_name}: expected true or false, got {value!r}")
        return value.strip().lower() == "true"
    return bool(value)


def parse_value(field_name: str, text: str | None) -> Any:
    """The typed value of a logged text; raises CorrectionError for text of the wrong kind."""
    dtype = SCHEMA.get(field_name, "bool" if field_name == REJECTED else "string")
    if text is None or (isinstance(text, str) and not text.strip()) or _is_null(text):
        if dtype == "bool":
            raise CorrectionError(f"{field_name}: a yes/no value cannot be empty")
        return pd.NaT if dtype.startswith("datetime") else pd.NA
    text = str(text).strip()
    if dtype == "Int64":
        number = pd.to_numeric(text, errors="coerce")
        if pd.isna(number) or float(number) != int(float(number)):
            raise CorrectionError(f"{field_name}: not a whole number: {text!r}")
        return int(float(number))
    if dtype == "float64":
        number = pd.to_numeric(text, errors="coerce")
        if pd.isna(number):
            raise CorrectionError(f"{field_name}: not a number: {text!r}")
        return float(number)
    if dtype.startswith("datetime"):
        stamp = pd.to_datetime(text, errors="coerce", format="ISO8601")
        if pd.isna(stamp):
            raise CorrectionError(f"{field_name}: not a date (use YYYY-MM-DD): {text!r}")
        return stamp.normalize()
    if dtype == "bool":
        return _as_bool(field_name, text)
    return text


# Bounds implied by a count and its qualifier (docs/data-model.md); "about" implies none.
_BOUNDS = {
    "exact": lambda d: (d, d),
    "at_least": lambda d: (d, None),
    "more_than": lambda d: (d, None),  # as the seed fixture; d + 1 would break low <= deaths
    "up_to": lambda d: (None, d),
    "about": lambda d: (None, None),
}


def _set(frame: pd.DataFrame, label: Any, field_name: str, value: Any) -> None:
    """Set one corrected cell, keeping the fields derived from it consistent.

    A new count or qualifier recomputes deaths_low/deaths_high (a reviewer fixing "54" to
    "55" means the bounds too; explicit bound corrections logged later still win). A new
    governorate clears `governorates` (that list is only for multi-province claims); a new
    place drops the old place's coordinates, which would keep pinning the claim where it was.
    """
    frame.at[label, field_name] = value
    if field_name in ("deaths", "qualifier"):
        deaths, qualifier = frame.at[label, "deaths"], frame.at[label, "qualifier"]
        if not _is_null(deaths) and qualifier in _BOUNDS:
            low, high = _BOUNDS[qualifier](int(deaths))
            frame.at[label, "deaths_low"] = pd.NA if low is None else low
            frame.at[label, "deaths_high"] = pd.NA if high is None else high
    elif field_name == "governorate":
        frame.at[label, "governorates"] = None
    elif field_name == "place":
        frame.at[label, "lat"] = float("nan")
        frame.at[label, "lon"] = float("nan")


def _problems_text(frame: pd.DataFrame) -> str:
    return "; ".join(f"{p.column}: {p.reason}" for p in check_claims(frame))


def check_correction(
    row: pd.DataFrame, changes: Iterable[tuple[str, Any]]
) -> tuple[pd.DataFrame, list[str | None]]:
    """Apply (field, value) changes in order to a one-row claim frame; validate the result.

    Returns the new row and each change's old value as logged text. Only the final state is
    validated, so "exact 54" -> "vague" with deaths cleared is one valid edit. Raises
    CorrectionError naming the values and the rules they break.
    """
    out = row.copy()
    label = out.index[0]
    olds, shown = [], []
    for field_name, value in changes:
        if field_name not in CORRECTABLE_FIELDS:
            raise CorrectionError(
                f"{field_name!r} cannot be corrected (allowed: {CORRECTABLE_FIELDS})"
            )
        text = format_value(field_name, value)
        olds.append(format_value(field_name, out.at[label, field_name]))
        _set(out, label, field_name, parse_value(field_name, text))
        shown.append(f"{field_name} = {text!r}")
    problems = _problems_text(out)
    if problems:
        raise CorrectionError(f"{', '.join(shown)} refused: {problems}")
    return out, olds


def check_unchanged(applied: Applied, claim_id: str, edits: Iterable[Edit]) -> None:
    """Refuse edits made from a value that is no longer the claim's current one.

    `applied` holds the claim as stored now (corrections applied, rejected ones included).
    Raises StaleEditError naming every field that changed under the editor, with its value
    now and the value the editor started from. Call it inside the transaction that logs.
    """
    row = applied.frame[applied.frame["claim_id"] == claim_id]
    stale = []
    for edit in edits:
        if edit.started_from is NOT_GIVEN:
            continue
        if edit.field == REJECTED:
            current: Any = claim_id in applied.rejected
        else:
            current = row[edit.field].iloc[0]
        now, was = format_value(edit.field, current), format_value(edit.field, edit.started_from)
        if now != was:
            stale.append(f"{edit.field} is now {_shown(now)} (you started from {_shown(was)})")
    if stale:
        raise StaleEditError(
            f"claim {claim_id} was changed by someone else after you opened it: "
            f"{'; '.join(stale)}. Nothing was saved; check the current values and "
            "save again if your change still holds."
        )


def _shown(text: str | None) -> str:
    return "empty" if text is None else repr(text)


def _active(corrections: pd.DataFrame, kind: str) -> pd.DataFrame:
    keep = (corrections["status"] == "active") & (corrections["kind"] == kind)
    return corrections[keep.fillna(False).astype(bool)].sort_values("id")


def _apply_one_by_one(
    original: pd.DataFrame, entries: pd.DataFrame, skipped: list[Skipped]
) -> pd.DataFrame:
    """Slow path for a claim whose corrections together make it invalid: skip the culprits."""
    row = original.copy()
    for entry in entries.itertuples(index=False):
        try:
            row, _ = check_correction(row, [(entry.field, entry.new_value)])
        except CorrectionError as exc:
            skipped.append(Skipped(int(entry.id), entry.claim_id, str(exc)))
    return row


def apply_corrections(
    claims: pd.DataFrame, corrections: pd.DataFrame, include_rejected: bool = False
) -> Applied:
    """Claims with every active correction applied in log order and `corrected` set.

    The last reject entry of a claim decides whether it is rejected; rejected claims are
    dropped unless `include_rejected`. A correction that would make its claim invalid (the
    extractor changed the claim under it) is skipped and reported, never half-applied.
    """
    frame = claims.copy()
    labels = pd.Series(frame.index, index=frame["claim_id"].to_numpy())
    fixes = _active(corrections, "correct")
    fixes = fixes[fixes["claim_id"].isin(labels.index)]
    skipped: list[Skipped] = []
    for entry in fixes.itertuples(index=False):
        try:
            _set(
                frame,
                labels[entry.claim_id],
                entry.field,
                parse_value(entry.field, entry.new_value),
            )
        except CorrectionError as exc:
            skipped.append(Skipped(int(entry.id), entry.claim_id, str(exc)))
    touched = labels[fixes["claim_id"].unique()].to_numpy()
    bad_labels = {p.row for p in check_claims(frame.loc[touched])} if len(touched) else set()
    for label in bad_labels:
        claim_id = frame.at[label, "claim_id"]
        entries = fixes[fixes["claim_id"] == claim_id]
        fixed = _apply_one_by_one(claims.loc[[label]], entries, skipped)
        frame.loc[[label]] = fixed
    frame.loc[touched, "corrected"] = True

    verdicts = _active(corrections, "reject").drop_duplicates("claim_id", keep="last")
    rejected = {
        row.claim_id
        for row in verdicts.itertuples(index=False)
        if parse_value(REJECTED, row.new_value)
    }
    is_rejected = frame["claim_id"].isin(rejected)
    frame.loc[is_rejected, "corrected"] = True
    if not include_rejected:
        frame = frame[~is_rejected].reset_index(drop=True)
    return Applied(frame, rejected & set(labels.index), skipped)


def corrected_fields(corrections: pd.DataFrame) -> dict[str, list[str]]:
    """claim_id -> the fields a reviewer changed (active entries), for marking cells."""
    active = corrections[(corrections["status"] == "active").fillna(False).astype(bool)]
    return {
        str(cid): sorted(set(group["field"]))
        for cid, group in active.groupby("claim_id", sort=True)
    }


def diff_edits(before: pd.DataFrame, after: pd.DataFrame, fields: Iterable[str]) -> list[Edit]:
    """Cells a reviewer changed in an edited table, compared by canonical text per claim_id.

    Each edit carries the value of `before` as `started_from`, so a save over someone
    else's newer correction is refused (see `check_unchanged`). A source renamed to one the
    source table knows ("SANA") also takes that source's kind, unless the reviewer set the
    kind too: a state-media claim must not stay filed under "activist".
    """
    from lib.extract.sources import kind_of_source  # spaCy loads only when a review saves

    old = before.set_index("claim_id")
    new = after.set_index("claim_id")
    edits = []
    for claim_id in new.index.intersection(old.index):
        changed = {
            name: new.at[claim_id, name]
            for name in fields
            if format_value(name, old.at[claim_id, name])
            != format_value(name, new.at[claim_id, name])
        }
        if "source" in changed and "source_kind" not in changed and "source_kind" in old:
            kind = kind_of_source(str(changed["source"] or ""))
            if kind is not None and kind != old.at[claim_id, "source_kind"]:
                changed["source_kind"] = kind
        for name, now in changed.items():
            was = old.at[claim_id, name]
            edits.append(
                Edit(
                    str(claim_id),
                    name,
                    None if _is_null(now) else now,
                    None if _is_null(was) else was,
                )
            )
    return edits


# What the review editor shows besides the fields a reviewer may change.
EDITOR_CONTEXT = ("claim_id", "claim_type", "sentence")
EDITOR_FIELDS = tuple(f for f in CORRECTABLE_FIELDS if f not in ("cumulative", "notes"))


def review_table(
    applied: Applied, log: pd.DataFrame, article_id: str | None = None
) -> pd.DataFrame:
    """Claims (of one article, if given) as the review editor shows them: context, editable
    fields, a reject flag and `changed` naming the fields a reviewer corrected ("✎ deaths")."""
    frame = applied.frame
    if article_id is not None:
        frame = frame[frame["article_id"] == article_id]
    marks = corrected_fields(log)
    table = frame[[*EDITOR_CONTEXT, *EDITOR_FIELDS]].copy()
    table.insert(1, "changed", [
        "✎ " + ", ".join(marks[c]) if c in marks else "" for c in frame["claim_id"]
    ])  # fmt: skip
    table[REJECTED] = frame["claim_id"].isin(applied.rejected).to_numpy()
    return table.reset_index(drop=True)
