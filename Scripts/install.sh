#!/usr/bin/env bash
# Installs an unpacked release (run from its folder, or from a checkout after Scripts/release.sh):
#   ./install.sh [--prefix DIR]      (default /usr/local; ~/.local needs no root)
# into DIR/bin, DIR/share/man/man1, the bash/zsh/fish completion folders and DIR/share/tfdrift-tui/themes,
# where the program finds its themes. The files are checked against SHA256SUMS first.
set -euo pipefail
prefix=/usr/local
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown argument $1 (try --prefix DIR)" >&2; exit 64 ;;
    esac
done
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -f "$here/bin/tfdrift-tui" ]; then
    # From a checkout: the newest archive's folder in dist/.
    here=$(ls -d "$here"/../dist/tfdrift-tui-*-linux-*/ 2>/dev/null | sort | tail -1)
    [ -n "$here" ] || { echo "install.sh: no release here; run Scripts/release.sh first" >&2; exit 1; }
fi
(cd "$here" && sha256sum --quiet -c SHA256SUMS) || { echo "install.sh: the release's files do not match SHA256SUMS" >&2; exit 1; }

install -d "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/tfdrift-tui/themes" "$prefix/share/doc/tfdrift-tui" \
    "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 755 "$here/bin/tfdrift-tui" "$prefix/bin/tfdrift-tui"
install -m 644 "$here/share/man/man1/tfdrift-tui.1" "$prefix/share/man/man1/"
install -m 644 "$here/share/tfdrift-tui/themes/"*.yaml "$prefix/share/tfdrift-tui/themes/"
install -m 644 "$here/share/doc/tfdrift-tui/README.md" "$prefix/share/doc/tfdrift-tui/"
install -m 644 "$here/share/bash-completion/completions/tfdrift-tui" "$prefix/share/bash-completion/completions/"
install -m 644 "$here/share/zsh/site-functions/_tfdrift-tui" "$prefix/share/zsh/site-functions/"
install -m 644 "$here/share/fish/vendor_completions.d/tfdrift-tui.fish" "$prefix/share/fish/vendor_completions.d/"
echo "installed $("$prefix/bin/tfdrift-tui" --version) into $prefix"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "add $prefix/bin to PATH" ;; esac
