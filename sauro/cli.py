"""The ``sauro`` console command: Django's management commands under the project's settings.

``sauro migrate``, ``sauro demo load``, ``sauro audit verify``, ``sauro serve`` …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sauro", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
