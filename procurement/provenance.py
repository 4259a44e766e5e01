"""Digests of the program itself, for the provenance block of every output (`pipeline.meta`).

The version number alone does not say which code scored a batch: between two releases, or on a
checkout with local changes, the same version and rulebook gave other verdicts (a fixed header reader,
a reference table updated) and `procurement diff` reported the tool « inchangé ». An auditor who
reproduces a run needs the same code and the same reference data, so both are given by digest:
`code` over the package's program files (Python modules, templates and their assets), `data` over its
reference tables (`procurement/data`, whose sources are in its README). Each digest is a sha256 of
the sorted relative paths and contents, so it does not depend on the file system's order, on
timestamps or on compiled caches.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DATA = "data"
_SKIPPED_DIRS = frozenset({"__pycache__"})
_SKIPPED_SUFFIXES = frozenset({".pyc", ".pyo"})


def _files(root: Path) -> list[tuple[str, Path]]:
    out = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if not path.is_file() or _SKIPPED_DIRS.intersection(rel.parts[:-1]) or path.suffix in _SKIPPED_SUFFIXES:
            continue
        out.append((rel.as_posix(), path))
    return sorted(out)


def tree_digests(root: Path, data: str = DATA) -> dict[str, str]:
    """{"code_sha256", "data_sha256"} of a package directory: `data` below it is reference data, the
    rest is code. Each file enters as its path, its length and its bytes, so that no two trees share a
    digest by moving bytes from one file to the next."""
    code, ref = hashlib.sha256(), hashlib.sha256()
    for rel, path in _files(root):
        h = ref if rel.split("/", 1)[0] == data else code
        content = path.read_bytes()
        h.update(f"{rel}\0{len(content)}\0".encode())
        h.update(content)
    return {"code_sha256": code.hexdigest(), "data_sha256": ref.hexdigest()}


@cache
def build_digests() -> dict[str, str]:
    """The installed package's digests, computed once per process (about 4 MB read, a few milliseconds)."""
    return tree_digests(PACKAGE)
