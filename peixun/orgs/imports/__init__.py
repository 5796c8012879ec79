"""Imports into the org tree and the people registry: roster (people) and org files, checked
first (a preview with every error) and applied all or nothing.

    check_people_file / apply_people_file   roster files (peixun.orgs.imports.people)
    check_orgs_file / apply_orgs_file       org files (peixun.orgs.imports.orgs)
    people_template / orgs_template         the blank .xlsx templates (peixun.orgs.imports.templates)
"""

from peixun.orgs.imports.common import ImportRejected, ImportSummary, RowError
from peixun.orgs.imports.orgs import apply_orgs_file, check_orgs_file
from peixun.orgs.imports.people import apply_people_file, check_people_file
from peixun.orgs.imports.templates import orgs_template, people_template

__all__ = [
    "ImportRejected",
    "ImportSummary",
    "RowError",
    "apply_orgs_file",
    "apply_people_file",
    "check_orgs_file",
    "check_people_file",
    "orgs_template",
    "people_template",
]
