"""Why a quality action was refused: one DomainError per case, each saying what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class DuplicateTrainerError(DomainError):
    code = "quality_trainer_duplicate"
    message = _("%(name)s is already in this pool: open their entry and change it there.")
    status = 400


class ExternalUnitRequiredError(DomainError):
    code = "quality_unit_required"
    message = _("Give the unit of an external trainer (where they work), or pick a teacher on the roster.")
    status = 400


class NotClosedError(DomainError):
    code = "quality_not_closed"
    message = _("The project is “%(status)s”: its summary and archive are made once it is closed (结项).")


class ArchiveBusyError(DomainError):
    code = "quality_archive_busy"
    message = _("An archive of this project is being built: wait for it to finish, then download it.")


class ArchiveExpiredError(DomainError):
    code = "quality_archive_expired"
    message = _("This archive was kept until %(date)s and has been removed: build it again.")
    status = 410
