#!/bin/sh
# The manual page, man/boardpack.1, kept in step with the program: it renders without a
# warning (groff -ww), and it documents every command `boardpack --help` lists, every
# option each `COMMAND --help` prints (with its value, "--data DIR", "-j, --jobs N") and
# no option the command does not have, every environment variable --help lists and no
# other, and every exit status --help, the README and docs/ name.
# Alone: BOARDPACK=./boardpack sh tests/e2e/manpage.sh
. "$(dirname "$0")/lib/common.sh"
page=man/boardpack.1

# roff_heads SECTION [SUBSECTION]: the tag line after each .TP in that part of the page,
# as it reads once rendered ("--data DIR"): .B joins its words with spaces, .BI/.BR/...
# alternate fonts with nothing between; font escapes, \- and \& go.
roff_heads() {
    awk -v sec="$1" -v sub_="${2:-}" '
        function unquote(line,   out, n, i, c, q, arg, args) {
            n = 0; arg = ""; q = 0; inarg = 0
            for (i = 1; i <= length(line); i++) {
                c = substr(line, i, 1)
                if (c == "\"") { q = !q; inarg = 1; continue }
                if (c == " " && !q) { if (inarg) { args[++n] = arg; arg = ""; inarg = 0 } continue }
                arg = arg c; inarg = 1
            }
            if (inarg) args[++n] = arg
            out = ""
            for (i = 1; i <= n; i++) out = out (joined && i > 1 ? " " : "") args[i]
            return out
        }
        /^\.SH / { s = $0; sub(/^\.SH +"?/, "", s); sub(/"$/, "", s); in_sec = (s == sec); in_sub = (sub_ == ""); next }
        /^\.SS / { s = $0; sub(/^\.SS +"?/, "", s); sub(/"$/, "", s); in_sub = (sub_ == "" || s == sub_); next }
        !in_sec || !in_sub { tp = 0; next }
        /^\.TP/ { tp = 1; next }
        tp {
            tp = 0; line = $0
            macro = line; sub(/ .*/, "", macro); rest = line; sub(/^[^ ]* */, "", rest)
            joined = (macro == ".B" || macro == ".I")
            t = unquote(rest)
            gsub(/\\f[BIRP]/, "", t); gsub(/\\-/, "-", t); gsub(/\\&/, "", t)
            print t
        }' "$page"
}

# help_block TEXT_FILE HEADING: the lines of the block under "HEADING:" up to a blank line
help_block() {
    awk -v h="$2:" '$0 == h { on = 1; next } on && /^$/ { exit } on' "$1"
}

# same NAME LIST_A LIST_B: the two files hold the same lines (sorted, unique)
same() {
    sort -u "$2" >"$tmp/a"; sort -u "$3" >"$tmp/b"
    if cmp -s "$tmp/a" "$tmp/b"; then
        ok "$1 ($(wc -l <"$tmp/a") each)"
    else
        ko "$1"
        comm -23 "$tmp/a" "$tmp/b" | sed 's/^/    only in --help: /'
        comm -13 "$tmp/a" "$tmp/b" | sed 's/^/    only in the man page: /'
    fi
}

if [ ! -f "$page" ]; then
    ko "$page is missing"
    summary; exit
fi

# -- it renders without a warning
if command -v groff >/dev/null 2>&1; then
    groff -ww -man -Tutf8 -z "$page" >"$tmp/groff" 2>&1
    if [ -s "$tmp/groff" ]; then ko "groff -ww warns"; sed 's/^/    /' "$tmp/groff"
    else ok "renders without a warning (groff -ww -man)"; fi
else
    skip=$((skip + 1)); echo "skip rendering: groff missing (scripts/install-deps.sh test)"
fi

"$BOARDPACK" --help >"$tmp/help" 2>&1 || ko "boardpack --help failed"

