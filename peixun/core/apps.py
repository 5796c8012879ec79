from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peixun.core"

    def ready(self) -> None:
        from peixun.core import lookups  # noqa: F401 - registers the __any_of lookup
