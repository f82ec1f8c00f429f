"""The release workflow and the Windows installer script: what can be checked without a
Windows or macOS machine (the files they name exist, the names they pass on agree)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

yaml = pytest.importorskip("yaml")

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"
INNO = REPO / "packaging" / "windows" / "annotator.iss"


def _steps(job: dict) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("with", "")) for step in job["steps"])


def test_every_platform_builds_its_installer_with_the_smoke_test_and_checksums():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    assert {"linux", "windows", "macos", "publish"} <= set(jobs)
    linux = _steps(jobs["linux"])
    assert all(step in linux for step in ("packaging/old_glibc.sh", "packaging/deb.py", "packaging/appimage.py"))
    for platform in ("windows", "macos"):
        assert "python packaging/build.py" in _steps(jobs[platform])  # (build.py runs the smoke test)
    assert "annotator.iss" in _steps(jobs["windows"]) and "hdiutil create" in _steps(jobs["macos"])
    for platform in ("linux", "windows", "macos"):
        assert "SHA256SUMS" in _steps(jobs[platform])
    assert "sha256sum -c SHA256SUMS" in _steps(jobs["publish"])
    # signing only with the secrets it needs, and never a secret in a condition
    for platform in ("windows", "macos"):
        signing = [s for s in jobs[platform]["steps"] if "Sign" in s.get("name", "")]
        assert signing and all(s["if"] == "env.SIGN == 'true'" for s in signing)


def test_the_windows_installer_takes_the_bundle_build_py_makes_with_both_executables():
    script = INNO.read_text()
    assert (REPO / "LICENSE").is_file() and "LicenseFile=..\\..\\LICENSE" in script
    source = re.search(r'Source: "([^"]+)"', script).group(1)
    assert source == "..\\..\\dist\\annotator-{#AppVersion}\\*"  # what build.py's bundle_dir() is named
    out = re.search(r"OutputBaseFilename=(\S+)", script).group(1)
    assert out.endswith("-setup") and "dist/*-setup.exe" in WORKFLOW.read_text()
    assert 'ValueData: """{app}\\annotator.exe"" ""%1"""' in script  # .annotator files open in the app
    # an upgrade removes the old bundle first: files of an older version must not linger
    assert 'Type: filesandordirs; Name: "{app}\\_internal"' in script.split("[InstallDelete]")[1].split("[Files]")[0]


def test_every_artefact_is_named_by_one_platform_tag():
    import sys

    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import build
    finally:
        sys.path.remove(str(REPO / "packaging"))
    system, machine = build.platform_tag().split("-", 1)
    assert system in {"linux", "windows", "macos"} and machine in {"x86_64", "arm64"} | {machine}
    assert "windows-x86_64-setup" in INNO.read_text() and "-macos-$(uname -m).dmg" in WORKFLOW.read_text()
