"""Fill each registration list import's run fields from its old status (idempotent: computed from
the old fields only)."""

from django.db import migrations

# old status → (step, state)
STATES = {
    "checking": ("check", "running"),
    "valid": ("check", "done"),
    "invalid": ("check", "done"),
    "applied": ("apply", "done"),
    "failed": ("check", "failed"),
}
BACK = {("check", "running"): "checking", ("check", "queued"): "checking", ("apply", "done"): "applied"}


def forward(apps, schema_editor):
    CodeImport = apps.get_model("training", "CodeImport")
    for job in CodeImport.objects.defer("content").iterator(chunk_size=500):
        job.step, job.state = STATES.get(job.status, ("check", "failed"))
        job.counts = {"matched": job.matched, "already": job.already}
        job.error = job.message
        job.actor_id = job.created_by_id
        job.attempts = 1
        job.save(update_fields=["step", "state", "counts", "error", "actor", "attempts"])


def backward(apps, schema_editor):
    CodeImport = apps.get_model("training", "CodeImport")
    for job in CodeImport.objects.defer("content").iterator(chunk_size=500):
        status = BACK.get((job.step, job.state))
        if status is None:
            status = ("invalid" if job.errors else "valid") if job.state == "done" else "failed"
        counts = job.counts or {}
        job.status, job.message = status, job.error
        job.matched, job.already = counts.get("matched", 0), counts.get("already", 0)
        job.save(update_fields=["status", "message", "matched", "already"])


class Migration(migrations.Migration):
    dependencies = [("training", "0002_codeimport_background_run")]

    operations = [migrations.RunPython(forward, backward)]
