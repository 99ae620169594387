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
if ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
  echo "==> npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

target="$(cargo metadata --format-version 1 --no-deps --locked |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"

# The headless CLI goes to /usr/bin/zaitaku. Its crate may not be in this
# checkout yet: then the package is built without it, and says so.
overrides=()
if cargo metadata --format-version 1 --no-deps --locked | grep -q '"name":"zaitaku-cli"'; then
  echo "==> cargo build --release -p zaitaku-cli" >&2
  cargo build --release --locked -p zaitaku-cli >&2
  cli="$target/release/zaitaku"
  overrides=(--config "{\"bundle\":{\"linux\":{
    \"deb\":{\"files\":{\"/usr/bin/zaitaku\":\"$cli\"}},
    \"rpm\":{\"files\":{\"/usr/bin/zaitaku\":\"$cli\"}}}}}")
else
  echo "==> NOTE: no zaitaku-cli crate in this workspace: the package has no /usr/bin/zaitaku" >&2
fi

# AppImage and the Windows/macOS formats download tools at build time and are
# not made here (see README, "Building on Windows or macOS").
echo "==> tauri build --bundles deb,rpm" >&2
npx --no-install tauri build --ci --bundles deb,rpm "${overrides[@]}" >&2

deb="$(ls -t "$target"/release/bundle/deb/*.deb | head -n 1)"
rpm="$(ls -t "$target"/release/bundle/rpm/*.rpm | head -n 1)"
ls -l "$target/release/zaitaku-desk" "$deb" "$rpm" >&2
echo "$deb"
