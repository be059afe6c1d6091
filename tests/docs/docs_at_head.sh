#!/usr/bin/env bash
# docs_at_head: docs/ODD.md and docs/governance.md describe the model's code at HEAD.
#
#   tests/docs/docs_at_head.sh SOURCE_DIR
#
# Each of the two documents states the commit whose code it describes in one machine-readable line of
# its own (anywhere in the file, exactly once; an HTML comment, so it does not show when rendered):
#
#   <!-- describes-commit: abe5da7 -->
#
# (7 to 40 lowercase hex digits of a commit hash). The test fails unless, for each document,
#   1. the marker is there, exactly once, and names a commit of this repository;
#   2. that commit is an ancestor of HEAD (git merge-base --is-ancestor COMMIT HEAD);
#   3. engine/ and proto/ have not changed since that commit: `git diff --quiet COMMIT -- engine/ proto/`
#      (HEAD and the working tree, staged or not), and no untracked, not ignored file lies under them.
# When SOURCE_DIR is not a git checkout (no .git, e.g. a source tarball), or a shallow clone lacks the
# commit, it says why and exits 77, which ctest reports as skipped (SKIP_RETURN_CODE).
#
# Updating the marker after a change to the model (the document must then describe the new code):
#   1. commit the change to engine/ and/or proto/ (git commit ...), and note its hash:
#        git rev-parse --short HEAD
#   2. bring docs/ODD.md and docs/governance.md up to date with that code, set both markers to that
#      hash (<!-- describes-commit: <hash> -->, and the prose's "at commit <hash>") and commit only the
#      docs (a docs-only commit changes nothing under engine/ or proto/, so the marker stays valid).
# A commit cannot name its own hash, so the marker always names an earlier commit: the last one that
# changed the code.
set -uo pipefail

src=${1:?usage: docs_at_head.sh SOURCE_DIR}
skip=77
docs=(docs/ODD.md docs/governance.md)

if ! command -v git >/dev/null 2>&1; then
  echo "docs_at_head: SKIPPED: git is not installed, so the documents' commits cannot be checked"
  exit $skip
fi
if [ ! -e "$src/.git" ]; then
  echo "docs_at_head: SKIPPED: $src is not a git checkout (no .git), so the documents' commits cannot be checked"
  exit $skip
fi
if ! err=$(git -C "$src" rev-parse --is-inside-work-tree 2>&1 >/dev/null); then
  echo "docs_at_head: SKIPPED: git cannot read the checkout $src, so the documents' commits cannot be checked: $err"
  exit $skip
fi
cd "$src" || exit 2

fail=0
bad() { echo "docs_at_head: FAIL: $*"; fail=1; }

for doc in "${docs[@]}"; do
  if [ ! -f "$doc" ]; then bad "$doc: not found"; continue; fi
  markers=$(grep -E '^[[:space:]]*<!--[[:space:]]*describes-commit:' "$doc" || true)
  n=$(printf '%s' "$markers" | grep -c . || true)
  if [ "$n" = 0 ]; then
    bad "$doc: no marker line '<!-- describes-commit: <commit> -->' saying which commit's code it describes (see tests/docs/docs_at_head.sh)"
    continue
  fi
  if [ "$n" != 1 ]; then
    bad "$doc: $n describes-commit markers, expected exactly one:"; printf '%s\n' "$markers" | sed 's/^/    /'
    continue
  fi
  commit=$(printf '%s' "$markers" | sed -nE 's/^[[:space:]]*<!--[[:space:]]*describes-commit:[[:space:]]*([0-9a-f]{7,40})[[:space:]]*-->[[:space:]]*$/\1/p')
  if [ -z "$commit" ]; then
    bad "$doc: malformed marker '$markers' (expected '<!-- describes-commit: <7 to 40 hex digits> -->')"
    continue
  fi
  if ! full=$(git rev-parse --verify --quiet "$commit^{commit}"); then
    if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
      echo "docs_at_head: SKIPPED: $doc describes commit $commit, which this shallow clone lacks"
      exit $skip
    fi
    bad "$doc: describes commit $commit, which is not a commit of this repository"
    continue
  fi
  if ! git merge-base --is-ancestor "$full" HEAD; then
    bad "$doc: describes commit $commit, which is not an ancestor of HEAD ($(git rev-parse --short HEAD)); set the marker to a commit on this branch"
    continue
  fi
  changed=$( { git diff --name-only "$full" -- engine/ proto/; git ls-files --others --exclude-standard -- engine/ proto/; } | sort -u)
  if [ -n "$changed" ]; then
    bad "$doc: describes commit $commit, but engine/ or proto/ changed since (committed, staged, unstaged or untracked):"
    printf '%s\n' "$changed" | sed 's/^/    /'
    since=$(git log --oneline "$full..HEAD" -- engine/ proto/)
    [ -n "$since" ] && { echo "  commits since $commit that touch engine/ or proto/:"; printf '%s\n' "$since" | sed 's/^/    /'; }
    echo "  update the document and its marker (see tests/docs/docs_at_head.sh)"
    continue
  fi
  echo "docs_at_head: ok: $doc describes commit $commit, and engine/ and proto/ are unchanged since"
done
exit $fail
