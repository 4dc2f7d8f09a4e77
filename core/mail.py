"""The one way the portal renders and sends a mail: to one user, in that user's language,
as a subject / text / html triplet of templates. The services decide who gets what and
when (through the outbox, audit.outbox); this only renders and sends."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """`path` (from reverse()) as an address a mail can link to."""
    return settings.KOPLOPER_BASE_URL.rstrip("/") + path


def recipient_language(user) -> str:
    """The language to write to `user` in: their own, else the portal's default."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def send_templated_mail(*, user, template: str, context: dict, headers=None) -> None:
    """Mail `user` <template>_subject.txt, <template>.txt and <template>.html rendered with
    `context` plus `recipient`, `language_code` and `subject`, in the user's language.
    Build the context's addresses inside `translation.override(recipient_language(user))`
    too: reverse() gives the address in the active language. No address, no mail."""
    if not user.email:
        return
    with translation.override(recipient_language(user)):
        context = {"recipient": user, "language_code": translation.get_language(), **context}
        # Plain text (the subject template does not escape); escaped where HTML shows it.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        context["subject"] = subject
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()
