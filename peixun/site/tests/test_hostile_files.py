"""Hostile files against every upload of the app, through its real page, signed in as the role that
uses it: rosters and other imports (people, organisations, training records, outside results,
scores), the learning-code registration list, coursework files, a project's implementation plan, a
certificate template's seal, and the YAML of an assessment scheme and of a credit policy.

Each file is either refused with a Chinese message and nothing stored, or neutralised: stored under
a safe name and offered back only as a download (attachment, the content type of what the bytes are,
nosniff), never parsed in a way that runs it. The table printed by `outcomes` is the one in
docs/security.md."""

import functools
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peixun.assessment.models import SchemeVersion
from peixun.certificates.models import CertificateTemplate
from peixun.delivery.models import Submission, SubmissionFile
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.tests.helpers import running_project
from peixun.imports.models import ImportJob
from peixun.lib import tabular, uploads
from peixun.policies.models import PolicyVersion
from peixun.testing import hostile
from peixun.testing.factories import make_project
from peixun.training.models import CodeImport, Project, ProjectAttachment
from peixun.training.services.projects import MAX_ATTACHMENT_BYTES
from peixun.training.tests.test_views import form_data as project_form_data

pytestmark = pytest.mark.django_db

# An empty upload is refused by Django's form field (所提交的是空文件) or, where the page reads the
# file itself, by the table reader (文件是空的) or the coursework check (文件为空).
EMPTY = ("空文件", "文件是空的", "文件为空")
REFUSED = "refused"
NEUTRALISED = "neutralised"


@functools.cache
def files() -> dict[str, tuple[str, bytes]]:
    """attack → (the name it is uploaded under, its bytes); built once per process."""
    return {
        "exe_as_xlsx": ("名单.xlsx", hostile.EXE),
        "html_as_xlsx": ("名单.xlsx", hostile.HTML),
        "svg_as_xlsx": ("名单.xlsx", hostile.SVG),
        "pdf_js_as_xlsx": ("名单.xlsx", hostile.PDF_WITH_JAVASCRIPT),
        "png_polyglot_as_xlsx": ("名单.xlsx", hostile.png_polyglot()),
        "zip_bomb_xlsx": ("名单.xlsx", hostile.zip_bomb_xlsx()),
        "billion_laughs_xlsx": ("名单.xlsx", hostile.billion_laughs_xlsx()),
        "deep_xml_xlsx": ("名单.xlsx", hostile.deep_xml_xlsx()),
        "xlsm_renamed": ("名单.xlsx", hostile.macro_workbook()),
        "oversized_table": ("名单.xlsx", hostile.oversized(tabular.MAX_UPLOAD_BYTES)),
        "empty": ("空.xlsx", hostile.EMPTY),
        "exe_as_pdf": ("方案.pdf", hostile.EXE),
        "html_as_pdf": ("方案.pdf", hostile.HTML),
        "svg_as_png": ("图.png", hostile.SVG),
        "exe_as_png": ("图.png", hostile.EXE),
        "pdf_js": ("方案.pdf", hostile.PDF_WITH_JAVASCRIPT),
        "png_polyglot": ("图.png", hostile.png_polyglot()),
        "zip_bomb_docx": ("笔记.docx", hostile.zip_bomb_docx()),
        "deep_xml_docx": ("笔记.docx", hostile.deep_xml_docx()),
        "docm_renamed": ("笔记.docx", hostile.macro_docx()),
        "xlsm_renamed_document": ("方案.xlsx", hostile.macro_workbook()),
        "oversized_document": ("方案.pdf", b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES),
        "oversized_coursework": ("笔记.pdf", b"%PDF-1.4\n" + b"0" * coursework_services.MAX_FILE_BYTES),
        "oversized_seal": ("章.png", hostile.png() + b"\x00" * (2 * 1024 * 1024)),
        "huge_pixels_png": ("章.png", hostile.png_header_only(5_000, 5_000)),
        "traversal_name": (hostile.TRAVERSAL_NAME, hostile.PDF_WITH_JAVASCRIPT),
        "exe_as_yaml": ("方案.yaml", hostile.EXE),
        "html_as_yaml": ("方案.yaml", hostile.HTML),
        "yaml_billion_laughs": ("方案.yaml", hostile.YAML_BILLION_LAUGHS),
        "yaml_deep": ("方案.yaml", hostile.YAML_DEEP),
        "yaml_python_tag": ("方案.yaml", hostile.YAML_PYTHON_TAG),
        "oversized_yaml": ("方案.yaml", b"#" * 300_000),
        "empty_yaml": ("方案.yaml", b"   \n"),
    }


