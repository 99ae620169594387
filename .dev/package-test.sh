#!/usr/bin/env bash
# The Linux package as an office gets it: builds the .deb (.dev/package.sh),
# installs it with apt-get, runs the installed programs, opens the installed
# app on a fresh HOME under Xvfb, checks the desktop entry and icons, removes
# the package and checks that the user's data is still there.
# Run by .dev/test.sh; needs root or sudo (apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}
apt_quiet() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@" -y -qq >/dev/null
}
fail() {
  echo "package test: $*" >&2
  exit 1
}
phase_start=$SECONDS
took() {
  echo "    ($((SECONDS - phase_start)) s)"
  phase_start=$SECONDS
}

max_deb_kb=$((15 * 1024))

echo "==> package: build the .deb and .rpm (release build)"
deb="$(bash .dev/package.sh | tail -n 1)"
deb_kb=$(du -k "$deb" | cut -f1)
echo "    $deb: $deb_kb KB"
((deb_kb <= max_deb_kb)) || fail "the .deb is $deb_kb KB, more than $max_deb_kb KB"
rpm_file="$(ls -t "$(dirname "$(dirname "$deb")")"/rpm/*.rpm | head -n 1)"
rpm_kb=$(du -k "$rpm_file" | cut -f1)
echo "    $rpm_file: $rpm_kb KB"
((rpm_kb <= max_deb_kb)) || fail "the .rpm is $rpm_kb KB, more than $max_deb_kb KB"
# Its payload was recompressed (.dev/repack-rpm.py): rpm must accept the digests.
rpm -K --nosignature "$rpm_file" >/dev/null || fail "rpm -K: $(rpm -K --nosignature "$rpm_file" 2>&1)"
took

package="$(dpkg-deb --field "$deb" Package)"
# A copy left installed by an earlier run would hide a broken package.
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
  apt_quiet remove "$package"
fi

echo "==> package: apt-get install $deb"
# Without the recommended Japanese system font: the test machine keeps none,
# so the end-to-end tests go on proving that the app shows its bundled one.
apt_quiet install --no-install-recommends "$(realpath "$deb")"
dpkg-query -W -f='${Status}' "$package" | grep -q "install ok installed" ||
  fail "$package is not installed"
took

files="$(dpkg -L "$package")"
workspace="$(cargo metadata --format-version 1 --no-deps --locked)"

echo "==> package: installed programs"
version="$(/usr/bin/zaitaku-desk --version)"
echo "    $version"
[[ "$version" == *"$(dpkg-deb --field "$deb" Version)"* ]] ||
  fail "zaitaku-desk --version says \"$version\", the package is $(dpkg-deb --field "$deb" Version)"
if grep -qx /usr/bin/zaitaku <<<"$files"; then
  echo "    $(/usr/bin/zaitaku --version)"
elif grep -q '"name":"zaitaku-cli"' <<<"$workspace"; then
  fail "the package has no /usr/bin/zaitaku"
else
  echo "    NOTE: no zaitaku-cli crate yet, so no /usr/bin/zaitaku to run"
fi

echo "==> package: desktop entry and icons"
desktop="$(grep '^/usr/share/applications/.*\.desktop$' <<<"$files")" ||
  fail "no desktop entry in /usr/share/applications"
desktop-file-validate "$desktop"
entry() { sed -n "s/^$1=//p" "$desktop" | head -n 1; }
[[ "$(entry Name)" == "在宅医療相談室デスク" ]] || fail "$desktop: Name=$(entry Name)"
[[ "$(entry Exec)" == zaitaku-desk* ]] || fail "$desktop: Exec=$(entry Exec)"
icon="$(entry Icon)"
icons="$(grep "^/usr/share/icons/hicolor/.*/apps/$icon\.png$" <<<"$files" || true)"
[[ -n "$icons" ]] || fail "no icon named $icon under /usr/share/icons/hicolor"
for png in $icons; do
  [[ "$(head -c 4 "$png" | tail -c 3)" == PNG ]] || fail "$png is not a PNG"
done
echo "    $desktop: Exec=$(entry Exec), $(echo "$icons" | wc -l) icon sizes"

echo "==> package: first start of the installed app on a fresh HOME (Xvfb)"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
ZAITAKU_E2E_APP=/usr/bin/zaitaku-desk ZAITAKU_E2E_HOME="$home" \
  xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test -p zaitaku-desk --features e2e --test e2e --locked -- --test-threads=1 --quiet installed::
data="$home/.local/share/jp.zaitaku-desk.desktop"
took

echo "==> package: apt-get remove $package"
apt_quiet remove "$package"
[[ ! -e /usr/bin/zaitaku-desk ]] || fail "/usr/bin/zaitaku-desk is still there after removing"
[[ -f "$data/zaitaku-desk.db" ]] || fail "removing the package removed $data/zaitaku-desk.db"
echo "    the user's data is kept: $(ls "$data" | tr '\n' ' ')"
took
