#!/usr/bin/env bash
# Writes a corpus of Debian package descriptions as TSV (section, then text), one package
# per line: every package apt knows (`apt-cache dumpavail`), or, where apt has no package
# lists, the installed ones (/var/lib/dpkg/status, with their long descriptions).
# Usage: examples/debian_packages_corpus.sh OUT.tsv
set -euo pipefail
out=${1:?usage: $0 OUT.tsv}

# One paragraph per package. The text is the description (continuation lines joined, the
# " ." paragraph marks dropped); the label is the section without its archive area
# ("contrib/net" → "net"). Tabs inside the text become spaces, so each line has two fields.
to_tsv='
BEGIN { RS = ""; FS = "\n" }
{
  section = ""; text = ""; in_description = 0
  for (i = 1; i <= NF; i++) {
    line = $i
    if (line ~ /^Section: /) { section = substr(line, 10); in_description = 0 }
    else if (line ~ /^Description: /) { text = substr(line, 14); in_description = 1 }
    else if (in_description && line ~ /^ /) { if (line != " .") text = text " " substr(line, 2) }
    else in_description = 0
  }
  sub(/^.*\//, "", section)
  gsub(/\t/, " ", text)
  if (section != "" && text != "") print section "\t" text
}'

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
apt-cache dumpavail 2>/dev/null | awk "$to_tsv" > "$tmp" || true
if [ ! -s "$tmp" ]; then
  awk "$to_tsv" /var/lib/dpkg/status > "$tmp"
fi
mv "$tmp" "$out"
trap - EXIT
echo "wrote $(wc -l < "$out") package descriptions to $out" >&2
