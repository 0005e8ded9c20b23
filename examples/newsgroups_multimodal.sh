#!/usr/bin/env bash
# Two modalities of the same documents: the words of each 20 newsgroups post's Subject:
# line and of its body (four groups). Fits shared topics (joint NMF and mTopic's MTM), then
# asks which subject words go with a few body words.
# Usage: examples/newsgroups_multimodal.sh [20news-bydate.tar.gz] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
archive=${1:-../shared/data/20news-bydate.tar.gz}
out=${2:-build/demo/newsgroups-multimodal}
nmfkit=build/nmfkit
groups=sci.space,rec.sport.hockey,sci.crypt,comp.sys.ibm.pc.hardware
mkdir -p "$out"

"$nmfkit" vectorize "$archive" --categories "$groups" --part subject --weighting count \
  --min-df 5 --out "$out/subject"
"$nmfkit" vectorize "$archive" --categories "$groups" --part body --remove footers,quotes \
  --weighting count --min-df 5 --max-df 0.5 --out "$out/body"
# Joint NMF on mTopic's preprocessing; MTM, a model of counts, on the counts themselves:
# equalising the modalities' totals would give the ~4 subject words of a post the weight of
# its ~100 body words (docs/multimodal.md).
"$nmfkit" multimodal fit --modality subject="$out/subject" --modality body="$out/body" \
  --tfidf subject,body --scale-counts 10000 --model joint-nmf --k 12 --seed 0 \
  --out "$out/joint-nmf"
"$nmfkit" multimodal fit --modality subject="$out/subject" --modality body="$out/body" \
  --model mtm --k 12 --iterations 100 --seed 0 --out "$out/mtm"
for mode in corrected faithful; do
  "$nmfkit" associate "$out/joint-nmf/body" "$out/joint-nmf/subject" --mode "$mode" \
    --targets orbit,launch,encryption,hockey,scsi,drive --top 5 --out "$out/links-$mode"
  echo "top subject words of some body words ($mode):"
  awk -F'\t' 'NR > 1 { row[$1] = row[$1] " " $2 } END { for (t in row) print "  " t ":" row[t] }' \
    "$out/links-$mode/associations.tsv"
done
