# make bench: map+unmap pairs per second against threads, one line per
# path and size (report.py's map.dat; tools/bench/run.sh passes dir, arch
# and out).
set terminal svg size 800,520 dynamic font "sans,12"
set output out
set title noenhanced sprintf("bench map, %s guest: map+unmap pairs per second against threads", arch)
set xlabel "threads"
set ylabel "pairs per second"
set logscale y
set format y "%.0s%c"
set xtics 1
set xrange [0.5:*]
set key outside right
set grid
stats dir."/map.dat" using 1 nooutput
plot for [i=0:STATS_blocks-1] dir."/map.dat" index i using 1:2 \
	with linespoints linewidth 2 title columnheader(1) noenhanced
