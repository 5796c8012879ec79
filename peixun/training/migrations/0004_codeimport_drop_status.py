"""Drop the registration list import's old status, counts and message (now state, step, counts
and error)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("training", "0003_codeimport_background_run_data")]

    operations = [
        migrations.RemoveField(model_name="codeimport", name="status"),
        migrations.RemoveField(model_name="codeimport", name="matched"),
        migrations.RemoveField(model_name="codeimport", name="already"),
        migrations.RemoveField(model_name="codeimport", name="message"),
    ]
