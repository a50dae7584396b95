# shellcheck shell=bash disable=SC2154 # $lab and $work are the sourcing script's
# Shell functions the lab's test and benchmark share (sourced; needs $root, the
# repository, $lab, the ha-lab command as an array, $work, a scratch folder, and fail).

now_ms() { date +%s%3N; }
address() { echo "10.141.255.25${1#c}"; }

# api CONTROLLER PATH [curl args]: an admin call from inside the controller's namespace.
api() {
    local c=$1 path=$2 token
    shift 2
    token=$(ip netns exec "lunalab-$c" curl -sf -X POST -H 'Content-Type: application/json' -d '{"username":"luna","password":"luna"}' \
        "http://$(address "$c"):7050/token" | sed -E 's/.*"token":"([^"]+)".*/\1/')
    ip netns exec "lunalab-$c" curl -s -H "x-access-tokens: $token" -H 'Content-Type: application/json' "$@" \
        "http://$(address "$c"):7050$path"
}

# api_taken CONTROLLER PATH [curl args]: an admin call that must be answered 2xx; otherwise
# fails with what the controller answered.
api_taken() {
    local code
    rm -f "$work/answer"
    # A call that fails outright (no token, no connection) is a refusal too, not a silent exit.
    code=$(api "$@" -o "$work/answer" -w '%{http_code}') || true
    [ "${code:0:1}" = 2 ] || fail "$1 answered ${code:-nothing} to $2: $(cat "$work/answer" 2> /dev/null)"
}

# until_true SECONDS COMMAND...: polls every 100 ms.
until_true() {
    local deadline=$(($(now_ms) + $1 * 1000))
    shift
    until "$@" > /dev/null 2>&1; do
        [ "$(now_ms)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

holder() { "${lab[@]}" status | awk '$2 == "running" && $3 == "up" && $4 == "has-beacon" {print $1}' | head -1; }
mac_of() { ip -n "lunalab-$1" link show eth0 | grep -o 'ether [0-9a-f:]*' | cut -d' ' -f2; }

# Every 100 ms one ARP request for the beacon from the client namespace
# (Deploy/ha-lab-sampler); each request's line (its time in ms, the MACs that answered
# it or -) is appended to FILE.
start_sampler() {
    samples=$1
    ip netns exec lunalab-client "$root/Deploy/ha-lab-sampler" eth0 10.141.255.254 >> "$samples" &
    sampler=$!
}

# Stops the samples. SIGKILL: a parent that blocks SIGTERM (Foundation's Process does,
# for luna-bench) passes the block on.
stop_sampler() {
    kill -KILL "$sampler" 2> /dev/null || true
    wait "$sampler" 2> /dev/null || true
}

# first_other SINCE MAC: the start of the first sample after SINCE answered by a MAC other than MAC.
first_other() {
    awk -v since="$1" -v old="$2" '$1 >= since && $2 != "-" && $2 != old {print $1}' "$samples" | sort -n | head -1
}
moved() { [ -n "$(first_other "$1" "$2")" ]; }
