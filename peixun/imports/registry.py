"""What can be imported: one Importer per ImportKind, naming the permission it needs, how its
file is checked and applied, its blank template and where its results are seen.

The import pages, tasks and access checks all read this registry (peixun.core.hooks). Each kind is
registered in an `AppConfig.ready()`: an app above imports registers its own (delivery: outside
platform results); the kinds of the apps below it, which cannot know imports, are registered by
imports itself (peixun.imports.kinds: people, orgs, training records). A new kind of file is one
registration and one ImportKind value.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peixun.core.hooks import Registry
from peixun.imports.models import ImportJob
from peixun.orgs.models import Org

RECORD = _("Record")


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
    # The check is told who uploaded the file (`actor=`), for kinds whose rows are allowed per
    # object rather than per org (the scores of the classes a tutor tutors).
    checks_actor: bool = False
    results_url: Callable[[ImportJob], str] | None = None
    # Whom or what a row concerns, as the preview's column title says it (RowChange.subject).
    subject_label: str | Promise = RECORD

    @property
    def upload_url_name(self) -> str:
        return f"imports:upload-{self.kind}"

    @property
    def template_url_name(self) -> str:
        return f"imports:template-{self.kind}"


IMPORTERS: Registry[Importer] = Registry("imports: the kinds of file")


def register(importer: Importer, *, order: int) -> None:
    """Offer `importer`'s kind of file at place `order` of the import pages."""
    IMPORTERS.add(importer, order=order, name=importer.kind)


def importers() -> dict[str, Importer]:
    """The kinds of file, in their order."""
    return {spec.kind: spec for spec in IMPORTERS.entries()}


def importer(kind: str) -> Importer:
    return importers()[kind]
