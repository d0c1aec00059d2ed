#!/bin/bash
# Builds the appliance's bootable GPT disk image from Debian packages and our published binary.
#   build.sh OUT
# Environment:
#   EVE_BIN            the published eve-appliance (required; `make image` publishes it)
#   VERSION            the base-OS version written to /etc/eve-release (default 1)
#   CONFIG_DIR         files for the CONFIG partition (EVE's /config; e.g. from `provision usb`)
#   SOURCE_DATE_EPOCH  every timestamp in the image (default: the last commit's time)
#   IMAGE_CACHE        where downloaded .debs are kept (default .cache/image/debs)
# Writes OUT/disk.raw (the whole disk), OUT/rootfs.sqfs (the update image for IMGA/IMGB),
# OUT/vmlinuz + OUT/initrd.img (also on the EFI partition; QEMU tests boot them with -kernel/-initrd),
# OUT/sizes.txt. No loop devices, no mounts, no root needed except for apt's download.
# Same inputs (binary, package versions, CONFIG_DIR, epoch) → byte-identical disk.raw.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:?usage: build.sh OUT}
: "${EVE_BIN:?EVE_BIN must name the published eve-appliance binary}"
VERSION=${VERSION:-1}
EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || echo 0)}
CACHE=${IMAGE_CACHE:-$REPO/.cache/image/debs}
export SOURCE_DATE_EPOCH=$EPOCH TZ=UTC LC_ALL=C
mkdir -p "$OUT" "$CACHE"; OUT=$(cd "$OUT" && pwd); CACHE=$(cd "$CACHE" && pwd)
T0=$(date +%s.%N)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
ROOT=$W/root
. "$HERE/lib/debs.sh"
. "$HERE/lib/kernel.sh"

# --- the root filesystem (usr-merged, read-only) ---------------------------------------------
mkdir -p $ROOT/usr/bin $ROOT/usr/sbin $ROOT/usr/lib $ROOT/usr/lib64 $ROOT/etc $ROOT/proc $ROOT/sys $ROOT/dev \
  $ROOT/run $ROOT/tmp $ROOT/var $ROOT/persist $ROOT/config $ROOT/media/usb $ROOT/root
ln -s usr/bin $ROOT/bin; ln -s usr/sbin $ROOT/sbin; ln -s usr/lib $ROOT/lib; ln -s usr/lib64 $ROOT/lib64

# The host commands the appliance drives (Platform/*) and their shared libraries, each taken from the
# .deb of the version installed here (the host's apt resolves and downloads it).
for cmd in qemu-system-x86_64 qemu-img unsquashfs sgdisk nft ip dnsmasq mcopy mtype mdir curl sshd ssh-keygen; do
  p=$(command -v $cmd) || { echo "build.sh: $cmd is not installed on this machine (scripts/setup installs it)"; exit 1; }
  want_file "$p"
done
want_libs_of "$EVE_BIN"
# .NET loads OpenSSL and zlib with dlopen, so ldd does not list them.
for l in libssl.so.3 libcrypto.so.3 libz.so.1 libstdc++.so.6 libgcc_s.so.1; do want_file /usr/lib/x86_64-linux-gnu/$l; done
want_package_dir seabios /usr/share/seabios
want_package_dir ipxe-qemu /usr/lib/ipxe/qemu
for f in kvmvapic.bin linuxboot_dma.bin linuxboot.bin multiboot_dma.bin multiboot.bin pvh.bin qboot.rom bios-microvm.bin; do
  want_package_dir qemu-system-data /usr/share/qemu/$f
done
want_package_dir busybox-static /bin/busybox
# mtools converts FAT names through iconv (code page 850): without these it cannot open any FAT.
for f in IBM850.so IBM437.so gconv-modules gconv-modules.cache gconv-modules.d; do
  want_package_dir libc6 /usr/lib/x86_64-linux-gnu/gconv/$f
done
install_wanted "$ROOT"
# busybox applets where Debian gave us no real command (sh, mount, udhcpc, modprobe, reboot, ...).
for a in $("$ROOT/usr/bin/busybox" --list-full); do
  a=${a#usr/}; [ "${a%/*}" = "$a" ] && continue   # linuxrc
  [ -e "$ROOT/usr/$a" ] || [ -L "$ROOT/usr/$a" ] || ln -s /usr/bin/busybox "$ROOT/usr/$a"
done

install -m 0755 "$EVE_BIN" $ROOT/usr/bin/eve-appliance
for so in "$(dirname "$EVE_BIN")"/*.so; do [ -f "$so" ] && install -m 0644 "$so" $ROOT/usr/bin/; done
install -m 0755 "$HERE/rootfs/init" $ROOT/sbin/eve-init
install -m 0755 "$HERE/rootfs/udhcpc.script" $ROOT/usr/share/udhcpc.script
install_kernel_modules "$ROOT" rootfs
printf '%s\n' "$VERSION" > $ROOT/etc/eve-release
# sshd (debug.enable.ssh) drops privileges to its own user while it authenticates (privilege separation).
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\ndnsmasq:x:100:65534:dnsmasq:/nonexistent:/bin/false\nsshd:x:101:65534::/run/sshd:/bin/false\n' > $ROOT/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\ndip:x:30:\n' > $ROOT/etc/group
printf '127.0.0.1 localhost\n' > $ROOT/etc/hosts
printf 'hosts: files dns\n' > $ROOT/etc/nsswitch.conf
ln -s /run/resolv.conf $ROOT/etc/resolv.conf
printf '/usr/lib/x86_64-linux-gnu\n/usr/lib\n' > $ROOT/etc/ld.so.conf
ldconfig -r $ROOT -X 2>/dev/null || ldconfig -r $ROOT
find $ROOT -exec touch -h -d @$EPOCH {} +
env -u SOURCE_DATE_EPOCH mksquashfs $ROOT $OUT/rootfs.sqfs -noappend -quiet -no-progress -comp xz -all-root -no-xattrs \
  -mkfs-time $EPOCH -all-time $EPOCH -processors 2 >/dev/null

# --- the boot stage: kernel + initramfs (gptprio selection, see README) ----------------------
build_initramfs "$W/initramfs" "$OUT/initrd.img"
cp "$KERNEL_IMAGE" "$OUT/vmlinuz"; touch -d @$EPOCH "$OUT/vmlinuz"

# --- the disk -------------------------------------------------------------------------------
. "$HERE/lib/disk.sh"
assemble_disk "$OUT"
T1=$(date +%s.%N)
{
  echo "version $VERSION, SOURCE_DATE_EPOCH $EPOCH, kernel $KERNEL_PACKAGE"
  print_sizes "$OUT"
  printf 'disk sha256 %s\n' "$(sha256sum "$OUT/disk.raw" | cut -d' ' -f1)"
  printf 'build time %.1f s\n' "$(echo "$T1 - $T0" | bc 2>/dev/null || python3 -c "print($T1-$T0)")"
} | tee "$OUT/sizes.txt"
