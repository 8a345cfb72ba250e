"""The contingency management files of the bundle (interchange.md):
cm_plans.csv, drug_tests.csv and vouchers_issued.csv.

Imported only by resources.py, at its end, which adds these to RESOURCES
and re-exports them: imported first, this module would import resources,
which imports this module half-made."""

from decimal import Decimal
from typing import Any

from contingency.models import SampleType, TestResult
from interchange.resources import (
    REF,
    BundleResource,
    BundleWidget,
    CellError,
    DatedResource,
    DateWidget,
    IntegerWidget,
    MoneyWidget,
    MultiCodeWidget,
    TextWidget,
    _shown,
    column,
)

GBP_HIGH = Decimal("9999.99")


class ChoiceWidget(BundleWidget):
    """One of a fixed list of codes (not an administrator's code list)."""

    def __init__(self, choices: list[str], *, required: bool = False) -> None:
        super().__init__(required=required)
        self.choices = tuple(choices)

    def parse(self, value: str) -> str:
        value = value.strip()
        if value not in self.choices:
            raise CellError(f"{_shown(value)} is not one of {', '.join(self.choices)}")
        return value


class CMPlanResource(DatedResource):
    file_name = "cm_plans.csv"
    key = ("episode_ref", "start_date")
    identifiers = frozenset({"episode_ref"})
    past_dates = ("start_date",)

    episode_ref = column(TextWidget(**REF), "episode_ref")
    start_date = column(DateWidget(required=True), "start_date")
    weeks = column(IntegerWidget(low=1, high=52, required=True), "weeks")
    voucher_base = column(MoneyWidget(high=GBP_HIGH, required=True), "voucher_base")
    voucher_step = column(MoneyWidget(high=GBP_HIGH, required=True), "voucher_step")
    voucher_max = column(MoneyWidget(high=GBP_HIGH, required=True), "voucher_max")

    def row_rules(self, values: dict[str, Any], bad: set[str]) -> list:
        problems = super().row_rules(values, bad)
        base, top = values.get("voucher_base"), values.get("voucher_max")
        if base is not None and top is not None and top < base:
            problems.append(("voucher_max", "the maximum is below the first voucher"))
        return problems


class DrugTestResource(DatedResource):
    file_name = "drug_tests.csv"
    key = ("episode_ref", "scheduled_date")
    identifiers = frozenset({"episode_ref"})
    # A scheduled date may lie in the future; a test date may not.
    past_dates = ("tested_date",)

    episode_ref = column(TextWidget(**REF), "episode_ref")
    scheduled_date = column(DateWidget(required=True), "scheduled_date")
    tested_date = column(DateWidget(), "tested_date")
    sample = column(ChoiceWidget(list(SampleType.values)), "sample")
    result = column(ChoiceWidget(list(TestResult.values)), "result")
    substances_positive = column(
        MultiCodeWidget("primary_substance", required=False), "substances_positive"
    )

    def row_rules(self, values: dict[str, Any], bad: set[str]) -> list:
        problems = super().row_rules(values, bad)
        if bad & {"tested_date", "sample", "result", "substances_positive"}:
            return problems
        result = values.get("result")
        if result:
            if values.get("tested_date") is None:
                problems.append(("tested_date", "a result needs its test date"))
            if values.get("sample") is None:
                problems.append(("sample", "a result needs its sample type"))
        else:
            for name in ("tested_date", "sample"):
                if values.get(name) is not None:
                    problems.append((name, "a test not yet done has no " + name.replace("_", " ")))
        substances = values.get("substances_positive")
        if result == "positive" and not substances:
            problems.append(("substances_positive", "a positive result names its substances"))
        if result != "positive" and substances:
            problems.append(("substances_positive", "substances are for a positive result only"))
        return problems


class VoucherIssueResource(DatedResource):
    file_name = "vouchers_issued.csv"
    # Two vouchers of the same amount on the same day are taken as one
    # repeated by mistake (docs/interchange.md).
    key = ("episode_ref", "issued_date", "amount")
    identifiers = frozenset({"episode_ref"})
    past_dates = ("issued_date",)

    episode_ref = column(TextWidget(**REF), "episode_ref")
    issued_date = column(DateWidget(required=True), "issued_date")
    amount = column(MoneyWidget(high=GBP_HIGH, required=True), "amount")

    def row_rules(self, values: dict[str, Any], bad: set[str]) -> list:
        problems = super().row_rules(values, bad)
        if "amount" not in bad and values.get("amount") == 0:
            problems.append(("amount", "an issued voucher is more than 0.00"))
        return problems


CM_RESOURCES: list[type[BundleResource]] = [CMPlanResource, DrugTestResource, VoucherIssueResource]
