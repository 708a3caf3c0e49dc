// SPDX-License-Identifier: GPL-2.0
/*
 * The canonical dump: one record a line, as specified in
 * docs/fw-dump-format.md (and ../shared/firmware/README.md, "expect.txt
 * formats", which it extends with PMCG, RMR, IWB and reserved records).
 */
#include "fw_int.h"

#include <stdlib.h>

static int out_status(FILE *out)
{
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}

/* ------------------------------------------------------------------ DMAR */

static void dmar_scope(FILE *out, const struct pl_dmar_scope *s)
{
	size_t i;

	fprintf(out, "  scope type=%u(%s) enumeration_id=%u start_bus=0x%02X path=",
		s->type, pl_dmar_scope_type_name(s->type), s->enumeration_id,
		s->start_bus);
	for (i = 0; i < s->nhops; i++)
		fprintf(out, "%s%02x.%x", i ? "/" : "", s->hops[i].device,
			s->hops[i].function);
	fprintf(out, " first_hop_bdf=%02x:%02x.%x flags=0x%02X\n", s->start_bus,
		s->hops[0].device, s->hops[0].function, s->flags);
}

int pl_dmar_print(const struct pl_dmar *d, FILE *out)
{
	size_t i, j;

	fprintf(out, "table DMAR revision=%u length=0x%X oem_id=", d->hdr.revision,
		d->hdr.length);
	plfw_put_quoted(out, d->hdr.oem_id);
	fputs(" oem_table_id=", out);
	plfw_put_quoted(out, d->hdr.oem_table_id);
	fprintf(out, " host_address_width=%u flags=0x%02X\n",
		d->host_address_width, d->flags);
	fprintf(out, "counts DRHD=%zu RMRR=%zu ATSR=%zu RHSA=%zu ANDD=%zu SATC=%zu SIDP=%zu\n",
		d->count[PL_DMAR_DRHD], d->count[PL_DMAR_RMRR],
		d->count[PL_DMAR_ATSR], d->count[PL_DMAR_RHSA],
		d->count[PL_DMAR_ANDD], d->count[PL_DMAR_SATC],
		d->count[PL_DMAR_SIDP]);
	for (i = 0; i < d->nunits; i++) {
		const struct pl_dmar_unit *u = &d->units[i];

		switch (u->type) {
		case PL_DMAR_DRHD:
			fprintf(out, "drhd index=%zu offset=0x%zX segment=%u register_base=0x%016llX flags=0x%02X include_pci_all=%u size_field=0x%02X scopes=%zu\n",
				u->index, u->offset, u->u.drhd.segment,
				(unsigned long long)u->u.drhd.register_base,
				u->u.drhd.flags,
				u->u.drhd.flags & PL_DMAR_DRHD_INCLUDE_PCI_ALL,
				u->u.drhd.size, u->nscopes);
			break;
		case PL_DMAR_RMRR:
			fprintf(out, "rmrr index=%zu offset=0x%zX segment=%u base=0x%016llX limit=0x%016llX scopes=%zu\n",
				u->index, u->offset, u->u.rmrr.segment,
				(unsigned long long)u->u.rmrr.base,
				(unsigned long long)u->u.rmrr.limit, u->nscopes);
			break;
		case PL_DMAR_ATSR:
			fprintf(out, "atsr index=%zu offset=0x%zX segment=%u flags=0x%02X all_ports=%u scopes=%zu\n",
				u->index, u->offset, u->u.atsr.segment,
				u->u.atsr.flags,
				u->u.atsr.flags & PL_DMAR_ATSR_ALL_PORTS,
				u->nscopes);
			break;
		case PL_DMAR_RHSA:
			fprintf(out, "rhsa index=%zu offset=0x%zX register_base=0x%016llX proximity_domain=%u\n",
				u->index, u->offset,
				(unsigned long long)u->u.rhsa.register_base,
				u->u.rhsa.proximity_domain);
			break;
		case PL_DMAR_ANDD:
			fprintf(out, "andd index=%zu offset=0x%zX device_number=%u name=",
				u->index, u->offset, u->u.andd.device_number);
			plfw_put_quoted(out, u->u.andd.name);
			fputc('\n', out);
			break;
		case PL_DMAR_SATC:
			fprintf(out, "satc index=%zu offset=0x%zX segment=%u flags=0x%02X atc_required=%u scopes=%zu\n",
				u->index, u->offset, u->u.satc.segment,
				u->u.satc.flags,
				u->u.satc.flags & PL_DMAR_SATC_ATC_REQUIRED,
				u->nscopes);
			break;
		case PL_DMAR_SIDP:
			fprintf(out, "sidp index=%zu offset=0x%zX segment=%u scopes=%zu\n",
				u->index, u->offset, u->u.sidp.segment,
				u->nscopes);
			break;
		default:
			fprintf(out, "reserved index=%zu offset=0x%zX type=%u length=0x%X\n",
				u->index, u->offset, u->type, u->length);
			break;
		}
		for (j = 0; j < u->nscopes; j++)
			dmar_scope(out, &u->scopes[j]);
	}
	return out_status(out);
}

