/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab core: the DMA ownership state machine of an IOMMU group, with
 * mainline iommu.c's rules (iommu_device_use_default_domain(),
 * iommu_group_claim_dma_owner(), iommu_device_claim_dma_owner() and their
 * releases).  Pure state transitions: the caller holds whatever lock
 * protects the group and carries out the domain change an operation asks
 * for.
 */
#ifndef _PROBELAB_CORE_OWNER_SM_H
#define _PROBELAB_CORE_OWNER_SM_H

#include "compat.h"

/**
 * struct pl_own - a group's DMA ownership
 * @owner_cnt: bound DMA-API drivers (@owner NULL), or explicit claims by
 *	@owner (one for a group claim, one per device claim)
 * @owner: the explicit owner's token, NULL when none
 * @group_claimed: @owner holds a group (VFIO-style) claim
 */
struct pl_own {
	u32 owner_cnt;
	const void *owner;
	bool group_claimed;
};

/* What the caller must do to the group's domain after an operation. */
enum pl_own_action {
	PL_OWN_KEEP,		/* nothing */
	PL_OWN_TO_BLOCKING,	/* first claim: attach the blocking domain */
	PL_OWN_TO_DEFAULT,	/* last release: attach the default domain */
};

/**
 * pl_own_use() - a DMA-API driver binds in the group
 * @o: the group's ownership
 * @on_default: the group is attached to its default domain
 *
 * Return: 0 (counted), or -EBUSY when the group is owned explicitly or,
 * with other owners, off its default domain.
 */
int pl_own_use(struct pl_own *o, bool on_default);

/**
 * pl_own_unuse() - a DMA-API driver unbinds
 * @o: the group's ownership
 *
 * Return: 0, or -EINVAL when no DMA-API owner is counted (a bug).
 */
int pl_own_unuse(struct pl_own *o);

/**
 * pl_own_claim_group() - explicit claim of the whole group
 * @o: the group's ownership
 * @token: the claimant, not NULL
 * @on_default: the group is attached to its default domain
 * @act: receives the domain change to make
 *
 * Return: 0, -EBUSY when any owner exists or the group is off its default
 * domain, -EINVAL for a NULL token.
 */
int pl_own_claim_group(struct pl_own *o, const void *token, bool on_default,
		       enum pl_own_action *act);

/**
 * pl_own_claim_device() - explicit claim of one device of the group
 * @o: the group's ownership
 * @token: the claimant, not NULL
 * @on_default: the group is attached to its default domain
 * @act: receives the domain change to make
 *
 * Device claims by one token are counted; the first one takes the group.
 * Return: 0, -EBUSY when another owner (or a DMA-API driver) holds it or
 * the group is off its default domain, -EINVAL for a NULL token.
 */
int pl_own_claim_device(struct pl_own *o, const void *token, bool on_default,
			enum pl_own_action *act);

/**
 * pl_own_release_group() - release a group claim
 * @o: the group's ownership
 * @token: the releasing token
 * @act: receives the domain change to make
 *
 * Return: 0, or -EINVAL when @token holds no group claim.
 */
int pl_own_release_group(struct pl_own *o, const void *token,
			 enum pl_own_action *act);

/**
 * pl_own_release_device() - release one device claim
 * @o: the group's ownership
 * @token: the releasing token
 * @dev_claims: the device's claim count, decremented
 * @act: receives the domain change to make
 *
 * Return: 0, or -EINVAL when @token holds no claim on that device.
 */
int pl_own_release_device(struct pl_own *o, const void *token,
			  u32 *dev_claims, enum pl_own_action *act);

/**
 * pl_own_release_all() - the owner's token is gone (file closed)
 * @o: the group's ownership
 * @token: the token
 *
 * Return: PL_OWN_TO_DEFAULT when @token owned the group (every claim is
 * dropped), PL_OWN_KEEP otherwise.
 */
enum pl_own_action pl_own_release_all(struct pl_own *o, const void *token);

#endif /* _PROBELAB_CORE_OWNER_SM_H */
