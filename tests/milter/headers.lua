-- headers.lua - a customer's message to support gets its X-Triage-* headers,
-- and X-Triage-* headers that came with it are removed.
dofile(srcdir .. "/tests/milter/common.lua")

local conn = open_connection()
local reply = send_message(conn, "<dana@example.com>", "<support@example.com>", {
	{ "From", "Dana Reyes <dana@example.com>" },
	{ "To", "support@example.com" },
	{ "Subject", "Checkout down for all our stores" },
	{ "X-Triage-Urgency", "critical" },
	{ "Content-Type", "text/plain; charset=utf-8" },
}, "Your checkout API has returned HTTP 502 for every request since 09:00.\r\n" ..
   "The whole shop is down for everyone and we are losing orders every minute.\r\n")
check(reply == SMFIR_CONTINUE, "eom: not CONTINUE")
check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Urgency", "critical"),
	"X-Triage-Urgency: critical not added")
check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Language", "en"), "X-Triage-Language: en not added")
check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Topic", "defect"), "X-Triage-Topic: defect not added")
check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Personality"), "X-Triage-Personality not added")
check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Complaint"), "X-Triage-Complaint not added")
check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Rules"), "X-Triage-Rules not added")
-- The forged header is deleted: smfi_chgheader(..., NULL) shows as a change.
check(mt.eom_check(conn, MT_HDRCHANGE, "X-Triage-Urgency"), "forged X-Triage-Urgency not removed")
-- TagSubject and RouteCritical are on in the test configuration.
check(mt.eom_check(conn, MT_HDRCHANGE, "Subject", "[critical] Checkout down for all our stores"),
	"Subject not tagged [critical]")
check(mt.eom_check(conn, MT_RCPTADD, "<urgent@example.com>"), "urgent@example.com not added")
mt.disconnect(conn)

-- A normal question: no routing, tagged [normal] or [low], never [critical].
conn = open_connection()
reply = send_message(conn, "<jo@example.com>", "<support@example.com>", {
	{ "From", "Jo <jo@example.com>" },
	{ "Subject", "Opening hours" },
}, "Hello, are you open on Saturdays? Thanks, Jo\r\n")
check(reply == SMFIR_CONTINUE, "question: not CONTINUE")
check(not mt.eom_check(conn, MT_RCPTADD, "<urgent@example.com>"), "urgent@ added to a plain question")
check(not mt.eom_check(conn, MT_HDRCHANGE, "Subject", "[critical] Opening hours"),
	"a plain question was tagged critical")
check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Urgency"), "question: no X-Triage-Urgency")
mt.disconnect(conn)