# -- the commands
help_block "$tmp/help" Commands | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' >"$tmp/cmds"
awk '/^\.SH / { s = $0; sub(/^\.SH +"?/, "", s); sub(/"$/, "", s); on = (s == "COMMANDS") } on && /^\.SS / { s = $0; sub(/^\.SS +"?/, "", s); sub(/"$/, "", s); print s }' \
    "$page" | grep -v '^Without a command$' >"$tmp/man_cmds"
[ "$(wc -l <"$tmp/cmds")" -ge 3 ] || ko "found fewer than 3 commands in --help"
same "the commands of --help are the man page's" "$tmp/cmds" "$tmp/man_cmds"

# -- each command's options, with their values
for cmd in $(cat "$tmp/cmds"); do
    "$BOARDPACK" "$cmd" --help >"$tmp/chelp" 2>&1 || ko "boardpack $cmd --help failed"
    help_block "$tmp/chelp" Options | sed -n 's/^ *\(-[^ ].*\)$/\1/p' | sed 's/  .*//' >"$tmp/opts"
    roff_heads COMMANDS "$cmd" >"$tmp/man_opts"
    [ "$(wc -l <"$tmp/opts")" -ge 4 ] || ko "$cmd: found fewer than 4 options in --help"
    same "$cmd: every option and its value as --help prints them" "$tmp/opts" "$tmp/man_opts"
done

# -- the options without a command: those of the usage line "boardpack --help | --version"
sed -n 's/^  boardpack \(--help.*\)/\1/p' "$tmp/help" | grep -o -- '--[a-z-]*' >"$tmp/top"
roff_heads COMMANDS "Without a command" | tr ',' '\n' | sed 's/^ *//' | grep -- '^-' | grep -v '^-h$' >"$tmp/man_top"
same "the options without a command" "$tmp/top" "$tmp/man_top"

# -- the environment
help_block "$tmp/help" Environment | sed -n 's/^  \([A-Z_][A-Z_]*\) .*/\1/p' >"$tmp/env"
roff_heads ENVIRONMENT >"$tmp/man_env"
[ "$(wc -l <"$tmp/env")" -ge 4 ] || ko "found fewer than 4 environment variables in --help"
same "the environment variables of --help are the man page's" "$tmp/env" "$tmp/man_env"

# -- the exit statuses: --help's and the README's "Exit status:" lists, and every "exit N" /
# "exit status N" of the README and docs/; one of 128 + a signal is the 128+N entry
roff_heads "EXIT STATUS" >"$tmp/man_exit"
awk '/^\.SH / { s = $0; sub(/^\.SH +"?/, "", s); sub(/"$/, "", s); on = (s == "EXIT STATUS") } on' "$page" | sed 's/\\-/-/g' >"$tmp/exit_text"
{
    grep '^Exit status:' "$tmp/help" | sed 's/^Exit status://' | grep -o '[0-9][0-9]* [a-zA-Z`-]' | grep -o '^[0-9]*'
    awk '/^Exit status:/ { on = 1 } on && /^$/ { on = 0 } on' README.md | sed 's/^Exit status://' \
        | grep -o '\(^\|, \)[0-9][0-9]* [a-zA-Z`]' | grep -o '[0-9][0-9]*'
    cat README.md docs/*.md | tr '\n' ' ' | grep -o 'exit\( status\)\? [0-9][0-9]*' | grep -o '[0-9]*$'
} | sort -nu >"$tmp/statuses"
[ "$(wc -l <"$tmp/statuses")" -ge 5 ] || ko "found fewer than 5 exit statuses in the docs"
missing=
for n in $(cat "$tmp/statuses"); do
    if [ "$n" -ge 128 ]; then
        grep -qx '128+N' "$tmp/man_exit" && grep -qw "$n" "$tmp/exit_text" || missing="$missing $n"
    else
        grep -qx "$n" "$tmp/man_exit" || missing="$missing $n"
    fi
done
if [ -z "$missing" ]; then ok "every exit status the docs name ($(tr '\n' ' ' <"$tmp/statuses"))"
else ko "exit statuses the man page lacks:$missing"; fi

summary
