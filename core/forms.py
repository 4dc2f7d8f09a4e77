"""Helpers for the forms of every app: the one form-POST pattern of the pages that write."""

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.exceptions import TransitionNotAllowed


def add_service_errors(form, error: ValidationError, field_names: dict | None = None) -> None:
    """Attach a service's ValidationError to the form's fields (or to the form as a whole,
    for the fields it does not have or does not show), so that the page shows each where it
    belongs. `field_names` maps a service's argument to the form's field where they differ."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        name = (field_names or {}).get(name, name)
        shown = name in form.fields and not form.fields[name].widget.is_hidden
        form.add_error(name if shown else None, field_messages)


def form_page(
    request: HttpRequest,
    form,
    act: Callable[[object], HttpResponse],
    *,
    template: str,
    context: dict | Callable[[], dict] | None = None,
    field_names: dict | None = None,
    invalid_message: str | None = None,
    also: Iterable = (),
) -> HttpResponse:
    """The form-POST pattern. On a POST with a valid form (and valid `also` forms, the
    other forms of the page, which `context` shows), `act(form)` calls the service and
    returns the response (a redirect after POST); a ValidationError it raises lands on the
    form. Otherwise the page shows the form: after a POST with status 400 and a message
    (`invalid_message`, by default "Please correct the errors below."), or with status 409
    and the reason when the service refuses the state of things (TransitionNotAllowed).
    `context` (or the function that makes it, called only when the page is shown) adds to
    the form; a `form` of its own takes the place of `form`."""
    status = 200
    if request.method == "POST":
        status = 400
        if all([form.is_valid(), *(other.is_valid() for other in also)]):
            try:
                return act(form)
            except ValidationError as error:
                add_service_errors(form, error, field_names)
            except TransitionNotAllowed as error:
                messages.error(request, error.message)
                status = 409
    if status == 400:
        # Invalid, or refused by the service (its errors are on the form now).
        messages.error(request, invalid_message or _("Please correct the errors below."))
    if callable(context):
        context = context()
    return render(request, template, {"form": form, **(context or {})}, status=status)
