"""Drop the certificate batch's old status and message (now state and error)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_certificatebatch_background_run_data")]

    operations = [
        migrations.RemoveField(model_name="certificatebatch", name="status"),
        migrations.RemoveField(model_name="certificatebatch", name="message"),
    ]
