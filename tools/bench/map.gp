# make bench: map+unmap pairs per second against threads, a colour per path,
# solid for the first size (4K) and dashed for the second (2M)
# (report.py's map.dat; tools/bench/run.sh passes dir, arch and out).
set terminal svg size 900,520 dynamic font "sans,12"
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
dash(c) = c - 1
plot for [i=0:STATS_blocks-1] for [c=2:3] dir."/map.dat" index i \
	using 1:c with linespoints linewidth 2 linecolor (i + 1) \
	dashtype dash(c) pointtype (i + 4) title columnheader(c) noenhanced
