"""What can be imported: one Importer per ImportKind, naming the permission it needs, how its
file is checked and applied, its blank template and where its results are seen.

The import pages, tasks and access checks all read this table, so a new kind of file (from any
app) is one entry here and one ImportKind value.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.urls import reverse

from peixun.imports.models import ImportJob, ImportKind
from peixun.orgs.models import Org


@dataclass(frozen=True)
class Importer:
    kind: str
    perm: str
    check: Callable
    apply: Callable
    template: Callable[[Org | None], bytes]
    icon: str
    # The people roster is filed under an org the uploader picks (rows default to it).
    asks_org: bool = False
    results_url: Callable[[ImportJob], str] | None = None

    @property
    def upload_url_name(self) -> str:
        return f"imports:upload-{self.kind}"

    @property
    def template_url_name(self) -> str:
        return f"imports:template-{self.kind}"


@cache
def importers() -> dict[str, Importer]:
    from peixun.delivery.imports import apply_outside_file, check_outside_file, outside_template
    from peixun.ledger.imports import apply_credits_file, check_credits_file, credits_template
    from peixun.orgs.imports import (
        apply_orgs_file,
        apply_people_file,
        check_orgs_file,
        check_people_file,
        orgs_template,
        people_template,
    )

    def people_results(job: ImportJob) -> str:
        url = reverse("orgs:people")
        return f"{url}?org={job.org_id}" if job.org_id else url

    return {
        ImportKind.PEOPLE: Importer(
            kind=ImportKind.PEOPLE,
            perm="people.import",
            check=check_people_file,
            apply=apply_people_file,
            template=lambda org: people_template(org_code=org.code if org else "S0001"),
            icon="people",
            asks_org=True,
            results_url=people_results,
        ),
        ImportKind.ORGS: Importer(
            kind=ImportKind.ORGS,
            perm="orgs.import",
            check=check_orgs_file,
            apply=apply_orgs_file,
            template=lambda org: orgs_template(parent_code=org.code if org else ""),
            icon="diagram-3",
            results_url=lambda job: reverse("orgs:tree"),
        ),
        ImportKind.CREDITS: Importer(
            kind=ImportKind.CREDITS,
            perm="ledger.import",
            check=check_credits_file,
            apply=apply_credits_file,
            template=lambda org: credits_template(),
            icon="journal-plus",
            results_url=lambda job: reverse("ledger:compliance"),
        ),
        ImportKind.OUTSIDE: Importer(
            kind=ImportKind.OUTSIDE,
            perm="delivery.import",
            check=check_outside_file,
            apply=apply_outside_file,
            template=lambda org: outside_template(),
            icon="cloud-download",
            results_url=lambda job: reverse("training:project-list"),
        ),
    }


def importer(kind: str) -> Importer:
    return importers()[kind]