TABLE_ATTACKS = {
    "exe_as_xlsx": "文件格式无法识别",
    "html_as_xlsx": "文件格式无法识别",
    "svg_as_xlsx": "文件格式无法识别",
    "pdf_js_as_xlsx": "文件格式无法识别",
    "png_polyglot_as_xlsx": "文件格式无法识别",
    "zip_bomb_xlsx": "压缩比异常",
    "xlsm_renamed": "文件含有宏",
    "oversized_table": "文件太大，不能超过 20 MB",
    "empty": EMPTY,
}
# Read by the job's check, not at the upload: the job is kept, marked 有错误, and nothing applied.
TABLE_ATTACKS_CHECKED = {"billion_laughs_xlsx": "文件已损坏", "deep_xml_xlsx": "表格中没有内容"}
DOCUMENT_REFUSALS = {
    "exe_as_pdf": "只能上传",
    "html_as_pdf": "只能上传",
    "svg_as_png": "只能上传",
    "exe_as_png": "只能上传",
    "zip_bomb_docx": "解压后过大",
    "docm_renamed": "文件含有宏",
    "xlsm_renamed_document": "文件含有宏",
    "oversized_document": "不能超过 20 MB",
    "empty": EMPTY,
}
DOCUMENT_KEPT = ("pdf_js", "png_polyglot", "deep_xml_docx", "traversal_name")
KEPT_TYPES = {
    "png_polyglot": uploads.CONTENT_TYPES[uploads.PNG],
    "deep_xml_docx": uploads.CONTENT_TYPES[uploads.DOCX],
}
COURSEWORK_REFUSALS = {
    **{
        k: v for k, v in DOCUMENT_REFUSALS.items() if k not in ("oversized_document", "xlsm_renamed_document")
    },
    "exe_as_pdf": "仅接受",
    "html_as_pdf": "仅接受",
    "svg_as_png": "仅接受",
    "exe_as_png": "仅接受",
    "zip_bomb_docx": "解压后",
    "docm_renamed": "含宏",
    "xlsm_renamed_document": "含宏",
    "oversized_coursework": "超过 10 MB",
}
SEAL_REFUSALS = {
    "exe_as_png": "印章须为",
    "svg_as_png": "印章须为",
    "pdf_js": "印章须为",
    "html_as_pdf": "印章须为",
    "oversized_seal": "超过 2 MB",
    "huge_pixels_png": "尺寸过大",
    "empty": EMPTY,
}
YAML_REFUSALS = {
    "exe_as_yaml": "UTF-8",
    "html_as_yaml": "最外层",
    "yaml_billion_laughs": "锚点和引用",
    "yaml_deep": "层次太深",
    "yaml_python_tag": "不是有效的 YAML",
    "oversized_yaml": "KB",
    "empty_yaml": "",
    "empty": EMPTY,
}


def shows(response, message: str | tuple[str, ...]) -> bool:
    """Whether the page says the message (one of them); '' means any message in the page's alerts."""
    body = response.content.decode()
    if not message:
        return bool(said(response))
    return any(text in body for text in ((message,) if isinstance(message, str) else message))


def upload(attack: str) -> SimpleUploadedFile:
    name, data = files()[attack]
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def page_text(response) -> str:
    return response.content.decode()


def said(response) -> str:
    """The messages and field errors of a page, for assertion output."""
    import re

    body = response.content.decode()
    found = re.findall(r'class="[^"]*(?:alert|invalid-feedback|errorlist)[^"]*"[^>]*>(.*?)</', body, re.S)
    return " | ".join(" ".join(text.split()) for text in found)[:600]


