#!/usr/bin/env bash
# strata and lnav opening the same big log in tmux, side by side: time until the first lines are
# on screen (capture-pane polled every 10 ms) and peak resident memory (VmHWM) after each step.
# Usage: Benchmarks/log-tmux.sh FILE [STRATA_BINARY]   (make bench-logs runs it)
set -uo pipefail
file=$(readlink -f "$1")
strata=$(readlink -f "${2:-.build/release/strata}")
sock="strata-logtmux-$$"
now() { date +%s%N; }
cap() { tmux -L "$sock" capture-pane -p 2>/dev/null; }
waitfor() { # pattern timeout_s
    local end=$(( $(date +%s) + $2 ))
    while [ "$(date +%s)" -lt "$end" ]; do cap | grep -qF -- "$1" && return 0; sleep 0.01; done
    return 1
}
hwm() { awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$1/status" 2>/dev/null; }
run() { # name command ready-pattern
    tmux -L "$sock" kill-server 2>/dev/null
    local t0=$(now)
    tmux -L "$sock" new-session -d -x 120 -y 40 "$2" </dev/null >/dev/null 2>&1
    if ! waitfor "$3" 60; then echo "| $1 | not shown within 60 s | | | | |"; tmux -L "$sock" kill-server 2>/dev/null; return; fi
    local first=$(( ($(now) - t0) / 1000000 ))
    local pid=$(tmux -L "$sock" display -p '#{pane_pid}')
    local r1=$(hwm "$pid")
    tmux -L "$sock" send-keys G
    local t1=$(now)
    waitfor "last line of the generated log" 120
    local g=$(( ($(now) - t1) / 1000000 ))
    local r2=$(hwm "$pid")
    local note=""
    if [ "$1" = "strata log" ]; then
        local t2=$(now)
        if waitfor "root cause line" 120; then
            note="root cause found in the background after $(( ($(now) - t2) / 1000000 )) ms more; r lands on it"
            tmux -L "$sock" send-keys r; waitfor "▶" 10
        fi
    else
        sleep 5
    fi
    local r3=$(hwm "$pid")
    echo "| $1 | ${first} ms | $r1 | ${g} ms, $r2 | $r3 | $note |"
    tmux -L "$sock" kill-server 2>/dev/null
}
echo "| viewer | first screen | peak RSS after first screen | G: time to the last line, peak RSS | peak RSS at the end | notes |"
echo "| --- | --- | --- | --- | --- | --- |"
run "strata log" "env LANG=C.UTF-8 TERM=xterm-256color '$strata' log '$file'" "1  [2026"
run "lnav $(lnav -V 2>/dev/null | awk '{print $2}')" "env LANG=C.UTF-8 TERM=xterm-256color lnav '$file'" "INFO - "
