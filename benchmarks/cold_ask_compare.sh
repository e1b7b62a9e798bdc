#!/bin/bash
# Cold `qa ask` of an older commit's code against the working tree's, alternately, 5 runs each.
#     benchmarks/cold_ask_compare.sh BASE_COMMIT
# Prints "<tree> <seconds>" per run; compare the medians. Uses .venv and the seeds library.
set -e
base=$1
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/qa-cold-ask-XXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/base"
git -C "$root" archive "$base" | tar -x -C "$work/base"
export QA_HOME="$work/home"
"$root/.venv/bin/qa" index add --library "$work/seeds" "$root/seeds" >/dev/null 2>&1
# From outside both trees: `python -c` puts the current folder first on sys.path, so run from
# the repository root every run would import the working tree's code, whatever PYTHONPATH says.
cd "$work"
for _ in 1 2 3 4 5; do
  for tree in "$work/base" "$root"; do
    began=$(date +%s.%N)
    PYTHONPATH=$tree "$root/.venv/bin/python" -c "import sys; from qa.cli import main; \
      sys.argv = ['qa', 'ask', '--library', '$work/seeds', 'who raised sanctions?']; main()" \
      >/dev/null
    echo "$tree $(echo "$(date +%s.%N) - $began" | bc)"
  done
done
