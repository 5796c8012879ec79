"""People's names as entered (no Django).

A name never starts with `=`, `+`, `-` or `@` (nor their full-width forms): a spreadsheet opening an
export reads such a cell as a formula, and no person's name needs them, so they are refused where a
name is entered (the roster import, forms) rather than only neutralised on the way out.
"""

FORMULA_LEADS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")


def starts_like_formula(name: str) -> bool:
    """Whether a name, once stripped of surrounding spaces, starts with a formula character."""
    return (name or "").strip().startswith(FORMULA_LEADS)
