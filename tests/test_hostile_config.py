"""The server itself enforces the upload limit the page announces (issue 13, item 13)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from lib.ingest import MAX_UPLOAD_MB

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_the_server_upload_limit_matches_the_page():
    server = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]
    assert server.get("maxUploadSize") == MAX_UPLOAD_MB


def test_streamlit_reads_the_limit_from_the_project_config(monkeypatch):
    from streamlit import config

    monkeypatch.chdir(CONFIG.parent.parent)
    config.get_config_options(force_reparse=True)
    try:
        assert config.get_option("server.maxUploadSize") == MAX_UPLOAD_MB
    finally:
        config.get_config_options(force_reparse=True)
