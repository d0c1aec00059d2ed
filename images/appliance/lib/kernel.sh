# The kernel and its modules from Debian's linux-image-amd64 (resolved through the meta-package;
# the generic flavour, because the cloud one lacks the i6300esb watchdog driver), and the boot
# stage's initramfs. Sourced by build.sh.

KERNEL_PACKAGE=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KERNEL_PACKAGE" ] || { echo "build.sh: cannot resolve linux-image-amd64 (run apt-get update)" >&2; exit 1; }
KDEB=$(ls "$CACHE/${KERNEL_PACKAGE}_"*.deb 2>/dev/null | head -1 || true)
if [ -z "$KDEB" ]; then
  (cd "$CACHE" && apt-get download -q "$KERNEL_PACKAGE" >/dev/null 2>&1) || { echo "build.sh: apt-get download $KERNEL_PACKAGE failed" >&2; exit 1; }
  KDEB=$(ls "$CACHE/${KERNEL_PACKAGE}_"*.deb | head -1)
fi
mkdir -p "$W/kernel"
dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$W/kernel" --wildcards './boot/vmlinuz-*' './lib/modules/*'
KVER=$(ls "$W/kernel/lib/modules")
# The package ships no modules.dep (its postinst runs depmod); busybox depmod makes it.
busybox depmod -b "$W/kernel" "$KVER"
KERNEL_IMAGE=$(ls "$W/kernel/boot/vmlinuz-"*)
KMOD=$W/kernel/lib/modules/$KVER

# Modules each stage loads (names as in modules.dep); their dependencies are added.
INITRAMFS_MODULES="virtio_pci virtio_blk virtio_scsi sd_mod ahci nvme squashfs crc32c_generic"
ROOTFS_MODULES="$INITRAMFS_MODULES ext4 virtio_net e1000 e1000e i6300esb tun veth bridge br_netfilter macvlan macvtap vxlan \
  nf_tables nft_chain_nat nft_nat nft_masq nft_ct nft_reject_inet nft_fib_inet nft_fib_ipv4 nft_fib_ipv6 nft_limit nft_log \
  nft_redir nft_compat nf_conntrack nf_nat nfnetlink_queue overlay button evdev virtio_rng virtio_console af_packet"

_module_paths() { # names -> module paths relative to KMOD, with dependencies
  awk -v want=" $* " '
    { split($0, a, ":"); p = a[1]; n = p; sub(".*/", "", n); sub("\\.ko.*$", "", n); gsub("-", "_", n)
      deps[p] = a[2]; path[n] = p }
    END { split(want, w, " "); for (i in w) add(path[w[i]]); for (p in out) print p }
    function add(p,   d, k) { if (p == "" || (p in out)) return; out[p] = 1; split(deps[p], d, " "); for (k in d) add(d[k]) }
  ' "$KMOD/modules.dep" | sort
}

install_kernel_modules() { # ROOT rootfs|initramfs
  local root=$1 list=$ROOTFS_MODULES m
  [ "$2" = initramfs ] && list=$INITRAMFS_MODULES
  local dst=$root/usr/lib/modules/$KVER
  for m in $(_module_paths $list); do mkdir -p "$dst/$(dirname "$m")"; cp "$KMOD/$m" "$dst/$m"; done
  # busybox modprobe reads modules.dep; keep only the lines for modules we ship.
  (cd "$dst" && find kernel -name '*.ko*' | sort) > "$W/mods.$2"
  awk -F: 'NR==FNR{have[$0]=1; next} ($1 in have)' "$W/mods.$2" "$KMOD/modules.dep" > "$dst/modules.dep"
}

_copy_from_root() { # DEST PATH: PATH from ROOT into DEST, following symlinks inside ROOT
  local dest=$1 p=$2
  while :; do
    mkdir -p "$dest$(dirname "$p")"; cp -a "$ROOT$p" "$dest$p"
    [ -L "$ROOT$p" ] || break
    local t; t=$(readlink "$ROOT$p"); case $t in /*) p=$(_usr "$t");; *) p=$(dirname "$p")/$t;; esac
  done
}

build_initramfs() { # DIR OUT
  local r=$1
  mkdir -p $r/usr/bin $r/usr/sbin $r/usr/lib $r/proc $r/sys $r/dev $r/run $r/newroot $r/etc
  ln -s usr/bin $r/bin; ln -s usr/sbin $r/sbin; ln -s usr/lib $r/lib; ln -s usr/lib64 $r/lib64
  # The boot stage needs busybox and sgdisk (+ its libraries, same files as in the root filesystem).
  cp -a "$ROOT/usr/bin/busybox" $r/usr/bin/busybox
  for a in $("$ROOT/usr/bin/busybox" --list); do [ -e $r/usr/bin/$a ] || ln -s busybox $r/usr/bin/$a; done
  cp -a "$ROOT/usr/sbin/sgdisk" $r/usr/sbin/sgdisk
  local l
  for l in $(ldd /usr/sbin/sgdisk | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do _copy_from_root "$r" "$(_usr "$l")"; done
  install_kernel_modules "$r" initramfs
  install -m 0755 "$HERE/initramfs/init" $r/init
  install -m 0755 "$HERE/initramfs/gptprio.sh" $r/usr/bin/gptprio
  find $r -exec touch -h -d @$EPOCH {} +
  (cd $r && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible | gzip -9n) > "$2"
}
