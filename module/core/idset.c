// SPDX-License-Identifier: GPL-2.0
/*
 * probelab core: ID sets of one device on one instance (idset.h).
 */
#include "idset.h"

bool pl_ids_overlap(const u32 *a, const u32 *amask, u32 na,
		    const u32 *b, const u32 *bmask, u32 nb)
{
	u32 i, j;

	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (pl_id_overlap(a[i], amask ? amask[i] : 0,
					  b[j], bmask ? bmask[j] : 0))
				return true;
	return false;
}

bool pl_ids_contain(const u32 *ids, u32 n, u32 id)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}
