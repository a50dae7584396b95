#!/bin/bash
# Control plugin "default": the BMC over IPMI 2.0 (lanplus, cipher suite 3) with ipmitool.
# Called as `default.sh SUBSYSTEM ACTION` with LUNA_BMC, LUNA_BMC_USERNAME and
# LUNA_BMC_PASSWORD in the environment; the password reaches ipmitool through its
# environment (-E), never its command line. Prints the answer (a power status is on or
# off) and exits 0; a refusal prints luna2's sentence and exits 1, a BMC that does not
# answer at all exits 75 (the controller tries again).
set -u
case "$1 $2" in
    "power on" | "power off" | "power status" | "power reset" | "power cycle") command=(chassis power "$2") ;;
    "chassis identify") command=(chassis identify) ;;
    "chassis noidentify") command=(chassis identify 0) ;;
    "sel list") command=(sel elist) ;;
    "sel clear") command=(sel clear) ;;
    *)
        echo "Instruction not implemented"
        exit 64
        ;;
esac
export IPMI_PASSWORD=$LUNA_BMC_PASSWORD
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
started=${EPOCHREALTIME/./}
# One second for an answer, one retransmission: a silent BMC costs two seconds a try.
output=$(ipmitool -I lanplus -C 3 -N 1 -R 1 -H "$LUNA_BMC" -U "$LUNA_BMC_USERNAME" -E "${command[@]}" 2> "$errors")
status=$?
if [ "$status" -ne 0 ]; then
    reason=$(< "$errors")
    echo "Command execution failed with exit code $status: ${reason:-$output}"
    # A wrong login is refused at once; a session that timed out never had an answer.
    if [ $((${EPOCHREALTIME/./} - started)) -ge 1500000 ] && [[ "$reason" == *"Unable to establish"* ]]; then exit 75; fi
    # An answer lost mid-session may be tried again, unless the action may already have
    # been done and doing it twice is not the same (a second reset or cycle).
    if [[ "$reason" == *"No valid response received"* ]] && [ "$2" != reset ] && [ "$2" != cycle ]; then exit 75; fi
    exit 1
fi
if [ "$1" = sel ] && [ "$2" = list ]; then
    # The entries only, not ipmitool's remarks on reading the sensor records.
    entries=$(grep -F ' | ' <<< "$output")
    echo "${entries:-SEL has no entries}"
    exit 0
fi
output=${output//$'\n'/ }
output=${output#Chassis Power is }
output=${output#Chassis Power Control: }
echo "${output,,}"
