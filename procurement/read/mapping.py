"""A user's own column names: a YAML file `their header: canonical field` for layouts we cannot guess."""

from __future__ import annotations

import difflib
from pathlib import Path

from procurement.errors import InputError
from procurement.fields import FIELDS_BY_NAME, INPUT_FIELDS


def load_mapping(path: Path) -> dict[str, str]:
    """The user's headers and the fields they stand for. Read with the rulebook's safe YAML reader (size
    limit, alias and node budget, duplicate keys and tags refused): plain `yaml.safe_load` let a file
    nested 200,000 deep end in a RecursionError."""
    from procurement.rulebook.yamlsafe import YamlProblem, read_yaml

    try:
        data, _, _ = read_yaml(path, str(path))
    except YamlProblem as yp:
        where = f"{path}:{yp.line}:{yp.col}" if yp.line else str(path)
        fr = yp.fr.replace("un référentiel ne contient", "un fichier de correspondance ne contient")
        en = yp.en.replace("a rulebook holds", "a mapping file holds")
        raise InputError(f"fichier de correspondance : {fr}", f"mapping file: {en}", where=where) from None
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict) or not all(isinstance(k, str | int) and isinstance(v, str) for k, v in data.items()):
        raise InputError(
            "le fichier de correspondance doit associer chaque en-tête à un champ : « Mon en-tête: amount »",
            "the mapping file must map each header to a field: 'My header: amount'",
            where=str(path),
        )
    names = [f.name for f in INPUT_FIELDS]
    for header, field in data.items():
        if field not in FIELDS_BY_NAME or FIELDS_BY_NAME[field].derived:
            hint = difflib.get_close_matches(field, names, n=1)
            tip_fr = f" (vouliez-vous dire « {hint[0]} » ?)" if hint else ""
            tip_en = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise InputError(
                f"« {header} » : champ « {field} » inconnu{tip_fr}",
                f"'{header}': unknown field '{field}'{tip_en}",
                where=str(path),
            )
    return {str(k): v for k, v in data.items()}
