#!/usr/bin/env bash
# Package dist/commonplace/ (from build_linux.sh) as dist/commonplace_<version>_<arch>.deb:
#   /opt/commonplace/...                      the one-folder app
#   /usr/bin/commonplace -> /opt/commonplace/commonplace
#   /usr/share/applications/commonplace.desktop
#   /usr/share/icons/hicolor/{scalable,256x256,...}/apps/commonplace.{svg,png}
# No maintainer scripts: nothing runs as root at install time. Models are prepared on first
# run into the user's data dir (the GGUF is assembled from the chunks shipped inside).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
APP=dist/commonplace
[ -x "$APP/commonplace" ] || { echo "no $APP/commonplace: run packaging/build_linux.sh first" >&2; exit 1; }
VERSION="$("$APP/commonplace" --version | awk '{print $2}')"
ARCH="$(dpkg --print-architecture)"
STAGE="build/deb/commonplace_${VERSION}_${ARCH}"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications"
cp -a "$APP" "$STAGE/opt/commonplace"
ln -s /opt/commonplace/commonplace "$STAGE/usr/bin/commonplace"
install -m 644 packaging/commonplace.desktop "$STAGE/usr/share/applications/commonplace.desktop"
install -D -m 644 packaging/commonplace.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/commonplace.svg"
[ -f build/icons/commonplace.png ] || .venv/bin/python packaging/make_icon.py build/icons
install -D -m 644 build/icons/commonplace.png "$STAGE/usr/share/icons/hicolor/256x256/apps/commonplace.png"
for s in 16 32 48 64 128; do
  install -D -m 644 "build/icons/commonplace-$s.png" "$STAGE/usr/share/icons/hicolor/${s}x${s}/apps/commonplace.png"
done
SIZE_KB="$(du -sk "$STAGE" | cut -f1)"
# Runtime libraries the bundled Qt xcb plugin and OpenGL need from the system
# (the same list as the Makefile's APT_PKGS, minus the test tools).
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: commonplace
Version: ${VERSION}
Section: utils
Priority: optional
Architecture: ${ARCH}
Installed-Size: ${SIZE_KB}
Depends: libc6 (>= 2.31), libgl1, libegl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libdbus-1-3, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-xkb1, libxcb-cursor0, libxcb-shape0, libxcb-randr0, libxcb-xinerama0, libxcb-xfixes0
Maintainer: Commonplace <commonplace@localhost>
Description: private, local-first memory of what you saw on your screen
 Commonplace captures the screen, turns what you saw into structured memories and
 lets you search and chat with your own history. Everything stays on this machine:
 an on-device language model and embedding model ship inside the package.
CONTROL
# x86-64-v3 note: the bundled llama.cpp is built with GGML_NATIVE=OFF (AVX2/FMA/F16C).
start=$(date +%s)
# gzip: xz of ~1 GB took over 10 minutes on 2 cores; gzip -6 a few seconds per 100 MB.
dpkg-deb --root-owner-group -Zgzip -z6 --build "$STAGE" "dist/commonplace_${VERSION}_${ARCH}.deb" >/dev/null
ln -sf "commonplace_${VERSION}_${ARCH}.deb" dist/commonplace.deb
echo "built dist/commonplace_${VERSION}_${ARCH}.deb in $(( $(date +%s) - start )) s," \
     "$(du -h "dist/commonplace_${VERSION}_${ARCH}.deb" | cut -f1) (installed ${SIZE_KB} KiB)"
