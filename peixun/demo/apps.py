from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "peixun.demo"
