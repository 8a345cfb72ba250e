"""The interchange fixtures; the valid bundle and the helpers to write,
mangle, zip and count are in helpers.py."""

from pathlib import Path

import pytest

from tests.interchange.helpers import valid_files, write_bundle


@pytest.fixture
def bundle(tmp_path) -> Path:
    return write_bundle(tmp_path / "bundle", valid_files())
