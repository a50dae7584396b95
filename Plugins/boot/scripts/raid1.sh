# Scripts plugin "raid1": installs the image on two local disks mirrored with mdadm RAID1.
# partscript: takes the two disks in $LUNA_DISKS, else the first two non-removable disks, and
# gives both the same GPT: BIOS boot (1 MiB), EFI system (512 MiB), /boot (1 GiB), swap
# (4 GiB) and root (the rest). Each pair of partitions past the BIOS boot one becomes a RAID1
# array: the EFI system partition and /boot with metadata 1.0, whose superblock sits at the
# end so that firmware and grub see a plain filesystem on either disk; swap and root with
# metadata 1.2. Root is mounted at $LUNA_SYSTEMROOT with /boot and /boot/efi under it.
# Everything on both disks is lost.
# postscript: writes fstab by UUID and mdadm.conf into the image, rebuilds the initramfs
# with RAID support, and installs grub on both disks (EFI: one boot entry per disk, added
# after the existing ones so that network boot stays first; BIOS: grub on each disk).
# Segments run as scripts (a node's "scripts") or inside the installer's steps (the plugin
# found for the node): they stop the install with exit 1 and pass state through a file,
# partscript leaving what it made in /tmp/luna-raid1.env. For other sizes, copy this plugin
# as a site plugin.

#@ segment prescript
:

#@ segment partscript
root=${LUNA_SYSTEMROOT:-/sysroot}
say() { echo "Luna raid1: $*"; }
die() { echo "Luna raid1: $*" >&2; exit 1; }
# Partition ends in MiB: BIOS boot, EFI system, /boot, swap; root takes the rest.
bios_end=2 esp_end=514 boot_end=1538 swap_end=5634

disks=${LUNA_DISKS:-$(lsblk -dnpo NAME,TYPE,RM | awk '$2 == "disk" && $3 == "0" && $1 !~ /zram/ { print $1 }' | head -n 2)}
set -- $disks
[ "$#" -eq 2 ] || die "RAID1 needs two disks, found: ${disks:-none}"
d1=$(readlink -f "$1")
d2=$(readlink -f "$2")
[ -b "$d1" ] && [ -b "$d2" ] || die "$d1 or $d2 is not a block device"
[ "$d1" != "$d2" ] || die "$d1 is named twice"
# Partitions of a disk whose name ends in a digit take a "p": nvme0n1p1, mmcblk0p1.
luna_part() { case $1 in *[0-9]) echo "${1}p$2" ;; *) echo "$1$2" ;; esac; }
say "installing on $d1 and $d2"

# An earlier attempt's mounts and old arrays, volume groups or swap on the disks keep the
# kernel from taking the new partition tables; old signatures would bring arrays back.
umount -R "$root" 2>/dev/null
for disk in "$d1" "$d2"; do
    lsblk -lnpo NAME,TYPE "$disk" | awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' |
    while read -r name type; do
        swapoff "$name" 2>/dev/null
        case $type in
            raid*) mdadm --stop "$name" >/dev/null 2>&1 ;;
            lvm|crypt) dmsetup remove "$name" 2>/dev/null ;;
        esac
    done
done
for disk in "$d1" "$d2"; do
    for name in $(lsblk -lnpo NAME,TYPE "$disk" | awk '$2 == "part" { print $1 }'); do
        wipefs -aq "$name" 2>/dev/null
    done
    wipefs -aq "$disk" 2>/dev/null
    parted -s -a optimal "$disk" mklabel gpt \
        mkpart biosboot 1MiB ${bios_end}MiB set 1 bios_grub on \
        mkpart esp fat32 ${bios_end}MiB ${esp_end}MiB set 2 esp on \
        mkpart boot ext4 ${esp_end}MiB ${boot_end}MiB set 3 raid on \
        mkpart swap linux-swap ${boot_end}MiB ${swap_end}MiB set 4 raid on \
        mkpart root ext4 ${swap_end}MiB 100% set 5 raid on || die "partitioning $disk failed"
    partprobe "$disk" 2>/dev/null
