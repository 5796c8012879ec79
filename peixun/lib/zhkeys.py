"""Chinese field names for documents written as YAML (credit policies, assessment schemes).

A document's schema keeps its English keys; a person may type the Chinese name of any field
instead (`成绩构成` for `components`, `权重` for `weight`). Each schema gives one table of
English key → Chinese name (a key has one meaning wherever it appears in that schema):

- `to_english(data, names)` turns every Chinese key back to its English key, recursively, before
  the document is validated (English keys keep working; values are never touched);
- `to_chinese(data, names)` does the reverse for an export a person will read;
- `place_text(place, names, rows)` names a problem's place in Chinese:
  "components[1].weight" → "成绩构成第2行·权重".
"""

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _translate(data: Any, table: Mapping[str, str]) -> Any:
    if isinstance(data, Mapping):
        return {
            table.get(key, key) if isinstance(key, str) else key: _translate(v, table)
            for key, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [_translate(item, table) for item in data]
    return data


def to_english(data: Any, names: Mapping[str, str]) -> Any:
    """The document with every Chinese field name replaced by its English key."""
    return _translate(data, {chinese: english for english, chinese in names.items()})


def to_chinese(data: Any, names: Mapping[str, str]) -> Any:
    """The document with every English key replaced by its Chinese name."""
    return _translate(data, names)


def place_text(place: str, names: Mapping[str, str], rows: Mapping[str, str] | None = None) -> str:
    """A problem's place in Chinese: each key by its Chinese name, each index as 第N行 (or 第N项
    for lists not in `rows`, which maps a list key to its unit), joined by ·."""
    rows = rows or {}
    words: list[str] = []
    last = ""
    for name, index in _PART.findall(place):
        if name:
            last = name
            words.append(names.get(name, name))
        elif words:
            words[-1] += f"第{int(index) + 1}{rows.get(last, '项')}"
    return "·".join(words)


def _plain(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(item) for item in data]
    if isinstance(data, Decimal):
        return int(data) if data == data.to_integral_value() else float(data)
    if isinstance(data, date):
        return data.isoformat()
    return data


def yaml_text(data: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """A document as YAML a person can read: Chinese field names (when `names` is given), numbers
    written plainly (20, 0.25), dates as 2021-01-01, the fields in their order."""
    plain = _plain(data)
    if names is not None:
        plain = to_chinese(plain, names)
    return yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=100)


MAX_YAML_DEPTH = 50
MSG_YAML_ALIAS = "文档中不能使用锚点和引用（& 和 *），请把内容直接写出来"
MSG_YAML_DEPTH = f"文档的层次太深（超过 {MAX_YAML_DEPTH} 层），无法读取"


class DocumentShapeError(yaml.YAMLError):
    """A YAML document refused for its shape before it is built; `message` is Chinese."""

    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.problem_mark = mark


class _GuardedLoader(yaml.SafeLoader):
    """yaml.SafeLoader without anchors and aliases (a "billion laughs" expands nine references
    nine levels deep into hundreds of millions of nodes for whoever walks the result) and with a
    nesting limit (the composer recurses: a deep list would exhaust the stack)."""

    _depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # PyYAML's name
        # The scanner checks every open bracket at every token: refuse deep [[[[ before it slows.
        if self.flow_level >= MAX_YAML_DEPTH:
            raise DocumentShapeError(MSG_YAML_DEPTH, self.get_mark())
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped PyYAML
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise DocumentShapeError(MSG_YAML_ALIAS, event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise DocumentShapeError(MSG_YAML_DEPTH, event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(text: str) -> Any:
    """yaml.safe_load, refusing anchors, aliases and nesting deeper than MAX_YAML_DEPTH with a
    DocumentShapeError (a yaml.YAMLError whose `message` is Chinese)."""
    return yaml.load(text, Loader=_GuardedLoader)  # noqa: S506  # a SafeLoader subclass
