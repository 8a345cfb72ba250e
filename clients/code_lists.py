"""The seeded clients code lists (interchange.md). Administrators may add more."""

SEXES = [
    ("male", "Male"),
    ("female", "Female"),
    ("other", "Other"),
    ("not_stated", "Not stated"),
]

# NHS ethnic category letters with the broad groups used in returns.
ETHNIC_CATEGORIES = [
    ("A", "White: British", "White"),
    ("B", "White: Irish", "White"),
    ("C", "White: any other White background", "White"),
    ("D", "Mixed: White and Black Caribbean", "Mixed"),
    ("E", "Mixed: White and Black African", "Mixed"),
    ("F", "Mixed: White and Asian", "Mixed"),
    ("G", "Mixed: any other mixed background", "Mixed"),
    ("H", "Asian or Asian British: Indian", "Asian"),
    ("J", "Asian or Asian British: Pakistani", "Asian"),
    ("K", "Asian or Asian British: Bangladeshi", "Asian"),
    ("L", "Asian or Asian British: any other Asian background", "Asian"),
    ("M", "Black or Black British: Caribbean", "Black"),
    ("N", "Black or Black British: African", "Black"),
    ("P", "Black or Black British: any other Black background", "Black"),
    ("R", "Other ethnic group: Chinese", "Other"),
    ("S", "Other ethnic group: any other ethnic group", "Other"),
    ("Z", "Not stated", "Not stated"),
]

# code, label, NDTMS RFLS code, reporting group
REFERRAL_SOURCES = [
    ("self", "Self", "4", "self"),
    ("gp", "GP", "3", "gp"),
    ("drug_service_statutory", "Drug service (statutory)", "1", "drug service"),
    ("drug_service_non_statutory", "Drug service (non-statutory)", "2", "drug service"),
    ("arrest_referral", "Arrest referral", "5", "criminal justice"),
    ("drr", "Drug rehabilitation requirement", "6", "criminal justice"),
    ("probation", "Probation", "8", "criminal justice"),
    ("prison", "Prison", "13", "criminal justice"),
    ("a_and_e", "A&E", "9", "health"),
    ("general_hospital", "General hospital", "22", "health"),
    ("psychiatry", "Psychiatry", "11", "health"),
    ("social_services", "Social services", "19", "social care"),
    ("relative", "Relative", "24", "other"),
    ("concerned_other", "Concerned other", "25", "other"),
    ("other", "Other", "15", "other"),
]

SUBSTANCES = [
    ("crack", "Crack cocaine", "3201"),
    ("cocaine", "Cocaine powder", "3200"),
    ("heroin", "Heroin", "1011"),
    ("other_opiates", "Other opiates", "1000"),
    ("amphetamines", "Amphetamines", "3100"),
    ("ecstasy", "Ecstasy", "3406"),
    ("cannabis", "Cannabis", "5000"),
    ("benzodiazepines", "Benzodiazepines", "2200"),
    ("alcohol", "Alcohol", "7000"),
    ("other", "Other", "8799"),
]


def seed_code_lists(get_model) -> None:
    """Idempotent. `get_model` is `apps.get_model` in a migration, or
    `django.apps.apps.get_model` elsewhere (tests after a flush)."""
    Sex = get_model("clients", "Sex")
    EthnicCategory = get_model("clients", "EthnicCategory")
    ReferralSource = get_model("clients", "ReferralSource")
    Substance = get_model("clients", "Substance")
    for i, (code, label) in enumerate(SEXES):
        Sex.objects.update_or_create(code=code, defaults={"label": label, "sort_order": i})
    for i, (code, label, group) in enumerate(ETHNIC_CATEGORIES):
        EthnicCategory.objects.update_or_create(
            code=code, defaults={"label": label, "broad_group": group, "sort_order": i}
        )
    for i, (code, label, ndtms, group) in enumerate(REFERRAL_SOURCES):
        ReferralSource.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "ndtms_code": ndtms,
                "reporting_group": group,
                "sort_order": i,
            },
        )
    for i, (code, label, ndtms) in enumerate(SUBSTANCES):
        Substance.objects.update_or_create(
            code=code, defaults={"label": label, "ndtms_code": ndtms, "sort_order": i}
        )
