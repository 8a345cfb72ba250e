"""Opening a bundle safely and reading its CSV files row by row.

A bundle is a folder or a .zip holding some of the files in
resources.FILE_NAMES, at its top level or inside one folder. Nothing is
extracted to disk: zip members are streamed, and any other path (a
traversal, a nested folder, an unknown file) refuses the whole bundle."""

import codecs
import csv
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings

from interchange.formulas import restore
from interchange.resources import FILE_NAMES

BUNDLE = "bundle"  # the file name given to problems with the bundle as a whole

# Uncompressed size of all files together. A bundle of 100,000 contacts
# with its episodes is about 10 MB.
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
# The longest physical line of a bundle file (a contact note is far shorter).
DEFAULT_MAX_LINE_BYTES = 1024 * 1024


def max_bundle_bytes() -> int:
    return int(getattr(settings, "INTERCHANGE_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a bundle: a file, a line (None for the file as
    a whole), a column (None for the row as a whole) and a reason."""

    file: str
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "reason": self.reason}


class BundleRefused(Exception):
    """The bundle cannot be read at all; nothing in it was looked at."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class Bundle:
    """An opened bundle: which files it has, their total size, and a way
    to stream each one."""

    def __init__(
        self, files: dict[str, int], opener: Callable[[str], IO[bytes]], closer=None
    ) -> None:
        self.sizes = files
        self._opener = opener
        self._closer = closer

    @property
    def names(self) -> list[str]:
        return [name for name in FILE_NAMES if name in self.sizes]

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes.values())

    def open(self, name: str) -> IO[bytes]:
        return self._opener(name)

    def close(self) -> None:
        if self._closer:
            self._closer()

    def __enter__(self) -> "Bundle":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_bundle(path: str | Path, *, max_bytes: int | None = None) -> Bundle:
    """Open a folder or a .zip, refusing anything unexpected."""
    limit = max_bundle_bytes() if max_bytes is None else max_bytes
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        try:
            bundle = _open_folder(path)
        except OSError as error:
            raise BundleRefused(
                [Problem(BUNDLE, None, None, f"the folder cannot be read ({error.strerror})")]
            ) from None
    elif path.is_file() and zipfile.is_zipfile(path):
        bundle = _open_zip(path)
    elif path.exists():
        raise BundleRefused([Problem(BUNDLE, None, None, "not a folder or a .zip file")])
    else:
        raise BundleRefused([Problem(BUNDLE, None, None, "no such file or folder")])
    if bundle.total_bytes > limit:
        bundle.close()
        raise BundleRefused(
            [
                Problem(
                    BUNDLE,
                    None,
                    None,
                    f"the bundle holds {bundle.total_bytes:,} bytes of CSV, over the limit of "
                    f"{limit:,}; split it by service (export_bundle --service)",
                )
            ]
        )
    return bundle


def _open_folder(path: Path) -> Bundle:
    problems = []
    files: dict[str, int] = {}
    for entry in sorted(path.iterdir()):
        info = entry.lstat()
        if entry.name in FILE_NAMES and stat.S_ISREG(info.st_mode):
            files[entry.name] = info.st_size
        else:
            problems.append(
                Problem(BUNDLE, None, None, f"unexpected path {entry.name!r} in the folder")
            )
    if problems:
        raise BundleRefused(problems)

    def opener(name: str) -> IO[bytes]:
        return open(path / name, "rb")  # noqa: SIM115 (the caller closes it)

    return Bundle(files, opener)


def _open_zip(path: Path) -> Bundle:
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise BundleRefused(
            [Problem(BUNDLE, None, None, f"not a readable zip ({error})")]
        ) from None
    problems = []
    members: dict[str, zipfile.ZipInfo] = {}
    folders: set[str] = set()
    for info in infos:
        name = info.filename
        reason = _unsafe_member(info)
        if reason:
            problems.append(Problem(BUNDLE, None, None, f"unexpected path {name[:80]!r}: {reason}"))
            continue
        parts = PurePosixPath(name).parts
        if info.is_dir():
            folders.add(parts[0])
            continue
        folders.add(parts[0] if len(parts) == 2 else "")
        if parts[-1] in members:
            problems.append(Problem(BUNDLE, None, None, f"{parts[-1]} appears twice in the zip"))
            continue
        members[parts[-1]] = info
    if len(folders) > 1:
        problems.append(
            Problem(BUNDLE, None, None, "the files must sit together, at the top or in one folder")
        )
    if problems:
        archive.close()
        raise BundleRefused(problems)

    def opener(name: str) -> IO[bytes]:
        return archive.open(members[name])

    return Bundle({n: i.file_size for n, i in members.items()}, opener, archive.close)


