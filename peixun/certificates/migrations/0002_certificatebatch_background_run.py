"""CertificateBatch becomes a background run (peixun.core.runs.BackgroundRun): the run's fields are
added beside the old ones (created_by is now actor); 0003 fills them from the old status, 0004 drops
the old fields."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_templates_certificates_batches"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="certificatebatch", old_name="created_by", new_name="actor"),
        migrations.AddField(
            model_name="certificatebatch",
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
        migrations.AddField(model_name="certificatebatch", name="counts", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="certificatebatch", name="error", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="certificatebatch", name="started_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="certificatebatch", name="heartbeat_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="certificatebatch", name="cancel_requested_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(model_name="certificatebatch", name="attempts", field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(
            model_name="certificatebatch", name="task_id", field=models.CharField(blank=True, editable=False, max_length=64)
        ),
        migrations.AddField(
            model_name="certificatebatch", name="worker", field=models.CharField(blank=True, editable=False, max_length=200)
        ),
    ]
