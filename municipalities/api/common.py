"""Small serializers the adoption and challenge APIs share."""

from rest_framework import serializers

from innovations.models import Innovation

from ..models import Municipality


class MunicipalityBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["code", "name", "country", "province"]


class SupplierBriefSerializer(serializers.Serializer):
    name = serializers.CharField()


class InnovationBriefSerializer(serializers.ModelSerializer):
    supplier = SupplierBriefSerializer()

    class Meta:
        model = Innovation
        fields = ["slug", "title", "supplier"]
