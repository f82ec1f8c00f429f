"""Build the offline one-folder bundle and pack it as an archive for this platform.

    python -m pip install -e ".[packaging]"
    python packaging/build.py

The result is ``dist/annotator-VERSION-PLATFORM.tar.gz`` (``.zip`` on Windows):
unpack it anywhere and run ``annotator`` inside; no network or Python needed.
Then run ``python packaging/build.py --smoke`` to check the bundle starts,
opens (creates) the demo project and answers the CLI.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from annotator import __version__

    return __version__


def bundle_dir() -> Path:
    return ROOT / "dist" / f"annotator-{version()}"


def build() -> Path:
    sys.path.insert(0, str(ROOT))
    from annotator.services.notices import NOTICES_FILE, write_notices

    print(f"wrote {write_notices(ROOT / 'build' / 'notices' / NOTICES_FILE)}")  # (the spec bundles it)
    if sys.platform in ("win32", "darwin"):  # the .exe's and the .app's icon (the spec converts it)
        from deb import render_icons_apart

        render_icons_apart(ROOT / "build" / "icons")
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                    "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
                    str(ROOT / "packaging" / "annotator.spec")], check=True)
    tag = platform_tag()
    base = ROOT / "dist" / f"annotator-{version()}-{tag}"
    fmt = "zip" if sys.platform == "win32" else "gztar"
    if sys.platform.startswith("linux"):
        add_system_library_notices(bundle_dir())
    archive = Path(shutil.make_archive(str(base), fmt, root_dir=ROOT / "dist", base_dir=bundle_dir().name))
    write_checksum(archive)
    return archive


def add_system_library_notices(bundle: Path) -> None:
    """The licences of the libraries PyInstaller copied from the build system (libssl, libffi,
    libsqlite3, ...): on Debian and Ubuntu, each one's package and its copyright file, added
    to the bundle's THIRD-PARTY-NOTICES.txt."""
    notices = next(bundle.rglob("THIRD-PARTY-NOTICES.txt"), None)
    if notices is None or not shutil.which("dpkg"):
        return
    packages: dict[str, list[str]] = {}
    for library in sorted((bundle / "_internal").glob("lib*.so*")):
        found = subprocess.run(["dpkg", "-S", f"*/{library.name}"], capture_output=True, text=True)
        for line in found.stdout.splitlines():  # "package[:arch]: /path"; the file must be the same
            package, _, path = line.partition(": ")
            if Path(path).is_file() and filecmp.cmp(path, library, shallow=False):
                packages.setdefault(package.split(",")[0].strip(), []).append(library.name)
                break
    parts = ["", "=" * 78, "System libraries in this bundle, from the Debian packages of the build system", ""]
    parts += [f"  {package}: {', '.join(names)}" for package, names in packages.items()]
    for package in packages:
        copyright_file = Path("/usr/share/doc") / package.split(":")[0] / "copyright"
        if copyright_file.is_file():
            parts += ["", "=" * 78, f"{package} (Debian package)", "",
                      copyright_file.read_text(encoding="utf-8", errors="replace").rstrip()]
    with open(notices, "a", encoding="utf-8") as handle:
        handle.write("\n".join(parts) + "\n")
    print(f"added the licences of {len(packages)} system packages to {notices.name}")


def platform_tag() -> str:
    """linux-x86_64, windows-x86_64, macos-arm64: the names every artefact of a release uses."""
    system = {"darwin": "macos"}.get(platform.system().lower(), platform.system().lower())
    machine = {"amd64": "x86_64", "aarch64": "arm64"}.get(platform.machine().lower(), platform.machine().lower())
    return f"{system}-{machine}"


