-- dbfault.lua - run.sh holds the database's write lock longer than the
-- filter's DatabaseTimeout: the ticket cannot be recorded, and the message
-- goes on as OnInternalError says (-D expect=accept|tempfail): accepted
-- with its verdict but no ticket, or tempfailed so the client retries.
-- With -D expect=recorded the lock is gone and the ticket is recorded.
dofile(srcdir .. "/tests/milter/common.lua")

local conn = open_connection()
local reply = send_message(conn, "<kai@example.net>", "<support@example.com>", {
	{ "From", "Kai <kai@example.net>" },
	{ "Subject", "Invoice question" },
	{ "Message-ID", "<dbfault-" .. expect .. "@example.net>" },
}, "Hello, could you explain the second line of my invoice? Kai\r\n")
if expect == "tempfail" then
	-- With smfi_setreply ("451 4.3.0 ...") the tempfail travels as a reply code.
	check(reply == SMFIR_TEMPFAIL or reply == SMFIR_REPLYCODE,
		"database locked, OnInternalError tempfail: not TEMPFAIL")
elseif expect == "accept" then
	check(reply == SMFIR_CONTINUE, "database locked, OnInternalError accept: not CONTINUE")
	check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Urgency"), "accepted without its verdict")
	check(not mt.eom_check(conn, MT_HDRADD, "X-Triage-Ticket"), "a ticket header with no ticket")
else
	check(reply == SMFIR_CONTINUE, "lock released: not CONTINUE")
	check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Ticket"), "lock released: no ticket")
end
mt.disconnect(conn)
