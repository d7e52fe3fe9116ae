#!/bin/sh
# Windowed test of a kiosk among several stations (issue 21): the real program on a
# throwaway PostgreSQL cluster (its own folder, a Unix socket, removed at the end), a real
# window under Xvfb. The server stops: the welcome screen says « Réseau indisponible », a badge
# typed is decided at the kiosk and noted in its journal (its member screen says so). The
# server starts again: the kiosk replays its journal, the check-in is in the database once,
# and the banner goes. Screenshots: idle_online.png, idle_offline.png, member_offline.png,
# idle_back.png.
# Usage: kiosk_offline.sh ETABLI_BINARY OUTDIR
# Needs: xvfb, xauth, imagemagick, xdotool, fonts-dejavu-core, postgresql-15. Exit 0 on
# success, 1 on a failure, 77 when a tool is missing (CTest maps it to "skipped").
set -u

BIN=${1:?usage: kiosk_offline.sh ETABLI_BINARY OUTDIR}
OUT=${2:?usage: kiosk_offline.sh ETABLI_BINARY OUTDIR}
PGBIN=/usr/lib/postgresql/15/bin

for tool in Xvfb xdotool import convert "$PGBIN/initdb" "$PGBIN/psql"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "kiosk_offline: $tool is missing (scripts/install-deps installs it)" >&2
        exit 77
    fi
done

mkdir -p "$OUT" || exit 1
rm -rf "$OUT/home" "$OUT/demo.db" "$OUT/demo.db-wal" "$OUT/demo.db-shm" "$OUT/demo.db.pepper" "$OUT"/*.png

XVFB_PID=
KIOSK_PID=
# The cluster's folder: short, for the socket's path (at most 107 characters).
PGDIR=$(mktemp -d /tmp/etabli-kiosk-pg.XXXXXX) || exit 1
AS=
if [ "$(id -u)" = 0 ]; then  # PostgreSQL refuses to run as root
    chown nobody "$PGDIR" || exit 1
    AS="runuser -u nobody --"
fi
chmod 755 "$PGDIR"

pg_stop() { timeout 60 $AS "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w -t 50 stop >/dev/null 2>&1; }
pg_start() {
    timeout 60 $AS "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 50 \
        -o "-c listen_addresses='' -c unix_socket_directories='$PGDIR' -c fsync=off" start >/dev/null 2>&1
}
sql() { "$PGBIN/psql" -h "$PGDIR" -U etabli -d etabli -tAc "$1" 2>&1; }

cleanup() {
    [ -n "$KIOSK_PID" ] && kill "$KIOSK_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    wait 2>/dev/null
    pg_stop
    rm -rf "$PGDIR"
}
trap cleanup EXIT INT TERM

fail() {
    echo "kiosk_offline: FAIL: $*" >&2
    [ -f "$OUT/kiosk.log" ] && sed 's/^/  kiosk: /' "$OUT/kiosk.log" >&2
    exit 1
}

timeout 60 $AS "$PGBIN/initdb" -D "$PGDIR/data" -U etabli --auth=trust -E UTF8 --locale=C.UTF-8 >"$OUT/initdb.log" 2>&1 ||
    fail "initdb: $(tail -3 "$OUT/initdb.log")"
pg_start || fail "the server did not start: $(tail -3 "$PGDIR/server.log")"
timeout 30 $AS "$PGBIN/createdb" -h "$PGDIR" -U etabli etabli || fail "createdb"
URL="postgresql:///etabli?host=$PGDIR&user=etabli"

# The demo workshop, moved to the server as a workshop moves from its one PC; the station's
# own files (its secret, its journal) in its own folder.
export XDG_DATA_HOME="$OUT/home"
mkdir -p "$XDG_DATA_HOME/etabli"
"$BIN" --db "$OUT/demo.db" init --demo >"$OUT/init.log" 2>&1 || fail "init --demo: $(cat "$OUT/init.log")"
"$BIN" db copy --from "$OUT/demo.db" --to "$URL" >"$OUT/copy.log" 2>&1 || fail "db copy: $(cat "$OUT/copy.log")"
cp "$OUT/demo.db.pepper" "$XDG_DATA_HOME/etabli/postgresql.pepper" 2>/dev/null

# A free display number: no lock file and no socket.
NUM=120
while [ -e "/tmp/.X$NUM-lock" ] || [ -e "/tmp/.X11-unix/X$NUM" ]; do
    NUM=$((NUM + 1))
    [ "$NUM" -gt 170 ] && fail "no free X display number"
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

"$BIN" --db "$URL" kiosk >"$OUT/kiosk.log" 2>&1 &
KIOSK_PID=$!
i=0
until xdotool search --name 'Établi' >/dev/null 2>&1; do
    i=$((i + 1))
    kill -0 "$KIOSK_PID" 2>/dev/null || fail "the kiosk exited early"
    [ "$i" -gt 150 ] && fail "no kiosk window after 15 s"
    sleep 0.1
done
sleep 1.5  # first frames, fonts

not_flat() {
    sd=$(convert "$1" -format '%[fx:standard_deviation]' info: 2>/dev/null) || return 1
    awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }'
}
shot() {
    import -window root "$OUT/$1.png" || fail "screenshot $1"
    not_flat "$OUT/$1.png" || fail "$1.png is a flat image"
}
shot idle_online
pg_stop
sleep 3  # the feed notices within a second or two
shot idle_offline
kill -0 "$KIOSK_PID" 2>/dev/null || fail "the kiosk died when the server stopped"

# Léa's demo badge, typed as a keyboard-wedge reader types it: decided at the kiosk, noted.
xdotool type --delay 30 0001234567
xdotool key Return
sleep 1.5
shot member_offline
cmp -s "$OUT/idle_offline.png" "$OUT/member_offline.png" && fail "the screen did not change after the badge"
[ -f "$XDG_DATA_HOME/etabli/postgresql-offline.db" ] || fail "no journal beside the station ($XDG_DATA_HOME/etabli)"

# The server back: the journal replayed, once.
pg_start || fail "the server did not start again"
i=0
until [ "$(sql 'SELECT count(*) FROM replayed_taps')" = 1 ]; do
    i=$((i + 1))
    [ "$i" -gt 150 ] && fail "the journal was not replayed within 15 s: $(sql 'SELECT count(*) FROM replayed_taps')"
    sleep 0.1
done
lea=$(sql "SELECT count(*) FROM presence p JOIN members m ON m.id = p.member_id WHERE m.display_name LIKE 'Léa%' AND p.checked_out IS NULL")
[ "$lea" = 1 ] || fail "Léa is not checked in once in the database: $lea"
# Back to the welcome screen (the member screen goes after 30 s untouched), the banner gone.
sleep 31
shot idle_back
kill -0 "$KIOSK_PID" 2>/dev/null || fail "the kiosk died"
echo "kiosk_offline: ok ($OUT/idle_online.png, idle_offline.png, member_offline.png, idle_back.png)"
exit 0
