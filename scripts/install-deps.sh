#!/bin/sh
# Installs the Debian packages boardpack needs, only those missing.
#   install-deps.sh runtime   - to build and to write the reports
#   install-deps.sh test      - also what the test suite needs
#   install-deps.sh lint      - also the static analyser (make lint)
#   install-deps.sh bench     - also what make bench needs (scripts/bench.sh)
# Uses apt-get; through sudo when not root.  Prints nothing when all is present.
set -eu
what=${1:-runtime}
pkgs="gcc make pkg-config libc6-dev libhpdf-dev libxlsxwriter-dev libcsv-dev fonts-dejavu-core fonttools"
# libdeflate: every PDF stream and workbook part deflated whole (src/bp_deflate.c)
pkgs="$pkgs libdeflate-dev"
# the fallback font for CJK text (TrueType outlines, which libharu can embed; fonts-noto-cjk
# is CFF, which it cannot)
pkgs="$pkgs fonts-wqy-microhei"
if [ "$what" = test ]; then
    pkgs="$pkgs libcmocka-dev poppler-utils qpdf python3 python3-openpyxl libreoffice-calc-nogui"
    # the tagged PDFs' structure checker (tests/e2e/tagged_check.py)
    pkgs="$pkgs python3-pikepdf"
    # Node.js and npm: pdf.js reads the packs (tests/e2e/pdfjs.sh; make deps-test runs npm ci).
    # By command, not package: a Node.js from elsewhere (NodeSource's nodejs has npm in it)
    # is as good, and Debian's npm would conflict with it
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        pkgs="$pkgs nodejs npm"
    fi
    # groff: the manual page rendered and checked for warnings (tests/e2e/manpage.sh)
    pkgs="$pkgs groff-base"
    # the workbook edited in LibreOffice over UNO, and recalculated by a second engine
    pkgs="$pkgs python3-uno gnumeric"
    pkgs="$pkgs clang libclang-rt-14-dev valgrind"
    # ssconvert: the workbook as Gnumeric renders and recalculates it (tests/e2e/xlsx_present.sh)
    pkgs="$pkgs gnumeric"
fi
if [ "$what" = bench ]; then
    # the plans read off boardpack's output (qpdf, openpyxl, pikepdf: scripts/bench_plan.py,
    # scripts/bench_peer.py), zlib's headers for build/bench_deflate_floor, and the Python
    # peer it is compared with: XlsxWriter and reportlab (scripts/bench_peer.py)
    pkgs="$pkgs qpdf python3 python3-openpyxl python3-pikepdf zlib1g-dev python3-xlsxwriter python3-reportlab"
fi
if [ "$what" = lint ]; then
    pkgs="$pkgs cppcheck"
fi
missing=
for p in $pkgs; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
