# Scripts plugin "nodhcp": the installed node boots from its own disk, without network boot
# and so without the controller's DHCP. luna2's nodhcp did this with its own partitioning of
# /dev/sda and a disk boot entry placed first; here it only changes the boot order, after a
# plugin that installed on disk. A node's scripts run in the order listed and before the
# scripts plugin found for the node, so list both: scripts "diskfull,nodhcp" or "raid1,nodhcp".
# postscript: on EFI firmware, moves the disk boot entries that diskfull and raid1 add
# ("Luna ..." labels) to the front of the boot order, or adds one per disk behind the EFI
# system partition at $LUNA_SYSTEMROOT/boot/efi when there are none. BIOS boot order cannot
# be changed from the node: the log says to set it in the firmware.
# Network boot from the controller comes back only by changing the boot order again.

#@ segment prescript
:

#@ segment partscript
:

#@ segment postscript
root=${LUNA_SYSTEMROOT:-/sysroot}
efi=$root/boot/efi
say() { echo "Luna nodhcp: $*"; }
# efibootmgr of the image runs in a chroot that sees the installer's /dev, /proc and /sys
# (the EFI variables); rslave keeps unmounting from reaching the installer's own mounts.
luna_bind() {
    local d
    for d in dev proc sys; do
        mkdir -p "$root/$d" && mount --rbind "/$d" "$root/$d" && mount --make-rslave "$root/$d" || return 1
    done
}
luna_unbind() {
    local d
    for d in sys proc dev; do umount -R "$root/$d" 2>/dev/null; done
}
die() { echo "Luna nodhcp: $*" >&2; luna_unbind; exit 1; }
luna_efiboot() {
    if chroot "$root" /bin/sh -c "command -v efibootmgr" >/dev/null 2>&1; then
        chroot "$root" efibootmgr "$@"
    else
        efibootmgr "$@"
    fi
}
# Boot numbers of the entries whose label starts with "Luna ".
luna_entries() {
    luna_efiboot | awk '/^Boot[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]/ {
        label = $0; sub(/^Boot[0-9A-Fa-f]+\*? */, "", label); sub(/\t.*/, "", label)
        if (index(label, "Luna ") == 1) print substr($0, 5, 4) }'
}
# Adds a "Luna" entry for each disk behind the EFI system partition mounted at $efi (each
# member of a mirrored one), starting the first shim or grub found on it.
luna_add_entries() {
    local esp id arch loader='' f d members part disk
    esp=$(findmnt -no SOURCE "$efi") ||
        die "nothing is mounted at $efi: list nodhcp after the script that installs on disk (e.g. diskfull,nodhcp)"
    id=$(. "$root/etc/os-release" 2>/dev/null; echo "${ID:-linux}")
    case $(uname -m) in aarch64) arch=aa64 ;; *) arch=x64 ;; esac
    for f in "$efi"/EFI/*/"shim$arch.efi" "$efi"/EFI/*/shim.efi "$efi"/EFI/*/"grub$arch.efi" "$efi"/EFI/*/grub.efi; do
        [ -e "$f" ] || continue
        d=${f%/*}
        d=${d##*/}
        case $d in [Bb][Oo][Oo][Tt]) continue ;; esac
        loader="\\EFI\\$d\\${f##*/}"
        break
    done
    [ -n "$loader" ] || die "no EFI loader on the EFI system partition at $efi"
    esp=$(readlink -f "$esp")
    members=${esp##*/}
    if [ -d "/sys/block/$members/slaves" ]; then members=$(ls "/sys/block/$members/slaves"); fi
    for part in $members; do
        disk=$(lsblk -dno PKNAME "/dev/$part")
        [ -n "$disk" ] && [ -r "/sys/class/block/$part/partition" ] || die "/dev/$part is not a disk partition"
        luna_efiboot -q -c -d "/dev/$disk" -p "$(cat "/sys/class/block/$part/partition")" -L "Luna $id ($disk)" -l "$loader" ||
            die "efibootmgr could not add the boot entry for /dev/$disk"
    done
}

if [ -d /sys/firmware/efi ]; then
    luna_bind || die "bind-mounting /dev, /proc and /sys into $root failed"
    luna_efiboot >/dev/null 2>&1 || die "EFI variables cannot be read or written (no efibootmgr, or no efivarfs)"
    if [ -z "$(luna_entries)" ]; then luna_add_entries; fi
    first=$(echo $(luna_entries) | tr ' ' ',')
    rest=$(luna_efiboot | sed -n 's/^BootOrder: //p' | awk -v skip="$first" '
        BEGIN { n = split(skip, s, ","); for (i = 1; i <= n; i++) drop[s[i]] = 1 }
        { m = split($0, o, ","); for (i = 1; i <= m; i++) if (!(o[i] in drop)) printf ",%s", o[i] }')
    luna_efiboot -q -o "$first$rest" || die "efibootmgr could not set the boot order"
    luna_unbind
    say "boot order is now $first$rest: the node boots from its disk"
else
    say "BIOS firmware: put the local disk first in the firmware's boot order"
fi
