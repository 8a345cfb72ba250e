"""The contingency management files of an exported bundle, in the order
the import reads them back (exporting._files)."""

from collections.abc import Callable, Iterator

from django.db.models import QuerySet

from contingency.models import CMPlan, DrugTest, VoucherIssue
from interchange.resources import (
    CMPlanResource,
    DrugTestResource,
    VoucherIssueResource,
)

CHUNK = 5000


def cm_files(in_scope: Callable[[QuerySet, str], QuerySet]) -> Iterator[tuple]:
    plans = in_scope(CMPlan.objects.all(), "episode__referral__service__code").order_by(
        "episode__reference", "start_date"
    )
    yield (
        CMPlanResource(),
        plans.values_list(
            "episode__reference",
            "start_date",
            "weeks",
            "voucher_base",
            "voucher_step",
            "voucher_max",
        ).iterator(chunk_size=CHUNK),
    )
    tests = in_scope(DrugTest.objects.all(), "plan__episode__referral__service__code").order_by(
        "plan__episode__reference", "scheduled_date"
    )
    yield (
        DrugTestResource(),
        (
            (ref, scheduled, tested, sample or None, result or None, tuple(substances))
            for ref, scheduled, tested, sample, result, substances in tests.values_list(
                "plan__episode__reference",
                "scheduled_date",
                "tested_date",
                "sample",
                "result",
                "substances_positive",
            ).iterator(chunk_size=CHUNK)
        ),
    )
    issued = in_scope(
        VoucherIssue.objects.all(), "plan__episode__referral__service__code"
    ).order_by("plan__episode__reference", "issued_date", "amount", "pk")
    yield (
        VoucherIssueResource(),
        issued.values_list("plan__episode__reference", "issued_date", "amount").iterator(
            chunk_size=CHUNK
        ),
    )
