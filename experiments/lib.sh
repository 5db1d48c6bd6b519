# Shared by run.sh and bench.sh (sourced): the tool to run, and the commit it was built from.

# Sets $aftsweep: $AFTSWEEP when given (e.g. "dotnet /path/aftsweep.dll"), else a Release build of client/.
resolve_aftsweep() {
  local root="$1" log="$2"
  aftsweep="${AFTSWEEP:-}"
  if [ -z "$aftsweep" ]; then
    echo "== building the client (Release)"
    dotnet build -c Release "$root/client" -nologo -v q >"$log" 2>&1 || { cat "$log"; exit 2; }
    aftsweep="dotnet $root/client/bin/Release/net10.0/aftsweep.dll"
  fi
}

# Appends "<commit>[ (with uncommitted changes)]<TAB><UTC time>" to <work>/commits.tsv and writes the tool's version:
# a resumed run lists every commit whose build contributed.
record_build() {
  local root="$1" work="$2" commit
  $aftsweep version >"$work/version.txt"
  commit="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
  git -C "$root" diff --quiet HEAD -- 2>/dev/null || commit="$commit (with uncommitted changes)"
  printf '%s\t%s\n' "$commit" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$work/commits.tsv"
}
