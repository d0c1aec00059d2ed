# Debian packages as the image's source: files are named by their path on this (usr-merged) host,
# mapped to the package that owns them (dpkg -S), and taken from that package's .deb, downloaded
# with apt at the version installed here. Sourced by build.sh (needs CACHE and W).

declare -A WANT_PKG=()     # "pkg" -> 1
WANT_LIST=$W/wanted.txt    # lines "pkg<TAB>path-in-package"
: > "$WANT_LIST"

want_file() { # a host path: the file, its symlink target, and (for programs) the libraries ldd lists
  local p=$1 l
  echo "$p" >> "$W/paths.txt"
  case $p in *.so*) return 0;; esac
  want_libs_of "$p"
}

want_libs_of() { # ldd already lists the whole closure
  local l
  ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}' >> "$W/paths.txt"
}

# One dpkg -S for every path (it is slow per call): Debian 12 packages still register /bin, /sbin
# and some /lib paths while this host is usr-merged, so each path is asked in all its spellings.
resolve_owners() {
  local p
  # Each path and its symlink target (libfoo.so.1 -> libfoo.so.1.2.3).
  { cat "$W/paths.txt"; xargs readlink -f < "$W/paths.txt"; } | sort -u > "$W/paths.u"
  while read -r p; do printf '%s\n%s\n%s\n' "$p" "${p#/usr}" "/usr${p#/usr}"; done < "$W/paths.u" | sort -u > "$W/cands"
  xargs dpkg -S < "$W/cands" 2>/dev/null | grep -v '^diversion' | sed 's/^\([^:]*\)\(:[a-z0-9]*\)*: /\1\t/' > "$W/owners" || true
  awk -F'\t' 'NR==FNR { own[$2] = $0; next }
    { p = $0; b = p; sub("^/usr", "", b); c = "/usr" b
      if (p in own) print own[p]; else if (b in own) print own[b]; else if (c in own) print own[c]
      else { print "build.sh: no installed package owns " p > "/dev/stderr"; bad = 1 } }
    END { exit bad }' "$W/owners" "$W/paths.u" >> "$WANT_LIST"
  local pkg
  for pkg in $(cut -f1 "$WANT_LIST" | sort -u); do WANT_PKG[$pkg]=1; done
}

# A whole file or folder of a package (data the binaries read at run time).
want_package_dir() { WANT_PKG[$1]=1; printf '%s\t%s\n' "$1" "$2" >> "$WANT_LIST"; }

_usr() { case $1 in /bin/*|/sbin/*|/lib/*|/lib64/*) echo "/usr$1";; *) echo "$1";; esac; }

declare -A PKG_VER=()
# The version installed here; when the archive no longer has it (a stable/security update replaced
# it), or the package is not installed (the EFI loader), the candidate apt would install now.
_version() {
  [ -n "${PKG_VER[$1]:-}" ] && { echo "${PKG_VER[$1]}"; return; }
  local p; p=$(awk -v p="$1" '$1 == p {v = $2} END {print v}' "$CACHE/pinned.txt" 2>/dev/null)
  [ -n "$p" ] && { echo "$p"; return; }
  local v; v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true)
  [ -n "$v" ] || v=$(apt-cache policy "$1" | awk '/Candidate:/{print $2}')
  echo "$v"
}

_deb_path() { local v; v=$(_version "$1"); ls "$CACHE/${1}_${v/:/%3a}_"*.deb 2>/dev/null | head -1 || true; }

fetch_debs() { # pkg... : downloads the missing .debs (one apt call; one per package if that fails)
  local pkg missing=() v
  for pkg in "$@"; do PKG_VER[$pkg]=$(_version "$pkg"); [ -n "$(_deb_path "$pkg")" ] || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local spec=(); for pkg in "${missing[@]}"; do spec+=("$pkg=${PKG_VER[$pkg]}"); done
  (cd "$CACHE" && apt-get download -q "${spec[@]}" >/dev/null 2>"$W/apt.err") && return 0
  for pkg in "${missing[@]}"; do
    [ -n "$(_deb_path "$pkg")" ] && continue
    (cd "$CACHE" && apt-get download -q "$pkg=${PKG_VER[$pkg]}" >/dev/null 2>>"$W/apt.err") && continue
    v=$(apt-cache policy "$pkg" | awk '/Candidate:/{print $2}')
    echo "build.sh: $pkg ${PKG_VER[$pkg]} (installed here) is no longer in the archive, using $v" >&2
    PKG_VER[$pkg]=$v; echo "$pkg $v" >> "$CACHE/pinned.txt"
    (cd "$CACHE" && apt-get download -q "$pkg=$v" >/dev/null 2>>"$W/apt.err") \
      || { cat "$W/apt.err" >&2; echo "build.sh: apt-get download $pkg=$v failed (run apt-get update)" >&2; exit 1; }
  done
}

fetch_deb() { fetch_debs "$1"; _deb_path "$1"; }

install_wanted() {
  local root=$1 pkg path
  resolve_owners
  fetch_debs "${!WANT_PKG[@]}"
  for pkg in $(printf '%s\n' "${!WANT_PKG[@]}" | sort); do
    mkdir -p "$W/deb/$pkg"; dpkg-deb -x "$(fetch_deb "$pkg")" "$W/deb/$pkg"
    echo "$pkg=$(_version "$pkg")" >> "$W/packages.txt"
  done
  sort -u "$WANT_LIST" | while IFS=$'\t' read -r pkg path; do
    local src=$W/deb/$pkg$path dst=$root$(_usr "$path")
    [ -e "$src" ] || [ -L "$src" ] || { echo "build.sh: $pkg's .deb has no $path" >&2; exit 1; }
    mkdir -p "$(dirname "$dst")"; rm -rf "$dst"; cp -a "$src" "$dst"
  done
  mkdir -p "$root/usr/share/eve"; sort "$W/packages.txt" > "$root/usr/share/eve/packages.txt"
}
