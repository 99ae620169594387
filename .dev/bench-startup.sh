#!/usr/bin/env bash
# Start-up and memory of the window, measured under a virtual display and
# printed (not part of the tests; the figures of issue 18):
# - the sign-in screen drawn, against a minimal Tauri app built here as the
#   baseline (target: ≤ 1.2× the baseline);
# - the first start of a day on a 100,000-case database, whose automatic
#   backup is due, against a normal start of it (target: ≤ 1.3×);
# - PSS of the whole process tree (target: ≤ baseline + 30 MB), also with
#   the Japanese font given to the system instead of the bundled web font,
#   which is what the bundled one costs the screen.
# The app chooses WebKitGTK's rendering on Linux (src-tauri/src/lib.rs:
# no DMA-BUF renderer, pages painted by the CPU); the baseline is measured
# as Tauri makes it and also with the app's choice, to tell what the
# choice gains from what the app's own start costs.
# Run it on a quiet machine: other WebKit processes lower PSS (shared pages
# are split among more processes) and busy cores slow the drawing.
# Usage: bash .dev/bench-startup.sh [runs per case, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
bash .dev/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"
runs="${1:-5}"
out="$PWD/target/startup"
mkdir -p "$out"

echo "==> release builds (the app, and the minimal Tauri app with the same Cargo.lock)"
# Both as the package ships them (.dev/package.sh): ui/ served from inside.
cargo build --release --locked -p zaitaku-desk -p zaitaku-cli --features zaitaku-desk/custom-protocol
rm -rf "$out/minimal"
cp -r .dev/startup/minimal "$out/minimal"
cp Cargo.lock "$out/minimal/Cargo.lock"
cp icons/icon.png "$out/minimal/icon.png"
CARGO_TARGET_DIR="$PWD/target" cargo build --release --quiet --manifest-path "$out/minimal/Cargo.toml" --features custom-protocol

app="$PWD/target/release/zaitaku-desk"
cli="$PWD/target/release/zaitaku"
demo="$out/demo.db"
big="$out/cases-100000.db"
if [[ ! -f "$demo" ]]; then "$cli" demo-data --db "$demo" >/dev/null; fi
if [[ ! -f "$big" ]]; then
  echo "==> a database of 100,000 cases (once; kept in $out)"
  "$cli" demo-data --cases 100000 --db "$big" >/dev/null
fi
python3 .dev/startup/backup-due.py "$demo" today

# A still screen needs a caret that does not blink; a font folder of our own
# stands in for a Japanese system font.
config="$out/xdg-config"
mkdir -p "$config/gtk-3.0" "$out/fontconfig"
printf '[Settings]\ngtk-cursor-blink=false\n' > "$config/gtk-3.0/settings.ini"
cat > "$out/fontconfig/fonts.conf" <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>$PWD/src-tauri/fonts</dir></fontconfig>
CONF

measure() {
  xvfb-run -a -s "-screen 0 1280x800x24" \
    python3 .dev/startup/measure.py --runs "$runs" --env "XDG_CONFIG_HOME=$config" "$@" 2>>"$out/results.tsv"
}
: > "$out/results.tsv"
echo "==> start-up under Xvfb (1280x800), $runs runs each after one warm-up"
measure --label "minimal Tauri app (baseline)" -- "$PWD/target/release/minimal-tauri"
measure --label "minimal Tauri app, the app's rendering" \
  --env WEBKIT_DISABLE_DMABUF_RENDERER=1 --env WEBKIT_SKIA_ENABLE_CPU_RENDERING=1 -- "$PWD/target/release/minimal-tauri"
measure --label "sign-in screen, demo database" -- "$app" --db "$demo"
measure --label "sign-in screen, font as a system font" --env "FONTCONFIG_FILE=$out/fontconfig/fonts.conf" -- "$app" --db "$demo"
python3 .dev/startup/backup-due.py "$big" today
measure --label "100,000 cases, normal start" -- "$app" --db "$big"
measure --label "100,000 cases, first start of the day" \
  --before "python3 .dev/startup/backup-due.py '$big'" -- "$app" --db "$big"
rm -rf "$(dirname "$big")/backups"

python3 - "$out/results.tsv" <<'PY'
import sys
rows = {l.split("\t")[0][7:]: [float(x) for x in l.split("\t")[1:]]
        for l in open(sys.argv[1]) if l.startswith("RESULT ")}
base = rows["minimal Tauri app (baseline)"]
same = rows["minimal Tauri app, the app's rendering"]
ours = rows["sign-in screen, demo database"]
font = rows["sign-in screen, font as a system font"]
normal = rows["100,000 cases, normal start"]
first = rows["100,000 cases, first start of the day"]
print()
print(f"sign-in drawn / baseline drawn:           {ours[1] / base[1]:.2f}x   (target <= 1.2x)")
print(f"first start of a day / normal (100k):     {first[1] / normal[1]:.2f}x   (target <= 1.3x)")
print(f"tree PSS - baseline:                      {ours[2] - base[2]:+.1f} MB (target <= +30 MB)")
print(f"  with the font as a system font:         {font[2] - base[2]:+.1f} MB")
print(f"bundled web font's cost (PSS / USS):      {ours[2] - font[2]:+.1f} MB / {ours[3] - font[3]:+.1f} MB")
print("against the baseline given the app's rendering (what the app's own start costs):")
print(f"  sign-in drawn / baseline drawn:         {ours[1] / same[1]:.2f}x   (font as a system font: {font[1] / same[1]:.2f}x)")
print(f"  tree PSS - baseline:                    {ours[2] - same[2]:+.1f} MB (font as a system font: {font[2] - same[2]:+.1f} MB)")
PY
