# make bench: bind attempts against the number of devices, one line per
# policy, staggered and not (report.py's deferral.dat; tools/bench/run.sh
# passes dir, arch and out).
set terminal svg size 800,520 dynamic font "sans,12"
set output out
set title noenhanced sprintf("bench deferral, %s guest: bind attempts against N (K = 16 SMMUv3 instances)", arch)
set xlabel "devices N"
set ylabel "bind attempts"
set logscale xy
set format y "%.0s%c"
set key top left
set grid
stats dir."/deferral.dat" using 1 nooutput
# one colour per policy; staggered solid, unstaggered dashed (report.py
# writes each policy's unstaggered block before its staggered one)
dash(i) = i % 2 ? 1 : 2
plot for [i=0:STATS_blocks-1] dir."/deferral.dat" index i using 1:2 \
	with linespoints linewidth 2 linecolor (i / 2 + 1) \
	dashtype dash(i) pointtype (i / 2 + 5) \
	title columnheader(1) noenhanced
