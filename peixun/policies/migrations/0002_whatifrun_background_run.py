"""WhatIfRun becomes a background run (peixun.core.runs.BackgroundRun): the run's fields are added
beside the old ones (started_by is now actor); 0003 fills them from the old status, 0004 drops
the old fields."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="whatifrun", old_name="started_by", new_name="actor"),
        migrations.AddField(
            model_name="whatifrun",
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
        migrations.AddField(model_name="whatifrun", name="counts", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="whatifrun", name="error", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="whatifrun", name="started_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="whatifrun", name="heartbeat_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="whatifrun", name="cancel_requested_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(model_name="whatifrun", name="attempts", field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(
            model_name="whatifrun", name="task_id", field=models.CharField(blank=True, editable=False, max_length=64)
        ),
        migrations.AddField(
            model_name="whatifrun", name="worker", field=models.CharField(blank=True, editable=False, max_length=200)
        ),
        migrations.AlterField(
            model_name="whatifrun",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
