#!/bin/sh
# gptprio for the boot stage: the rule of GRUB's gptprio.next (CoreOS patch, carried by EVE) and of
# Eve.Appliance's BootSelector, applied with sgdisk.
#   gptprio [--dry-run] DISK   prints "NAME NUMBER BEFORE AFTER" (upper 16 attribute bits, hex)
# Among the partitions named IMGA/IMGB, in table order, a candidate has tries left or the successful
# bit; the highest priority wins, ties to the lowest index. A try is consumed by rewriting the GPT
# before the partition is booted (sgdisk writes the backup table first, then the primary, so a power
# cut leaves one valid copy, from which the next read repairs the other). Exit 1: nothing bootable.
set -eu
DRY=
if [ "${1:-}" = --dry-run ]; then DRY=1; shift; fi
DISK=${1:?usage: gptprio [--dry-run] DISK}
best= bestprio=0 bestname= bestattrs=
for n in $(sgdisk -p "$DISK" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ && ($NF == "IMGA" || $NF == "IMGB") {print $1}'); do
  attrs=$(sgdisk -i "$n" "$DISK" 2>/dev/null | sed -n 's/^Attribute flags: *//p')
  hi=$((0x$(echo "$attrs" | cut -c1-4)))
  prio=$((hi & 15)) tries=$(((hi >> 4) & 15)) ok=$(((hi >> 8) & 1))
  if { [ $tries -gt 0 ] || [ $ok -eq 1 ]; } && [ $prio -gt $bestprio ]; then
    best=$n bestprio=$prio bestattrs=$attrs
    bestname=$(sgdisk -i "$n" "$DISK" 2>/dev/null | sed -n "s/^Partition name: '\(.*\)'/\1/p")
  fi
done
[ -n "$best" ] || { echo "gptprio: $DISK has no bootable IMGA/IMGB (none with priority > 0 and tries left or successful)" >&2; exit 1; }
hi=$((0x$(echo "$bestattrs" | cut -c1-4)))
after=$hi
if [ $(((hi >> 4) & 15)) -gt 0 ]; then
  after=$((hi - 16))
  if [ -z "$DRY" ]; then
    sgdisk -A "$best:=:$(printf '%04x' $after)$(echo "$bestattrs" | cut -c5-16)" "$DISK" >/dev/null 2>&1 \
      || { echo "gptprio: could not write the GPT of $DISK to consume the try of $bestname" >&2; exit 2; }
  fi
fi
printf '%s %s %04x %04x\n' "$bestname" "$best" $hi $after