def _unsafe_member(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if "\\" in name or name.startswith("/") or ":" in name or "\x00" in name:
        return "absolute or foreign path"
    parts = PurePosixPath(name).parts
    if any(part in ("..", ".") for part in parts):
        return "path traversal"
    if info.flag_bits & 0x1:
        return "encrypted"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a link"
    if info.is_dir():
        return "" if len(parts) == 1 else "nested folder"
    if len(parts) > 2:
        return "nested folder"
    if parts[-1] not in FILE_NAMES:
        return "not a bundle file (expected " + ", ".join(FILE_NAMES) + ")"
    return ""


class FileUnreadable(Exception):
    """A file that stops being readable part way (not UTF-8, not CSV)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_rows(
    stream: IO[bytes], file_name: str, expected: list[str], on_bytes: Callable[[int], None]
) -> Iterator[tuple[int, dict[str, str] | list[Problem]]]:
    """Yield (line, cells) for every record, or (line, [problems]) for a
    record of the wrong width. Raises FileUnreadable for a bad header or
    when the file stops being UTF-8 or CSV; problems found before that
    have already been yielded."""
    lines = _utf8_lines(stream, file_name, on_bytes)
    reader = csv.reader(lines, strict=True)
    header: list[str] | None = None
    previous_end = 0
    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not record or all(cell == "" for cell in record):
                continue  # blank lines, and spreadsheets' trailing ",,,," rows
            if header is None:
                header = [cell.strip() for cell in record]
                _check_header(header, expected, file_name, line)
                continue
            if len(record) != len(header):
                yield (
                    line,
                    [
                        Problem(
                            file_name,
                            line,
                            None,
                            f"has {len(record)} cells but the header has {len(header)}",
                        )
                    ],
                )
                continue
            yield line, dict(zip(header, map(restore, record), strict=True))
    except csv.Error as error:
        raise FileUnreadable(
            Problem(file_name, previous_end + 1, None, f"not valid CSV ({error})")
        ) from None
    if header is None:
        raise FileUnreadable(Problem(file_name, None, None, "empty: no header row"))


def _check_header(header: list[str], expected: list[str], file_name: str, line: int) -> None:
    reasons = []
    seen = set()
    for name in header:
        if name in seen:
            reasons.append(f"column {name!r} appears twice")
        seen.add(name)
    unknown = [name for name in header if name not in expected]
    missing = [name for name in expected if name not in seen]
    if unknown:
        shown = ", ".join(repr(n[:40]) for n in unknown[:10])
        reasons.append(f"unknown column{'s' if len(unknown) > 1 else ''} {shown}")
    if missing:
        reasons.append(f"missing column{'s' if len(missing) > 1 else ''} " + ", ".join(missing))
    if reasons:
        raise FileUnreadable(
            Problem(
                file_name,
                line,
                None,
                "header: " + "; ".join(reasons) + " (expected " + ", ".join(expected) + ")",
            )
        )


def max_line_bytes() -> int:
    return int(getattr(settings, "INTERCHANGE_MAX_LINE_BYTES", DEFAULT_MAX_LINE_BYTES))


def _bounded_lines(stream: IO[bytes], limit: int, file_name: str) -> Iterator[bytes]:
    """The stream's lines, each read with a bound: a line longer than the
    limit is refused after reading limit + 1 bytes of it, never held whole."""
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit:
            raise FileUnreadable(
                Problem(file_name, number, None, f"a line longer than {limit:,} bytes")
            )
        yield raw


def _utf8_lines(
    stream: IO[bytes], file_name: str, on_bytes: Callable[[int], None]
) -> Iterator[str]:
    for number, raw in enumerate(_bounded_lines(stream, max_line_bytes(), file_name), start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        on_bytes(len(raw))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FileUnreadable(
                Problem(file_name, number, None, "not UTF-8 text (save it as CSV UTF-8)")
            ) from None
        if "\x00" in text:
            raise FileUnreadable(
                Problem(file_name, number, None, "not valid CSV (a NUL byte: is it a binary file?)")
            )
        yield text
