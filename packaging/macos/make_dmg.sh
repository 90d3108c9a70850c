#!/usr/bin/env bash
# Sign, notarize and package dist/Commonplace.app as dist/Commonplace-<version>.dmg (macOS only).
# Needs: a "Developer ID Application" certificate in the keychain and a notarytool profile:
#   xcrun notarytool store-credentials commonplace-notary --apple-id ... --team-id ...
#   SIGN_ID="Developer ID Application: Name (TEAMID)" packaging/macos/make_dmg.sh 0.1.0
set -euo pipefail
VERSION="${1:-0.1.0}"
APP=dist/Commonplace.app
DMG="dist/Commonplace-${VERSION}.dmg"
: "${SIGN_ID:?set SIGN_ID to your Developer ID Application identity}"
NOTARY_PROFILE="${NOTARY_PROFILE:-commonplace-notary}"
ENT=packaging/macos/entitlements.plist

# 1. Sign inside-out: every native library, then the app, with the hardened runtime.
find "$APP/Contents" -type f \( -name "*.dylib" -o -name "*.so" \) -print0 |
  xargs -0 -n 20 codesign --force --timestamp --options runtime --sign "$SIGN_ID"
codesign --force --timestamp --options runtime --entitlements "$ENT" --sign "$SIGN_ID" "$APP"
codesign --verify --deep --strict --verbose=2 "$APP"

# 2. The disk image (app + /Applications link), signed itself.
STAGE="$(mktemp -d)"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Commonplace" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"
codesign --force --timestamp --sign "$SIGN_ID" "$DMG"

# 3. Notarize and staple, so Gatekeeper opens it offline.
xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
xcrun stapler staple "$DMG"
spctl --assess --type open --context context:primary-signature --verbose "$DMG"
echo "built $DMG"
