#!/usr/bin/env bash
# Sets up, builds and opens 在宅医療相談室デスク on a demo database
# (~/.local/share/zaitaku-desk-demo/demo.db, created on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .dev/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

cargo build -p zaitaku-desk -p zaitaku-cli --locked
db="${XDG_DATA_HOME:-$HOME/.local/share}/zaitaku-desk-demo/demo.db"
if [[ ! -f "$db" ]]; then
  mkdir -p "$(dirname "$db")"
  target/debug/zaitaku demo-data --db "$db"
fi
echo "==> opening $db"
exec target/debug/zaitaku-desk --db "$db"
