"""Test-wide settings."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _own_cache_directory(tmp_path_factory):
    """The rulebook cache (procurement/rulebook/yaml_cache.py) goes to a directory of this test session, not
    to the user's ~/.cache: tests leave nothing behind and never read what an earlier run left."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield
