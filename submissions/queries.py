import uuid

from submissions.models import Submission


def earlier_submission(request, kind: str, model):
    """The record an earlier post of this very form created, or None.
    Asked before the form is validated: a repeat may no longer pass the
    checks the first did (the outcome form's one-per-time-point rule), and
    must still be answered as the first was."""
    try:
        key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None
    first = (
        Submission.objects.filter(kind=kind, key=key, user=request.user, object_id__isnull=False)
        .values_list("object_id", flat=True)
        .first()
    )
    if first is None:
        return None
    return model._default_manager.filter(pk=first).first()