/* ------------------------------------------------------------------ IORT */

static void iort_fields(FILE *out, const struct pl_iort_node *n)
{
	uint32_t i;

	switch (n->type) {
	case PL_IORT_ITS_GROUP:
		fprintf(out, " its_count=%u its_ids=", n->u.its.count);
		for (i = 0; i < n->u.its.count; i++)
			fprintf(out, "%s%u", i ? "," : "", n->u.its.ids[i]);
		break;
	case PL_IORT_NAMED_COMPONENT:
		fputs(" device_name=", out);
		plfw_put_quoted(out, n->u.nc.device_name);
		fprintf(out, " memory_size_limit=%u node_flags=0x%X",
			n->u.nc.memory_address_limit, n->u.nc.node_flags);
		break;
	case PL_IORT_ROOT_COMPLEX:
		fprintf(out, " segment=%u ats_attribute=0x%X memory_size_limit=%u",
			n->u.rc.segment, n->u.rc.ats_attribute,
			n->u.rc.memory_address_limit);
		break;
	case PL_IORT_SMMUV1V2:
		fprintf(out, " base=0x%llX span=0x%llX model=%u flags=0x%X context_interrupt_count=%u",
			(unsigned long long)n->u.smmu.base,
			(unsigned long long)n->u.smmu.span, n->u.smmu.model,
			n->u.smmu.flags, n->u.smmu.ctx_irq_count);
		break;
	case PL_IORT_SMMUV3:
		fprintf(out, " base=0x%llX flags=0x%X model=%u event_gsiv=0x%X pri_gsiv=0x%X gerr_gsiv=0x%X sync_gsiv=0x%X proximity_domain=%u id_mapping_index=%u",
			(unsigned long long)n->u.smmuv3.base, n->u.smmuv3.flags,
			n->u.smmuv3.model, n->u.smmuv3.event_gsiv,
			n->u.smmuv3.pri_gsiv, n->u.smmuv3.gerr_gsiv,
			n->u.smmuv3.sync_gsiv, n->u.smmuv3.proximity_domain,
			n->u.smmuv3.id_mapping_index);
		break;
	case PL_IORT_PMCG:
		fprintf(out, " page0_base=0x%llX overflow_gsiv=0x%X node_reference=0x%X page1_base=0x%llX",
			(unsigned long long)n->u.pmcg.page0_base,
			n->u.pmcg.overflow_gsiv, n->u.pmcg.node_reference,
			(unsigned long long)n->u.pmcg.page1_base);
		break;
	case PL_IORT_RMR:
		fprintf(out, " flags=0x%X rmr_count=%u", n->u.rmr.flags,
			n->u.rmr.desc_count);
		break;
	case PL_IORT_IWB:
		fprintf(out, " base=0x%llX iwb_index=%u device_name=",
			(unsigned long long)n->u.iwb.base, n->u.iwb.iwb_index);
		plfw_put_quoted(out, n->u.iwb.device_name);
		break;
	default:
		break;
	}
}

int pl_iort_print(const struct pl_iort *t, FILE *out)
{
	size_t i;
	uint32_t j;

	fprintf(out, "table IORT revision=%u length=0x%X oem_id=", t->hdr.revision,
		t->hdr.length);
	plfw_put_quoted(out, t->hdr.oem_id);
	fputs(" oem_table_id=", out);
	plfw_put_quoted(out, t->hdr.oem_table_id);
	fprintf(out, " node_count=%u node_array_offset=0x%X\n", t->node_count,
		t->node_offset);
	fprintf(out, "counts ITS_GROUP=%zu NAMED_COMPONENT=%zu ROOT_COMPLEX=%zu SMMUV1V2=%zu SMMUV3=%zu PMCG=%zu RMR=%zu id_mappings=%zu\n",
		t->count[PL_IORT_ITS_GROUP], t->count[PL_IORT_NAMED_COMPONENT],
		t->count[PL_IORT_ROOT_COMPLEX], t->count[PL_IORT_SMMUV1V2],
		t->count[PL_IORT_SMMUV3], t->count[PL_IORT_PMCG],
		t->count[PL_IORT_RMR], t->nmaps);
	for (i = 0; i < t->nnodes; i++) {
		const struct pl_iort_node *n = &t->nodes[i];

		fprintf(out, "node offset=0x%zX type=%u(%s) length=0x%X revision=%u",
			n->offset, n->type, pl_iort_type_name(n->type), n->length,
			n->revision);
		if (t->has_identifiers)
			fprintf(out, " identifier=%u", n->identifier);
		fprintf(out, " mapping_count=%u", n->mapping_count);
		iort_fields(out, n);
		fputc('\n', out);
		for (j = 0; j < n->mapping_count; j++) {
			const struct pl_iort_map *m = &n->maps[j];

			fprintf(out, "  map input_base=0x%X id_count=0x%X output_base=0x%X output_ref=0x%X flags=0x%X single_mapping=%u\n",
				m->input_base, m->id_count, m->output_base,
				m->output_ref, m->flags,
				m->flags & PL_IORT_MAP_SINGLE);
		}
		if (n->type == PL_IORT_RMR) {
			for (j = 0; j < n->u.rmr.desc_count; j++)
				fprintf(out, "  rmr base=0x%llX length=0x%llX\n",
					(unsigned long long)n->u.rmr.descs[j].base,
					(unsigned long long)n->u.rmr.descs[j].length);
		}
	}
	return out_status(out);
}

