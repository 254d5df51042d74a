#!/usr/bin/env bash
# Installs everything digitize needs on a fresh Debian/Ubuntu machine, then runs the
# main job on a shipped sample.  Idempotent: run it again at any time.
#   scripts/setup.sh            install + extract a sample
#   scripts/setup.sh --no-run   install only (used by scripts/test.sh and CI)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils python3-venv
              # the store's server at scale (the tests start a throw-away cluster) and the
              # browser the web app's tests drive (Playwright, no browser download)
              postgresql chromium
              # fonts for the synthetic documents of the benchmark and the samples
              fonts-liberation2 fonts-noto-core fonts-dejavu-core fonts-freefont-ttf fonts-ocr-b
              fonts-dancingscript fonts-kaushanscript fonts-dkg-handwriting fonts-humor-sans fonts-comic-neue)
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
EXTRAS=${EXTRAS:-dev,ray,postgres,pdf,web,train}
# The train extra's torch must be the CPU build: a local wheel folder is searched first.
WHEELS=${WHEELS:-/opt/wheels}
FIND_LINKS=()
[ -d "$WHEELS" ] && FIND_LINKS=(--find-links "$WHEELS")

need_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing system packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.digitize-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "${FIND_LINKS[@]}" -e ".[$EXTRAS]"
  # Skew estimators the benchmark compares against.  --no-deps: jdeskew asks for
  # opencv-python-headless, a second OpenCV flavour; what they need is already installed.
  "$VENV/bin/python" -m pip install -q --no-deps "deskew==1.6.1" "jdeskew==0.4.2"
  touch "$stamp"
fi
"$VENV/bin/digitize" models verify >/dev/null || { "$VENV/bin/digitize" models verify; exit 4; }

if [ "${1:-}" != "--no-run" ]; then
  # The main job with the embedded defaults (SQLite store in the output folder, local worker
  # processes): every shipped sample read into results/, then the Form 01 spreadsheet.  A
  # second run resumes: finished inputs are skipped.
  echo "setup: done. Reading the shipped samples: digitize batch samples/ --out results/"
  "$VENV/bin/digitize" batch samples/ --out results/ || exit $?
  "$VENV/bin/digitize" export --out results/ --format xlsx -o results/form01.xlsx || exit $?
  sample=results/gcn_2009_2014_trang_1-2.pdf.json
  echo "setup: the record of samples/gcn_2009_2014_trang_1-2.pdf ($sample):"
  "$VENV/bin/python" -c '
import json, sys
doc = json.load(sys.stdin)
print(json.dumps({"loai_tai_lieu": doc["loai_tai_lieu"], "record": doc["record"]}, ensure_ascii=False, indent=2))
summary = ["%s=%s(%.2f)" % (f["path"], f["status"], f["confidence"]) for f in doc["fields"]]
print("fields:", ", ".join(summary))
print("warnings:", doc["warnings"] or "none")' < "$sample"
  echo "setup: all results in results/ (one JSON per input, results/digitize.db, results/form01.xlsx)"
fi
