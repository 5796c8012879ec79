"""What changes between the policy in force and a candidate (a draft, often from a preset), in
words, for the what-if page and its workbook: the rules that differ (reusing the words of
`describe`), and for one person why their standing changes — which requirement, and its hours
before and after.

Policy documents are Chinese content and `describe` words them in Chinese, so these sentences are
Chinese too (no database; the engine's results in, text out)."""

from collections.abc import Iterable

from peixun.lib.dates import format_date_zh, format_hours
from peixun.policies import describe
from peixun.policies.rules import Policy, Result
from peixun.policies.rules.document import Rule
from peixun.policies.rules.engine import Line

SAME = "拟议政策与现行政策的要求相同。"
NO_CURRENT = "范围内的人员现行没有适用的学时政策，以下要求均为新增："


def _rule_text(rule: Rule) -> str:
    parts = [f"计入{describe.selection(rule.select)}"]
    bounds = describe.bounds(rule)
    if bounds:
        parts.append(bounds)
    applies = describe.applies(rule.applies_to)
    if applies != "全体":
        parts.append(f"适用于{applies}")
    return "，".join(parts)


def _new_teachers(policy: Policy) -> str:
    return "按在职年数折算" if policy.new_teachers.prorate else "不折算"


def _exemptions(policy: Policy) -> dict[str, str]:
    """{the exemption in words: its label}, the rules it excuses named by their labels."""
    labels = {rule.id: rule.label for rule in policy.rules}
    return {describe.exemption(item, labels): item.label for item in policy.exemptions}


def _changed(label: str, before: str, after: str) -> list[str]:
    return [] if before == after else [f"{label}：{before} → {after}"]


def policy_changes(current: Policy | None, candidate: Policy) -> list[str]:
    """Each difference from the current policy to the candidate in one sentence; everything the
    candidate asks when nothing is in force; SAME alone when they ask the same."""
    lines: list[str] = []
    if current is None:
        lines += [
            NO_CURRENT,
            f"考核周期：{describe.period(candidate)}",
            f"应修学时：{describe.required(candidate)}",
        ]
        lines += [f"新增要求“{rule.label}”：{_rule_text(rule)}" for rule in candidate.rules]
        lines += [f"免修：{label}（{text}）" for text, label in _exemptions(candidate).items()]
        return lines
    lines += _changed("考核周期", describe.period(current), describe.period(candidate))
    lines += _changed("应修学时", describe.required(current), describe.required(candidate))
    lines += _changed("学分折算", describe.credits(current), describe.credits(candidate))
    lines += _changed("新入职教师", _new_teachers(current), _new_teachers(candidate))
    before = {rule.id: rule for rule in current.rules}
    after = {rule.id: rule for rule in candidate.rules}
    for rule in candidate.rules:
        old = before.get(rule.id)
        if old is None:
            lines.append(f"新增要求“{rule.label}”：{_rule_text(rule)}")
            continue
        name = rule.label
        if old.label != rule.label:
            lines.append(f"要求“{old.label}”改称“{rule.label}”")
        if old.select != rule.select:
            was, now = describe.selection(old.select), describe.selection(rule.select)
            lines.append(f"要求“{name}”计入的学时：{was} → {now}")
        old_bounds, new_bounds = describe.bounds(old), describe.bounds(rule)
        if old_bounds != new_bounds:
            lines.append(f"要求“{name}”：{old_bounds or '无数量要求'} → {new_bounds or '无数量要求'}")
        if old.applies_to != rule.applies_to:
            was, now = describe.applies(old.applies_to), describe.applies(rule.applies_to)
            lines.append(f"要求“{name}”适用于：{was} → {now}")
        if old.prorate != rule.prorate:
            lines.append(f"要求“{name}”对新入职教师：{'按年数折算' if rule.prorate else '不折算'}")
    lines += [
        f"取消要求“{rule.label}”（原为：{_rule_text(rule)}）"
        for rule in current.rules
        if rule.id not in after
    ]
    old_exemptions, new_exemptions = _exemptions(current), _exemptions(candidate)
    lines += [
        f"新增免修：{label}（{text}）" for text, label in new_exemptions.items() if text not in old_exemptions
    ]
    lines += [
        f"取消免修：{label}（{text}）" for text, label in old_exemptions.items() if text not in new_exemptions
    ]
    return lines or [SAME]


# --- One person ------------------------------------------------------------------------------------


def _period(result: Result) -> str:
    return f"{format_date_zh(result.period.start)}至{format_date_zh(result.period.end)}"


def _figures(line: Line) -> str:
    """A requirement's hours in words: what it asks, what counts toward it, and what is missing."""
    if line.exempt:
        return "免修"
    achieved = line.counted if line.kind == "total" else line.earned
    if line.kind == "maximum":
        return f"最多计 {format_hours(line.maximum or 0)} 学时，已有 {format_hours(achieved)} 学时"
    text = f"要求 {format_hours(line.required or 0)} 学时，已有 {format_hours(achieved)} 学时"
    return text + ("，已达到" if line.ok else f"，还差 {format_hours(line.shortfall)} 学时")


def _lines(result: Result) -> dict[str, Line]:
    return {line.rule_id: line for line in result.lines}


def _side(result: Result, line: Line | None, *, with_period: bool) -> str:
    if result.exempt:
        return f"{result.exemption}，免于学时要求"
    if line is None:
        return "无此要求"
    return (f"（{_period(result)}）" if with_period else "") + _figures(line)


def person_reasons(before: Result | None, after: Result) -> list[str]:
    """Why this person's standing differs under the candidate: each requirement short on one side
    and not on the other (short under the candidate first), with its hours before → after."""
    if before is None:
        return [
            f"{line.label}：现行无适用政策 → 拟议{_figures(line)}" for line in after.lines if not line.ok
        ] or ["现行无适用政策；拟议政策下已达到要求"]
    with_period = before.period != after.period
    old, new = _lines(before), _lines(after)
    reasons: list[str] = []
    ids: Iterable[str] = list(dict.fromkeys([*new, *old]))
    for rule_id in ids:
        was, now = old.get(rule_id), new.get(rule_id)
        short_now = now is not None and not now.ok
        short_before = was is not None and not was.ok
        if short_now == short_before:
            continue
        label = (now or was).label  # type: ignore[union-attr]  # one of the two is there
        dated = with_period and not reasons  # the periods differ: said once, on the first line
        then, then_after = _side(before, was, with_period=dated), _side(after, now, with_period=dated)
        reasons.append(f"{label}：现行{then} → 拟议{then_after}")
    return reasons
