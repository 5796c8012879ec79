"""Drop the recompute run's old status and message (now state and error)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_recomputerun_background_run_data")]

    operations = [
        migrations.RemoveField(model_name="recomputerun", name="status"),
        migrations.RemoveField(model_name="recomputerun", name="message"),
    ]