@dataclass
class Outcome:
    target: str
    attack: str
    result: str
    message: str


def _check_download(response, *, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    for bad in ("/", "\\", "..", "\x1b", "\x07", "\u202e"):
        assert bad not in response["Content-Disposition"].split("filename", 1)[1].lstrip("*=\"'utf-8")


# --- Tables ---------------------------------------------------------------------------------------

IMPORT_USERS = {
    "people": "city_admin",
    "orgs": "city_admin",
    "credits": "city_admin",
    "outside": "county_admin",
    "scores": "county_admin",
}


@pytest.mark.parametrize("kind", list(IMPORT_USERS))
def test_every_import_refuses_hostile_tables_with_a_chinese_message_and_stores_nothing(client, world, kind):
    client.force_login(getattr(world, IMPORT_USERS[kind]))
    url = reverse(f"imports:upload-{kind}")
    extra = {"org": world.city.pk} if kind == "people" else {}
    for attack, message in TABLE_ATTACKS.items():
        response = client.post(url, {"file": upload(attack), **extra})
        assert response.status_code == 200, (kind, attack)
        assert shows(response, message), (kind, attack, said(response))
        assert not ImportJob.objects.exists(), (kind, attack)
    for attack, message in TABLE_ATTACKS_CHECKED.items():
        response = client.post(url, {"file": upload(attack), **extra})
        job = ImportJob.objects.latest("pk")
        assert response.status_code == 302 and job.status == "invalid", (kind, attack)
        assert message in job.errors[0]["message"], (kind, attack)
        assert message in page_text(client.get(reverse("imports:detail", args=[job.pk])))
        assert client.post(reverse("imports:apply", args=[job.pk])).status_code in (302, 400, 409)
        job.refresh_from_db()
        assert job.status == "invalid" and job.applied_at is None


def test_a_roster_with_formula_cells_is_refused_row_by_row_and_writes_nothing(client, world):
    from peixun.orgs.models import Person

    client.force_login(world.city_admin)
    before = Person.objects.count()
    rows = [[name, "女", "居民身份证", "", "13800000000", "S0001"] for name in hostile.FORMULAS]
    data = hostile.formula_csv(["姓名", "性别", "证件类型", "证件号码", "手机号", "单位代码"], rows)
    client.post(
        reverse("imports:upload-people"), {"org": world.city.pk, "file": SimpleUploadedFile("r.csv", data)}
    )
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    named = {error["row"] for error in job.errors if "姓名不能以" in error["message"]}
    assert named == set(range(2, 2 + len(hostile.FORMULAS)))
    assert Person.objects.count() == before


def test_the_registration_list_of_learning_codes_refuses_hostile_tables(client, world):
    project = make_project(world.county_a, uses_learning_codes=True)
    client.force_login(world.centre_staff)
    url = reverse("training:codes", args=[project.pk])
    for attack, message in TABLE_ATTACKS.items():
        response = client.post(url, {"action": "upload", "file": upload(attack)}, follow=True)
        assert shows(response, message), (attack, said(response))
        assert not CodeImport.objects.exists(), attack


# --- Documents and images -------------------------------------------------------------------------


def test_a_projects_plan_refuses_what_is_not_a_document_and_keeps_the_rest_as_a_safe_download(client, world):
    client.force_login(world.centre_staff)
    url = reverse("training:project-create")
    for attack, message in DOCUMENT_REFUSALS.items():
        response = client.post(url, project_form_data(world, attachment=upload(attack)))
        assert response.status_code == 200, attack
        errors = response.context["form"].errors["attachment"]
        assert any(m in errors[0] for m in ((message,) if isinstance(message, str) else message))
        assert all("\u4e00" <= ch <= "\u9fff" for ch in errors[0][:2]), attack
        assert not Project.objects.exists() and not ProjectAttachment.objects.exists(), attack
    for index, attack in enumerate(DOCUMENT_KEPT):
        data = project_form_data(world, title=f"项目{index}", attachment=upload(attack))
        assert client.post(url, data).status_code == 302, attack
        document = ProjectAttachment.objects.latest("pk")
        response = client.get(reverse("training:attachment", args=[document.project_id, document.pk]))
        expected = KEPT_TYPES.get(attack, "application/pdf")
        _check_download(response, content_type=expected)
        assert document.content_type == expected
    assert ProjectAttachment.objects.get(filename__startswith="passwd").filename.endswith(".pdf")


def test_coursework_refuses_what_is_not_work_and_keeps_the_rest_as_a_safe_download(world):
    running = running_project(world)
    assignment = coursework_services.save_assignment(
        project=running.project,
        actor=world.county_admin,
        fields={
            "title": "学习笔记",
            "kind": "notes",
            "min_chars": 0,
            "due_at": timezone.now() + timedelta(days=2),
        },
    )
    teacher = Client()
    teacher.force_login(world.teacher_user)
    tutor = Client()
    tutor.force_login(running.tutor_user)
    url = reverse("delivery:submit", args=[assignment.pk])
    for attack, message in COURSEWORK_REFUSALS.items():
        response = teacher.post(url, {"files": [upload(attack)], "replace_files": "on"})
        assert response.status_code == 200, attack
        assert shows(response, message), (attack, said(response))
        assert not Submission.objects.exists() and not SubmissionFile.objects.exists(), attack
    for attack in DOCUMENT_KEPT:
        response = teacher.post(url, {"files": [upload(attack)], "replace_files": "on"})
        assert response.status_code == 302, attack
        document = SubmissionFile.objects.get()
        expected = KEPT_TYPES.get(attack, "application/pdf")
        _check_download(tutor.get(reverse("delivery:file", args=[document.pk])), content_type=expected)
        if attack == "deep_xml_docx":
            assert document.char_count == 0  # not read: no entity expanded, no element kept
    assert SubmissionFile.objects.get().filename.startswith("passwd")


def test_a_seal_must_be_an_image_and_is_redrawn_so_nothing_appended_survives(client, world):
    client.force_login(world.county_admin)
    url = reverse("certificates:template-create")
    fields = {
        "org": world.county_a.pk,
        "name": "结业证书",
        "kind": "completion",
        "issuer": "东湖区教育局",
        "region": "320705",
        "active": "on",
    }
    for attack, message in SEAL_REFUSALS.items():
        response = client.post(url, {**fields, "seal_file": upload(attack)})
        assert response.status_code == 200, attack
        assert shows(response, message), (attack, said(response))
        assert not CertificateTemplate.objects.exists(), attack
    assert client.post(url, {**fields, "seal_file": upload("png_polyglot")}).status_code == 302
    seal = bytes(CertificateTemplate.objects.get().seal)
    assert seal.startswith(b"\x89PNG") and seal.endswith(b"IEND\xaeB`\x82")
    assert b"<script" not in seal and b"PK\x03\x04" not in seal


# --- YAML documents -------------------------------------------------------------------------------


def test_a_scheme_file_that_is_hostile_is_refused_and_saves_nothing(client, world):
    running = running_project(world)
    client.force_login(world.county_admin)
    url = reverse("assessment:scheme-import", args=[running.project.pk])
    for attack, message in YAML_REFUSALS.items():
        response = client.post(url, {"upload": upload(attack)}, follow=True)
        assert shows(response, message), (attack, said(response))
        assert not SchemeVersion.objects.exists(), attack


def test_a_policy_file_that_is_hostile_is_refused_and_saves_nothing(client, world):
    client.force_login(world.city_admin)
    url = reverse("policies:create")
    for attack, message in YAML_REFUSALS.items():
        data = {"org": world.city.pk, "text": "", "upload": upload(attack), "effective_from": "2026-01-01"}
        response = client.post(url, data)
        assert response.status_code in (200, 400), attack
        assert shows(response, message), (attack, said(response))
        assert not PolicyVersion.objects.exists(), attack
