#!/bin/sh
# The pack templates as a clerk may leave them (BOARDPACK_TEMPLATES pointing at a copy of
# templates/): saved by a Windows editor with a byte-order mark and CRLF (the same pack,
# byte for byte), broken (every error with its position, the summary naming the pack
# templates, nothing written), and a packs folder with no pack in it (an error, for build
# and for batch, never a sanitizer abort: run it under `make san`).
. "$(dirname "$0")/lib/common.sh"
bp=$(cd "$(dirname "$BOARDPACK")" && pwd)/$(basename "$BOARDPACK")
data=tests/fixtures/handworked

# templates DIR: a copy of the shipped templates in DIR
templates() { mkdir -p "$1" && cp -R templates/kpis templates/packs "$1"/; }

# ---- a BOM and CRLF: accepted, the same PDF ----
templates "$tmp/win"
{ printf '\357\273\277'; sed 's/$/\r/' templates/packs/board.pack; } >"$tmp/win/packs/board.pack"
"$bp" build --data "$data" --out "$tmp/plain" --pack board >/dev/null 2>&1
BOARDPACK_TEMPLATES=$tmp/win "$bp" build --data "$data" --out "$tmp/bom" --pack board \
    >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && [ -s "$tmp/bom/hw-2022-23-board.pdf" ] &&
   cmp -s "$tmp/plain/hw-2022-23-board.pdf" "$tmp/bom/hw-2022-23-board.pdf"; then
    ok "board.pack with a BOM and CRLF: accepted, the same PDF"
else
    ko "board.pack with a BOM and CRLF: exit $rc"; sed 's/^/    /' "$tmp/err"
fi

# ---- a broken template: its errors, the pack kind named, nothing written ----
templates "$tmp/broken"
# line 1: a BOM (fine); 3: a Latin-1 e-acute at column 18; 4: a kind that does not exist
printf '\357\273\277pack minutes\n  title: Minutes\n  audience: Comit\351 members\n  section: pie\n' \
    >"$tmp/broken/packs/minutes.pack"
BOARDPACK_TEMPLATES=$tmp/broken "$bp" build --data "$data" --out "$tmp/broken-out" \
    >/dev/null 2>"$tmp/err"; rc=$?
cat >"$tmp/want" <<EOF
  templates/packs/minutes.pack:3:18: error: found byte 0xE9, which is not valid UTF-8, expected UTF-8 text: save the file as UTF-8
  templates/packs/minutes.pack:4:12: error: found section kind 'pie', expected one of the kinds in docs/pack-format.md
boardpack: $data: invalid pack templates (2 errors); nothing written
EOF
grep -v ': warning: ' "$tmp/err" >"$tmp/errors"   # the data set's own warnings aside
if [ "$rc" -eq 65 ] && cmp -s "$tmp/want" "$tmp/errors" && [ -z "$(ls -A "$tmp/broken-out" 2>/dev/null)" ]; then
    ok "broken minutes.pack: exit 65, both errors, 'invalid pack templates', nothing written"
else
    ko "broken minutes.pack: exit $rc"; diff "$tmp/want" "$tmp/errors" | sed 's/^/    /'
fi

# ---- no pack at all: build and batch both refuse ----
templates "$tmp/none"
rm "$tmp/none/packs/"*.pack
printf 'notes, not a template\n' >"$tmp/none/packs/README"
BOARDPACK_TEMPLATES=$tmp/none "$bp" build --data "$data" --out "$tmp/none-out" \
    >/dev/null 2>"$tmp/err"; rc=$?
cat >"$tmp/want" <<EOF
  $tmp/none/packs: error: found no pack, expected at least one NAME.pack file with a 'pack ID' line
boardpack: $data: invalid pack templates (1 error); nothing written
EOF
grep -v ': warning: ' "$tmp/err" >"$tmp/errors"
if [ "$rc" -eq 65 ] && cmp -s "$tmp/want" "$tmp/errors" && [ ! -e "$tmp/none-out" ]; then
    ok "build with no pack template: exit 65, the folder named, nothing written"
else
    ko "build with no pack template: exit $rc"; diff "$tmp/want" "$tmp/errors" | sed 's/^/    /'
fi
mkdir "$tmp/root" && cp -R "$data" "$tmp/root/hw"
BOARDPACK_TEMPLATES=$tmp/none "$bp" batch --root "$tmp/root" --out "$tmp/batch-out" \
    >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 65 ] && grep -qxF "  $tmp/none/packs: error: found no pack, expected at least one NAME.pack file with a 'pack ID' line" "$tmp/err" &&
   [ ! -e "$tmp/batch-out" ]; then
    ok "batch with no pack template: exit 65 before any data set"
else
    ko "batch with no pack template: exit $rc"; sed 's/^/    /' "$tmp/err"
fi

summary
