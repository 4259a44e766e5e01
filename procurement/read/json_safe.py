"""Reading a JSON input without letting a hostile or broken file exhaust memory or the stack.

The DECP and OCDS readers both take whole files from outside: the size is checked before reading, and
the nesting depth is measured on the bytes before parsing, so a deeply nested file is refused with a
message instead of a RecursionError halfway through `json.loads`. Valid JSON of another kind is refused
by both with the same account of what was found (`not_this_format`).
"""

from __future__ import annotations

import codecs
import json
import re
from itertools import accumulate
from pathlib import Path

from procurement.errors import InputError
from procurement.read.base import check_size

# Keep only brackets and quotes to measure nesting without parsing.
_DELETE = bytes(b for b in range(256) if b not in b'[]{}"')
_STEP = [1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256)]


def nan_as_none(constant: str) -> float | None:
    """`parse_constant` hook: NaN is what pandas exports write for "unknown"; Infinity stays a float."""
    return None if constant == "NaN" else float(constant)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM decides, else UTF-8, else cp1252 (Windows exports)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def max_depth(data: bytes) -> int:
    """Deepest nesting of arrays and objects, brackets inside strings ignored, without recursion."""
    s = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _DELETE)
    s = re.sub(rb'"[^"]*"', b"", s)
    return max(accumulate(map(_STEP.__getitem__, s)), default=0)


def read_checked(path: Path, max_bytes: int, limit: int, not_fr: str, not_en: str) -> tuple[bytes, str, str]:
    """(bytes, text, encoding) of a file whose size and nesting are within bounds, else InputError.

    `not_fr` / `not_en` name what a too deeply nested file is not ("un fichier OCDS", "an OCDS file").
    The bytes are returned for readers that scan them once more; callers drop them before parsing.
    """
    where = str(path)
    check_size(path, max_bytes)
    data = path.read_bytes()
    text, encoding = decode(data)
    # UTF-16 brackets are two bytes each: measure the UTF-8 re-encoding instead.
    depth = max_depth(data if encoding != "utf-16" else text.encode("utf-8"))
    if depth > limit:
        raise InputError(
            f"JSON imbriqué sur {depth} niveaux (limite {limit}) : ce n'est pas {not_fr}",
            f"JSON nested {depth} levels deep (limit {limit}): this is not {not_en}", where=where)
    return data, text, encoding


def unreadable(exc: json.JSONDecodeError, where: str, line: int | None = None) -> InputError:
    """The error for a file that is not JSON; `line` overrides the decoder's (JSON Lines)."""
    lineno = exc.lineno if line is None else line
    return InputError(
        f"JSON illisible ligne {lineno}, colonne {exc.colno} ({exc.msg}) : fichier tronqué ou mal formé ?",
        f"unreadable JSON at line {lineno}, column {exc.colno} ({exc.msg}): truncated or malformed file?",
        where=where)


def too_deep(where: str) -> InputError:
    """For the RecursionError the depth check should already have prevented."""
    return InputError("JSON trop imbriqué", "JSON nested too deeply", where=where)


def not_this_format(value: object, expected_fr: str, expected_en: str, where: str) -> InputError:
    """The error for valid JSON of another shape, ending with what was found (an object's first keys, else the
    type), so that the DECP and OCDS readers describe a wrong file alike."""
    if isinstance(value, dict):
        keys = ", ".join(list(map(str, value))[:5]) or "aucune"
        found_fr, found_en = f"un objet de clés {keys}", f"an object with keys {keys}"
    else:
        found_fr = found_en = type(value).__name__
    return InputError(f"{expected_fr} ; trouvé {found_fr}", f"{expected_en}; found {found_en}", where=where)
