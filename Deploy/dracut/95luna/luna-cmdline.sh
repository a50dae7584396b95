#!/bin/sh
# cmdline hook: root=luna is a root dracut can boot (the installer mounts /sysroot), as
# long as the controller gave the arguments the luna hook needs.

type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

if [ "$root" = luna ]; then
    for _luna_arg in luna.mac luna.url luna.node; do
        [ -n "$(getarg "$_luna_arg=")" ] \
            || die "luna: root=luna needs $_luna_arg=… on the kernel command line, and it is missing"
    done
    unset _luna_arg
    rootok=1
fi
