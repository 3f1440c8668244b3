#!/bin/sh
# pdf.js, the PDF reader in Firefox (npm pdfjs-dist, pinned in tests/e2e/pdfjs/package.json
# and package-lock.json; `make deps-test` installs it there with `npm ci`), reads every pack
# of the shipped fixtures (pet, second-trust) and of the in-year PET (pet-inyear):
# tests/e2e/pdfjs/check.mjs checks what its
# getStructTree() and getTextContent() make of each page - one Document of standard roles,
# Tables of TR of TH/TD, Figures with Alt, Links with their annotations, all text tagged or
# an artifact, the marked content in the tree's order (the text read in structure order is
# the page's text in reading order), headings from H1 skipping no level, contents entries
# that are Links to the H1/H2 heading of their text on the page they name - and, for the
# PET's board pack, the scorecard's TH header row and row headers and its three Figures.
# Run alone: make deps-test && BOARDPACK=./boardpack sh tests/e2e/pdfjs.sh
. "$(dirname "$0")/lib/common.sh"
dir=$(dirname "$0")/pdfjs
if ! command -v node >/dev/null 2>&1; then
    echo "skip: node missing (make deps-test)"; echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
fi
if [ ! -f "$dir/node_modules/pdfjs-dist/package.json" ]; then
    echo "skip: pdfjs-dist not installed (make deps-test runs npm ci in $dir)"
    echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
fi
want=$(sed -n 's/.*"pdfjs-dist": *"\([^"]*\)".*/\1/p' "$dir/package.json")
have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$dir/node_modules/pdfjs-dist/package.json" | head -n 1)
if [ "$want" = "$have" ]; then ok "pdfjs-dist $have as pinned"; else ko "pdfjs-dist $have installed, $want pinned (make deps-test)"; fi

for fx in fixtures/pet fixtures/second-trust fixtures/pet-inyear; do
    name=$(basename "$fx")
    rm -rf "$tmp/out"
    if ! SOURCE_DATE_EPOCH=1700000000 "$BOARDPACK" build --data "$fx" --out "$tmp/out" >"$tmp/build.log" 2>&1; then
        ko "$name: boardpack build"; tail -3 "$tmp/build.log"; continue
    fi
    n=0
    for f in "$tmp"/out/*.pdf; do
        b=$(basename "$f")
        n=$((n + 1))
        extra=; [ "$name/$b" = pet/pet-2022-23-board.pdf ] && extra=pet-board
        node "$dir/check.mjs" "$f" $extra >"$tmp/chk.txt" 2>"$tmp/err.txt"; rc=$?
        lines=0
        while IFS= read -r line; do
            lines=$((lines + 1))
            case "$line" in
                "ok   "*) ok "${line#ok   }" ;;
                "FAIL "*) ko "${line#FAIL }" ;;
                *) ko "$b: check.mjs: $line" ;;
            esac
        done <"$tmp/chk.txt"
        # pdf.js warns on stderr that it has no canvas (rendering, which is not used here)
        if [ "$rc" -ne 0 ] && [ "$lines" -eq 0 ] || grep -v -e "polyfill" -e "^Require stack" -e "^- /" "$tmp/err.txt" | grep -q .; then
            ko "$b: pdf.js failed (exit $rc)"; grep -v -e polyfill -e "^Require stack" -e "^- /" "$tmp/err.txt" | head -5
        fi
    done
    if [ "$n" -gt 0 ]; then ok "$name: $n packs read by pdf.js"; else ko "$name: no packs"; fi
done
summary
