"""The guide's pictures are taken only when asked for (`make guide-shots`,
GUIDE_SHOTS=1): they generate the whole demo and rewrite docs/guide/img/,
which no ordinary test run should do."""

import os

if os.environ.get("GUIDE_SHOTS") != "1":
    collect_ignore_glob = ["test_*.py"]
