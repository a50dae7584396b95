# Provision plugin "http": the node downloads the image archive from the controller's /files
# over HTTP(S), resuming a broken transfer, with up to five attempts.

#@ segment fetch
local url="$LUNA_FILES_URL/$LUNA_IMAGEFILE" dest="$LUNA_SYSTEMROOT/$LUNA_IMAGEFILE"
local attempt code rc
# A partial file from an earlier run may belong to another image: start clean, and resume
# only across the attempts of this call.
rm -f "$dest"
for attempt in 1 2 3 4 5; do
    echo "Luna: downloading $url (attempt $attempt of 5)"
    # A transfer slower than 1 KiB/s for a minute is an error that the next attempt resumes.
    code=$($LUNA_CURL -H "x-access-tokens: $LUNA_TOKEN" -C - --speed-limit 1024 --speed-time 60 \
        -o "$dest" -w "%{http_code}" "$url")
    rc=$?
    if [ "$rc" -eq 0 ]; then return 0; fi
    echo "Luna: download failed (curl exit $rc, HTTP status $code)"
    case $code in
        # A request timeout or rate limit may pass.
        408|429) ;;
        # A missing file or a refused token: asking again gets the same answer.
        4??) return 1 ;;
    esac
    # curl 33: the server cannot resume, so start over.
    if [ "$rc" -eq 33 ]; then rm -f "$dest"; fi
    if [ "$attempt" -lt 5 ]; then sleep $((attempt * 5)); fi
done
return 1
