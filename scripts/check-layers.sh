#!/bin/sh
# The layer boundary, from the symbol tables: no core object may refer to a symbol that
# the render archive or the command line defines, and no render object to one the command
# line defines.  Run by `make layers` (and so by `make check`):
#   scripts/check-layers.sh CORE.a RENDER.a CLI.o...
# Prints each offending reference as "member: refers to SYMBOL, defined in LAYER member"
# and fails; a reference to the C library or another library is no concern of this.
set -eu
export LC_ALL=C
[ "$#" -ge 3 ] || { echo "usage: check-layers.sh CORE.a RENDER.a CLI.o..." >&2; exit 2; }
core=$1 render=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "symbol member" lines: what each layer defines, and what each member leaves undefined
# (nm -P -A: "archive[member]: symbol type ..." or "file.o: symbol type ...")
defined() { nm -A -P -g --defined-only "$@" | sed 's/^\([^:]*\): \([^ ]*\) .*/\2 \1/' | sort; }
undefined() { nm -A -P -u "$@" | sed 's/^\([^:]*\): \([^ ]*\) .*/\2 \1/' | sort; }
defined "$render" >"$tmp/render.def"
defined "$@" >"$tmp/cli.def"
undefined "$core" >"$tmp/core.und"
undefined "$render" >"$tmp/render.und"

status=0
# lower-layer references ($1) resolved by a higher layer's definitions ($2, named $3)
check() {
    join "$1" "$2" >"$tmp/hits" || true
    if [ -s "$tmp/hits" ]; then
        while read -r sym user owner; do
            echo "layers: $user refers to $sym, defined in the $3 layer ($owner)"
        done <"$tmp/hits"
        status=1
    fi
}
check "$tmp/core.und" "$tmp/render.def" render
check "$tmp/core.und" "$tmp/cli.def" cli
check "$tmp/render.und" "$tmp/cli.def" cli
if [ "$status" -eq 0 ]; then
    echo "layers: core ($(nm -A -P -g --defined-only "$core" | wc -l) symbols) refers to no render or cli symbol; render refers to no cli symbol"
else
    echo "layers: a lower layer refers to a higher one (see the Makefile's CORE_MOD and RENDER_MOD)"
fi
exit "$status"
