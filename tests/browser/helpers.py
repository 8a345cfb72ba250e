"""Where browser artifacts go and the personas' password: helpers that tests
import (a conftest holds fixtures only)."""

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"


PASSWORD = "correct horse battery staple"
