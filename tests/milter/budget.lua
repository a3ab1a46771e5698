-- budget.lua - a message far larger than ClassifyBudget (1 ms in run.sh's
-- budget instances) allows: classification stops at its deadline, and the
-- message goes on as OnInternalError says (-D expect=accept|tempfail):
-- stamped with the verdict of the rules that ran, or tempfailed.
dofile(srcdir .. "/tests/milter/common.lua")

-- About 1 MB of text, in body chunks under the protocol's 64 KB limit.
local line = "My order has not arrived and nobody answers the phone.\r\n"
local chunk = string.rep(line, 1000)
local conn = open_connection()
check(mt.mailfrom(conn, "<big@example.net>") == nil, "mailfrom failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "mailfrom: not CONTINUE")
check(mt.rcptto(conn, "<support@example.com>") == nil, "rcptto failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "rcptto: not CONTINUE")
for _, h in ipairs({
	{ "From", "Big <big@example.net>" },
	{ "Subject", "A very long letter" },
	{ "Message-ID", "<budget-" .. expect .. "@example.net>" },
}) do
	check(mt.header(conn, h[1], h[2]) == nil, "header failed")
	check(mt.getreply(conn) == SMFIR_CONTINUE, "header: not CONTINUE")
end
check(mt.eoh(conn) == nil, "eoh failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "eoh: not CONTINUE")
for _ = 1, 18 do
	check(mt.bodystring(conn, chunk) == nil, "body failed")
	check(mt.getreply(conn) == SMFIR_CONTINUE, "body: not CONTINUE")
end
check(mt.eom(conn) == nil, "eom failed")
local reply = mt.getreply(conn)
if expect == "tempfail" then
	check(reply == SMFIR_TEMPFAIL or reply == SMFIR_REPLYCODE,
		"over ClassifyBudget, OnInternalError tempfail: not TEMPFAIL")
else
	check(reply == SMFIR_CONTINUE, "over ClassifyBudget, OnInternalError accept: not CONTINUE")
	check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Urgency"), "accepted without a verdict")
	check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Ticket"), "accepted without its ticket")
end
mt.disconnect(conn)
