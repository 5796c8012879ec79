"""Drop the import job's old status, counts and message (now state, step, counts and error)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("imports", "0006_importjob_background_run_data")]

    operations = [
        migrations.RemoveField(model_name="importjob", name="status"),
        migrations.RemoveField(model_name="importjob", name="created_count"),
        migrations.RemoveField(model_name="importjob", name="updated_count"),
        migrations.RemoveField(model_name="importjob", name="unchanged_count"),
        migrations.RemoveField(model_name="importjob", name="message"),
    ]
