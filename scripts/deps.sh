#!/usr/bin/env bash
# Installs what building and testing strata needs, when it is missing: the ncursesw and SQLite
# headers, zlib (for .gz manifests and logs) and tmux (Debian/Ubuntu package names). Swift 6 itself must already be installed.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
    echo "strata needs Swift 6 (https://www.swift.org/install/linux/); 'swift' is not on PATH" >&2
    exit 1
fi

missing=()
[ -e /usr/include/ncursesw/ncurses.h ] || [ -e /usr/include/ncurses.h ] || missing+=(libncursesw5-dev)
[ -e /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)

if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
