"""API of the support desk: a buyer's questions, the advisers' answers, and the public
questions and answers. Serializers only validate; every write is a call into desk.py."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import get_question_for_viewer, is_adviser, may_ask, visible_questions
from .desk import (
    ANSWER_MAX,
    BODY_MAX,
    TITLE_MAX,
    question_answer,
    question_ask,
    question_close,
    subject_lookup,
)
from .enums import QuestionStatus, Subject
from .selectors import published_questions

MAX_ID = 2**63 - 1  # the largest id the database keeps (bigint)


class SubjectSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Subject.choices)
    key = serializers.CharField(
        help_text="The innovation's slug, the challenge's id or the route's code."
    )
    title = serializers.CharField(help_text="Its title or name.")


def _subject(question) -> dict:
    kind = question.subject_kind
    if kind == Subject.INNOVATION:
        return {"kind": kind, "key": question.innovation.slug, "title": question.innovation.title}
    if kind == Subject.CHALLENGE:
        return {"kind": kind, "key": str(question.challenge_id), "title": question.challenge.title}
    return {"kind": kind, "key": question.route.code, "title": question.route.name}


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.SerializerMethodField()
    title = serializers.CharField()
    body = serializers.CharField()
    publish_consent = serializers.BooleanField()
    status = serializers.ChoiceField(choices=QuestionStatus.choices)
    answer = serializers.CharField(help_text="Empty until answered.")
    answered_at = serializers.DateTimeField(allow_null=True)
    is_published = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(SubjectSerializer)
    def get_subject(self, question) -> dict:
        return _subject(question)


class QuestionCreateSerializer(serializers.Serializer):
    """Exactly one of innovation, challenge and route says what the question is about."""

    innovation = serializers.CharField(required=False, help_text="A published innovation's slug.")
    challenge = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A challenge's id."
    )
    route = serializers.CharField(required=False, help_text="A procurement route's code.")
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX, required=False, allow_blank=True)
    publish_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The asker agrees that the question and its answer are published, without "
        "names, once answered.",
    )

    def validate(self, attrs):
        given = [kind for kind in Subject.values if kind in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("Say what the question is about: exactly one of innovation, challenge, route.")
            )
        return attrs


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=ANSWER_MAX)
    publish = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Publish, without names, in the public questions and answers (only when "
        "the asker agreed).",
    )
    public_title = serializers.CharField(
        max_length=TITLE_MAX,
        required=False,
        allow_blank=True,
        help_text="The question as published; the asker's own wording when empty.",
    )
    public_body = serializers.CharField(max_length=BODY_MAX, required=False, allow_blank=True)


class PublishedQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.SerializerMethodField()
    title = serializers.CharField(source="public_title")
    body = serializers.CharField(source="public_body")
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField()

    @extend_schema_field(SubjectSerializer)
    def get_subject(self, question) -> dict:
        # A challenge names its municipality, and so could name the asker: only its kind.
        if question.subject_kind == Subject.CHALLENGE:
            return {"kind": Subject.CHALLENGE, "key": "", "title": ""}
        return _subject(question)


# --- Views --------------------------------------------------------------------------------


@extend_schema(tags=["support desk"])
class QuestionListView(generics.ListCreateAPIView):
    """GET: an adviser's queue (every question; `status` filters) or, for anyone else
    signed in, their own questions, newest first. POST: a buyer asks a question about
    something they can see."""

    serializer_class = QuestionSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        queryset = visible_questions(user)
        wanted = self.request.query_params.get("status")
        # An unknown state is a 400 for everyone, as documented (schemathesis found it
        # ignored for callers who are not advisers).
        if wanted is not None and wanted not in QuestionStatus.values:
            raise ValidationError(
                {
                    "status": [
                        _("Choose one of %(states)s.")
                        % {"states": ", ".join(QuestionStatus.values)}
                    ]
                }
            )
        if not is_adviser(user):
            return queryset.filter(asker=user)
        if wanted is not None:
            queryset = queryset.filter(status=wanted).order_by("created_at", "id")
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                enum=QuestionStatus.values,
                required=False,
                description="Advisers: only questions in this state (oldest first).",
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=QuestionCreateSerializer,
        responses={
            201: QuestionSerializer,
            400: OpenApiResponse(
                description="A field error, e.g. an innovation the asker cannot see."
            ),
            403: OpenApiResponse(description="Not a municipal buyer."),
        },
    )
    def post(self, request, *args, **kwargs):
        if not may_ask(request.user):
            raise PermissionDenied(_("Only municipal buyers can ask the support desk."))
        serializer = QuestionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        kind = next(kind for kind in Subject.values if kind in data)
        subject = subject_lookup(user=request.user, kind=kind, key=data.pop(kind))
        question = question_ask(user=request.user, subject=subject, **data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["support desk"])
class QuestionDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: QuestionSerializer})
    def get(self, request, pk):
        """One question: the asker's own, or any for an adviser."""
        return Response(QuestionSerializer(get_question_for_viewer(request.user, pk)).data)


@extend_schema(tags=["support desk"])
class QuestionAnswerView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AnswerSerializer,
        responses={
            200: QuestionSerializer,
            403: OpenApiResponse(
                description="Not an adviser, or the question is about an innovation of the "
                "adviser's own organisation."
            ),
            409: OpenApiResponse(description="Answered by another adviser meanwhile, or closed."),
        },
    )
    def post(self, request, pk):
        """An adviser answers an open question (and may publish it, without names, when
        the asker agreed). Of two advisers answering at once, one wins; the other gets 409."""
        question = get_question_for_viewer(request.user, pk)
        if not is_adviser(request.user):
            raise PermissionDenied(_("Only advisers can answer questions."))
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = question_answer(
            question=question, user=request.user, **serializer.validated_data
        )
        return Response(QuestionSerializer(question).data)


@extend_schema(tags=["support desk"])
class QuestionCloseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: QuestionSerializer,
            403: OpenApiResponse(description="Neither the asker nor an adviser."),
            409: OpenApiResponse(description="Already closed."),
        },
    )
    def post(self, request, pk):
        """Close a question, answered or not (the asker, or an adviser)."""
        question = get_question_for_viewer(request.user, pk)
        return Response(
            QuestionSerializer(question_close(question=question, user=request.user)).data
        )


@extend_schema(tags=["support desk"])
class PublishedQuestionListView(generics.ListAPIView):
    """The public questions and answers: answered questions published, without names,
    with the asker's consent; newest answer first."""

    serializer_class = PublishedQuestionSerializer
    permission_classes = []
    filter_backends = []

    def get_queryset(self):
        return published_questions(self.request.query_params.get("q", "")[:200])

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, required=False, description="Words in the question or answer."
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
