# shellcheck shell=bash
# plots.sh: plots DIR ACCEL draws every PNG of the lab from DIR's CSVs with gnuplot (pngcairo,
# else png). A plot whose CSV is missing is skipped. gnuplot's messages go to DIR/plots.log.
# Returns non-zero if a plot failed.

plots() {
  local dir=$1 accel=$2 term failed=0 p
  term="pngcairo size 900,560 font 'Sans,11'"
  gnuplot -e 'set terminal pngcairo' 2>/dev/null || term="png size 900,560"
  : > "$dir/plots.log"
  for p in e1 e2 e3_shares e3_jain e3_throughput e4 e5_timeline e5_admission e6; do
    "plot_$p" "$dir" "$accel" "$term" >> "$dir/plots.log" 2>&1 || { failed=1; echo "plot $p failed" >> "$dir/plots.log"; }
  done
  return $failed
}

# pivot CSV LABEL COL: "label,container value,vm value" per label (first-seen order), LABEL an
# awk expression of the row (e.g. '$3' or '$3 " " $4'), COL the value's column; missing = NaN.
pivot() {
  awk -F, 'function val(x) { return x == "" || x == "NA" ? "NaN" : x }
    NR > 1 { k = '"$2"'; if (!(k in seen)) { seen[k] = 1; order[++n] = k }; v[k, $2] = $'"$3"' }
    END { for (i = 1; i <= n; i++) { k = order[i]; printf "%s,%s,%s\n", k, val(v[k, "container"]), val(v[k, "vm"]) } }' "$1"
}

# gp DIR FILE.png: gnuplot reads the script on stdin, in DIR, output FILE.png.
gp() { (cd "$1" && { echo "set terminal $GP_TERM noenhanced; set output '$2'; set datafile separator ','"; cat; } | gnuplot); }

plot_e1() {
  [ -f "$1/e1_startup.csv" ] || return 0
  local g
  # One file per (side, mode): sorted latencies with their cumulative fraction.
  for g in container,sequential container,parallel vm,sequential vm,parallel; do
    awk -F, -v s="${g%,*}" -v m="${g#*,}" '$2 == s && $3 == m && $5 != "NA" { print $5 }' "$1/e1_startup.csv" |
      sort -g | awk -v OFS=, '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }' > "$1/.e1-${g/,/-}.dat"
  done
  GP_TERM=$3 gp "$1" e1_startup_cdf.png <<EOF
set title "E1 start-up latency, request to first output (VMs: $2)"
set xlabel "latency (ms, log scale)"; set ylabel "fraction of starts"
set logscale x; set key bottom right; set grid; set yrange [0:1.05]
plot '.e1-container-sequential.dat' u 1:2 w steps lw 2 t 'container, sequential', \
     '.e1-container-parallel.dat' u 1:2 w steps lw 2 t 'container, parallel', \
     '.e1-vm-sequential.dat' u 1:2 w steps lw 2 t 'VM ($2), sequential', \
     '.e1-vm-parallel.dat' u 1:2 w steps lw 2 t 'VM ($2), parallel'
EOF
  rm -f "$1"/.e1-*.dat
}

plot_e2() {
  [ -f "$1/e2_memory.csv" ] || return 0
  GP_TERM=$3 gp "$1" e2_memory.png <<EOF
set title "E2 host memory per idle instance (256 MiB flavour; VMs: $2)"
set xlabel "instances (N)"; set ylabel "MiB per instance (log scale)"
set logscale y; set logscale x 2; set key top left; set grid
plot 'e2_memory.csv' u (stringcolumn(2) eq "container" ? \$3 : 1/0):5 w lp lw 2 pt 7 t 'container (cgroup memory)', \
     'e2_memory.csv' u (stringcolumn(2) eq "vm" ? \$3 : 1/0):5 w lp lw 2 pt 5 t 'VM ($2, QEMU PSS)'
EOF
}

plot_e3_shares() {
  [ -f "$1/e3_shares.csv" ] || return 0
  GP_TERM=$3 gp "$1" e3_shares.png <<EOF
set title "E3 achieved vs expected CPU share, every step (VMs: $2)"
set xlabel "expected share (vCPUs / total vCPUs)"; set ylabel "achieved share (cpuacct.usage)"
set xrange [0:1.05]; set yrange [0:1.05]; set key top left; set grid; set size square
plot x w l dt 2 lc rgb 'gray' t 'y = x (fair)', \
     'e3_shares.csv' u (stringcolumn(2) eq "container" ? \$9 : 1/0):8 w p pt 7 ps 1.5 t 'container', \
     'e3_shares.csv' u (stringcolumn(2) eq "vm" ? \$9 : 1/0):8 w p pt 4 ps 2.5 lw 2 t 'VM ($2), open squares'
EOF
}

