# Assembles the GPT disk without loop devices or mounts (PLATFORM.md §4): sgdisk lays out the table
# in one call, each file system is written at its offset (mkfs.vfat --offset + mtools, mke2fs -E
# offset -d, dd of the squashfs). GUIDs, volume ids and timestamps are fixed so the same inputs give
# the same bytes. Sourced by build.sh.

EFI_MIB=${EFI_MIB:-32} IMG_MIB=${IMG_MIB:-300} CONFIG_MIB=1 PERSIST_MIB=${PERSIST_MIB:-512}
EVE_ROOTFS_TYPE=5dfbf5f4-2848-4bac-aa5e-0d9a20b745a6   # BootSelector.EveRootfsType
EVE_CONFIG_TYPE=13307e62-cd9c-4920-8f9b-91b45828b798
EVE_PERSIST_TYPE=5f24425a-2dfa-11e8-a270-7b663faccc2c

_guid() { # a stable GUID named by $1
  local h; h=$(printf 'eve-appliance-image:%s' "$1" | sha256sum | cut -c1-32)
  echo "${h:0:8}-${h:8:4}-4${h:13:3}-a${h:17:3}-${h:20:12}"
}

assemble_disk() {
  local out=$1 disk=$1/disk.raw
  local sq; sq=$(stat -c %s "$out/rootfs.sqfs")
  [ "$sq" -le $((IMG_MIB * 1024 * 1024)) ] || { echo "build.sh: rootfs.sqfs ($sq B) does not fit IMG_MIB=$IMG_MIB" >&2; exit 1; }
  rm -f "$disk"
  truncate -s $(( (1 + EFI_MIB + 2 * IMG_MIB + CONFIG_MIB + PERSIST_MIB + 1) * 1024 * 1024 )) "$disk"
  sgdisk -U "$(_guid disk)" \
    -n 1:2048:+${EFI_MIB}M -t 1:EF00 -c 1:EFI -u 1:"$(_guid EFI)" \
    -n 2:0:+${IMG_MIB}M -t 2:$EVE_ROOTFS_TYPE -c 2:IMGA -u 2:"$(_guid IMGA)" -A 2:=:0102000000000000 \
    -n 3:0:+${IMG_MIB}M -t 3:$EVE_ROOTFS_TYPE -c 3:IMGB -u 3:"$(_guid IMGB)" \
    -n 4:0:+${CONFIG_MIB}M -t 4:$EVE_CONFIG_TYPE -c 4:CONFIG -u 4:"$(_guid CONFIG)" \
    -n 5:0:+${PERSIST_MIB}M -t 5:$EVE_PERSIST_TYPE -c 5:PERSIST -u 5:"$(_guid PERSIST)" \
    "$disk" >/dev/null
  _start() { sgdisk -i "$1" "$disk" | awk '/First sector/{print $3}'; }
  _sectors() { sgdisk -i "$1" "$disk" | awk '/Partition size/{print $3}'; }

  # EFI: a fixed-entry loader (systemd-boot from Debian) that starts our kernel + boot stage.
  local o; o=$(_start 1)
  mkfs.vfat -F 16 -n EFI --invariant -i 0e7e0001 --offset="$o" "$disk" $(( $(_sectors 1) / 2 )) >/dev/null
  local e=$W/efi; mkdir -p $e/EFI/BOOT $e/loader/entries
  mkdir -p $W/deb/systemd-boot-efi; dpkg-deb -x "$(fetch_deb systemd-boot-efi)" $W/deb/systemd-boot-efi
  cp $W/deb/systemd-boot-efi/usr/lib/systemd/boot/efi/systemd-bootx64.efi $e/EFI/BOOT/BOOTX64.EFI
  printf 'default eve.conf\ntimeout 0\n' > $e/loader/loader.conf
  printf 'title Eve.Appliance\nlinux /vmlinuz\ninitrd /initrd.img\noptions console=ttyS0 panic=10 quiet\n' > $e/loader/entries/eve.conf
  cp "$out/vmlinuz" $e/vmlinuz; cp "$out/initrd.img" $e/initrd.img
  find $e -exec touch -h -d @$EPOCH {} +
  mcopy -s -m -i "$disk@@$((o * 512))" $e/EFI $e/loader $e/vmlinuz $e/initrd.img ::/

  # IMGA: version $VERSION; IMGB stays empty (unused) until the first update.
  dd if="$out/rootfs.sqfs" of="$disk" bs=512 seek="$(_start 2)" conv=notrunc status=none

  # CONFIG: EVE's /config (FAT, 1 MiB).
  o=$(_start 4)
  mkfs.vfat -F 12 -n CONFIG --invariant -i 0e7e0004 --offset="$o" "$disk" $(( $(_sectors 4) / 2 )) >/dev/null
  if [ -n "${CONFIG_DIR:-}" ] && [ -n "$(ls -A "$CONFIG_DIR")" ]; then
    cp -a "$CONFIG_DIR" $W/config; find $W/config -exec touch -h -d @$EPOCH {} +
    (cd $W/config && mcopy -s -m -i "$disk@@$((o * 512))" $(ls -A | sort) ::/)
  fi

  # PERSIST: an empty ext4 the device fills (E2FSPROGS_FAKE_TIME + fixed UUID/hash seed: reproducible).
  mkdir -p $W/persist; touch -d @$EPOCH $W/persist
  E2FSPROGS_FAKE_TIME=$EPOCH mke2fs -q -F -t ext4 -L PERSIST -U "$(_guid persist-fs)" -E "offset=$(( $(_start 5) * 512 )),hash_seed=$(_guid persist-hash),root_owner=0:0" \
    -d $W/persist "$disk" $(( $(_sectors 5) / 2 ))k >/dev/null
}

print_sizes() {
  local out=$1
  printf 'part        size (MiB)  content (B)\n'
  printf 'EFI         %10s  %s (kernel %s, initramfs %s)\n' "$EFI_MIB" $(( $(stat -c %s "$out/vmlinuz") + $(stat -c %s "$out/initrd.img") )) \
    "$(stat -c %s "$out/vmlinuz")" "$(stat -c %s "$out/initrd.img")"
  printf 'IMGA        %10s  %s (squashfs, version %s)\n' "$IMG_MIB" "$(stat -c %s "$out/rootfs.sqfs")" "$VERSION"
  printf 'IMGB        %10s  0 (empty until the first update)\n' "$IMG_MIB"
  printf 'CONFIG      %10s  %s\n' "$CONFIG_MIB" "$( [ -n "${CONFIG_DIR:-}" ] && du -sb "$CONFIG_DIR" | cut -f1 || echo 0)"
  printf 'PERSIST     %10s  ext4, empty\n' "$PERSIST_MIB"
  printf 'disk        %10s  %s allocated\n' $(( $(stat -c %s "$out/disk.raw") / 1048576 )) "$(du -B1 "$out/disk.raw" | cut -f1)"
}
