// SPDX-License-Identifier: GPL-2.0
/*
 * probelab core: the DMA ownership state machine (see owner_sm.h).
 */
#include "owner_sm.h"

int pl_own_use(struct pl_own *o, bool on_default)
{
	if (o->owner_cnt && (o->owner || !on_default))
		return -EBUSY;
	o->owner_cnt++;
	return 0;
}

int pl_own_unuse(struct pl_own *o)
{
	if (!o->owner_cnt || o->owner)
		return -EINVAL;
	o->owner_cnt--;
	return 0;
}

/* __iommu_take_dma_ownership() */
static int pl_own_take(struct pl_own *o, const void *token, bool on_default,
		       enum pl_own_action *act)
{
	if (!on_default)
		return -EBUSY;
	o->owner = token;
	o->owner_cnt = 1;
	*act = PL_OWN_TO_BLOCKING;
	return 0;
}

int pl_own_claim_group(struct pl_own *o, const void *token, bool on_default,
		       enum pl_own_action *act)
{
	int ret;

	*act = PL_OWN_KEEP;
	if (!token)
		return -EINVAL;
	if (o->owner_cnt)
		return -EBUSY;
	ret = pl_own_take(o, token, on_default, act);
	if (!ret)
		o->group_claimed = true;
	return ret;
}

int pl_own_claim_device(struct pl_own *o, const void *token, bool on_default,
			enum pl_own_action *act)
{
	*act = PL_OWN_KEEP;
	if (!token)
		return -EINVAL;
	if (o->owner_cnt) {
		if (o->owner != token)
			return -EBUSY;
		o->owner_cnt++;
		return 0;
	}
	return pl_own_take(o, token, on_default, act);
}

/* One claim fewer; the last one gives the group back. */
static void pl_own_drop(struct pl_own *o, enum pl_own_action *act)
{
	if (--o->owner_cnt)
		return;
	o->owner = NULL;
	o->group_claimed = false;
	*act = PL_OWN_TO_DEFAULT;
}

int pl_own_release_group(struct pl_own *o, const void *token,
			 enum pl_own_action *act)
{
	*act = PL_OWN_KEEP;
	if (!token || o->owner != token || !o->group_claimed)
		return -EINVAL;
	o->group_claimed = false;
	pl_own_drop(o, act);
	return 0;
}

int pl_own_release_device(struct pl_own *o, const void *token,
			  u32 *dev_claims, enum pl_own_action *act)
{
	*act = PL_OWN_KEEP;
	if (!token || o->owner != token || !*dev_claims || !o->owner_cnt)
		return -EINVAL;
	(*dev_claims)--;
	pl_own_drop(o, act);
	return 0;
}

enum pl_own_action pl_own_release_all(struct pl_own *o, const void *token)
{
	if (!token || o->owner != token)
		return PL_OWN_KEEP;
	o->owner = NULL;
	o->owner_cnt = 0;
	o->group_claimed = false;
	return PL_OWN_TO_DEFAULT;
}
