"""NDTMS reference data: a version loaded from a CSV pack, in force by date."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reporting.ndtms.models import CdsCode, CoreDataSetVersion
from reporting.ndtms.reference import PackError, pack_load, reference_for
from services.models import LocalAuthority
from tests.dates import LITERAL_DAY
from tests.ndtms.helpers import PACK, replace_in

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def test_the_shipped_pack_maps_each_code(version_q):
    ref = reference_for(version_q)
    assert ref.header[:3] == ["AGNCY", "CLIENTID", "CONSENT"]
    assert ref.national("referral_source", "self") == "4"
    assert ref.national("referral_source", "arrest_referral") == "63"
    assert ref.national("referral_source", "probation") is None  # retired nationally
    assert ref.national("discharge_reason", "completed_drug_free") == "80"
    assert ref.national("discharge_reason", "completed_occasional_user") == "82"
    assert ref.national("discharge_reason", "died") == "89"
    assert ref.national("substance", "crack") == "3201"
    assert ref.national("sex", "female") == "2"
    assert ref.national("top_stage", "review") == "R"
    assert ref.national("accommodation_need", "declined") == "99"
    # Every code is to confirm until the NDTMS team has confirmed it.
    assert not CdsCode.objects.filter(version=version_q, to_confirm=False).exists()
    assert CdsCode.objects.filter(version=version_q).count() == 97
    assert LocalAuthority.objects.get(code="E09000012").name == "Hackney"


def test_every_local_code_of_each_list_has_a_row_or_is_listed_as_unmapped(version_q):
    """The codes the pack leaves without a national code are the ones
    docs/returns.md lists: probation, drr, moved_away and other."""
    from clients.models import ReferralSource
    from keywork.models import DischargeReason

    mapped = set(
        CdsCode.objects.filter(version=version_q, code_list="referral_source").values_list(
            "local_code", flat=True
        )
    )
    assert set(ReferralSource.objects.values_list("code", flat=True)) - mapped == {
        "probation",
        "drr",
    }
    mapped = set(
        CdsCode.objects.filter(version=version_q, code_list="discharge_reason").values_list(
            "local_code", flat=True
        )
    )
    assert set(DischargeReason.objects.values_list("code", flat=True)) - mapped == {
        "moved_away",
        "other",
    }


def test_the_version_in_force_is_the_latest_started_on_or_before_the_day(version_q, pack_copy):
    r = pack_load(path=pack_copy("R"), in_force_from=dt.date(2026, 4, 1))
    in_force = CoreDataSetVersion.objects.in_force_on
    assert in_force(dt.date(2026, 3, 31)) == version_q
    assert in_force(dt.date(2026, 4, 1)) == r
    assert in_force(dt.date(1999, 1, 1)) is None


def test_a_version_loads_once(version_q):
    with pytest.raises(PackError, match="already loaded"):
        pack_load(path=PACK)
    assert CoreDataSetVersion.objects.count() == 1


def test_a_bad_pack_loads_nothing_and_names_every_bad_row(pack_copy):
    def spoil(path):
        replace_in(path / "codes.csv", "referral_source,self,4", "referral_source,selff,4")
        replace_in(path / "codes.csv", "sex,male,1", "gender,male,1")
        replace_in(path / "fields.csv", "DRUG1,substance,", "DRUG1,drugs,")

    with pytest.raises(PackError) as raised:
        pack_load(path=pack_copy("R", spoil))
    problems = "\n".join(raised.value.problems)
    assert "'selff' is not a code of referral_source" in problems
    assert "unknown list 'gender'" in problems
    assert "unknown source 'drugs'" in problems
    assert CoreDataSetVersion.objects.count() == 0
    assert CdsCode.objects.count() == 0


def test_the_command_loads_a_pack_and_lists_it(capsys):
    call_command("ndtms_reference", "load", str(PACK), "--in-force-from", "2025-04-01")
    assert "Loaded version Q: 54 fields, 97 codes, in force from 2025-04-01." in (
        capsys.readouterr().out
    )
    call_command("ndtms_reference", "list")
    assert "Q\t2025-04-01" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already loaded"):
        call_command("ndtms_reference", "load", str(PACK))
