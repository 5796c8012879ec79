"""Hooks: how a lower app lets higher apps act without knowing them (docs/architecture.md, "Layers
and hooks").

The app that owns a moment — a project moves, a mark changes, a policy is adopted — publishes a
`Registry` (for things: the import kinds) or a `Hook` (for steps to run); the apps that must act add
their entries in their `AppConfig.ready()`. Entries are kept in an explicit order, so a reader (and a
test) can list what runs and when; two entries may not ask for the same place. The publisher never
imports who registered.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Registry(Generic[T]):
    """An ordered registry: entries by name, each at its own place in the order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, tuple[int, T]] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {', '.join(self.names())}>"

    def add(self, entry: T, *, order: int, name: str) -> T:
        """Add `entry` at place `order`. Adding a name again replaces its entry (ready() may run
        more than once in tests); another name at the same place is a configuration error."""
        for other, (place, _entry) in self._entries.items():
            if place == order and other != name:
                raise ImproperlyConfigured(f"{self.name}: {name!r} and {other!r} both ask for place {order}")
        self._entries[name] = (order, entry)
        return entry

    @contextmanager
    def added(self, entry: T, *, order: int, name: str) -> Iterator[T]:
        """Add `entry` for the duration of a `with` block (tests), then put back what was there."""
        before = self._entries.get(name)
        self.add(entry, order=order, name=name)
        try:
            yield entry
        finally:
            if before is None:
                self._entries.pop(name, None)
            else:
                self._entries[name] = before

    def names(self) -> list[str]:
        return [name for name, _entry in self._sorted()]

    def entries(self) -> list[T]:
        return [entry for _name, entry in self._sorted()]

    def _sorted(self) -> list[tuple[str, T]]:
        ordered = sorted(self._entries.items(), key=lambda item: item[1][0])
        return [(name, entry) for name, (_order, entry) in ordered]

    def __iter__(self) -> Iterator[T]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self._entries)


class Hook(Registry[Callable[..., Any]]):
    """A registry of steps, each called with the same keyword arguments, in order."""

    def run(self, **kwargs) -> list[Any]:
        """Call every step; their answers in order. A step that raises stops the rest."""
        return [step(**kwargs) for step in self.entries()]

    def first(self, **kwargs) -> Any:
        """The first answer that is not None (a hook that asks a question), or None."""
        for step in self.entries():
            answer = step(**kwargs)
            if answer is not None:
                return answer
        return None
