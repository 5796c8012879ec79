"""The audit log cannot be emptied with TRUNCATE either (PostgreSQL; row triggers do not see it)."""

from django.db import migrations

from peixun.core.db import no_truncate


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [no_truncate("audit_auditevent")]
