# Shared by bench/run.sh and bench/scale.sh (sourced, not run).

# tool_ok NAME: is the tool there and good enough?
tool_ok() {
    case "$1" in
        rg) command -v rg >/dev/null 2>&1 ;;
        zstd) command -v zstd >/dev/null 2>&1 && command -v tar >/dev/null 2>&1 ;;
        sqlite3)
            command -v sqlite3 >/dev/null 2>&1 &&
                sqlite3 :memory: "create virtual table t using fts5(x, tokenize='trigram')" >/dev/null 2>&1 ;;
        python3) command -v python3 >/dev/null 2>&1 &&
                python3 -c 'import sys, sqlite3; sys.exit(sys.version_info < (3, 8))' >/dev/null 2>&1 ;;
        gnu-time) [ -x /usr/bin/time ] && /usr/bin/time -f '%e %M' true >/dev/null 2>&1 ;;
        cargo) command -v cargo >/dev/null 2>&1 ;;
        *) return 1 ;;
    esac
}

# apt package that provides a tool ("" = not installable with apt)
tool_pkg() {
    case "$1" in
        rg) echo ripgrep ;;
        zstd) echo "zstd tar" ;;
        sqlite3) echo sqlite3 ;;
        python3) echo python3 ;;
        gnu-time) echo time ;;
        *) echo "" ;;
    esac
}

tool_hint() {
    case "$1" in
        rg) echo "ripgrep (rg): https://github.com/BurntSushi/ripgrep" ;;
        zstd) echo "zstd and tar" ;;
        sqlite3) echo "sqlite3 CLI with FTS5 and the trigram tokenizer (SQLite >= 3.34)" ;;
        python3) echo "python3 (>= 3.8, with its sqlite3 module)" ;;
        gnu-time) echo "GNU time at /usr/bin/time (package 'time')" ;;
        cargo) echo "cargo (Rust toolchain: https://rustup.rs)" ;;
    esac
}

# need_tools TOOL...: install what is missing with apt-get when possible,
# else list what is missing and exit 2.
need_tools() {
    local missing=() t pkgs=()
    for t in "$@"; do tool_ok "$t" || missing+=("$t"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    for t in "${missing[@]}"; do
        # shellcheck disable=SC2207
        pkgs+=($(tool_pkg "$t"))
    done
    if [ ${#pkgs[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
        local sudo=""
        if [ "$(id -u)" -ne 0 ]; then
            if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; fi
        fi
        if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
            echo "installing: ${pkgs[*]} (apt-get) ..." >&2
            $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >&2 ||
                { $sudo apt-get update -q >&2 &&
                  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >&2; } || true
        fi
    fi
    local still=()
    for t in "${missing[@]}"; do tool_ok "$t" || still+=("$t"); done
    [ ${#still[@]} -eq 0 ] && return 0
    echo "missing, please install:" >&2
    for t in "${still[@]}"; do echo "  - $(tool_hint "$t")" >&2; done
    exit 2
}

# extract_corpus SRC DEST: print the folder of article files. SRC is a
# .tar.zst (extracted into DEST) or already a folder (used as it is).
extract_corpus() {
    local src="$1" dest="$2"
    if [ -d "$src" ]; then
        (cd "$src" && pwd)
        return
    fi
    mkdir -p "$dest"
    echo "extracting $src ..." >&2
    case "$src" in
        *.tar.zst | *.tzst) zstd -dc -- "$src" | tar -x -C "$dest" ;;
        *.tar.gz | *.tgz) tar -xzf "$src" -C "$dest" ;;
        *.tar) tar -xf "$src" -C "$dest" ;;
        *) echo "corpus must be a folder or a .tar.zst: $src" >&2; exit 2 ;;
    esac
    printf '%s\n' "$dest"
}

# setup_workdir NAME: a temporary directory in $TMP (removed at exit) holding
# a private release build of secsearch, $TMP/secsearch, so that a rebuild by
# someone else during the run cannot change the binary being measured.
# Set TMPDIR to put it on a disk with room (a scale run's indexes).
setup_workdir() {
    TMP="$(mktemp -d "${TMPDIR:-/tmp}/secsearch-$1.XXXXXX")"
    # KEEP_WORK=1: keep it (indexes, the binary) for a closer look afterwards.
    if [ "${KEEP_WORK:-0}" = 1 ]; then
        trap 'say "kept: $TMP"' EXIT
    else
        trap 'rm -rf "$TMP"' EXIT
    fi
    trap 'exit 130' INT TERM
    say "building secsearch (cargo build --release) ..."
    (cd "$REPO" && cargo build --release --quiet)
    cp "$REPO/target/release/secsearch" "$TMP/secsearch"
}

# bench_program NAME: build bench/programs/NAME.rs (a `[[bench]]` target of
# Cargo.toml, bench profile = release) and print the path of its executable.
# `cargo bench --bench NAME -- ARGS` runs it directly; the scripts copy it
# beside the private secsearch so that a rebuild cannot change it mid-run.
bench_program() {
    (cd "$REPO" && cargo bench --no-run --quiet --bench "$1" --message-format=json 2>/dev/null) |
        python3 -c '
import json, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == sys.argv[1]:
        print(m["executable"])
' "$1"
}

# run_report NAME: the default report path of a benchmark run today,
# bench/runs/YYYY-MM-DD/NAME (the folder is created).
run_report() {
    local dir
    dir="$BENCH/runs/$(date -u +%Y-%m-%d)"
    mkdir -p "$dir"
    printf '%s/%s\n' "$dir" "$1"
}
