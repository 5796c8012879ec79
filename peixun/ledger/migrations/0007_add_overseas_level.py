"""Training abroad (出国（境）培训) becomes a level of hours: the level's check constraint takes the
new code and compliance results get their `overseas_hours`.

On SQLite, changing a check constraint rebuilds the table, and the rebuilt table has lost the
append-only triggers (peixun.core.db): they are put back after it. PostgreSQL alters the
constraint in place and keeps its triggers."""

from django.conf import settings
from django.db import migrations, models

from peixun.core.db import append_only_statements

LEVELS = ["overseas", "national", "provincial", "city", "county", "school"]
TABLE = "ledger_creditentry"


def restore_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    up, down = append_only_statements(TABLE, "sqlite")
    for statement in [*down, *up]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_compliance_shortfalls"),
        ("orgs", "0004_org_rural"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="creditentry", name="ledger_entry_level_valid"),
        migrations.AddField(
            model_name="complianceresult",
            name="overseas_hours",
            field=models.DecimalField(decimal_places=1, default=0, max_digits=8),
        ),
        migrations.AlterField(
            model_name="creditentry",
            name="level",
            field=models.CharField(
                choices=[
                    ("overseas", "Overseas"),
                    ("national", "National"),
                    ("provincial", "Provincial"),
                    ("city", "City"),
                    ("county", "County"),
                    ("school", "School"),
                ],
                max_length=16,
                verbose_name="level",
            ),
        ),
        migrations.AddConstraint(
            model_name="creditentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("level__in", LEVELS)), name="ledger_entry_level_valid"
            ),
        ),
        migrations.RunPython(restore_triggers, restore_triggers),
    ]
