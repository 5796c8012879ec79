"""Projects' and courses' tags onto the closed list (issue 13): an old code (`head_teacher`) or a
Chinese word people typed before the list was closed becomes its code. Idempotent: a tag already
on the list stays; a tag it cannot map stays as it was, for the 标签修复 page. Credit entries are
append-only and are not touched (their old codes are read as their tags: docs/policies.md)."""

from django.db import migrations

TAGS = ("ethics", "head_teacher_topic", "prescribed", "school_based_guidance", "probation")
WORDS = {
    "head_teacher": "head_teacher_topic",
    "师德教育": "ethics",
    "师德": "ethics",
    "师德师风": "ethics",
    "班主任专题": "head_teacher_topic",
    "班主任": "head_teacher_topic",
    "班主任培训": "head_teacher_topic",
    "班主任专题培训": "head_teacher_topic",
    "规定内容": "prescribed",
    "校本研修指导": "school_based_guidance",
    "见习期培训": "probation",
    "见习期": "probation",
    "见习": "probation",
}


def _mapped(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        tag = WORDS.get(tag.strip(), tag.strip())
        if tag and tag not in out:
            out.append(tag)
    return sorted(out, key=lambda tag: (tag not in TAGS, tag))


def forwards(apps, schema_editor):
    for name in ("Project", "Course"):
        model = apps.get_model("training", name)
        for row in model.objects.exclude(tags="").only("pk", "tags").iterator():
            mapped = _mapped(list(row.tags))
            if mapped != list(row.tags):
                model.objects.filter(pk=row.pk).update(tags=mapped)


class Migration(migrations.Migration):
    dependencies = [("training", "0004_codeimport_drop_status")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
