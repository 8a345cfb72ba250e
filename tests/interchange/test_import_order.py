"""Every interchange module can be the first one imported: generate_demo
imports the demo generator before anything else has loaded the bundle's
resources."""

import subprocess
import sys

import pytest

MODULES = ["interchange.generate", "interchange.cm_synthetic", "interchange.cm_exporting"]


@pytest.mark.parametrize("module", MODULES)
def test_it_imports_first_in_a_fresh_interpreter(module):
    program = f"import django; django.setup(); import {module}"
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
