"""What the teacher's file (继续教育个人档案, peixun.certificates.archive) lets higher apps add
(peixun.core.hooks; the apps register in their `AppConfig.ready()`, certificates never imports them):

- `file_sections(person=…, cycle=…)`: one section of the file each — awards, titles, qualification
  certificates, surveys … — as a `FileSection` (or None to leave it out), in order. `cycle` is the
  `archive.Cycle` shown (or None when the person has no policy yet); a section that belongs to a
  period keeps to it. The page, the PDF and the workbook render every section the same way, so a
  section is plain text: a title, column headers and rows of strings, already in the user's words.
"""

from dataclasses import dataclass, field

from peixun.core.hooks import Hook

file_sections = Hook("certificates: the teacher's file")


@dataclass(frozen=True)
class FileSection:
    """A titled table of the teacher's file. `empty` is what the page says when there are no rows."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""