done
udevadm settle 2>/dev/null
for disk in "$d1" "$d2"; do
    for n in 1 2 3 4 5; do
        i=0
        until [ -b "$(luna_part "$disk" "$n")" ]; do
            i=$((i + 1))
            [ "$i" -le 30 ] || die "partition $n of $disk did not appear"
            sleep 1
        done
        wipefs -aq "$(luna_part "$disk" "$n")" 2>/dev/null
    done
done

# luna_raid NAME PARTITION METADATA: mirrors that partition of both disks as /dev/md/NAME.
luna_raid() {
    mdadm --create "/dev/md/$1" --run --quiet --level=1 --raid-devices=2 --metadata="$3" \
        --homehost=any --name="$1" "$(luna_part "$d1" "$2")" "$(luna_part "$d2" "$2")" < /dev/null ||
        die "creating the $1 array failed"
}
luna_raid esp 2 1.0
luna_raid boot 3 1.0
luna_raid swap 4 1.2
luna_raid root 5 1.2
udevadm settle 2>/dev/null
for name in esp boot swap root; do
    i=0
    until [ -b "/dev/md/$name" ]; do
        i=$((i + 1))
        [ "$i" -le 30 ] || die "/dev/md/$name did not appear"
        sleep 1
    done
done
mkfs.fat -F 32 -n ESP /dev/md/esp >/dev/null || die "mkfs.fat on /dev/md/esp failed"
mkfs.ext4 -q -F -L boot /dev/md/boot || die "mkfs.ext4 on /dev/md/boot failed"
mkswap -L swap /dev/md/swap >/dev/null || die "mkswap on /dev/md/swap failed"
mkfs.ext4 -q -F -L root /dev/md/root || die "mkfs.ext4 on /dev/md/root failed"

mkdir -p "$root" && mount /dev/md/root "$root" || die "mounting root failed"
mkdir -p "$root/boot" && mount /dev/md/boot "$root/boot" || die "mounting /boot failed"
mkdir -p "$root/boot/efi" && mount /dev/md/esp "$root/boot/efi" || die "mounting /boot/efi failed"
printf 'disks="%s %s"\n' "$d1" "$d2" > /tmp/luna-raid1.env || die "writing /tmp/luna-raid1.env failed"
say "$d1 and $d2 mirrored and mounted at $root"

#@ segment postscript
root=${LUNA_SYSTEMROOT:-/sysroot}
say() { echo "Luna raid1: $*"; }
# The image's tools run in a chroot that sees the installer's /dev, /proc, /sys and /run
# (udev's database, which grub-probe and dracut read). rslave keeps unmounting from
# reaching the installer's own mounts.
luna_bind() {
    local d
    for d in dev proc sys run; do
        mkdir -p "$root/$d" && mount --rbind "/$d" "$root/$d" && mount --make-rslave "$root/$d" || return 1
    done
}
luna_unbind() {
    local d
    for d in run sys proc dev; do umount -R "$root/$d" 2>/dev/null; done
}
die() { echo "Luna raid1: $*" >&2; luna_unbind; exit 1; }
# No stdin: run as a node's script, bash reads this very text from stdin.
luna_chroot() { chroot "$root" /bin/sh -c "$*" < /dev/null; }
luna_has() { luna_chroot "command -v $1" >/dev/null 2>&1; }
luna_uuid() { blkid -s UUID -o value "$1"; }

[ -r /tmp/luna-raid1.env ] || die "/tmp/luna-raid1.env is missing: the raid1 partscript did not run"
. /tmp/luna-raid1.env
for name in root boot esp swap; do
    [ -n "$(luna_uuid "/dev/md/$name")" ] || die "/dev/md/$name has no filesystem UUID"
done

