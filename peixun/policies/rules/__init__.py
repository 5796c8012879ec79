"""The credit-policy engine: pure Python over frozen models, no Django import.

document.py  the policy schema and its validation (Chinese messages that point at the field)
periods.py   cycles, calendar years and school years
engine.py    evaluate(policy, facts, earned hours, as_of) → Result
presets.py   the shipped presets (presets/*.yaml), each citing RULES.md
"""

from peixun.policies.rules.document import Policy, PolicyInvalid, parse_policy
from peixun.policies.rules.engine import Earned, Evaluator, Facts, Line, Result, evaluate
from peixun.policies.rules.periods import Period, period_containing
from peixun.policies.rules.presets import preset, preset_codes

__all__ = [
    "Earned",
    "Evaluator",
    "Facts",
    "Line",
    "Period",
    "Policy",
    "PolicyInvalid",
    "Result",
    "evaluate",
    "parse_policy",
    "period_containing",
    "preset",
    "preset_codes",
]
