// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the kernel side of the race engine - kernel threads that run
 * an actor against one device for a while, reaching windows userspace
 * cannot: PROBELAB_RACE_OF_CONFIGURE calls the policy's firmware step of
 * dma_configure without the device lock, as the drivers that call
 * of_dma_configure() themselves do (the Asahi DART crash, Nov 2023).
 * The op blocks until the threads are done; userspace drives the other
 * side of the race from its own threads meanwhile.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "probelab.h"

/**
 * struct pl_race - one RACE op in progress
 * @pdev: the device (a reference is held)
 * @actor: PROBELAB_RACE_*
 * @deadline: jiffies when the threads stop
 * @iterations: per-thread limit, 0 for none
 * @cycles: steps run by all threads
 * @running: threads still running
 * @done: completed by the last thread
 */
struct pl_race {
	struct pl_dev *pdev;
	u32 actor;
	unsigned long deadline;
	u64 iterations;
	atomic64_t cycles;
	atomic_t running;
	struct completion done;
};

static int pl_race_thread(void *data)
{
	struct pl_race *race = data;
	u64 n = 0;

	while (!kthread_should_stop() && time_before(jiffies, race->deadline) &&
	       (!race->iterations || n < race->iterations)) {
		switch (race->actor) {
		case PROBELAB_RACE_OF_CONFIGURE:
			pl_policy()->of_configure(race->pdev);
			break;
		}
		n++;
		atomic64_inc(&race->cycles);
		cond_resched();
	}
	if (atomic_dec_and_test(&race->running))
		complete(&race->done);
	/* stay until kthread_stop(), so that the op can always stop us */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

int pl_op_race(struct probelab_ucmd *ucmd)
{
	struct probelab_race *cmd = &ucmd->cmd->race;
	struct task_struct *tasks[PROBELAB_RACE_MAX_THREADS];
	struct pl_race race = {};
	u64 before;
	u32 i, started = 0;
	int ret = 0;

	if (cmd->actor != PROBELAB_RACE_OF_CONFIGURE) {
		pr_notice_ratelimited("RACE: unknown actor %u\n", cmd->actor);
		return -EINVAL;
	}
	if (!cmd->threads || cmd->threads > PROBELAB_RACE_MAX_THREADS ||
	    !cmd->duration_ms || cmd->duration_ms > PROBELAB_RACE_MAX_MS ||
	    cmd->cycles || cmd->violations) {
		pr_notice_ratelimited("RACE: %u threads for %u ms: outside 1..%u threads, 1..%u ms\n",
				      cmd->threads, cmd->duration_ms,
				      PROBELAB_RACE_MAX_THREADS,
				      PROBELAB_RACE_MAX_MS);
		return -EINVAL;
	}
	race.pdev = pl_dev_find_get(cmd->dev_id);
	if (!race.pdev)
		return -ENOENT;
	/* reset waits for the threads before it drops the description */
	mutex_lock(&pl_lab.lock);
	if (pl_lab.changing) {
		mutex_unlock(&pl_lab.lock);
		put_device(&race.pdev->dev);
		pr_notice_ratelimited("RACE: refused while FW_LOAD or LAB_RESET runs\n");
		return -EBUSY;
	}
	if (pl_lab.bare) {
		mutex_unlock(&pl_lab.lock);
		put_device(&race.pdev->dev);
		pr_notice_ratelimited("RACE: a bare lab (FW_LOAD_BARE) has no IOMMU layer to race\n");
		return -EINVAL;
	}
	pl_lab.nr_races++;
	mutex_unlock(&pl_lab.lock);
	race.actor = cmd->actor;
	race.iterations = cmd->iterations;
	race.deadline = jiffies + msecs_to_jiffies(cmd->duration_ms);
	atomic64_set(&race.cycles, 0);
	atomic_set(&race.running, cmd->threads);
	init_completion(&race.done);
	before = atomic64_read(&pl_lab.violations);

	for (i = 0; i < cmd->threads; i++) {
		tasks[i] = kthread_run(pl_race_thread, &race, "probelab-race/%u",
				       i);
		if (IS_ERR(tasks[i])) {
			ret = PTR_ERR(tasks[i]);
			break;
		}
		started++;
	}
	/* threads that were never started will not count down */
	for (i = started; i < cmd->threads; i++)
		if (atomic_dec_and_test(&race.running))
			complete(&race.done);
	if (started)
		wait_for_completion_killable(&race.done);
	for (i = 0; i < started; i++)
		kthread_stop(tasks[i]);
	mutex_lock(&pl_lab.lock);
	pl_lab.nr_races--;
	pl_lab_settled();
	mutex_unlock(&pl_lab.lock);
	put_device(&race.pdev->dev);
	if (ret)
		return ret;

	pl_report_flush();
	cmd->cycles = atomic64_read(&race.cycles);
	cmd->violations = atomic64_read(&pl_lab.violations) - before;
	return probelab_respond(ucmd, sizeof(*cmd));
}
