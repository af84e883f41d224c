from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web shell, above every app: the overview page, the page shell's context (who is logged in, the bell, the
    navigation) and ``sauro serve``. The JSON API and the URL conf that assemble the apps are ``sauro/api.py`` and
    ``sauro/urls.py``."""

    name = "sauro.web"
    label = "web"
