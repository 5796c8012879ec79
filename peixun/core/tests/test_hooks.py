"""Hooks and registries (peixun.core.hooks): entries in an explicit order, one per place, replaced
by name, and steps called in that order."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from peixun.core.hooks import Hook, Registry


def test_entries_come_out_in_their_order_not_the_order_they_were_added():
    registry = Registry("test")
    registry.add("third", order=30, name="c")
    registry.add("first", order=10, name="a")
    registry.add("second", order=20, name="b")
    assert registry.entries() == ["first", "second", "third"]
    assert registry.names() == ["a", "b", "c"]


def test_adding_a_name_again_replaces_its_entry():
    registry = Registry("test")
    registry.add("old", order=10, name="a")
    registry.add("new", order=10, name="a")
    assert registry.entries() == ["new"]


def test_two_names_may_not_ask_for_the_same_place():
    registry = Registry("test")
    registry.add("one", order=10, name="a")
    with pytest.raises(ImproperlyConfigured, match="both ask for place 10"):
        registry.add("two", order=10, name="b")


def test_an_entry_added_for_a_block_is_gone_afterwards_and_what_it_replaced_is_back():
    registry = Registry("test")
    registry.add("kept", order=10, name="a")
    with registry.added("temporary", order=20, name="b"), registry.added("other", order=10, name="a"):
        assert registry.entries() == ["other", "temporary"]
    assert registry.entries() == ["kept"]


def test_a_hook_calls_every_step_in_order_with_the_same_arguments():
    hook = Hook("test")
    calls = []
    hook.add(lambda **kw: calls.append(("late", kw)) or "b", order=20, name="late")
    hook.add(lambda **kw: calls.append(("early", kw)) or "a", order=10, name="early")
    assert hook.run(x=1) == ["a", "b"]
    assert calls == [("early", {"x": 1}), ("late", {"x": 1})]


def test_a_hook_that_asks_takes_the_first_answer_and_none_when_nobody_answers():
    hook = Hook("test")
    assert hook.first(x=1) is None
    hook.add(lambda **kw: None, order=10, name="silent")
    hook.add(lambda **kw: kw["x"] * 2, order=20, name="answers")
    hook.add(lambda **kw: "never asked", order=30, name="late")
    assert hook.first(x=2) == 4
