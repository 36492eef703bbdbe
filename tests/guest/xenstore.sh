#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: Debian's xenstore-utils, unmodified, against the domain's
# XenStore (libxenstore talks through /dev/xen/xenbus). Checks what a Xen
# toolstack gives every domU: its domid key, its own home readable, other
# domains' directories refused, a key under its data/ writable, and a watch
# that fires. One TEST line per check.

pass() { echo "TEST PASS xenstore-$1"; }
fail() { echo "TEST FAIL xenstore-$1: $2"; }
oneline() { tr '\n' ' ' | sed 's/ $//'; }

# A relative path is relative to the domain's home, /local/domain/<id>.
id=$(xenstore-read domid 2>&1)
case $id in
'' | *[!0-9]*)
    fail domid "xenstore-read domid: $(echo "$id" | oneline)"
    exit 0
    ;;
esac
home=/local/domain/$id
abs=$(xenstore-read "$home/domid" 2>&1)
if [ "$abs" = "$id" ]; then
    pass domid
else
    fail domid "xenstore-read domid says $id, xenstore-read $home/domid says $(echo "$abs" | oneline)"
fi

# Its own home lists, domid among its entries.
if out=$(xenstore-ls "$home" 2>&1) && echo "$out" | grep -q '^domid = '; then
    pass ls-own
else
    fail ls-own "xenstore-ls $home: $(echo "$out" | head -n 3 | oneline)"
fi

# Another domain's directory is refused, not merely absent: as Xen's
# xenstored, a node the caller may not see answers EACCES whether it
# exists or not (/local/domain itself is closed to guests).
other=/local/domain/0
[ "$id" != 0 ] || other=/local/domain/1
if ! out=$(xenstore-ls "$other" 2>&1) && echo "$out" | grep -q 'Permission denied'; then
    pass ls-other
else
    fail ls-other "xenstore-ls $other was not refused: $(echo "$out" | head -n 3 | oneline)"
fi

# A key under its own data/ (the directory a Xen toolstack opens to the guest).
value=written-by-$id
if ! out=$(xenstore-write data/mosaic-test "$value" 2>&1); then
    fail write "xenstore-write data/mosaic-test: $(echo "$out" | oneline)"
elif [ "$(xenstore-read data/mosaic-test 2>&1)" != "$value" ]; then
    fail write "xenstore-read data/mosaic-test says $(xenstore-read data/mosaic-test 2>&1 | oneline), not $value"
else
    pass write
fi

# A watch fires once when set (Xen's rule) and once per change: wait for
# the first, write, then the watcher must see the second and end.
key=$home/data/mosaic-watch
log=/tmp/xenstore-watch.log
xenstore-write "$key" 0 >/dev/null 2>&1
xenstore-watch -n 2 "$key" >"$log" 2>&1 &
watcher=$!
i=0
while [ $i -lt 50 ] && ! grep -q . "$log"; do
    sleep 0.1
    i=$((i + 1))
done
xenstore-write "$key" 1 >/dev/null 2>&1
i=0
while [ $i -lt 50 ] && kill -0 $watcher 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 $watcher 2>/dev/null; then
    kill $watcher
    fail watch "xenstore-watch $key saw $(grep -c . "$log") event(s) in 10 s, not 2: $(oneline <"$log")"
elif [ "$(grep -cxF "$key" "$log")" -eq 2 ]; then
    pass watch
else
    fail watch "xenstore-watch $key printed: $(oneline <"$log")"
fi