# Only the mounts this plugin makes are replaced; the image's other fstab lines stay.
touch "$root/etc/fstab"
awk '$2 != "/" && $2 != "/boot" && $2 != "/boot/efi" && $3 != "swap"' "$root/etc/fstab" > /tmp/luna-fstab
{
    cat /tmp/luna-fstab
    echo "UUID=$(luna_uuid /dev/md/root) / ext4 defaults 1 1"
    echo "UUID=$(luna_uuid /dev/md/boot) /boot ext4 defaults 1 2"
    echo "UUID=$(luna_uuid /dev/md/esp) /boot/efi vfat umask=0077 0 2"
    echo "UUID=$(luna_uuid /dev/md/swap) none swap defaults 0 0"
} > "$root/etc/fstab" || die "writing fstab failed"
rm -f /tmp/luna-fstab

# Debian and Ubuntu read /etc/mdadm/mdadm.conf, the others /etc/mdadm.conf. The image's
# settings stay; its ARRAY lines make way for this node's arrays.
if [ -d "$root/etc/mdadm" ]; then conf=$root/etc/mdadm/mdadm.conf; else conf=$root/etc/mdadm.conf; fi
{
    grep -v '^ARRAY' "$conf" 2>/dev/null
    mdadm --detail --scan
} > /tmp/luna-mdadm.conf && cat /tmp/luna-mdadm.conf > "$conf" || die "writing $conf failed"
rm -f /tmp/luna-mdadm.conf

luna_bind || die "bind-mounting /dev, /proc, /sys and /run into $root failed"
luna_has mdadm || die "the image has no mdadm: the installed system could not assemble its arrays"

# The image's initramfs was built elsewhere: it may lack this node's disk drivers, and it
# must assemble the root array.
for kver in "$root"/lib/modules/*; do
    kver=${kver##*/}
    [ -e "$root/boot/vmlinuz-$kver" ] || [ -e "$root/lib/modules/$kver/vmlinuz" ] || continue
    say "building the initramfs for $kver"
    if luna_has dracut; then
        luna_chroot "dracut --force --add mdraid --mdadmconf --kver $kver" || die "dracut for $kver failed"
    elif luna_has update-initramfs; then
        luna_chroot "update-initramfs -u -k $kver || update-initramfs -c -k $kver" || die "update-initramfs for $kver failed"
    fi
done

if luna_has grub2-install; then gi=grub2-install
elif luna_has grub-install; then gi=grub-install
else die "the image has neither grub2-install nor grub-install"
fi

