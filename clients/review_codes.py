"""The seeded code lists of client information reviews (interchange.md).
Administrators may add more; the bundle carries the codes."""

ACCOMMODATION_NEEDS = [
    ("none", "No housing problem"),
    ("housing_problem", "Housing problem"),
    ("urgent_housing_problem", "Urgent housing problem"),
]
EMPLOYMENT_STATUSES = [
    ("regular_employment", "Regular employment"),
    ("pupil_student", "Pupil or student"),
    ("long_term_sick", "Long-term sick or disabled"),
    ("homemaker", "Homemaker"),
    ("unemployed", "Unemployed"),
    ("unpaid_voluntary", "Unpaid voluntary work"),
    ("retired", "Retired"),
    ("other", "Other"),
]
PARENTAL_STATUSES = [
    ("not_a_parent", "Not a parent"),
    ("all_children_live_with_client", "All children live with the client"),
    ("some_children_live_with_client", "Some children live with the client"),
    ("no_children_live_with_client", "No children live with the client"),
]
INJECTING_STATUSES = [
    ("never", "Never injected"),
    ("previously", "Previously injected"),
    ("currently", "Currently injecting"),
]
HEPB_VACCINATIONS = [
    ("not_offered", "Not offered"),
    ("offered_refused", "Offered and refused"),
    ("offered_accepted", "Offered and accepted"),
    ("course_started", "Course started"),
    ("course_completed", "Course completed"),
    ("already_immune", "Already immune"),
]
HEPC_TESTS = [
    ("not_offered", "Not offered"),
    ("offered_refused", "Offered and refused"),
    ("offered_accepted", "Offered and accepted"),
    ("tested", "Tested"),
]
HEPC_RESULTS = [
    ("negative", "Negative"),
    ("antibody_positive", "Antibody positive"),
    ("pcr_positive", "PCR positive"),
    ("unknown", "Unknown"),
]

# model name -> seeded rows
REVIEW_CODE_LISTS = {
    "AccommodationNeed": ACCOMMODATION_NEEDS,
    "EmploymentStatus": EMPLOYMENT_STATUSES,
    "ParentalStatus": PARENTAL_STATUSES,
    "InjectingStatus": INJECTING_STATUSES,
    "HepBVaccination": HEPB_VACCINATIONS,
    "HepCTest": HEPC_TESTS,
    "HepCResult": HEPC_RESULTS,
}

# A parent of under-18s (NDTMS's parental status is about children under 18).
PARENT_CODES = (
    "all_children_live_with_client",
    "some_children_live_with_client",
    "no_children_live_with_client",
)


def seed_review_code_lists(get_model) -> None:
    """Idempotent, like clients.code_lists.seed_code_lists."""
    for model_name, rows in REVIEW_CODE_LISTS.items():
        model = get_model("clients", model_name)
        for i, (code, label) in enumerate(rows):
            model.objects.update_or_create(code=code, defaults={"label": label, "sort_order": i})
