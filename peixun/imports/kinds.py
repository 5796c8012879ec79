"""The import kinds of the apps below imports — the people roster and the org tree (peixun.orgs),
historical training records (peixun.ledger) — registered by `ImportsConfig.ready()`: those apps
cannot know the imports app, so it offers their files for them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peixun.imports import registry
from peixun.imports.models import ImportJob, ImportKind
from peixun.imports.registry import Importer
from peixun.ledger.imports import apply_credits_file, check_credits_file, credits_template
from peixun.orgs.imports import (
    apply_orgs_file,
    apply_people_file,
    check_orgs_file,
    check_people_file,
    orgs_template,
    people_template,
)


def _people_results(job: ImportJob) -> str:
    url = reverse("orgs:people")
    return f"{url}?org={job.org_id}" if job.org_id else url


def register() -> None:
    registry.register(
        Importer(
            kind=ImportKind.PEOPLE,
            perm="people.import",
            check=check_people_file,
            apply=apply_people_file,
            template=lambda org: people_template(org_code=org.code if org else "S0001"),
            icon="people",
            asks_org=True,
            results_url=_people_results,
            subject_label=_("Person"),
        ),
        order=10,
    )
    registry.register(
        Importer(
            kind=ImportKind.ORGS,
            perm="orgs.import",
            check=check_orgs_file,
            apply=apply_orgs_file,
            template=lambda org: orgs_template(parent_code=org.code if org else ""),
            icon="diagram-3",
            results_url=lambda job: reverse("orgs:tree"),
            subject_label=_("Organisation"),
        ),
        order=20,
    )
    registry.register(
        Importer(
            kind=ImportKind.CREDITS,
            perm="ledger.import",
            check=check_credits_file,
            apply=apply_credits_file,
            template=lambda org: credits_template(),
            icon="journal-plus",
            results_url=lambda job: reverse("ledger:compliance"),
            subject_label=_("Person"),
        ),
        order=30,
    )
