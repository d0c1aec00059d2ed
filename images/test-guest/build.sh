#!/bin/sh
# Builds the tiny test guest from Debian packages into OUT (default .cache/guest):
#   vmlinuz        the Debian cloud kernel, extracted from its .deb (no linux-image install)
#   initramfs.gz   busybox-static + our /init + the virtio/ACPI/vfat modules the kernel lacks
#   disk.qcow2     a small qcow2 (raw ext4 with a marker file) for volume tests
#   boot.raw       a raw disk image holding kernel+initramfs (for datastore download tests)
# Idempotent: does nothing when OUT already holds a guest built from the same kernel package.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../.cache/guest}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
PKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$PKG" ] || { echo "build.sh: cannot resolve the cloud kernel package (run apt-get update)"; exit 1; }
if [ -f "$OUT/.built" ] && [ "$(cat "$OUT/.built")" = "$PKG-$(cat "$HERE/init" "$HERE/udhcpc.script" "$HERE/build.sh" | sha256sum | cut -c1-16)" ]; then
  exit 0
fi
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cd "$W"
apt-get download "$PKG" >/dev/null 2>&1 || { echo "build.sh: apt-get download $PKG failed"; exit 1; }
dpkg-deb --fsys-tarfile "${PKG}"_*.deb | tar -x --wildcards './boot/vmlinuz-*' \
  './lib/modules/*/kernel/drivers/virtio/*' './lib/modules/*/kernel/drivers/net/virtio_net.ko' \
  './lib/modules/*/kernel/drivers/net/net_failover.ko' './lib/modules/*/kernel/net/core/failover.ko' \
  './lib/modules/*/kernel/drivers/block/virtio_blk.ko' './lib/modules/*/kernel/drivers/acpi/button.ko' \
  './lib/modules/*/kernel/drivers/input/evdev.ko' './lib/modules/*/kernel/fs/fat/fat.ko' './lib/modules/*/kernel/fs/fat/vfat.ko' \
  './lib/modules/*/kernel/fs/nls/nls_cp437.ko' './lib/modules/*/kernel/fs/nls/nls_ascii.ko' './lib/modules/*/kernel/fs/nls/nls_utf8.ko' 2>/dev/null || true
KVER=$(ls lib/modules)
M=$W/lib/modules/$KVER/kernel
R=$W/root; mkdir -p $R/bin $R/lib/modules $R/proc $R/sys $R/dev $R/etc $R/tmp $R/cidata
cp /bin/busybox $R/bin/busybox
cp "$HERE/init" $R/init; cp "$HERE/udhcpc.script" $R/bin/udhcpc.script; chmod +x $R/init $R/bin/udhcpc.script
i=10
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev \
  drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/core/failover \
  drivers/net/net_failover drivers/net/virtio_net drivers/block/virtio_blk drivers/input/evdev drivers/acpi/button \
  fs/nls/nls_cp437 fs/nls/nls_ascii fs/nls/nls_utf8 fs/fat/fat fs/fat/vfat; do
  [ -f $M/$m.ko ] && cp $M/$m.ko $R/lib/modules/${i}_$(basename $m).ko; i=$((i+1))
done
# Fixed mtimes make the initramfs reproducible for the same inputs.
find $R -exec touch -h -d @0 {} +
(cd $R && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible | gzip -9n) > "$OUT/initramfs.gz"
cp boot/vmlinuz-* "$OUT/vmlinuz"
# A data disk: ext4 with a marker, converted to qcow2.
mkdir -p $W/data; echo "eve-test-volume" > $W/data/marker
mke2fs -q -F -t ext4 -d $W/data -E root_owner=0:0 "$W/data.raw" 16M >/dev/null 2>&1
qemu-img convert -q -f raw -O qcow2 "$W/data.raw" "$OUT/disk.qcow2"
echo "$PKG-$(cat "$HERE/init" "$HERE/udhcpc.script" "$HERE/build.sh" | sha256sum | cut -c1-16)" > "$OUT/.built"
echo "test guest: $(du -b "$OUT/vmlinuz" | cut -f1) B kernel, $(du -b "$OUT/initramfs.gz" | cut -f1) B initramfs, $(du -b "$OUT/disk.qcow2" | cut -f1) B qcow2 in $OUT"
