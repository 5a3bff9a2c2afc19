#!/usr/bin/env bash
# Checks that the Dockerfile's runtime stage installs every shared library the broker links, and nothing else.
#
#   scripts/check-docker-libraries.sh [--dockerfile FILE] [--ignore-swift-runtime] [BINARY...]
#
# Without BINARY it builds the release binary as the image does (swift build -c release --static-swift-stdlib,
# in SCRATCH, default .build-docker) and checks it together with the toolchain's swift-backtrace-static, which the
# image copies too. Each library `ldd` resolves is mapped to its Debian package with `dpkg -S`. A package passes
# when the runtime stage's `apt-get install` names it, when a package named there depends on it (apt installs it
# along), or when debian:12-slim already has it (libc6, libgcc-s1, libstdc++6). A package named there that provides
# no linked library fails too, unless it is in extra_packages below.
#
#   --dockerfile FILE       the Dockerfile to read (default: Dockerfile at the repository root)
#   --ignore-swift-runtime  skip libraries from the Swift toolchain, for a binary built without
#                           --static-swift-stdlib (such as the debug build), whose runtime the image links statically
#
# Runs on Debian 12, where dpkg knows the package names debian:12-slim uses. Exit status: 0 when the runtime stage
# provides every library, 1 when a library is missing from it or a package is installed for nothing, 2 when the
# check cannot be made (usage, not Debian 12, a library ldd cannot find, a failed build).
set -euo pipefail

usage() {
    sed -n '2,21s/^# \{0,1\}//p' "$0"
}

die() {
    printf 'check-docker-libraries: %s\n' "$*" >&2
    exit 2
}

base_packages=(libc6 libgcc-s1 libstdc++6)
extra_packages=(ca-certificates)

repo=$(cd "$(dirname "$0")/.." && pwd)
dockerfile=$repo/Dockerfile
ignore_swift_runtime=false
binaries=()

while (($#)); do
    case $1 in
        --dockerfile) (($# >= 2)) || die "--dockerfile needs a file"; dockerfile=$2; shift 2 ;;
        --ignore-swift-runtime) ignore_swift_runtime=true; shift ;;
        -h | --help) usage; exit 0 ;;
        -*) die "unknown option: $1 (try --help)" ;;
        *) binaries+=("$1"); shift ;;
    esac
done

