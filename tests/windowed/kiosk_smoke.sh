#!/bin/sh
# Windowed smoke test of the kiosk: the real program, a real window under Xvfb (Mesa's
# llvmpipe), a badge typed as a keyboard reader would, and screenshots of the idle and
# member-home screens that must not be blank.
# Usage: kiosk_smoke.sh ETABLI_BINARY OUTDIR
# Needs: xvfb, xauth, imagemagick, xdotool, fonts-dejavu-core. Exit 0 on success, 1 on a
# failure, 77 when a tool is missing (CTest can map it to "skipped").
set -u

BIN=${1:?usage: kiosk_smoke.sh ETABLI_BINARY OUTDIR}
OUT=${2:?usage: kiosk_smoke.sh ETABLI_BINARY OUTDIR}

for tool in Xvfb xdotool import convert; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "kiosk_smoke: $tool is missing (apt-get install xvfb xauth imagemagick xdotool fonts-dejavu-core)" >&2
        exit 77
    fi
done

mkdir -p "$OUT" || exit 1
rm -f "$OUT/smoke.db" "$OUT/smoke.db-wal" "$OUT/smoke.db-shm" "$OUT/idle.png" "$OUT/member.png"

XVFB_PID=
KIOSK_PID=
cleanup() {
    [ -n "$KIOSK_PID" ] && kill "$KIOSK_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT INT TERM

fail() {
    echo "kiosk_smoke: FAIL: $*" >&2
    [ -f "$OUT/kiosk.log" ] && sed 's/^/  kiosk: /' "$OUT/kiosk.log" >&2
    exit 1
}

# A free display number: no lock file and no socket.
NUM=97
while [ -e "/tmp/.X$NUM-lock" ] || [ -e "/tmp/.X11-unix/X$NUM" ]; do
    NUM=$((NUM + 1))
    [ "$NUM" -gt 150 ] && fail "no free X display number"
done
export DISPLAY=":$NUM"
unset WAYLAND_DISPLAY

Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
XVFB_PID=$!
i=0
until xdotool getmouselocation >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -gt 50 ] && fail "Xvfb did not start on $DISPLAY"
    sleep 0.1
done

"$BIN" --db "$OUT/smoke.db" init --demo >"$OUT/init.log" 2>&1 || fail "init --demo: $(cat "$OUT/init.log")"

"$BIN" --db "$OUT/smoke.db" kiosk >"$OUT/kiosk.log" 2>&1 &
KIOSK_PID=$!
i=0
until xdotool search --name 'Établi' >/dev/null 2>&1; do
    i=$((i + 1))
    kill -0 "$KIOSK_PID" 2>/dev/null || fail "the kiosk exited early"
    [ "$i" -gt 100 ] && fail "no kiosk window after 10 s"
    sleep 0.1
done
sleep 1.5  # first frames, fonts

# A flat image means nothing was drawn: require some contrast.
not_flat() {
    sd=$(convert "$1" -format '%[fx:standard_deviation]' info: 2>/dev/null) || return 1
    awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }'
}

import -window root "$OUT/idle.png" || fail "screenshot of the idle screen"
[ -s "$OUT/idle.png" ] || fail "idle.png is empty"
not_flat "$OUT/idle.png" || fail "idle.png is a flat image"

# Léa's demo badge, typed as a keyboard-wedge reader types it.
xdotool type --delay 30 0001234567
xdotool key Return
sleep 1
import -window root "$OUT/member.png" || fail "screenshot of the member screen"
[ -s "$OUT/member.png" ] || fail "member.png is empty"
not_flat "$OUT/member.png" || fail "member.png is a flat image"
cmp -s "$OUT/idle.png" "$OUT/member.png" && fail "the screen did not change after the badge"

kill -0 "$KIOSK_PID" 2>/dev/null || fail "the kiosk died"

# The station committed the check-in: a second process reads it from the database.
"$BIN" --db "$OUT/smoke.db" --json presence >"$OUT/presence.json" 2>&1 || fail "presence: $(cat "$OUT/presence.json")"
grep -q "Léa" "$OUT/presence.json" || fail "Léa is not checked in: $(cat "$OUT/presence.json")"

echo "kiosk_smoke: ok ($OUT/idle.png, $OUT/member.png)"
exit 0
