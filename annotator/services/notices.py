"""The licences of annotator and of everything it runs on, for Help › Licences and the bundle.

annotator itself is under the MIT licence (``LICENSE``). Its installers carry Python, Qt
(PySide6, under the LGPL 3) and the Python packages it needs; each one's licence must travel
with it. ``notices_text`` gives the text: in a bundle, the file ``THIRD-PARTY-NOTICES.txt``
written when it was built (``packaging/build.py``); otherwise it is made from what is
installed: every package annotator needs, and what they need in turn, with its version,
licence and the licence files it ships. A package that names the (L)GPL without shipping its
text (PySide6, shiboken6) gets the text from ``resources/licences``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from annotator.resources import resources_dir

NOTICES_FILE = "THIRD-PARTY-NOTICES.txt"
_LICENCE_FILE = re.compile(r"(^|/)(licen[cs]e|copying|copyright|notice)[^/]*$|\.dist-info/licenses/", re.IGNORECASE)
_SHIPPED_TEXTS = {"LGPL-3.0": "LGPL-3.0.txt", "GPL-3.0": "GPL-3.0.txt"}


@dataclass
class Notice:
    name: str
    version: str
    licence: str
    home: str = ""
    texts: list[tuple[str, str]] = field(default_factory=list)  # (file name, its text)


def own_licence() -> str:
    """annotator's own licence text."""
    checkout = Path(__file__).resolve().parent.parent.parent  # (a source checkout: pyproject.toml beside it)
    candidates = [resources_dir() / "LICENSE"]
    if (checkout / "pyproject.toml").is_file():
        candidates.append(checkout / "LICENSE")
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    try:
        text = metadata.distribution("annotator").read_text("licenses/LICENSE")
    except metadata.PackageNotFoundError:
        text = None
    return text or "MIT License (the LICENSE file is missing from this installation)."


def _requirements(dist: metadata.Distribution, extras: frozenset[str]) -> list[tuple[str, frozenset[str]]]:
    """The packages ``dist`` needs, with the extras asked of it (markers other than extras are
    not evaluated: a package meant for another system is simply not installed here)."""
    found = []
    for requirement in dist.requires or []:
        wanted = {_normal(e) for e in re.findall(r"\bextra\s*==\s*[\"']([^\"']+)[\"']", requirement)}
        if wanted and not extras & wanted:
            continue
        head = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", requirement)
        if head:
            asked = frozenset(_normal(e) for e in (head.group(2) or "").split(",") if e.strip())
            found.append((head.group(1), asked))
    return found


def _normal(name: str) -> str:
    """A package or extra name as packaging tools compare them (PEP 503/685)."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def _field(meta, name: str) -> str:
    """A metadata field, "" when absent (indexing a missing one is deprecated)."""
    return ((meta.get_all(name) or [""])[0] or "").strip()


def _licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    declared = _field(meta, "License")
    if declared and len(declared) <= 120 and "\n" not in declared:
        return declared
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return "; ".join(classifiers) or (declared.splitlines()[0][:120] if declared else "not stated")


def _texts_of(dist: metadata.Distribution, licence: str) -> list[tuple[str, str]]:
    texts = []
    for file in dist.files or []:
        if _LICENCE_FILE.search(str(file)) and not str(file).endswith((".py", ".pyc")):
            try:
                texts.append((str(file), Path(str(dist.locate_file(file))).read_text(encoding="utf-8",
                                                                                     errors="replace")))
            except OSError:
                continue
    if not texts:
        for spdx, file_name in _SHIPPED_TEXTS.items():
            if spdx in licence:
                path = resources_dir() / "licences" / file_name
                if path.is_file():
                    texts.append((file_name, path.read_text(encoding="utf-8")))
    return texts


def third_party(root: str = "annotator") -> list[Notice]:
    """Every installed package ``root`` needs, directly or not, sorted by name."""
    seen: dict[str, Notice] = {}
    asked: dict[str, frozenset[str]] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while todo:
        name, extras = todo.pop()
        key = _normal(name)
        if key in seen and extras <= asked[key]:
            continue
        asked[key] = asked.get(key, frozenset()) | extras
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        licence = _licence_of(dist)
        home = _field(dist.metadata, "Home-page") or next(
            (url.split(",", 1)[1].strip() for url in dist.metadata.get_all("Project-URL") or [] if "," in url), "")
        seen[key] = Notice(dist.metadata["Name"], dist.version, licence, home, _texts_of(dist, licence))
        todo.extend(_requirements(dist, asked[key]))
    seen.pop(_normal(root), None)
    return sorted(seen.values(), key=lambda n: n.name.lower())


def _python_notice() -> Notice:
    version = ".".join(map(str, sys.version_info[:3]))
    texts = []
    lib = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    for candidate in (Path(sys.base_prefix) / "LICENSE.txt", lib / "LICENSE.txt"):
        if candidate.is_file():
            texts.append(("LICENSE.txt", candidate.read_text(encoding="utf-8", errors="replace")))
            break
    return Notice("Python", version, "PSF-2.0", "https://www.python.org/", texts)


def build_notices() -> str:
    """The notices of what is installed now (see the module's docstring)."""
    notices = [_python_notice(), *third_party()]
    out = ["annotator bundles the software below. Each part keeps its own licence; the full texts",
           "follow the list. Qt and PySide6 are used under the GNU LGPL version 3: the Qt",
           "libraries are separate files in the installation and may be replaced. Qt itself",
           "contains third-party code (ICU, FreeType, HarfBuzz, libpng, PCRE2, zlib, among others)",
           "under their own licences: https://doc.qt.io/qt-6/licenses-used-in-qt.html", ""]
    out += [f"  {n.name} {n.version} — {n.licence}" for n in notices]
    for n in notices:
        out += ["", "=" * 78, f"{n.name} {n.version}", f"Licence: {n.licence}"]
        if n.home:
            out.append(f"Home: {n.home}")
        if not n.texts:
            out.append("(no licence text is shipped with this package; see its home page)")
        for file_name, text in n.texts:
            out += ["", f"--- {file_name} ---", text.rstrip()]
    return "\n".join(out) + "\n"


def notices_text() -> str:
    """The bundle's notices when there are some, else those of what is installed."""
    shipped = resources_dir() / NOTICES_FILE
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    return build_notices()


def write_notices(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_notices(), encoding="utf-8")
    return path
