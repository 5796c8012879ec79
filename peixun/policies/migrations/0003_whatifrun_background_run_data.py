"""Fill each what-if run's state from its old status (idempotent: computed from the old fields
only). A run left running has no heartbeat, so it reads as interrupted."""

from django.db import migrations

STATES = {"queued", "running", "done", "failed"}


def forward(apps, schema_editor):
    Model = apps.get_model("policies", "WhatIfRun")
    for run in Model.objects.iterator(chunk_size=500):
        run.state = run.status if run.status in STATES else "failed"
        run.attempts = 0 if run.state == "queued" else 1
        run.save(update_fields=["state", "attempts"])


def backward(apps, schema_editor):
    Model = apps.get_model("policies", "WhatIfRun")
    for run in Model.objects.iterator(chunk_size=500):
        run.status = run.state if run.state in STATES else "failed"
        run.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_whatifrun_background_run")]

    operations = [migrations.RunPython(forward, backward)]
