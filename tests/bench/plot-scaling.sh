#!/bin/bash
# Plot the scaling curve: tests/bench/plot-scaling.sh BEFORE.csv AFTER.csv OUT.svg
# Both CSVs are tests/bench/scaling.sh -o output; the plot shows create, delete and capacity
# (without its fixed 0.2 s sleep between the two looks at the CPU counters) against the number of running containers, before and
# after, on a log scale (capacity was 100 times slower). Needs gnuplot (gnuplot-nox).
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BEFORE.csv AFTER.csv OUT.svg" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "plot: gnuplot not installed (apt-get install gnuplot-nox)" >&2; exit 1; }
gnuplot <<EOF
set terminal svg size 760,480 dynamic font "sans,12"
set output "$3"
set datafile separator ","
set key top left box opaque font ",10"
set title "ocrun with N containers running: median ms, policy on"
set xlabel "containers already running"
set ylabel "ms (log scale)"
set logscale y
set grid
set xtics (0, 200, 500)
set xrange [-20:520]
set yrange [1:2000]
plot "$1" every ::1 using 1:2 with linespoints lt 1 dt 2 pt 6 title "create, before", \
     "$2" every ::1 using 1:2 with linespoints lt 1 pt 7 title "create, after", \
     "$1" every ::1 using 1:4 with linespoints lt 2 dt 2 pt 6 title "delete, before", \
     "$2" every ::1 using 1:4 with linespoints lt 2 pt 7 title "delete, after", \
     "$1" every ::1 using 1:8 with linespoints lt 3 dt 2 pt 6 title "capacity - 0.2 s sleep, before", \
     "$2" every ::1 using 1:8 with linespoints lt 3 pt 7 title "capacity - 0.2 s sleep, after"
EOF
