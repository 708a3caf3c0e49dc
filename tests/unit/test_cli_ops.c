// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of tools/lib/ops.c and events.c that need no module: PCI
 * address parsing, the enum name tables, record location in a blob, and
 * the monitor's refusal when the generic netlink family is absent.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probelab.h"
#include "topo.h"

static void bdf_valid(void **state)
{
	uint16_t seg = 0x77;
	uint8_t bus = 0, devfn = 0;

	(void)state;
	assert_int_equal(pl_parse_bdf("00:1f.7", &seg, &bus, &devfn), 0);
	assert_int_equal(seg, 0x77);	/* no segment given: untouched */
	assert_int_equal(bus, 0);
	assert_int_equal(devfn, 0x1f << 3 | 7);
	assert_int_equal(pl_parse_bdf("ffff:Ab:03.1", &seg, &bus, &devfn), 0);
	assert_int_equal(seg, 0xffff);
	assert_int_equal(bus, 0xab);
	assert_int_equal(devfn, 3 << 3 | 1);
	assert_int_equal(pl_parse_bdf("1:2:3.4", &seg, &bus, &devfn), 0);
	assert_int_equal(seg, 1);
	assert_int_equal(bus, 2);
	assert_int_equal(devfn, 3 << 3 | 4);
}

static void bdf_invalid(void **state)
{
	static const char *const bad[] = {
		"", "00", "00:1f", "00:20.0", "00:1f.8", "100:00.0",
		"10000:00:00.0", "0:0:0:0.0", "00:00.0x", "00:00.", ":00.0",
		"00:.0", "g0:00.0", "00:00.00", " 00:00.0", "00:00.0 ",
		"-1:00.0", "0x00:00.0",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint16_t seg = 0;
		uint8_t bus = 0, devfn = 0;

		if (pl_parse_bdf(bad[i], &seg, &bus, &devfn) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
	assert_int_equal(pl_parse_bdf(NULL, NULL, NULL, NULL), -EINVAL);
}

static void names(void **state)
{
	(void)state;
	for (unsigned int d = PROBELAB_DRV_DMA; d <= PROBELAB_DRV_POOL; d++) {
		assert_int_equal(pl_driver_from_name(pl_driver_name(d)), (int)d);
		assert_int_equal(pl_driver_from_name(pl_driver_kname(d)), (int)d);
	}
	assert_string_equal(pl_driver_kname(PROBELAB_DRV_OWNOPS), "probelab-ownops");
	assert_int_equal(pl_driver_from_name("probelab-iommu"), -EINVAL);
	assert_null(pl_driver_name(0));
	assert_string_equal(pl_driver_kname(PROBELAB_DRV_POOL), "probelab-pool");
	assert_null(pl_driver_name(5));
	for (unsigned int e = PROBELAB_EV_FW_LOAD; e <= PROBELAB_EV_HW_WRITE; e++) {
		assert_non_null(pl_event_name(e));
		assert_int_equal(pl_event_from_name(pl_event_name(e)), (int)e);
	}
	assert_null(pl_event_name(0));
	assert_null(pl_event_name(PROBELAB_EV_HW_WRITE + 1));
	assert_string_equal(pl_domain_type_name(0), "none");
	assert_string_equal(pl_domain_type_name(PROBELAB_DOMAIN_IDENTITY), "identity");
	assert_int_equal(pl_domain_type_from_name("dma"), PROBELAB_DOMAIN_DMA);
	assert_int_equal(pl_domain_type_from_name("none"), -EINVAL);
	assert_string_equal(pl_dev_state_name(PROBELAB_DEV_NO_IOMMU), "no-iommu");
	assert_null(pl_dev_state_name(0));
	assert_string_equal(pl_iommu_model_name(PROBELAB_FW_IOMMU_VTD), "vtd");
	assert_string_equal(pl_bind_result_name(PROBELAB_BIND_DEFERRED), "deferred");
	assert_string_equal(pl_fw_rec_type_name(PROBELAB_FW_REC_SCOPE), "SCOPE");
	assert_null(pl_fw_rec_type_name(8));
	assert_string_equal(pl_errno_name(-517), "EPROBE_DEFER");
	assert_string_equal(pl_errno_name(-EBUSY), "EBUSY");
	assert_string_equal(pl_errno_name(ERANGE), "ERANGE");
}

static void blob_locate(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct probelab_fw_iommu io;
	unsigned int type = 0, ord = 0;
	size_t len, off = 0;
	void *blob;
	int s, ep;

	(void)state;
	assert_non_null(b);
	memset(&io, 0, sizeof(io));
	io.model = PROBELAB_FW_IOMMU_SMMUV3;
	io.sid_bits = 8;
	strcpy(io.name, "a");
	s = pl_topo_add_iommu(b, &io, "iommus[0]");
	strcpy(io.name, "b");
	assert_int_equal(pl_topo_add_iommu(b, &io, "iommus[1]"), 1);
	ep = pl_topo_add_endpoint(b, "ep", "endpoints[0]");
	assert_true(pl_topo_add_spec(b, (unsigned int)ep, (unsigned int)s, 1, 0, "s0") >= 0);
	assert_true(pl_topo_add_spec(b, (unsigned int)ep, 1, 2, 0, "s1") >= 0);
	assert_int_equal(pl_topo_builder_emit(b, &blob, &len), 0);
	/* IOMMU, IOMMU, ENDPOINT, SPEC, SPEC */
	assert_int_equal(pl_fw_blob_locate(blob, len, 4, &type, &ord, &off), 0);
	assert_int_equal(type, PROBELAB_FW_REC_SPEC);
	assert_int_equal(ord, 1);
	assert_int_equal(off, len - 8 - sizeof(struct probelab_fw_spec));
	assert_int_equal(pl_fw_blob_locate(blob, len, 1, &type, &ord, &off), 0);
	assert_int_equal(type, PROBELAB_FW_REC_IOMMU);
	assert_int_equal(ord, 1);
	assert_int_equal(off, 48 + 8 + sizeof(struct probelab_fw_iommu));
	assert_int_equal(pl_fw_blob_locate(blob, len, 5, &type, &ord, &off), -ENOENT);
	assert_int_equal(pl_fw_blob_locate(blob, 40, 0, &type, &ord, &off), -ENOENT);
	/* a broken record length stops the walk */
	((struct probelab_fw_rec *)((char *)blob + 48))->len = 4;
	assert_int_equal(pl_fw_blob_locate(blob, len, 0, &type, NULL, NULL), 0);
	assert_int_equal(pl_fw_blob_locate(blob, len, 2, &type, NULL, NULL), -ENOENT);
	free(blob);
	pl_topo_builder_free(b);
}

/* Without probelab.ko the family does not resolve: -ENOENT and a reason. */
static void monitor_without_module(void **state)
{
	struct pl_monitor *m = NULL;
	char err[256] = "";
	int ret;

	(void)state;
	if (pl_module_state() == 1)
		skip();
	ret = pl_monitor_open(&m, err, sizeof(err));
	assert_int_equal(ret, -ENOENT);
	assert_null(m);
	assert_non_null(strstr(err, "probelab.ko is not loaded"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bdf_valid),
		cmocka_unit_test(bdf_invalid),
		cmocka_unit_test(names),
		cmocka_unit_test(blob_locate),
		cmocka_unit_test(monitor_without_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
