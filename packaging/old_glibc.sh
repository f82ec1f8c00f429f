#!/bin/sh
# Build the Linux bundle on Debian 11 (glibc 2.31), so that it runs on Ubuntu 20.04 and 22.04,
# Debian 11 and 12, RHEL/Rocky 9 and newer: a bundle built on the newest systems asks for
# their glibc and will not start on older ones.
#
#   sudo sh packaging/old_glibc.sh [WORK_FOLDER]
#
# Needs root, debootstrap and the Debian package archive and PyPI (nothing else is
# downloaded). Makes a Debian 11 root in WORK_FOLDER (default /var/tmp/annotator-bullseye),
# builds Python 3.11 there from Debian's own source package (3.11.2 with Debian's security
# fixes; Debian 11 has no Python 3.11), installs this checkout with pip (which picks the newest
# wheels that run on glibc 2.31: PySide6 6.9, whose wheels ask for glibc 2.28, where 6.10 and
# later ask for 2.34), runs packaging/build.py with its smoke test inside, and copies the
# archive to dist/ here with "-glibc2.31" in its name. Then it prints the bundle's glibc
# floor (packaging/glibc_floor.py). About 15 minutes on 2 cores, most of it compiling Python.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-/var/tmp/annotator-bullseye}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

CERTS=/etc/ssl/certs/ca-certificates.crt
in_root() {  # (a clean environment, but for a proxy and a package index the host is set to use)
    chroot "$WORK" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        SSL_CERT_FILE=$CERTS PIP_CERT=$CERTS http_proxy="${http_proxy:-}" https_proxy="${https_proxy:-}" \
        no_proxy="${no_proxy:-}" PIP_INDEX_URL="${PIP_INDEX_URL:-https://pypi.org/simple}" "$@"
}
# The host's /proc and /dev are mounted inside while it works: unmounted however it ends (an
# interrupt included), so that removing the folder afterwards never reaches the host's /dev.
cleanup() { umount "$WORK/proc" "$WORK/dev" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

if [ ! -x "$WORK/usr/bin/apt-get" ]; then
    debootstrap --variant=minbase bullseye "$WORK" "$MIRROR"
fi
mountpoint -q "$WORK/proc" || mount --bind /proc "$WORK/proc"
mountpoint -q "$WORK/dev" || mount --bind /dev "$WORK/dev"
cp /etc/resolv.conf "$WORK/etc/resolv.conf"
# Debian 11's security updates for what the bundle takes from it (OpenSSL, SQLite, ...).
echo "deb $SECURITY bullseye-security main" \
    > "$WORK/etc/apt/sources.list.d/security.list"
echo "deb-src $MIRROR bookworm main" > "$WORK/etc/apt/sources.list.d/python-source.list"

in_root apt-get update -q
in_root env DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    build-essential dpkg-dev ca-certificates git binutils \
    libssl-dev zlib1g-dev libffi-dev libsqlite3-dev libbz2-dev liblzma-dev libreadline-dev uuid-dev \
    libgdbm-dev libncurses-dev libexpat1-dev \
    libgl1 libegl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3 fonts-dejavu-core \
    libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
    libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libx11-xcb1
# The host's certificate authorities (a proxy's among them) for Python and pip inside.
if [ -f "$CERTS" ]; then cp "$CERTS" "$WORK$CERTS"; fi

if [ ! -x "$WORK/opt/py311/bin/python3.11" ]; then
    in_root sh -c '
        set -e
        rm -rf /src && mkdir /src && cd /src
        apt-get source --download-only python3.11
        dpkg-source -x python3.11_*.dsc py
        cd py
        # Debian'"'"'s security fix for pyexpat includes a core header; its own build defines
        # what that header asks for, a plain build does not.
        sed -i "1i #ifndef Py_BUILD_CORE_BUILTIN\n#  define Py_BUILD_CORE_MODULE 1\n#endif" Modules/pyexpat.c
        ./configure --prefix=/opt/py311 --enable-shared LDFLAGS="-Wl,-rpath,/opt/py311/lib"
        make -j"$(nproc)"
        make install ENSUREPIP=no   # (Debian turns ensurepip off; pip comes from PyPI below)
        /opt/py311/bin/python3.11 -c "import pyexpat, ssl, sqlite3, lzma, bz2, ctypes, zlib"
    '
fi

rm -rf "$WORK/build/annotator" "$WORK/build/venv" "$WORK/build/wheels"
mkdir -p "$WORK/build"
git -C "$ROOT" archive --format=tar --prefix=annotator/ HEAD | tar -x -C "$WORK/build"
in_root sh -c '
    set -e
    /opt/py311/bin/python3.11 -m venv --without-pip /build/venv
    cd /build && mkdir -p wheels
    /opt/py311/bin/python3.11 -c "
import json, urllib.parse, urllib.request
index = \"https://pypi.org/pypi/pip/json\"
wheel = next(f for f in json.load(urllib.request.urlopen(index))[\"urls\"] if f[\"filename\"].endswith(\".whl\"))
url = urllib.parse.urljoin(index, wheel[\"url\"])  # (a mirror may give it relative to the index)
urllib.request.urlretrieve(url, \"/build/wheels/\" + wheel[\"filename\"])
"
    pip_wheel=$(ls /build/wheels/pip-*.whl)
    /build/venv/bin/python "$pip_wheel/pip" install -q --no-index "$pip_wheel"
    cd /build/annotator
    /build/venv/bin/pip install -q -e ".[packaging]"
    /build/venv/bin/python packaging/build.py   # (prints the bundle'"'"'s glibc floor)
'
mkdir -p "$ROOT/dist"
for archive in "$WORK"/build/annotator/dist/annotator-*-linux-*.tar.gz; do
    name=$(basename "$archive" .tar.gz)-glibc2.31.tar.gz
    cp "$archive" "$ROOT/dist/$name"
    python3 -c "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import build; \
build.write_checksum(Path(sys.argv[2]))" "$ROOT/packaging" "$ROOT/dist/$name"  # (its line in SHA256SUMS)
    echo "built $ROOT/dist/$name"
done