if [ -d /sys/firmware/efi ]; then
    case $(uname -m) in
        x86_64) arch=x64 target=x86_64-efi ;;
        aarch64) arch=aa64 target=arm64-efi ;;
        *) die "no EFI boot support for $(uname -m)" ;;
    esac
    id=$(. "$root/etc/os-release" 2>/dev/null; echo "${ID:-linux}")
    efi=$root/boot/efi
    # Sets vendor and loader from the first EFI/<vendor>/ holding shim, else grub (SUSE
    # names them shim.efi and grub.efi).
    luna_find_loader() {
        local f d
        for f in "$efi"/EFI/*/"shim$arch.efi" "$efi"/EFI/*/shim.efi "$efi"/EFI/*/"grub$arch.efi" "$efi"/EFI/*/grub.efi; do
            [ -e "$f" ] || continue
            d=${f%/*}
            d=${d##*/}
            case $d in [Bb][Oo][Oo][Tt]) continue ;; esac
            vendor=$d loader=${f##*/}
            return 0
        done
        return 1
    }
    # The EFI system partition is mirrored: what lands on /boot/efi is on both disks.
    if luna_find_loader; then
        # The image brought signed loaders (RHEL and rebuilds): keep them, and point their
        # grub.cfg at /boot as RHEL 9 does; mkconfig writes the real one there.
        gdir=grub2
        luna_has grub2-mkconfig || gdir=grub
        printf 'search --no-floppy --fs-uuid --set=dev %s\nset prefix=($dev)/%s\nexport $prefix\nconfigfile $prefix/grub.cfg\n' \
            "$(luna_uuid /dev/md/boot)" "$gdir" > "$efi/EFI/$vendor/grub.cfg" || die "writing the EFI grub.cfg failed"
    elif luna_has shim-install; then
        say "installing shim and grub for EFI (SUSE)"
        luna_chroot "shim-install --no-nvram --efi-directory=/boot/efi --config-file=/boot/grub2/grub.cfg" || die "shim-install failed"
    else
        say "installing grub for EFI ($target)"
        luna_chroot "$gi --target=$target --efi-directory=/boot/efi --bootloader-id=$id --no-nvram" || die "$gi for EFI failed"
    fi
    luna_find_loader || die "no EFI loader on the EFI system partition"
    # Firmware without a boot entry for a disk starts EFI/BOOT/BOOT<ARCH>.EFI; shim there
    # starts grub from its own directory.
    ARCH=$(echo "$arch" | tr '[:lower:]' '[:upper:]')
    mkdir -p "$efi/EFI/BOOT"
    if [ ! -e "$efi/EFI/BOOT/BOOT$ARCH.EFI" ]; then
        cp "$efi/EFI/$vendor/$loader" "$efi/EFI/BOOT/BOOT$ARCH.EFI" || die "copying the fallback loader failed"
        for f in "$efi/EFI/$vendor/grub$arch.efi" "$efi/EFI/$vendor/grub.efi"; do
            if [ -e "$f" ]; then cp "$f" "$efi/EFI/BOOT/"; fi
        done
    fi
    luna_efiboot() { if luna_has efibootmgr; then chroot "$root" efibootmgr "$@"; else efibootmgr "$@"; fi; }
    # Boot numbers of the entries whose label starts with "Luna ".
    luna_entries() {
        luna_efiboot | awk '/^Boot[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]/ {
            label = $0; sub(/^Boot[0-9A-Fa-f]+\*? */, "", label); sub(/\t.*/, "", label)
            if (index(label, "Luna ") == 1) print substr($0, 5, 4) }'
    }
    if luna_efiboot >/dev/null 2>&1; then
        # Entries of earlier installs of this node would pile up.
        for num in $(luna_entries); do luna_efiboot -q -b "$num" -B; done
        order=$(luna_efiboot | sed -n 's/^BootOrder: //p')
        for disk in $disks; do
            luna_efiboot -q -c -d "$disk" -p 2 -L "Luna $id (${disk##*/})" -l "\\EFI\\$vendor\\$loader" ||
                die "efibootmgr could not add the boot entry for $disk"
        done
        # Network boot stays first: the controller decides at each boot whether the node
        # installs again or boots from its disks.
        luna_efiboot -q -o "$order${order:+,}$(luna_entries | tr '\n' ',' | sed 's/,$//')" || die "efibootmgr could not set the boot order"
    else
        say "EFI variables cannot be written; the firmware finds EFI/BOOT/BOOT$ARCH.EFI instead"
    fi
else
    for disk in $disks; do
        say "installing grub for BIOS on $disk"
        luna_chroot "$gi --target=i386-pc $disk" || die "$gi for BIOS on $disk failed"
    done
fi

# BLS entries written while /boot was part of / name kernels /boot/vmlinuz-*; on a /boot
# partition that path resolves through boot -> . (RHEL and rebuilds).
if [ -d "$root/boot/loader/entries" ] && [ ! -e "$root/boot/boot" ]; then ln -s . "$root/boot/boot"; fi
if luna_has update-grub; then
    luna_chroot update-grub || die "update-grub failed"
elif luna_has grub2-mkconfig; then
    # RHEL 9.3 and later rewrite the kernel command line of BLS entries only when asked.
    opt=
    case $(luna_chroot "grub2-mkconfig --help" 2>&1) in *--update-bls-cmdline*) opt=--update-bls-cmdline ;; esac
    luna_chroot "grub2-mkconfig $opt -o /boot/grub2/grub.cfg" || die "grub2-mkconfig failed"
else
    luna_chroot "grub-mkconfig -o /boot/grub/grub.cfg" || die "grub-mkconfig failed"
fi
luna_unbind
say "boot loader installed on $disks"
