/*
 * bench/noop-milter.c - the cheapest useful libmilter filter: it adds one
 * header to every message and does nothing else. bench/postfix measures
 * triage-milter against it: the floor any libmilter filter pays.
 *
 * Usage: bench-noop-milter SOCKET     (libmilter syntax: local:/path)
 *
 * It asks for the same steps triage-milter asks for (no HELO, no DATA, no
 * unknown commands; headers and body are sent), so the comparison is of
 * the work done, not of the protocol.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libmilter/mfapi.h>

static sfsistat
on_eom(SMFICTX *ctx)
{
	smfi_addheader(ctx, "X-Noop", "1");
	return SMFIS_CONTINUE;
}

static sfsistat
on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
    unsigned long *pf3)
{
	(void)ctx;
	(void)f0;
	(void)f2;
	(void)f3;
	*pf0 = SMFIF_ADDHDRS;
	*pf1 = (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOCONNECT |
	    SMFIP_NOMAIL | SMFIP_NORCPT) & f1;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static struct smfiDesc noop = {
	.xxfi_name = "noop",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS,
	.xxfi_eom = on_eom,
	.xxfi_negotiate = on_negotiate,
};

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench-noop-milter SOCKET\n");
		return 64;
	}
	umask(0);	/* the MTA runs as another user */
	if (strncmp(argv[1], "local:", 6) == 0)
		(void)unlink(argv[1] + 6);
	if (smfi_register(noop) == MI_FAILURE || smfi_setconn(argv[1]) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "bench-noop-milter: cannot open %s\n", argv[1]);
		return 71;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 70;
}
