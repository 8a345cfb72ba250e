"""The bundle columns of tops.csv and client_reviews.csv: widgets and
resources (the rest of their import and export is in top_files.py).

Imported only by resources.py, at its end, which adds these to RESOURCES;
everything else takes them from interchange.resources, so the
import order is always resources first."""

from decimal import Decimal
from typing import Any

from clients.review_models import CODED, REVIEW_ITEMS, YES_NO
from interchange.resources import (
    REF,
    BundleWidget,
    CellError,
    CodeWidget,
    DatedResource,
    DateWidget,
    IntegerWidget,
    MoneyWidget,
    TextWidget,
    YesNoWidget,
    _shown,
    column,
)
from outcomes.top_models import AMOUNT_OF, DAY_ITEMS, ITEMS, SCORE_ITEMS, YES_NO_ITEMS

DECLINED = "declined"


class WeeksWidget(BundleWidget):
    """Four weeks, oldest first: `n;n;n;n`, each 0 to 7."""

    def parse(self, value: str) -> tuple[int, ...]:
        parts = [p.strip() for p in value.split(";")]
        if len(parts) != 4 or not all(p.isdigit() for p in parts):
            raise CellError(f"{_shown(value)} is not four weeks (like 0;2;7;1)")
        weeks = tuple(int(p) for p in parts)
        if any(w > 7 for w in weeks):
            raise CellError(f"{_shown(value)} has a week over 7 days")
        return weeks

    def format(self, value) -> str:
        return ";".join(str(w) for w in value)


class Declinable(BundleWidget):
    """An item cell: `declined`, empty, or a value its inner widget reads.
    Cleaned to the text the export writes."""

    def __init__(self, inner: BundleWidget) -> None:
        super().__init__(required=False)
        self.inner = inner

    def parse(self, value: str) -> str:
        if value.strip().lower() == DECLINED:
            return DECLINED
        return self.inner.format(self.inner.parse(value))

    def format(self, value: str) -> str:
        return value


def _declinable(widget: BundleWidget, name: str):
    return column(Declinable(widget), name)


def _top_widget(item: str) -> BundleWidget:
    if item in DAY_ITEMS:
        return WeeksWidget()
    if item in AMOUNT_OF:
        return MoneyWidget(high=Decimal("9999.99"))
    if item in YES_NO_ITEMS:
        return YesNoWidget()
    if item in SCORE_ITEMS:
        return IntegerWidget(low=0, high=20)
    return CodeWidget("primary_substance", required=False)  # other_substance


def _days_total(cell: str | None) -> int | None:
    if cell is None or cell == DECLINED:
        return None
    return sum(int(w) for w in cell.split(";"))


class TopResource(DatedResource):
    file_name = "tops.csv"
    key = ("episode_ref", "stage", "top_date")
    identifiers = frozenset({"episode_ref"})
    past_dates = ("top_date",)

    episode_ref = column(TextWidget(**REF), "episode_ref")
    top_date = column(DateWidget(required=True), "top_date")
    stage = column(CodeWidget("stage"), "stage")

    def __init__(self, codes=None, **kwargs: Any) -> None:
        super().__init__(codes=codes, **kwargs)
        other = self.fields["other_substance"].widget.inner
        if codes is not None:
            other.allowed = codes["primary_substance"]

    def row_rules(self, values: dict, bad: set) -> list:
        problems = super().row_rules(values, bad)
        for amount, days in AMOUNT_OF.items():
            if amount in bad or days in bad or values.get(amount) in (None, DECLINED):
                continue
            if not (_days_total(values.get(days)) or 0) > 0:
                problems.append((amount, f"given only when {days} shows use on some day"))
        other_used = (_days_total(values.get("other_days")) or 0) > 0
        checkable = "other_days" not in bad and "other_substance" not in bad
        if checkable and other_used and not values.get("other_substance"):
            problems.append(("other_substance", "name the other substance used"))
        return problems


def _review_widget(item: str) -> BundleWidget:
    if item in CODED:
        return CodeWidget(item, required=False)
    if item in YES_NO:
        return YesNoWidget()
    return IntegerWidget(low=0, high=30)  # children_in_household


class ClientReviewResource(DatedResource):
    file_name = "client_reviews.csv"
    key = ("episode_ref", "review_date")
    identifiers = frozenset({"episode_ref"})
    past_dates = ("review_date",)

    episode_ref = column(TextWidget(**REF), "episode_ref")
    review_date = column(DateWidget(required=True), "review_date")

    def __init__(self, codes=None, **kwargs: Any) -> None:
        super().__init__(codes=codes, **kwargs)
        if codes is not None:
            for item in CODED:
                self.fields[item].widget.inner.allowed = codes[item]

    def row_rules(self, values: dict, bad: set) -> list:
        problems = super().row_rules(values, bad)
        result, test = values.get("hepc_result"), values.get("hepc_test")
        if "hepc_result" not in bad and result not in (None, DECLINED) and test != "tested":
            problems.append(("hepc_result", "a result needs hepc_test to be tested"))
        return problems


# import_export collects a class's declared columns into `fields`, which
# each instance copies; the item columns are added after the declared ones,
# so `resource.fields` lists them in the bundle's column order.
def _declare(resource_cls, items, widget_for) -> None:
    for item in items:
        resource_cls.fields[item] = _declinable(widget_for(item), item)


_declare(TopResource, ITEMS, _top_widget)
_declare(ClientReviewResource, REVIEW_ITEMS, _review_widget)
