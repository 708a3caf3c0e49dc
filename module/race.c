// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the kernel side of the race engine - kernel threads that run
 * an actor against one device for a while, reaching windows userspace
 * cannot: PROBELAB_RACE_OF_CONFIGURE calls the policy's firmware step of
 * dma_configure without the device lock, as the drivers that call
 * of_dma_configure() themselves do (the Asahi DART crash, Nov 2023).
 * PROBELAB_RACE_DMA_MAP maps and unmaps one buffer through the lab
 * dma_ops in a loop (`probelab bench map`: their cost without a syscall
 * per mapping).
 * The op blocks until the threads are done; userspace drives the other
 * side of the race from its own threads meanwhile.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "probelab.h"

/**
 * struct pl_race - one RACE op in progress
 * @pdev: the device (a reference is held)
 * @actor: PROBELAB_RACE_*
 * @deadline: jiffies when the threads stop
 * @iterations: per-thread limit, 0 for none
 * @map_size: DMA_MAP: bytes per mapping
 * @page: DMA_MAP: the buffer the threads map (order get_order(@map_size))
 * @cycles: steps run by all threads (each adds its own when it ends)
 * @map_errors: DMA_MAP: dma_map_page() failures
 * @running: threads still running
 * @done: completed by the last thread
 */
struct pl_race {
	struct pl_dev *pdev;
	u32 actor;
	unsigned long deadline;
	u64 iterations;
	u32 map_size;
	struct page *page;
	atomic64_t cycles;
	atomic64_t map_errors;
	atomic_t running;
	struct completion done;
};

/* One DMA_MAP step: map @race->page for the device, unmap it. */
static void pl_race_dma_map(struct pl_race *race)
{
	struct device *dev = &race->pdev->dev;
	dma_addr_t handle;

	handle = dma_map_page(dev, race->page, 0, race->map_size,
			      DMA_BIDIRECTIONAL);
	if (dma_mapping_error(dev, handle)) {
		atomic64_inc(&race->map_errors);
		return;
	}
	dma_unmap_page(dev, handle, race->map_size, DMA_BIDIRECTIONAL);
}

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
		case PROBELAB_RACE_DMA_MAP:
			pl_race_dma_map(race);
			break;
		}
		n++;
		cond_resched();
	}
	/* once, not per step: a shared counter would serialise the threads */
	atomic64_add(n, &race->cycles);
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

/*
 * The RACE arguments: a known actor, the thread and time bounds, the out
 * fields zero, and @map_size for DMA_MAP only (a power of two, 4K..2M).
 */
static int pl_race_check(const struct probelab_race *cmd)
{
	if (cmd->actor != PROBELAB_RACE_OF_CONFIGURE &&
	    cmd->actor != PROBELAB_RACE_DMA_MAP) {
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
	if (cmd->map_errors) {
		pr_notice_ratelimited("RACE: map_errors is an out field: must be 0\n");
		return -EINVAL;
	}
	if (cmd->actor != PROBELAB_RACE_DMA_MAP && cmd->map_size) {
		pr_notice_ratelimited("RACE: map_size %u is for the DMA_MAP actor only\n",
				      cmd->map_size);
		return -EINVAL;
	}
	if (cmd->actor == PROBELAB_RACE_DMA_MAP &&
	    (!is_power_of_2(cmd->map_size) ||
	     cmd->map_size < PROBELAB_RACE_MAP_MIN ||
	     cmd->map_size > PROBELAB_RACE_MAP_MAX)) {
		pr_notice_ratelimited("RACE: DMA_MAP map_size %u: not a power of two in %u..%u\n",
				      cmd->map_size, PROBELAB_RACE_MAP_MIN,
				      PROBELAB_RACE_MAP_MAX);
		return -EINVAL;
	}
	return 0;
}

/*
 * DMA_MAP: the buffer, and the device's driver kept bound - the device
 * lock held until pl_race_dma_end() - with the lab dma_ops in place, so
 * that the domain they map into lives while the threads run.  The device
 * lock is taken before the lab lock, as the driver core's probe does.
 */
static int pl_race_dma_begin(struct pl_race *race)
{
	struct device *dev = &race->pdev->dev;
	bool ready;
	int ret;

	race->page = alloc_pages(GFP_KERNEL, get_order(race->map_size));
	if (!race->page)
		return -ENOMEM;
	ret = device_lock_interruptible(dev);
	if (ret)
		goto err_free_pages;
	mutex_lock(&pl_lab.lock);
	ready = dev->driver && race->pdev->dma_domain &&
		get_dma_ops(dev) == &pl_dma_ops;
	mutex_unlock(&pl_lab.lock);
	if (!ready) {
		pr_notice_ratelimited("RACE: DMA_MAP: device %u is not bound to a DMA-API lab driver with the lab dma_ops\n",
				      race->pdev->id);
		ret = -EINVAL;
		goto err_unlock_device;
	}
	return 0;

err_unlock_device:
	device_unlock(dev);
err_free_pages:
	__free_pages(race->page, get_order(race->map_size));
	race->page = NULL;
	return ret;
}

static void pl_race_dma_end(struct pl_race *race)
{
	device_unlock(&race->pdev->dev);
	__free_pages(race->page, get_order(race->map_size));
	race->page = NULL;
}

int pl_op_race(struct probelab_ucmd *ucmd)
{
	struct probelab_race *cmd = &ucmd->cmd->race;
	struct task_struct *tasks[PROBELAB_RACE_MAX_THREADS];
	struct pl_race race = {};
	u64 before;
	u32 i, started = 0;
	int ret;

	ret = pl_race_check(cmd);
	if (ret)
		return ret;
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
	race.map_size = cmd->map_size;
	if (race.actor == PROBELAB_RACE_DMA_MAP) {
		ret = pl_race_dma_begin(&race);
		if (ret)
			goto out_end_race;
	}
	race.deadline = jiffies + msecs_to_jiffies(cmd->duration_ms);
	atomic64_set(&race.cycles, 0);
	atomic64_set(&race.map_errors, 0);
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
	if (race.actor == PROBELAB_RACE_DMA_MAP)
		pl_race_dma_end(&race);
out_end_race:
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
	cmd->map_errors = min_t(u64, atomic64_read(&race.map_errors), U32_MAX);
	return probelab_respond(ucmd, sizeof(*cmd));
}
