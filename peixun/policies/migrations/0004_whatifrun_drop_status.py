"""Drop the what-if run's old status (now state)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_whatifrun_background_run_data")]

    operations = [
        migrations.RemoveField(model_name="whatifrun", name="status"),
    ]
