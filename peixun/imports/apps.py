from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "peixun.imports"

    def ready(self) -> None:
        from peixun.imports import kinds

        kinds.register()
