#!/bin/bash
# Control plugin "redfish": the BMC's Redfish service over HTTPS with curl and jq, for a
# BMC setup whose protocol is redfish. LUNA_BMC_AUTH session (the default) logs in through
# the SessionService where the BMC offers one (else basic), basic sends the login with
# every request; LUNA_BMC_VERIFYCERT no accepts a certificate no CA vouches for. The login
# reaches curl on its standard input, never its command line. The first system of the
# BMC is the node. Exits as the default plugin does: 0 with the answer, 1 refused, 75 silent.
set -u
host=$LUNA_BMC
[[ "$host" == *:* ]] && host="[$host]"
base="https://$host"
timeout=${LUNA_BMC_TIMEOUT:-10}
curl_options=(-sS --max-time "$timeout" --connect-timeout "$timeout")
[ "${LUNA_BMC_VERIFYCERT:-yes}" = no ] && curl_options+=(-k)
token="" session=""

# A curl config line for the login: the user name and password quoted as curl reads them.
login_config() {
    local credentials="$LUNA_BMC_USERNAME:$LUNA_BMC_PASSWORD"
    credentials=${credentials//\\/\\\\}
    printf 'user = "%s"\n' "${credentials//\"/\\\"}"
}

# redfish METHOD PATH [JSON]: the answer's body on stdout; fails with the reason.
redfish() {
    local reply code
    local args=("${curl_options[@]}" -X "$1" -w '\n%{http_code}' -H 'Accept: application/json')
    [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
    if [ -n "$token" ]; then
        reply=$(curl "${args[@]}" -H "X-Auth-Token: $token" "$base$2" 2>&1)
    else
        reply=$(login_config | curl -K - "${args[@]}" "$base$2" 2>&1)
    fi
    local status=$?
    code=${reply##*$'\n'}
    reply=${reply%$'\n'*}
    if [ "$status" -ne 0 ]; then
        unreachable "$status" "$1 $2" "$reply"
        return
    fi
    case $code in
        2??) echo "$reply" ;;
        503) echo "the Redfish service at $LUNA_BMC is busy (503) on $1 $2"; return 75 ;;
        401 | 403) echo "the Redfish service at $LUNA_BMC refused the login of $LUNA_BMC_USERNAME ($code)"; return 1 ;;
        *) echo "the Redfish service at $LUNA_BMC answered $code to $1 $2: $(jq -r '.error["@Message.ExtendedInfo"][0].Message // .error.message // .' <<< "$reply" 2> /dev/null | head -c 300)"; return 1 ;;
    esac
}

# unreachable CURL_STATUS WHAT ERROR: why curl got no answer; 75 where trying again may help.
unreachable() {
    case $1 in
        60 | 51 | 58 | 35)
            echo "the Redfish service at $LUNA_BMC has a certificate this controller does not trust (set verifycert no on its BMC setup, or add its CA): ${3%%$'\n'*}"
            return 1
            ;;
        *)
            echo "the Redfish service at $LUNA_BMC did not answer $2: ${3%%$'\n'*}"
            return 75
            ;;
    esac
}

finish() {
    local status=$1
    [ -n "$session" ] && curl "${curl_options[@]}" -X DELETE -H "X-Auth-Token: $token" -o /dev/null "$base$session" 2> /dev/null
    exit "$status"
}

# call METHOD PATH [JSON]: redfish, the answer's body in $answer; a failure ends the plugin.
answer=""
call() {
    local status=0
    answer=$(redfish "$@") || status=$?
    if [ "$status" -ne 0 ]; then
        echo "$answer"
        finish "$status"
    fi
}

case "$1 $2" in
    "power on" | "power off" | "power status" | "power reset" | "power cycle" | "chassis identify" | \
        "chassis noidentify" | "sel list" | "sel clear") ;;
    *)
        echo "Instruction not implemented"
        exit 64
        ;;
esac

