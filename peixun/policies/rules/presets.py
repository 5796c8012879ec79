"""The shipped presets, one YAML file each under presets/, every one citing its source in RULES.md.

five-year-360            A1–A8   5-year cycles from 2021, 360 h (540 h senior titles), categories, levels
five-year-360-county180  A9–A10  5-year cycles, 360 h, ≥ 180 h county or above, ≥ 180 h school
annual-72                A12–A13 school years, 72 h by section and mode; trainers
school-based-24          A14     yearly caps on school-based hours, to be included in a cycle policy
annual-60                A15     calendar years, 60 h
"""

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from peixun.policies.rules.document import Policy, parse_policy

PRESET_DIR = Path(__file__).resolve().parent / "presets"


def preset_codes() -> list[str]:
    return sorted(path.stem for path in PRESET_DIR.glob("*.yaml"))


@cache
def preset_text(code: str) -> str:
    """The preset's YAML as shipped (KeyError for an unknown code)."""
    path = PRESET_DIR / f"{code}.yaml"
    if code not in preset_codes():
        raise KeyError(code)
    return path.read_text(encoding="utf-8")


def preset_document(code: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(preset_text(code))
    return document


@cache
def preset(code: str) -> Policy:
    return parse_policy(preset_text(code))
