#!/bin/sh
# make install and make uninstall, as a packager runs them (DESTDIR): the binary, every
# template, the prepared fonts and the man page land under PREFIX; the installed binary,
# run from another folder with BOARDPACK_DATADIR pointing into DESTDIR (the compiled-in
# datadir has no DESTDIR in it), writes files byte-identical to the tree's build; the
# variables naming one folder win over BOARDPACK_DATADIR; uninstall leaves nothing.
# Alone: BOARDPACK=./boardpack sh tests/e2e/install.sh (after make all)
. "$(dirname "$0")/lib/common.sh"
case "$BOARDPACK" in
    ./boardpack|boardpack) flags= build=build ;;
    build-san/boardpack|./build-san/boardpack) flags=SAN=1 build=build-san ;;
    *) skip=$((skip + 1)); echo "skip: BOARDPACK=$BOARDPACK is not a binary make installs"; summary; exit ;;
esac
# the default PREFIX: another would rebuild the tree's binary with its datadir
root=$tmp/root prefix=/usr/local
data=$root$prefix/share/boardpack
tree=$(pwd)

# shellcheck disable=SC2086
if make -s --no-print-directory $flags install DESTDIR="$root" >"$tmp/log" 2>&1
then ok "make install DESTDIR=..."
else ko "make install failed"; sed 's/^/    /' "$tmp/log"; summary; exit; fi

# what it installed: worked out from the tree, not from the Makefile's lists
{
    echo "$prefix/bin/boardpack"
    echo "$prefix/share/man/man1/boardpack.1"
    find templates -type f | sed "s|^|$prefix/share/boardpack/|"
    (cd "$build" && find fonts -type f -name '*.ttf') | sed "s|^|$prefix/share/boardpack/|"
} | sort >"$tmp/want"
(cd "$root" && find . -type f | sed 's|^\.||') | sort >"$tmp/got"
if cmp -s "$tmp/want" "$tmp/got"; then ok "installs the binary, the man page, $(grep -c /templates/ "$tmp/want") templates and $(grep -c /fonts/ "$tmp/want") fonts"
else ko "installed files"; diff "$tmp/want" "$tmp/got" | sed 's/^/    /'; fi
if [ -x "$root$prefix/bin/boardpack" ] && ! [ -x "$data/templates/kpis/default.kpi" ]
then ok "the binary is executable, the data is not"; else ko "installed modes"; fi
if cmp -s man/boardpack.1 "$root$prefix/share/man/man1/boardpack.1"
then ok "the man page as it is (the default datadir)"; else ko "the installed man page differs"; fi

# the tree's build, then the installed binary's from another folder
"$BOARDPACK" build --data fixtures/pet --out "$tmp/tree" >/dev/null 2>"$tmp/err" || { ko "tree build"; cat "$tmp/err"; }
mkdir "$tmp/elsewhere"
(cd "$tmp/elsewhere" && BOARDPACK_DATADIR=$data "$root$prefix/bin/boardpack" build \
    --data "$tree/fixtures/pet" --out "$tmp/inst" >"$tmp/out" 2>"$tmp/err"); rc=$?
if [ "$rc" -eq 0 ] && diff -r "$tmp/tree" "$tmp/inst" >"$tmp/diff" 2>&1
then ok "installed binary from another folder: $(ls "$tmp/inst" | wc -l) files byte-identical to the tree's"
else ko "installed build: exit $rc"; sed 's/^/    /' "$tmp/err" "$tmp/diff" | head -20; fi
(cd "$tmp/elsewhere" && BOARDPACK_DATADIR=$data "$root$prefix/bin/boardpack" check \
    --data "$tree/fixtures/pet" >"$tmp/inst-check.txt" 2>&1)
"$BOARDPACK" check --data fixtures/pet >"$tmp/tree-check.txt" 2>&1
if cmp -s "$tmp/tree-check.txt" "$tmp/inst-check.txt"; then ok "installed check: the same report"
else ko "installed check differs"; diff "$tmp/tree-check.txt" "$tmp/inst-check.txt" | head; fi

# a datadir without the templates is an error naming them; the one-folder variables win
(cd "$tmp/elsewhere" && BOARDPACK_DATADIR=$tmp/nowhere "$root$prefix/bin/boardpack" check \
    --data "$tree/fixtures/pet" >/dev/null 2>"$tmp/err"); rc=$?
if [ "$rc" -eq 74 ] && grep -qF "templates/kpis/default.kpi: error: cannot be read" "$tmp/err"
then ok "BOARDPACK_DATADIR without templates: exit 74, no default KPI set"; else ko "BOARDPACK_DATADIR=nowhere: exit $rc"; cat "$tmp/err"; fi
(cd "$tmp/elsewhere" && BOARDPACK_DATADIR=$tmp/nowhere BOARDPACK_TEMPLATES=$data/templates \
    BOARDPACK_FONTS=$data/fonts "$root$prefix/bin/boardpack" build --data "$tree/fixtures/pet" \
    --out "$tmp/vars" >/dev/null 2>"$tmp/err"); rc=$?
if [ "$rc" -eq 0 ] && diff -r "$tmp/tree" "$tmp/vars" >/dev/null 2>&1
then ok "BOARDPACK_TEMPLATES and BOARDPACK_FONTS win over BOARDPACK_DATADIR"; else ko "the variables' order: exit $rc"; cat "$tmp/err"; fi
(cd "$tmp/elsewhere" && BOARDPACK_DATADIR=$data BOARDPACK_FONTS=$tmp/nofonts "$root$prefix/bin/boardpack" \
    build --data "$tree/fixtures/pet" --out "$tmp/nofonts-out" --pack finance >/dev/null 2>&1)
small=$(wc -c <"$tmp/inst/pet-2022-23-finance.pdf") full=$(wc -c <"$tmp/nofonts-out/pet-2022-23-finance.pdf" 2>/dev/null || echo 0)
if [ "$full" -gt "$small" ]; then ok "BOARDPACK_FONTS without fonts wins over the datadir's: the full fonts ($full > $small bytes)"
else ko "BOARDPACK_FONTS over BOARDPACK_DATADIR: $full, $small bytes"; fi

# shellcheck disable=SC2086
if make -s --no-print-directory $flags uninstall DESTDIR="$root" >"$tmp/log" 2>&1
then ok "make uninstall"; else ko "make uninstall failed"; sed 's/^/    /' "$tmp/log"; fi
left=$(cd "$root" && find . -type f | wc -l)
if [ "$left" -eq 0 ] && ! [ -e "$data" ]; then ok "uninstall leaves no file and no $prefix/share/boardpack"
else ko "uninstall left:"; (cd "$root" && find . | sed 's/^/    /'); fi

summary
