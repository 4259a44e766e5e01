"""`[[…]]` parts of a message template: shown only when every field they quote is given.

ENV-01, CARB-01, CARB-03 and SANTE-01 pass on an environmental criterion weighted above 0 % (rulebook 1.3.19);
their pass messages say the weight when there is one, and read as before on an export without weights (a
plain placeholder read « non renseigné » beside every verdict of a DECP file)."""

from __future__ import annotations

import pytest

from procurement.engine import evaluate
from procurement.model import Order, Source
from procurement.rulebook import load_default
from procurement.rulebook.render import parse_template, render, render_kept, template_fields

TEMPLATE = "Considération[[ : {env_considerations}]][[ (pondéré à {env_weight})]] pour {amount}."


@pytest.mark.parametrize(("values", "fr", "en"), [
    ({}, "Considération pour non renseigné.", "Considération pour not given."),
    ({"env_considerations": ("clause",)}, "Considération : clause environnementale pour non renseigné.",
     "Considération : environmental clause pour not given."),
    ({"env_weight": 20.0, "amount": 1000.0}, "Considération (pondéré à 20\u202f%) pour 1\u202f000\u202f€.",
     "Considération (pondéré à 20%) pour €1,000."),
    ({"env_considerations": (), "env_weight": 0.0}, "Considération (pondéré à 0\u202f%) pour non renseigné.",
     "Considération (pondéré à 0%) pour not given."),
])
def test_an_optional_part_is_shown_when_its_fields_are_given(values, fr, en):
    t = parse_template(TEMPLATE)
    assert template_fields(t) == ["env_considerations", "env_weight", "amount"]
    assert (render(t, values, "fr"), render(t, values, "en")) == (fr, en)
    names = template_fields(t)
    vals, slot = [values.get(n) for n in names], {n: i for i, n in enumerate(names)}
    assert render_kept(t, vals, slot, "fr", {}) == fr  # the batch's path gives the same text


def _env01(**values) -> str:
    book = load_default()
    o = Order(id="1", source=Source(file="x.csv", row=2), nature="marche", **values)
    (f,) = [f for f in evaluate(o, book) if f.rule == "ENV-01"]
    return f"{f.status}: {f.message('fr')}"


def test_env01_says_the_weight_only_when_there_is_one():
    assert _env01(env_considerations=("clause",)) == "pass: Considération environnementale : clause environnementale."
    assert _env01(env_weight=20) == (
        "pass: Considération environnementale ; pondération du critère environnemental : 20\u202f%.")
    assert _env01(env_considerations=("clause",), env_weight=0) == (
        "pass: Considération environnementale : clause environnementale ; pondération du critère environnemental : "
        "0\u202f%.")  # the weight said as given, not « critère pondéré à 0 % », which says there is one
    assert _env01(env_considerations=("none",)) == (
        "fail: Aucune considération environnementale déclarée (valeur : pas de considération environnementale).")

