"""Fill each import job's run fields from its old status (idempotent: they are computed from the
old fields only). A job left "applying" becomes a RUNNING apply with no heartbeat, which reads as
interrupted and can be run again (its apply rolled back: nothing was written)."""

from django.db import migrations

# old status → (step, state)
STATES = {
    "pending": ("check", "queued"),
    "validating": ("check", "running"),
    "valid": ("check", "done"),
    "invalid": ("check", "done"),
    "applying": ("apply", "running"),
    "applied": ("apply", "done"),
}


def forward(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in ImportJob.objects.defer("content").iterator(chunk_size=500):
        if job.status == "failed":
            step, state = ("apply" if job.applied_by_id else "check"), "failed"
        else:
            step, state = STATES.get(job.status, ("check", "failed"))
        job.step, job.state = step, state
        job.counts = {
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
        }
        job.error = job.message
        job.actor_id = job.applied_by_id or job.created_by_id
        job.attempts = 0 if state == "queued" else 1
        job.applied_at = (job.finished_at or job.created_at) if job.status == "applied" else None
        job.save(update_fields=["step", "state", "counts", "error", "actor", "attempts", "applied_at"])


def backward(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in ImportJob.objects.defer("content").iterator(chunk_size=500):
        if job.state in {"failed", "cancelled"}:
            status = "failed"
        elif job.state == "interrupted":
            status = "applying" if job.step == "apply" else "failed"
        elif job.step == "apply":
            status = "applied" if job.state == "done" else "applying"
        elif job.state == "queued":
            status = "pending"
        elif job.state == "running":
            status = "validating"
        else:
            status = "invalid" if job.errors else "valid"
        counts = job.counts or {}
        job.status, job.message = status, job.error
        job.created_count = counts.get("created", 0)
        job.updated_count = counts.get("updated", 0)
        job.unchanged_count = counts.get("unchanged", 0)
        job.save(update_fields=["status", "message", "created_count", "updated_count", "unchanged_count"])


class Migration(migrations.Migration):
    dependencies = [("imports", "0005_importjob_background_run")]

    operations = [migrations.RunPython(forward, backward)]
