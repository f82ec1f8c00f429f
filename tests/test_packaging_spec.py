"""The PyInstaller spec on each platform, as far as this machine can tell: the spec is run
with PyInstaller's build steps replaced by recorders and ``sys.platform`` set to Windows,
macOS or Linux, and what it asks for is checked (executables, console, icon, the macOS app
and its file type, the data it leaves out). The Linux build itself is checked by the smoke
test (packaging/build.py)."""

from __future__ import annotations

import shutil
import sys
import types

import pytest

from tests.conftest import REPO


class _Analysis:
    def __init__(self, scripts, **options):
        self.scripts, self.options = scripts, options
        self.pure = []
        self.binaries = [("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),
                         ("libX11.so.6", "/usr/lib/libX11.so.6", "BINARY"),
                         ("libxcb-cursor.so.0", "/usr/lib/libxcb-cursor.so.0", "BINARY"),
                         ("libstdc++.so.6", "/usr/lib/libstdc++.so.6", "BINARY"),
                         ("libffi.so.8", "/usr/lib/libffi.so.8", "BINARY"),
                         ("libpython3.11.so.1.0", "/usr/lib/libpython3.11.so.1.0", "BINARY"),
                         ("PySide6/Qt/lib/libQt6Core.so.6", "site/libQt6Core.so.6", "BINARY"),
                         ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "site/libqgtk3.so", "BINARY"),
                         ("PySide6/Qt/plugins/platforms/libqxcb.so", "site/libqxcb.so", "BINARY")]
        self.datas = [("PySide6/Qt/translations/qtbase_de.qm", "src", "DATA"),
                      ("babel/locale-data/de.dat", "src", "DATA"), ("babel/locale-data/en_GB.dat", "src", "DATA"),
                      ("babel/locale-data/root.dat", "src", "DATA"), ("annotator/_resources/LICENSE", "src", "DATA")]


def _run_spec(tmp_path, monkeypatch, platform: str, *, with_icon: bool = True) -> dict:
    root = tmp_path / "checkout"
    (root / "packaging").mkdir(parents=True)
    shutil.copy(REPO / "packaging" / "annotator.spec", root / "packaging")
    (root / "annotator").mkdir()
    shutil.copy(REPO / "annotator" / "__init__.py", root / "annotator")
    (root / "build" / "notices").mkdir(parents=True)
    (root / "build" / "notices" / "THIRD-PARTY-NOTICES.txt").write_text("licences\n")
    if with_icon:
        (root / "build" / "icons" / "256x256" / "apps").mkdir(parents=True)
        (root / "build" / "icons" / "256x256" / "apps" / "annotator.png").write_bytes(b"\x89PNG")
    made: dict = {"EXE": [], "COLLECT": [], "BUNDLE": []}

    def recorder(kind):
        def record(*args, **options):
            made[kind].append((args, options))
            return (kind, options.get("name"))
        return record

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package: [(f"{package}/settings.cfg", package)]  # type: ignore[attr-defined]
    for name, module in (("PyInstaller", types.ModuleType("PyInstaller")),
                         ("PyInstaller.utils", types.ModuleType("PyInstaller.utils")),
                         ("PyInstaller.utils.hooks", hooks)):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(sys, "platform", platform)
    namespace = {"SPECPATH": str(root / "packaging"), "Analysis": _Analysis, "PYZ": lambda pure: ("PYZ",),
                 "EXE": recorder("EXE"), "COLLECT": recorder("COLLECT"), "BUNDLE": recorder("BUNDLE"),
                 "__file__": str(root / "packaging" / "annotator.spec")}
    exec(compile((root / "packaging" / "annotator.spec").read_text(), "annotator.spec", "exec"), namespace)
    made["analysis"] = namespace["a"]
    made["root"] = root
    return made


def _executables(made) -> dict[str, dict]:
    return {options["name"]: options for _args, options in made["EXE"]}


def test_on_windows_a_windowed_exe_and_a_console_one_share_the_folder_with_the_icon(tmp_path, monkeypatch):
    made = _run_spec(tmp_path, monkeypatch, "win32")
    exes = _executables(made)
    assert set(exes) == {"annotator", "annotator-cli"}
    assert exes["annotator"]["console"] is False and exes["annotator-cli"]["console"] is True
    icon = str(made["root"] / "build" / "icons" / "256x256" / "apps" / "annotator.png")
    assert all(options["icon"] == [icon] and options["strip"] is False for options in exes.values())
    (collected, options), = made["COLLECT"]
    assert ("EXE", "annotator") in collected and ("EXE", "annotator-cli") in collected
    assert options["name"].startswith("annotator-") and not made["BUNDLE"]


def test_on_macos_the_folder_becomes_an_app_that_opens_project_files(tmp_path, monkeypatch):
    made = _run_spec(tmp_path, monkeypatch, "darwin")
    assert set(_executables(made)) == {"annotator"}
    (_args, app), = made["BUNDLE"]
    assert app["name"] == "annotator.app" and app["icon"].endswith("annotator.png")
    plist = app["info_plist"]
    exported, = plist["UTExportedTypeDeclarations"]
    assert exported["UTTypeTagSpecification"]["public.filename-extension"] == ["annotator"]
    assert plist["CFBundleDocumentTypes"][0]["LSItemContentTypes"] == [exported["UTTypeIdentifier"]]


def test_on_linux_one_executable_and_no_icon_file_is_needed(tmp_path, monkeypatch):
    made = _run_spec(tmp_path, monkeypatch, "linux", with_icon=False)
    exes = _executables(made)
    assert set(exes) == {"annotator"} and exes["annotator"]["icon"] is None
    assert not made["BUNDLE"]


def test_on_linux_the_libraries_every_desktop_has_come_from_the_system(tmp_path, monkeypatch):
    kept = [name for name, _src, _kind in _run_spec(tmp_path, monkeypatch, "linux")["analysis"].binaries]
    assert kept == ["libffi.so.8", "libpython3.11.so.1.0", "PySide6/Qt/lib/libQt6Core.so.6",
                    "PySide6/Qt/plugins/platforms/libqxcb.so"]
    everything = _run_spec(tmp_path / "windows", monkeypatch, "win32")["analysis"].binaries
    assert len(everything) == 9  # (only Linux takes them from the system)


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_every_platform_leaves_out_qts_translations_and_babels_other_languages(tmp_path, monkeypatch, platform):
    made = _run_spec(tmp_path, monkeypatch, platform)
    kept = [dest for dest, _src, _kind in made["analysis"].datas]
    assert kept == ["babel/locale-data/en_GB.dat", "babel/locale-data/root.dat", "annotator/_resources/LICENSE"]
    datas = made["analysis"].options["datas"]
    assert (str(made["root"] / "LICENSE"), "annotator/_resources") in datas
    notices = made["root"] / "build" / "notices" / "THIRD-PARTY-NOTICES.txt"  # written by build.py
    assert (str(notices), "annotator/_resources") in datas
    assert ("trafilatura/settings.cfg", "trafilatura") in datas
