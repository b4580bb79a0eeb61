#!/bin/bash
# Plot (gnuplot-nox) the per-phase breakdown written by `tests/bench/phases.sh -o TSV`: one
# stacked bar per binary (column), one segment per phase, median ms.
# Usage: tests/bench/plot-phases.sh TSV OUT.svg|OUT.png ["title"]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 TSV OUT.svg [TITLE]" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "plot-phases: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
tsv=$1 out=$2 title=${3:-"ocrun run: median ms per phase"}
cols=$(head -n 1 "$tsv" | awk -F'\t' '{ print NF }')
term='svg size 760,520 dynamic font "sans,11"'
[[ $out == *.png ]] && term='png size 760,520'
gnuplot <<EOF
set terminal $term
set output "$out"
set title "$title"
set datafile separator "\t"
set style data histograms
set style histogram columnstacked
set style fill solid 0.85 border -1
set boxwidth 0.6
set ylabel "ms (median of each phase)"
set yrange [0:*]
set grid ytics
set key outside right top reverse Left title "phase"
set termoption noenhanced
# 14 phases: 14 distinct colours, stacked from the first phase (bottom) up.
array C[14] = ["#1b9e77","#d95f02","#7570b3","#e7298a","#66a61e","#e6ab02","#a6761d", \
               "#666666","#1f78b4","#b2df8a","#fb9a99","#cab2d6","#ff7f00","#17becf"]
do for [i=1:14] { set linetype i linecolor rgb C[i] }
# key(1) names the segments once (first bar); each bar is named by its column's header.
plot "$tsv" using 2:key(1) title columnheader(2), \
     for [c=3:$cols] "" using c title columnheader(c)
EOF
echo "plot-phases: wrote $out"
