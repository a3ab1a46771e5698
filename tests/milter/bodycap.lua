-- bodycap.lua - a body larger than MaxScanBytes (4K in the test
-- configuration) is read up to the cap, the rest skipped, and the message
-- still gets its verdict: the words past the cap are never seen.
dofile(srcdir .. "/tests/milter/common.lua")

local filler = string.rep("Just some harmless words about opening hours. ", 200)
local conn = open_connection()
check(mt.mailfrom(conn, "<kim@example.com>") == nil, "mailfrom failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "mailfrom: not CONTINUE")
check(mt.rcptto(conn, "<support@example.com>") == nil, "rcptto failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "rcptto: not CONTINUE")
check(mt.header(conn, "From", "Kim <kim@example.com>") == nil, "header failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "header: not CONTINUE")
check(mt.header(conn, "Subject", "A long letter") == nil, "header failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "header: not CONTINUE")
check(mt.eoh(conn) == nil, "eoh failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "eoh: not CONTINUE")
check(mt.bodystring(conn, filler .. "\r\nThe shop is down for everyone, we are losing orders every minute!\r\n") == nil,
	"body failed")
local reply = mt.getreply(conn)
check(reply == SMFIR_SKIP or reply == SMFIR_CONTINUE, "body over the cap: unexpected reply")
check(mt.eom(conn) == nil, "eom failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "eom: not CONTINUE")
check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Urgency"), "no verdict for a capped message")
check(not mt.eom_check(conn, MT_HDRADD, "X-Triage-Urgency", "critical"),
	"words past MaxScanBytes were classified")
mt.disconnect(conn)
