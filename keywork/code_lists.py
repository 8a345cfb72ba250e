"""The seeded keywork code lists (interchange.md). Administrators may add more."""

# code, label, completed (completed reasons count as retained)
DISCHARGE_REASONS = [
    ("completed_drug_free", "Treatment completed: drug free", True),
    ("completed_occasional_user", "Treatment completed: occasional user", True),
    ("transferred_not_in_custody", "Transferred: not in custody", False),
    ("transferred_in_custody", "Transferred: in custody", False),
    ("dropped_out", "Dropped out / left early", False),
    ("withdrawn_by_provider", "Treatment withdrawn by provider", False),
    ("declined_by_client", "Declined further treatment", False),
    ("moved_away", "Moved away", False),
    ("died", "Died", False),
    ("other", "Other", False),
]

INTERVENTIONS = [
    ("motivational_interviewing", "Motivational interviewing"),
    ("relapse_prevention", "Relapse prevention"),
    ("cbt", "Cognitive behavioural therapy"),
    ("contingency_management", "Contingency management"),
    ("harm_reduction", "Harm reduction"),
    ("care_planning", "Care planning"),
    ("practical_support", "Practical support"),
    ("mental_health_support", "Mental health support"),
    ("family_support", "Family support"),
    ("complementary_therapy", "Complementary therapy"),
    ("peer_support", "Peer support"),
    ("other", "Other"),
]


def seed_code_lists(get_model) -> None:
    """Idempotent. `get_model` is `apps.get_model` in a migration, or
    `django.apps.apps.get_model` elsewhere (tests after a flush)."""
    DischargeReason = get_model("keywork", "DischargeReason")
    Intervention = get_model("keywork", "Intervention")
    for i, (code, label, completed) in enumerate(DISCHARGE_REASONS):
        DischargeReason.objects.update_or_create(
            code=code, defaults={"label": label, "completed": completed, "sort_order": i}
        )
    for i, (code, label) in enumerate(INTERVENTIONS):
        Intervention.objects.update_or_create(code=code, defaults={"label": label, "sort_order": i})
