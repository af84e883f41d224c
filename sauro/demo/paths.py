"""Where the demo's data files are (shipped inside the package: ``sauro/demo/data``)."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
