"""`python -m lib.extract PATH... [--published YYYY-MM-DD] [--format jsonl|csv|table]`

Prints one claim per line. Unreadable files are reported on stderr with their name and the
others still run; the exit status is non-zero only when nothing could be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

import pandas as pd

from lib.claims import claims_to_records
from lib.loader import load

_TABLE_COLUMNS = [
    "claim_type",
    "deaths",
    "qualifier",
    "victims",
    "event_type",
    "topic",
    "source",
    "place",
    "governorate",
    "date_start",
    "date_end",
    "cumulative",
]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lib.extract", description="Print the claims of news articles."
    )
    parser.add_argument("paths", nargs="+", help="article files or folders")
    parser.add_argument(
        "--published",
        type=date.fromisoformat,
        help="publication date for articles that carry none (YYYY-MM-DD)",
    )
    parser.add_argument("--format", choices=("jsonl", "csv", "table"), default="jsonl")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    result = load(args.paths, published=args.published)
    for error in result.errors:  # unreadable files and articles the extractor refused
        print(f"{error.name}: {error.reason}", file=sys.stderr)
    claims = result.claims
    if args.format == "jsonl":
        for record in claims_to_records(claims):
            print(json.dumps(record, ensure_ascii=False))
    elif args.format == "csv":
        claims.to_csv(sys.stdout, index=False)
    else:
        with pd.option_context(
            "display.width", 200, "display.max_rows", None, "display.max_columns", None
        ):
            print(claims[_TABLE_COLUMNS].to_string(index=False))
    return 0 if len(result.articles) else 1


if __name__ == "__main__":
    sys.exit(main())
