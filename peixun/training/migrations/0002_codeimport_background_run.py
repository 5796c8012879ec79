"""CodeImport becomes a background run (peixun.core.runs.BackgroundRun): the run's fields are added
beside the old ones; 0003 fills them from the old status, 0004 drops the old fields."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="codeimport", old_name="total_rows", new_name="total"),
        migrations.RenameField(model_name="codeimport", old_name="processed_rows", new_name="done"),
        migrations.AddField(
            model_name="codeimport",
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
        migrations.AddField(model_name="codeimport", name="counts", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="codeimport", name="error", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="codeimport", name="started_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="codeimport", name="heartbeat_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="codeimport", name="cancel_requested_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(model_name="codeimport", name="attempts", field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(
            model_name="codeimport", name="task_id", field=models.CharField(blank=True, editable=False, max_length=64)
        ),
        migrations.AddField(
            model_name="codeimport", name="worker", field=models.CharField(blank=True, editable=False, max_length=200)
        ),
        migrations.AddField(
            model_name="codeimport",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="codeimport",
            name="step",
            field=models.CharField(
                choices=[("check", "Check"), ("apply", "Apply")], default="check", max_length=8, verbose_name="step"
            ),
        ),
    ]
