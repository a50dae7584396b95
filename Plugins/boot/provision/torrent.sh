# Provision plugin "torrent": the node downloads the image archive with BitTorrent (aria2c),
# from every controller that seeds it and from the nodes installing beside it, through the
# tracker at the controller's /announce. The .torrent comes from /files with the node's
# token. The installer goes on to the fallback method (http by default) when the initrd
# has no aria2c (the image lacks Debian's aria2 or RHEL's aria2) or no byte arrives for a
# minute; aria2c checks every piece against the torrent's SHA-1.

#@ segment fetch
local torrent="$LUNA_SYSTEMROOT/$LUNA_IMAGEFILE.torrent" dest="$LUNA_SYSTEMROOT/$LUNA_IMAGEFILE"
local check=true rc
if ! command -v aria2c > /dev/null; then
    echo "Luna: the initrd has no aria2c (install aria2 in the image and pack it again)"
    return 1
fi
case $LUNA_CURL in *--insecure*) check=false ;; esac
rm -f "$dest" "$dest.aria2" "$torrent"
# curl retries a 503: the controller asked may still be fetching the file from a peer.
if ! $LUNA_CURL -H "x-access-tokens: $LUNA_TOKEN" --retry 5 --retry-delay 5 -o "$torrent" \
    "$LUNA_FILES_URL/$LUNA_IMAGEFILE.torrent"; then
    echo "Luna: $LUNA_IMAGEFILE.torrent could not be fetched"
    return 1
fi
echo "Luna: downloading $LUNA_IMAGEFILE by BitTorrent (tracker $LUNA_URL/announce)"
# The tracker is the controller's, wherever the torrent was made; no DHT, no local peer
# discovery: peers come from the tracker only. Nothing is seeded once the file is whole.
aria2c --dir="$LUNA_SYSTEMROOT" --seed-time=0 --enable-dht=false --enable-dht6=false \
    --bt-enable-lpd=false --bt-exclude-tracker='*' --bt-tracker="$LUNA_URL/announce" \
    --bt-stop-timeout=60 --check-certificate="$check" --file-allocation=none \
    --allow-overwrite=true --summary-interval=30 --console-log-level=warn "$torrent"
rc=$?
rm -f "$torrent" "$dest.aria2"
if [ "$rc" -ne 0 ]; then
    echo "Luna: aria2c failed (exit $rc)"
    rm -f "$dest"
    return 1
fi
return 0
