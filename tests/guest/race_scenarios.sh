#!/bin/sh
# Guest test: the race engine (probelab race / scenarios, docs/races.md).
# Every implemented scenario (eleven of them scenario files in
# /opt/probelab/scenarios, docs/scenario-format.md, found by name through
# the catalogue; one in C) under every policy with a small budget,
# asserting the outcome the catalogue expects (and, for a reproduction,
# the invariant); the reproducer line of every reproduction replays to the
# same invariant; plans follow the seed; the exit statuses; an unknown
# scenario is refused.  TAP.
#
# RACE_HOLD_SECONDS (default 1; the seed sweeps below hold every such pair
# over five more seeds): budget of a run expected to hold;
# RACE_REPRO_SECONDS (default 20): at most this long to reproduce (a run
# stops at the first violation).
T=/tmp/race_scenarios
HOLD=${RACE_HOLD_SECONDS:-1}
REPRO=${RACE_REPRO_SECONDS:-20}
SEED=${RACE_SEED:-20260101}
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
# show FILE...: as diagnostics, each line ended even when the file's last is not
show() { awk '{ print "# " $0 }' "$@"; }
# j KEY: the first number or string of "KEY": in the flattened $T/out.json
j() { grep -o "\"$1\":[^,}]*" $T/flat | head -n1 | sed -e "s/^\"$1\"://" -e 's/ *$//' -e 's/^"//' -e 's/"$//'; }
flatten() { tr -d '\n' <$T/out.json | sed 's/"trace":\[.*\]//' >$T/flat; }
arch=$(uname -m)

rm -rf $T
mkdir -p $T
probelab reset >/dev/null 2>&1

# scenario:invariant:fixed:linux-6.1:mainline (r reproduce, h hold)
cat >$T/matrix <<'EOF'
fwspec-free-vs-xlate 1 h r h
parallel-probe-double-probe 2 h r h
register-vs-deferred-reprobe 6 h r h
hotadd-claimed-group 6 h r h
two-instances 9 h r r
debugfs-walk-vs-unmap 8 h r r
claim-vs-sibling-bind 4 h h h
default-domain-not-set 3 h r h
driver-read-vs-unbind 4 h h r
defer-retry-dma-ops-left 7 h r h
unmap-after-unbind-stale-ops 7 h r h
bus-notifier-vs-registration 2 h r h
EOF

# A scenario expected to hold under a kernel's policy holds for its own
# bug; meeting another catalogued bug of that kernel on the way (say
# mainline's dev->driver race, invariant 4, during
# register-vs-deferred-reprobe) is "other-known", named by the engine
# (probelab bugs) and as expected.  A violation no catalogued bug explains
# is "new" and fails, under every policy.

