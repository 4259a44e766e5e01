"""Output formats by name. Each entry is `module:function` with the signature
`write(run, out_dir: Path, lang: str) -> Path`; modules are imported only when their format is asked for.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

WRITERS: dict[str, str] = {
    "json": "procurement.write.json_writer:write_json",
    "jsonl": "procurement.write.jsonl_writer:write_jsonl",
    "csv": "procurement.write.results_csv:write_results_csv",
    "xlsx": "procurement.write.results_xlsx:write_results_xlsx",
    "html": "procurement.write.html_report:write_html",
    "summary": "procurement.write.html_summary:write_summary",
}
DEFAULT_FORMATS = ("json", "csv", "xlsx", "html", "summary")


def available() -> list[str]:
    """Formats whose module is present (a format under construction is simply not offered)."""
    names = []
    for name, target in WRITERS.items():
        module = target.split(":")[0]
        if importlib.util.find_spec(module) is not None:
            names.append(name)
    return names


def writer(name: str) -> Callable[[Any, Path, str], Path]:
    module, _, func = WRITERS[name].partition(":")
    return getattr(importlib.import_module(module), func)