/* ------------------------------------------------------------------- DT */

int pl_dt_print(const struct pl_dt *dt, FILE *out)
{
	size_t i, j, k;

	fputs("dt model=", out);
	plfw_put_quoted(out, dt->model ? dt->model : "");
	fputs(" compatible=", out);
	plfw_put_strlist(out, dt->compat, dt->ncompat);
	fprintf(out, "\ncounts iommu_nodes=%zu iommus_users=%zu iommu_map_entries=%zu\n",
		dt->niommus, dt->iommus_users, dt->map_entries);
	for (i = 0; i < dt->niommus; i++) {
		const struct pl_dt_iommu *io = &dt->iommus[i];

		fputs("iommu path=", out);
		plfw_put_token(out, io->path);
		fputs(" compatible=", out);
		plfw_put_strlist(out, io->compat, io->ncompat);
		fprintf(out, " iommu_cells=%u phandle=0x%X status=", io->iommu_cells,
			io->phandle);
		plfw_put_token(out, io->status);
		fputc('\n', out);
	}
	for (i = 0; i < dt->nusers; i++) {
		const struct pl_dt_user *u = &dt->users[i];

		if (u->has_iommus) {
			fputs("iommus node=", out);
			plfw_put_token(out, u->path);
			fputs(" status=", out);
			plfw_put_token(out, u->status);
			fputs(" specifiers=", out);
			for (j = 0; j < u->nspecs; j++) {
				const struct pl_dt_spec *s = &u->specs[j];

				if (j)
					fputc(' ', out);
				plfw_put_token(out, dt->iommus[s->iommu].path);
				fputc(':', out);
				for (k = 0; k < s->ncells; k++)
					fprintf(out, "%s0x%X", k ? "," : "",
						s->cells[k]);
			}
			fputc('\n', out);
		}
		if (u->has_map) {
			fputs("iommu-map node=", out);
			plfw_put_token(out, u->path);
			fputs(" status=", out);
			plfw_put_token(out, u->status);
			if (u->has_map_mask)
				fprintf(out, " iommu_map_mask=0x%X", u->map_mask);
			fputc('\n', out);
			for (j = 0; j < u->nmaps; j++) {
				const struct pl_dt_map *m = &u->maps[j];

				fprintf(out, "  map rid_base=0x%X iommu=", m->rid_base);
				plfw_put_token(out, dt->iommus[m->iommu].path);
				fprintf(out, " iommu_base=0x%X length=0x%X\n",
					m->iommu_base, m->length);
			}
		}
	}
	return out_status(out);
}

/* -------------------------------------------------------------- generic */

int pl_fw_dump(const void *buf, size_t len, FILE *out, struct pl_fw_diag *diag)
{
	int rc;

	switch (pl_fw_detect(buf, len)) {
	case PL_FW_DMAR: {
		struct pl_dmar *d;

		rc = pl_dmar_parse(buf, len, &d, diag);
		if (rc)
			return rc;
		rc = pl_dmar_print(d, out);
		pl_dmar_free(d);
		break;
	}
	case PL_FW_IORT: {
		struct pl_iort *t;

		rc = pl_iort_parse(buf, len, &t, diag);
		if (rc)
			return rc;
		rc = pl_iort_print(t, out);
		pl_iort_free(t);
		break;
	}
	case PL_FW_FDT: {
		struct pl_dt *dt;

		rc = pl_dt_parse(buf, len, &dt, diag);
		if (rc)
			return rc;
		rc = pl_dt_print(dt, out);
		pl_dt_free(dt);
		break;
	}
	default:
		plfw_diag_clear(diag);
		return plfw_fail(diag, -ENOTSUP, 0, "signature",
				 "not an ACPI DMAR or IORT table nor a flattened device tree");
	}
	if (rc)
		plfw_fail(diag, rc, 0, "output", "writing the dump failed");
	return rc;
}
