"""The heap's free pages are handed back before forking (procurement.memory)."""

from __future__ import annotations

import platform

import pytest

from procurement.memory import release_free_memory


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_malloc_trim_is_found_and_called_on_glibc():
    assert release_free_memory() is True


def test_release_is_harmless_when_called_again():
    first = release_free_memory()
    assert release_free_memory() == first