t0=$(date +%s)
while read -r sc inv e0 e1 e2; do
	for p in fixed linux-6.1 mainline; do
		case $p in fixed) e=$e0 ;; linux-6.1) e=$e1 ;; *) e=$e2 ;; esac
		if [ "$e" = r ]; then
			want=reproduce budget="--seconds $REPRO"
		else
			want=hold budget="--seconds $HOLD"
		fi
		s=$(date +%s)
		probelab --json race --scenario $sc --policy $p --seed $SEED $budget \
			--expect $want --quiet >$T/out.json 2>$T/err
		rc=$?
		el=$(( $(date +%s) - s ))
		flatten
		out=$(j outcome); cyc=$(j cycles); v=$(j violations)
		fi_inv=$(j invariant); err=$(j error); rep=$(j reproducer)
		bug=$(j known_bug); own=$(j scenario_bug)
		if [ "$want" = reproduce ]; then
			# its own known bug, whichever of the bug's invariants
			# showed first (a double probe under linux-6.1 may show
			# as the context entry its second probe cleared, 6,
			# before invariant 2: seen on arm64 6.12-rt)
			if [ $rc -eq 0 ] && [ "$out" = reproduced ] &&
			   [ "$err" = null ] &&
			   [ "$bug" = "$own" ] && [ "$(j outcome_bug)" = "$own" ]; then
				if [ "$fi_inv" = "$inv" ]; then
					how="invariant $inv"
				else
					how="invariant $fi_inv first, the scenario's is $inv"
				fi
				ok "$sc under $p reproduces $bug ($how): $v violations, first after $(j cycle) cycles ($cyc done, ${el}s)"
				echo "$sc $p $inv $rep" >>$T/repros
			else
				notok "$sc under $p: exit $rc, outcome '$out', invariant '$fi_inv' (want $inv), error $err"
				show $T/flat $T/err
			fi
		else
			if [ $rc -eq 0 ] && [ "$out" = held ] && [ "$v" = 0 ] &&
			   [ "$err" = null ] && [ "${cyc:-0}" -gt 0 ]; then
				ok "$sc under $p holds: $cyc cycles, 0 violations (${el}s)"
			elif [ $rc -eq 0 ] && [ "$out" = other-known ] &&
			     [ "$err" = null ] && [ "$bug" != null ] &&
			     [ "$bug" != "$own" ] && [ "$(j outcome_bug)" = "$bug" ]; then
				ok "$sc under $p holds for its own bug; it met another known bug first: $bug (invariant $fi_inv) after $(j cycle) cycles (${el}s)"
				show $T/flat
			else
				notok "$sc under $p: exit $rc, outcome '$out', $v violations (first: invariant '$fi_inv', bug '$bug'), $cyc cycles, error $err"
				show $T/flat $T/err
			fi
		fi
	done
done <$T/matrix
echo "# matrix: $(( $(date +%s) - t0 )) s"

# Every reproduction replays from its reproducer line to the same known bug.
# The line as printed (plus --json --quiet) first: a sequential scenario
# must replay with it exactly.  A race replays the same seed, operations
# and injections, but the interleaving is the machine's: if the printed
# iteration count is not enough this time, the same line gets 10 s
# instead, and the TAP line says so (docs/races.md, replays).
replay() {	# replay ARGS...: run, flatten; sets rc
	probelab --json "$@" --quiet >$T/out.json 2>$T/err
	rc=$?
	flatten
	[ $rc -eq 1 ] && [ "$(j outcome)" = reproduced ] &&
		[ "$(j known_bug)" = "$(j scenario_bug)" ]
}
while read -r sc p inv rep; do
	case "$rep" in
	"probelab race --scenario $sc --policy $p --seed $SEED --iterations "*) ;;
	*) notok "$sc under $p: reproducer line '$rep'"; continue ;;
	esac
	# shellcheck disable=SC2086
	set -- $rep
	shift
	if replay "$@"; then
		ok "replay of $sc under $p ('${rep#probelab race }' as printed): $(j known_bug) again (invariant $(j invariant)), after $(j cycle) cycles"
		continue
	fi
	case "$sc" in
	hotadd-claimed-group|two-instances|defer-retry-dma-ops-left)
		notok "replay '$rep' (sequential, must replay as printed): exit $rc, outcome '$(j outcome)', invariant '$(j invariant)' (want $inv)"
		show $T/flat $T/err
		continue ;;
	esac
	lit="$(j outcome)/$(j cycles) cycles"
	# shellcheck disable=SC2086
	set -- ${rep% --iterations *} --seconds 10
	shift
	if replay "$@"; then
		ok "replay of $sc under $p: as printed $lit this time; with 10 s instead of the count: $(j known_bug) again (invariant $(j invariant)), after $(j cycle) cycles"
	else
		notok "replay '$rep' (and with 10 s): exit $rc, outcome '$(j outcome)', invariant '$(j invariant)' (want $inv)"
		show $T/flat $T/err
	fi
