#!/bin/bash
# ./configure: a missing library stops it with one line naming the Debian
# package; options are parsed; config.mk records them.
set -u
B=${1:-build}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cp configure "$D/"
mkdir "$D/bin"
# A pkg-config that pretends $HIDE is not installed.
cat > "$D/bin/pkg-config" <<'PK'
#!/bin/sh
for a in "$@"; do [ "$a" = "$HIDE" ] && exit 1; done
exec /usr/bin/pkg-config "$@"
PK
chmod +x "$D/bin/pkg-config"
fails=0
for pair in capstone:libcapstone-dev zlib:zlib1g-dev unicorn:libunicorn-dev sdl2:libsdl2-dev; do
    lib=${pair%%:*} pkg=${pair#*:}
    out=$(cd "$D" && HIDE=$lib PATH="$D/bin:$PATH" ./configure 2>&1)
    rc=$?
    if [ $rc -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q "$pkg"; then
        echo "ok - missing $lib names $pkg"
    else
        echo "FAIL - missing $lib: status $rc, output: $out"; fails=1
    fi
done
out=$(cd "$D" && HIDE=sdl2 PATH="$D/bin:$PATH" ./configure --disable-sdl --enable-sanitizers --prefix=/opt/t 2>&1)
if [ $? -eq 0 ] && grep -q "CONFIG_SDL = no" "$D/config.mk" && grep -q "fsanitize=address" "$D/config.mk" && grep -q "PREFIX = /opt/t" "$D/config.mk"; then
    echo "ok - --disable-sdl, --enable-sanitizers, --prefix"
else
    echo "FAIL - options: $out"; fails=1
fi
out=$(cd "$D" && ./configure --bogus 2>&1)
if [ $? -ne 0 ] && printf '%s' "$out" | grep -q "unknown option"; then echo "ok - unknown option refused"; else echo "FAIL - unknown option"; fails=1; fi
exit $fails
