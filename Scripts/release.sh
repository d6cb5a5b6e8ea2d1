#!/usr/bin/env bash
# Builds the release archive: dist/tfdrift-tui-<version>-linux-<arch>.tar.gz with a binary that needs no Swift
# toolchain (the Swift runtime linked in statically; only libc, libm, libstdc++, libgcc_s and ncursesw/tinfo from
# the system), the man page, bash/zsh/fish completions, the themes, the README and SHA256SUMS.
# Usage: Scripts/release.sh [--scratch-path DIR]   (prints the archive's path last)
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-release
if [ "${1:-}" = "--scratch-path" ]; then scratch=$2; fi

version=$(cat VERSION)
arch=$(uname -m)
name="tfdrift-tui-$version-linux-$arch"
stage="dist/$name"

echo "building $name (static Swift runtime; a clean build takes a few minutes)" >&2
swift build -c release --static-swift-stdlib --product tfdrift-tui --scratch-path "$scratch" >&2
binary="$scratch/release/tfdrift-tui"

rm -rf "$stage" "dist/$name.tar.gz"
mkdir -p "$stage/bin" "$stage/share/man/man1" "$stage/share/tfdrift-tui/themes" "$stage/share/doc/tfdrift-tui" \
    "$stage/share/bash-completion/completions" "$stage/share/zsh/site-functions" "$stage/share/fish/vendor_completions.d"
cp "$binary" "$stage/bin/tfdrift-tui"
strip "$stage/bin/tfdrift-tui"

# The man page: the argument parser's, from the command definitions, with the program's own sections in place
# of its placeholder EXIT STATUS (keys from the bindings table, configuration, environment, files, exit status).
swift package plugin generate-manual --help >/dev/null 2>&1 || true   # builds the generator once
generator="$(swift build --show-bin-path)/generate-manual-tool"
manual=$(mktemp -d)
"$generator" "$stage/bin/tfdrift-tui" --output-directory "$manual" >&2
sed '/^\.Sh "EXIT STATUS"/,$d' "$manual/tfdrift-tui.1" > "$stage/share/man/man1/tfdrift-tui.1"
"$stage/bin/tfdrift-tui" manual-sections >> "$stage/share/man/man1/tfdrift-tui.1"
rm -rf "$manual"

"$stage/bin/tfdrift-tui" --generate-completion-script bash > "$stage/share/bash-completion/completions/tfdrift-tui"
"$stage/bin/tfdrift-tui" --generate-completion-script zsh > "$stage/share/zsh/site-functions/_tfdrift-tui"
"$stage/bin/tfdrift-tui" --generate-completion-script fish > "$stage/share/fish/vendor_completions.d/tfdrift-tui.fish"
cp themes/*.yaml "$stage/share/tfdrift-tui/themes/"
cp README.md "$stage/share/doc/tfdrift-tui/"
cp Scripts/install.sh "$stage/install.sh"

(cd "$stage" && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS)
tar -C dist -czf "dist/$name.tar.gz" "$name"
echo "dist/$name.tar.gz"
