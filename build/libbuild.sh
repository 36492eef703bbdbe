# SPDX-License-Identifier: MIT
#
# Sourced by the scripts that build a library for the domains from
# Debian's source packages (build/liblzma.sh, build/lwip.sh): the pieces
# they share. Defines functions only; reads and changes nothing on load.
#
# debian_orig_tarball CACHE SUITE PACKAGE VERSION TARBALL
#   Fetch Debian's upstream tarball TARBALL (a *.orig.tar.xz of PACKAGE,
#   whose Debian versions start with VERSION-) from SUITE's main into
#   CACHE/src, unless it is there already. Through a private apt: its own
#   deb-src list signed by Debian's archive keyring, its own lists and
#   download directories in CACHE/apt-SUITE-src; the host's apt sources
#   and state are never read or changed. apt checks the tarball's hash
#   against the signed Sources. Any Debian revision of VERSION will do
#   (they share this tarball; a security update replaces the revision in
#   the archive, so pinning it would break a fresh machine the day one
#   lands). Exits through die() on failure.
#
# debian_private_apt APT SUITE KIND...
#   Set apt_opts (a bash array) to options that make apt-get and
#   apt-cache use only APT (a directory: its own sources.list with one
#   line per KIND, "deb" or "deb-src", for SUITE's main on
#   deb.debian.org, signed by Debian's archive keyring; its own lists,
#   downloads and an empty dpkg status), never the host's sources or
#   state. Exits through die() without the keyring.
#
# cache_build_start NAME CACHE PREFIX
#   Take PREFIX's lock (exit 0 when another build finished it meanwhile),
#   then set work (a scratch directory in CACHE, removed on exit) and log
#   (work's build log); fail WHAT then ends the build, showing the log.
#
# build_archive SRC LIB
#   Compile each of sources (SRC/<file>) with target_cc and cflags (bash
#   arrays set by the caller) into work/obj, and archive them as LIB.
#
# cc_kind CC
#   "clang" or "gcc": the compiler family of CC, one cache per family.

debian_private_apt() {
    local apt=$1 suite=$2 kind
    shift 2
    [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
        die "no /usr/share/keyrings/debian-archive-keyring.gpg (package debian-archive-keyring)"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial"
    : >"$apt/status"
    for kind in "$@"; do
        echo "$kind [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main"
    done >"$apt/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/none"
        -o "Dir::State=$apt" -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
        -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives" -o "Dir::Cache::pkgcache="
        -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1" -qq)
}

debian_orig_tarball() {
    local cache=$1 suite=$2 package=$3 version=$4 tarball_name=$5
    local apt=$cache/apt-$suite-src dir=$cache/src
    local tarball=$dir/$tarball_name
    [ -f "$tarball" ] && return 0
    mkdir -p "$dir"
    debian_private_apt "$apt" "$suite" deb-src
    local opts=("${apt_opts[@]}")
    echo "  FETCH   $package $version source ($suite, deb.debian.org; cached in $dir)"
    apt-get "${opts[@]}" update >/dev/null || die "apt-get update with $apt/sources.list failed"
    local deb_version
    deb_version=$(apt-cache "${opts[@]}" showsrc "$package" | awk '/^Version:/ { print $2 }' |
        awk -v v="$version-" 'index($0, v) == 1' | head -n 1) || true
    [ -n "$deb_version" ] || die "$suite has no $package $version-* source any more; update the pin"
    local tmp
    tmp=$(mktemp -d "$cache/$package-fetch.XXXXXX")
    (cd "$tmp" && apt-get "${opts[@]}" source --download-only "$package=$deb_version" >/dev/null) ||
        { rm -rf "$tmp"; die "apt-get source $package=$deb_version failed"; }
    mv "$tmp/$tarball_name" "$tarball" || { rm -rf "$tmp"; die "no $tarball_name fetched"; }
    rm -rf "$tmp"
}

cache_build_start() {
    build_name=$1
    mkdir -p "$2"
    exec 9>"$3.lock"
    flock 9
    [ -f "$3/.complete" ] && exit 0
    work=$(mktemp -d "$2/$build_name-build.XXXXXX")
    log=$work/build.log
    trap 'rm -rf "$work"' EXIT
}

fail() {
    echo "$build_name: $1 failed; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    trap - EXIT
    exit 1
}

build_archive() {
    local f o objs=()
    mkdir -p "$work/obj" "$(dirname "$2")"
    for f in "${sources[@]}"; do
        o=$work/obj/$(echo "$f" | tr / _).o
        "${target_cc[@]}" "${cflags[@]}" -c "$1/$f" -o "$o" >>"$log" 2>&1 || fail "compiling $f"
        objs+=("$o")
    done
    ar rcs "$2" "${objs[@]}" >>"$log" 2>&1 || fail ar
}

cc_kind() {
    case $($1 -dM -E -x c /dev/null 2>/dev/null) in
    *__clang__*) echo clang ;;
    *) echo gcc ;;
    esac
}
