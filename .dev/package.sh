#!/usr/bin/env bash
# Builds the Linux installers: a .deb (Debian 12, Ubuntu 22.04 and later) and
# an .rpm, with the Tauri bundler (@tauri-apps/cli pinned in package.json).
# Both hold the app /usr/bin/zaitaku-desk and the headless command-line tool
# /usr/bin/zaitaku. Prints the path of the .deb on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .dev/setup.sh >&2
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v npm >/dev/null; then
  echo "==> apt-get install nodejs npm" >&2
  if [[ $EUID -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
# The exact CLI of package-lock.json; it ships a prebuilt binary.
pinned="$(node -p 'require("./package.json").devDependencies["@tauri-apps/cli"]')"
installed="$(node -p 'require("./node_modules/@tauri-apps/cli/package.json").version' 2>/dev/null || true)"
if [[ "$installed" != "$pinned" ]]; then
  echo "==> npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

workspace="$(cargo metadata --format-version 1 --no-deps --locked)"
target="$(node -e 'console.log(JSON.parse(process.argv[1]).target_directory)' "$workspace")"

# Both binaries in one cargo invocation: built apart (`-p zaitaku-cli`, then
# `tauri build`), their dependencies are unified with different features and
# SQLCipher, OpenSSL and much else compile twice in release, minutes on CI.
# The app's `custom-protocol` feature is what `tauri build` turns on (ui/
# served from inside the binary). `tauri bundle` then only packages.
packages=(-p zaitaku-desk)
cli_crate=false
if grep -q '"name":"zaitaku-cli"' <<<"$workspace"; then
  packages+=(-p zaitaku-cli)
  cli_crate=true
else
  echo "==> NOTE: no zaitaku-cli crate in this workspace: the package has no /usr/bin/zaitaku" >&2
fi
echo "==> cargo build --release ${packages[*]}" >&2
cargo build --release --locked "${packages[@]}" --features zaitaku-desk/custom-protocol >&2

# The headless CLI goes to /usr/bin/zaitaku through the bundler's deb/rpm
# `files`, given here rather than in tauri.linux.conf.json because its path
# follows the target dir.
overrides=()
if $cli_crate; then
  cli="$target/release/zaitaku"
  overrides=(--config "{\"bundle\":{\"linux\":{
    \"deb\":{\"files\":{\"/usr/bin/zaitaku\":\"$cli\"}},
    \"rpm\":{\"files\":{\"/usr/bin/zaitaku\":\"$cli\"}}}}}")
fi

# AppImage and the Windows/macOS formats download tools at build time and are
# not made here (see README, "Building on Windows or macOS").
echo "==> tauri bundle --bundles deb,rpm" >&2
npx --no-install tauri bundle --ci --bundles deb,rpm "${overrides[@]}" >&2

deb="$(ls -t "$target"/release/bundle/deb/*.deb | head -n 1)"
rpm="$(ls -t "$target"/release/bundle/rpm/*.rpm | head -n 1)"

# The bundler packs with gzip. xz -9 looks back 64 MiB, across both
# binaries, so the 6 MB font that each holds is stored once: with the CLI,
# 10.0 MB instead of 16.3 (xz -6) or 20.5 (gzip). dpkg reads xz packages.
echo "==> repacking $(basename "$deb") with xz -9" >&2
repack="$(mktemp -d)"
trap 'rm -rf "$repack"' EXIT
dpkg-deb --raw-extract "$deb" "$repack/root"
dpkg-deb --root-owner-group -Zxz -z9 --build "$repack/root" "$deb" >/dev/null
# The same for the .rpm, whose bundler-made xz stream misses it too (19.6 MB
# instead of 12.3); the script mends the digests that cover the payload.
echo "==> repacking $(basename "$rpm") with xz -9" >&2
python3 .dev/repack-rpm.py "$rpm" >&2
ls -l "$target/release/zaitaku-desk" "$deb" "$rpm" >&2
echo "$deb"
