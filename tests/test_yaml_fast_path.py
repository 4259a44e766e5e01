"""Rulebooks are composed by libyaml when it is installed, by PyYAML's pure-Python composer otherwise (or
when the two could disagree): the data, the positions and the errors must be the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement.rulebook import yamlsafe

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(yamlsafe._CLoader is None, reason="PyYAML is installed without libyaml")


def read(text: str | bytes, *, fast: bool) -> tuple:
    """What `parse_yaml` gives (data, positions of values and keys) or its error, with or without libyaml."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    saved = yamlsafe._CLoader
    if not fast:
        yamlsafe._CLoader = None
    try:
        data, locator, _ = yamlsafe.parse_yaml(raw, "x.yaml")
        return repr(data), locator.values, locator.keys
    except yamlsafe.YamlProblem as exc:
        return "error", exc.line, exc.col, exc.fr, exc.code
    finally:
        yamlsafe._CLoader = saved


def test_the_metropoles_rulebook_is_composed_by_libyaml_with_the_same_result():
    raw = (ROOT / "rules" / "relance-renouveau.yaml").read_bytes()
    assert yamlsafe._fast_root(raw.decode("utf-8-sig")) is not None  # else the test below proves nothing
    assert read(raw, fast=True) == read(raw, fast=False)


@pytest.mark.parametrize("text", [
    "é: {a: 1, b: [x, 'ü', 2]}\nclé: «x»  # ç\n\nnext:\n  - ñ: 1\n    z: 2\n",
    "\ufeffa: 1\r\nb: [1, 2]\r\n",
    "a: |\n  é\n  b\nc: >-\n  x\n  y\nd: 2026-01-01\ne: 1e3\nf: yes\ng: ~\n",
    "emoji: 😀\nk😀: {x: 1}\n",
    "a: &x 1\nb: 2\n",  # an anchor without alias
])
def test_documents_both_read_alike_take_the_fast_path(text):
    assert yamlsafe._fast_root(text.removeprefix("\ufeff")) is not None  # parse_yaml reads a file's BOM apart
    assert read(text, fast=True) == read(text, fast=False)


@pytest.mark.parametrize("text", [
    "a:\tb\n",  # a tab libyaml accepts
    "a: &x [1]\nb: *x\n",  # an alias: PyYAML's composer counts them
    "a:\nb: 1\n",  # an empty value, placed otherwise by libyaml
    "[1nullé?...|1_000-%~]\n",  # `?` within [ ], which PyYAML refuses
    "a: !!binary aGk=\n",  # a tag
    "a: |#\n  x\n",  # a block scalar's header followed by `#`
    "a: x\u2028b: y\n",
    "a: [1, 2",  # an error: PyYAML's wording
    "[" * 5_000 + "]" * 5_000,  # deeper than libyaml's limit (1,000 levels): PyYAML's own refusal
])
def test_what_the_two_could_read_otherwise_goes_to_pyyaml(text):
    assert yamlsafe._fast_root(text) is None
    assert read(text, fast=True) == read(text, fast=False)


TOKENS = ["a", "b", "é", "ü", ":", ": ", " ", "  ", "\n", "\n  ", "- ", "  - ", "[", "]", "{", "}", ",", ", ",
          "'", '"', "#", " # c", "&x ", "*x", "!!str ", "!", "1", "-1", ".5", "1_000", "0x1F", "+1", "1e3",
          "2026-01-01", "yes", "null", "~", "|", ">", "|-", ">+", "?", "? ", "%", "@", "`", "\\", "\\u00e9", "\r\n",
          "-", "...", "---", ":x", "x:", "a:b", "\t", "\ufeff", "😀"]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=30).map("".join))
def test_any_text_reads_the_same_with_and_without_libyaml(text):
    assert read(text, fast=True) == read(text, fast=False)


@settings(max_examples=500, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.dates(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20), st.booleans())
def test_any_dumped_document_reads_the_same(data, flow):
    text = yaml.safe_dump({"root": data}, allow_unicode=True, default_flow_style=flow)
    assert read(text, fast=True) == read(text, fast=False)