[[ -r $dockerfile ]] || die "cannot read $dockerfile"
for tool in ldd dpkg-query swift; do
    command -v "$tool" >/dev/null || [[ $tool == swift && ${#binaries[@]} -gt 0 ]] || die "$tool is required"
done
# shellcheck disable=SC1091
version_id=$(. /etc/os-release 2>/dev/null && printf '%s:%s' "${ID:-}" "${VERSION_ID:-}")
[[ $version_id == debian:12 ]] || die "dpkg must answer for Debian 12 (bookworm), the image's base; this is $version_id"

swift_runtime_dir=""
if command -v swift >/dev/null; then
    swift_runtime_dir=$(cd "$(dirname "$(readlink -f "$(command -v swift)")")/.." && pwd)
fi

if ((${#binaries[@]} == 0)); then
    scratch=${SCRATCH:-$repo/.build-docker}
    echo "building the release binary as the image does (scratch path $scratch)" >&2
    build=(swift build -c release --static-swift-stdlib --scratch-path "$scratch")
    (cd "$repo" && "${build[@]}" >&2) || die "the release build failed"
    binaries=("$(cd "$repo" && "${build[@]}" --show-bin-path)/session-broker")
    backtracer=$swift_runtime_dir/libexec/swift/linux/swift-backtrace-static
    [[ ! -x $backtracer ]] || binaries+=("$backtracer")
fi

# The stage after the last FROM, without comments, with continued lines joined.
runtime_stage=$(awk 'toupper($1) == "FROM" { text = ""; next } /^[[:space:]]*#/ { next } { text = text $0 "\n" }
    END { printf "%s", text }' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta')

# Checks the runtime base image: the packages it already has are known for debian:12-slim only.
base_image=$(awk 'toupper($1) == "FROM" { image = $2 } END { print image }' "$dockerfile")
if [[ $base_image =~ ^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$ ]]; then
    base_image=$(sed -n "s/^ARG[[:space:]]\{1,\}${BASH_REMATCH[1]}=\([^[:space:]]*\).*/\1/p" "$dockerfile" | tail -n 1)
fi
[[ $base_image == debian:12-slim || $base_image == debian:bookworm-slim ]] ||
    die "the runtime stage is based on '$base_image'; this check knows debian:12-slim only"

# Every word after `install` in an apt-get command of that stage, options left out.
declare -A listed=()
while IFS= read -r command; do
    [[ $command == *apt-get* ]] || continue
    read -r -a words <<<"$command"
    after_install=false
    for word in "${words[@]}"; do
        if [[ $after_install == true && $word != -* ]]; then
            listed[$word]=1
        elif [[ $word == install ]]; then
            after_install=true
        fi
    done
done < <(printf '%s\n' "$runtime_stage" | sed 's/&&/\n/g; s/;/\n/g')
((${#listed[@]} > 0)) || die "found no apt-get install in the runtime stage of $dockerfile"

# What apt installs along with the packages named: their Depends and Pre-Depends, first alternatives, recursively.
declare -A depends=()
while IFS=$'\t' read -r package fields; do
    depends[$package]=$fields
done < <(dpkg-query -W -f='${Package}\t${Pre-Depends}, ${Depends}\n')
declare -A provided_by=()
queue=("${!listed[@]}")
for package in "${queue[@]}"; do
    provided_by[$package]="named in the runtime stage's apt-get install"
done
while ((${#queue[@]})); do
    package=${queue[0]}
    queue=("${queue[@]:1}")
    while IFS= read -r dependency; do
        [[ -n $dependency && -z ${provided_by[$dependency]:-} ]] || continue
        provided_by[$dependency]="installed along with ${package}"
        queue+=("$dependency")
    done < <(printf '%s\n' "${depends[$package]:-}" | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g')
done
for package in "${base_packages[@]}"; do
    [[ -n ${provided_by[$package]:-} ]] || provided_by[$package]="already in debian:12-slim"
done

# Every library ldd resolves, as "binary<TAB>path" lines; a binary that links none gets an empty path.
links=()
for binary in "${binaries[@]}"; do
    [[ -x $binary ]] || die "not an executable: $binary"
    output=$(LC_ALL=C ldd "$binary" 2>&1) || {
        [[ $output == *"not a dynamic executable"* || $output == *"statically linked"* ]] ||
            die "ldd failed on $binary: $output"
        links+=("$binary"$'\t')
        continue
    }
    while IFS= read -r line; do
        line=${line#"${line%%[![:space:]]*}"}
        case $line in
            linux-vdso.so* | "") continue ;;
            *"=> not found"*) die "ldd cannot find ${line%% *} for $binary; install the build packages first" ;;
            *" => "*) path=${line#* => }; path=${path%% (*} ;;
            /*) path=${line%% (*} ;;
            *) continue ;;
        esac
        links+=("$binary"$'\t'"$path")
    done <<<"$output"
done

# The package owning each library, asked of dpkg in one go; ldd and dpkg may name a file with or without /usr in
# front (merged /usr), so every spelling is asked for.
declare -A real_path=()
candidates=()
for link in "${links[@]}"; do
    path=${link#*$'\t'}
    [[ -n $path && -z ${real_path[$path]:-} ]] || continue
    real_path[$path]=$(readlink -f "$path")
    real=${real_path[$path]}
    candidates+=("$path" "$real" "${path#/usr}" "${real#/usr}" "/usr${path}" "/usr${real}")
done
declare -A owner=()
if ((${#candidates[@]})); then
    while IFS= read -r line; do
        package=${line%%: *}
        package=${package%%,*}
        owner[${line#*: }]=${package%%:*}
    done < <(dpkg-query -S "${candidates[@]}" 2>/dev/null || true)
fi

package_of() {
    local path=$1 real=${real_path[$1]} candidate
    for candidate in "$path" "$real" "${path#/usr}" "${real#/usr}" "/usr${path}" "/usr${real}"; do
        if [[ -n ${owner[$candidate]:-} ]]; then
            printf '%s\n' "${owner[$candidate]}"
            return 0
        fi
    done
    return 1
}

failures=0
declare -A needed=()
shown=""
printf '  %-54s %-22s %s\n' library package "how the image gets it"
for link in "${links[@]}"; do
    binary=${link%%$'\t'*}
    path=${link#*$'\t'}
    [[ $binary == "$shown" ]] || echo "$binary:"
    shown=$binary
    if [[ -z $path ]]; then
        echo "  statically linked: no shared libraries"
        continue
    fi
    if [[ -n $swift_runtime_dir && ${real_path[$path]} == "$swift_runtime_dir"/* ]]; then
        if [[ $ignore_swift_runtime == true ]]; then
            printf '  %-54s %-22s %s\n' "$path" - "Swift runtime: linked statically in the image"
            continue
        fi
        printf '  %-54s %-22s %s\n' "$path" - "MISSING: Swift runtime; build with --static-swift-stdlib"
        failures=$((failures + 1))
        continue
    fi
    if ! package=$(package_of "$path"); then
        printf '  %-54s %-22s %s\n' "$path" - "MISSING: no Debian package has this file"
        failures=$((failures + 1))
        continue
    fi
    needed[$package]=1
    if [[ -n ${provided_by[$package]:-} ]]; then
        printf '  %-54s %-22s %s\n' "$path" "$package" "${provided_by[$package]}"
    else
        printf '  %-54s %-22s %s\n' "$path" "$package" "MISSING: add $package to the runtime apt-get install"
        failures=$((failures + 1))
    fi
done

for package in "${!listed[@]}"; do
    [[ -z ${needed[$package]:-} ]] || continue
    [[ " ${extra_packages[*]} " != *" $package "* ]] || continue
    printf 'UNNEEDED: the runtime stage installs %s, which provides no linked library\n' "$package"
    failures=$((failures + 1))
done

named=$(printf '%s\n' "${!listed[@]}" | sort | paste -s -d ' ')
if ((failures > 0)); then
    printf 'FAIL: %d problem(s); the runtime stage installs: %s\n' "$failures" "$named"
    exit 1
fi
printf 'OK: %d packages provide every linked library; the runtime stage installs: %s\n' "${#needed[@]}" "$named"
