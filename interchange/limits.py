"""Refuse a request body over the upload limit before any of it is read:
Django would otherwise spool it to disk and the form check would come only
after. The reverse proxy in front has the same limit (docs/security.md)."""

from django.http import HttpResponse

from interchange.forms import max_upload_bytes

# Room for the form's other fields and the multipart boundaries.
OVERHEAD_BYTES = 64 * 1024


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Bad Content-Length", status=400, content_type="text/plain")
        if length > max_upload_bytes() + OVERHEAD_BYTES:
            return HttpResponse(
                "The request is larger than the upload limit.",
                status=413,
                content_type="text/plain",
            )
        return self.get_response(request)
