#!/bin/sh
# `etabli kiosk --connect` end to end: the real AVR firmware in simavr behind a pty
# (etabli-controller-sim) drives the laser's relay; `etabli serve` owns the database, the
# controller and the timers; the kiosk is a client in a real window under Xvfb. A session
# starts at the laser's reader; the kiosk is killed with SIGKILL: the relay stays closed
# (the service renews its 1.5 s lease) and the session goes on; a new kiosk shows it again,
# and the time it took is measured (target: under 2 s; the test fails only past 6 s, a
# regression rather than a busy machine).
# Usage: kiosk_connect.sh ETABLI_BINARY CONTROLLER_SIM FIRMWARE_SIM_ELF OUTDIR
# Exit 0 on success, 1 on a failure, 77 when a tool is missing.
set -u

BIN=${1:?usage: kiosk_connect.sh ETABLI SIM ELF OUTDIR}
SIM=${2:?usage}
ELF=${3:?usage}
OUT=${4:?usage}

for tool in Xvfb xdotool import; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "kiosk_connect: $tool is missing (apt-get install xvfb xauth imagemagick xdotool)" >&2
        exit 77
    fi
done

rm -rf "$OUT" && mkdir -p "$OUT" || exit 1
DB="$OUT/workshop.db"
SOCK="$OUT/station.sock"
export ETABLI_TZ=Europe/Paris
unset ETABLI_DB ETABLI_SOCKET WAYLAND_DISPLAY NOTIFY_SOCKET LANG LC_ALL

XVFB_PID= SIM_PID= SERVE_PID= KIOSK_PID=
cleanup() {
    [ -n "$KIOSK_PID" ] && kill -9 "$KIOSK_PID" 2>/dev/null
    [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    exec 3>&- 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT INT TERM

fail() {
    echo "kiosk_connect: FAIL: $*" >&2
    for f in serve.log kiosk.log kiosk2.log sim.out trace.txt trace2.txt; do
        [ -f "$OUT/$f" ] && { echo "--- $f"; tail -20 "$OUT/$f"; } >&2
    done
    exit 1
}

now_ms() { date +%s%3N; }

# The relay of channel 0 (PD4) as the firmware last drove it: 1 closed, 0 open, - never.
relay() {
    level=$(grep '^change D 4 ' "$OUT/sim.out" 2>/dev/null | tail -1 | cut -d' ' -f4)
    echo "${level:--}"
}

# [The display]
NUM=120
while [ -e "/tmp/.X$NUM-lock" ] || [ -e "/tmp/.X11-unix/X$NUM" ]; do
    NUM=$((NUM + 1))
    [ "$NUM" -gt 170 ] && fail "no free X display number"
done
export DISPLAY=":$NUM"
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
XVFB_PID=$!
i=0
until xdotool getmouselocation >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -gt 50 ] && fail "Xvfb did not start on $DISPLAY"; sleep 0.1
done

# [The controller: the real firmware in simavr, on a pty linked as the configured port]
mkfifo "$OUT/sim.in" || fail "mkfifo"
"$SIM" --link "$OUT/ttyLaser" "$ELF" <"$OUT/sim.in" >"$OUT/sim.out" 2>"$OUT/sim.err" &
SIM_PID=$!
exec 3>"$OUT/sim.in"   # holds the simulator's stdin open
i=0
until grep -q '^pty ' "$OUT/sim.out" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -gt 100 ] && fail "the controller simulator did not start"; sleep 0.05
done
printf '[[controller]]\nport = "%s"\nchannels = ["Découpe laser"]\n' "$OUT/ttyLaser" >"$OUT/etabli.toml"

# [The service, with the demo workshop]
"$BIN" --db "$DB" --config "$OUT/etabli.toml" serve --demo --socket "$SOCK" >"$OUT/serve.log" 2>&1 &
SERVE_PID=$!
i=0
until grep -q 'station ready' "$OUT/serve.log" 2>/dev/null; do
    i=$((i + 1)); kill -0 "$SERVE_PID" 2>/dev/null || fail "etabli serve exited"
    [ "$i" -gt 200 ] && fail "etabli serve not ready after 20 s"; sleep 0.1
done

# [The kiosk, as a client]
ETABLI_KIOSK_TRACE="$OUT/trace.txt" "$BIN" --db "$DB" kiosk --connect "$SOCK" >"$OUT/kiosk.log" 2>&1 &
KIOSK_PID=$!
i=0
until grep -q 'Découpe laser' "$OUT/trace.txt" 2>/dev/null; do
    i=$((i + 1)); kill -0 "$KIOSK_PID" 2>/dev/null || fail "the kiosk exited"
    [ "$i" -gt 200 ] && fail "the kiosk shows no machine after 20 s"; sleep 0.1
done

# [A session: Camille (a host) badges at the laser's reader; the firmware closes the relay]
i=0
until [ "$(relay)" = 1 ]; do
    if [ $((i % 20)) -eq 0 ]; then  # the link may still be saying HELLO: badge again
        "$BIN" --db "$DB" tap 0004211337 --reader "Découpe laser" >"$OUT/tap.log" 2>&1
    fi
    i=$((i + 1)); [ "$i" -gt 200 ] && fail "the relay did not close: $(cat "$OUT/tap.log")"; sleep 0.05
done
i=0
until grep -q "Occupée jusqu'à" "$OUT/trace.txt" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -gt 40 ] && fail "the kiosk does not show the session"; sleep 0.05
done
import -window root "$OUT/before.png" 2>/dev/null

# [kill -9 of the kiosk: the session, the lease and the relay go on]
kill -9 "$KIOSK_PID"
wait "$KIOSK_PID" 2>/dev/null
KIOSK_PID=
sleep 4   # more than two leases
kill -0 "$SERVE_PID" 2>/dev/null || fail "etabli serve died with the kiosk"
[ "$(relay)" = 1 ] || fail "the relay opened after the kiosk was killed"
grep -q '^change D 4 0' "$OUT/sim.out" && fail "the relay opened at some point after the session started"
"$BIN" --db "$DB" --json machine list >"$OUT/machines.json" 2>&1 || fail "machine list: $(cat "$OUT/machines.json")"

# [A new kiosk shows the running session]
start=$(now_ms)
ETABLI_KIOSK_TRACE="$OUT/trace2.txt" "$BIN" --db "$DB" kiosk --connect "$SOCK" >"$OUT/kiosk2.log" 2>&1 &
KIOSK_PID=$!
i=0
until grep -q "Occupée jusqu'à" "$OUT/trace2.txt" 2>/dev/null; do
    i=$((i + 1)); kill -0 "$KIOSK_PID" 2>/dev/null || fail "the new kiosk exited"
    [ "$i" -gt 2000 ] && fail "the new kiosk does not show the session after 20 s"; sleep 0.01
done
took=$(( $(now_ms) - start ))
import -window root "$OUT/after.png" 2>/dev/null
if [ "$took" -lt 2000 ]; then met=met; else met="MISSED"; fi
echo "kiosk_connect: a restarted kiosk showed the running session after $took ms (target: under 2000 ms: $met)"
[ "$(relay)" = 1 ] || fail "the relay opened"
# A busy machine (the suite beside it) may miss the target; only a real regression fails.
FLOOR=${ETABLI_KIOSK_RESTART_FLOOR_MS:-6000}
[ "$took" -lt "$FLOOR" ] || fail "the restarted kiosk took $took ms to show the session (floor $FLOOR ms)"
echo "kiosk_connect: ok (relay closed throughout; $OUT/before.png, $OUT/after.png)"
exit 0