def write_checksum(artefact: Path) -> None:
    """Add or replace the artefact's line in SHA256SUMS beside it (``sha256sum -c`` reads it)."""
    digest = hashlib.sha256()
    with open(artefact, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    sums = artefact.parent / "SHA256SUMS"
    lines = [line for line in (sums.read_text().splitlines() if sums.exists() else [])
             if not line.endswith(f"  {artefact.name}")]
    sums.write_text("\n".join([*lines, f"{digest.hexdigest()}  {artefact.name}"]) + "\n")


def _offline() -> list[str]:
    """A prefix that runs a command without any network (a network namespace of its own), where
    the system allows it; else nothing (the smoke test then runs with the machine's network)."""
    if sys.platform.startswith("linux") and shutil.which("unshare"):
        if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
            return ["unshare", "-n", "--"]
    return []


def bare_environments(home: str) -> tuple[dict[str, str], dict[str, str]]:
    """The environment a newsroom machine gives the app (no Python paths, the system's PATH,
    ``home`` for its data and settings) offscreen, and the same for the self-test's window:
    on the display when there is one (Xvfb will do), else offscreen too."""
    bare = {k: os.environ[k] for k in ("SYSTEMROOT", "TEMP", "TMP", "LANG") if k in os.environ}
    env = {**bare, "PATH": os.defpath, "HOME": home, "ANNOTATOR_DATA_DIR": home, "ANNOTATOR_SETTINGS_DIR": home,
           "QT_QPA_PLATFORM": "offscreen"}
    display = os.environ.get("DISPLAY")
    shown = {**{k: v for k, v in env.items() if k != "QT_QPA_PLATFORM"}, "DISPLAY": display} if display else env
    return env, shown


def smoke() -> None:
    """Run the bundled executable headless, without network and with a bare environment (as a
    newsroom machine would run it): its self-test, the CLI and the demo project."""
    # (on Windows the console executable: the windowed one has no output to check)
    exe = bundle_dir() / ("annotator-cli.exe" if sys.platform == "win32" else "annotator")
    offline = _offline()
    print("no network for the bundle: " + ("yes (unshare -n)" if offline else "not available here"))
    with tempfile.TemporaryDirectory() as tmp:
        env, shown = bare_environments(tmp)
        project, other = Path(tmp) / "smoke.annotator", Path(tmp) / "other.annotator"
        for args, run_env in ((["--version"], env), (["--self-test"], shown), (["demo", str(project)], env),
                              (["info", str(project)], env), (["search", str(project), "Copenhagen"], env),
                              (["demo", str(other)], env), (["merge", str(project), str(other)], env)):
            out = subprocess.run([*offline, str(exe), *args], env=run_env, capture_output=True, text=True,
                                 timeout=120)
            print(f"$ annotator {' '.join(args)}\n{out.stdout}{out.stderr}")
            if out.returncode != 0:
                raise SystemExit(f"smoke test failed: annotator {' '.join(args)}")
        out = subprocess.run([*offline, str(exe), str(project)], env={**env, "ANNOTATOR_QUIT_AFTER_START": "1"},
                             capture_output=True, text=True, timeout=120)
        print(f"$ annotator {project}  (offscreen window, closes itself)\n{out.stderr}")
        if out.returncode != 0:
            raise SystemExit("smoke test failed: the window did not start")
        html = Path(tmp) / "page.html"
        html.write_text("<html><head><title>T</title></head><body><article><p>" + "Bundled HTML import works. " * 20
                        + "</p></article></body></html>", encoding="utf-8")
        out = subprocess.run([*offline, str(exe), "import", str(project), str(html)], env=env, capture_output=True,
                             text=True, timeout=120)
        print(out.stdout, out.stderr)
        if out.returncode != 0:
            raise SystemExit("smoke test failed: HTML import in the bundle")
        out = subprocess.run([*offline, str(exe), "similar", str(project), "--text",
                              "Clarifai deleted 3 million photos"],
                             env=env, capture_output=True, text=True, timeout=180)
        print(f"$ annotator similar … (spaCy sentences in the bundle)\n{out.stdout}{out.stderr}")
        if out.returncode != 0 or "Clarifai" not in out.stdout:
            raise SystemExit("smoke test failed: similar passages (spaCy) in the bundle")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Build the offline bundle.")
    parser.add_argument("--smoke", action="store_true", help="only smoke-test an existing bundle")
    args = parser.parse_args()
    if not args.smoke:
        print(f"built {build()}")
        if sys.platform.startswith("linux"):
            sys.path.insert(0, str(ROOT / "packaging"))
            import glibc_floor

            glibc_floor.main([str(bundle_dir())])
    smoke()
