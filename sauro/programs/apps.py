from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "sauro.programs"
    label = "programs"
    verbose_name = _("Chương trình công tác")

    def ready(self) -> None:
        from sauro.org.restructuring import register_succession_handler, register_succession_preview
        from sauro.programs.selectors import succession_preview
        from sauro.programs.services import program_items_move_to_successor

        # A merged unit's items in current programs pass to its successor; the merge's preview lists them first.
        register_succession_handler("programs", program_items_move_to_successor)
        register_succession_preview("programs", succession_preview)
