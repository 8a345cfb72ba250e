"""Mangled bundles never crash the import and never half-import: either the
bundle is still valid and imports whole, or it is refused and every
table's row count is what it was."""

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interchange.importing import import_bundle
from interchange.models import ImportJob, ImportState
from tests.dates import LITERAL_DAY
from tests.interchange.helpers import csv_text, table_counts, valid_files

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

NAMES = list(valid_files())


def valid_bytes() -> dict[str, bytes]:
    return {name: csv_text(name, rows).encode() for name, rows in valid_files().items()}


cell_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "yes", "no", "2026-13-01", "2099-01-01", "-1", "31", "1e3", "NaN", "E1",
         "R1", "C1", "A", "crack", "attended", "keywork", "a;b;;c", '"', "\\", "\x00", "é"]
    ),
)  # fmt: skip


@st.composite
def mangling(draw):
    kind = draw(
        st.sampled_from(
            ["cell", "header", "drop_line", "dup_line", "swap", "bytes", "truncate", "drop_file"]
        )
    )
    return (
        kind,
        draw(st.sampled_from(NAMES)),
        draw(st.integers(0, 10_000)),
        draw(st.integers(0, 10_000)),
        draw(cell_text),
        draw(st.binary(max_size=12)),
    )


def mangle(files: dict[str, bytes], how) -> None:
    kind, name, a, b, text, junk = how
    if name not in files:
        return
    data = files[name]
    lines = data.decode("utf-8", "replace").splitlines(keepends=True)
    if kind == "cell" and len(lines) > 1:
        i = 1 + a % (len(lines) - 1)
        cells = lines[i].rstrip("\n").split(",")
        cells[b % len(cells)] = text.replace(",", ";")
        lines[i] = ",".join(cells) + "\n"
        files[name] = "".join(lines).encode("utf-8", "surrogatepass")
    elif kind == "header":
        cells = lines[0].rstrip("\n").split(",")
        cells[b % len(cells)] = text.replace(",", ";")
        lines[0] = ",".join(cells) + "\n"
        files[name] = "".join(lines).encode("utf-8", "surrogatepass")
    elif kind == "drop_line" and lines:
        del lines[a % len(lines)]
        files[name] = "".join(lines).encode()
    elif kind == "dup_line" and lines:
        i = a % len(lines)
        lines.insert(i, lines[i])
        files[name] = "".join(lines).encode()
    elif kind == "swap" and len(lines) > 1:
        i, j = a % len(lines), b % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
        files[name] = "".join(lines).encode()
    elif kind == "bytes":
        at = a % (len(data) + 1)
        files[name] = data[:at] + junk + data[at:]
    elif kind == "truncate":
        files[name] = data[: a % (len(data) + 1)]
    elif kind == "drop_file":
        del files[name]


def write(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(manglings=st.lists(mangling(), min_size=1, max_size=3), preload=st.booleans())
def test_a_mangled_bundle_imports_whole_or_not_at_all(manglings, preload):
    files = valid_bytes()
    if preload:
        with tempfile.TemporaryDirectory() as tmp:
            import_bundle(write(Path(tmp) / "b", valid_bytes()))
    for how in manglings:
        mangle(files, how)
    before = table_counts()
    with tempfile.TemporaryDirectory() as tmp:
        report = import_bundle(write(Path(tmp) / "b", files))
    if report.ok:
        assert report.imported
    else:
        assert not report.imported
        assert report.problems
        assert table_counts() == before
        for problem in report.problems:
            assert problem.reason and "Traceback" not in problem.reason


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    members=st.dictionaries(
        st.one_of(
            st.sampled_from(NAMES),
            # A zip member name cannot hold a NUL or a lone surrogate.
            st.text(
                st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                min_size=1,
                max_size=20,
            ),
            st.sampled_from(["../x.csv", "/abs.csv", "a/b/c.csv", "d/", "x/clients.csv"]),
        ),
        st.binary(max_size=40),
        max_size=4,
    )
)
def test_a_zip_of_anything_never_crashes_the_import(members):
    before = table_counts()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        report = import_bundle(path)
    if not report.ok:
        assert table_counts() == before


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(manglings=st.lists(mangling(), min_size=1, max_size=2))
def test_a_mangled_upload_never_gets_a_500(
    admin_user, client, django_capture_on_commit_callbacks, manglings
):
    files = valid_bytes()
    for how in manglings:
        mangle(files, how)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    buffer.seek(0)
    buffer.name = "bundle.zip"
    client.force_login(admin_user)
    before = table_counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("interchange:index"), {"bundle": buffer})
    assert response.status_code in (302, 422)
    job = ImportJob.objects.order_by("-pk").first()
    assert job.state in (ImportState.PREVIEW, ImportState.REFUSED)
    page = client.get(reverse("interchange:detail", args=[job.pk]))
    assert page.status_code == 200
    assert table_counts() == before  # a check writes nothing
