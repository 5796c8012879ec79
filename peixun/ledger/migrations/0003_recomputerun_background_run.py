"""RecomputeRun becomes a background run (peixun.core.runs.BackgroundRun): the run's fields are added
beside the old ones (started_by is now actor); 0004 fills them from the old status, 0005 drops
the old fields."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="recomputerun", old_name="started_by", new_name="actor"),
        migrations.AddField(
            model_name="recomputerun",
            name="state",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                    ("cancelled", "Cancelled"),
                    ("interrupted", "Interrupted"),
                ],
                default="queued",
                max_length=16,
                verbose_name="state",
            ),
        ),
        migrations.AddField(model_name="recomputerun", name="counts", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="recomputerun", name="error", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="recomputerun", name="started_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="recomputerun", name="heartbeat_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="recomputerun", name="cancel_requested_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(model_name="recomputerun", name="attempts", field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(
            model_name="recomputerun", name="task_id", field=models.CharField(blank=True, editable=False, max_length=64)
        ),
        migrations.AddField(
            model_name="recomputerun", name="worker", field=models.CharField(blank=True, editable=False, max_length=200)
        ),
    ]
