#!/usr/bin/env bash
# Makes a local stand-in for the `node:20-bookworm-slim` base image out of this Debian machine's
# own files, for building the Dockerfiles where no registry can be reached (the image tests).
#
#   tools/containers/host-base-image.sh NAME [buildah global options...]
#   e.g. tools/containers/host-base-image.sh docker.io/library/node:20-bookworm-slim --storage-driver vfs --root DIR --runroot DIR
#
# The image holds this machine's node and npm where the official image has them (/usr/local/bin,
# /usr/local/lib/node_modules), a shell and the few tools a RUN step uses, the shared libraries
# those binaries load (found with ldd), a `node` user (uid 1000, as in the official image), and
# the C++ toolchain and CMake, so that a build stage compiles @bento/native without apt-get.
# Needs: a Debian host with node, npm, g++ and cmake installed; buildah; root.
set -euo pipefail

name=${1:?usage: host-base-image.sh NAME [buildah global options...]}
shift
buildah=(buildah "$@")

# Debian packages whose files go in: the shell and tools, and the compiler toolchain of this
# machine's g++ (12 on Debian 12).
gcc=$(g++ -dumpversion)
triplet=$(uname -m | tr _ -)-linux-gnu
packages=(
  dash bash coreutils findutils grep sed tar gzip diffutils
  libc6 libgcc-s1 libstdc++6
  make cmake cmake-data
  "gcc-$gcc" "g++-$gcc" "cpp-$gcc" gcc g++ cpp binutils "binutils-$triplet" libbinutils
  "libgcc-$gcc-dev" "libstdc++-$gcc-dev" libc6-dev linux-libc-dev libcrypt-dev
)
node_bin=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")   # .../node_modules/npm

work=$(mktemp -d)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# Debian merges /bin, /lib, /lib64 and /sbin into /usr: every file is named by its /usr path.
# Files and symlinks go in; a symlink's chain (alternatives included) is followed link by link.
declare -A seen=()
add() {
  local p=$1 target
  case $p in /bin/* | /sbin/* | /lib/* | /lib64/*) p=/usr$p ;; esac
  # Files, and symlinks to files (not the directory links /bin and the like).
  [[ -z ${seen[$p]:-} && -f $p ]] || return 0
  seen[$p]=1
  if [ -L "$p" ]; then
    target=$(readlink "$p")
    [[ $target == /* ]] || target=${p%/*}/$target
    add "$(realpath -ms "$target")"
  fi
}

# Documentation, and the LTO dumper, ctest and cpack (60 MB no build step runs), stay out.
{
  for pkg in "${packages[@]}"; do
    dpkg -L "$pkg" || { echo "host-base-image: Debian package $pkg is not installed" >&2; exit 1; }
  done
} | grep -vE '^/usr/share/(doc|man|info|locale|lintian|bug)/|/([a-z0-9_]+-linux-gnu-)?(lto-dump|ctest|cpack)(-[0-9]+)?$' > "$work/candidates"
while read -r p; do add "$p"; done < "$work/candidates"

# The shared libraries the executables and libraries load (ldd lists them all, transitively;
# it fails on the scripts among them, which load none).
for p in "${!seen[@]}"; do
  case $p in */bin/* | *.so | *.so.* | /usr/lib/gcc/*/cc1* | /usr/libexec/*) [ -L "$p" ] || printf '%s\0' "$p" ;; esac
done | { cat; printf '%s\0' "$(readlink -f "$node_bin")"; } | { xargs -0 ldd 2>/dev/null || true; } | grep -oE '/[^ :]+ \(0x' | cut -d' ' -f1 | sort -u > "$work/libs"
while read -r lib; do add "$lib"; done < "$work/libs"
printf '%s\n' "${!seen[@]}" | sed 's|^/||' | sort > "$work/list"

# What no package provides: node and npm, the merged-/usr links, users, writable /tmp, home
# directories.
root=$work/root
mkdir -p "$root/etc" "$root/tmp" "$root/root" "$root/home/node" "$root/usr/local/bin" "$root/usr/local/lib/node_modules"
cp "$(readlink -f "$node_bin")" "$root/usr/local/bin/node"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chmod 1777 "$root/tmp"
ln -s usr/bin "$root/bin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"; ln -s usr/sbin "$root/sbin"
printf 'root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' > "$root/etc/group"
chown 1000:1000 "$root/home/node"
cp /etc/os-release "$root/etc/os-release" 2>/dev/null || true

tar -C / --no-recursion -cf "$work/host.tar" -T "$work/list"
tar -C "$root" -rf "$work/host.tar" .

ctr=$("${buildah[@]}" from scratch)
"${buildah[@]}" add "$ctr" "$work/host.tar" / >/dev/null
"${buildah[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node \
  --label org.opencontainers.image.description="stand-in for $name made from the host's files" "$ctr"
"${buildah[@]}" commit --quiet --rm "$ctr" "$name" >/dev/null
echo "$name"
