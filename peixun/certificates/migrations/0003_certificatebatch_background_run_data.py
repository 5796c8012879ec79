"""Fill each certificate batch's run state from its old status (idempotent: computed from the old
fields only). A batch left running has no heartbeat, so it reads as interrupted."""

from django.db import migrations

STATES = {"queued", "running", "done", "failed"}


def forward(apps, schema_editor):
    Model = apps.get_model("certificates", "CertificateBatch")
    for run in Model.objects.iterator(chunk_size=500):
        run.state = run.status if run.status in STATES else "failed"
        run.error = run.message
        run.attempts = 0 if run.state == "queued" else 1
        run.save(update_fields=["state", "error", "attempts"])


def backward(apps, schema_editor):
    Model = apps.get_model("certificates", "CertificateBatch")
    for run in Model.objects.iterator(chunk_size=500):
        run.status = run.state if run.state in STATES else "failed"
        run.message = run.error[:200]
        run.save(update_fields=["status", "message"])


class Migration(migrations.Migration):
    dependencies = [("certificates", "0002_certificatebatch_background_run")]

    operations = [migrations.RunPython(forward, backward)]
