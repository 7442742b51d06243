"""Django's JSON serialisation, but with times to the microsecond.

Django's JSON encoder cuts times to milliseconds, so a dump and load would change every stored
time; a backup must give back exactly what was there. Registered as the format "exactjson"
(settings.SERIALIZATION_MODULES) for dumpdata and loaddata.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]  # not in django-stubs
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = JSONDeserializer
