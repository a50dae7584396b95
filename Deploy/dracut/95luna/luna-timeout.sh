#!/bin/sh
# initqueue/timeout hook: dracut runs it on each pass once it has waited two thirds of
# rd.retry. It says, once, why a luna boot still waits: mostly a NIC whose driver is not
# in the initrd.

type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

if [ "$(getarg root=)" = luna ] && [ ! -e /tmp/luna.done ] && [ ! -e /tmp/luna.waited ]; then
    : > /tmp/luna.waited
    . /lib/luna-lib.sh
    if luna_find_nic "$luna_mac" > /dev/null; then
        luna_say "still waiting for the $luna_bootproto setup of $(luna_find_nic "$luna_mac") ($luna_mac)"
    else
        _luna_nics=
        for _luna_f in /sys/class/net/*/address; do
            _luna_d=${_luna_f%/address}
            [ "${_luna_d##*/}" = lo ] || _luna_nics="$_luna_nics ${_luna_d##*/}=$(cat "$_luna_f")"
        done
        luna_say "no network interface has the MAC address $luna_mac (luna.mac): is its driver in the initrd? There are:${_luna_nics:- none}"
    fi
fi
