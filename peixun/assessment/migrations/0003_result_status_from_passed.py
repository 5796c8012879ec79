"""Existing results get a status from what they stored: passed → passed; not passed and still
waiting for a component → provisional; otherwise failed. Their gates fill in at the next recompute
(any input change, a due date passing, or 重新计算). Idempotent: only rows still at the default."""

from django.db import migrations


def forwards(apps, schema_editor):
    Result = apps.get_model("assessment", "Result")
    passed, failed = [], []
    rows = Result.objects.filter(status="provisional").only("pk", "passed", "pending", "gates")
    for result in rows.iterator(chunk_size=2000):
        if result.gates:
            continue  # computed with gates already
        if result.passed:
            passed.append(result.pk)
        elif not result.pending:
            failed.append(result.pk)
    for start in range(0, len(passed), 1000):
        Result.objects.filter(pk__in=passed[start : start + 1000]).update(status="passed")
    for start in range(0, len(failed), 1000):
        Result.objects.filter(pk__in=failed[start : start + 1000]).update(status="failed")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_result_gates_and_provisional_status")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