done <$T/repros
for sc in fwspec-free-vs-xlate hotadd-claimed-group two-instances; do
	grep -q "^$sc linux-6.1 " $T/repros ||
		notok "$sc under linux-6.1 did not reproduce: no replay to test"
done

# --ktap: a campaign of two sequential scenarios (they replay exactly)
# under every policy is one KTAP document on stdout: its plan up front
# equals its results, each result is what the catalogue expects, with the
# outcome, seed, time and reproducer before it; progress is on stderr.
# The document goes to the log as "# race-ktap: " lines, for the host's
# KTAP readers (tests/race-ktap-check.sh LOG).
probelab race --ktap --scenario hotadd-claimed-group,defer-retry-dma-ops-left \
	--policy all --seed $SEED --seconds $HOLD >$T/ktap 2>$T/err
rc=$?
read -r kplan kres kok kbad <<EOF
$(awk '/^1\.\.[0-9]+$/ { plan = substr($0, 4) }
	/^ok [0-9]+ / { res++; if (!/ # SKIP/) ok++ }
	/^not ok [0-9]+ / { res++; bad++ }
	/^(KTAP version 1|1\.\.[0-9]+|# .+|(not )?ok [0-9]+ [a-z0-9.\/-]+( # SKIP .+)?)$/ { next }
	{ bad++ }
	END { print plan + 0, res + 0, ok + 0, bad + 0 }' $T/ktap)
EOF
if [ $rc -eq 0 ] && [ "$(head -n 1 $T/ktap)" = "KTAP version 1" ] &&
   [ "$kplan" = 6 ] && [ "$kres" = 6 ] && [ "$kok" = 6 ] && [ "$kbad" = 0 ] &&
   [ "$(grep -c "^# seed: $SEED\$" $T/ktap)" = 6 ] &&
   [ "$(grep -c '^# time: [0-9.]* s, [0-9]* cycles' $T/ktap)" = 6 ] &&
   grep -q '^# outcome: reproduced hotadd-into-owned-group: invariant 6 ' $T/ktap &&
   grep -q '^# outcome: reproduced deferral-teardown-dma-ops: invariant 7 ' $T/ktap &&
   grep -q '^# bug: first violation hotadd-into-owned-group$' $T/ktap &&
   grep -q '^# violations by bug: hotadd-into-owned-group [0-9]' $T/ktap &&
   [ "$(grep -c '^# outcome: held for [0-9]* cycles' $T/ktap)" = 4 ] &&
   grep -Eq "^# reproducer: probelab race --scenario hotadd-claimed-group --policy linux-6.1 --seed $SEED --iterations [0-9]+\$" $T/ktap &&
   grep -q '^ok 6 defer-retry-dma-ops-left/mainline$' $T/ktap &&
   grep -q '^probelab race: 6 of 6: defer-retry-dma-ops-left under mainline' $T/err; then
	ok "--ktap: plan 1..$kplan, $kres results, all ok, each with its outcome, seed and time; progress on stderr"
else
	notok "--ktap campaign (exit $rc; plan $kplan, $kres results, $kok ok, $kbad bad lines)"
	show $T/ktap $T/err
fi
sed 's/^/# race-ktap: /' $T/ktap

# SIGINT ends the campaign: the run stopped is "not ok", the runs left are
# skipped, so the plan still equals the results; exit 1.
probelab race --ktap --scenario claim-vs-sibling-bind,hotadd-claimed-group \
	--policy fixed --seed $SEED --seconds 60 --quiet >$T/ktap 2>$T/err &
pid=$!
sleep 2
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 1 ] && grep -q '^1\.\.2$' $T/ktap &&
   grep -q '^# interrupted: ' $T/ktap &&
   grep -q '^not ok 1 claim-vs-sibling-bind/fixed$' $T/ktap &&
   grep -q '^ok 2 hotadd-claimed-group/fixed # SKIP the campaign was interrupted$' $T/ktap &&
   [ "$(grep -cE '^(not )?ok [0-9]' $T/ktap)" = 2 ]; then
	ok "--ktap and SIGINT: the run stopped is not ok, the rest skipped, plan kept; exit 1"
else
	notok "--ktap and SIGINT (exit $rc)"; show $T/ktap $T/err
fi
probelab --json race --ktap --scenario hotadd-claimed-group --policy fixed \
	--iterations 1 >$T/out 2>&1
[ $? -eq 2 ] && grep -q -- '--ktap and --json' $T/out &&
	ok "--ktap with --json: usage error" ||
	{ notok "--ktap with --json"; show $T/out; }

# Seed sweeps: every pair over RACE_SWEEP_SEEDS (default 1-5) seeds, each
# run as the catalogue expects (a hold may meet another known bug, named);
# three sweeps so that the runs that hold take RACE_SWEEP_HOLD seconds and
# a reproduction up to RACE_SWEEP_REPRO (it stops at its first violation).
# The tables go to the log.
SEEDS=${RACE_SWEEP_SEEDS:-1-5}
SHOLD=${RACE_SWEEP_HOLD:-0.3}
SREPRO=${RACE_SWEEP_REPRO:-10}
sweep() {	# sweep NAME PAIRS ARGS...: one sweep, its table checked
	name=$1 pairs=$2
	shift 2
	s=$(date +%s)
	probelab race --seeds $SEEDS --quiet "$@" >$T/sweep 2>$T/err
	rc=$?
	el=$(( $(date +%s) - s ))
	lines=$(grep -cE '^[a-z0-9-]+ +(fixed|linux-6\.1|mainline) ' $T/sweep)
	offs=$(grep -cE '^[a-z0-9-]+ +(fixed|linux-6\.1|mainline) .* OFF ' $T/sweep)
	if [ $rc -eq 0 ] && [ "$lines" = "$pairs" ] && [ "$offs" = 0 ] &&
	   grep -q "^sweep of seeds $SEEDS, " $T/sweep &&
	   ! grep -Eq ' new x[0-9]' $T/sweep; then
		ok "sweep of seeds $SEEDS, $name: $pairs pairs all as expected (${el}s)"
	else
		notok "sweep of seeds $SEEDS, $name: exit $rc, $lines pairs (want $pairs), $offs off expectation"
		show $T/err
	fi
	show $T/sweep
}
ts=$(date +%s)
sweep "reproductions under linux-6.1" 10 --seconds $SREPRO --policy linux-6.1 \
	--scenario fwspec-free-vs-xlate,parallel-probe-double-probe,register-vs-deferred-reprobe,hotadd-claimed-group,two-instances,debugfs-walk-vs-unmap,default-domain-not-set,defer-retry-dma-ops-left,unmap-after-unbind-stale-ops,bus-notifier-vs-registration
sweep "reproductions under mainline" 3 --seconds $SREPRO --policy mainline \
	--scenario two-instances,debugfs-walk-vs-unmap,driver-read-vs-unbind
sweep "holds under fixed" 12 --seconds $SHOLD --policy fixed --scenario all
sweep "holds under linux-6.1" 2 --seconds $SHOLD --policy linux-6.1 \
	--scenario claim-vs-sibling-bind,driver-read-vs-unbind
sweep "holds under mainline" 9 --seconds $SHOLD --policy mainline \
	--scenario fwspec-free-vs-xlate,parallel-probe-double-probe,register-vs-deferred-reprobe,hotadd-claimed-group,claim-vs-sibling-bind,default-domain-not-set,defer-retry-dma-ops-left,unmap-after-unbind-stale-ops,bus-notifier-vs-registration
echo "# sweeps: $(( $(date +%s) - ts )) s"
# --json of a sweep: per pair, outcomes, the time to the first violation, bugs seen
probelab --json race --seeds 1-2 --iterations 2 --quiet --scenario hotadd-claimed-group \
	--policy fixed,linux-6.1 >$T/out.json 2>$T/err
rc=$?
tr -d '\n ' <$T/out.json >$T/flat
if [ $rc -eq 0 ] && grep -q '"seeds":{"from":1,"to":2}' $T/flat &&
   grep -q '"runs":4' $T/flat && grep -q '"off_expectation":0' $T/flat &&
   grep -q '"outcomes":{"held":2,"reproduced":0,"other-known":0,"new":0}' $T/flat &&
   grep -q '"outcomes":{"held":0,"reproduced":2,"other-known":0,"new":0}' $T/flat &&
   grep -q '"bugs_seen":{"hotadd-into-owned-group":2}' $T/flat &&
   grep -q '"first_violation":{"runs":2,"median_ns":[0-9]*,"max_ns":[0-9]*}' $T/flat; then
	ok "--json sweep: per pair outcomes, first-violation median and max, bugs seen"
else
	notok "--json sweep (exit $rc)"; show $T/out.json $T/err
fi

# probelab bugs: the catalogue, each scenario's bug in it
probelab bugs >$T/out 2>&1
rc=$?
probelab --json bugs >$T/out.json 2>&1
tr -d '\n ' <$T/out.json >$T/flat
if [ $rc -eq 0 ] &&
   grep -Eq '^dma-configure-replay-vs-bind +kernel +mainline +4 +driver-read-vs-unbind$' $T/out &&
   grep -Eq '^lab-release-blocks-alias +lab ' $T/out &&
   [ "$(grep -o '"id":' $T/flat | wc -l)" = 17 ] &&
   grep -q '"fixed_by":"platform:FixraceconditionduringDMAconfigureatIOMMUprobetime"' $T/flat; then
	ok "bugs: 17 entries (11 kernel bugs, 6 lab gaps), with fixes, policies, scenarios, signatures"
else
	notok "bugs listing (exit $rc)"; show $T/out
fi

# Human output of a reproduction: invariant, trace, reproducer; exit 1.
probelab race --scenario hotadd-claimed-group --policy linux-6.1 --seed 7 \
	--iterations 3 >$T/out 2>$T/err
rc=$?
if [ $rc -eq 1 ] && grep -q '^first violation: invariant 6' $T/out &&
   grep -q '^  bug: hotadd-into-owned-group (' $T/out &&
   grep -q '^  outcome:    reproduced hotadd-into-owned-group (expected under linux-6.1: reproduces hotadd-into-owned-group)$' $T/out &&
   grep -Eq '^  by bug:     hotadd-into-owned-group [0-9]+$' $T/out &&
   grep -q '^  trace (sequence numbers' $T/out &&
   grep -Eq '^ +[0-9]+ +[0-9]+\.[0-9]{9} VIOLATION ' $T/out &&
   grep -Eq '^reproducer: probelab race --scenario hotadd-claimed-group --policy linux-6.1 --seed 7 --iterations [0-9]+$' $T/out; then
	ok "human output: invariant, the bug named, decoded trace ending at the VIOLATION event, reproducer; exit 1"
else
	notok "human output of a reproduction (exit $rc)"; show $T/out $T/err
fi
probelab race --scenario hotadd-claimed-group --policy fixed --seed 7 \
	--iterations 20 --quiet >$T/out 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q 'outcome:    held' $T/out && grep -q 'cycles:     20 ' $T/out; then
	ok "no violation: exit 0, exactly the 20 cycles asked"
else
	notok "a held run (exit $rc)"; show $T/out
fi
probelab race --scenario hotadd-claimed-group --policy fixed --seed 7 \
	--iterations 5 --expect reproduce --quiet >$T/out 2>&1
[ $? -eq 1 ] && ok "--expect reproduce on a run that holds: exit 1" ||
	{ notok "--expect reproduce on a held run"; show $T/out; }

# JSON: the fields the issue names, one object.
probelab --json race --scenario two-instances --policy linux-6.1 --seed 3 \
	--iterations 4 --quiet >$T/out.json 2>$T/err
rc=$?
flatten
missing=
for k in scenario policy seed cycles violations first_violation elapsed_ns \
	outcome outcome_bug violations_by_bug known_bug; do
	grep -q "\"$k\":" $T/flat || missing="$missing $k"
done
if [ $rc -eq 1 ] && [ -z "$missing" ] && [ "$(j scenario)" = two-instances ] &&
   [ "$(j policy)" = linux-6.1 ] && [ "$(j seed)" = 3 ] &&
   grep -q '"first_violation":{' $T/flat && [ "$(j invariant)" = 9 ] &&
   [ "$(j invariant_name)" = "every instance ready" ] &&
   [ "$(j known_bug)" = fwspec-one-instance ] && [ "$(j outcome)" = reproduced ] &&
   grep -q '"violations_by_bug":{ *"fwspec-one-instance":[1-9]' $T/flat; then
	ok "--json: scenario, policy, seed, cycles, violations, first_violation naming invariant 9 and its known bug, outcome, violations_by_bug, elapsed_ns"
else
	notok "--json object (exit $rc, missing:$missing)"; show $T/out.json $T/err
fi
probelab --json race --scenario claim-vs-sibling-bind --policy fixed --seed 3 \
	--iterations 10 --quiet >$T/out.json 2>&1
flatten
grep -q '"first_violation":null' $T/flat && [ "$(j violations)" = 0 ] &&
	grep -q '"violations_by_bug":{ *}' $T/flat && [ "$(j outcome)" = held ] &&
	[ "$(j outcome_bug)" = null ] &&
	ok "--json of a held run: first_violation null, violations 0, outcome held, violations_by_bug empty" ||
	{ notok "--json of a held run"; show $T/out.json; }

# --keep-going: the run goes on to its budget and counts every violation.
probelab --json race --scenario fwspec-free-vs-xlate --policy linux-6.1 --seed 5 \
	--seconds 1 --keep-going --quiet >$T/out.json 2>&1
rc=$?
flatten
if [ $rc -eq 1 ] && [ "$(j stopped)" = budget ] && [ "$(j violations)" -gt 1 ] &&
   [ "$(j invariant)" = 1 ]; then
	ok "--keep-going: $(j violations) violations in 1 s, the first one reported"
else
	notok "--keep-going (exit $rc, stopped '$(j stopped)', violations '$(j violations)')"
	show $T/flat
fi

# SIGINT ends a run early, with its result, and the lab reset.
probelab race --scenario claim-vs-sibling-bind --policy fixed --seed 5 \
	--seconds 60 --quiet >$T/out 2>&1 &
pid=$!
sleep 2
kill -INT $pid
wait $pid
rc=$?
probelab status >$T/st 2>&1
if [ $rc -eq 0 ] && grep -q '^  interrupted' $T/out && grep -q 'outcome:    held' $T/out &&
   grep -q '^devices: 0' $T/st; then
	ok "SIGINT: the run stops, prints its result (held, interrupted), leaves the lab reset"
else
	notok "SIGINT (exit $rc)"; show $T/out $T/st
fi

# Plans: the same seed gives the same operations and injections.
probelab race --scenario register-vs-deferred-reprobe --seed 11 --plan --iterations 20 >$T/p1 2>&1
probelab race --scenario register-vs-deferred-reprobe --seed 11 --plan --iterations 20 >$T/p2 2>&1
probelab race --scenario register-vs-deferred-reprobe --seed 12 --plan --iterations 20 >$T/p3 2>&1
if cmp -s $T/p1 $T/p2 && ! cmp -s $T/p1 $T/p3 && grep -q 'inject iommu.register: delay' $T/p1 &&
   [ "$(grep -c '^  cycle ' $T/p1)" = 20 ]; then
	ok "--plan: same seed, same 20 cycles and injection; another seed differs"
else
	notok "--plan determinism"; show $T/p1 $T/p3
fi

# An unknown scenario is refused, clearly, with exit 2.
probelab race --scenario no-such-race --policy linux-6.1 --seconds 1 >$T/out 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "no-such-race" $T/out; then
	ok "an unknown scenario: refused, exit 2"
else
	notok "unknown scenario: exit $rc"; show $T/out
fi
probelab race --scenario two-instances --policy fixed --iterations 3 --seconds 3 >$T/out 2>&1
[ $? -eq 2 ] && ok "--iterations with --seconds: usage error" ||
	{ notok "two budgets accepted"; show $T/out; }

# probelab scenarios
probelab scenarios >$T/out 2>&1
rc=$?
probelab --json scenarios >$T/out.json 2>&1
tr -d '\n ' <$T/out.json >$T/flat
if [ $rc -eq 0 ] && ! grep -q 'not implemented in this version' $T/out &&
   grep -Eq '^two-instances +hold +reproduce +reproduce +file +9' $T/out &&
   grep -Eq '^driver-read-vs-unbind +hold +hold +reproduce +file +4' $T/out &&
   grep -Eq '^debugfs-walk-vs-unmap +hold +reproduce +reproduce +C +8' $T/out &&
   [ "$(grep -o '"name":' $T/flat | wc -l)" = 12 ] &&
   [ "$(grep -o '"implemented":true' $T/flat | wc -l)" = 12 ] &&
   [ "$(grep -o '"kind":"file"' $T/flat | wc -l)" = 11 ] &&
   grep -q '"errors":\[\]' $T/flat &&
   grep -q '"expected":{"fixed":"hold","linux-6.1":"reproduce","mainline":"hold"}' $T/flat; then
	ok "scenarios: 12 listed (11 files of /opt/probelab/scenarios, 1 in C), all implemented, with their expected outcome per policy"
else
	notok "scenarios listing (exit $rc)"; show $T/out
fi

# --file: a scenario file by its path runs like its catalogue name, and
# its reproducer names the file; a file that does not parse is refused
# with its line (exit 2).
f=/opt/probelab/scenarios/hotadd-claimed-group.race
probelab --json race --file $f --policy linux-6.1 --seed $SEED --seconds $REPRO \
	--quiet >$T/out.json 2>$T/err
rc=$?
flatten
if [ $rc -eq 1 ] && [ "$(j outcome)" = reproduced ] && [ "$(j invariant)" = 6 ] &&
   [ "$(j file)" = "$f" ] &&
   case "$(j reproducer)" in "probelab race --file $f --policy linux-6.1 --seed $SEED --iterations "*) true ;; *) false ;; esac; then
	ok "--file $f: reproduces invariant 6; the reproducer names the file"
else
	notok "--file $f (exit $rc)"; show $T/flat $T/err
fi
printf 'scenario x\nsummary s\ninvariant 1\nfrobnicate\n' >$T/bad.race
probelab race --file $T/bad.race --policy fixed --seconds 1 >$T/out 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "bad.race:4: unknown keyword 'frobnicate'" $T/out; then
	ok "--file with an unknown keyword: refused with its line, exit 2"
else
	notok "--file of a bad file (exit $rc)"; show $T/out
fi

probelab status >$T/out 2>&1
grep -q '^devices: 0' $T/out && ok "every run leaves the lab reset" ||
	{ notok "lab after the runs"; show $T/out; }
if dmesg | grep -Eq 'BUG:|WARNING:|Oops|general protection|Call Trace'; then
	notok "kernel log"; dmesg | grep -E -A5 'BUG:|WARNING:|Oops|general protection|Call Trace' | show
else
	ok "kernel log: no BUG, WARNING, Oops or Call Trace"
fi
echo "# total: $(( $(date +%s) - t0 )) s"
echo "1..$n"
[ $fail -eq 0 ]
