// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI IORT (Arm IO Remapping Table) parser, table revisions 0 (issue
 * A..D) to E.x, node types 0..7.
 *
 * Layout (Arm DEN 0049; ACPICA actbl2.h):
 *   0   ACPI header (36 bytes)
 *   36  u32 node count, 40 u32 node array offset, 44 u32 reserved
 *   node header: u8 type, u16 length, u8 revision, u32 identifier
 *                (reserved before table revision 3), u32 mapping count,
 *                u32 mapping offset (from the node start); data at 16
 *   ID mapping (20 bytes): u32 input base, u32 id count (IDs - 1),
 *                u32 output base, u32 output reference (table offset of
 *                the output node), u32 flags (bit 0 single mapping)
 *   0 ITS group:   u32 its count, u32 ids[count]
 *   1 named comp.: u32 node flags, u64 memory access properties, u8
 *                  memory address size limit, NUL-terminated name
 *   2 root complex: u64 memory access properties, u32 ATS attribute,
 *                  u32 segment, [u8 memory address size limit, u16 PASID
 *                  capabilities (rev >= 3), u8 reserved, u32 flags
 *                  (rev >= 4)] -- issue A/B nodes end after the segment
 *   3 SMMUv1/v2:   u64 base, u64 span, u32 model, u32 flags, u32 global
 *                  interrupt offset, u32 context interrupt count, u32 ...
 *                  offset, u32 PMU interrupt count, u32 ... offset
 *   4 SMMUv3:      u64 base, u32 flags, u32 reserved, u64 VATOS address,
 *                  u32 model, u32 event/pri/gerr/sync GSIVs, [u32 proximity
 *                  domain, u32 device ID mapping index]
 *   5 PMCG:        u64 page 0 base, u32 overflow GSIV, u32 node reference,
 *                  [u64 page 1 base]
 *   6 RMR:         u32 flags, u32 descriptor count, u32 descriptor offset;
 *                  descriptor: u64 base, u64 length, u32 reserved
 *   7 IWB:         u64 base, u16 IWB index, NUL-terminated name
 * Fields in [] are read only when the node has room for them before its
 * ID mappings (older layouts end earlier); absent fields read as zero.
 */
#include "fw_int.h"

#include <stdlib.h>
#include <string.h>

#define IORT_HDR_LEN 48
#define NODE_HDR_LEN 16
#define MAP_LEN 20

static const char *const iort_names[PL_IORT_NTYPES] = {
	[PL_IORT_ITS_GROUP] = "ITS_GROUP",
	[PL_IORT_NAMED_COMPONENT] = "NAMED_COMPONENT",
	[PL_IORT_ROOT_COMPLEX] = "ROOT_COMPLEX",
	[PL_IORT_SMMUV1V2] = "SMMUV1V2",
	[PL_IORT_SMMUV3] = "SMMUV3",
	[PL_IORT_PMCG] = "PMCG",
	[PL_IORT_RMR] = "RMR",
	[PL_IORT_IWB] = "IWB",
};

const char *pl_iort_type_name(unsigned int type)
{
	return type < PL_IORT_NTYPES ? iort_names[type] : "UNKNOWN";
}

static void node_release(struct pl_iort_node *n)
{
	free(n->maps);
	switch (n->type) {
	case PL_IORT_ITS_GROUP:
		free(n->u.its.ids);
		break;
	case PL_IORT_NAMED_COMPONENT:
		free(n->u.nc.device_name);
		break;
	case PL_IORT_SMMUV1V2:
		free(n->u.smmu.ctx_irqs);
		free(n->u.smmu.pmu_irqs);
		break;
	case PL_IORT_RMR:
		free(n->u.rmr.descs);
		break;
	case PL_IORT_IWB:
		free(n->u.iwb.device_name);
		break;
	default:
		break;
	}
}

void pl_iort_free(struct pl_iort *iort)
{
	size_t i;

	if (!iort)
		return;
	for (i = 0; iort->nodes && i < iort->nnodes; i++)
		node_release(&iort->nodes[i]);
	free(iort->nodes);
	free(iort);
}