# Clustered bars, shared by every histogram below.
HIST_STYLE="set style data histogram; set style histogram clustered gap 1; set style fill solid 0.8 border -1; set boxwidth 0.9; set grid y"

# pivot_bars DIR ACCEL TERM CSV LABEL COL PNG "gnuplot settings": container vs VM bars of CSV's
# column COL per LABEL (see pivot).
pivot_bars() {
  [ -f "$1/$4" ] || return 0
  pivot "$1/$4" "$5" "$6" > "$1/.bars.dat"
  GP_TERM=$3 gp "$1" "$7" <<EOF
$8
$HIST_STYLE
plot '.bars.dat' u 2:xtic(1) t 'container', '' u 3 t 'VM ($2)'
EOF
  rm -f "$1/.bars.dat"
}

plot_e3_jain() {
  pivot_bars "$@" e3_summary.csv '$3' 7 e3_jain.png "set title \"E3 Jain's fairness index of share / expected, per overcommit step (VMs: $2)\"
set ylabel \"Jain's index (1 = fair)\"; set xlabel \"step (total vCPUs : cores; sizes in the CSV)\"
set yrange [0:1.1]; set key bottom right"
}

plot_e3_throughput() {
  pivot_bars "$@" e3_summary.csv '$3' 9 e3_throughput.png "set title \"E3 aggregate throughput per step (stress-ng bogo ops/s; VMs: $2)\"
set ylabel \"bogo ops/s (log scale)\"; set xlabel \"step (total vCPUs : cores)\"
set logscale y; set key top right"
}

plot_e4() {
  pivot_bars "$@" e4_noisy.csv '$3 " " $4' 6 e4_noisy.png "set title \"E4 victim wake-up lateness p99 per aggressor (VMs: $2)\"
set ylabel \"p99 lateness of a 1 ms sleep (us, log scale)\"; set xlabel \"aggressor at total vCPUs : cores\"
set logscale y; set key top left"
}

plot_e5_timeline() {
  [ -f "$1/e5_timeline.csv" ] || return 0
  GP_TERM=$3 gp "$1" e5_timeline.png <<EOF
set title "E5 allocating 384 MiB under a 256 MiB limit: host-side memory (VMs: $2)"
set xlabel "seconds since the allocator was started"; set ylabel "cgroup memory usage (MiB)"
set y2label "host memory PSI some avg10 (%)"; set y2tics; set y2range [0:*]; set ytics nomirror; set key top left; set grid
plot 'e5_timeline.csv' u (stringcolumn(2) eq "container" ? \$3 : 1/0):4 w l lw 2 t 'container cgroup', \
     'e5_timeline.csv' u (stringcolumn(2) eq "vm" ? \$3 : 1/0):4 w l lw 2 t 'VM ($2) QEMU cgroup', \
     256 w l dt 2 lc rgb 'red' t 'limit 256 MiB', \
     'e5_timeline.csv' u 3:5 axes x1y2 w p pt 1 ps 0.5 lc rgb 'gray' t 'host memory PSI'
EOF
}

plot_e5_admission() {
  [ -f "$1/e5_admission.csv" ] || return 0
  awk -F, 'NR > 1 { printf "%s RAM %s:1,%s,%s,%s\n", $2, $3, $6, $7, $8 == "NA" ? "NaN" : $8 }' \
    "$1/e5_admission.csv" > "$1/.e5a.dat"
  GP_TERM=$3 gp "$1" e5_admission.png <<EOF
set title "E5 admission of 3 x 256 MiB on a node with 512 MiB for instances (VMs: $2)"
set ylabel "instances"; set yrange [0:3.5]; set key top left
$HIST_STYLE
plot '.e5a.dat' u 2:xtic(1) t 'admitted', '' u 3 t 'refused', '' u 4 t 'still running after filling memory'
EOF
  rm -f "$1/.e5a.dat"
}

plot_e6() {
  [ -f "$1/e6_admission.csv" ] || return 0
  awk -F, 'NR > 1 { printf "%s: %s,%s,%s\n", $2, $3, $4, $5 }' "$1/e6_admission.csv" > "$1/.e6.dat"
  GP_TERM=$3 gp "$1" e6_admission.png <<EOF
set title "E6 admission correctness: expected vs measured per check (VMs: $2)"
set ylabel "value (count, MB or exit status)"; set key top right
$HIST_STYLE
set xtics rotate by -35 font ',8'; set bmargin 12
plot '.e6.dat' u 2:xtic(1) t 'expected', '' u 3 t 'measured'
EOF
  rm -f "$1/.e6.dat"
}
