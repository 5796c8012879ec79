"""The honours shipped from the seeds (002 §一, RULES E6, E7, A13): created when missing, never
changed when present (idempotent). The same list as peixun.honours.services.DEFAULT_KINDS, copied
here so the migration does not move when the code does."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = (
    ("师德模范", "ethics", 0, 10, 0, 0),
    ("师德先进个人", "ethics", 0, 30, 0, 0),
    ("特级教师", "title", 5, 0, 24, 48),
    ("区名师", "title", 5, 20, 24, 48),
    ("骨干教师", "title", 5, 200, 24, 48),
)


def create(apps, schema_editor):
    HonourKind = apps.get_model("honours", "HonourKind")
    for order, (name, family, years, quota, concentrated, guidance) in enumerate(DEFAULTS):
        HonourKind.objects.get_or_create(
            name=name,
            defaults={
                "family": family,
                "term_years": years,
                "default_quota": quota,
                "min_concentrated_hours": Decimal(concentrated),
                "min_guidance_hours": Decimal(guidance),
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
