"""Where each local code list of a core-data-set version lives, so that the
loader can refuse a pack that names a local code we do not have."""

from __future__ import annotations

from django.apps import apps

from outcomes.top_models import Stage

# list -> (app label, model) of the code list table.
LIST_MODELS = {
    "referral_source": ("clients", "ReferralSource"),
    "substance": ("clients", "Substance"),
    "discharge_reason": ("keywork", "DischargeReason"),
    "sex": ("clients", "Sex"),
    "ethnicity": ("clients", "EthnicCategory"),
    "accommodation_need": ("clients", "AccommodationNeed"),
    "employment_status": ("clients", "EmploymentStatus"),
    "parental_status": ("clients", "ParentalStatus"),
    "injecting_status": ("clients", "InjectingStatus"),
    "hepb_vaccination": ("clients", "HepBVaccination"),
    "hepc_test": ("clients", "HepCTest"),
    "hepc_result": ("clients", "HepCResult"),
}
# Review items a client may decline: the pack may give "declined" a code.
DECLINABLE = {
    "accommodation_need",
    "employment_status",
    "parental_status",
    "injecting_status",
    "hepb_vaccination",
    "hepc_test",
    "hepc_result",
}
DECLINED = "declined"


def local_codes(code_list: str) -> set[str]:
    """The local codes of a list, as the database has them now."""
    if code_list == "top_stage":
        return set(Stage.values)
    if code_list == "yes_no":
        return {"yes", "no"}
    app_label, model = LIST_MODELS[code_list]
    codes = set(apps.get_model(app_label, model).objects.values_list("code", flat=True))
    if code_list in DECLINABLE:
        codes.add(DECLINED)
    return codes
