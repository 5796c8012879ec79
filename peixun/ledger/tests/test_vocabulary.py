"""The pure engine's codes and the Django choices are the same vocabulary."""

from peixun.core.choices import Category, CreditClass, Level, Mode
from peixun.ledger.models import Source
from peixun.orgs.models import PersonRole, PersonStatus, Section, Title
from peixun.policies.rules import codes


def test_the_engine_and_the_database_use_the_same_codes():
    assert list(codes.CATEGORIES) == Category.values
    assert list(codes.LEVELS) == Level.values
    assert list(codes.MODES) == Mode.values
    assert list(codes.CREDIT_CLASSES) == CreditClass.values
    assert list(codes.SOURCES) == Source.values
    assert list(codes.SECTIONS) == Section.values
    assert list(codes.TITLES) == Title.values
    assert list(codes.PERSON_ROLES) == PersonRole.values
    assert list(codes.STATUSES) == PersonStatus.values
