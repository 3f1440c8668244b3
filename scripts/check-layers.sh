#!/bin/sh
# The layer boundary, from the symbol tables: no core object may refer to a symbol that
# the render archive or the command line defines, and no render object to one the command
# line defines; a core source or header includes only core headers, a render one no
# command-line header; and within each archive, and among the command line's objects, the
# references form no cycle (each module depends on modules below it only).  Run by `make
# layers` (and so by make check), from the repository root:
#   CORE_MOD="csv ..." RENDER_MOD="pdf ..." INTERPOSED="deflate ..." \
#     scripts/check-layers.sh CORE.a RENDER.a CLI.o...
# Prints each offending reference as "member: refers to SYMBOL, defined in LAYER member",
# or the objects of a cycle, and fails; a reference to the C library or another library
# is no concern of this.
set -eu
export LC_ALL=C
[ "$#" -ge 3 ] || { echo "usage: check-layers.sh CORE.a RENDER.a CLI.o..." >&2; exit 2; }
core=$1 render=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "symbol member" lines: what each layer defines, and what each member leaves undefined
# (nm -P -A: "archive[member]: symbol type ..." or "file.o: symbol type ...")
# A symbol in INTERPOSED (the Makefile's list) is another library's function that the
# executable defines in its place (zlib's deflate, libc's snprintf, ...): whoever calls it
# calls that library, not the layer whose module provides the faster copy.
interposed=" ${INTERPOSED:-} "
defined() {
    nm -A -P -g --defined-only "$@" | sed 's/^\([^:]*\): \([^ ]*\) .*/\2 \1/' |
        awk -v skip="$interposed" 'index(skip, " " $1 " ") == 0' | sort
}
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

# The headers: a core module's source and header include only core headers, a render
# module's no command-line header (CORE_MOD and RENDER_MOD from the Makefile).  A .inc file
# is a table the Makefile generates into $(BUILD)/gen (the fonts' coverage for bp_script):
# data in its includer's own layer, no module's header.  src/bp_M_internal.h is the private
# header of module M's files (bp_load_internal.h: bp_load, bp_load_fields, bp_load_plan), in
# M's layer.
core_hdrs=" $(for m in ${CORE_MOD:-}; do printf 'bp_%s.h bp_%s_internal.h ' "$m" "$m"; done)"
for m in ${CORE_MOD:-}; do
    for f in "src/bp_$m.c" "include/bp_$m.h"; do
        [ -f "$f" ] || continue
        for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
            case "$h" in *.inc) continue ;; esac
            case "$core_hdrs" in
                *" $h "*) ;;
                *) echo "layers: $f (core) includes $h, which is not a core header"; status=1 ;;
            esac
        done
    done
done
for m in ${RENDER_MOD:-}; do
    for f in "src/bp_$m.c" "include/bp_$m.h"; do
        [ -f "$f" ] || continue
        if grep -q '^#include "bp_cli[^"]*\.h"' "$f"; then
            echo "layers: $f (render) includes a command-line header"
            status=1
        fi
    done
done

# "user definer" for every reference between two objects of one layer (WHAT, then the
# archive or the objects); tsort names the objects of any loop
cycles() {
    what=$1
    shift
    defined "$@" >"$tmp/own.def"
    undefined "$@" >"$tmp/own.und"
    join "$tmp/own.und" "$tmp/own.def" | awk '$2 != $3 { print $2, $3 }' | sort -u >"$tmp/edges"
    if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/loop"; then
        echo "layers: $what refer to each other in a cycle:"
        sed -n 's/^tsort: \([^ ]*\)$/  \1/p' "$tmp/loop" | sort -u
        status=1
    fi
}
cycles "the members of $core" "$core"
cycles "the members of $render" "$render"
cycles "the command line's objects" "$@"
if [ "$status" -eq 0 ]; then
    echo "layers: core refers to no render or cli symbol or header, render to no cli one; no cycles"
else
    echo "layers: the modules do not form layers (see the Makefile's CORE_MOD and RENDER_MOD)"
fi
exit "$status"