# A session where the service root links a session collection; basic auth otherwise.
sessions=""
if [ "${LUNA_BMC_AUTH:-session}" = session ]; then
    root=$(curl "${curl_options[@]}" -H 'Accept: application/json' "$base/redfish/v1/" 2>&1) ||
        { unreachable $? "GET /redfish/v1/" "$root"; exit; }
    sessions=$(jq -r '.Links.Sessions["@odata.id"] // empty' <<< "$root" 2> /dev/null)
fi
if [ -n "$sessions" ]; then
    headers=$(mktemp)
    trap 'rm -f "$headers"' EXIT
    body=$(jq -nc --arg u "$LUNA_BMC_USERNAME" --arg p "$LUNA_BMC_PASSWORD" '{UserName: $u, Password: $p}')
    code=$(echo "$body" | curl "${curl_options[@]}" -o /dev/null -D "$headers" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' --data-binary @- "$base$sessions" 2>&1) ||
        { unreachable $? "POST $sessions" "$code"; exit; }
    case $code in
        2??)
            token=$(sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: *//p' "$headers" | tr -d '\r')
            session=$(sed -n 's/^[Ll]ocation: *//p' "$headers" | tr -d '\r' | sed 's|^https\?://[^/]*||')
            ;;
        *) echo "the Redfish service at $LUNA_BMC refused the login of $LUNA_BMC_USERNAME ($code)"; exit 1 ;;
    esac
fi

call GET /redfish/v1/Systems
system=$(jq -r '.Members[0]["@odata.id"] // empty' <<< "$answer")
[ -n "$system" ] || { echo "the Redfish service at $LUNA_BMC lists no system"; finish 1; }
call GET "$system"
system_json=$answer

reset() {
    local target allowed type=$1
    target=$(jq -r '.Actions["#ComputerSystem.Reset"].target // empty' <<< "$system_json")
    [ -n "$target" ] || { echo "the system $system offers no reset action"; finish 1; }
    if [ "$type" = PowerCycle ]; then
        allowed=$(jq -r '.Actions["#ComputerSystem.Reset"]["ResetType@Redfish.AllowableValues"] // [] | join(" ")' <<< "$system_json")
        [[ " $allowed " == *" PowerCycle "* ]] || type=ForceRestart
    fi
    call POST "$target" "{\"ResetType\": \"$type\"}"
    echo "$2"
}

# log_service: the system's SEL log service (else its first) in $service.
log_service() {
    local services
    services=$(jq -r '.LogServices["@odata.id"] // empty' <<< "$system_json")
    [ -n "$services" ] || { echo "the Redfish service at $LUNA_BMC offers no log service for $system (sel)"; finish 1; }
    call GET "$services"
    service=$(jq -r '([.Members[]["@odata.id"] | select(test("SEL"; "i"))] + [.Members[0]["@odata.id"]])[0] // empty' <<< "$answer")
    [ -n "$service" ] || { echo "the Redfish service at $LUNA_BMC lists no log service for $system (sel)"; finish 1; }
}

case "$1 $2" in
    "power status") jq -r '.PowerState // "unknown"' <<< "$system_json" | tr '[:upper:]' '[:lower:]' ;;
    "power on") reset On "up/on" ;;
    "power off") reset ForceOff "down/off" ;;
    "power reset") reset ForceRestart "reset" ;;
    "power cycle") reset PowerCycle "cycle" ;;
    "chassis identify") call PATCH "$system" '{"IndicatorLED": "Blinking"}' && echo "identify on" ;;
    "chassis noidentify") call PATCH "$system" '{"IndicatorLED": "Off"}' && echo "identify off" ;;
    "sel list")
        log_service
        call GET "$service/Entries"
        jq -r '.Members[] | "\(.Created // "-") | \(.Severity // "-") | \(.Message // "")"' <<< "$answer"
        ;;
    "sel clear")
        log_service
        call POST "$service/Actions/LogService.ClearLog" '{}' && echo "cleared"
        ;;
esac
finish 0
