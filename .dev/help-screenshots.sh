#!/usr/bin/env bash
# Takes the screenshots of the user guide again: runs the help's end-to-end
# tests (they save help-*.png of the main screens on the demo data under
# target/e2e-screenshots/) and copies the chosen ones into ui/help/, scaled
# to 960 px wide and reduced to 48 colours (Pillow), so the folder stays
# small in the repository and the package. README and the in-app help
# (F1) show the same files. Run after a change to a screen, then commit
# ui/help/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .dev/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}
# Debian's Pillow, for the system python3 (not a virtualenv's).
if ! /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pil >/dev/null
fi

echo "==> end-to-end tests of the help and the exchange's conflict screen (screenshots)"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test -p zaitaku-desk --features e2e --test e2e --locked -- --test-threads=1 help:: exchange::

# screenshot of target/e2e-screenshots/ → file name in ui/help/
/usr/bin/python3 - target/e2e-screenshots ui/help <<'PY'
import sys
from pathlib import Path
from PIL import Image

CHOSEN = {
    "help-lock": "lock.png",
    "help-cases": "cases.png",
    "help-booklets": "booklets.png",
    "help-lectures": "lectures.png",
    "help-registry": "registry.png",
    "help-reports": "reports.png",
    "help-settings": "settings.png",
    "help-meetings": "meetings.png",
    "help-search": "help.png",
    "exchange-conflict": "exchange-conflict.png",
}
shots, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(exist_ok=True)
total = 0
for shot, name in CHOSEN.items():
    image = Image.open(shots / f"{shot}.png").convert("RGB")
    width = 960
    image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    image = image.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(out / name, optimize=True)
    size = (out / name).stat().st_size
    total += size
    print(f"{name:14} {size / 1024:6.1f} KB")
print(f"{'total':14} {total / 1024:6.1f} KB")
PY
