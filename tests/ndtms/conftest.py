"""The shipped NDTMS pack, loaded as it would be on a server."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from reporting.ndtms.reference import pack_load
from tests.ndtms.helpers import PACK


@pytest.fixture
def version_q(db):
    """Version Q, in force since long before any test's dates."""
    return pack_load(path=PACK, in_force_from=dt.date(2000, 4, 1))


@pytest.fixture
def pack_copy(tmp_path):
    """A copy of the shipped pack to change, renamed (a name loads once)."""

    def copy(name: str = "R", edit=None) -> Path:
        path = tmp_path / name
        shutil.copytree(PACK, path)
        version = path / "version.csv"
        version.write_text(version.read_text().replace("\nQ,", f"\n{name},"))
        if edit:
            edit(path)
        return path

    return copy
