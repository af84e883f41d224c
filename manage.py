#!/usr/bin/env python
"""Django's manage.py, kept for habit; ``sauro`` (the console command) does the same."""

from sauro.cli import main

if __name__ == "__main__":
    main()
