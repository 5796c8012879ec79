"""Issuing 10,000 certificates, then one class's 100 as one PDF.

1. One closed project of 10,000 passing trainees, one batch through the service the background
   task runs (numbers taken per region and year, PDFs drawn with the embedded CJK font and a seal,
   rows written), timed from the start of the batch to its last row. Prints

       certificates=… seconds=… per_second=… workers=… database=… target_s=300 ok|MISSED

   and checks a sample: every certificate has a distinct number and code, and one PDF reads back
   its Chinese text. Target: 10,000 in at most 5 minutes on this machine (2 cores).

2. A class of 100 of them merged into one PDF by the service the background task runs (ADR 0037),
   against the raw lower bound: reading the same 100 stored PDFs from the database and joining
   their bytes, which any file of them must at least do. Best of three each. Prints

       bundle_class=100 seconds=… lower_bound_s=… ratio=… pages=… size_mb=… target_s=5 ok|MISSED

   and checks the file: 100 pages, the first and the last with their holder's name.

PostgreSQL at BENCH_DATABASE_URL + "_certificates" (recreated) when it answers, else SQLite in a
temporary folder.

    python -m bench.certificates [--count 10000] [--workers 2]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import common

TARGET_SECONDS = 300
CLASS_SIZE = 100
BUNDLE_TARGET_SECONDS = 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        return run(args.count, args.workers)

    url = common.bench_url("_certificates")
    reason = common.postgres_reachable(url)
    with tempfile.TemporaryDirectory(prefix="peixun-bench-certificates-") as tmp:
        if reason is None:
            print(f"# certificates: preparing {common.database_name(url)}", flush=True)
            common.recreate_database(url)
        else:
            print(f"# certificates: PostgreSQL unreachable ({reason}); using SQLite", flush=True)
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        common.manage(url, "migrate", "--no-input", "-v", "0")
        return common.run_child(
            "bench.certificates", url, "--run", "--count", str(args.count), "--workers", str(args.workers)
        )


def _setup(count: int):
    """A county, a school, `count` teachers, a closed project where all of them passed, and a
    template with a seal. Written in bulk (not timed)."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from peixun.assessment.models import Result, SchemeVersion
    from peixun.assessment.rules import presets
    from peixun.assessment.rules.scheme import parse_scheme, scheme_json
    from peixun.certificates.models import CertificateTemplate
    from peixun.certificates.seal import make_seal
    from peixun.lib import idnumbers
    from peixun.orgs.models import Org, Person
    from peixun.orgs.services import create_org
    from peixun.training.models import Enrolment, Project

    county = create_org(code="C320312", name="铜山区", kind="county", parent=None)
    school = create_org(code="S320312001", name="柳岗镇中心小学", kind="school", parent=county)
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "晓明芳静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英"
    people = []
    for index in range(count):
        name = (
            surnames[index % len(surnames)]
            + given[(index // 7) % len(given)]
            + given[(index // 3) % len(given)]
        )
        person = Person(
            name=name, name_pinyin=f"p{index:06d}", gender="female", birth_date=date(1985, 1, 1), org=school
        )
        number = idnumbers.make_valid_id(
            "320312", date(1970, 1, 1) + timedelta(days=index // 100), index % 100, "female"
        )
        person.set_id_number("resident_id", number)
        people.append(person)
    Person.objects.bulk_create(people, batch_size=2000)
    today = timezone.localdate()
    project = Project.objects.create(
        organiser=county,
        title=f"{today.year}年全员远程培训",
        project_type="all_staff",
        level="county",
        category="knowledge_skills",
        mode="remote",
        hours_credited=Decimal("24"),
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=1),
        capacity=count,
        places_taken=count,
        status="closed",
    )
    people = list(Person.objects.filter(org=school).order_by("pk"))
    Enrolment.objects.bulk_create(
        [
            Enrolment(project=project, person=p, school=school, status="enrolled", source="mandatory")
            for p in people
        ],
        batch_size=2000,
    )
    text = presets.preset_text(presets.DEFAULT)
    version = SchemeVersion.objects.create(
        project=project, number=1, text=text, document=scheme_json(parse_scheme(text))
    )
    Result.objects.bulk_create(
        [
            Result(
                enrolment=enrolment,
                project=project,
                version=version,
                total=Decimal("88.0"),
                passed=True,
                attendance_rate=Decimal("100.0"),
                hours=[[None, "24.0"]],
                hours_total=Decimal("24.0"),
            )
            for enrolment in Enrolment.objects.filter(project=project)
        ],
        batch_size=2000,
    )
    template = CertificateTemplate.objects.create(
        org=county, name="合格证书", kind="pass", title="合格证书", issuer="铜山区教育局", region="320312",
        seal=make_seal("铜山区教育局"),
    )  # fmt: skip
    del Org
    return project, template


def run(count: int, workers: int) -> int:
    common.setup_django()
    import io

    from django.db import connection
    from pypdf import PdfReader

    from peixun.certificates import services
    from peixun.certificates.models import Certificate, CertificateBatch

    started = time.perf_counter()
    project, template = _setup(count)
    print(f"# setup: {count} passing trainees in {time.perf_counter() - started:.0f} s", flush=True)
    batch = CertificateBatch.objects.create(project=project, template=template, kind="pass", total=count)
    started = time.perf_counter()
    batch = services.run_batch(batch.pk, workers=workers)
    seconds = time.perf_counter() - started
    issued = Certificate.objects.filter(project=project).count()
    distinct = len(set(Certificate.objects.filter(project=project).values_list("number", flat=True)))
    codes = len(set(Certificate.objects.filter(project=project).values_list("code", flat=True)))
    sample = Certificate.objects.filter(project=project).order_by("?").first()
    text = PdfReader(io.BytesIO(bytes(sample.pdf))).pages[0].extract_text() if sample else ""
    readable = (
        sample is not None and sample.number in text and sample.fields["name"] in text and "证书" in text
    )
    ok = (
        batch.state == "done"
        and issued == count == distinct == codes
        and readable
        and seconds <= TARGET_SECONDS
    )
    print(
        f"certificates={issued} seconds={seconds:.1f} per_second={issued / seconds:.1f} workers={workers} "
        f"database={connection.vendor} target_s={TARGET_SECONDS} {'ok' if ok else 'MISSED'}",
        flush=True,
    )
    if not ok:
        print(
            f"# state={batch.state} distinct_numbers={distinct} distinct_codes={codes} "
            f"pdf_readable={readable}"
        )
    bundled = bundle_class(project, min(CLASS_SIZE, count))
    return 0 if ok and bundled else 1


def _best(action, times: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(times):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def bundle_class(project, size: int) -> bool:
    """One class of `size` of the project's certificates as one PDF, against reading their bytes."""
    import io

    from pypdf import PdfReader

    from peixun.certificates import services
    from peixun.certificates.models import Certificate, CertificateBundle
    from peixun.training.models import Cohort, Enrolment

    cohort = Cohort.objects.create(project=project, number=1, name="第1班")
    members = list(
        Enrolment.objects.filter(project=project).order_by("pk").values_list("pk", flat=True)[:size]
    )
    Enrolment.objects.filter(pk__in=members).update(cohort=cohort)

    def raw() -> bytes:
        stored = Certificate.objects.filter(enrolment__cohort=cohort, revoked_at__isnull=True)
        return b"".join(bytes(pdf) for pdf in stored.order_by("pk").values_list("pdf", flat=True))

    def merged() -> CertificateBundle:
        bundle = CertificateBundle.objects.create(project=project, cohort=cohort, total=size)
        return services.run_bundle(bundle.pk)

    lower, joined = _best(raw)
    seconds, bundle = _best(merged)
    assert isinstance(bundle, CertificateBundle) and isinstance(joined, bytes)
    content = bytes(bundle.content)
    reader = PdfReader(io.BytesIO(content))
    order = list(services.bundled(project, cohort=cohort).values_list("person__name", flat=True))
    readable = (
        len(reader.pages) == size
        and order[0] in reader.pages[0].extract_text()
        and order[-1] in reader.pages[-1].extract_text()
    )
    ok = bundle.state == "done" and readable and seconds <= BUNDLE_TARGET_SECONDS
    print(
        f"bundle_class={size} seconds={seconds:.2f} lower_bound_s={lower:.3f} ratio={seconds / lower:.0f} "
        f"pages={len(reader.pages)} size_mb={len(content) / 1e6:.1f} raw_mb={len(joined) / 1e6:.1f} "
        f"target_s={BUNDLE_TARGET_SECONDS} {'ok' if ok else 'MISSED'}",
        flush=True,
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
