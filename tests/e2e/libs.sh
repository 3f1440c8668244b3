#!/bin/sh
# The library version check (bp_libs): a libharu or zlib other than the one boardpack was
# compiled against - here the version functions of a library preloaded in front of the
# real ones - stops build before anything is written, with exit 74 and a message saying
# both versions and to rebuild; check, which never reaches either library, still runs.
. "$(dirname "$0")/lib/common.sh"

cc=${CC:-cc}
printf 'const char *HPDF_GetVersion(void) { return "2.4.0"; }\n' >"$tmp/hpdf.c"
printf 'const char *zlibVersion(void) { return "1.3.1"; }\n' >"$tmp/zlib.c"
if ! "$cc" -shared -fPIC -o "$tmp/hpdf.so" "$tmp/hpdf.c" 2>/dev/null \
    || ! "$cc" -shared -fPIC -o "$tmp/zlib.so" "$tmp/zlib.c" 2>/dev/null; then
    skip=$((skip + 1)); echo "skip no C compiler ($cc) to build the stand-in libraries"
    summary; exit
fi
# a sanitized build wants its runtime first among the libraries: let the stand-in go first
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS

# build: refused before anything is written (the compiled versions: 2.3.0, the only libharu
# bp_libs.c compiles against, and whichever zlib 1.2 this machine has)
run_build() {
    LD_PRELOAD="$1" "$BOARDPACK" build --data tests/fixtures/handworked --out "$tmp/out-$2" \
        >/dev/null 2>"$tmp/err-$2"
}
run_build "$tmp/hpdf.so" hpdf; rc=$?
want="  boardpack: error: built for libharu 2.3.0, running with libharu 2.4.0: rebuild boardpack"
if [ "$rc" -eq 74 ] && grep -qxF "$want" "$tmp/err-hpdf"; then
    ok "another libharu: exit 74, both versions named"
else
    ko "another libharu: exit $rc"; cat "$tmp/err-hpdf"
fi
if [ ! -e "$tmp/out-hpdf" ]; then ok "another libharu: nothing written"; else ko "another libharu: wrote $(ls "$tmp/out-hpdf")"; fi

run_build "$tmp/zlib.so" zlib; rc=$?
want="  boardpack: error: built for zlib 1\.2\.[0-9.]*, running with zlib 1\.3\.1: rebuild boardpack"
if [ "$rc" -eq 74 ] && grep -qx "$want" "$tmp/err-zlib"; then
    ok "another zlib: exit 74, both versions named"
else
    ko "another zlib: exit $rc"; cat "$tmp/err-zlib"
fi
if [ ! -e "$tmp/out-zlib" ]; then ok "another zlib: nothing written"; else ko "another zlib: wrote $(ls "$tmp/out-zlib")"; fi

LD_PRELOAD="$tmp/hpdf.so:$tmp/zlib.so" "$BOARDPACK" check --data tests/fixtures/handworked \
    >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ]; then ok "check runs whatever the PDF and zlib libraries"; else ko "check: exit $rc"; cat "$tmp/err"; fi

summary
