"""Model fields shared by the apps."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    # Set as a list of codes (or the stored text), read back as a list.
    _CodeListBase = models.CharField[Iterable[str] | str | Combinable, list[str]]
else:
    _CodeListBase = models.CharField


class CodeListField(_CodeListBase):
    """A short list of vocabulary codes stored as ",a,b," in one column.

    Works the same on SQLite and PostgreSQL (no ArrayField, no JSON containment on SQLite) and is
    filtered with `contains=",code,"` (see `has_code`). Codes never contain commas.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> list[str]:
        return self.to_python(value)

    def to_python(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, list):
            return value
        return [code for code in str(value).split(",") if code]

    def get_prep_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        codes = list(dict.fromkeys(value or []))
        return f",{','.join(codes)}," if codes else ""

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj))


def has_code(field: str, code: str) -> models.Q:
    """Q object matching rows whose CodeListField `field` contains `code`."""
    return models.Q(**{f"{field}__contains": f",{code},"})


def join_codes(codes: Iterable[str]) -> str:
    codes = list(dict.fromkeys(codes))
    return f",{','.join(codes)}," if codes else ""
