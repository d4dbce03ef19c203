"""Settings files: they hold the API token, so only their owner may read them."""

from __future__ import annotations

import os
import stat

from dramascope.settings import SETTINGS_FILE, Settings


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_saved_settings_are_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        Settings(api_token="secret").save(tmp_path)
    finally:
        os.umask(old)
    assert _mode(tmp_path / SETTINGS_FILE) == 0o600
    assert Settings.load(tmp_path).api_token == "secret"
    assert [p.name for p in tmp_path.iterdir()] == [SETTINGS_FILE]  # no temporary file left behind


def test_resaving_keeps_the_file_owner_only(tmp_path):
    Settings(api_token="a").save(tmp_path)
    Settings(api_token="b").save(tmp_path)
    assert _mode(tmp_path / SETTINGS_FILE) == 0o600 and Settings.load(tmp_path).api_token == "b"


def test_loading_an_old_world_readable_file_makes_it_owner_only(tmp_path):
    path = tmp_path / SETTINGS_FILE
    path.write_text('api_token = "old"\n', encoding="utf-8")
    path.chmod(0o644)
    assert Settings.load(tmp_path).api_token == "old"
    assert _mode(path) == 0o600


def test_a_new_workspace_writes_its_token_owner_only(tmp_path):
    from dramascope.workspace import Workspace

    with Workspace.open(tmp_path / "w"):
        pass
    assert _mode(tmp_path / "w" / SETTINGS_FILE) == 0o600
