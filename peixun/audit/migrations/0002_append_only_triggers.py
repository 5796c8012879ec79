"""Make the audit log append-only in the database itself: UPDATE and DELETE raise an error."""

from django.db import migrations

from peixun.core.db import append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [append_only("audit_auditevent")]
