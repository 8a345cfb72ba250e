"""The shipped NDTMS pack and an editor for copies of it: helpers that tests
import (a conftest holds fixtures only)."""

from pathlib import Path

PACK = Path(__file__).resolve().parents[2] / "reporting" / "ndtms" / "packs" / "Q"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
