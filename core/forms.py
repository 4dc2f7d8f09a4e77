"""Helpers for the forms of every app: the one form-POST pattern of the pages that write."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def add_service_errors(form, error: ValidationError, field_names: dict | None = None) -> None:
    """Attach a service's ValidationError to the form's fields (or to the form as a whole,
    for the fields it does not have), so that the page shows each where it belongs.
    `field_names` maps a service's argument to the form's field where they differ."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        name = (field_names or {}).get(name, name)
        form.add_error(name if name in form.fields else None, field_messages)


def form_page(
    request: HttpRequest,
    form,
    act: Callable[[object], HttpResponse],
    *,
    template: str,
    context: dict | Callable[[], dict] | None = None,
    field_names: dict | None = None,
    invalid_message: str | None = None,
) -> HttpResponse:
    """The form-POST pattern. On a POST with a valid form, `act(form)` calls the service and
    returns the response (a redirect after POST); a ValidationError it raises lands on the
    form. Otherwise the page shows the form: after a POST with status 400 and a message
    (`invalid_message`, by default "Please correct the errors below."). `context` (or the
    function that makes it, called only when the page is shown) adds to the form."""
    if request.method == "POST" and form.is_valid():
        try:
            return act(form)
        except ValidationError as error:
            add_service_errors(form, error, field_names)
    status = 200
    if request.method == "POST":
        # Invalid, or refused by the service (its errors are on the form now).
        messages.error(request, invalid_message or _("Please correct the errors below."))
        status = 400
    if callable(context):
        context = context()
    return render(request, template, {"form": form, **(context or {})}, status=status)