long pl_iort_node_at(const struct pl_iort *iort, uint32_t ref)
{
	size_t lo = 0, hi = iort->nnodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (iort->nodes[mid].offset == ref)
			return (long)mid;
		if (iort->nodes[mid].offset < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * End of the node's type-specific area: where the ID mappings start when
 * there are any, else the node end.
 */
static size_t area_end(const struct pl_iort_node *n)
{
	if (n->mapping_count && n->mapping_offset < n->length)
		return n->mapping_offset;
	return n->length;
}

static int need_len(const struct plfw_cur *nc, const struct pl_iort_node *n,
		    size_t need)
{
	if (n->length < need)
		return plfw_fail(nc->diag, -EINVAL, nc->start + 1, "node.length",
				 "%s node at 0x%zX has length 0x%X, below the 0x%zX bytes of its fields",
				 pl_iort_type_name(n->type), n->offset, n->length,
				 need);
	return 0;
}

/*
 * An array of @count entries of @esize bytes at node offset @off, which
 * must not overlap the fields before @min_off.  The node fields holding
 * the offset and the count are at @off_at and @count_at (0: no count
 * field); a diagnostic names the one at fault.
 */
static int node_array(const struct plfw_cur *nc, const struct pl_iort_node *n,
		      uint32_t off, uint32_t count, size_t esize, size_t min_off,
		      size_t off_at, const char *off_field, size_t count_at,
		      const char *count_field, const char *what,
		      struct plfw_cur *ac)
{
	if (!count)
		return plfw_cur_sub(nc, 0, 0, what, off_field, ac);
	if (off < min_off || off > n->length)
		return plfw_fail(nc->diag, -EINVAL, nc->start + off_at, off_field,
				 "%s node at 0x%zX: %s offset 0x%X is outside 0x%zX..0x%X",
				 pl_iort_type_name(n->type), n->offset, what, off,
				 min_off, n->length);
	if ((uint64_t)count * esize > (uint64_t)n->length - off)
		return plfw_fail(nc->diag, -EINVAL,
				 nc->start + (count_at ? count_at : off_at),
				 count_at ? count_field : off_field,
				 "%s node at 0x%zX: %s of %u entries at 0x%X runs past the node length 0x%X",
				 pl_iort_type_name(n->type), n->offset, what,
				 count, off, n->length);
	return plfw_cur_sub(nc, off, (uint64_t)count * esize, what, off_field,
			    ac);
}

static int irqs_parse(const struct plfw_cur *nc, struct pl_iort_node *n,
		      uint32_t off, uint32_t count, size_t off_at,
		      const char *field, size_t count_at,
		      const char *count_field, const char *what,
		      struct pl_iort_irq **out)
{
	struct plfw_cur ac;
	uint32_t i;
	int rc;

	rc = node_array(nc, n, off, count, 8, 60, off_at, field, count_at,
			count_field, what, &ac);
	if (rc)
		return rc;
	*out = plfw_calloc(count, sizeof(**out));
	if (!*out)
		return plfw_fail(nc->diag, -ENOMEM, nc->start, field, "out of memory");
	for (i = 0; i < count; i++) {
		rc = plfw_cur_u32(&ac, 8 * (size_t)i, field, &(*out)[i].gsiv);
		if (!rc)
			rc = plfw_cur_u32(&ac, 8 * (size_t)i + 4, field,
					  &(*out)[i].flags);
		if (rc)
			return rc;
	}
	return 0;
}

static int its_fields(const struct plfw_cur *nc, struct pl_iort_node *n,
		      size_t *fixed_end)
{
	struct plfw_cur ac;
	uint32_t i;
	int rc;

	rc = need_len(nc, n, 20);
	if (!rc)
		rc = plfw_cur_u32(nc, 16, "ITS_GROUP.its_count", &n->u.its.count);
	if (rc)
		return rc;
	if (n->u.its.count == 0)
		return plfw_fail(nc->diag, -EINVAL, nc->start + 16,
				 "ITS_GROUP.its_count",
				 "ITS group node at 0x%zX lists no ITS", n->offset);
	if ((uint64_t)n->u.its.count * 4 > (uint64_t)n->length - 20)
		return plfw_fail(nc->diag, -EINVAL, nc->start + 16,
				 "ITS_GROUP.its_count",
				 "ITS group node at 0x%zX: %u identifiers do not fit in its length 0x%X",
				 n->offset, n->u.its.count, n->length);
	rc = plfw_cur_sub(nc, 20, (uint64_t)n->u.its.count * 4,
			  "ITS identifier array", "ITS_GROUP.its_count", &ac);
	if (rc)
		return rc;
	n->u.its.ids = plfw_calloc(n->u.its.count, sizeof(uint32_t));
	if (!n->u.its.ids)
		return plfw_fail(nc->diag, -ENOMEM, nc->start, "ITS_GROUP",
				 "out of memory");
	for (i = 0; i < n->u.its.count; i++) {
		rc = plfw_cur_u32(&ac, 4 * (size_t)i, "ITS_GROUP.its_ids",
				  &n->u.its.ids[i]);
		if (rc)
			return rc;
	}
	*fixed_end = 20 + 4 * (size_t)n->u.its.count;
	if (n->mapping_count)
		return plfw_fail(nc->diag, -EINVAL, nc->start + 8,
				 "node.mapping_count",
				 "ITS group node at 0x%zX has %u ID mappings; ITS groups have none",
				 n->offset, n->mapping_count);
	return 0;
}

/* Named component and IWB: a NUL-terminated name at @name_at. */
static int node_name(const struct plfw_cur *nc, struct pl_iort_node *n,
		     size_t name_at, const char *field, char **name,
		     size_t *fixed_end)
{
	struct plfw_cur ac;
	int rc;

	if (n->mapping_count && n->mapping_offset < name_at + 1)
		return plfw_fail(nc->diag, -EINVAL, nc->start + 12,
				 "node.mapping_offset",
				 "%s node at 0x%zX: mapping offset 0x%X overlaps the device name at 0x%zX",
				 pl_iort_type_name(n->type), n->offset,
				 n->mapping_offset, name_at);
	rc = plfw_cur_sub(nc, 0, area_end(n), "node fields before the ID mappings",
			  "node.mapping_offset", &ac);
	if (!rc)
		rc = plfw_cur_cstr(&ac, name_at, field, false, name);
	if (rc)
		return rc;
	*fixed_end = name_at + strlen(*name) + 1;
	return 0;
}

static int nc_fields(const struct plfw_cur *nc, struct pl_iort_node *n,
		     size_t *fixed_end)
{
	int rc;

	rc = need_len(nc, n, 30);
	if (!rc)
		rc = plfw_cur_u32(nc, 16, "NAMED_COMPONENT.node_flags",
				  &n->u.nc.node_flags);
	if (!rc)
		rc = plfw_cur_u32(nc, 20, "NAMED_COMPONENT.memory_properties",
				  &n->u.nc.cca);
	if (!rc)
		rc = plfw_cur_u8(nc, 24, "NAMED_COMPONENT.memory_properties",
				 &n->u.nc.hints);
	if (!rc)
		rc = plfw_cur_u8(nc, 27, "NAMED_COMPONENT.memory_properties",
				 &n->u.nc.mem_flags);
	if (!rc)
		rc = plfw_cur_u8(nc, 28, "NAMED_COMPONENT.memory_size_limit",
				 &n->u.nc.memory_address_limit);
	if (rc)
		return rc;
	return node_name(nc, n, 29, "NAMED_COMPONENT.device_name",
			 &n->u.nc.device_name, fixed_end);
}

static int rc_fields(const struct plfw_cur *nc, struct pl_iort_node *n,
		     size_t *fixed_end)
{
	int rc;

	rc = need_len(nc, n, 32);
	if (!rc)
		rc = plfw_cur_u32(nc, 16, "ROOT_COMPLEX.memory_properties",
				  &n->u.rc.cca);
	if (!rc)
		rc = plfw_cur_u8(nc, 20, "ROOT_COMPLEX.memory_properties",
				 &n->u.rc.hints);
	if (!rc)
		rc = plfw_cur_u8(nc, 23, "ROOT_COMPLEX.memory_properties",
				 &n->u.rc.mem_flags);
	if (!rc)
		rc = plfw_cur_u32(nc, 24, "ROOT_COMPLEX.ats_attribute",
				  &n->u.rc.ats_attribute);
	if (!rc)
		rc = plfw_cur_u32(nc, 28, "ROOT_COMPLEX.segment", &n->u.rc.segment);
	if (rc)
		return rc;
	/*
	 * Issue A/B root complexes end at the segment number (real tables
	 * put their ID mappings at 0x20): later fields are read only when
	 * the node has room for them before its mappings.
	 */
	*fixed_end = 32;
	if (area_end(n) >= 33) {
		rc = plfw_cur_u8(nc, 32, "ROOT_COMPLEX.memory_size_limit",
				 &n->u.rc.memory_address_limit);
		n->u.rc.has_memory_address_limit = true;
		*fixed_end = 33;
	}
	if (!rc && n->revision >= 3 && area_end(n) >= 35) {
		rc = plfw_cur_u16(nc, 33, "ROOT_COMPLEX.pasid_capabilities",
				  &n->u.rc.pasid_capabilities);
		n->u.rc.has_pasid_capabilities = true;
		*fixed_end = 35;
	}
	if (area_end(n) >= 36)
		*fixed_end = 36;
	if (!rc && n->revision >= 4 && area_end(n) >= 40) {
		rc = plfw_cur_u32(nc, 36, "ROOT_COMPLEX.flags", &n->u.rc.flags);
		n->u.rc.has_flags = true;
		*fixed_end = 40;
	}
	return rc;
}

static int smmu_fields(const struct plfw_cur *nc, struct pl_iort_node *n,
		       size_t *fixed_end)
{
	struct plfw_cur ac;
	int rc;

	rc = need_len(nc, n, 60);
	if (!rc)
		rc = plfw_cur_u64(nc, 16, "SMMUV1V2.base", &n->u.smmu.base);
	if (!rc)
		rc = plfw_cur_u64(nc, 24, "SMMUV1V2.span", &n->u.smmu.span);
	if (!rc)
		rc = plfw_cur_u32(nc, 32, "SMMUV1V2.model", &n->u.smmu.model);
	if (!rc)
		rc = plfw_cur_u32(nc, 36, "SMMUV1V2.flags", &n->u.smmu.flags);
	if (!rc)
		rc = plfw_cur_u32(nc, 40, "SMMUV1V2.global_interrupt_offset",
				  &n->u.smmu.global_irq_offset);
	if (!rc)
		rc = plfw_cur_u32(nc, 44, "SMMUV1V2.context_interrupt_count",
				  &n->u.smmu.ctx_irq_count);
	if (!rc)
		rc = plfw_cur_u32(nc, 48, "SMMUV1V2.context_interrupt_offset",
				  &n->u.smmu.ctx_irq_offset);
	if (!rc)
		rc = plfw_cur_u32(nc, 52, "SMMUV1V2.pmu_interrupt_count",
				  &n->u.smmu.pmu_irq_count);
	if (!rc)
		rc = plfw_cur_u32(nc, 56, "SMMUV1V2.pmu_interrupt_offset",
				  &n->u.smmu.pmu_irq_offset);
	if (rc)
		return rc;
	*fixed_end = 60;
	rc = node_array(nc, n, n->u.smmu.global_irq_offset, 1, 16, 60, 40,
			"SMMUV1V2.global_interrupt_offset", 0, NULL,
			"global interrupt array", &ac);
	if (!rc)
		rc = plfw_cur_u32(&ac, 0, "SMMUV1V2.global_interrupt_offset",
				  &n->u.smmu.nsg_irpt.gsiv);
	if (!rc)
		rc = plfw_cur_u32(&ac, 4, "SMMUV1V2.global_interrupt_offset",
				  &n->u.smmu.nsg_irpt.flags);
	if (!rc)
		rc = plfw_cur_u32(&ac, 8, "SMMUV1V2.global_interrupt_offset",
				  &n->u.smmu.nsg_cfg_irpt.gsiv);
	if (!rc)
		rc = plfw_cur_u32(&ac, 12, "SMMUV1V2.global_interrupt_offset",
				  &n->u.smmu.nsg_cfg_irpt.flags);
	if (!rc)
		rc = irqs_parse(nc, n, n->u.smmu.ctx_irq_offset,
				n->u.smmu.ctx_irq_count, 48,
				"SMMUV1V2.context_interrupt_offset", 44,
				"SMMUV1V2.context_interrupt_count",
				"context interrupt array", &n->u.smmu.ctx_irqs);
	if (!rc)
		rc = irqs_parse(nc, n, n->u.smmu.pmu_irq_offset,
				n->u.smmu.pmu_irq_count, 56,
				"SMMUV1V2.pmu_interrupt_offset", 52,
				"SMMUV1V2.pmu_interrupt_count",
				"PMU interrupt array", &n->u.smmu.pmu_irqs);
	return rc;
}

static int smmuv3_fields(const struct plfw_cur *nc, struct pl_iort_node *n,
			 size_t *fixed_end)
{
	int rc;

	rc = need_len(nc, n, 60);
	if (!rc)
		rc = plfw_cur_u64(nc, 16, "SMMUV3.base", &n->u.smmuv3.base);
	if (!rc)
		rc = plfw_cur_u32(nc, 24, "SMMUV3.flags", &n->u.smmuv3.flags);
	if (!rc)
		rc = plfw_cur_u64(nc, 32, "SMMUV3.vatos_address",
				  &n->u.smmuv3.vatos_address);
	if (!rc)
		rc = plfw_cur_u32(nc, 40, "SMMUV3.model", &n->u.smmuv3.model);
	if (!rc)
		rc = plfw_cur_u32(nc, 44, "SMMUV3.event_gsiv",
				  &n->u.smmuv3.event_gsiv);
	if (!rc)
		rc = plfw_cur_u32(nc, 48, "SMMUV3.pri_gsiv", &n->u.smmuv3.pri_gsiv);
	if (!rc)
		rc = plfw_cur_u32(nc, 52, "SMMUV3.gerr_gsiv",
				  &n->u.smmuv3.gerr_gsiv);
	if (!rc)
		rc = plfw_cur_u32(nc, 56, "SMMUV3.sync_gsiv",
				  &n->u.smmuv3.sync_gsiv);
	if (rc)
		return rc;
	*fixed_end = 60;
	if (area_end(n) >= 68) {
		rc = plfw_cur_u32(nc, 60, "SMMUV3.proximity_domain",
				  &n->u.smmuv3.proximity_domain);
		if (!rc)
			rc = plfw_cur_u32(nc, 64, "SMMUV3.id_mapping_index",
					  &n->u.smmuv3.id_mapping_index);
		*fixed_end = 68;
	}
	return rc;
}

static int pmcg_fields(const struct plfw_cur *nc, struct pl_iort_node *n,
		       size_t *fixed_end)
{
	int rc;

	rc = need_len(nc, n, 32);
	if (!rc)
		rc = plfw_cur_u64(nc, 16, "PMCG.page0_base", &n->u.pmcg.page0_base);
	if (!rc)
		rc = plfw_cur_u32(nc, 24, "PMCG.overflow_gsiv",
				  &n->u.pmcg.overflow_gsiv);
	if (!rc)
		rc = plfw_cur_u32(nc, 28, "PMCG.node_reference",
				  &n->u.pmcg.node_reference);
	if (rc)
		return rc;
	n->u.pmcg.ref_node = -1;
	*fixed_end = 32;
	if (area_end(n) >= 40) {
		rc = plfw_cur_u64(nc, 32, "PMCG.page1_base", &n->u.pmcg.page1_base);
		*fixed_end = 40;
	}
	return rc;
}

static int rmr_fields(const struct plfw_cur *nc, struct pl_iort_node *n,
		      size_t *fixed_end)
{
	struct plfw_cur ac;
	uint32_t i;
	int rc;

	rc = need_len(nc, n, 28);
	if (!rc)
		rc = plfw_cur_u32(nc, 16, "RMR.flags", &n->u.rmr.flags);
	if (!rc)
		rc = plfw_cur_u32(nc, 20, "RMR.rmr_count", &n->u.rmr.desc_count);
	if (!rc)
		rc = plfw_cur_u32(nc, 24, "RMR.rmr_offset", &n->u.rmr.desc_offset);
	if (rc)
		return rc;
	*fixed_end = 28;
	if (n->u.rmr.desc_count == 0)
		return plfw_fail(nc->diag, -EINVAL, nc->start + 20, "RMR.rmr_count",
				 "RMR node at 0x%zX has no memory range descriptor",
				 n->offset);
	rc = node_array(nc, n, n->u.rmr.desc_offset, n->u.rmr.desc_count, 20, 28,
			24, "RMR.rmr_offset", 20, "RMR.rmr_count",
			"RMR descriptor array", &ac);
	if (rc)
		return rc;
	n->u.rmr.descs = plfw_calloc(n->u.rmr.desc_count, sizeof(*n->u.rmr.descs));
	if (!n->u.rmr.descs)
		return plfw_fail(nc->diag, -ENOMEM, nc->start, "RMR", "out of memory");
	for (i = 0; i < n->u.rmr.desc_count; i++) {
		struct pl_iort_rmr_desc *d = &n->u.rmr.descs[i];
		size_t at = 20 * (size_t)i;

		rc = plfw_cur_u64(&ac, at, "RMR.base", &d->base);
		if (!rc)
			rc = plfw_cur_u64(&ac, at + 8, "RMR.length", &d->length);
		if (rc)
			return rc;
		if (d->length == 0 || d->base + (d->length - 1) < d->base)
			return plfw_fail(nc->diag, -EINVAL, plfw_cur_abs(&ac, at + 8),
					 "RMR.length",
					 "RMR descriptor %u of the node at 0x%zX: range 0x%llX + 0x%llX is empty or wraps",
					 i, n->offset, (unsigned long long)d->base,
					 (unsigned long long)d->length);
	}
	return 0;
}

static int iwb_fields(const struct plfw_cur *nc, struct pl_iort_node *n,
		      size_t *fixed_end)
{
	int rc;

	rc = need_len(nc, n, 27);
	if (!rc)
		rc = plfw_cur_u64(nc, 16, "IWB.base", &n->u.iwb.base);
	if (!rc)
		rc = plfw_cur_u16(nc, 24, "IWB.iwb_index", &n->u.iwb.iwb_index);
	if (rc)
		return rc;
	return node_name(nc, n, 26, "IWB.device_name", &n->u.iwb.device_name,
			 fixed_end);
}

/*
 * Decode the type-specific fields; *fixed_end is set to the first node
 * offset the ID mappings may use.
 */
static int node_fields(const struct plfw_cur *nc, struct pl_iort_node *n,
		       size_t *fixed_end)
{
	*fixed_end = NODE_HDR_LEN;
	switch (n->type) {
	case PL_IORT_ITS_GROUP:
		return its_fields(nc, n, fixed_end);
	case PL_IORT_NAMED_COMPONENT:
		return nc_fields(nc, n, fixed_end);
	case PL_IORT_ROOT_COMPLEX:
		return rc_fields(nc, n, fixed_end);
	case PL_IORT_SMMUV1V2:
		return smmu_fields(nc, n, fixed_end);
	case PL_IORT_SMMUV3:
		return smmuv3_fields(nc, n, fixed_end);
	case PL_IORT_PMCG:
		return pmcg_fields(nc, n, fixed_end);
	case PL_IORT_RMR:
		return rmr_fields(nc, n, fixed_end);
	case PL_IORT_IWB:
		return iwb_fields(nc, n, fixed_end);
	default:
		return 0;	/* unknown type: header and mappings only */
	}
}

static int node_maps(const struct plfw_cur *nc, struct pl_iort_node *n,
		     size_t fixed_end)
{
	struct plfw_cur ac;
	uint32_t i;
	int rc;

	if (!n->mapping_count)
		return 0;
	if (n->mapping_offset < fixed_end)
		return plfw_fail(nc->diag, -EINVAL, nc->start + 12,
				 "node.mapping_offset",
				 "%s node at 0x%zX: mapping offset 0x%X overlaps its fields (ending at 0x%zX)",
				 pl_iort_type_name(n->type), n->offset,
				 n->mapping_offset, fixed_end);
	if (n->mapping_offset > n->length)
		return plfw_fail(nc->diag, -EINVAL, nc->start + 12,
				 "node.mapping_offset",
				 "%s node at 0x%zX: mapping offset 0x%X lies past the node length 0x%X",
				 pl_iort_type_name(n->type), n->offset,
				 n->mapping_offset, n->length);
	if ((uint64_t)n->mapping_offset + (uint64_t)n->mapping_count * MAP_LEN >
	    n->length)
		return plfw_fail(nc->diag, -EINVAL, nc->start + 8,
				 "node.mapping_count",
				 "%s node at 0x%zX: %u ID mappings at offset 0x%X run past the node length 0x%X",
				 pl_iort_type_name(n->type), n->offset,
				 n->mapping_count, n->mapping_offset, n->length);
	rc = plfw_cur_sub(nc, n->mapping_offset,
			  (uint64_t)n->mapping_count * MAP_LEN, "ID mapping array",
			  "node.mapping_offset", &ac);
	if (rc)
		return rc;
	n->maps = plfw_calloc(n->mapping_count, sizeof(*n->maps));
	if (!n->maps)
		return plfw_fail(nc->diag, -ENOMEM, nc->start, "map", "out of memory");
	for (i = 0; i < n->mapping_count; i++) {
		struct pl_iort_map *m = &n->maps[i];
		size_t at = (size_t)i * MAP_LEN;

		m->offset = plfw_cur_abs(&ac, at);
		rc = plfw_cur_u32(&ac, at, "map.input_base", &m->input_base);
		if (!rc)
			rc = plfw_cur_u32(&ac, at + 4, "map.id_count", &m->id_count);
		if (!rc)
			rc = plfw_cur_u32(&ac, at + 8, "map.output_base",
					  &m->output_base);
		if (!rc)
			rc = plfw_cur_u32(&ac, at + 12, "map.output_ref",
					  &m->output_ref);
		if (!rc)
			rc = plfw_cur_u32(&ac, at + 16, "map.flags", &m->flags);
		if (rc)
			return rc;
		if (m->flags & PL_IORT_MAP_SINGLE)
			continue;	/* id_count does not apply */
		if ((uint64_t)m->input_base + m->id_count > UINT32_MAX ||
		    (uint64_t)m->output_base + m->id_count > UINT32_MAX)
			return plfw_fail(nc->diag, -EINVAL, m->offset + 4,
					 "map.id_count",
					 "ID mapping at 0x%zX: input 0x%X or output 0x%X + 0x%X IDs wraps past 32 bits",
					 m->offset, m->input_base, m->output_base,
					 m->id_count);
	}
	return 0;
}

/* Whether Linux would use the SMMUv3 device ID mapping index (MSIs). */
static bool smmuv3_index_used(const struct pl_iort_node *n)
{
	bool all_wired = n->u.smmuv3.event_gsiv && n->u.smmuv3.pri_gsiv &&
			 n->u.smmuv3.gerr_gsiv && n->u.smmuv3.sync_gsiv;

	if (n->revision < 1)
		return false;
	if (n->revision < 5)
		return !all_wired;
	return n->u.smmuv3.flags & (1u << 4);	/* DeviceID valid */
}

/* Resolve and check every reference between nodes. */
static int iort_link(struct pl_iort *t, struct pl_fw_diag *diag)
{
	size_t i;
	uint32_t j;

	for (i = 0; i < t->nnodes; i++) {
		struct pl_iort_node *n = &t->nodes[i];

		for (j = 0; j < n->mapping_count; j++) {
			struct pl_iort_map *m = &n->maps[j];
			long k = pl_iort_node_at(t, m->output_ref);
			uint8_t tt;

			if (k < 0)
				return plfw_fail(diag, -EINVAL, m->offset + 12,
						 "map.output_ref",
						 "ID mapping at 0x%zX refers to 0x%X, which is not the offset of a node",
						 m->offset, m->output_ref);
			if ((size_t)k == i)
				return plfw_fail(diag, -EINVAL, m->offset + 12,
						 "map.output_ref",
						 "ID mapping at 0x%zX of the node at 0x%zX refers to that node itself",
						 m->offset, n->offset);
			tt = t->nodes[k].type;
			if (tt != PL_IORT_ITS_GROUP && tt != PL_IORT_SMMUV1V2 &&
			    tt != PL_IORT_SMMUV3)
				return plfw_fail(diag, -EINVAL, m->offset + 12,
						 "map.output_ref",
						 "ID mapping at 0x%zX outputs to the %s node at 0x%X; only ITS groups and SMMUs take IDs",
						 m->offset, pl_iort_type_name(tt),
						 m->output_ref);
			if ((n->type == PL_IORT_SMMUV1V2 || n->type == PL_IORT_SMMUV3 ||
			     n->type == PL_IORT_PMCG) && tt != PL_IORT_ITS_GROUP)
				return plfw_fail(diag, -EINVAL, m->offset + 12,
						 "map.output_ref",
						 "ID mapping at 0x%zX of the %s node at 0x%zX outputs to the %s node at 0x%X, not to an ITS group",
						 m->offset, pl_iort_type_name(n->type),
						 n->offset, pl_iort_type_name(tt),
						 m->output_ref);
			m->output_node = (size_t)k;
		}
		if (n->type == PL_IORT_SMMUV3 && n->mapping_count &&
		    smmuv3_index_used(n) &&
		    n->u.smmuv3.id_mapping_index >= n->mapping_count)
			return plfw_fail(diag, -EINVAL, n->offset + 64,
					 "SMMUV3.id_mapping_index",
					 "SMMUv3 node at 0x%zX: ID mapping index %u is not below its %u mappings",
					 n->offset, n->u.smmuv3.id_mapping_index,
					 n->mapping_count);
		if (n->type == PL_IORT_PMCG && n->u.pmcg.node_reference) {
			long k = pl_iort_node_at(t, n->u.pmcg.node_reference);

			if (k < 0 || (size_t)k == i)
				return plfw_fail(diag, -EINVAL, n->offset + 28,
						 "PMCG.node_reference",
						 "PMCG node at 0x%zX refers to 0x%X, which is not the offset of another node",
						 n->offset, n->u.pmcg.node_reference);
			n->u.pmcg.ref_node = k;
		}
	}
	return 0;
}

static int node_header(const struct plfw_cur *tc, size_t pos,
		       struct pl_iort_node *n)
{
	int rc;

	n->offset = pos;
	rc = plfw_cur_u8(tc, pos, "node.type", &n->type);
	if (!rc)
		rc = plfw_cur_u16(tc, pos + 1, "node.length", &n->length);
	if (!rc)
		rc = plfw_cur_u8(tc, pos + 3, "node.revision", &n->revision);
	if (!rc)
		rc = plfw_cur_u32(tc, pos + 4, "node.identifier", &n->identifier);
	if (!rc)
		rc = plfw_cur_u32(tc, pos + 8, "node.mapping_count",
				  &n->mapping_count);
	if (!rc)
		rc = plfw_cur_u32(tc, pos + 12, "node.mapping_offset",
				  &n->mapping_offset);
	if (rc)
		return rc;
	if (n->length < NODE_HDR_LEN)
		return plfw_fail(tc->diag, -EINVAL, pos + 1, "node.length",
				 "node at 0x%zX has length 0x%X < 0x10", pos,
				 n->length);
	if (n->length > plfw_cur_len(tc) - pos)
		return plfw_fail(tc->diag, -EINVAL, pos + 1, "node.length",
				 "node at 0x%zX of length 0x%X runs past the table end 0x%zX",
				 pos, n->length, plfw_cur_len(tc));
	return 0;
}

int pl_iort_parse(const void *buf, size_t len, struct pl_iort **out,
		  struct pl_fw_diag *diag)
{
	struct pl_iort *t;
	struct plfw_cur tc;
	size_t pos;
	int rc;

	plfw_diag_clear(diag);
	*out = NULL;
	if (!buf)
		len = 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return plfw_fail(diag, -ENOMEM, 0, "IORT", "out of memory");
	rc = plfw_acpi_header_parse(buf, len, "IORT", IORT_HDR_LEN, &t->hdr,
				    diag);
	if (rc)
		goto fail;
	tc = plfw_cur_init(buf, len, "IORT table", diag);
	rc = plfw_cur_u32(&tc, 36, "IORT.node_count", &t->node_count);
	if (!rc)
		rc = plfw_cur_u32(&tc, 40, "IORT.node_offset", &t->node_offset);
	if (rc)
		goto fail;
	t->has_identifiers = t->hdr.revision >= 3;
	if (t->node_count &&
	    (t->node_offset < IORT_HDR_LEN || t->node_offset > len)) {
		rc = plfw_fail(diag, -EINVAL, 40, "IORT.node_offset",
			       "node array offset 0x%X is not within 0x%X..0x%zX",
			       t->node_offset, IORT_HDR_LEN, len);
		goto fail;
	}
	if (t->node_count > PL_IORT_MAX_NODES) {
		rc = plfw_fail(diag, -E2BIG, 36, "IORT.node_count",
			       "%u nodes, more than the %u supported",
			       t->node_count, PL_IORT_MAX_NODES);
		goto fail;
	}
	if (t->node_count &&
	    t->node_count > (len - t->node_offset) / NODE_HDR_LEN) {
		rc = plfw_fail(diag, -EINVAL, 36, "IORT.node_count",
			       "%u nodes cannot fit in the 0x%zX bytes after the node array offset 0x%X",
			       t->node_count, len - t->node_offset,
			       t->node_offset);
		goto fail;
	}
	t->nodes = plfw_calloc(t->node_count, sizeof(*t->nodes));
	if (!t->nodes) {
		rc = plfw_fail(diag, -ENOMEM, 0, "IORT", "out of memory");
		goto fail;
	}
	pos = t->node_offset;
	while (t->nnodes < t->node_count) {
		struct pl_iort_node *n = &t->nodes[t->nnodes++];
		struct plfw_cur nc;
		size_t fixed_end, kind;

		if (len - pos < NODE_HDR_LEN) {
			rc = plfw_fail(diag, -EINVAL, pos, "IORT.node_count",
				       "node %zu of %u at 0x%zX: only %zu bytes left for a 16-byte node header",
				       t->nnodes - 1, t->node_count, pos,
				       len - pos);
			goto fail;
		}
		rc = node_header(&tc, pos, n);
		if (!rc)
			rc = plfw_cur_sub(&tc, pos, n->length, "node",
					  "node.length", &nc);
		if (rc)
			goto fail;
		kind = n->type < PL_IORT_NTYPES ? n->type : PL_IORT_NTYPES;
		t->count[kind]++;
		rc = node_fields(&nc, n, &fixed_end);
		if (!rc)
			rc = node_maps(&nc, n, fixed_end);
		if (rc)
			goto fail;
		t->nmaps += n->mapping_count;
		pos += n->length;
	}
	if (t->node_count && pos != len) {
		rc = plfw_fail(diag, -EINVAL, 36, "IORT.node_count",
			       "the %u nodes end at 0x%zX but the table is 0x%zX bytes long",
			       t->node_count, pos, len);
		goto fail;
	}
	rc = iort_link(t, diag);
	if (rc)
		goto fail;
	*out = t;
	return 0;
fail:
	pl_iort_free(t);
	return rc;
}
